import Anatomy
import Devices
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
        let plan = try decode(data, within: subject.labels.grid, path: path)
        guard plan.subject.fingerprint == subject.fingerprint else {
            throw ProcedureError.invalid("plan \(path) was made on another subject (fingerprint \(plan.subject.fingerprint), this subject \(subject.fingerprint) in \(subject.directory)): plan again on this subject")
        }
        return plan
    }

    /// Decodes the bytes of a plan and checks it against a subject's `grid` (`problem(within:)`); `path`
    /// names it in errors.
    public static func decode(_ data: Data, within grid: Grid, path: String = "plan.json") throws -> NeedlePlan {
        let plan: NeedlePlan
        do { plan = try JSONDecoder().decode(NeedlePlan.self, from: data) } catch {
            throw ProcedureError.invalid("plan \(path) is not a ParsGuide plan (make one with `parsguide plan`): \(error)")
        }
        if let problem = plan.problem(within: grid) { throw ProcedureError.invalid("plan \(path): \(problem)") }
        return plan
    }

    /// Why this plan cannot be used on a subject with `grid`, naming the key, or nil when it can: the format
    /// and version; 3 finite numbers in `entryMm`, `target.pointMm` and `direction`; entry and target inside
    /// the subject's grid; a unit direction from the entry to the target, `depthToTargetMm` apart (within
    /// 0.5 mm and 1°: the file's coordinates are rounded to µm); finite angles in their ranges; a needle
    /// ParsGuide models that reaches the target; a rigid probe pose.
    public func problem(within grid: Grid) -> String? {
        guard format == "parsguide-plan" else { return "format is '\(format)', not 'parsguide-plan'" }
        guard version == 1 else { return "version \(version) is not supported (this ParsGuide reads version 1)" }
        let bounds = (lo: grid.world(0, 0, 0), hi: grid.world(grid.dimensions.x - 1, grid.dimensions.y - 1, grid.dimensions.z - 1))
        for (key, v) in [("entryMm", entryMm), ("target.pointMm", target.pointMm), ("direction", direction)] {
            guard v.count == 3, v.allSatisfy(\.isFinite) else { return "\(key) must be 3 finite numbers (it is \(v))" }
        }
        for (key, p) in [("entryMm", entry), ("target.pointMm", targetPoint)] {
            let inside = (0..<3).allSatisfy { p[$0] >= min(bounds.lo[$0], bounds.hi[$0]) - 1 && p[$0] <= max(bounds.lo[$0], bounds.hi[$0]) + 1 }
            guard inside else { return String(format: "%@ (%.2f, %.2f, %.2f) mm lies outside the subject's grid", key, p.x, p.y, p.z) }
        }
        guard abs(unitDirection.length - 1) <= 1e-3 else { return String(format: "direction has length %.6g, not 1", unitDirection.length) }
        guard depthToTargetMm.isFinite, depthToTargetMm > 0 else { return "depthToTargetMm \(depthToTargetMm) must be a positive number of mm" }
        let path = targetPoint - entry
        guard abs(path.length - depthToTargetMm) <= 0.5 else {
            return String(format: "depthToTargetMm %.3f does not match the %.3f mm from entryMm to target.pointMm", depthToTargetMm, path.length)
        }
        let offAxisDeg = acos(min(1, max(-1, path.normalized.dot(unitDirection.normalized)))) * 180 / .pi
        guard offAxisDeg <= 1 else { return String(format: "direction is %.1f° off the line from entryMm to target.pointMm", offAxisDeg) }
        for (key, value, range) in [("angleToSkinDeg", angleToSkinDeg, 0.0...90), ("angleToProbeFaceDeg", angleToProbeFaceDeg, 0...180),
                                    ("angleToBeamDeg", angleToBeamDeg, 0...180), ("pose.rotationDeg", pose.rotationDeg, -180...180),
                                    ("pose.tiltDeg", pose.tiltDeg, -90...90)] where !(value.isFinite && range.contains(value)) {
            return "\(key) \(value) is outside \(range.lowerBound)…\(range.upperBound)°"
        }
        for (key, value) in [("entryOffsetFromProbeMm", entryOffsetFromProbeMm), ("needleOutsideSkinMm", needleOutsideSkinMm)]
            + clearancesMm.sorted(by: { $0.key < $1.key }).map({ ("clearancesMm.\($0.key)", $0.value) }) where !value.isFinite {
            return "\(key) is \(value), not a finite number"
        }
        guard NeedleShaft.outerDiameterMmByGauge[needle.gauge] != nil else {
            return "needle.gauge \(needle.gauge) is not modelled: allowed \(Needle.gauges.map { "\($0)" }.joined(separator: ", "))"
        }
        guard Needle.lengthsInches.contains(where: { abs($0 * 25.4 - needle.lengthMm) < 0.01 }) else {
            return "needle.lengthMm \(needle.lengthMm) is not a spinal-needle length: allowed \(Needle.lengthsInches.map { String(format: "%.1f", $0 * 25.4) }.joined(separator: ", ")) mm"
        }
        guard needle.lengthMm >= depthToTargetMm else {
            return String(format: "the %.1f mm needle cannot reach a target %.1f mm deep (needle.lengthMm < depthToTargetMm)", needle.lengthMm, depthToTargetMm)
        }
        if let problem = Matrix4.rigidTransformProblem(rows: pose.worldFromProbe) { return "pose.worldFromProbe is not a rigid transform: \(problem)" }
        guard pose.worldFromProbe.count == 4 else { return "pose.worldFromProbe must have 4 rows" }
        return nil
    }
}
