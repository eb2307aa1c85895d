import Anatomy
import Foundation

/// Surfaces for shading: per label, a triangle mesh in world mm with smooth (area-weighted, outward)
/// vertex normals in a bounding-volume hierarchy, queried along a ray segment — the bones' own meshes, and
/// surfaces made here from the labels of the discs, the thecal sac, the facet joints, the nerve roots and the
/// pars defects (`meshedFromLabels`).
///
/// The source meshes (BodyParts3D, the mean shape) are not consistently oriented, so each triangle is
/// turned to face out of its structure as the label volume says (the indicator's gradient at its centre)
/// before the vertex normals are summed.
public struct SurfaceMeshes: Sendable {
    struct Node: Sendable {
        var lo: SIMD3<Float>, hi: SIMD3<Float>
        /// Leaf: first triangle and count (> 0); inner: index of the left child (right = left + 1), count 0.
        var first: Int32, count: Int32
    }
    /// One bone's mesh and hierarchy (a class: queries read it without copying its arrays).
    final class Tree: Sendable {
        let vertices: [SIMD3<Float>]
        let normals: [SIMD3<Float>]
        let triangles: [SIMD3<UInt32>]
        let nodes: [Node]
        init(vertices: [SIMD3<Float>], normals: [SIMD3<Float>], triangles: [SIMD3<UInt32>], nodes: [Node]) {
            self.vertices = vertices; self.normals = normals; self.triangles = triangles; self.nodes = nodes
        }
    }
    /// Indexed by label value.
    let trees: [Tree?]
    /// `inside[256 · label + other]`: a point labelled `other` lies inside `label`'s surface (its own label,
    /// or a label its solid includes, such as the CSF inside the dura).
    let inside: [Bool]

    /// True when `label` has a surface.
    @inline(__always) public func has(_ label: UInt8) -> Bool { trees[Int(label)] != nil }

    /// Labels that have a surface.
    public var labels: Set<UInt8> { Set(trees.indices.filter { trees[$0] != nil }.map { UInt8($0) }) }

    /// A surface made here from labels: the labels its solid holds, and the coarsening of the grid it is
    /// meshed on (1: the labels' own voxels; 2: voxels twice as large).
    public struct MadeFromLabels: Sendable {
        public let solid: Set<UInt8>
        public let coarsening: Int
    }

    /// Structures without a mesh of their own that are drawn from one made here: the marching-cubes surface
    /// of their labels, smoothed (`labelSurface`). Shaded from their voxels, the discs showed a terrace
    /// every voxel along their sides; the dura, a shell one voxel thick, a hatching — its surface is the
    /// thecal sac's, dura and CSF together; the facet joints, nerve roots and pars defects (1–5 mm across)
    /// a grain of voxel facets — they are meshed on the labels' own grid, the larger discs and sac on one
    /// twice as coarse.
    public static let meshedFromLabels: [UInt8: MadeFromLabels] = [
        Tissue.intervertebralDisc.rawValue: MadeFromLabels(solid: [Tissue.intervertebralDisc.rawValue], coarsening: 2),
        Tissue.dura.rawValue: MadeFromLabels(solid: [Tissue.dura.rawValue, Tissue.cerebrospinalFluid.rawValue], coarsening: 2),
        Tissue.facetJoint.rawValue: MadeFromLabels(solid: [Tissue.facetJoint.rawValue], coarsening: 1),
        Tissue.nerveRoot.rawValue: MadeFromLabels(solid: [Tissue.nerveRoot.rawValue], coarsening: 1),
        Tissue.parsDefect.rawValue: MadeFromLabels(solid: [Tissue.parsDefect.rawValue], coarsening: 1),
    ]

    /// How deep under a mesh entry the structure's labels are looked for before the entry is taken as its
    /// surface, mm (`SurfaceRenderer`): two voxels, or the scan's smoothing where the made surfaces were smoothed
    /// over a coarse scan's staircase and stray from their labels by more.
    public let insideDepthMm: Double

    /// True when a point labelled `other` lies inside `label`'s surface.
    @inline(__always) public func solid(_ label: UInt8, contains other: UInt8) -> Bool { inside[256 * Int(label) + Int(other)] }

