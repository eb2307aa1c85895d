import Anatomy

/// Whether a shot sees a pars defect as a lucent band. Along each ray through the cleft (one through every
/// cleft voxel), the cleft takes the place of bone the intact pars would have had: the share of the ray's
/// bone it removes is its lucency. A view along the cleft's plane (the ipsilateral oblique, for the usual
/// defect) sends rays down the length of the gap and loses much of their bone; a view across it loses only
/// the gap's width.
public struct DefectLucency: Sendable, Equatable {
    /// Centre of the cleft (the defect voxels' centroid), world mm.
    public var centreMm: Vector3
    /// Along the most lucent rays (the 90th percentile of the share): cleft and remaining bone crossed
    /// within `windowMm` of the cleft voxel, mm.
    public var cleftAlongRayMm: Double
    public var boneAlongRayMm: Double

    /// Bone and cleft are counted within this distance of the cleft voxel along each ray, mm (chosen: the
    /// pars and the articular processes around it, not the bodies and pelvis the ray also crosses).
    public static let windowMm = 15.0
    /// The gap shows as a band when it removes at least this share of the bone along its rays (chosen: a
    /// third, about the 8 % or more of extra transmission a reader notices through 1 cm of pars).
    public static let lucentShare = 1.0 / 3

    /// The share of the intact bone the cleft removes along its most lucent rays.
    public var share: Double { cleftAlongRayMm + boneAlongRayMm > 0 ? cleftAlongRayMm / (cleftAlongRayMm + boneAlongRayMm) : 0 }
    /// True when that share reaches `lucentShare`.
    public var isLucent: Bool { share >= Self.lucentShare }

    /// The defect of `labels` (label `Tissue.parsDefect`) within 15 mm of `parsMm`, seen by `carm`; nil when
    /// there is none.
    public init?(carm: CArm, labels: Volume<UInt8>, parsMm: Vector3) {
        let g = labels.grid, defect = Tissue.parsDefect.rawValue
        guard let centre = g.nearestIndex(toWorld: parsMm) else { return nil }
        let reach = SIMD3<Int>(repeating: Int((15 / min(g.spacingMm.x, g.spacingMm.y, g.spacingMm.z)).rounded(.up)))
        let top = g.dimensions &- 1
        let lo = (centre &- reach).clamped(lowerBound: .zero, upperBound: top), hi = (centre &+ reach).clamped(lowerBound: .zero, upperBound: top)
        var cleft: [Vector3] = []
        for k in lo.z...hi.z { for j in lo.y...hi.y { for i in lo.x...hi.x where labels[i, j, k] == defect {
            let p = g.world(i, j, k)
            if (p - parsMm).length <= 15 { cleft.append(p) }
        } } }
        guard !cleft.isEmpty else { return nil }
        centreMm = cleft.reduce(.zero, +) / Double(cleft.count)
        let step = 0.25
        func crossed(through p: Vector3) -> (cleft: Double, bone: Double) {
            let d = (p - carm.sourceMm).normalized
            var gap = 0.0, bone = 0.0, t = -Self.windowMm
            while t <= Self.windowMm {
                let label = labels.value(nearestTo: p + d * t) ?? 0
                if label == defect { gap += step } else if Tissue.isBone(label) { bone += step }
                t += step
            }
            return (gap, bone)
        }
        func share(_ r: (cleft: Double, bone: Double)) -> Double { r.cleft / max(r.cleft + r.bone, 1e-9) }
        let rays = cleft.map(crossed(through:)).sorted { share($0) < share($1) }
        let ray = rays[min(rays.count - 1, rays.count * 9 / 10)]
        cleftAlongRayMm = ray.cleft
        boneAlongRayMm = ray.bone
    }
}
