import Foundation

/// Places BodyParts3D's L1 on the mean-shape L2.
///
/// The L1 is first oriented like the mean-shape L2 (the rotation of a surface fit of L1 onto L2 — L1 sits
/// ~40° of lordosis away from L5, so the L5 fit's rotation does not suit it) and sized by the scale of the
/// L5-to-L5 fit (one body's vertebrae sized to the mean shape, L1 keeping its own size), then set on L2: its inferior endplate
/// turned parallel to L2's superior endplate and centred over it across an L1–L2 disc of middle height
/// 6.61 mm (Shin 2024; DATASHEET §1d), and finally seated by `JointSeating` so that its inferior articular
/// processes lie 1.5 mm from L2's superior ones, the disc staying within mean ± 2 SD (6.61 ± 2 × 1.39 mm)
/// and the L1–L2 segmental angle within mean ± 2 SD (1.2 ± 2 × 3.6°, *Sci Rep* 2022; DATASHEET §1d). Its
/// inferior articular facets are then made congruent with L2's superior ones, as S1's are with L5's.
public struct L1Placement: Sendable {
    /// BodyParts3D frame → world LPS mm.
    public var worldFromBodyParts3D: SimilarityTransform
    /// BodyParts3D's L1, placed and seated, its inferior articular facets made congruent with L2's
    /// (`ArticularCongruence`).
    public var l1: TriangleMesh
    /// Each L1–L2 facet's articular gaps before and after the facets were made congruent.
    public var articularGaps: [Side: ArticularCongruence.JointGaps]
    public var seating: (normalMm: Double, posteriorMm: Double, tiltDegrees: Double)
    /// Closest approach of each L1 inferior articular process to L2 (negative: overlap), mm: the seating's,
    /// or the congruent facets' where that is closer.
    public var jointSpaceMm: [Side: Double]
    /// L1–L2 disc middle height, mm.
    public var discHeightMm: Double
    /// Angle between the L1 inferior and L2 superior endplates, degrees.
    public var segmentalAngleDegrees: Double

    public static let discHeightTargetMm = 6.61
    public static let discHeightRangeMm = (6.61 - 2 * 1.39)...(6.61 + 2 * 1.39)
    public static let segmentalAngleMaxDegrees = 1.2 + 2 * 3.6

    /// The placement on the shipped mean-shape L2, computed once per process.
    public static func standard() throws -> L1Placement {
        lock.lock(); defer { lock.unlock() }
        if let p = cache { return p }
        let p = try computed(frozen: true)
        cache = p
        return p
    }

    /// The standard placement from the frozen fits and seat (`BodyParts3DFits`), or searched afresh.
    static func computed(frozen: Bool) throws -> L1Placement {
        let scale = frozen ? BodyParts3DFits.l5OntoMeanShapeL5.transform.scale
            : try LumbosacralPlacement.computed(frozen: false).registration.transform.scale
        return try place(scale: scale, l2: try LumbarMeanShape.cachedVertebrae()[.l2]!,
                         onL2: frozen ? BodyParts3DFits.l1OntoMeanShapeL2.transform : nil, seat: frozen ? BodyParts3DFits.l1Seat : nil)
    }

    nonisolated(unsafe) private static var cache: L1Placement?
    private static let lock = NSLock()

    /// - Parameters:
    ///   - scale: BodyParts3D → mean shape, from the L5-to-L5 registration.
    ///   - l2: the mean-shape L2 in world LPS mm.
    ///   - onL2: BodyParts3D's L1 fitted onto `l2`, when already known; fitted here otherwise.
    ///   - seat: the seating motion, when already known; searched otherwise.
    static func place(scale: Double, l2: TriangleMesh, onL2 known: SimilarityTransform? = nil,
                      seat: (Double, Double, Double)? = nil) throws -> L1Placement {
        let source = try BodyParts3D.mesh(.l1)
        let sourcePoints = source.vertices.map { Vector3($0) }
        let onL2 = known ?? SurfaceRegistration.fit(source: sourcePoints, target: l2.vertices.map { Vector3($0) }).transform
        let centroid = sourcePoints.reduce(.zero, +) / Double(sourcePoints.count)
        var fit = SimilarityTransform(scale: scale, rotation: onL2.rotation, translationMm: .zero)
        fit.translationMm = onL2.apply(centroid) - fit.apply(centroid)
        let l1Fitted = fit.apply(to: source)
        let l1Geo = try VertebraGeometry.measuredAt1mm(level: .l1, mesh: l1Fitted)
        let l2Geo = try VertebraGeometry.measuredAt1mm(level: .l2, mesh: l2)
        let c = l2Geo.superiorEndplate.centre, n = l2Geo.superiorEndplate.normal.normalized
        // Turn the L1 inferior endplate normal onto n (the least rotation) about its centre, then set it a
        // disc's height above c.
        let from = l1Geo.inferiorEndplate.normal.normalized, e = l1Geo.inferiorEndplate.centre
        let axis = from.cross(n), angle = atan2(axis.length, from.dot(n))
        let r = axis.length < 1e-9 ? [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)]
            : [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)].map { $0.rotated(about: axis.normalized, by: .radians(angle)) }
        var align = SimilarityTransform(scale: 1, rotation: (0..<3).map { i in Vector3(r[0][i], r[1][i], r[2][i]) }, translationMm: .zero)
        align.translationMm = c + n * discHeightTargetMm - align.apply(e)
        let l1Aligned = align.apply(to: l1Fitted)
        var saps: [Side: Vector3] = [:]
        for side in Side.allCases { saps[side] = l2Geo.sides[side]?.superiorArticularProcess }
        let seating = JointSeating(
            fixedEndplate: (c, n), movingEndplate: (c + n * discHeightTargetMm, n), movingIsBelow: false,
            fixedPoints: l2.vertices.map { Vector3($0) }, fixedNormals: l2.vertexNormals(),
            jointPoints: JointSeating.jointPoints(of: l1Aligned, near: saps, fixed: l2),
            targetJointSpaceMm: LumbosacralPlacement.targetJointSpaceMm, discTargetMm: discHeightTargetMm, discSDMm: 1.39,
            discRangeMm: discHeightRangeMm,
            angleAllowed: { acos(min(1, n.dot($0))) * 180 / .pi <= segmentalAngleMaxDegrees }).seat(known: seat)
        let world = seating.motion.composed(after: align.composed(after: fit))
        let congruent = ArticularCongruence(targetGapMm: LumbosacralPlacement.targetJointSpaceMm)
            .reshaped(world.apply(to: try BodyParts3D.mesh(.l1)), toward: l2, at: saps)
        return L1Placement(worldFromBodyParts3D: world, l1: congruent.mesh, articularGaps: congruent.gaps, seating: seating.seat,
                           jointSpaceMm: ArticularCongruence.jointSpaceMm(seated: seating.jointSpaceMm, gaps: congruent.gaps),
                           discHeightMm: seating.discHeightMm,
                           segmentalAngleDegrees: acos(min(1, n.dot(seating.endplate.normal))) * 180 / .pi)
    }
}