    /// `meshes`: the bones' own surfaces (`Subject.surfaces`); the labels in `meshedFromLabels` get a surface
    /// from `volume`, found through `blocks` (the renderer's block index of the same volume), smoothed over at
    /// least `scanVoxelMm` when the labels were resampled from a coarser scan (`SubjectSource.scanVoxelMm`;
    /// a patient's discs and joints, modelled from its bones, carry that scan's staircase).
    public init(_ meshes: [UInt8: TriangleMesh], labels volume: Volume<UInt8>, blocks: LabelBlocks, scanVoxelMm given: Double? = nil) {
        let scanVoxelMm = given.flatMap { SubjectSource.scanVoxelRangeMm.contains($0) ? $0 : nil }
        // One job per structure: its own mesh, or one made from its labels within their blocks' box.
        typealias Job = (label: UInt8, solid: Set<UInt8>, source: TriangleMesh?, made: (MadeFromLabels, IndexBox)?)
        var jobs: [Job] = meshes.filter { !$0.value.triangles.isEmpty }
            .sorted { $0.value.triangles.count > $1.value.triangles.count }
            .map { (label: $0.key, solid: [$0.key], source: $0.value, made: nil) }
        for (label, made) in Self.meshedFromLabels.sorted(by: { $0.key < $1.key }) where meshes[label] == nil {
            let boxes = made.solid.compactMap { blocks.box(of: $0) }
            guard let first = boxes.first else { continue }
            let box = boxes.dropFirst().reduce(first) { IndexBox(lower: pointwiseMin($0.lower, $1.lower), upper: pointwiseMax($0.upper, $1.upper)) }
            jobs.insert((label: label, solid: made.solid, source: nil, made: (made, box)), at: 0)  // meshing first: the longest jobs
        }
        insideDepthMm = max(2 * volume.grid.spacingMm.min(), scanVoxelMm.map { MarchingCubes.smoothingSigmaMm(scanVoxelMm: $0) } ?? 0)
        var inside = [Bool](repeating: false, count: 256 * 256)
        for job in jobs { for other in job.solid { inside[256 * Int(job.label) + Int(other)] = true } }
        self.inside = inside
        // Meshes made and hierarchies built side by side.
        let work = jobs, built = ResultSlots<Tree>(count: work.count)
        DispatchQueue.concurrentPerform(iterations: work.count) { i in
            let job = work[i]
            let mesh = job.source ?? job.made.map { Self.labelSurface(of: $0.0, in: volume, within: $0.1, scanVoxelMm: scanVoxelMm) } ?? TriangleMesh()
            guard !mesh.triangles.isEmpty else { return }
            built[i] = Self.tree(mesh, solid: job.solid, volume: volume, orient: job.source != nil)
        }
        var trees = [Tree?](repeating: nil, count: 256)
        for (i, job) in work.enumerated() { trees[Int(job.label)] = built[i] }
        self.trees = trees
    }

    /// Smoothing of the indicator before meshing (`MarchingCubes.surface(of:within:smoothingPasses:where:)`):
    /// two passes, σ = 1 voxel of the grid meshed. One (σ 0.71) left each step of a disc's side as a band; on
    /// a 10 mm sphere at 0.5 mm its RMS normal error was 4.6° (coarsened) and 4.8° (own grid), with two 2.9°
    /// and 3.1°. A joint space two voxels thick survives two passes (its smoothed indicator peaks at 0.625);
    /// one voxel thick survives neither.
    static let smoothingPasses = 2

