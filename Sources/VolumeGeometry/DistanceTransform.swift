import Foundation

/// Exact Euclidean distance transforms on a box of a grid (Felzenszwalb & Huttenlocher 2012,
/// "Distance transforms of sampled functions", Theory of Computing 8:415 — separable lower envelope
/// of parabolas, O(n) per line).
public enum DistanceTransform {
    /// Distance in millimetres from each voxel centre of `box` to the nearest voxel centre where
    /// `isFeature` holds (0 on features). Features outside the box are not seen.
    /// - Returns: Distances, x fastest, in the box's own index order.
    public static func distancesMm(grid: Grid, box: IndexBox, isFeature: (Int) -> Bool) -> [Float] {
        distancesMm(grid: grid, box: box, isFeatureAt: { lin, _ in isFeature(lin) })
    }

    /// As `distancesMm(grid:box:isFeature:)`, with the features a mask over the box in its own order
    /// (x fastest, `box.size` voxels).
    public static func distancesMm(grid: Grid, box: IndexBox, features: [Bool]) -> [Float] {
        precondition(features.count == box.size.x * box.size.y * box.size.z, "one feature flag per voxel of the box")
        return distancesMm(grid: grid, box: box, isFeatureAt: { _, n in features[n] })
    }

    /// The transform, with `isFeature(lin, n)` given both a voxel's linear index in the grid and in the box.
    private static func distancesMm(grid: Grid, box: IndexBox, isFeatureAt isFeature: (_ lin: Int, _ n: Int) -> Bool) -> [Float] {
        let size = box.size
        let nx = size.x, ny = size.y, nz = size.z
        let s = grid.spacingMm
        let inf = Float.greatestFiniteMagnitude / 4
        var f = [Float](repeatingOnAllCores: 0, count: nx * ny * nz)
        f.withUnsafeMutableBufferPointer { f in
            // Along x the input is 0 or ∞, so the squared distance to the nearest feature in the row comes
            // from two scans; rows without a feature stay ∞.
            let wx = Float(s.x * s.x)
            var n = 0
            for k in 0..<nz {
                for j in 0..<ny {
                    let lin = grid.linearIndex(box.lower.x, box.lower.y + j, box.lower.z + k)
                    var any = false
                    for i in 0..<nx {
                        let isF = isFeature(lin + i, n + i)
                        f[n + i] = isF ? 0 : inf
                        any = any || isF
                    }
                    if any {
                        // Forward then backward: a zero read before it is overwritten is a feature.
                        var near = -1
                        for i in 0..<nx {
                            if f[n + i] == 0 { near = i } else if near >= 0 { let d = Float(i - near); f[n + i] = wx * d * d }
                        }
                        near = -1
                        for i in stride(from: nx - 1, through: 0, by: -1) {
                            if f[n + i] == 0 { near = i } else if near >= 0 { let d = Float(near - i); f[n + i] = min(f[n + i], wx * d * d) }
                        }
                    }
                    n += nx
                }
            }
            // Along y, then z: one line at a time, lines split between the cores (each with its own scratch).
            let field = SharedVoxels(base: f.baseAddress!)
            func passes(lines: Int, count: Int, stride: Int, weight: Float, start: @escaping @Sendable (Int) -> Int) {
                let chunks = min(lines, 8 * ProcessInfo.processInfo.activeProcessorCount)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let line = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
                    let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
                    let v = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
                    let zb = UnsafeMutableBufferPointer<Float>.allocate(capacity: count + 1)
                    defer { line.deallocate(); out.deallocate(); v.deallocate(); zb.deallocate() }
                    let f = field.base
                    for l in (lines * c / chunks)..<(lines * (c + 1) / chunks) {
                        let first = start(l)
                        // A line already all zero (every voxel a feature or on one) stays so.
                        var allZero = true
                        for q in 0..<count {
                            let x = f[first + q * stride]
                            line[q] = x
                            if x != 0 { allZero = false }
                        }
                        if allZero { continue }
                        envelope(line, count, weight, out, v, zb)
                        for q in 0..<count { f[first + q * stride] = out[q] }
                    }
                }
            }
            let wy = Float(s.y * s.y), wz = Float(s.z * s.z)
            passes(lines: nz * nx, count: ny, stride: nx, weight: wy) { l in (l / nx) * nx * ny + l % nx }
            passes(lines: nx * ny, count: nz, stride: nx * ny, weight: wz) { $0 }
            for q in f.indices { f[q] = f[q].squareRoot() }
        }
        return f
    }

    /// 1D squared distance transform: out[q] = min_p (w·(q−p)² + f[p]).
    private static func envelope(_ f: UnsafeMutableBufferPointer<Float>, _ n: Int, _ w: Float,
                                 _ out: UnsafeMutableBufferPointer<Float>, _ v: UnsafeMutableBufferPointer<Int>,
                                 _ z: UnsafeMutableBufferPointer<Float>) {
        let inf = Float.infinity
        var k = 0
        v[0] = 0; z[0] = -inf; z[1] = inf
        if n > 1 {
            for q in 1..<n {
                var s: Float
                repeat {
                    let p = v[k]
                    s = ((f[q] + w * Float(q * q)) - (f[p] + w * Float(p * p))) / (2 * w * Float(q - p))
                    if s <= z[k] { k -= 1 } else { break }
                } while k >= 0
                k += 1
                v[k] = q; z[k] = s; z[k + 1] = inf
            }
        }
        k = 0
        for q in 0..<n {
            while z[k + 1] < Float(q) { k += 1 }
            let d = Float(q - v[k])
            out[q] = w * d * d + f[v[k]]
        }
    }
}
