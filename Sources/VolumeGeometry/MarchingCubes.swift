/// Marching cubes (Lorensen & Cline 1987) on a scalar field, with its case table generated from
/// cube topology at first use rather than typed in.
///
/// For each of the 256 corner configurations, every cube face contributes segments joining the
/// points where the surface crosses its edges; the segments chain into closed loops, which are
/// fan-triangulated. An ambiguous face (diagonal corners inside) always keeps its inside corners
/// apart; both cubes sharing the face decide the same way, so the surface is watertight.
public enum MarchingCubes {
    /// Corner n of the unit cube sits at (n & 1, n >> 1 & 1, n >> 2 & 1).
    static func corner(_ n: Int) -> SIMD3<Int> { SIMD3(n & 1, (n >> 1) & 1, (n >> 2) & 1) }

    /// The 12 edges as corner pairs; edge e runs along axis `axis(e)`.
    static let edges: [(Int, Int)] = {
        var out: [(Int, Int)] = []
        for a in 0..<8 { for bit in [1, 2, 4] where a & bit == 0 { out.append((a, a | bit)) } }
        return out
    }()

    /// Faces as four corners in counter-clockwise order seen from outside the cube.
    static let faces: [[Int]] = {
        var out: [[Int]] = []
        for axis in 0..<3 {
            for side in 0..<2 {
                let u = (axis + 1) % 3, v = (axis + 2) % 3
                var quad: [Int] = []
                for (du, dv) in [(0, 0), (1, 0), (1, 1), (0, 1)] {
                    var p = SIMD3(0, 0, 0)
                    p[axis] = side; p[u] = du; p[v] = dv
                    quad.append(p.x + 2 * p.y + 4 * p.z)
                }
                // (u, v, axis) is right-handed, so this order faces +axis; reverse it on the low side.
                out.append(side == 1 ? quad : quad.reversed())
            }
        }
        return out
    }()

