import Anatomy

/// Exact ray–voxel traversal (Siddon 1985, in the incremental form of Jacobs et al. 1998 /
/// Amanatides & Woo 1987): visits every voxel a ray crosses, in order, with the length of the ray inside
/// it. Works in index space, so any grid orientation the NIfTI header states (oblique sforms
/// included) is honoured; lengths come out in world millimetres.
struct VoxelTraversal {
    let dimensions: SIMD3<Int>
    let indexFromWorld: Matrix4

    init(grid: Grid) {
        dimensions = grid.dimensions
        indexFromWorld = grid.indexFromWorld
    }

    /// Calls `visit(linearIndex, lengthMm)` for each voxel crossed by the segment from `start` along the
    /// unit world direction `direction`, for parameters t in [0, `lengthMm`].
    @inline(__always)
    func traverse(start: Vector3, direction: Vector3, lengthMm: Double, _ visit: (Int, Double) -> Void) {
        // Index space shifted by ½ so voxel i spans [i, i + 1).
        let q0 = indexFromWorld.apply(start) + 0.5
        let dq = indexFromWorld.applyToDirection(direction)
        let n = SIMD3<Double>(Double(dimensions.x), Double(dimensions.y), Double(dimensions.z))
        var tEnter = 0.0, tExit = lengthMm
        for a in 0..<3 {
            if abs(dq[a]) < 1e-12 {
                if q0[a] < 0 || q0[a] >= n[a] { return }
            } else {
                var t0 = (0 - q0[a]) / dq[a], t1 = (n[a] - q0[a]) / dq[a]
                if t0 > t1 { swap(&t0, &t1) }
                tEnter = max(tEnter, t0); tExit = min(tExit, t1)
            }
        }
        guard tEnter < tExit else { return }
        let entry = q0 + dq * tEnter
        var i = min(max(Int(entry.x), 0), dimensions.x - 1)
        var j = min(max(Int(entry.y), 0), dimensions.y - 1)
        var k = min(max(Int(entry.z), 0), dimensions.z - 1)
        // Parameter of the next boundary on each axis, and the parameter step between boundaries.
        func setup(_ q: Double, _ d: Double, _ cell: Int) -> (next: Double, delta: Double, step: Int) {
            if d > 1e-12 { return ((Double(cell + 1) - q) / d, 1 / d, 1) }
            if d < -1e-12 { return ((Double(cell) - q) / d, -1 / d, -1) }
            return (.infinity, .infinity, 0)
        }
        var (nx, dx, sx) = setup(q0.x, dq.x, i)
        var (ny, dy, sy) = setup(q0.y, dq.y, j)
        var (nz, dz, sz) = setup(q0.z, dq.z, k)
        let strideY = dimensions.x, strideZ = dimensions.x * dimensions.y
        var linear = i + strideY * j + strideZ * k
        var t = tEnter
        while t < tExit {
            if nx <= ny && nx <= nz {
                let end = min(nx, tExit)
                visit(linear, end - t); t = end
                i += sx; linear += sx; nx += dx
                if i < 0 || i >= dimensions.x { return }
            } else if ny <= nz {
                let end = min(ny, tExit)
                visit(linear, end - t); t = end
                j += sy; linear += sy * strideY; ny += dy
                if j < 0 || j >= dimensions.y { return }
            } else {
                let end = min(nz, tExit)
                visit(linear, end - t); t = end
                k += sz; linear += sz * strideZ; nz += dz
                if k < 0 || k >= dimensions.z { return }
            }
        }
    }
}
