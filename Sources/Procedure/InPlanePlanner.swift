import Anatomy
import Devices
import Foundation
import Ultrasound

/// Plans an in-plane, ultrasound-guided needle path to a pars (interarticularis) target.
///
/// The probe starts at the `pars-oblique` preset and is tilted (rocked about its long axis, about the
/// target) in small steps until the target is seen without bone in front of it; the plane always
/// contains the target. When no safe path lies in the preset's plane, the preset search's next pose that
/// shows the five structures is tried. Inside the plane, candidate paths enter the skin beyond the probe's cranial
/// (marker) end and travel caudad-medial and deeper at in-plane angles of 15–75° to the probe face. A
/// candidate must cross no bone before the target's rim (1.5 mm, or two voxels), stay in the image for
/// most of its way, keep `minimumClearanceMm` from the dura/CSF
/// and the nerve roots, and leave `hubMarginMm` of needle outside the skin. Among those, the cost
/// favours a short path and a needle at a large angle to the scan line (brighter; Chin 2008's in-plane
/// teaching: the flatter the needle, the better it is seen).
public struct InPlanePlanner: Sendable {
    public var transducer: Transducer = .c52
    public var settings = BModeSettings()
    /// Rotation of the pars-oblique preset; nil: found by its search (`ProbeView.preset`).
    public var rotation: Angle?
    /// nil: 22G-3.5in, then longer needles when habitus demands.
    public var needle: Needle?
    public var minimumClearanceMm = 3.0
    /// Needle left outside the skin at the target, mm (to hold the hub and attach the syringe).
    public var hubMarginMm = 10.0
    /// Share of the path that must lie inside the image's field of view.
    public var minimumInViewFraction = 0.92
    /// Tilts tried, °, in this order.
    public var tiltsDeg: [Double] = [0, 3, -3, 6, -6, 9, -9, 12, -12]
    /// In-plane angles tried, °.
    public var anglesDeg: [Double] = Array(stride(from: 15.0, through: 75.0, by: 1.0))

    public init() {}

    /// Structures whose clearance is reported; the first two are hard limits.
    static let guarded: [(name: String, labels: Set<UInt8>, hard: Bool)] = [
        ("dura", [Tissue.dura.rawValue, Tissue.cerebrospinalFluid.rawValue], true),
        ("nerveRoot", [Tissue.nerveRoot.rawValue], true),
        ("facetJoint", [Tissue.facetJoint.rawValue], false),
    ]

    public func plan(_ subject: PlanningSubject, target name: String) throws -> NeedlePlan {
        let (level, side) = try subject.target(name)
        // The view first: the pars-oblique preset through the pars landmark (searched for the five
        // structures). When no safe path lies in its plane, the search goes on to the next pose that shows
        // all five; the first one's reasons are reported when none has a path.
        var plan: NeedlePlan?, firstError: Error?
        let view = try ProbeView.parsOblique.preset(level: level, side: side, rotation: rotation, labels: subject.labels,
                                                    landmarks: subject.landmarks, transducer: transducer) { preset in
            do { plan = try self.plan(subject, target: name, level: level, side: side, from: preset); return true } catch {
                firstError = firstError ?? error
                return false
            }
        }
        if let plan { return plan }
        if let firstError { throw firstError }
        return try self.plan(subject, target: name, level: level, side: side, from: view)   // a view without all five
    }

