/// The contents of the spinal canal and the exiting nerve roots.
extension JointsAndCanalStage {
    /// Stations from L2 down to S2 (the end of the dural sac), sorted by descending z.
    var canalStations: [CanalStation] {
        var out = SpinalLevel.modelled.map { level -> CanalStation in
            let g = geo[level]!
            return CanalStation(centre: g.canalCentre, canalHalfWidth: g.canalHalfWidthMm,
                                canalHalfDepth: (g.canalBackA - g.canalFrontA) / 2, sacScale: 1)
        }
        // The sacral canal's opening and measured sections; the sac tapers from S1 and ends about S2, 34 mm below the endplate
        // (the dural sac ends at S2 in most adults; chosen depth).
        for section in (sacrum.canalOpening.map { [$0] } ?? []) + sacrum.canal {
            let scale = section.depthMm >= 34 ? 0 : min(1, max(0, 0.75 - 0.45 * (section.depthMm - 4) / 26))
            out.append(CanalStation(centre: section.centre, canalHalfWidth: section.halfWidthMm,
                                    canalHalfDepth: section.axialHalfDepthMm, sacScale: scale))
        }
        return out.sorted { $0.centre.z > $1.centre.z }
    }

    /// Thecal sac (dura 105 around CSF 106) along the canal, tapering into the sacral canal, with
    /// epidural fat (112) filling the rest of the canal. Only unassigned voxels are written.
    mutating func canalContents() {
        let stations = canalStations
        let (rx0, ry0) = LumbarPhantom.Layers.sacSemiAxesMm
        let duraMm = max(0.6, h)  // real dura is ~0.3–0.5 mm; kept at least one voxel so it is seen
        let zTop = stations.first!.centre.z + 30, zBottom = stations.last!.centre.z
        // The canal's stations bound the box: 40 mm either side of their centres front to back (the canal is
        // ≈ 15–20 mm deep), 22 mm either side of the midline.
        let ys = stations.map(\.centre.y)
        let region = IndexBox(grid: grid, worldMin: Vector3(-22, ys.min()! - 40, zBottom), worldMax: Vector3(22, ys.max()! + 40, zTop))
        guard !region.isEmpty else { return }
        let arch = epiduralFatUnderArchOnly ? archFront(region: region, stations: stations) : nil
        let nx = region.size.x, dk = Int((Self.archSearchHeightMm / h).rounded())
        /// Whether bone lies behind `p` within `archSearchDepthMm` in a slice within `archSearchHeightMm`.
        func underArch(_ i: Int, _ k: Int, _ y: Double) -> Bool {
            guard let arch else { return true }
            let ii = i - region.lower.x
            for kk in max(region.lower.z, k - dk)...min(region.upper.z, k + dk) {
                let front = arch[ii + nx * (kk - region.lower.z)]
                if front > y && front - y <= Self.archSearchDepthMm { return true }
            }
            return false
        }
        for k in region.lower.z...region.upper.z {
            let z = grid.world(0, 0, k).z
            let st = CanalStation.interpolated(atZ: z, stations)
            guard st.canalHalfWidth > 0 else { continue }
            let rx = min(rx0, st.canalHalfWidth - 2) * st.sacScale, ry = min(ry0, st.canalHalfDepth - 1.5) * st.sacScale
            for j in region.lower.y...region.upper.y {
                for i in region.lower.x...region.upper.x {
                    let lin = grid.linearIndex(i, j, k)
                    guard spine.voxels[lin] == 0 else { continue }
                    let p = grid.world(i, j, k)
                    guard st.holds(p) else { continue }
                    let dx = p.x - st.centre.x, dy = p.y - st.centre.y
                    if rx > duraMm, ry > duraMm {
                        let outer = (dx / rx) * (dx / rx) + (dy / ry) * (dy / ry)
                        let ix = rx - duraMm, iy = ry - duraMm
                        let inner = (dx / ix) * (dx / ix) + (dy / iy) * (dy / iy)
                        if inner <= 1 { spine.voxels[lin] = Tissue.cerebrospinalFluid.rawValue; continue }
                        if outer <= 1 { spine.voxels[lin] = Tissue.dura.rawValue; continue }
                    }
                    if underArch(i, k, p.y) { spine.voxels[lin] = Tissue.epiduralFat.rawValue }
                }
            }
        }
    }

    /// How far in front of the posterior arch epidural fat may lie, and how far above or below the arch may
    /// be, mm (chosen: the canal is ≈ 15–20 mm deep; 8 mm spans an interlaminar window).
    static let archSearchDepthMm = 20.0, archSearchHeightMm = 8.0

    /// For each column (x, z) of `region` (x fastest): the y of the first bone behind the canal's centre, world
    /// mm (−∞: none). Epidural fat lies in front of it; the notch behind a pars, inside the canal's ellipse
    /// where a mask-derived canal is wide, lies behind it.
    func archFront(region: IndexBox, stations: [CanalStation]) -> [Double] {
        let nx = region.size.x, nz = region.size.z
        var front = [Double](repeating: -.infinity, count: nx * nz)
        for k in region.lower.z...region.upper.z {
            let centreY = CanalStation.interpolated(atZ: grid.world(0, 0, k).z, stations).centre.y
            for i in region.lower.x...region.upper.x {
                var nearest = Double.infinity
                for j in region.lower.y...region.upper.y where Tissue.isBone(spine.voxels[grid.linearIndex(i, j, k)]) {
                    let y = grid.world(i, j, k).y
                    if y > centreY && y < nearest { nearest = y }
                }
                if nearest.isFinite { front[(i - region.lower.x) + nx * (k - region.lower.z)] = nearest }
            }
        }
        return front
    }

    /// The L4 and L5 roots (107): from the side of the sac above the pedicle, under the pedicle
    /// through the intervertebral foramen, then down, out and forward. (S1 runs in its foramen.)
    mutating func nerveRoots() {
        let stations = canalStations
        for level in [SpinalLevel.l4, .l5] {
            guard let g = geo[level] else { continue }
            for side in Side.allCases {
                guard let pedicle = g.sides[side]?.pedicle else { continue }
                let st = CanalStation.interpolated(atZ: pedicle.z + 4, stations)
                let start = Vector3(side.sign * (LumbarPhantom.Layers.sacSemiAxesMm.0 - 1), st.centre.y - 1, pedicle.z + 4)
                let foramen = pedicle - g.up * 11 - g.posterior * 5 + Vector3(side.sign * 2, 0, 0)
                let exit = foramen + Vector3(side.sign * 18, -14, -16)
                for (a, b) in [(start, foramen), (foramen, exit)] {
                    tube(from: a, to: b, radiusMm: LumbarPhantom.Layers.rootRadiusMm, label: Tissue.nerveRoot.rawValue) {
                        $0 == 0 || $0 == Tissue.epiduralFat.rawValue
                    }
                }
            }
        }
    }
}
