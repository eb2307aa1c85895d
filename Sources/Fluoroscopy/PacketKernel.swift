import Anatomy
import CDRRKernel

/// Rays from one source integrated together, 8 or 16 at a time, by the vector slab walk (`CDRRKernel`):
/// the same exact line integral as `VoxelTraversal.integrate`, for packets whose rays share a dominant
/// index axis. Holds raw pointers into the volume's codes and block maps (read only, so shared by the
/// workers): use it only inside `AttenuationVolume.withPacketKernel`.
struct PacketKernel: @unchecked Sendable {
    /// The packet widths this processor runs, widest first (16 with AVX-512, 8 with AVX2; none without).
    static let widths = [16, 8].filter { $0 <= Int(pg_drr_kernel_width()) }
    /// Rays per packet.
    let width: Int

    private var volume: PGDRRVolume
    /// The 8³ and 4³ block maps, or nil where uniform blocks are not crossed in one step.
    private var blocks: (PGDRRBlocks, PGDRRBlocks)?
    private let indexFromWorld: Matrix4

    fileprivate init(width: Int, volume: PGDRRVolume, blocks: (PGDRRBlocks, PGDRRBlocks)?, indexFromWorld: Matrix4) {
        self.width = width
        self.volume = volume
        self.blocks = blocks
        self.indexFromWorld = indexFromWorld
    }

    /// Σ ℓ·(first, second) in mm for `width` rays from `source` along unit world `directions` over
    /// `lengthsMm`, written to `mass`; false (nothing written) when the packet does not qualify.
    func integrate(source: Vector3, directions: UnsafePointer<Vector3>, lengthsMm: UnsafePointer<Double>,
                   mass: UnsafeMutablePointer<SIMD2<Float>>) -> Bool {
        let q0 = indexFromWorld.apply(source) + 0.5
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 + 3 * width) { q in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * width) { out in
                q[0] = q0.x; q[1] = q0.y; q[2] = q0.z
                for l in 0..<width {
                    let d = indexFromWorld.applyToDirection(directions[l])
                    q[3 + 3 * l] = d.x; q[4 + 3 * l] = d.y; q[5 + 3 * l] = d.z
                }
                let base = q.baseAddress!, o = out.baseAddress!
                var v = volume
                let done: Int32
                if var (coarse, fine) = blocks {
                    done = pg_drr_integrate(Int32(width), &v, &coarse, &fine, base, base + 3, lengthsMm, o, o + width)
                } else {
                    done = pg_drr_integrate(Int32(width), &v, nil, nil, base, base + 3, lengthsMm, o, o + width)
                }
                guard done != 0 else { return false }
                for l in 0..<width { mass[l] = SIMD2(o[l], o[width + l]) }
                return true
            }
        }
    }
}

extension AttenuationVolume {
    /// Runs `body` with a packet kernel of `width` rays (one of `PacketKernel.widths`) over this volume
    /// and density formula, crossing uniform blocks in one step when `useBlocks`; with nil when the
    /// processor has no such kernel or the volume holds no material.
    func withPacketKernel<R>(width: Int?, _ formula: DensityFormula, useBlocks: Bool, _ body: (PacketKernel?) -> R) -> R {
        guard let width = width ?? PacketKernel.widths.first, PacketKernel.widths.contains(width), let box = occupied else { return body(nil) }
        return codes.withUnsafeBufferPointer { codes in blocks.codes.withUnsafeBufferPointer { coarse in subBlocks.codes.withUnsafeBufferPointer { fine in
            let n = grid.dimensions
            let v = PGDRRVolume(codes: codes.baseAddress!, dimensions: (Int32(n.x), Int32(n.y), Int32(n.z)),
                                lower: (Int32(box.lower.x), Int32(box.lower.y), Int32(box.lower.z)),
                                upper: (Int32(box.upper.x), Int32(box.upper.y), Int32(box.upper.z)),
                                airCode: Int32(Self.airCode),
                                c0: Float(formula.c0), c1: Float(formula.c1), c2: Float(formula.c2), c3: Float(formula.c3))
            func map(_ blocks: UniformBlocks, _ codes: UnsafeBufferPointer<Int32>) -> PGDRRBlocks {
                let nb = blocks.dimensions
                return PGDRRBlocks(codes: codes.baseAddress!, size: Int32(blocks.size), dimensions: (Int32(nb.x), Int32(nb.y), Int32(nb.z)),
                                   stride: (1, Int32(nb.x), Int32(nb.x * nb.y)))
            }
            let maps = useBlocks ? (map(blocks, coarse), map(subBlocks, fine)) : nil
            return body(PacketKernel(width: width, volume: v, blocks: maps, indexFromWorld: grid.indexFromWorld))
        } } }
    }
}