    /// The plan in `view`'s plane. The target is the point of the defect's opening nearest that plane; when
    /// it lies more than `targetOffPlaneMm` off it, the preset is searched again through the target itself.
    func plan(_ subject: PlanningSubject, target name: String, level: SpinalLevel, side: Side, from view: ProbePreset) throws -> NeedlePlan {
        let labels = subject.labels
        let (target, structure) = try targetPoint(subject, level: level, side: side, plane: view.pose)
        let keepsView = abs(view.pose.probePoint(ofWorld: target).y) <= Self.targetOffPlaneMm
        let placed = keepsView ? view
            : try ProbeView.parsOblique.preset(level: level, side: side, rotation: rotation, pivotMm: target, labels: labels,
                                               landmarks: subject.landmarks, transducer: transducer)
        let found = subject.voxels(of: Self.guarded.reduce(into: Set<UInt8>()) { $0.formUnion($1.labels) }, near: target, radiusMm: 100)
        let guardedVoxels = Self.guarded.map { g in g.labels.flatMap { found[$0] ?? [] } }
        let step = min(labels.grid.spacingMm.min(), 0.5) / 2
        // Bone within this distance of the target is its rim (the cleft's walls), not an obstacle.
        let spareMm = max(1.5, 2 * labels.grid.spacingMm.max())
        let halfFace = transducer.apertureMm / 2
        let fieldOfView = FieldOfView(transducer: transducer, settings: settings)
        var reasons: [String: Int] = [:]
        var best: (cost: Double, candidate: Candidate)?
        var shortestSafeMm = Double.infinity

        // The preset's rotation and slide through the target itself; tilts are added to the preset's.
        let aligned = try ProbeView.parsObliqueAligned(pivotMm: target, side: side, rotation: placed.rotation, slideMm: placed.slideMm,
                                                       labels: labels, transducer: transducer)
        for tilt in tiltsDeg {
            // Tilt about the target: the plane keeps passing through it. Untilted, a kept view is used as
            // searched (the target within `targetOffPlaneMm` of its plane, inside the elevation beam).
            let pose = keepsView && tilt == 0 ? view.pose
                : try ProbeView.parsObliquePressed(aligned, pivotMm: target, side: side, tilt: .degrees(placed.tilt.degrees + tilt),
                                                   slideMm: placed.slideMm, labels: labels, transducer: transducer)
            // The target must be seen: no bone between the face and it.
            if let bone = firstBone(labels, from: pose.centreMm, to: target, step: step, spareMm: spareMm) {
                reasons["tilt \(Int(tilt))°: the target is in the acoustic shadow of \(bone)", default: 0] += 1
                continue
            }
            let apex = pose.centreMm - pose.beam * (transducer.radiusMm ?? 0)
            let scanLine = transducer.radiusMm == nil ? pose.beam : (target - apex).normalized
            for angle in anglesDeg {
                let a = Angle.degrees(angle)
                // Entry → target: toward the caudal (+azimuth) end and deeper.
                let d = (pose.azimuth * cos(a.radians) + pose.beam * sin(a.radians)).normalized
                guard d.z < 0, d.x * side.sign < 0 else {
                    reasons["the path would not run cephalad-lateral → caudad-medial", default: 0] += 1
                    continue
                }
                guard let (skinS, bone) = walkBack(labels, from: target, along: d, step: step, spareMm: spareMm) else {
                    reasons["the path leaves the volume before the skin", default: 0] += 1
                    continue
                }
                if let bone {
                    reasons["bone (\(bone)) lies on the path before the target", default: 0] += 1
                    continue
                }
                let entry = target - d * skinS
                // The rehearsal's own tip positions from the entry (`Insertion.tipStepMm` apart) must meet no bone
                // before `tipToTargetToleranceMm` of the target: a voxel the walk back stepped over (the path
                // grazing a bone's edge) would stop the needle there.
                if let bone = firstBone(labels, from: entry, to: target, step: Insertion.tipStepMm, spareMm: Self.tipToTargetToleranceMm) {
                    reasons["bone (\(bone)) lies on the path before the target", default: 0] += 1
                    continue
                }
                let entryOnProbe = pose.probePoint(ofWorld: entry)
                guard entryOnProbe.x < -(halfFace + 2) else {
                    reasons["the entry would lie under the probe", default: 0] += 1
                    continue
                }
                var clearances: [String: Double] = [:]
                var blocked = false
                for (g, voxels) in zip(Self.guarded, guardedVoxels) {
                    let c = Self.clearance(voxels, from: entry, to: target, voxelMm: labels.grid.spacingMm.max())
                    clearances[g.name] = c
                    if g.hard && c < minimumClearanceMm {
                        reasons[String(format: "closer than %.0f mm to the %@", minimumClearanceMm, g.name == "dura" ? "dura" : "nerve roots"), default: 0] += 1
                        blocked = true
                    }
                }
                if blocked { continue }
                // The needle must show in the image for most of its way: the share of the path inside
                // the field of view (where the tip can be seen) must reach `minimumInViewFraction`.
                let samples = max(2, Int(skinS))
                let inView = (0...samples).filter { fieldOfView.contains(pose.probePoint(ofWorld: entry + d * (skinS * Double($0) / Double(samples)))) }.count
                guard Double(inView) / Double(samples + 1) >= minimumInViewFraction else {
                    reasons["the needle would stay outside the image for too much of its path", default: 0] += 1
                    continue
                }
                shortestSafeMm = min(shortestSafeMm, skinS)
                let toBeam = acos(min(1, abs(d.dot(scanLine))))
                let cost = skinS / 60 + 3 * (1 - sin(toBeam)) + abs(tilt) / 30
                if best == nil || cost < best!.cost {
                    best = (cost, Candidate(pose: pose, tiltDeg: tilt, angleDeg: angle, direction: d, entry: entry, lengthMm: skinS,
                                            toBeamDeg: toBeam * 180 / .pi, clearances: clearances))
                }
            }
        }
        guard let chosen = best?.candidate else {
            throw ProcedureError.noSafePath(target: name, reasons: reasons.sorted { $0.value > $1.value }.map { "\($0.key) (\($0.value) candidate\($0.value == 1 ? "" : "s"))" })
        }
        var warnings: [String] = []
        let needle = try chooseNeedle(reachMm: chosen.lengthMm, shortestMm: shortestSafeMm, warnings: &warnings)
        if chosen.tiltDeg != 0 { warnings.append(String(format: "probe tilted %.0f° from the preset so the target is not shadowed", chosen.tiltDeg)) }
        if let facet = chosen.clearances["facetJoint"], facet < minimumClearanceMm {
            warnings.append(String(format: "the path passes %.1f mm from a facet joint capsule", facet))
        }
        let rows = chosen.pose.worldFromProbe.rows.map { [$0.x, $0.y, $0.z, $0.w] }
        let v = { (p: Vector3) in [p.x, p.y, p.z].map { ($0 * 1000).rounded() / 1000 } }
        return NeedlePlan(
            subject: .init(directory: subject.directory, fingerprint: subject.fingerprint),
            target: .init(name: name, pointMm: v(target), structure: structure),
            entryMm: v(chosen.entry), direction: [chosen.direction.x, chosen.direction.y, chosen.direction.z],
            depthToTargetMm: chosen.lengthMm,
            angleToSkinDeg: asin(min(1, abs(chosen.direction.dot(chosen.pose.beam)))) * 180 / .pi,
            angleToProbeFaceDeg: chosen.angleDeg, angleToBeamDeg: chosen.toBeamDeg,
            entryOffsetFromProbeMm: -chosen.pose.probePoint(ofWorld: chosen.entry).x - transducer.apertureMm / 2,
            clearancesMm: chosen.clearances, needle: needle, needleOutsideSkinMm: needle.lengthMm - chosen.lengthMm,
            pose: .init(worldFromProbe: rows, view: ProbeView.parsOblique.rawValue, rotationDeg: placed.rotation.degrees,
                        tiltDeg: placed.tilt.degrees + chosen.tiltDeg, transducer: transducer.name),
            warnings: warnings)
    }

