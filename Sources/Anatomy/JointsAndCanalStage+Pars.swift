/// The pars interarticularis, found as the narrowest bridge of bone between the superior and the
/// inferior articular process on one side.
extension JointsAndCanalStage {
    /// The bridge's voxels and where it lies.
    struct ParsBridge {
        /// Linear indices (spine grid) of the vertebra's bone voxels in the cut.
        var voxels: [Int]
        var centre: Vector3
        /// Cross-section estimate, mm²: cut volume ÷ cell size.
        var areaMm2: Double
    }

    /// The minimum-weight cut of the vertebra's bone, on this side's half, between its anterior part
    /// (body, and within 5 mm of the pedicle and superior-process landmarks) and its posterior part
    /// (within 5 mm of the inferior-process and lamina landmarks, 8 mm of the spinous tip, and all
    /// of the arch within 2 mm of the midline — so no path can slip round to the other side).
    ///
    /// The cut is taken on cells of `cellMm` (a whole number of voxels), weighted by the bone they
    /// hold, then mapped back to every bone voxel of the cut cells. Any 26-connected voxel path from
    /// front to back maps to a 26-connected path of cells, which must meet a cut cell, so removing
    /// those voxels really separates the two parts. With `plane`, a cell's weight grows with the
    /// square of its distance from that plane, steering the cut along it (the defect's obliquity).
    func parsBridge(_ level: SpinalLevel, _ side: Side, cellMm: Double,
                    plane: (point: Vector3, normal: Vector3)? = nil) -> ParsBridge? {
        guard let g = geo[level], let sg = g.sides[side], let tight = boneBoxes[Int(level.tissue.rawValue)] else { return nil }
        let label = level.tissue.rawValue
        let k = max(1, Int((cellMm / h).rounded()))
        let region = tight.expanded(by: 1, within: grid)
        let cells = (region.size &+ (k - 1)) / k
        var problem = CellCutProblem(size: cells)
        var boneCount = [Int32](repeating: 0, count: problem.capacity.count)
        var cellOf: [(lin: Int, cell: Int)] = []
        let canalFront = g.canalFrontA, canalBack = g.canalBackA
        forEachVoxel(in: region) { lin, p in
            guard spine.voxels[lin] == label, p.x * side.sign > -1 else { return }
            let ijk = grid.indexFromWorld.apply(p)
            let c = SIMD3(Int(ijk.x.rounded()) - region.lower.x, Int(ijk.y.rounded()) - region.lower.y, Int(ijk.z.rounded()) - region.lower.z) / k
            let cell = c.x + cells.x * (c.y + cells.y * c.z)
            boneCount[cell] += 1
            cellOf.append((lin, cell))
            if g.local(p).a < canalFront - 1 || (p - sg.pedicle).length < 5 || (p - sg.superiorArticularProcess).length < 5 {
                problem.role[cell] = .source
            } else if problem.role[cell] != .source,
                      (p - sg.inferiorArticularProcess).length < 5 || (p - sg.lamina).length < 5
                      || (p - g.spinousProcessTip).length < 8 || (abs(p.x) < 2 && g.local(p).a > canalBack - 2) {
                problem.role[cell] = .sink
            }
        }
        let cellSizeMm = Double(k) * h
        for c in 0..<boneCount.count where boneCount[c] > 0 {
            var weight = Double(boneCount[c])
            if let plane {
                let centre = grid.world(region.lower.x + Cell.x(c, cells) * k + k / 2, region.lower.y + Cell.y(c, cells) * k + k / 2,
                                        region.lower.z + Cell.z(c, cells) * k + k / 2)
                let d = (centre - plane.point).dot(plane.normal) / cellSizeMm
                weight *= 1 + d * d
            }
            problem.capacity[c] = Int32(min(Double(Int32.max / 64), weight.rounded(.up)))
        }
        guard let cut = problem.minimumCut(), !cut.isEmpty else { return nil }
        let inCut = Set(cut)
        let voxels = cellOf.filter { inCut.contains($0.cell) }.map(\.lin)
        let centre = voxels.reduce(Vector3.zero) { sum, lin in
            let i = lin % grid.dimensions.x, j = (lin / grid.dimensions.x) % grid.dimensions.y
            return sum + grid.world(i, j, lin / (grid.dimensions.x * grid.dimensions.y))
        } / Double(voxels.count)
        return ParsBridge(voxels: voxels, centre: centre, areaMm2: Double(voxels.count) * h * h * h / cellSizeMm)
    }
}

/// Cell coordinates from a linear cell index.
enum Cell {
    static func x(_ c: Int, _ s: SIMD3<Int>) -> Int { c % s.x }
    static func y(_ c: Int, _ s: SIMD3<Int>) -> Int { (c / s.x) % s.y }
    static func z(_ c: Int, _ s: SIMD3<Int>) -> Int { c / (s.x * s.y) }
}
