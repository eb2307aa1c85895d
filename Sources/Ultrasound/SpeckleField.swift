import Anatomy
import Foundation

/// A field of complex Gaussian scatterer amplitudes fixed in world coordinates.
///
/// The value at a point is a pure function of the seed and the point's cell on a world lattice (cell
/// size `cellMm`), so the speckle belongs to the tissue and repeated runs give the same pixels whatever
/// the thread count. Real and imaginary parts are independent standard normals (a 4096-entry
/// inverse-CDF table indexed by hash bits); after the linear beam-forming that follows, each echo sample
/// is circular complex Gaussian and its envelope Rayleigh: fully developed speckle. Each ray sees the
/// scatterers of the cells it crosses, so a sideways move by a fraction of the line spacing re-samples
/// the speckle (it decorrelates) while anatomy moves exactly; moves along the beam keep it.
struct SpeckleField: Sendable {
    let seed: UInt64
    let cellMm: Double
    let normalQuantiles: FloatBuffer

    init(seed: UInt64, cellMm: Double) {
        self.seed = seed
        self.cellMm = cellMm
        normalQuantiles = Self.table
    }

    /// Φ⁻¹((i + ½)/4096), found by bisection on erfc once.
    static let table: FloatBuffer = {
        let n = 4096
        var q = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let p = (Double(i) + 0.5) / Double(n)
            var lo = -9.0, hi = 9.0
            for _ in 0..<60 {
                let mid = (lo + hi) / 2
                if 0.5 * erfc(-mid / 2.squareRoot()) < p { lo = mid } else { hi = mid }
            }
            q[i] = Float((lo + hi) / 2)
        }
        // Rescale to unit variance exactly (the table's own variance is a hair below 1).
        let variance = q.reduce(0) { $0 + Double($1) * Double($1) } / Double(n)
        let s = Float(1 / variance.squareRoot())
        return FloatBuffer(q.map { $0 * s })
    }()

    /// The complex value at a point in lattice units (world mm / cell).
    @inline(__always) func value(atLattice p: Vector3) -> (re: Float, im: Float) {
        let h = Self.hash(floorInt(p.x), floorInt(p.y), floorInt(p.z), seed: seed)
        return (normalQuantiles[Int(h & 4095)], normalQuantiles[Int((h >> 12) & 4095)])
    }

    /// Hash of a lattice cell (murmur3 finaliser over a multiplicative mix of the coordinates).
    @inline(__always) static func hash(_ i: Int, _ j: Int, _ k: Int, seed: UInt64) -> UInt64 {
        var h = seed &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(bitPattern: Int64(i)) &* 0xC2B2_AE3D_27D4_EB4F
        h = (h << 31) | (h >> 33)
        h ^= UInt64(bitPattern: Int64(j)) &* 0x1656_67B1_9E37_79F9
        h = (h << 27) | (h >> 37)
        h ^= UInt64(bitPattern: Int64(k)) &* 0x85EB_CA77_C2B2_AE63
        h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