    struct Candidate {
        var pose: ProbePose
        var tiltDeg: Double, angleDeg: Double
        var direction: Vector3, entry: Vector3
        var lengthMm: Double, toBeamDeg: Double
        var clearances: [String: Double]
    }

    /// The requested needle if it reaches with the hub margin; otherwise (when none was requested) the
    /// next longer one; a requested needle that cannot reach is an error.
    func chooseNeedle(reachMm: Double, shortestMm: Double, warnings: inout [String]) throws -> Needle {
        let needed = reachMm + hubMarginMm
        if let needle {
            guard needle.lengthMm >= needed else {
                throw ProcedureError.invalid(String(format: "the %@ needle (%.1f mm) cannot reach: the path is %.1f mm and %.0f mm must stay outside the skin; use a longer needle (e.g. %@)",
                                                    needle.name, needle.lengthMm, reachMm, hubMarginMm, needle.longer?.name ?? "a longer one"))
            }
            return needle
        }
        var n = Needle.standard
        while n.lengthMm < needed {
            guard let longer = n.longer else {
                throw ProcedureError.invalid(String(format: "no spinal needle reaches: the path is %.1f mm and the longest needle is %.1f mm", reachMm, n.lengthMm))
            }
            warnings.append(String(format: "%@ (%.1f mm) is too short for a %.1f mm path with %.0f mm outside the skin: using %@", n.name, n.lengthMm, reachMm, hubMarginMm, longer.name))
            n = longer
        }
        return n
    }

    /// The target: the pars defect's most posterior voxel near the cleft landmark (its opening toward
    /// the skin), or, with no defect, the posterior surface of the pars bone above its landmark.
    /// How far the target may lie off the searched view's plane for the plan to keep that view, mm
    /// (chosen: a voxel at 0.5 mm, well inside the elevation beam; the needle then runs within it of the
    /// image plane from entry to target).
    static let targetOffPlaneMm = 0.5
    /// A rehearsed needle counts as at its target within this distance, mm (chosen: one voxel at 0.5 mm).
    static let tipToTargetToleranceMm = 0.5
    /// The defect's opening: its cleft within this depth of its most posterior voxel, mm (chosen: the tip
    /// rests in the outer third of the pars' thickness, at the mouth of the cleft).
    static let openingDepthMm = 3.0

