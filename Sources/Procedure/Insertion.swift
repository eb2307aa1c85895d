import ParsGuideCore
import Anatomy
import Devices
import Foundation
import Ultrasound

/// A needle insertion rehearsed in steps: advance, withdraw and redirect along straight segments from a
/// skin entry, with what the tip meets after every step.
///
/// The tip stops at bone (a needle cannot be pushed through it) and the event is recorded. "In view"
/// means within the imaged slice: the tip's distance from the image plane is within the −6 dB elevation
/// half-width at its depth (`ElevationSlice`) and it lies inside the image's depth.
public struct Insertion: Sendable {
    public enum Move: Sendable, Equatable {
        case advance(Double)
        case withdraw(Double)
        /// Withdraw to `keepMm` of insertion and point the needle along a new unit direction.
        case redirect(direction: Vector3, keepMm: Double)
    }

    public struct Step: Codable, Sendable, Equatable {
        public var index: Int
        public var tipMm: [Double]
        /// Needle inserted beyond the skin entry, mm.
        public var insertedMm: Double
        public var tissue: String
        public var distanceToTargetMm: Double
        public var distanceToDuraMm: Double
        /// Distance of the tip from the image plane, mm.
        public var outOfPlaneMm: Double
        public var inView: Bool
        public var events: [String]
    }

    public let subject: PlanningSubject
    public let pose: ProbePose
    public let target: Vector3
    public let entry: Vector3
    public let needle: Needle
    let slice: ElevationSlice
    let fieldOfView: FieldOfView
    let dura: [Vector3]

    /// The tip is checked for bone every this many millimetres of advance (the planner checks a path at the
    /// same points, so a plan's needle is not stopped by a voxel its check stepped over).
    public static let tipStepMm = 0.25

    public private(set) var direction: Vector3
    public private(set) var insertedMm = 0.0
    public private(set) var steps: [Step] = []
    public private(set) var redirections = 0
    public private(set) var tipTravelMm = 0.0
    public private(set) var sweptAreaMm2 = 0.0
    private var wasInView = false
    private var stoppedByBone = false

    public init(subject: PlanningSubject, pose: ProbePose, entry: Vector3, direction: Vector3, target: Vector3, needle: Needle,
                transducer: Transducer = .c52, settings: BModeSettings = BModeSettings()) {
        self.subject = subject
        self.pose = pose
        self.entry = entry
        self.direction = direction.normalized
        self.target = target
        self.needle = needle
        slice = ElevationSlice(transducer: transducer, settings: settings)
        fieldOfView = FieldOfView(transducer: transducer, settings: settings)
        let found = subject.voxels(of: [Tissue.dura.rawValue, Tissue.cerebrospinalFluid.rawValue], near: target, radiusMm: 100)
        dura = found.values.flatMap { $0 }
    }

    /// A rehearsal of a plan: its entry and direction, turned `deviation` out of the image plane (about
    /// the in-plane axis perpendicular to the needle).
    public init(subject: PlanningSubject, plan: NeedlePlan, deviation: Angle = .degrees(0)) throws {
        let pose = try plan.probePose
        var d = plan.unitDirection
        if deviation.radians != 0 { d = d.rotated(about: pose.elevation.cross(d).normalized, by: deviation) }
        self.init(subject: subject, pose: pose, entry: plan.entry, direction: d, target: plan.targetPoint, needle: plan.needle)
    }

    public var tipMm: Vector3 { entry + direction * insertedMm }

    /// The shaft as drawn by the simulators: from the tip back along the needle's full length.
    public var shaft: NeedleShaft? {
        insertedMm > 0 ? try? needle.shaft(tipMm: tipMm, direction: direction) : nil
    }

    /// Applies one move and records the step.
    public mutating func apply(_ move: Move) throws {
        var events: [String] = []
        let before = tipMm
        switch move {
        case .advance(let mm):
            guard mm.isFinite, mm > 0 else { throw ProcedureError.invalid("advance by \(mm) mm: give a positive step") }
            if stoppedByBone { events.append("bone contact: cannot advance") } else {
                // Advance in increments of ≤ `tipStepMm`; stop at the first bone voxel.
                let goal = insertedMm + mm
                while insertedMm < goal - 1e-9 {
                    let next = min(insertedMm + Self.tipStepMm, goal)
                    guard next <= needle.lengthMm - 1 else { events.append("needle fully inserted"); break }
                    if let v = subject.labels.value(nearestTo: entry + direction * next), Tissue.isBone(v) {
                        stoppedByBone = true
                        events.append("bone contact (\(Tissue(rawValue: v)?.name ?? "bone"))")
                        break
                    }
                    insertedMm = next
                }
            }
        case .withdraw(let mm):
            guard mm.isFinite, mm > 0 else { throw ProcedureError.invalid("withdraw by \(mm) mm: give a positive step") }
            insertedMm = max(0, insertedMm - mm)
            stoppedByBone = false
        case .redirect(let d, let keep):
            guard keep >= 0, keep <= insertedMm else { throw ProcedureError.invalid("redirect keeping \(keep) mm: allowed 0–\(insertedMm) mm") }
            let oldTip = entry + direction * keep
            let newDirection = d.normalized
            // Back to the pivot depth, then an arc about the entry.
            tipTravelMm += (insertedMm - keep) + keep * acos(min(1, max(-1, direction.dot(newDirection))))
            insertedMm = keep
            // The shaft sweeps the triangle between the old and new tips about the entry.
            sweptAreaMm2 += 0.5 * (oldTip - entry).cross(entry + newDirection * keep - entry).length
            direction = newDirection
            redirections += 1
            stoppedByBone = false
            events.append("redirected")
        }
        if case .redirect = move {} else { tipTravelMm += (tipMm - before).length }
        record(events)
    }

