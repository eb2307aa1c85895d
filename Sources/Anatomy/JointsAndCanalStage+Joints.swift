/// Facet joints, discs and ligaments: the soft structures between two bones.
extension JointsAndCanalStage {
    /// Fills the space between the upper vertebra's inferior and the lower one's superior articular
    /// process with label 108: voxels within 3 mm of both bones whose two distances add to ≤ 4 mm.
    /// Where the bones come closer than 0.75 mm, the bone there becomes joint, so every joint has a
    /// cleft of at least ≈1.5 mm (facet cartilage is ~2 mm thick at most, ASRA 2019; DATASHEET §3).
    /// The joint's landmark `<U>-<L>.<side>.facetJoint` is the centroid of the voxels this call labels.
    mutating func facetJoint(upper: SpinalLevel, lower: SpinalLevel, side: Side) {
        guard let iap = geo[upper]?.sides[side]?.inferiorArticularProcess,
              let sap = lower == .s1 ? placed.s1SuperiorArticularProcess[side] : geo[lower]?.sides[side]?.superiorArticularProcess else { return }
        let centre = (iap + sap) / 2
        let region = box(around: centre, halfSizeMm: Vector3(16, 16, 18))
        let u = upper.tissue.rawValue, l = lower == .s1 ? Tissue.sacrum.rawValue : lower.tissue.rawValue
        let du = distances(in: region) { $0 == u }, dl = distances(in: region) { $0 == l }
        var n = 0, sum = Vector3.zero, count = 0.0
        forEachVoxel(in: region) { lin, p in
            defer { n += 1 }
            guard (p.x * side.sign) > 3 else { return }
            let a = spine.voxels[lin]
            if (a == 0 && du[n] <= 3 && dl[n] <= 3 && du[n] + dl[n] <= 4) || (a == u && dl[n] < 0.75) || (a == l && du[n] < 0.75) {
                spine.voxels[lin] = Tissue.facetJoint.rawValue
                sum += p; count += 1
            }
        }
        if count > 0 { landmarks["\(upper.rawValue)-\(lower.rawValue).\(side.rawValue).facetJoint"] = sum / count }
    }

    /// Fills the disc between two vertebral bodies with label 104.
    ///
    /// In a frame whose axis joins the two body centres, height maps record the lowest bone of the
    /// upper body and the highest of the lower over each (s, t) cell; the disc is what lies between, in
    /// front of the canal (at L5–S1 the sacral canal opens upward behind it).
    mutating func disc(upper: SpinalLevel, lower: SpinalLevel) {
        let uLabel = upper.tissue.rawValue, lLabel = lower == .s1 ? Tissue.sacrum.rawValue : lower.tissue.rawValue
        guard let gu = geo[upper] else { return }
        let cu = gu.bodyCentre
        let cl: Vector3
        let lowerIsBody: (Vector3) -> Bool
        if lower == .s1 {
            cl = sacrum.world(u: 0, v: 0, w: 12)
            // The S1 body only: not the alae beside it (their tops face L5's transverse processes, not its body).
            lowerIsBody = { [sacrum] p in
                let q = sacrum.local(p)
                return q.w < 25 && q.v < sacrum.bodyRadiusV && abs(q.u) < sacrum.bodyRadiusU + 2
            }
        } else {
            let gl = geo[lower]!
            cl = gl.bodyCentre
            lowerIsBody = { p in gl.local(p).a < gl.canalFrontA - 0.5 }
        }
        let upperIsBody = { (p: Vector3) in gu.local(p).a < gu.canalFrontA - 0.5 }
        let axis = (cu - cl).normalized
        let e1 = (Vector3(1, 0, 0) - axis * axis.x).normalized, e2 = axis.cross(e1)
        let m = (cu + cl) / 2
        let half = 40.0, cells = Int(2 * half / h) + 1
        var lowestUpper = [Double](repeating: .infinity, count: cells * cells)
        var highestLower = [Double](repeating: -.infinity, count: cells * cells)
        func cell(_ p: Vector3) -> (Int, Double)? {
            let d = p - m
            let s = Int(((d.dot(e1) + half) / h).rounded()), t = Int(((d.dot(e2) + half) / h).rounded())
            guard s >= 0, t >= 0, s < cells, t < cells else { return nil }
            return (s + cells * t, d.dot(axis))
        }
        let span = (cu - cl).length / 2 + 20
        let region = box(around: m, halfSizeMm: Vector3(half, half, span))
        forEachVoxel(in: region) { lin, p in
            let a = spine.voxels[lin]
            guard a == uLabel || a == lLabel, let (c, z) = cell(p) else { return }
            if a == uLabel, upperIsBody(p) { lowestUpper[c] = min(lowestUpper[c], z) }
            if a == lLabel, lowerIsBody(p) { highestLower[c] = max(highestLower[c], z) }
        }
        let canal = canalStations
        forEachVoxel(in: region) { lin, p in
            guard spine.voxels[lin] == 0, let (c, z) = cell(p) else { return }
            let top = lowestUpper[c], bottom = highestLower[c]
            if z > bottom, z < top, top - bottom < 25, !CanalStation.interpolated(atZ: p.z, canal).holds(p) {
                spine.voxels[lin] = Tissue.intervertebralDisc.rawValue
            }
        }
    }