    /// The smoothed marching-cubes surface of `made`'s labels on a grid f = `made.coarsening` times as coarse as
    /// the volume's (a voxel of it is inside where at least half its f × f × f voxels are): a disc needs no finer
    /// surface than f = 2, and at the labels' 0.5 mm it had 224 k triangles whose meshing and hierarchy took
    /// 0.7–0.9 s of every picture.
    static func labelSurface(of made: MadeFromLabels, in volume: Volume<UInt8>, within box: IndexBox, scanVoxelMm: Double? = nil) -> TriangleMesh {
        let f = made.coarsening, solid = made.solid
        precondition(f >= 1, "coarsening \(f) < 1")
        let size = box.size, n = (size &+ (f - 1)) / f
        let dims = volume.grid.dimensions
        let member = (0..<256).map { solid.contains(UInt8($0)) }
        var coarse = [UInt8](repeating: 0, count: n.x * n.y * n.z)
        volume.voxels.withUnsafeBufferPointer { v in
            for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
                var count = 0
                for dz in 0..<f { for dy in 0..<f { for dx in 0..<f {
                    let p = box.lower &+ SIMD3(i * f + dx, j * f + dy, k * f + dz)
                    if p.x <= box.upper.x, p.y <= box.upper.y, p.z <= box.upper.z, member[Int(v[p.x + dims.x * (p.y + dims.y * p.z)])] { count += 1 }
                } } }
                if 2 * count >= f * f * f { coarse[i + n.x * (j + n.y * k)] = 1 }
            } } }
        }
        // Coarse index c is the centre of fine voxels box.lower + f·c … + f − 1.
        let fineFromCoarse = Matrix4.scaleThenTranslate(spacing: Vector3(repeating: Double(f)),
                                                        origin: Vector3(box.lower) + Vector3(repeating: Double(f - 1) / 2))
        guard let grid = try? Grid(dimensions: n, worldFromIndex: volume.grid.worldFromIndex * fineFromCoarse) else { return TriangleMesh() }
        let scanPasses = scanVoxelMm.map {
            MarchingCubes.smoothingPasses(sigmaMm: MarchingCubes.smoothingSigmaMm(scanVoxelMm: $0), gridMm: grid.spacingMm.max())
        } ?? 1
        return MarchingCubes.surface(of: Volume(grid: grid, voxels: coarse), smoothingPasses: max(Self.smoothingPasses, scanPasses)) { $0 == 1 }
    }

    /// `orient`: turn each triangle outward first (a source mesh); marching cubes' own are already.
    static func tree(_ mesh: TriangleMesh, solid: Set<UInt8>, volume: Volume<UInt8>, orient: Bool) -> Tree {
        let v = mesh.vertices
        // Orient each triangle outward: against the gradient of the bone indicator (±1 mm) at its centre.
        let triangles: [SIMD3<UInt32>] = !orient ? mesh.triangles : mesh.triangles.map { t in
            let a = v[Int(t.x)], b = v[Int(t.y)], c = v[Int(t.z)]
            let n = SIMD3<Double>(simd_cross(b - a, c - a))
            let centre = SIMD3<Double>((a + b + c) / 3)
            func inside(_ p: Vector3) -> Double { volume.value(nearestTo: p).map { solid.contains($0) } == true ? 1 : 0 }
            let u = n / max(n.length, 1e-12)
            let gradient = inside(centre + u) - inside(centre - u)
            return gradient > 0 ? SIMD3(t.x, t.z, t.y) : t
        }
        var normals = [SIMD3<Float>](repeating: .zero, count: v.count)
        for t in triangles {
            let a = v[Int(t.x)], b = v[Int(t.y)], c = v[Int(t.z)]
            let n = simd_cross(b - a, c - a)  // length = twice the area: area weighting
            normals[Int(t.x)] += n; normals[Int(t.y)] += n; normals[Int(t.z)] += n
        }
        normals = normals.map { let l = ($0 * $0).sum().squareRoot(); return l > 0 ? $0 / l : $0 }

        // Median-split BVH, ≤ 4 triangles a leaf.
        var order = Array(triangles.indices)
        let centres = triangles.map { (v[Int($0.x)] + v[Int($0.y)] + v[Int($0.z)]) / 3 }
        var nodes: [Node] = [Node(lo: .zero, hi: .zero, first: 0, count: 0)]
        var stack: [(node: Int, start: Int, end: Int)] = [(0, 0, order.count)]
        while let (node, start, end) = stack.popLast() {
            var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
            var clo = lo, chi = hi
            for i in start..<end {
                let t = triangles[order[i]]
                let a = v[Int(t.x)], b = v[Int(t.y)], c = v[Int(t.z)]
                lo = pointwiseMin(lo, pointwiseMin(a, pointwiseMin(b, c))); hi = pointwiseMax(hi, pointwiseMax(a, pointwiseMax(b, c)))
                clo = pointwiseMin(clo, centres[order[i]]); chi = pointwiseMax(chi, centres[order[i]])
            }
            nodes[node].lo = lo; nodes[node].hi = hi
            if end - start <= 4 {
                nodes[node].first = Int32(start); nodes[node].count = Int32(end - start)
                continue
            }
            let extent = chi - clo
            let axis = extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2)
            let mid = (start + end) / 2
            Self.select(mid, in: &order, start, end) { centres[$0][axis] }
            let left = nodes.count
            nodes.append(Node(lo: .zero, hi: .zero, first: 0, count: 0))
            nodes.append(Node(lo: .zero, hi: .zero, first: 0, count: 0))
            nodes[node].first = Int32(left); nodes[node].count = 0
            stack.append((left, start, mid)); stack.append((left + 1, mid, end))
        }
        return Tree(vertices: v, normals: normals, triangles: order.map { triangles[$0] }, nodes: nodes)
    }

    /// Reorders `order[start..<end]` so that the element at `k` is the one a sort by `key` would put there,
    /// none before it has a larger key and none after it a smaller one (quickselect, Hoare partition around
    /// the middle element): the median split of a hierarchy's level in linear time instead of a sort.
    static func select(_ k: Int, in order: inout [Int], _ start: Int, _ end: Int, key: (Int) -> Float) {
        var lo = start, hi = end - 1
        while lo < hi {
            let pivot = key(order[(lo + hi) / 2])
            var i = lo, j = hi
            while i <= j {
                while key(order[i]) < pivot { i += 1 }
                while key(order[j]) > pivot { j -= 1 }
                if i <= j { order.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return }
        }
    }

    /// The first place the ray o + t·d (d a unit vector) enters `label`'s surface (front faces only) with t
    /// in [tMin, tMax], and the outward normal there (the vertex normals interpolated), or nil.
    public func hit(label: UInt8, origin o: Vector3, direction d: Vector3, tMin: Double, tMax: Double) -> (t: Double, normal: Vector3)? {
        guard let tree = trees[Int(label)] else { return nil }
        let of = SIMD3<Float>(o), df = SIMD3<Float>(d)
        let inv = SIMD3<Float>(1 / (df.x == 0 ? 1e-30 : df.x), 1 / (df.y == 0 ? 1e-30 : df.y), 1 / (df.z == 0 ? 1e-30 : df.z))
        var best = Float(tMax), found: (t: Float, tri: Int, u: Float, v: Float)?
        let lowest = Float(tMin)
        tree.nodes.withUnsafeBufferPointer { nodes in
        tree.triangles.withUnsafeBufferPointer { triangles in
        tree.vertices.withUnsafeBufferPointer { vertices in
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 64) { stack in
            var top = 0
            stack[0] = 0; top = 1
            while top > 0 {
                top -= 1
                let node = nodes[Int(stack[top])]
                let t0 = (node.lo - of) * inv, t1 = (node.hi - of) * inv
                let near = pointwiseMin(t0, t1).max(), far = pointwiseMax(t0, t1).min()
                guard near <= far, far >= lowest, near <= best else { continue }
                if node.count == 0 {
                    guard top + 2 <= 64 else { continue }
                    stack[top] = node.first; stack[top + 1] = node.first + 1; top += 2
                    continue
                }
                for i in Int(node.first)..<Int(node.first + node.count) {
                    let t = triangles[i]
                    let a = vertices[Int(t.x)], e1 = vertices[Int(t.y)] - a, e2 = vertices[Int(t.z)] - a
                    // Möller–Trumbore.
                    let p = simd_cross(df, e2)
                    let det = simd_dot(e1, p)
                    guard det > 1e-12 else { continue }  // front faces only (triangles are wound outward)
                    let s = of - a
                    let u = simd_dot(s, p) / det
                    guard u >= 0, u <= 1 else { continue }
                    let q = simd_cross(s, e1)
                    let w = simd_dot(df, q) / det
                    guard w >= 0, u + w <= 1 else { continue }
                    let tt = simd_dot(e2, q) / det
                    if tt >= lowest, tt <= best { best = tt; found = (tt, i, u, w) }
                }
            }
        } } } }
        guard let found else { return nil }
        let t = tree.triangles[found.tri]
        let n = tree.normals[Int(t.x)] * (1 - found.u - found.v) + tree.normals[Int(t.y)] * found.u + tree.normals[Int(t.z)] * found.v
        let nd = SIMD3<Double>(n)
        guard nd.length > 1e-9 else { return nil }
        return (Double(found.t), nd / nd.length)
    }
}

@inline(__always) private func simd_cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) private func simd_dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
