import Anatomy
import Foundation

/// Which labels each 4×4×4 block of a label volume holds, built once per volume, so that a render finds
/// the blocks its rays may leap over without reading every voxel again.
///
/// A block's labels are a 64-bit set with bit `label % 64` (labels 0–255 share bits; a shared bit can only
/// make a block look occupied, so a leap is never wrong, at worst shorter). For each set of drawn labels
/// (and contrast box) the chessboard distance to the nearest occupied block is computed once and kept.
public final class LabelBlocks: @unchecked Sendable {
    /// Edge of a block, voxels.
    public static let block = 4
    /// The blocks along x, y, z.
    let blocks: SIMD3<Int>
    /// The dimensions of the volume it was built from, voxels.
    let voxelDimensions: SIMD3<Int>
    /// Per block, x fastest: the set of labels it holds (bit `label % 64`; air, 0, is left out).
    let present: [UInt64]
    private let lock = NSLock()
    private var distances: [Key: [UInt8]] = [:]
    /// Distance fields kept at once (each one byte a block: 4.4 MB for the flagship subject).
    static let keptDistances = 4

    struct Key: Hashable {
        let drawn: UInt64
        /// The contrast volume's box in blocks (lower x y z, upper x y z), or empty.
        let contrastBox: [Int]
    }

    /// Reads every voxel once, slabs of blocks in parallel.
    public init(labels: Volume<UInt8>) {
        let b = Self.block, n = labels.grid.dimensions
        let blocks = (n &+ (b - 1)) / b
        self.blocks = blocks
        voxelDimensions = n
        var present = [UInt64](repeating: 0, count: blocks.x * blocks.y * blocks.z)
        labels.voxels.withUnsafeBufferPointer { v in
            present.withUnsafeMutableBufferPointer { out in
                let v = SharedReadOnly(base: v.baseAddress!), out = SharedVoxels(base: out.baseAddress!)
                // One slab of blocks (b slices) per iteration: slabs write disjoint ranges.
                DispatchQueue.concurrentPerform(iterations: blocks.z) { bk in
                    for k in (bk * b)..<min(n.z, bk * b + b) {
                        for j in 0..<n.y {
                            let row = n.x * (j + n.y * k), blockRow = blocks.x * (j / b + blocks.y * bk)
                            for i in 0..<n.x {
                                let l = v.base[row + i]
                                if l != 0 { out.base[blockRow + i / b] |= 1 << UInt64(l % 64) }
                            }
                        }
                    }
                }
            }
        }
        self.present = present
    }

    /// The bit set standing for `labels`.
    static func mask(_ labels: some Sequence<UInt8>) -> UInt64 {
        labels.reduce(0) { $1 == 0 ? $0 : $0 | 1 << UInt64($1 % 64) }
    }

    /// The voxels of the blocks that may hold `label` (whole blocks, clipped to the volume), or nil when none
    /// does: a box for a structure found from the block index instead of a scan of every voxel.
    public func box(of label: UInt8) -> IndexBox? {
        let bit = Self.mask([label])
        var lo = SIMD3<Int>(repeating: .max), hi = SIMD3<Int>(repeating: .min)
        for k in 0..<blocks.z { for j in 0..<blocks.y {
            let row = blocks.x * (j + blocks.y * k)
            for i in 0..<blocks.x where present[row + i] & bit != 0 {
                lo = pointwiseMin(lo, SIMD3(i, j, k)); hi = pointwiseMax(hi, SIMD3(i, j, k))
            }
        } }
        guard lo.x <= hi.x else { return nil }
        return IndexBox(lower: lo &* Self.block, upper: pointwiseMin((hi &+ 1) &* Self.block &- 1, voxelDimensions &- 1))
    }

    /// Per block: 0 when it may hold one of `drawn` (or lies in `contrastBox`, block indices, inclusive),
    /// else the chessboard distance in blocks to the nearest such block (at most 255).
    func distance(drawn: UInt64, contrastBox: (lo: SIMD3<Int>, hi: SIMD3<Int>)?) -> [UInt8] {
        let box = contrastBox.map { [$0.lo.x, $0.lo.y, $0.lo.z, $0.hi.x, $0.hi.y, $0.hi.z] } ?? []
        let key = Key(drawn: drawn, contrastBox: box)
        lock.lock(); defer { lock.unlock() }
        if let d = distances[key] { return d }
        var d = present.map { $0 & drawn != 0 ? UInt8(0) : 255 }
        if let (lo, hi) = contrastBox, lo.x <= hi.x, lo.y <= hi.y, lo.z <= hi.z {
            for k in lo.z...hi.z { for j in lo.y...hi.y { for i in lo.x...hi.x { d[i + blocks.x * (j + blocks.y * k)] = 0 } } }
        }
        Self.chessboard(&d, size: blocks)
        if distances.count >= Self.keptDistances { distances.removeAll() }  // a web session's many contrast boxes
        distances[key] = d
        return d
    }

    /// The chessboard distance to the nearest 0 (values capped at 255), by a forward and a backward
    /// chamfer pass over the 13 neighbours already visited in each pass's order.
    static func chessboard(_ d: inout [UInt8], size: SIMD3<Int>) {
        let nx = size.x, ny = size.y, nz = size.z, plane = nx * ny
        d.withUnsafeMutableBufferPointer { d in
            for forward in [true, false] {
                let s = forward ? -1 : 1
                // Neighbour offsets (di, dj, dk) visited before the current block in this pass's order.
                var offsets: [(Int, Int, Int)] = []
                for dk in [s, 0] { for dj in -1...1 { for di in -1...1 where dk != 0 || dj == s || (dj == 0 && di == s) {
                    offsets.append((di, dj, dk))
                } } }
                let linear = offsets.map { $0.0 + nx * $0.1 + plane * $0.2 }
                linear.withUnsafeBufferPointer { linear in
                    for step in 0..<nz {
                        let k = forward ? step : nz - 1 - step
                        for jStep in 0..<ny {
                            let j = forward ? jStep : ny - 1 - jStep
                            let innerRow = k > 0 && k < nz - 1 && j > 0 && j < ny - 1
                            for iStep in 0..<nx {
                                let i = forward ? iStep : nx - 1 - iStep
                                let here = i + nx * j + plane * k
                                var best = Int(d[here])
                                if best == 0 { continue }
                                if innerRow && i > 0 && i < nx - 1 {
                                    // Away from the faces: every neighbour exists.
                                    for o in linear { best = min(best, Int(d[here + o]) + 1) }
                                } else {
                                    for (di, dj, dk) in offsets {
                                        let a = i + di, b = j + dj, c = k + dk
                                        guard a >= 0, b >= 0, c >= 0, a < nx, b < ny, c < nz else { continue }
                                        best = min(best, Int(d[a + nx * b + plane * c]) + 1)
                                    }
                                }
                                d[here] = UInt8(min(best, 255))
                            }
                        }
                    }
                }
            }
        }
    }
}
