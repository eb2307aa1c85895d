import Anatomy
import Foundation
import Testing
import TestSupport
import Ultrasound
@testable import Procedure

/// The procedure on the default (flagship) subject: 51-year-old man, 177 cm, 74 kg, bilateral L5 defects,
/// 0.5 mm voxels — built once per test process (`TestSubjects`).
@Suite(.serialized) struct ProcedureTests {
    static let built = Result { () throws -> PlanningSubject in
        let s = try TestSubjects.flagship(voxelMm: 0.5)
        let document = SubjectDocument(s, files: [:])
        return PlanningSubject(directory: "memory", labels: s.labels, document: document,
                               fingerprint: PlanningSubject.fingerprint(of: try document.encoded()))
    }
    static func subject() throws -> PlanningSubject { try built.get() }

    static let plans = Result { () throws -> [String: NeedlePlan] in
        try Dictionary(uniqueKeysWithValues: ["L5-left", "L5-right"].map { ($0, try InPlanePlanner().plan(try subject(), target: $0)) })
    }
    static func plan(_ target: String) throws -> NeedlePlan { try plans.get()[target]! }

    @Test(arguments: ["L5-left", "L5-right"])
    func thePlanReachesTheDefectSafelyInPlane(target: String) throws {
        let subject = try Self.subject()
        let plan = try Self.plan(target)
        let labels = subject.labels
        let side: Side = target.hasSuffix("left") ? .left : .right
        // Ends in the defect, or on pars bone at its edge (≤ 2 mm).
        let end = plan.targetPoint
        let endLabel = labels.value(nearestTo: end)
        let nearDefect = subject.voxels(of: [Tissue.parsDefect.rawValue], near: end, radiusMm: 2)[Tissue.parsDefect.rawValue] ?? []
        #expect(endLabel == Tissue.parsDefect.rawValue || !nearDefect.isEmpty, "target tissue \(endLabel ?? 0)")
        // Crosses no bone (sampled every 0.1 mm, up to the last millimetre).
        let d = plan.unitDirection, length = plan.depthToTargetMm
        var s = 0.0
        while s < length - 1 {
            let v = labels.value(nearestTo: plan.entry + d * s) ?? 0
            #expect(!Tissue.isBone(v), "bone (\(v)) at \(s) mm along the path")
            if Tissue.isBone(v) { break }
            s += 0.1
        }
        // ≥ 3 mm from dura/CSF and nerve roots: no such voxel within 3 mm of any path point.
        let guarded: Set<UInt8> = [Tissue.dura.rawValue, Tissue.cerebrospinalFluid.rawValue, Tissue.nerveRoot.rawValue]
        var nearest = Double.infinity
        s = 0
        while s <= length {
            let p = plan.entry + d * s
            for q in subject.voxels(of: guarded, near: p, radiusMm: 3.5).values.joined() { nearest = min(nearest, (q - p).length - 0.25) }
            s += 1
        }
        #expect(nearest >= 3, "closest dura/CSF/nerve-root voxel \(nearest) mm")
        // Cephalad-lateral → caudad-medial.
        #expect(d.z < 0 && d.x * side.sign < 0, "direction \(d)")
        // In the planned image plane (≤ 0.5 mm) at both ends.
        let pose = try plan.probePose
        #expect(abs(pose.probePoint(ofWorld: plan.entry).y) <= 0.5 && abs(pose.probePoint(ofWorld: end).y) <= 0.5)
        // The needle reaches with its hub outside the skin.
        #expect(plan.needle.lengthMm - plan.depthToTargetMm >= 10)
    }

    @Test func rehearsingThePlanReachesTheTargetInView() throws {
        let plan = try Self.plan("L5-left")
        let insertion = try Insertion.rehearse(plan, on: try Self.subject(), stepMm: 2)
        let m = insertion.metrics
        #expect(m.finalTipToTargetMm < 0.5)
        #expect(m.visibleFraction >= 0.9, "visible \(m.visibleFraction)")
        #expect(m.boneContacts == 0 && m.duralPunctures == 0 && m.tipLostFromView == 0)
        #expect(m.finalTissue == Tissue.parsDefect.name)
        #expect(abs(m.tipTravelMm - plan.depthToTargetMm) < 1e-6)
    }

