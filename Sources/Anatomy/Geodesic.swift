/// Geodesic distances through a voxel set (Dijkstra on the 26-neighbour graph, edge lengths
/// h, h√2, h√3 — within a few per cent of the Euclidean path length).
enum Geodesic {
    /// Distance in millimetres from the nearest seed to every voxel of `inside` (x fastest in a box of
    /// `size`), travelling only through `inside`; `.infinity` where unreachable.
    static func distancesMm(inside: [Bool], size: SIMD3<Int>, spacingMm h: Double, seeds: [Int]) -> [Float] {
        var dist = [Float](repeating: .infinity, count: inside.count)
        var heap = MinHeap()
        for s in seeds where inside[s] { dist[s] = 0; heap.push(0, s) }
        var offsets: [(Int, Int, Int, Float)] = []
        for dk in -1...1 { for dj in -1...1 { for di in -1...1 where (di, dj, dk) != (0, 0, 0) {
            let steps = Float(abs(di) + abs(dj) + abs(dk))
            offsets.append((di, dj, dk, Float(h) * steps.squareRoot()))
        } } }
        let nx = size.x, ny = size.y, nz = size.z
        while let (d, c) = heap.pop() {
            if d > dist[c] { continue }
            let i = c % nx, j = (c / nx) % ny, k = c / (nx * ny)
            for (di, dj, dk, w) in offsets {
                let ii = i + di, jj = j + dj, kk = k + dk
                guard ii >= 0, jj >= 0, kk >= 0, ii < nx, jj < ny, kk < nz else { continue }
                let q = ii + nx * (jj + ny * kk)
                guard inside[q] else { continue }
                let nd = d + w
                if nd < dist[q] { dist[q] = nd; heap.push(nd, q) }
            }
        }
        return dist
    }

    /// A binary min-heap of (distance, index).
    struct MinHeap {
        private var keys: [Float] = [], values: [Int] = []

        mutating func push(_ key: Float, _ value: Int) {
            keys.append(key); values.append(value)
            var c = keys.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                if keys[p] <= keys[c] { break }
                keys.swapAt(p, c); values.swapAt(p, c); c = p
            }
        }

        mutating func pop() -> (Float, Int)? {
            guard let top = keys.first else { return nil }
            let v = values[0]
            let lastKey = keys.removeLast(), lastValue = values.removeLast()
            if !keys.isEmpty {
                keys[0] = lastKey; values[0] = lastValue
                var p = 0
                while true {
                    let l = 2 * p + 1, r = l + 1
                    var m = p
                    if l < keys.count && keys[l] < keys[m] { m = l }
                    if r < keys.count && keys[r] < keys[m] { m = r }
                    if m == p { break }
                    keys.swapAt(p, m); values.swapAt(p, m); p = m
                }
            }
            return (top, v)
        }
    }
}
