/// Pars defects.
extension PhantomBuilder {
    /// Cuts each defect: the bone of the pars bridge inside a slab through the pars landmark becomes
    /// label 109. The slab's normal is the pars axis tilted by the defect's obliquity about +x (right-
    /// hand rule in LPS). Only bone connected to the pars within the slab, within 10 mm of the landmark
    /// and lateral to 60 % of the canal's half-width is cut, so the lamina and the rest of the
    /// vertebra are not touched. The slab is at least one voxel
    /// thick in the 26-connected sense (L1 norm of the normal × voxel size), so even a sub-voxel gap
    /// really separates the bone.
    mutating func cutDefects() throws {
        for defect in options.defects {
            guard let g = geo[defect.level], let sg = g.sides[defect.side],
                  let centre = landmarks[Subject.parsLandmarkName(level: defect.level, side: defect.side)] else {
                throw AnatomyError.geometry(reason: "no pars found for defect \(defect.name)")
            }
            let label = defect.level.tissue.rawValue
            let normal = sg.parsAxis.rotated(about: Vector3(1, 0, 0), by: defect.obliquity)
            let l1 = abs(normal.x) + abs(normal.y) + abs(normal.z)
            let halfThickness = max(defect.gapMm, l1 * h) / 2
            let region = box(around: centre, halfSizeMm: Vector3(11, 11, 11))
            let minLateral = 0.6 * g.canalHalfWidthMm
            let n = region.size
            var inSlab = [Bool](repeating: false, count: region.count)
            var idx = 0
            var seed: Int? = nil, seedDistance = Double.infinity
            forEachVoxel(in: region) { lin, p in
                defer { idx += 1 }
                guard spine.voxels[lin] == label else { return }
                let d = p - centre
                guard abs(d.dot(normal)) <= halfThickness, d.length <= 10, p.x * defect.side.sign > minLateral else { return }
                inSlab[idx] = true
                if d.length < seedDistance { seedDistance = d.length; seed = idx }
            }
            guard let start = seed else {
                throw AnatomyError.geometry(reason: "defect \(defect.name): no bone in the lysis slab")
            }
            // Flood the slab from the voxel nearest the landmark (26-connected).
            var stack = [start]
            inSlab[start] = false
            var cut: [Int] = []
            while let c = stack.popLast() {
                cut.append(c)
                let i = c % n.x, j = (c / n.x) % n.y, k = c / (n.x * n.y)
                for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
                    let ii = i + di, jj = j + dj, kk = k + dk
                    guard ii >= 0, jj >= 0, kk >= 0, ii < n.x, jj < n.y, kk < n.z else { continue }
                    let q = ii + n.x * (jj + n.y * kk)
                    if inSlab[q] { inSlab[q] = false; stack.append(q) }
                } } }
            }
            for c in cut {
                let i = c % n.x, j = (c / n.x) % n.y, k = c / (n.x * n.y)
                spine[region.lower.x + i, region.lower.y + j, region.lower.z + k] = Tissue.parsDefect.rawValue
            }
            measurements["\(defect.name).defectVolumeMm3"] = Double(cut.count) * h * h * h
        }
    }
}
