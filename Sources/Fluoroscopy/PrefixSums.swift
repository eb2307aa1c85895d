import Anatomy
import Foundation

/// Running sums of per-voxel (first, second) densities along one grid axis: entry v holds the sums
/// over the voxels of v's row along that axis up to and including v. With them, the exact line integral
/// of a ray costs one step per crossing of the two other axes instead of one per voxel: a run of voxels
/// along the dominant axis is summed as a difference of two entries (a summed-area table in one
/// dimension). Built once per volume, axis and density table, and kept for later shots.
final class PrefixSums: @unchecked Sendable {
    let axis: Int
    /// Interleaved (first, second) running sums, Float.
    let sums: UnsafeMutablePointer<Float>

    init(codes: [UInt16], dimensions n: SIMD3<Int>, axis: Int, table: [SIMD2<Float>]) {
        self.axis = axis
        let count = n.x * n.y * n.z
        sums = .allocate(capacity: 2 * count)
        let step = axis == 0 ? 1 : (axis == 1 ? n.x : n.x * n.y)
        let length = n[axis]
        // Rows along the axis are independent: one row start per (other two indices).
        let others = count / length
        let sums = MutableFloats(base: self.sums)
        codes.withUnsafeBufferPointer { codes in
            let codes = SendablePointer(codes.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: 16) { part in
                for r in stride(from: part, to: others, by: 16) {
                    // The r-th row start: enumerate the linear indices whose axis index is 0.
                    let start: Int
                    switch axis {
                    case 0: start = r * n.x
                    case 1: start = (r / n.x) * n.x * n.y + r % n.x
                    default: start = r
                    }
                    var a: Float = 0, b: Float = 0
                    var v = start
                    for _ in 0..<length {
                        let d = table[Int(codes.base[v])]
                        a += d.x; b += d.y
                        sums.base[2 * v] = a; sums.base[2 * v + 1] = b
                        v += step
                    }
                }
            }
        }
    }

    deinit { sums.deallocate() }
}

/// Each worker writes its own rows.
private struct MutableFloats: @unchecked Sendable { let base: UnsafeMutablePointer<Float> }

private struct SendablePointer: @unchecked Sendable {
    let base: UnsafePointer<UInt16>
    init(_ base: UnsafePointer<UInt16>) { self.base = base }
}

/// The prefix sums a volume has built so far, by (axis, table).
final class PrefixSumCache: @unchecked Sendable {
    private let lock = NSLock()
    private var built: [String: PrefixSums] = [:]

    func sums(codes: [UInt16], dimensions: SIMD3<Int>, axis: Int, tableName: String, table: [SIMD2<Float>]) -> PrefixSums {
        lock.lock(); defer { lock.unlock() }
        let key = "\(axis)|\(tableName)"
        if let s = built[key] { return s }
        let s = PrefixSums(codes: codes, dimensions: dimensions, axis: axis, table: table)
        built[key] = s
        return s
    }
}

extension VoxelTraversal {
    /// The same integral as `integrate`, walking runs along the ray's dominant axis `prefix.axis` and
    /// stepping voxel by voxel only across the other two axes.
    @inline(__always)
    func integrateRuns(start: Vector3, direction: Vector3, lengthMm: Double, codes: UnsafePointer<UInt16>,
                       table: UnsafePointer<Float>, prefix: UnsafePointer<Float>, axis a: Int) -> SIMD2<Float> {
        guard let w = Walk(self, start: start, direction: direction, lengthMm: lengthMm) else { return .zero }
        // Permute so that "a" is the dominant axis and b, c the others.
        let n = SIMD3(w.nx, w.ny, w.nz), d = SIMD3(w.dx, w.dy, w.dz)
        let steps = SIMD3(w.sx, w.stepY, w.stepZ)
        let index = SIMD3(w.i, w.j, w.k)
        let signs = SIMD3(w.sx, w.sy, w.sz)
        let b = (a + 1) % 3, c = (a + 2) % 3
        var na = n[a], nb = n[b], nc = n[c]
        let da = d[a], db = d[b], dc = d[c]
        let stepA = steps[a], stepB = steps[b], stepC = steps[c]
        var qa = index[a], qb = index[b], qc = index[c]
        let sa = signs[a], sb = signs[b], sc = signs[c]
        let loA = lower[a], hiA = upper[a], loB = lower[b], hiB = upper[b], loC = lower[c], hiC = upper[c]
        var t = w.t, linear = w.linear
        let tExit = w.tExit
        var first = 0.0, second = 0.0
        while true {
            let tStar = min(nb, min(nc, tExit))
            if na >= tStar {
                // No dominant-axis crossing before the next minor one: one segment in this voxel.
                let e = 2 &* Int(codes[linear])
                let l = tStar - t
                first += l * Double(table[e]); second += l * Double(table[e &+ 1])
            } else {
                // The partial voxel to the first dominant boundary, the whole voxels between
                // boundaries as a difference of running sums, and the partial voxel to tStar.
                let e0 = 2 &* Int(codes[linear])
                let room = sa > 0 ? hiA - qa : qa - loA
                guard room > 0 else {
                    // Rounding put a dominant boundary inside the box exit: finish in this voxel.
                    let l = tStar - t
                    first += l * Double(table[e0]); second += l * Double(table[e0 &+ 1])
                    break
                }
                let m = max(1, min(Int(((tStar - na) / da).rounded(.up)), room))
                let l0 = na - t
                first += l0 * Double(table[e0]); second += l0 * Double(table[e0 &+ 1])
                if m > 1 {
                    let hiIndex = sa > 0 ? linear &+ stepA &* (m - 1) : linear &+ stepA
                    let loIndex = sa > 0 ? linear : linear &+ stepA &* m
                    first += da * Double(prefix[2 &* hiIndex] - prefix[2 &* loIndex])
                    second += da * Double(prefix[2 &* hiIndex &+ 1] - prefix[2 &* loIndex &+ 1])
                }
                linear &+= stepA &* m; qa &+= sa &* m
                let entered = na + Double(m - 1) * da
                na += Double(m) * da
                let e1 = 2 &* Int(codes[linear])
                let l1 = max(0, tStar - entered)
                first += l1 * Double(table[e1]); second += l1 * Double(table[e1 &+ 1])
            }
            t = tStar
            if t >= tExit { break }
            if nb <= nc {
                linear &+= stepB; qb &+= sb; nb += db
                if qb < loB || qb > hiB { break }
            } else {
                linear &+= stepC; qc &+= sc; nc += dc
                if qc < loC || qc > hiC { break }
            }
            // A minor crossing can coincide with a dominant one (an edge): keep the dominant index
            // within the box.
            if qa < loA || qa > hiA { break }
        }
        return SIMD2(Float(first), Float(second))
    }
}
