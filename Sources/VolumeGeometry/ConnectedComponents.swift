/// Connected-component labelling of a voxel set.
public enum ConnectedComponents {
    /// Sizes (voxel counts) of the 26-connected components of the voxels where `member` holds,
    /// largest first.
    public static func sizes<E>(of volume: Volume<E>, where member: (E) -> Bool) -> [Int] {
        guard let box = IndexBox.bounding(volume, where: member) else { return [] }
        let g = volume.grid
        let size = box.size
        let nx = size.x, ny = size.y, nz = size.z
        var state = [Int32](repeatingOnAllCores: -1, count: nx * ny * nz)   // -1 not member, 0 unvisited, >0 component
        volume.voxels.withUnsafeBufferPointer { vox in
            var n = 0
            for k in 0..<nz {
                for j in 0..<ny {
                    let base = g.linearIndex(box.lower.x, box.lower.y + j, box.lower.z + k)
                    for i in 0..<nx {
                        if member(vox[base + i]) { state[n] = 0 }
                        n += 1
                    }
                }
            }
        }
        var sizes: [Int] = []
        var stack: [Int] = []
        for seed in 0..<state.count where state[seed] == 0 {
            let id = Int32(sizes.count + 1)
            state[seed] = id
            stack.append(seed)
            var count = 0
            while let c = stack.popLast() {
                count += 1
                let i = c % nx, j = (c / nx) % ny, k = c / (nx * ny)
                for dk in -1...1 {
                    let kk = k + dk
                    if kk < 0 || kk >= nz { continue }
                    for dj in -1...1 {
                        let jj = j + dj
                        if jj < 0 || jj >= ny { continue }
                        for di in -1...1 {
                            let ii = i + di
                            if ii < 0 || ii >= nx { continue }
                            let q = ii + nx * (jj + ny * kk)
                            if state[q] == 0 { state[q] = id; stack.append(q) }
                        }
                    }
                }
            }
            sizes.append(count)
        }
        return sizes.sorted(by: >)
    }
}
