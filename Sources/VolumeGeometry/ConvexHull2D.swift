/// Convex hulls of integer points in a plane (Andrew's monotone chain).
public enum ConvexHull2D {
    /// The hull's corners, counter-clockwise, without collinear points; fewer than 3 for degenerate input.
    public static func of(_ points: [SIMD2<Int>]) -> [SIMD2<Int>] {
        let p = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard p.count >= 3 else { return p }
        func cross(_ o: SIMD2<Int>, _ a: SIMD2<Int>, _ b: SIMD2<Int>) -> Int { (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x) }
        var lower: [SIMD2<Int>] = [], upper: [SIMD2<Int>] = []
        for q in p {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
            lower.append(q)
        }
        for q in p.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
            upper.append(q)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    /// True when `q` lies inside or on a counter-clockwise hull.
    public static func contains(_ hull: [SIMD2<Int>], _ q: SIMD2<Int>) -> Bool {
        for n in hull.indices {
            let a = hull[n], b = hull[(n + 1) % hull.count]
            if (b.x - a.x) * (q.y - a.y) - (b.y - a.y) * (q.x - a.x) < 0 { return false }
        }
        return true
    }
}
