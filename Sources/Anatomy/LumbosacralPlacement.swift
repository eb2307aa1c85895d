import Foundation

/// Places BodyParts3D's sacrum and hip bones under the mean-shape L5.
///
/// 1. A similarity is fitted between BodyParts3D's L5 and the mean-shape L5 (`SurfaceRegistration`);
///    carried by it, the sacrum and pelvis keep the real relations of one body to its L5.
/// 2. The two L5s differ in detail (RMS ≈ 2.6 mm), so the joint is then seated: a small rigid motion of
///    sacrum and pelvis together — a shift along the L5 inferior endplate's normal and along the
///    posterior axis, and a tilt about the lateral axis through the endplate centre — chosen by grid
///    search so that each S1 superior articular process lies `targetJointSpaceMm` from the L5 inferior
///    articular process (never inside it), the L5–S1 disc keeps a middle height in the published range
///    and the sacral slope stays inside 24–55° (Mac-Thiong 2011; DATASHEET §1d), moving as little as
///    possible.
/// 3. The S1 superior articular facets are then drawn in to face L5's across the joint space over their
///    whole surface (`ArticularCongruence`), not at one spot only.
public struct LumbosacralPlacement: Sendable {
    /// BodyParts3D frame → world LPS mm, the fit and the seating together.
    public var worldFromBodyParts3D: SimilarityTransform
    /// The L5-to-L5 fit alone and its residual.
    public var registration: SurfaceRegistration
    /// The seating: shift along the L5 endplate normal (+ cranial), along the posterior axis (+ back),
    /// mm, and tilt about +x, degrees.
    public var seating: (normalMm: Double, posteriorMm: Double, tiltDegrees: Double)
    /// BodyParts3D's sacrum, seated, its superior articular facets made congruent with L5's
    /// (`ArticularCongruence`: subdivided once, drawn in by at most ≈ 5 mm at the facets).
    public var sacrum: TriangleMesh
    /// Each L5–S1 facet's articular gaps before and after the facets were made congruent.
    public var articularGaps: [Side: ArticularCongruence.JointGaps]
    public var hipLeft: TriangleMesh
    public var hipRight: TriangleMesh
    /// The S1 superior endplate: centre (where the L5 endplate normal through the L5 centre meets it) and
    /// cranial unit normal.
    public var s1EndplateCentre: Vector3
    public var s1EndplateNormal: Vector3
    /// Closest approach of each S1 superior articular process to L5 (negative: overlap), mm: the seating's, or
    /// the congruent facets' where that is closer.
    public var jointSpaceMm: [Side: Double]
    /// L5–S1 disc middle height: from the L5 inferior endplate centre along its normal to the S1 plane, mm.
    public var discHeightMm: Double
    /// Angle of the S1 endplate to the horizontal, degrees.
    public var sacralSlopeDegrees: Double
    /// Angle between the L5 inferior and S1 superior endplates (the L5–S1 wedge), degrees.
    public var lumbosacralAngleDegrees: Double

    /// Joint space aimed at: 1.5 mm, the middle of the 1–2 mm the issue asks (lumbar facet cartilage is
    /// ~2 mm thick at most, ASRA 2019; DATASHEET §3).
    public static let targetJointSpaceMm = 1.5
    /// L5–S1 disc middle height 8.14 ± 1.90 mm (Shin 2024; DATASHEET §1d): the mean ± 2 SD is allowed.
    public static let discHeightRangeMm = 4.34...11.94
    public static let discHeightTargetMm = 8.14
    /// Sacral slope, mean ± 2 SD, n = 709 (Mac-Thiong 2011; DATASHEET §1d).
    public static let sacralSlopeRangeDegrees = 24.0...55.0