    @Test func aNeedleTenDegreesOutOfPlaneIsLostFromView() throws {
        let plan = try Self.plan("L5-left")
        let insertion = try Insertion.rehearse(plan, on: try Self.subject(), stepMm: 2, deviation: .degrees(10))
        let m = insertion.metrics
        #expect(m.tipLostFromView >= 1)
        #expect(m.visibleFraction < 0.9)
        #expect(insertion.steps.contains { $0.events.contains("tip lost from view") })
    }

    @Test func redirectionsAndWithdrawalsAreCounted() throws {
        let plan = try Self.plan("L5-left")
        var insertion = try Insertion(subject: try Self.subject(), plan: plan)
        try insertion.apply(.advance(20))
        try insertion.apply(.withdraw(5))
        let turned = plan.unitDirection.rotated(about: try plan.probePose.elevation, by: .degrees(5))
        try insertion.apply(.redirect(direction: turned, keepMm: 10))
        try insertion.apply(.advance(5))
        let m = insertion.metrics
        #expect(m.redirections == 1 && m.steps == 4)
        // Withdraw 5, then back 5 to the pivot depth, an arc of 10 mm × 5°, then advance 5.
        #expect(abs(m.tipTravelMm - (20 + 5 + 5 + 10 * 5 * Double.pi / 180 + 5)) < 1e-6)
        // The redirection swept a triangle: ½·10·10·sin 5°.
        #expect(abs(m.tissueDamageMm2 - 20 * plan.needle.outerDiameterMm - 0.5 * 100 * sin(5 * Double.pi / 180)) < 1e-6)
        #expect(throws: ProcedureError.self) { try insertion.apply(.advance(-1)) }
    }

