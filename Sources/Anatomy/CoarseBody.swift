/// The body in a CT at the scan's own resolution: the largest connected region above a threshold (the
/// table and other objects apart from it drop out), with everything it encloses (bowel gas, lungs).
enum CoarseBody {
    /// True for each CT voxel outside the body: reachable from the volume's side border through voxels that
    /// are not the body's.
    static func outside(of ct: Volume<Float>, thresholdHU: Float) -> [Bool] {
        let d = ct.grid.dimensions, count = ct.voxels.count
        // The largest 6-connected component above the threshold.
        var component = [Int32](repeating: -1, count: count)
        var best = (id: Int32(-1), size: 0), stack: [Int] = []
        func neighbours(_ v: Int, _ body: (Int) -> Void) {
            let i = v % d.x, j = (v / d.x) % d.y, k = v / (d.x * d.y)
            if i > 0 { body(v - 1) }; if i < d.x - 1 { body(v + 1) }
            if j > 0 { body(v - d.x) }; if j < d.y - 1 { body(v + d.x) }
            if k > 0 { body(v - d.x * d.y) }; if k < d.z - 1 { body(v + d.x * d.y) }
        }
        var next: Int32 = 0
        for seed in 0..<count where component[seed] < 0 && ct.voxels[seed] > thresholdHU {
            var size = 0
            component[seed] = next; stack.append(seed)
            while let v = stack.popLast() {
                size += 1
                neighbours(v) { n in
                    if component[n] < 0 && ct.voxels[n] > thresholdHU { component[n] = next; stack.append(n) }
                }
            }
            if size > best.size { best = (next, size) }
            next += 1
        }
        // Outside: flooded from the border through everything that is not the body, slice by slice across
        // the axis nearest the body's long axis (world z), so gas the body encloses in its end slices (lungs,
        // bowel) stays inside.
        let m = ct.grid.worldFromIndex
        let axial = (0..<3).max { abs(m[2, $0]) / ct.grid.spacingMm[$0] < abs(m[2, $1]) / ct.grid.spacingMm[$1] }!
        let strides = SIMD3(1, d.x, d.x * d.y)
        var outside = [Bool](repeating: false, count: count)
        for v in 0..<count where component[v] != best.id && !outside[v] {
            let ijk = SIMD3(v % d.x, (v / d.x) % d.y, v / (d.x * d.y))
            guard (0..<3).contains(where: { $0 != axial && (ijk[$0] == 0 || ijk[$0] == d[$0] - 1) }) else { continue }
            outside[v] = true; stack.append(v)
            while let u = stack.popLast() {
                let q = SIMD3(u % d.x, (u / d.x) % d.y, u / (d.x * d.y))
                for a in 0..<3 where a != axial {
                    for step in [-1, 1] where q[a] + step >= 0 && q[a] + step < d[a] {
                        let n = u + step * strides[a]
                        if !outside[n] && component[n] != best.id { outside[n] = true; stack.append(n) }
                    }
                }
            }
        }
        return outside
    }
}