    static func edgeIndex(_ a: Int, _ b: Int) -> Int {
        edges.firstIndex { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) }!
    }

    /// For each configuration (bit n set = corner n inside), triangles as triples of edge indices.
    static let table: [[SIMD3<Int>]] = {
        var table: [[SIMD3<Int>]] = []
        for config in 0..<256 {
            let inside = { (c: Int) in config & (1 << c) != 0 }
            var next: [Int: Int] = [:]   // edge point → following edge point
            for quad in faces {
                var entries: [Int] = [], exits: [Int] = []  // positions 0…3 around the face
                for i in 0..<4 where inside(quad[i]) != inside(quad[(i + 1) % 4]) {
                    if inside(quad[i]) { exits.append(i) } else { entries.append(i) }
                }
                for x in exits {
                    // Join each exit to the entry that opened its run of inside corners.
                    var j = x
                    while !entries.contains(j) { j = (j + 3) % 4 }
                    let from = edgeIndex(quad[x], quad[(x + 1) % 4]), to = edgeIndex(quad[j], quad[(j + 1) % 4])
                    next[from] = to
                }
            }
            var tris: [SIMD3<Int>] = []
            var unused = Set(next.keys)
            while let start = unused.min() {
                var loop: [Int] = []
                var e = start
                repeat { loop.append(e); unused.remove(e); e = next[e]! } while e != start
                for k in 1..<(loop.count - 1) { tris.append(SIMD3(loop[0], loop[k + 1], loop[k])) }
            }
            table.append(tris)
        }
        return table
    }()

    /// Extracts the surface `field = iso` over a box of a grid, in world millimetres, with triangles
    /// facing from values above `iso` (inside) to values below.
    /// - Parameter field: one value per voxel of the box, x fastest.
    public static func surface(field: [Float], box: IndexBox, grid: Grid, iso: Float) -> TriangleMesh {
        let n = box.size
        precondition(field.count == n.x * n.y * n.z, "field size does not match the box")
        var mesh = TriangleMesh()
        var vertexOfEdge: [Int: UInt32] = [:]
        func at(_ i: Int, _ j: Int, _ k: Int) -> Float { field[i + n.x * (j + n.y * k)] }
        guard n.x > 1, n.y > 1, n.z > 1 else { return mesh }
        // One cube's corner values and edge vertices, reused from cube to cube (no allocation per cube).
        var values = [Float](repeating: 0, count: 8), ids = [UInt32](repeating: 0, count: 12)
        for k in 0..<(n.z - 1) {
            for j in 0..<(n.y - 1) {
                for i in 0..<(n.x - 1) {
                    var config = 0
                    for c in 0..<8 {
                        let o = corner(c)
                        values[c] = at(i + o.x, j + o.y, k + o.z)
                        if values[c] > iso { config |= 1 << c }
                    }
                    if config == 0 || config == 255 { continue }
                    for tri in table[config] {
                        for e in [tri.x, tri.y, tri.z] {
                            let (a, b) = edges[e]
                            let pa = SIMD3(i, j, k) &+ corner(a), pb = SIMD3(i, j, k) &+ corner(b)
                            let axis = (pb &- pa).x != 0 ? 0 : ((pb &- pa).y != 0 ? 1 : 2)
                            let key = 3 * (pa.x + n.x * (pa.y + n.y * pa.z)) + axis
                            if let id = vertexOfEdge[key] { ids[e] = id; continue }
                            let t = Double((iso - values[a]) / (values[b] - values[a]))
                            let p = SIMD3<Double>(Double(pa.x), Double(pa.y), Double(pa.z)) * (1 - t)
                                + SIMD3<Double>(Double(pb.x), Double(pb.y), Double(pb.z)) * t
                            let w = grid.worldFromIndex.apply(p + SIMD3<Double>(box.lower))
                            let id = UInt32(mesh.vertices.count)
                            mesh.vertices.append(SIMD3<Float>(w))
                            vertexOfEdge[key] = id
                            ids[e] = id
                        }
                        mesh.triangles.append(SIMD3(ids[tri.x], ids[tri.y], ids[tri.z]))
                    }
                }
            }
        }
        if grid.worldFromIndex.linearDeterminant < 0 {
            mesh.triangles = mesh.triangles.map { SIMD3($0.x, $0.z, $0.y) }
        }
        return mesh
    }

    /// Passes of the [1 2 1]/4 filter (each adds ½ voxel² of variance) for a smoothing of at least `sigmaMm`
    /// on a grid of `gridMm`: at least one, at most 12.
    public static func smoothingPasses(sigmaMm: Double, gridMm: Double) -> Int {
        guard sigmaMm.isFinite, gridMm.isFinite, gridMm > 0 else { return 1 }
        return min(12, max(1, Int((2 * (sigmaMm / gridMm) * (sigmaMm / gridMm)).rounded(.up))))
    }

    /// The smoothing, σ in mm, of a surface made from labels resampled from a scan of `scanVoxelMm` voxels: ¾
    /// of that voxel (chosen). Lightly smoothed, such surfaces showed a terrace per source voxel; with ½ voxel,
    /// still on shallow slopes (the iliac wings), where the steps lie several mm apart. A plate keeps its
    /// thickness (the ½-level of a smoothed slab stays on its faces); tips and rods thinner than ≈ 2σ round off —
    /// detail such a scan does not hold.
    public static func smoothingSigmaMm(scanVoxelMm: Double) -> Double { 0.75 * scanVoxelMm }

    /// The surface of the voxels where `member` holds, lightly smoothed (a 3-tap binomial filter
    /// per axis, `smoothingPasses` times: σ = 0.71, 1, 1.22 … voxels) so it is not a staircase, in world
    /// millimetres.
    /// - Parameter within: the members' bounding box if already known (saves a scan of the volume).
    public static func surface<E>(of volume: Volume<E>, within known: IndexBox? = nil, smoothingPasses: Int = 1,
                                  where member: (E) -> Bool) -> TriangleMesh {
        guard let tight = known ?? IndexBox.bounding(volume, where: member) else { return TriangleMesh() }
        let g = volume.grid
        // Pad by one voxel per smoothing pass and one more, so the surface closes even at the grid's edge.
        let pad = 1 + max(1, smoothingPasses)
        let n = tight.size &+ 2 * pad
        var f = [Float](repeating: 0, count: n.x * n.y * n.z)
        for k in 0..<n.z {
            for j in 0..<n.y {
                for i in 0..<n.x {
                    let gi = tight.lower.x + i - pad, gj = tight.lower.y + j - pad, gk = tight.lower.z + k - pad
                    if g.contains(gi, gj, gk), member(volume[gi, gj, gk]) { f[i + n.x * (j + n.y * k)] = 1 }
                }
            }
        }
        // Each pass: [1 2 1]/4 along x, then y, then z (zero beyond the box), on lines of `count` values `step` apart.
        var g2 = f
        for (step, count) in Array(repeating: [(1, n.x), (n.x, n.y), (n.x * n.y, n.z)], count: max(1, smoothingPasses)).joined() {
            f.withUnsafeBufferPointer { src in
                g2.withUnsafeMutableBufferPointer { dst in
                    for first in stride(from: 0, to: src.count, by: step * count).lazy.flatMap({ $0..<($0 + step) }) {
                        let last = first + (count - 1) * step
                        var previous: Float = 0, index = first
                        while index <= last {
                            let here = src[index], next = index < last ? src[index + step] : 0
                            dst[index] = 0.25 * previous + 0.5 * here + 0.25 * next
                            previous = here; index += step
                        }
                    }
                }
            }
            swap(&f, &g2)
        }
        // The padded box's corner in grid index space (may lie outside the grid; the affine still applies).
        let box = IndexBox(lower: tight.lower &- pad, upper: tight.upper &+ pad)
        return surface(field: f, box: box, grid: g, iso: 0.5)
    }
}