    @Test func contrastIsConservedAndFillsTheDefectFirst() throws {
        let subject = try Self.subject()
        let plan = try Self.plan("L5-left")
        let result = try ContrastSpread.inject(labels: subject.labels, tipMm: plan.targetPoint, volumeMl: 0.3)
        #expect(abs(result.placedMl - 0.3) < 1e-9)
        // The concentration volume holds the same iodine: Σ c·V = 240 mg/mL × 0.3 mL.
        let s = result.concentration.grid.spacingMm
        let iodineMg = result.concentration.voxels.reduce(0.0) { $0 + Double($1) } * s.x * s.y * s.z / 1000
        #expect(abs(iodineMg - 72) < 0.01, "iodine \(iodineMg) mg")
        #expect((result.reachedMl[Tissue.parsDefect.name] ?? 0) > 0.1)
        for barrier in [Tissue.dura, .cerebrospinalFluid, .l5, .l4, .sacrum, .intervertebralDisc] { #expect(result.reachedMl[barrier.name] == nil) }
        #expect(result.events.isEmpty)
    }

    /// In a uniform tissue a drop spreads alike in every direction: the filled volume reaches as far along a
    /// body diagonal as along an axis (a 6-neighbour flood filled an octahedron, reaching 1/√3 as far along
    /// the diagonal, and drew square blobs on the shots), and a bone wall one voxel thick that steps
    /// diagonally is not crossed at its corners.
    @Test func aDropSpreadsRoundInUniformTissueAndStopsAtAThinWall() throws {
        let n = 40
        let grid = try Grid(dimensions: SIMD3(repeating: n), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: Vector3(0, 0, 0))
        let muscle = Volume<UInt8>(grid: grid, repeating: Tissue.muscle.rawValue)
        let centre = Vector3(10, 10, 10)   // voxel (20, 20, 20)
        let result = try ContrastSpread.inject(labels: muscle, tipMm: centre, volumeMl: 0.5)
        let c = result.concentration
        var axis = 0.0, diagonal = 0.0
        for k in 0..<c.grid.dimensions.z { for j in 0..<c.grid.dimensions.y { for i in 0..<c.grid.dimensions.x where c[i, j, k] > 0 {
            let d = c.grid.world(i, j, k) - centre
            if abs(d.y) < 0.01, abs(d.z) < 0.01 { axis = max(axis, abs(d.x)) }
            if abs(d.x - d.y) < 0.01, abs(d.y - d.z) < 0.01 { diagonal = max(diagonal, d.length) }
        } } }
        #expect(diagonal > 0.85 * axis && diagonal < 1.15 * axis, "reach along the diagonal \(diagonal) mm, along an axis \(axis) mm")

        // A wall of bone one voxel thick on the plane i + j = 48, 2.8 mm from the tip (a diagonal staircase of
        // voxels that touch only at their edges).
        let wall = 48
        var walled = muscle
        for k in 0..<n { for j in 0..<n { for i in 0..<n where i + j == wall { walled[i, j, k] = Tissue.l5.rawValue } } }
        let held = try ContrastSpread.inject(labels: walled, tipMm: centre, volumeMl: 0.5)
        let h = held.concentration
        var crossed = 0
        for k in 0..<h.grid.dimensions.z { for j in 0..<h.grid.dimensions.y { for i in 0..<h.grid.dimensions.x where h[i, j, k] > 0 {
            let p = h.grid.world(i, j, k) / 0.5
            if Int(p.x.rounded()) + Int(p.y.rounded()) > wall { crossed += 1 }
        } } }
        #expect(crossed == 0, "\(crossed) voxels filled beyond the wall")
    }

    @Test func anInjectionInTheThecalSacIsReported() throws {
        let subject = try Self.subject()
        // The CSF voxel nearest the middle of the canal at L5 (between the two pars, 10 mm anterior).
        let mid = (subject.landmarks["L5.left.pars"]! + subject.landmarks["L5.right.pars"]!) / 2 - Vector3(0, 10, 0)
        let pool = subject.voxels(of: [Tissue.cerebrospinalFluid.rawValue], near: mid, radiusMm: 15)[Tissue.cerebrospinalFluid.rawValue] ?? []
        let csf = try #require(pool.min { ($0 - mid).length < ($1 - mid).length })
        let result = try ContrastSpread.inject(labels: subject.labels, tipMm: csf, volumeMl: 0.2)
        #expect(result.events.contains { $0.hasPrefix("intrathecal injection") })
        #expect((result.reachedMl[Tissue.cerebrospinalFluid.name] ?? 0) > 0.1, "reached \(result.reachedMl)")
    }

    /// A plan read from disk is checked before use: each mutation below is refused naming its key, and the
    /// planner's own plan passes.
    @Test func mutatedPlansAreRefusedNamingTheKey() throws {
        let grid = try Self.subject().labels.grid
        let plan = try Self.plan("L5-left")
        #expect(plan.problem(within: grid) == nil)
        let mutations: [(String, (inout NeedlePlan) -> Void)] = [
            ("needle.gauge", { $0.needle.gauge = 99 }),
            ("needle.lengthMm", { $0.needle.lengthMm = -5 }),
            ("direction", { $0.direction = [0, 0, 0] }),
            ("direction", { $0.direction = [.nan, 0, 1] }),
            ("depthToTargetMm", { $0.depthToTargetMm = 0 }),
            ("depthToTargetMm", { $0.depthToTargetMm += 20 }),
            ("entryMm", { $0.entryMm = [1e300, 0, 0] }),
            ("target.pointMm", { $0.target.pointMm = [0, 0] }),
            ("version", { $0.version = 7 }),
            ("format", { $0.format = "something-else" }),
            ("angleToBeamDeg", { $0.angleToBeamDeg = .infinity }),
            ("pose.worldFromProbe", { $0.pose.worldFromProbe[0][0] = 2 }),
            ("pose.worldFromProbe", { $0.pose.worldFromProbe = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]] }),
            ("the 88.9 mm needle cannot reach", { $0.needle.lengthMm = 88.9; $0.depthToTargetMm = 95; $0.entryMm = Self.moved($0, to: 95) }),
        ]
        for (key, mutate) in mutations {
            var bad = plan
            mutate(&bad)
            let problem = bad.problem(within: grid)
            #expect(problem?.contains(key) == true, "\(key): \(problem ?? "accepted")")
        }
    }

    /// The entry moved back along the plan's direction so that it lies `depthMm` from the target.
    static func moved(_ plan: NeedlePlan, to depthMm: Double) -> [Double] {
        let e = plan.targetPoint - plan.unitDirection * depthMm
        return [e.x, e.y, e.z]
    }

    @Test func unknownTargetsAreRefusedNamingTheAllowedOnes() throws {
        #expect(throws: ProcedureError.invalid("unknown target 'L9-left': allowed L1-left, L1-right, L2-left, L2-right, L3-left, L3-right, L4-left, L4-right, L5-left, L5-right")) {
            _ = try InPlanePlanner().plan(try Self.subject(), target: "L9-left")
        }
    }

    @Test func aNeedleThatCannotReachIsAnErrorAndTheDefaultPicksALongerOne() throws {
        // The shortest spinal needle (2.5 in, 63.5 mm) with 25 mm to hold outside the skin: the ≈ 50–60 mm
        // path to the pars (shorter since the seated preset presses the probe in) leaves it short.
        var planner = InPlanePlanner()
        planner.needle = try Needle.parse("22G-2.5in")
        planner.hubMarginMm = 25
        #expect(throws: ProcedureError.self) { _ = try planner.plan(try Self.subject(), target: "L5-left") }
        // Without a requested needle, a planner whose hub margin eats the 3.5 in needle moves to 5 in.
        var roomy = InPlanePlanner()
        roomy.hubMarginMm = 40
        let plan = try roomy.plan(try Self.subject(), target: "L5-left")
        #expect(plan.needle.name == "22G-5in")
        #expect(plan.warnings.contains { $0.contains("too short") })
    }
}