    private mutating func record(_ extra: [String]) {
        var events = extra
        let tip = tipMm
        let label = subject.labels.value(nearestTo: tip) ?? 0
        let tissue = Tissue(rawValue: label)?.name ?? "label \(label)"
        if label == Tissue.dura.rawValue || label == Tissue.cerebrospinalFluid.rawValue, !steps.contains(where: { $0.events.contains("dural puncture") }) {
            events.append("dural puncture")
        }
        if label == Tissue.nerveRoot.rawValue { events.append("nerve-root contact") }
        let p = pose.probePoint(ofWorld: tip)
        let inView = insertedMm > 0 && fieldOfView.contains(p) && abs(p.y) <= slice.halfWidthMm(depthMm: max(1, p.z))
        if wasInView && !inView { events.append("tip lost from view") }
        wasInView = inView
        var toDura = Double.infinity
        for q in dura { toDura = min(toDura, (q - tip).length) }
        steps.append(Step(index: steps.count, tipMm: [tip.x, tip.y, tip.z], insertedMm: insertedMm, tissue: tissue,
                          distanceToTargetMm: (tip - target).length, distanceToDuraMm: toDura.isFinite ? toDura : 999,
                          outOfPlaneMm: abs(p.y), inView: inView, events: events))
    }

    /// The Perk Tutor-style metrics of the rehearsal so far (plus tissue damage, visibility and punctures).
    public var metrics: InsertionMetrics {
        let inTissue = steps.count > 1 ? zip(steps, steps.dropFirst()).reduce(0.0) { acc, pair in
            acc + (pair.1.tissue != Tissue.air.name ? abs(pair.1.insertedMm - pair.0.insertedMm) : 0)
        } : 0
        let moving = steps.filter { $0.insertedMm > 0 }
        let final = steps.last
        return InsertionMetrics(
            steps: steps.count, elapsedSeconds: tipTravelMm / InsertionMetrics.advanceMmPerSecond + Double(redirections) * InsertionMetrics.secondsPerRedirection,
            tipTravelMm: tipTravelMm, pathInTissueMm: inTissue, redirections: redirections,
            tissueDamageMm2: sweptAreaMm2 + (steps.map(\.insertedMm).max() ?? 0) * needle.outerDiameterMm,
            visibleFraction: moving.isEmpty ? 0 : Double(moving.filter(\.inView).count) / Double(moving.count),
            finalTipToTargetMm: final?.distanceToTargetMm ?? .nan,
            finalTissue: final?.tissue ?? "",
            duralPunctures: steps.filter { $0.events.contains("dural puncture") }.count,
            boneContacts: steps.filter { $0.events.contains { $0.hasPrefix("bone contact") } }.count,
            nerveRootContacts: steps.filter { $0.events.contains("nerve-root contact") }.count,
            tipLostFromView: steps.filter { $0.events.contains("tip lost from view") }.count)
    }
}

/// What a rehearsal scored: `metrics.json`. Key names are a public contract.
public struct InsertionMetrics: Codable, Sendable, Equatable {
    /// Nominal advance speed and pause per redirection for the elapsed-time estimate (assumptions).
    public static let advanceMmPerSecond = 2.0, secondsPerRedirection = 5.0

    public var steps: Int
    public var elapsedSeconds: Double
    public var tipTravelMm: Double
    public var pathInTissueMm: Double
    public var redirections: Int
    /// Area swept by the shaft in redirections plus the track's area (length × diameter), mm².
    public var tissueDamageMm2: Double
    /// Fraction of the steps with the needle in the body at which the tip was inside the imaged slice.
    public var visibleFraction: Double
    public var finalTipToTargetMm: Double
    public var finalTissue: String
    public var duralPunctures: Int
    public var boneContacts: Int
    public var nerveRootContacts: Int
    public var tipLostFromView: Int
}

extension Insertion {
    /// One advance or withdrawal: 0.1 mm (the finest a hand moves a needle deliberately) to 20 mm; chosen.
    public static let step = PhysicalParameter(name: "needle step", unit: "mm", range: 0.1...20)

    /// Rehearses a plan: from its entry, advance `stepMm` at a time to the planned depth (the last step
    /// shorter), along the plan's direction turned `deviation` out of plane; stops early at bone.
    public static func rehearse(_ plan: NeedlePlan, on subject: PlanningSubject, stepMm: Double, deviation: Angle = .degrees(0)) throws -> Insertion {
        try Self.step.checked(stepMm)
        guard deviation.degrees.isFinite, abs(deviation.degrees) <= 45 else {
            throw ProcedureError.invalid("deviation of \(deviation.degrees)° is out of range: allowed −45–45°")
        }
        var insertion = try Insertion(subject: subject, plan: plan, deviation: deviation)
        while insertion.insertedMm < plan.depthToTargetMm - 1e-6 {
            let before = insertion.insertedMm
            try insertion.apply(.advance(min(stepMm, plan.depthToTargetMm - insertion.insertedMm)))
            if insertion.insertedMm <= before + 1e-9 { break }  // stopped (bone, or the needle's end)
        }
        return insertion
    }
}

/// `metrics.json` of `parsguide insert`: the rehearsal's settings, its metrics and every step.
public struct InsertionReport: Codable, Sendable {
    public var target: String
    public var stepMm: Double
    public var deviationDeg: Double
    public var metrics: InsertionMetrics
    public var steps: [Insertion.Step]

    public init(plan: NeedlePlan, stepMm: Double, deviationDeg: Double, insertion: Insertion) {
        target = plan.target.name
        self.stepMm = stepMm
        self.deviationDeg = deviationDeg
        metrics = insertion.metrics
        steps = insertion.steps
    }
}
