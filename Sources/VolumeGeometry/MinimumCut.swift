/// Minimum-weight vertex cut on a 26-connected grid of cells (max-flow by shortest augmenting
/// paths with capacity scaling, on split nodes: each cell is an in-node and an out-node joined by an
/// edge of the cell's capacity; neighbour edges are unbounded). Source and sink cells cannot be cut.
package struct CellCutProblem {
    package enum Role: UInt8 { case free, source, sink }

    /// Cells along x, y, z.
    package let size: SIMD3<Int>
    /// Weight of cutting each cell; 0 means the cell is not part of the graph.
    package var capacity: [Int32]
    package var role: [Role]

    package init(size: SIMD3<Int>) {
        self.size = size
        capacity = [Int32](repeating: 0, count: size.x * size.y * size.z)
        role = [Role](repeating: .free, count: capacity.count)
    }

    package static let offsets: [SIMD3<Int>] = {
        var o: [SIMD3<Int>] = []
        for dk in -1...1 { for dj in -1...1 { for di in -1...1 where (di, dj, dk) != (0, 0, 0) { o.append(SIMD3(di, dj, dk)) } } }
        return o
    }()
    /// Index of the opposite offset.
    package static let opposite: [Int] = offsets.map { o in offsets.firstIndex(of: SIMD3(-o.x, -o.y, -o.z))! }

    /// The cells of a minimum-weight cut separating every source cell from every sink cell, or `nil`
    /// when a source cell touches a sink cell (no cut exists) or there are no sources or sinks.
    package func minimumCut() -> [Int]? {
        // Work on the cells in the graph only, with their neighbour tables built once.
        let active = capacity.indices.filter { capacity[$0] > 0 }
        let n = active.count
        var compact = [Int32](repeating: -1, count: capacity.count)
        for (a, c) in active.enumerated() { compact[c] = Int32(a) }
        var neighbours = [Int32](repeating: -1, count: n * 26)
        for (a, c) in active.enumerated() {
            let p = Self.cell(c, size)
            for (d, o) in Self.offsets.enumerated() {
                let q = p &+ o
                guard q.x >= 0, q.y >= 0, q.z >= 0, q.x < size.x, q.y < size.y, q.z < size.z else { continue }
                neighbours[a * 26 + d] = compact[q.x + size.x * (q.y + size.y * q.z)]
            }
        }
        let cap = active.map { capacity[$0] }, kind = active.map { role[$0] }
        let sources = (0..<n).filter { kind[$0] == .source }
        guard !sources.isEmpty, kind.contains(.sink) else { return nil }
        var flowThrough = [Int32](repeating: 0, count: n)          // in(v) → out(v)
        var flowAcross = [Int32](repeating: 0, count: n * 26)      // out(v) → in(neighbour d)
        // Search states: 2v = in(v), 2v + 1 = out(v). parent[s] = previous state (-1 for a start,
        // -2 unvisited); step[s] = the neighbour direction taken to reach s from a different cell.
        var parent = [Int32](repeating: -2, count: 2 * n)
        var step = [UInt8](repeating: 0, count: 2 * n)
        var queue = [Int32](repeating: 0, count: 2 * n)

        /// Breadth-first search from the sources over residual edges of at least `delta`; returns a
        /// reached sink in-node.
        func search(_ delta: Int32) -> Int? {
            for s in 0..<(2 * n) { parent[s] = -2 }
            var head = 0, tail = 0
            for s in sources { for st in [2 * s, 2 * s + 1] { parent[st] = -1; queue[tail] = Int32(st); tail += 1 } }
            while head < tail {
                let st = Int(queue[head]); head += 1
                let v = st >> 1
                if st & 1 == 0 {
                    if (kind[v] != .free || cap[v] - flowThrough[v] >= delta) && parent[st + 1] == -2 {
                        parent[st + 1] = Int32(st); queue[tail] = Int32(st + 1); tail += 1
                    }
                    // Undo flow that came in across an edge out(u) → in(v).
                    for d in 0..<26 {
                        let u = Int(neighbours[v * 26 + d])
                        guard u >= 0, parent[2 * u + 1] == -2, flowAcross[u * 26 + Self.opposite[d]] >= delta else { continue }
                        parent[2 * u + 1] = Int32(st); step[2 * u + 1] = UInt8(d); queue[tail] = Int32(2 * u + 1); tail += 1
                    }
                } else {
                    for d in 0..<26 {
                        let w = Int(neighbours[v * 26 + d])
                        guard w >= 0, parent[2 * w] == -2 else { continue }
                        parent[2 * w] = Int32(st); step[2 * w] = UInt8(d)
                        if kind[w] == .sink { return 2 * w }
                        queue[tail] = Int32(2 * w); tail += 1
                    }
                    if kind[v] == .free && flowThrough[v] >= delta && parent[st - 1] == -2 {
                        parent[st - 1] = Int32(st); queue[tail] = Int32(st - 1); tail += 1
                    }
                }
            }
            return nil
        }

        var delta: Int32 = 1
        while delta <= (cap.max() ?? 1) / 2 { delta *= 2 }
        while delta >= 1 {
            while let end = search(delta) {
                // Walk back to find the bottleneck, then push it.
                var bottleneck = Int32.max
                var st = end
                while parent[st] >= 0 {
                    let prev = Int(parent[st]), u = prev >> 1, v = st >> 1
                    if u == v {
                        if prev & 1 == 0 { if kind[v] == .free { bottleneck = min(bottleneck, cap[v] - flowThrough[v]) } }
                        else { bottleneck = min(bottleneck, flowThrough[v]) }
                    } else if prev & 1 == 0 {
                        // in(u) → out(v) undoes flow out(v) → in(u); from u, v lies in direction step.
                        bottleneck = min(bottleneck, flowAcross[v * 26 + Self.opposite[Int(step[st])]])
                    }
                    st = prev
                }
                guard bottleneck != Int32.max else { return nil }   // a source touches a sink
                st = end
                while parent[st] >= 0 {
                    let prev = Int(parent[st]), u = prev >> 1, v = st >> 1
                    if u == v {
                        flowThrough[v] += prev & 1 == 0 ? bottleneck : -bottleneck
                    } else if prev & 1 == 1 {
                        flowAcross[u * 26 + Int(step[st])] += bottleneck
                    } else {
                        flowAcross[v * 26 + Self.opposite[Int(step[st])]] -= bottleneck
                    }
                    st = prev
                }
            }
            delta /= 2
        }
        // The cut: free cells whose in-node the last search reached but whose out-node it did not.
        return (0..<n).filter { kind[$0] == .free && parent[2 * $0] != -2 && parent[2 * $0 + 1] == -2 }.map { active[$0] }
    }

    package static func cell(_ c: Int, _ size: SIMD3<Int>) -> SIMD3<Int> {
        SIMD3(c % size.x, (c / size.x) % size.y, c / (size.x * size.y))
    }
}