@Suite struct NeedleAndInjectateTests {
    @Test func needlesParseWithTheirRealSizes() throws {
        let n = try Needle.parse("22G-3.5in")
        #expect(abs(n.lengthMm - 88.9) < 1e-9 && n.outerDiameterMm == 0.718 && n.name == "22G-3.5in")
        #expect(abs(try Needle.parse("25G-127mm").lengthMm - 127) < 1e-9)
        #expect(try Needle.parse("18G-5in").outerDiameterMm == 1.270)
        #expect(n.longer?.name == "22G-5in")
        for bad in ["23G-3.5in", "22G-4in", "22G", "22-3.5in", "twenty"] {
            #expect(throws: ProcedureError.self) { _ = try Needle.parse(bad) }
        }
    }

    @Test func theFlagshipInjectateIsWithinTheMaxima() throws {
        let sides = try ["L5-left", "L5-right"].map { try Injectate.flagship(side: $0) }
        let (totals, warnings) = try Injectate.checkTotals(sides)
        #expect(totals["triamcinolone"] == 40 && totals["bupivacaine"] == 5 && warnings.isEmpty)
        #expect(abs(sides[0].doses[1].mg - 20) < 1e-9)
    }

    @Test func dosesPastTheMaximaAreRefused() throws {
        // Four sides of 9 mL bupivacaine 0.5 % = 180 mg > 175 mg.
        let sides = try (0..<4).map { try Injectate(side: "\($0)", doses: [(.bupivacaine05, 9)]) }
        #expect(throws: ProcedureError.self) { _ = try Injectate.checkTotals(sides) }
        // 3 × 9 mL = 135 mg: allowed without a warning (80 % of 175 mg is 140 mg); 3 × 10 mL = 150 mg warns.
        #expect(try Injectate.checkTotals(Array(sides.prefix(3))).warnings.isEmpty)
        let near = try (0..<3).map { try Injectate(side: "\($0)", doses: [(.bupivacaine05, 10)]) }
        #expect(try Injectate.checkTotals(near).warnings.count == 1)
        for v in [-1.0, 0, 50, .nan] {
            #expect(throws: ProcedureError.self) { _ = try Injectate(side: "L5-left", doses: [(.iohexol240, v)]) }
        }
    }
}
