import Anatomy

/// Exact ray–voxel traversal (Siddon 1985, in the incremental form of Jacobs et al. 1998 /
/// Amanatides & Woo 1987): visits every voxel a ray crosses, in order, with the length of the ray inside
/// it. Works in index space, so any grid orientation the NIfTI header states (oblique sforms
/// included) is honoured; lengths come out in world millimetres.
struct VoxelTraversal: Sendable {
    let dimensions: SIMD3<Int>
    let indexFromWorld: Matrix4
    /// The voxels that can contribute (inclusive index bounds); rays are clipped to them, which is
    /// exact when everything outside is empty.
    let lower: SIMD3<Int>, upper: SIMD3<Int>

    init(grid: Grid, lower: SIMD3<Int>? = nil, upper: SIMD3<Int>? = nil) {
        dimensions = grid.dimensions
        indexFromWorld = grid.indexFromWorld
        self.lower = lower ?? .zero
        self.upper = upper ?? grid.dimensions &- 1
    }

    /// Σ ℓ·table[code] over the voxels a ray crosses, ℓ in mm: the renderer's hot loop, written out
    /// (no closure) so everything stays in registers.
    @inline(__always)
    func integrate(start: Vector3, direction: Vector3, lengthMm: Double,
                   codes: UnsafePointer<UInt16>, table: UnsafePointer<Float>) -> SIMD2<Float> {
        guard let w = Walk(self, start: start, direction: direction, lengthMm: lengthMm) else { return .zero }
        // Scalar accumulators (a SIMD2 sum was kept in memory by the compiler); `table` holds
        // (first, second) pairs per code.
        var first = 0.0, second = 0.0
        var nx = w.nx, ny = w.ny, nz = w.nz, t = w.t, linear = w.linear
        let dx = w.dx, dy = w.dy, dz = w.dz, tExit = w.tExit
        let stepX = w.sx, stepY = w.stepY, stepZ = w.stepZ
        // The walk ends at the box exit parameter; the unsigned bound check only guards memory
        // against rounding at that last boundary.
        let count = UInt(dimensions.x * dimensions.y * dimensions.z)
        while t < tExit, UInt(bitPattern: linear) < count {
            let entry = 2 &* Int(codes[linear])
            let a = Double(table[entry]), b = Double(table[entry &+ 1])
            let end: Double
            if nx <= ny && nx <= nz {
                end = min(nx, tExit); nx += dx; linear &+= stepX
            } else if ny <= nz {
                end = min(ny, tExit); ny += dy; linear &+= stepY
            } else {
                end = min(nz, tExit); nz += dz; linear &+= stepZ
            }
            let l = end - t
            first += l * a; second += l * b
            t = end
        }
        return SIMD2(Float(first), Float(second))
    }

    /// The state of a ray's walk through the voxels: current voxel, next boundary parameters, steps.
    struct Walk {
        var i: Int, j: Int, k: Int, linear: Int
        var nx: Double, ny: Double, nz: Double
        let dx: Double, dy: Double, dz: Double
        let sx: Int, sy: Int, sz: Int, stepY: Int, stepZ: Int
        var t: Double
        let tExit: Double
        /// The ray in shifted index space: q(t) = q0 + dq·t.
        let q0: Vector3, dq: Vector3

        @inline(__always)
        init?(_ v: VoxelTraversal, start: Vector3, direction: Vector3, lengthMm: Double) {
            // Index space shifted by ½ so voxel i spans [i, i + 1).
            let q0 = v.indexFromWorld.apply(start) + 0.5
            let dq = v.indexFromWorld.applyToDirection(direction)
            var tEnter = 0.0, tOut = lengthMm
            for a in 0..<3 {
                let lo = Double(v.lower[a]), hi = Double(v.upper[a] + 1)
                if abs(dq[a]) < 1e-12 {
                    if q0[a] < lo || q0[a] >= hi { return nil }
                } else {
                    var t0 = (lo - q0[a]) / dq[a], t1 = (hi - q0[a]) / dq[a]
                    if t0 > t1 { swap(&t0, &t1) }
                    tEnter = max(tEnter, t0); tOut = min(tOut, t1)
                }
            }
            guard tEnter < tOut else { return nil }
            let entry = q0 + dq * tEnter
            i = min(max(Int(entry.x), v.lower.x), v.upper.x)
            j = min(max(Int(entry.y), v.lower.y), v.upper.y)
            k = min(max(Int(entry.z), v.lower.z), v.upper.z)
            func setup(_ q: Double, _ d: Double, _ cell: Int) -> (next: Double, delta: Double, step: Int) {
                if d > 1e-12 { return ((Double(cell + 1) - q) / d, 1 / d, 1) }
                if d < -1e-12 { return ((Double(cell) - q) / d, -1 / d, -1) }
                return (.infinity, .infinity, 0)
            }
            (nx, dx, sx) = setup(q0.x, dq.x, i)
            (ny, dy, sy) = setup(q0.y, dq.y, j)
            (nz, dz, sz) = setup(q0.z, dq.z, k)
            let strideY = v.dimensions.x, strideZ = v.dimensions.x * v.dimensions.y
            linear = i &+ strideY &* j &+ strideZ &* k
            stepY = sy &* strideY; stepZ = sz &* strideZ
            t = tEnter; tExit = tOut
            self.q0 = q0; self.dq = dq
        }
    }

    /// Calls `visit(linearIndex, lengthMm)` for each voxel crossed by the segment from `start` along the
    /// unit world direction `direction`, for parameters t in [0, `lengthMm`].
    @inline(__always)
    func traverse(start: Vector3, direction: Vector3, lengthMm: Double, _ visit: (Int, Double) -> Void) {
        guard var w = Walk(self, start: start, direction: direction, lengthMm: lengthMm) else { return }
        while w.t < w.tExit {
            if w.nx <= w.ny && w.nx <= w.nz {
                let end = min(w.nx, w.tExit)
                visit(w.linear, end - w.t); w.t = end
                w.i &+= w.sx; w.linear &+= w.sx; w.nx += w.dx
                if w.i < lower.x || w.i > upper.x { return }
            } else if w.ny <= w.nz {
                let end = min(w.ny, w.tExit)
                visit(w.linear, end - w.t); w.t = end
                w.j &+= w.sy; w.linear &+= w.stepY; w.ny += w.dy
                if w.j < lower.y || w.j > upper.y { return }
            } else {
                let end = min(w.nz, w.tExit)
                visit(w.linear, end - w.t); w.t = end
                w.k &+= w.sz; w.linear &+= w.stepZ; w.nz += w.dz
                if w.k < lower.z || w.k > upper.z { return }
            }
        }
    }
}
