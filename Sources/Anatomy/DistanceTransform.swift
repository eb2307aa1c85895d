/// Exact Euclidean distance transforms on a box of a grid (Felzenszwalb & Huttenlocher 2012,
/// "Distance transforms of sampled functions", Theory of Computing 8:415 — separable lower envelope
/// of parabolas, O(n) per line).
public enum DistanceTransform {
    /// Distance in millimetres from each voxel centre of `box` to the nearest voxel centre where
    /// `isFeature` holds (0 on features). Features outside the box are not seen.
    /// - Returns: Distances, x fastest, in the box's own index order.
    public static func distancesMm(grid: Grid, box: IndexBox, isFeature: (Int) -> Bool) -> [Float] {
        let size = box.size
        let nx = size.x, ny = size.y, nz = size.z
        let s = grid.spacingMm
        let inf = Float.greatestFiniteMagnitude / 4
        var f = [Float](repeating: inf, count: nx * ny * nz)
        var n = 0
        for k in 0..<nz {
            for j in 0..<ny {
                var lin = grid.linearIndex(box.lower.x, box.lower.y + j, box.lower.z + k)
                for _ in 0..<nx {
                    if isFeature(lin) { f[n] = 0 }
                    n += 1; lin += 1
                }
            }
        }
        let maxLine = max(nx, ny, nz)
        var line = [Float](repeating: 0, count: maxLine), out = [Float](repeating: 0, count: maxLine)
        var v = [Int](repeating: 0, count: maxLine), zb = [Float](repeating: 0, count: maxLine + 1)
        func pass(count: Int, stride: Int, lines: [Int], weight: Float) {
            for start in lines {
                for q in 0..<count { line[q] = f[start + q * stride] }
                envelope(line, count, weight, &out, &v, &zb)
                for q in 0..<count { f[start + q * stride] = out[q] }
            }
        }
        pass(count: nx, stride: 1, lines: (0..<(ny * nz)).map { $0 * nx }, weight: Float(s.x * s.x))
        pass(count: ny, stride: nx, lines: (0..<nz).flatMap { k in (0..<nx).map { k * nx * ny + $0 } }, weight: Float(s.y * s.y))
        pass(count: nz, stride: nx * ny, lines: Array(0..<(nx * ny)), weight: Float(s.z * s.z))
        return f.map { $0.squareRoot() }
    }

    /// 1D squared distance transform: out[q] = min_p (w·(q−p)² + f[p]).
    private static func envelope(_ f: [Float], _ n: Int, _ w: Float, _ out: inout [Float], _ v: inout [Int], _ z: inout [Float]) {
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