    /// The placement under the shipped mean-shape L5, measured on a 1 mm voxelisation of it: the vertebrae
    /// are not scaled with habitus, so every subject shares it. Computed once per process.
    public static func standard() throws -> LumbosacralPlacement {
        standardLock.lock(); defer { standardLock.unlock() }
        if let p = standardCache { return p }
        let p = try computed(frozen: true)
        standardCache = p
        return p
    }

    /// The standard placement from the frozen fit and seat (`BodyParts3DFits`), or searched afresh.
    static func computed(frozen: Bool) throws -> LumbosacralPlacement {
        let l5 = try LumbarMeanShape.cachedVertebrae()[.l5]!
        let geo = try VertebraGeometry.measuredAt1mm(level: .l5, mesh: l5)
        var iaps: [Side: Vector3] = [:]
        for side in Side.allCases { iaps[side] = geo.sides[side]?.inferiorArticularProcess }
        return try place(l5: l5, l5InferiorEndplate: (geo.inferiorEndplate.centre, geo.inferiorEndplate.normal), inferiorArticularProcesses: iaps,
                         registration: frozen ? BodyParts3DFits.l5OntoMeanShapeL5 : nil, seat: frozen ? BodyParts3DFits.sacrumSeat : nil)
    }

    nonisolated(unsafe) private static var standardCache: LumbosacralPlacement?
    private static let standardLock = NSLock()

    /// - Parameters:
    ///   - l5: the mean-shape L5 in world LPS mm.
    ///   - l5InferiorEndplate: its inferior endplate's centre and cranial unit normal.
    ///   - inferiorArticularProcesses: L5's inferior articular process centres, by side.
    ///   - registration: BodyParts3D's L5 fitted onto `l5`, when already known; fitted here otherwise.
    ///   - seat: the seating motion, when already known; searched otherwise.
    public static func place(l5: TriangleMesh, l5InferiorEndplate: (centre: Vector3, normal: Vector3),
                             inferiorArticularProcesses: [Side: Vector3],
                             registration known: SurfaceRegistration? = nil,
                             seat: (Double, Double, Double)? = nil) throws -> LumbosacralPlacement {
        let registration = try known ?? SurfaceRegistration.fit(source: try BodyParts3D.mesh(.l5).vertices.map { Vector3($0) },
                                                                target: l5.vertices.map { Vector3($0) })
        let fit = registration.transform
        let sacrum0 = fit.apply(to: try BodyParts3D.mesh(.sacrum))
        let c = l5InferiorEndplate.centre, n = l5InferiorEndplate.normal.normalized
        let lateral = Vector3(1, 0, 0), posterior = n.cross(lateral).normalized  // (0, n.z, −n.y): in the sagittal plane, ⟂ n
        guard let s1 = s1Endplate(of: sacrum0, below: c, normal: n, lateral: lateral, posterior: posterior) else {
            throw AnatomyError.geometry(reason: "the registered sacrum has no S1 endplate below the L5 endplate centre")
        }
        let seating = JointSeating(
            fixedEndplate: (c, n), movingEndplate: s1, movingIsBelow: true,
            fixedPoints: l5.vertices.map { Vector3($0) }, fixedNormals: l5.vertexNormals(),
            jointPoints: JointSeating.jointPoints(of: sacrum0, near: inferiorArticularProcesses, fixed: l5),
            targetJointSpaceMm: targetJointSpaceMm, discTargetMm: discHeightTargetMm, discSDMm: 1.9,
            discRangeMm: discHeightRangeMm,
            angleAllowed: { sacralSlopeRangeDegrees.contains(acos(min(1, abs($0.z))) * 180 / .pi) }).seat(known: seat)
        let world = seating.motion.composed(after: fit)
        let normal = seating.endplate.normal
        let congruent = ArticularCongruence(targetGapMm: targetJointSpaceMm)
            .reshaped(world.apply(to: try BodyParts3D.mesh(.sacrum)), toward: l5, at: inferiorArticularProcesses)
        return LumbosacralPlacement(
            worldFromBodyParts3D: world, registration: registration, seating: seating.seat,
            sacrum: congruent.mesh, articularGaps: congruent.gaps, hipLeft: world.apply(to: try BodyParts3D.mesh(.hipLeft)),
            hipRight: world.apply(to: try BodyParts3D.mesh(.hipRight)),
            s1EndplateCentre: seating.endplate.centre, s1EndplateNormal: normal,
            jointSpaceMm: ArticularCongruence.jointSpaceMm(seated: seating.jointSpaceMm, gaps: congruent.gaps),
            discHeightMm: seating.discHeightMm, sacralSlopeDegrees: acos(min(1, abs(normal.z))) * 180 / .pi,
            lumbosacralAngleDegrees: acos(min(1, n.dot(normal))) * 180 / .pi)
    }