    /// The target: the defect's opening toward the skin — with a view's `plane`, the most posterior cleft
    /// voxel of the opening in that plane (else the one nearest it); without, of the most posterior
    /// voxels the one nearest the cleft's centre line.
    func targetPoint(_ subject: PlanningSubject, level: SpinalLevel, side: Side, plane: ProbePose? = nil) throws -> (Vector3, String) {
        let pars = subject.landmarks[Subject.parsLandmarkName(level: level, side: side)]!
        let defect = subject.document.defects.first { $0.level == level && $0.side == side }
        if let defect, let centre = subject.landmarks[defect.landmark] {
            let cleft = subject.voxels(of: [Tissue.parsDefect.rawValue], near: centre, radiusMm: 12)[Tissue.parsDefect.rawValue] ?? []
            if let top = cleft.map(\.y).max() {
                // On a coarse grid (or where the cleft runs obliquely) the cleft can be closed behind by
                // bone: a point of it is reached at that bone's surface, at the defect's edge.
                func reached(_ p: Vector3) -> (point: Vector3, edge: Bool) {
                    let surface = posteriorSurface(subject.labels, from: p)
                    return (surface, (p.y - surface.y).magnitude >= 1e-9)
                }
                let chosen: (point: Vector3, edge: Bool)
                if let pose = plane {
                    // In the view: of the cleft's outer `openingDepthMm`, the point reached within
                    // `targetOffPlaneMm` of the plane — open cleft before bone edge, then the most
                    // posterior — else the one nearest the plane.
                    let off = { (q: Vector3) in abs(pose.probePoint(ofWorld: q).y) }
                    let candidates = cleft.filter { $0.y > top - Self.openingDepthMm }.map(reached)
                    let key = { (c: (point: Vector3, edge: Bool)) in
                        (off(c.point) <= Self.targetOffPlaneMm ? 0 : off(c.point), c.edge ? 1 : 0, -c.point.y)
                    }
                    chosen = candidates.min { key($0) < key($1) }!
                } else {
                    // The opening: the defect voxels within half a millimetre of the most posterior one,
                    // the one nearest the cleft's centre line.
                    let fromCentre = { (q: Vector3) in hypot(q.x - centre.x, q.z - centre.z) }
                    chosen = reached(cleft.filter { $0.y > top - 0.5 }.min { fromCentre($0) < fromCentre($1) }!)
                }
                return chosen.edge ? (chosen.point, "\(level.rawValue) pars bone at the defect's edge") : (chosen.point, Tissue.parsDefect.name)
            }
        }
        // No defect: the posterior surface of the pars bone above its landmark.
        return (posteriorSurface(subject.labels, from: pars), "\(level.rawValue) pars bone surface")
    }

    /// From a point in bone or cleft, straight posterior (+y) through bone and cleft: `p` itself when soft
    /// tissue lies right behind it, else the point just behind the bone's posterior surface.
    func posteriorSurface(_ labels: Volume<UInt8>, from p: Vector3) -> Vector3 {
        let step = labels.grid.spacingMm.min() / 4
        var q = p, crossedBone = false
        while let v = labels.value(nearestTo: q + Vector3(0, step, 0)), Tissue.isBone(v) || v == Tissue.parsDefect.rawValue {
            q.y += step
            if Tissue.isBone(v) { crossedBone = true }
        }
        // The first sample behind the bone: the tip rests on its surface, in the soft tissue.
        return crossedBone ? q + Vector3(0, step, 0) : p
    }

    /// The first bone met going from `a` to `b`, stopping `spareMm` short of `b`.
    func firstBone(_ labels: Volume<UInt8>, from a: Vector3, to b: Vector3, step: Double, spareMm: Double) -> String? {
        let length = (b - a).length, d = (b - a) / length
        var s = 0.0
        while s < length - spareMm {
            if let v = labels.value(nearestTo: a + d * s), Tissue.isBone(v) { return Tissue(rawValue: v)?.name ?? "bone" }
            s += step
        }
        return nil
    }

    /// Walks from the target back along −d to the skin: the skin distance, and the first bone met
    /// more than `spareMm` from the target. nil when the walk leaves the volume inside the body.
    func walkBack(_ labels: Volume<UInt8>, from target: Vector3, along d: Vector3, step: Double, spareMm: Double) -> (Double, String?)? {
        var s = 0.0, lastBody = 0.0
        while true {
            s += step
            guard let v = labels.value(nearestTo: target - d * s) else { return nil }
            if v == Tissue.air.rawValue {
                if s - lastBody > 3 { return (lastBody + step / 2, nil) }
                continue
            }
            lastBody = s
            if s > spareMm, Tissue.isBone(v) { return (s, Tissue(rawValue: v)?.name ?? "bone") }
        }
    }

    /// Smallest distance from the segment a–b to the voxels (centre distance less half a voxel), mm.
    static func clearance(_ voxels: [Vector3], from a: Vector3, to b: Vector3, voxelMm: Double) -> Double {
        let ab = b - a, l2 = ab.dot(ab)
        var best = Double.infinity
        for p in voxels {
            let t = min(max((p - a).dot(ab) / l2, 0), 1)
            let q = a + ab * t - p
            best = min(best, q.dot(q))
        }
        return best.isFinite ? max(0, best.squareRoot() - voxelMm / 2) : 999
    }
}