    /// Ligamentum flavum between the laminae and the interspinous ligament between the spinous
    /// processes of two neighbours (label 103), by filling vertical gaps between the two bones.
    mutating func ligaments(upper: SpinalLevel, lower: SpinalLevel) {
        guard let gu = geo[upper] else { return }
        let uLabel = upper.tissue.rawValue, lLabel = lower == .s1 ? Tissue.sacrum.rawValue : lower.tissue.rawValue
        let lowerBackY: Double, lowerTopZ: Double, lowerTipY: Double
        if lower == .s1 {
            // The back of the sacral canal at its top (the S1 lamina's front), or the frame's guess.
            let top = sacrum.canal.first?.back ?? sacrum.world(u: 0, v: sacrum.bodyRadiusV + 13, w: 0)
            lowerBackY = top.y; lowerTopZ = top.z - 15; lowerTipY = top.y + 10
        } else {
            let gl = geo[lower]!
            lowerBackY = gl.canalBackPoint.y; lowerTopZ = gl.canalCentre.z; lowerTipY = gl.spinousProcessTip.y
        }
        let upperBack = gu.canalBackPoint
        // Ligamentum flavum: a band behind the canal, as wide as the canal.
        fillGaps(xHalfWidth: gu.canalHalfWidthMm + 3,
                 yRange: (min(upperBack.y, lowerBackY) - 2)...(max(upperBack.y, lowerBackY) + 6),
                 zRange: lowerTopZ...gu.canalCentre.z, upper: uLabel, lower: lLabel, maxGapMm: 20)
        // Interspinous ligament: the midline between the spinous processes.
        fillGaps(xHalfWidth: 3, yRange: (upperBack.y + 3)...max(gu.spinousProcessTip.y, lowerTipY),
                 zRange: (lowerTopZ - 10)...gu.canalCentre.z, upper: uLabel, lower: lLabel, maxGapMm: 30)
    }

    /// In each vertical column of the box, fills unassigned voxels (or epidural fat) between the
    /// lowest `upper` bone and the highest `lower` bone below it, when they are at most `maxGapMm` apart.
    private mutating func fillGaps(xHalfWidth: Double, yRange: ClosedRange<Double>, zRange: ClosedRange<Double>,
                                   upper: UInt8, lower: UInt8, maxGapMm: Double) {
        let region = IndexBox(grid: grid, worldMin: Vector3(-xHalfWidth, yRange.lowerBound, zRange.lowerBound),
                              worldMax: Vector3(xHalfWidth, yRange.upperBound, zRange.upperBound))
        guard !region.isEmpty else { return }
        let g = grid
        for j in region.lower.y...region.upper.y {
            for i in region.lower.x...region.upper.x {
                var lowestUpper: Int? = nil, highestLower: Int? = nil
                for k in region.lower.z...region.upper.z {
                    let a = spine[i, j, k]
                    if a == upper { lowestUpper = lowestUpper ?? k }
                }
                guard let ku = lowestUpper else { continue }
                for k in stride(from: ku - 1, through: region.lower.z, by: -1) where spine[i, j, k] == lower {
                    highestLower = k; break
                }
                guard let kl = highestLower, Double(ku - kl) * h <= maxGapMm, ku - kl > 1 else { continue }
                for k in (kl + 1)..<ku {
                    let lin = g.linearIndex(i, j, k)
                    let a = spine.voxels[lin]
                    if a == 0 || a == Tissue.epiduralFat.rawValue { spine.voxels[lin] = Tissue.ligament.rawValue }
                }
            }
        }
    }
}
