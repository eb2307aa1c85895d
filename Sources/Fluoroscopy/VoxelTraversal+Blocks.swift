import Anatomy

extension VoxelTraversal {
    /// The same integral as `integrate`, crossing each uniform block of `blocks` in one step: a walk over
    /// the blocks (Amanatides & Woo) with the voxel walk resumed inside mixed ones. Voxel steps are never
    /// clipped at block faces, so the voxel walk stays exact; a uniform block adds only the part of its
    /// chord the voxel walk has not covered.
    @inline(__always)
    func integrateBlocks(start: Vector3, direction: Vector3, lengthMm: Double, codes: UnsafePointer<UInt16>,
                         table: UnsafePointer<Float>, blocks: UnsafePointer<Int32>, blockDimensions nb: SIMD3<Int>) -> SIMD2<Float> {
        guard let w = Walk(self, start: start, direction: direction, lengthMm: lengthMm) else { return .zero }
        let size = UniformBlocks.defaultSize, q0 = w.q0, dq = w.dq, tExit = w.tExit
        let n = dimensions
        var first = 0.0, second = 0.0
        // The voxel walk, valid from the ray's entry until a uniform block is skipped.
        var nx = w.nx, ny = w.ny, nz = w.nz, linear = w.linear, fineValid = true
        let dx = w.dx, dy = w.dy, dz = w.dz, stepX = w.sx, stepY = w.stepY, stepZ = w.stepZ
        // The block walk.
        var bi = w.i / size, bj = w.j / size, bk = w.k / size
        @inline(__always) func blockSetup(_ q: Double, _ d: Double, _ cell: Int) -> (next: Double, delta: Double) {
            if d > 1e-12 { return ((Double((cell + 1) * size) - q) / d, Double(size) / d) }
            if d < -1e-12 { return ((Double(cell * size) - q) / d, -Double(size) / d) }
            return (.infinity, .infinity)
        }
        var (bx, bdx) = blockSetup(q0.x, dq.x, bi), (by, bdy) = blockSetup(q0.y, dq.y, bj), (bz, bdz) = blockSetup(q0.z, dq.z, bk)
        var block = bi + nb.x * (bj + nb.y * bk)
        let blockStepX = w.sx, blockStepY = w.sy * nb.x, blockStepZ = w.sz * nb.x * nb.y
        let voxelCount = UInt(n.x * n.y * n.z), blockCount = UInt(nb.x * nb.y * nb.z)
        let inverse = 1 / dq
        var t = w.t
        while t < tExit, UInt(bitPattern: block) < blockCount {
            let blockEnd = min(min(bx, by), min(bz, tExit))
            if blockEnd > t {
                let c = Int(blocks[block])
                if c >= 0 {
                    let l = blockEnd - t
                    first += l * Double(table[2 &* c]); second += l * Double(table[2 &* c &+ 1])
                    t = blockEnd; fineValid = false
                } else {
                    if !fineValid {
                        // Resume the voxel walk at t, on this block's face: the voxel is the one inside
                        // this block (and inside the box) that the entry point lies in.
                        let p = q0 + dq * t
                        @inline(__always) func cell(_ q: Double, _ b: Int, _ lo: Int, _ hi: Int) -> Int {
                            min(max(Int(q), max(b * size, lo)), min(b * size + size - 1, hi))
                        }
                        let i = cell(p.x, bi, lower.x, upper.x), j = cell(p.y, bj, lower.y, upper.y), k = cell(p.z, bk, lower.z, upper.z)
                        // The next voxel face on each axis: (face − q0)/dq, with 1/dq precomputed.
                        nx = dq.x > 1e-12 ? (Double(i + 1) - q0.x) * inverse.x : (dq.x < -1e-12 ? (Double(i) - q0.x) * inverse.x : .infinity)
                        ny = dq.y > 1e-12 ? (Double(j + 1) - q0.y) * inverse.y : (dq.y < -1e-12 ? (Double(j) - q0.y) * inverse.y : .infinity)
                        nz = dq.z > 1e-12 ? (Double(k + 1) - q0.z) * inverse.z : (dq.z < -1e-12 ? (Double(k) - q0.z) * inverse.z : .infinity)
                        linear = i &+ n.x &* (j &+ n.y &* k)
                        fineValid = true
                    }
                    while t < blockEnd, UInt(bitPattern: linear) < voxelCount {
                        let entry = 2 &* Int(codes[linear])
                        let a = Double(table[entry]), b = Double(table[entry &+ 1])
                        var end: Double
                        if nx <= ny && nx <= nz {
                            end = nx; nx += dx; linear &+= stepX
                        } else if ny <= nz {
                            end = ny; ny += dy; linear &+= stepY
                        } else {
                            end = nz; nz += dz; linear &+= stepZ
                        }
                        end = min(end, tExit)
                        let l = end - t
                        first += l * a; second += l * b
                        t = end
                    }
                }
            }
            if bx <= by && bx <= bz {
                bx += bdx; bi &+= w.sx; block &+= blockStepX
            } else if by <= bz {
                by += bdy; bj &+= w.sy; block &+= blockStepY
            } else {
                bz += bdz; bk &+= w.sz; block &+= blockStepZ
            }
        }
        return SIMD2(Float(first), Float(second))
    }
}