    /// The S1 superior endplate of `sacrum`: rays parallel to −`normal` from a 16 × 12 mm patch of the L5
    /// endplate plane around `centre` find the sacrum's first surface; a plane is fitted to the hits.
    static func s1Endplate(of sacrum: TriangleMesh, below centre: Vector3, normal n: Vector3, lateral: Vector3,
                           posterior: Vector3) -> (centre: Vector3, normal: Vector3)? {
        var hits: [Vector3] = []
        for a in stride(from: -8.0, through: 8.0, by: 2) {
            for b in stride(from: -6.0, through: 6.0, by: 2) {
                let origin = centre + lateral * a + posterior * b
                if let t = sacrum.firstHit(from: origin, direction: -n, maxDistanceMm: 40) { hits.append(origin - n * t) }
            }
        }
        guard hits.count >= 10 else { return nil }
        guard let plane = PlaneFit.fit(hits) else { return nil }
        let mean = plane.centroid
        let normal = plane.normal.dot(n) < 0 ? -plane.normal : plane.normal
        // Where the central ray meets that plane.
        let t = (centre - mean).dot(normal) / n.dot(normal)
        return (centre - n * t, normal)
    }
}

extension SimilarityTransform {
    /// A direction carried by the rotation alone (unit in, unit out).
    public func applyToDirection(_ d: Vector3) -> Vector3 {
        Vector3(rotation[0].dot(d), rotation[1].dot(d), rotation[2].dot(d))
    }
}

extension TriangleMesh {
    /// Area-weighted outward vertex normals (for a mesh with outward, counter-clockwise triangles).
    public func vertexNormals() -> [Vector3] {
        var normals = [Vector3](repeating: .zero, count: vertices.count)
        for t in triangles {
            let a = Vector3(vertices[Int(t.x)]), b = Vector3(vertices[Int(t.y)]), c = Vector3(vertices[Int(t.z)])
            let face = (b - a).cross(c - a)
            for i in [t.x, t.y, t.z] { normals[Int(i)] += face }
        }
        return normals.map { $0.length > 0 ? $0.normalized : $0 }
    }

    /// Distance along `direction` (unit) from `origin` to the nearest triangle it meets within
    /// `maxDistanceMm` (Möller–Trumbore), or nil.
    public func firstHit(from origin: Vector3, direction d: Vector3, maxDistanceMm: Double) -> Double? {
        var best: Double?
        for t in triangles {
            let a = Vector3(vertices[Int(t.x)]), b = Vector3(vertices[Int(t.y)]), c = Vector3(vertices[Int(t.z)])
            let e1 = b - a, e2 = c - a, p = d.cross(e2), det = e1.dot(p)
            guard abs(det) > 1e-12 else { continue }
            let s = origin - a, u = s.dot(p) / det
            guard u >= 0, u <= 1 else { continue }
            let q = s.cross(e1), v = d.dot(q) / det
            guard v >= 0, u + v <= 1 else { continue }
            let dist = e2.dot(q) / det
            if dist > 0, dist <= maxDistanceMm, dist < (best ?? .infinity) { best = dist }
        }
        return best
    }
}
