import Foundation

/// A coarse grid over a volume of material codes: for each block of `size`³ voxels, its code when every
/// voxel in it has that code, or −1. Rays cross a uniform block in one step (code × chord length) and
/// walk voxel by voxel only through mixed blocks — the same exact line integral with far fewer steps
/// wherever the volume is piecewise constant (air around the body, a subject whose soft tissues have one
/// density per label). A two-level grid in the manner of Amanatides & Woo's macro-cells.
struct UniformBlocks: Sendable {
    /// The scalar walk's block size, and the packet kernel's coarse one.
    static let defaultSize = 8
    /// Voxels per block side.
    let size: Int
    /// Blocks per axis.
    let dimensions: SIMD3<Int>
    /// Per block, x fastest: the uniform code, or −1 when the block is mixed (or reaches past the grid's
    /// edge holding anything but air).
    private(set) var codes: [Int32]
    /// Fraction of the blocks holding any material (not only air) that are uniform.
    let uniformMaterialFraction: Double

    init(codes voxels: [UInt16], dimensions n: SIMD3<Int>, airCode: UInt16, size: Int = UniformBlocks.defaultSize) {
        let b = size
        self.size = size
        let nb = (n &+ (b - 1)) / b
        dimensions = nb
        var codes = [Int32](repeating: -1, count: nb.x * nb.y * nb.z)
        // One z-slab of blocks per task; each writes only its own slab.
        let tallies = codes.withUnsafeMutableBufferPointer { out -> [(uniform: Int, material: Int)] in
            let out = SharedPointer(out.baseAddress!)
            return voxels.withUnsafeBufferPointer { v in
                let v = SharedPointer(v.baseAddress!)
                var tallies = [(uniform: Int, material: Int)](repeating: (0, 0), count: nb.z)
                tallies.withUnsafeMutableBufferPointer { tallies in
                    let tallies = SharedPointer(tallies.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: nb.z) { kb in
                        var first = [Int32](repeating: -2, count: nb.x * nb.y)  // -2: not seen yet
                        for k in kb * b..<min(kb * b + b, n.z) { for j in 0..<n.y {
                            let row = n.x * (j + n.y * k), blockRow = nb.x * (j / b)
                            for i in 0..<n.x {
                                let c = Int32(v.base[row + i]), slot = blockRow + i / b
                                let seen = first[slot]
                                if seen == -2 { first[slot] = c } else if seen != c { first[slot] = -1 }
                            }
                        } }
                        var uniform = 0, material = 0
                        for slot in 0..<first.count {
                            var c = first[slot]
                            // A block reaching past the grid's edge is uniform only in air: rays crossing
                            // it in one step would otherwise carry its material beyond the grid.
                            let partial = n.x % b != 0 && slot % nb.x == nb.x - 1 || n.y % b != 0 && slot / nb.x == nb.y - 1
                                || n.z % b != 0 && kb == nb.z - 1
                            if partial, c != Int32(airCode) { c = -1 }
                            out.base[slot + nb.x * nb.y * kb] = c
                            if c != Int32(airCode) { material += 1; if c >= 0 { uniform += 1 } }
                        }
                        tallies.base[kb] = (uniform, material)
                    }
                }
                return tallies
            }
        }
        self.codes = codes
        let uniform = tallies.reduce(0) { $0 + $1.uniform }, material = tallies.reduce(0) { $0 + $1.material }
        uniformMaterialFraction = material > 0 ? Double(uniform) / Double(material) : 1
    }

    /// The same grid with the blocks holding any of `voxels` (i, j, k) marked mixed: always correct after
    /// those voxels change, since rays walk mixed blocks voxel by voxel.
    func markingMixed(_ voxels: [SIMD3<Int>]) -> UniformBlocks {
        var copy = self
        for v in voxels {
            let b = v / size
            copy.codes[b.x + dimensions.x * (b.y + dimensions.y * b.z)] = -1
        }
        return copy
    }
}
