import Foundation

/// Seats one bone on its neighbour across a disc and a pair of facet joints: a small rigid motion of
/// the moving bone — a shift along the fixed endplate's cranial normal, a shift along the posterior axis
/// (⟂ that normal, in the sagittal plane), and a tilt about the lateral axis through the fixed endplate
/// centre — found by a coarse-to-fine grid search, so that each facet joint space is `targetJointSpaceMm`
/// (never an overlap), the disc keeps a middle height near its target and inside its range, an extra
/// angle criterion holds, and the motion is as small as possible.
struct JointSeating {
    /// The fixed bone's endplate facing the disc: centre, and the cranial unit normal.
    var fixedEndplate: (centre: Vector3, normal: Vector3)
    /// The moving bone's endplate facing the disc, before seating: centre and cranial unit normal.
    var movingEndplate: (centre: Vector3, normal: Vector3)
    /// True when the moving bone lies caudal to the fixed one (the sacrum under L5).
    var movingIsBelow: Bool
    /// Vertices of the fixed bone and their outward normals.
    var fixedPoints: [Vector3]
    var fixedNormals: [Vector3]
    /// Vertices of the moving bone that can meet the fixed bone at each facet joint.
    var jointPoints: [Side: [Vector3]]
    var targetJointSpaceMm: Double
    var discTargetMm: Double
    var discSDMm: Double
    var discRangeMm: ClosedRange<Double>
    /// True when the seated moving endplate's cranial normal is acceptable (slope or segmental angle).
    var angleAllowed: (Vector3) -> Bool

    struct Result {
        var motion: SimilarityTransform
        var seat: (normalMm: Double, posteriorMm: Double, tiltDegrees: Double)
        var jointSpaceMm: [Side: Double]
        var discHeightMm: Double
        /// The moving endplate after seating.
        var endplate: (centre: Vector3, normal: Vector3)
    }

    /// Vertices of `moving` within 15 mm of each `process` of the fixed bone and within 10 mm of its surface.
    static func jointPoints(of moving: TriangleMesh, near processes: [Side: Vector3], fixed: TriangleMesh) -> [Side: [Vector3]] {
        let fixedPoints = fixed.vertices.map { Vector3($0) }, index = NearestPointIndex(fixedPoints, cellMm: 2)
        var out: [Side: [Vector3]] = [:]
        for (side, process) in processes {
            out[side] = moving.vertices.map { Vector3($0) }.filter {
                ($0 - process).length < 15 && index.nearestIndex(to: $0, withinMm: 10) != nil
            }
        }
        return out
    }

    /// The seated result: searched, or evaluated at `known` (normal mm, posterior mm, tilt °) when given.
    func seat(known: (Double, Double, Double)? = nil) -> Result {
        let c = fixedEndplate.centre, n = fixedEndplate.normal.normalized
        let lateral = Vector3(1, 0, 0), posterior = n.cross(lateral).normalized
        let index = NearestPointIndex(fixedPoints, cellMm: 2)
        // Farther than 10 mm counts as 10 mm: only the closest approach matters.
        func signedDistance(_ p: Vector3) -> Double {
            guard let i = index.nearestIndex(to: p, withinMm: 10) else { return 10 }
            let d = p - fixedPoints[i]
            return d.dot(fixedNormals[i]) < 0 ? -d.length : d.length
        }
        func motion(_ normalMm: Double, _ posteriorMm: Double, _ tiltDegrees: Double) -> SimilarityTransform {
            let r = [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)].map { $0.rotated(about: lateral, by: .degrees(tiltDegrees)) }
            var m = SimilarityTransform(scale: 1, rotation: (0..<3).map { i in Vector3(r[0][i], r[1][i], r[2][i]) }, translationMm: .zero)
            m.translationMm = c - m.apply(c) + n * normalMm + posterior * posteriorMm
            return m
        }
        struct Candidate { var cost: Double; var seat: (Double, Double, Double); var gaps: [Side: Double]; var disc: Double }
        func evaluate(_ shiftN: Double, _ shiftP: Double, _ tilt: Double) -> Candidate {
            let m = motion(shiftN, shiftP, tilt)
            let normal = m.applyToDirection(movingEndplate.normal), centre = m.apply(movingEndplate.centre)
            // Middle height: from the fixed endplate centre along its normal to the moving plane.
            let disc = (movingIsBelow ? c - centre : centre - c).dot(normal) / max(1e-6, n.dot(normal))
            var gaps: [Side: Double] = [:]
            var cost = 0.0
            for (side, points) in jointPoints {
                let gap = points.reduce(Double.infinity) { min($0, signedDistance(m.apply($1))) }
                gaps[side] = gap
                let miss = gap - targetJointSpaceMm
                cost += gap < 0.75 ? 100 * miss * miss : miss * miss
            }
            let dd = (disc - discTargetMm) / discSDMm
            cost += dd * dd * 0.25
            if !discRangeMm.contains(disc) { cost += 100 }
            if !angleAllowed(normal) { cost += 100 }
            cost += (shiftN * shiftN + shiftP * shiftP) / 100 + (tilt / 10) * (tilt / 10)
            return Candidate(cost: cost, seat: (shiftN, shiftP, tilt), gaps: gaps, disc: disc)
        }
        // Coarse to fine: (normal, posterior) mm and tilt ° around the best so far, each round a finer lattice.
        var best = known.map { evaluate($0.0, $0.1, $0.2) } ?? evaluate(0, 0, 0)
        for (stepMm, stepDeg, reach) in known == nil ? [(2.5, 4.0, 2), (1.0, 1.5, 2), (0.25, 0.5, 2)] : [] {
            let centre = best.seat
            for i in -reach...reach {
                for j in -reach...reach {
                    for k in -reach...reach {
                        let sn = centre.0 + Double(i) * stepMm, sp = centre.1 + Double(j) * stepMm, t = centre.2 + Double(k) * stepDeg
                        guard abs(sn) <= 6, abs(sp) <= 5, abs(t) <= 10 else { continue }
                        let e = evaluate(sn, sp, t)
                        if e.cost < best.cost { best = e }
                    }
                }
            }
        }
        let m = motion(best.seat.0, best.seat.1, best.seat.2)
        return Result(motion: m, seat: best.seat, jointSpaceMm: best.gaps, discHeightMm: best.disc,
                      endplate: (m.apply(movingEndplate.centre), m.applyToDirection(movingEndplate.normal)))
    }
}
