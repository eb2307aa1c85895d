import Foundation

/// Fits a similarity transform that carries one surface onto another by iterative closest points (Besl &
/// McKay 1992, IEEE TPAMI 14:239) with trimming (the worst 10 % of pairs are dropped each round, so
/// details one surface has and the other lacks do not pull the fit) and Umeyama's closed-form step.
public struct SurfaceRegistration: Sendable {
    /// The fitted `targetFromSource`.
    public var transform: SimilarityTransform
    /// Root-mean-square distance, mm, from each moved source vertex to the nearest target vertex and from
    /// each target vertex to the nearest moved source vertex (symmetric).
    public var symmetricRMSMm: Double
    public var iterations: Int

    package init(transform: SimilarityTransform, symmetricRMSMm: Double, iterations: Int) {
        self.transform = transform; self.symmetricRMSMm = symmetricRMSMm; self.iterations = iterations
    }

    /// Registers `source` onto `target`, starting from centroids matched and the given rotation (identity:
    /// both already in one orientation, e.g. LPS).
    public static func fit(source: [Vector3], target: [Vector3], maxIterations: Int = 60, keepFraction: Double = 0.9) -> SurfaceRegistration {
        let targetIndex = NearestPointIndex(target, cellMm: 3)
        let cs = source.reduce(.zero, +) / Double(source.count), ct = target.reduce(.zero, +) / Double(target.count)
        let spreadS = (source.reduce(0.0) { $0 + ($1 - cs).dot($1 - cs) } / Double(source.count)).squareRoot()
        let spreadT = (target.reduce(0.0) { $0 + ($1 - ct).dot($1 - ct) } / Double(target.count)).squareRoot()
        var t = SimilarityTransform(scale: spreadT / spreadS, rotation: SimilarityTransform.identity.rotation, translationMm: .zero)
        t.translationMm = ct - t.apply(cs)
        var previous = Double.infinity
        var iterations = 0
        for _ in 0..<maxIterations {
            iterations += 1
            var pairs: [(d: Double, s: Vector3, q: Vector3)] = []
            pairs.reserveCapacity(source.count)
            for p in source {
                let moved = t.apply(p)
                let q = targetIndex.nearest(to: moved)
                pairs.append(((q - moved).length, p, q))
            }
            pairs.sort { $0.d < $1.d }
            let kept = pairs.prefix(max(3, Int(Double(pairs.count) * keepFraction)))
            t = SimilarityTransform.fit(source: kept.map(\.s), target: kept.map(\.q))
            let rms = (kept.reduce(0.0) { $0 + $1.d * $1.d } / Double(kept.count)).squareRoot()
            if abs(previous - rms) < 1e-4 { break }
            previous = rms
        }
        let moved = source.map(t.apply)
        let movedIndex = NearestPointIndex(moved, cellMm: 3)
        var sum = 0.0
        for p in moved { let q = targetIndex.nearest(to: p); sum += (q - p).dot(q - p) }
        for q in target { let p = movedIndex.nearest(to: q); sum += (q - p).dot(q - p) }
        return SurfaceRegistration(transform: t, symmetricRMSMm: (sum / Double(moved.count + target.count)).squareRoot(), iterations: iterations)
    }
}

/// Nearest-point queries over a fixed point set: a uniform grid of buckets searched in growing shells.
package struct NearestPointIndex {
    package let points: [Vector3]
    package let cellMm: Double
    package let origin: Vector3
    package let dims: SIMD3<Int>
    package var buckets: [[Int32]]

    package init(_ points: [Vector3], cellMm: Double) {
        self.points = points
        self.cellMm = cellMm
        let lo = points.reduce(Vector3(repeating: .infinity)) { pointwiseMin($0, $1) }
        let hi = points.reduce(Vector3(repeating: -.infinity)) { pointwiseMax($0, $1) }
        origin = lo
        let n = ((hi - lo) / cellMm).rounded(.down) + 1
        dims = SIMD3(Int(n.x), Int(n.y), Int(n.z))
        buckets = Array(repeating: [], count: dims.x * dims.y * dims.z)
        for (i, p) in points.enumerated() {
            let c = cell(p)
            buckets[c.x + dims.x * (c.y + dims.y * c.z)].append(Int32(i))
        }
    }

    package func cell(_ p: Vector3) -> SIMD3<Int> {
        let c = (p - origin) / cellMm
        return SIMD3(min(dims.x - 1, max(0, Int(c.x.rounded(.down)))), min(dims.y - 1, max(0, Int(c.y.rounded(.down)))),
                     min(dims.z - 1, max(0, Int(c.z.rounded(.down)))))
    }

    /// The point nearest to `p` (exact: shells grow until no unvisited cell can hold a nearer point).
    package func nearest(to p: Vector3) -> Vector3 { points[nearestIndex(to: p)!] }

    /// The index of the point nearest to `p`; with `withinMm`, nil when none is that close.
    package func nearestIndex(to p: Vector3, withinMm: Double = .infinity) -> Int? {
        let c = cell(p)
        var best = Double.infinity, bestIndex = 0
        var r = 0
        let maxR = min(max(dims.x, dims.y, dims.z), withinMm.isFinite ? Int((withinMm / cellMm).rounded(.up)) + 1 : Int.max)
        while r <= maxR {
            for k in (c.z - r)...(c.z + r) where k >= 0 && k < dims.z {
                for j in (c.y - r)...(c.y + r) where j >= 0 && j < dims.y {
                    for i in (c.x - r)...(c.x + r) where i >= 0 && i < dims.x {
                        // Only the shell's surface cells are new.
                        guard max(abs(i - c.x), abs(j - c.y), abs(k - c.z)) == r else { continue }
                        for n in buckets[i + dims.x * (j + dims.y * k)] {
                            let d = points[Int(n)] - p, d2 = d.dot(d)
                            if d2 < best { best = d2; bestIndex = Int(n) }
                        }
                    }
                }
            }
            // Any point in a cell beyond shell r is at least r·cell away from p's cell boundary.
            if best.isFinite, best.squareRoot() <= Double(r) * cellMm { break }
            r += 1
        }
        return best.squareRoot() <= withinMm ? bestIndex : nil
    }
}
