import Anatomy
import Foundation
import Ultrasound

/// An in-plane needle plan: `plan.json`. Key names are a public contract. World coordinates are LPS mm.
/// The `pose.worldFromProbe` key makes the file a valid `parsguide ultrasound --pose-json`.
public struct NeedlePlan: Codable, Sendable, Equatable {
    public struct SubjectRef: Codable, Sendable, Equatable {
        public var directory: String
        /// Ties the plan to its subject (`PlanningSubject.fingerprint`).
        public var fingerprint: String
    }

    public struct Target: Codable, Sendable, Equatable {
        /// `L5-left`.
        public var name: String
        public var pointMm: [Double]
        /// The tissue at the target: "pars defect", or the bone whose surface it touches.
        public var structure: String
    }

    public struct Pose: Codable, Sendable, Equatable {
        /// Probe frame → world, 4 rows of 4 (x azimuth from the marker end, y elevation, z beam).
        public var worldFromProbe: [[Double]]
        public var view: String
        public var rotationDeg: Double
        public var tiltDeg: Double
        public var transducer: String
    }

    public var format = "parsguide-plan"
    public var version = 1
    public var subject: SubjectRef
    public var target: Target
    public var entryMm: [Double]
    /// Unit vector from entry to target.
    public var direction: [Double]
    /// Needle travel from the skin to the target, mm.
    public var depthToTargetMm: Double
    /// Angle between the needle and the skin surface under the probe (the plane normal to the beam), °.
    public var angleToSkinDeg: Double
    /// Angle between the needle and the probe face (the array axis), °: the in-plane angle.
    public var angleToProbeFaceDeg: Double
    /// Angle between the needle and the scan line through the target, °: 90 is the brightest.
    public var angleToBeamDeg: Double
    /// Where to puncture, measured along the probe's long axis beyond its cranial (marker) end, mm.
    public var entryOffsetFromProbeMm: Double
    /// Smallest distance from the shaft (entry → target) to each structure, mm.
    public var clearancesMm: [String: Double]
    public var needle: Needle
    /// Needle length left outside the skin at the target, mm.
    public var needleOutsideSkinMm: Double
    public var pose: Pose
    public var warnings: [String]

    public var entry: Vector3 { Vector3(entryMm[0], entryMm[1], entryMm[2]) }
    public var targetPoint: Vector3 { Vector3(target.pointMm[0], target.pointMm[1], target.pointMm[2]) }
    public var unitDirection: Vector3 { Vector3(direction[0], direction[1], direction[2]) }

    public var probePose: ProbePose {
        get throws {
            let r = pose.worldFromProbe
            let m = Matrix4(rows: (0..<4).map { SIMD4(r[$0][0], r[$0][1], r[$0][2], r[$0][3]) })
            return try ProbePose(centreMm: m.translation, beam: m.column(2), azimuth: m.column(0))
        }
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    /// Reads a plan and checks that it belongs to `subject`.
    public static func read(path: String, for subject: PlanningSubject) throws -> NeedlePlan {
        guard let data = FileManager.default.contents(atPath: path) else { throw ProcedureError.invalid("plan \(path): no such file or not readable") }
        let plan: NeedlePlan
        do { plan = try JSONDecoder().decode(NeedlePlan.self, from: data) } catch {
            throw ProcedureError.invalid("plan \(path) is not a ParsGuide plan (make one with `parsguide plan`): \(error)")
        }
        guard plan.pose.worldFromProbe.count == 4, plan.pose.worldFromProbe.allSatisfy({ $0.count == 4 }),
              plan.entryMm.count == 3, plan.target.pointMm.count == 3, plan.direction.count == 3 else {
            throw ProcedureError.invalid("plan \(path): entryMm, target.pointMm and direction need 3 numbers, pose.worldFromProbe 4 rows of 4")
        }
        guard plan.subject.fingerprint == subject.fingerprint else {
            throw ProcedureError.invalid("plan \(path) was made on another subject (fingerprint \(plan.subject.fingerprint), this subject \(subject.fingerprint) in \(subject.directory)): plan again on this subject")
        }
        return plan
    }
}
