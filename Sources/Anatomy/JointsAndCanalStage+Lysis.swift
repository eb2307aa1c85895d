/// Spondylolysis found in bone that already has it (a patient's masks): `--defects auto`.
extension JointsAndCanalStage {
    /// Gap width limits of a detected cleft, mm (chosen): a cleft voxel lies within `sideMm` of both parts of
    /// the vertebra and within `acrossMm` of the two together — wider gaps are not a pars defect but separate
    /// bones, narrower ones are lost in a 0.5 mm grid.
    static let lysisSideMm = 4.0, lysisAcrossMm = 6.0

    /// For each lumbar level and side whose posterior arch is not joined to the body through bone on that
    /// side — a flood from the body, pedicle and superior articular process through this vertebra's bone on
    /// this half (the roles of `parsBridge`) never reaches the inferior articular process, lamina or spinous
    /// process — labels the gap between the two parts 109, sets the pars landmark at its centre and returns
    /// the defect with its measured width. Runs on the bones alone, before any other structure fills the gap;
    /// `collectLandmarks` then finds no bridge there and keeps the cleft's landmark.
    mutating func detectDefects() throws -> [ParsDefect] {
        var found: [ParsDefect] = []
        // Voxels reached by a flood, cleared after each (one flag per spine-grid voxel, kept across sides).
        var reached = [Bool](repeating: false, count: grid.voxelCount), reachedList: [Int] = []
        for level in SpinalLevel.modelled {
            for side in Side.allCases {
                guard let g = geo[level], let sg = g.sides[side], let tight = boneBoxes[Int(level.tissue.rawValue)] else { continue }
                let label = level.tissue.rawValue
                let region = tight.expanded(by: 2, within: grid)
                // Flood from the anterior part through this half's bone (26-connected).
                for lin in reachedList { reached[lin] = false }
                reachedList.removeAll()
                var stack: [Int] = [], posterior: [Int] = []
                forEachVoxel(in: region) { lin, p in
                    guard spine.voxels[lin] == label, p.x * side.sign > -1 else { return }
                    if g.local(p).a < g.canalFrontA - 1 || (p - sg.pedicle).length < 5 || (p - sg.superiorArticularProcess).length < 5 {
                        reached[lin] = true; reachedList.append(lin); stack.append(lin)
                    } else if (p - sg.inferiorArticularProcess).length < 5 || (p - sg.lamina).length < 5 || (p - g.spinousProcessTip).length < 8 {
                        posterior.append(lin)
                    }
                }
                while let lin = stack.popLast() {
                    let ijk = grid.index(ofLinear: lin)
                    for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
                        let i = ijk.x + di, j = ijk.y + dj, k = ijk.z + dk
                        guard grid.contains(i, j, k) else { continue }
                        let n = grid.linearIndex(i, j, k)
                        guard !reached[n], spine.voxels[n] == label, grid.world(i, j, k).x * side.sign > -1 else { continue }
                        reached[n] = true; reachedList.append(n); stack.append(n)
                    } } }
                }
                guard !posterior.isEmpty, !posterior.contains(where: { reached[$0] }) else { continue }
                // The cleft: free voxels on this side between the two parts, around the pars.
                let centre = (sg.superiorArticularProcess + sg.inferiorArticularProcess) / 2
                let box = box(around: centre, halfSizeMm: Vector3(15, 15, 18))
                let (voxels, lattice) = (spine.voxels, grid)
                let toFront = DistanceTransform.distancesMm(grid: lattice, box: box) { reached[$0] }
                let toBack = DistanceTransform.distancesMm(grid: lattice, box: box) { lin in
                    voxels[lin] == label && !reached[lin] && lattice.world(lattice.index(ofLinear: lin).x, 0, 0).x * side.sign > -1
                }
                var n = 0, sum = Vector3.zero, cleft: [Int] = [], narrowest = Double.infinity
                forEachVoxel(in: box) { lin, p in
                    defer { n += 1 }
                    let a = Double(toFront[n]), b = Double(toBack[n])
                    guard spine.voxels[lin] == 0, p.x * side.sign > 0, a <= Self.lysisSideMm, b <= Self.lysisSideMm, a + b <= Self.lysisAcrossMm else { return }
                    cleft.append(lin); sum += p; narrowest = min(narrowest, a + b)
                }
                guard !cleft.isEmpty else { continue }
                for lin in cleft { spine.voxels[lin] = Tissue.parsDefect.rawValue }
                let name = Subject.parsLandmarkName(level: level, side: side)
                landmarks[name] = sum / Double(cleft.count)
                let gap = min(ParsDefect.gapRangeMm.upperBound, max(ParsDefect.gapRangeMm.lowerBound, narrowest))
                measurements["\(level.rawValue)-\(side.rawValue).detectedGapMm"] = narrowest
                measurements["\(level.rawValue)-\(side.rawValue).defectVolumeMm3"] = Double(cleft.count) * h * h * h
                found.append(try ParsDefect(level: level, side: side, gapMm: gap, obliquity: .degrees(0)))
            }
        }
        return found
    }
}
