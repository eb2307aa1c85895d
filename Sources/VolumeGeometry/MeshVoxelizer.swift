/// Fills the inside of a closed triangle mesh on an axis-aligned grid.
///
/// A voxel is inside when its centre is: for each (j, k) column a ray along +x collects the
/// crossings with the surface, and voxels between alternate crossings are filled (even-odd rule).
/// Points on a shared edge are counted once by the top-left rule, so the result is exact for any
/// watertight mesh, whatever its genus.
public enum MeshVoxelizer {
    /// Sets `label` in every voxel whose centre lies inside `mesh` (world millimetres).
    /// - Returns: The number of voxels set.
    @discardableResult
    public static func fill(_ mesh: TriangleMesh, into volume: inout Volume<UInt8>, label: UInt8,
                            overwrite: (UInt8) -> Bool = { _ in true }) -> Int {
        let g = volume.grid
        precondition(g.isAxisAligned, "voxelising needs an axis-aligned grid")
        let s = g.spacingMm, o = g.worldFromIndex.translation
        let nx = g.dimensions.x, ny = g.dimensions.y, nz = g.dimensions.z
        guard let b = mesh.bounds else { return 0 }
        // Columns whose centres can meet the mesh.
        let j0 = max(0, Int(((Double(b.min.y) - o.y) / s.y).rounded(.up))), j1 = min(ny - 1, Int(((Double(b.max.y) - o.y) / s.y).rounded(.down)))
        let k0 = max(0, Int(((Double(b.min.z) - o.z) / s.z).rounded(.up))), k1 = min(nz - 1, Int(((Double(b.max.z) - o.z) / s.z).rounded(.down)))
        guard j1 >= j0, k1 >= k0 else { return 0 }
        let cw = j1 - j0 + 1
        var crossings = [[Double]](repeating: [], count: cw * (k1 - k0 + 1))
        for t in mesh.triangles {
            var p = [SIMD3<Double>(mesh.vertices[Int(t.x)]), SIMD3<Double>(mesh.vertices[Int(t.y)]), SIMD3<Double>(mesh.vertices[Int(t.z)])]
            // Orient counter-clockwise in the (y, z) projection.
            var area = (p[1].y - p[0].y) * (p[2].z - p[0].z) - (p[2].y - p[0].y) * (p[1].z - p[0].z)
            if area == 0 { continue }
            if area < 0 { p.swapAt(1, 2); area = -area }
            let ylo = min(p[0].y, p[1].y, p[2].y), yhi = max(p[0].y, p[1].y, p[2].y)
            let zlo = min(p[0].z, p[1].z, p[2].z), zhi = max(p[0].z, p[1].z, p[2].z)
            let ja = max(j0, Int(((ylo - o.y) / s.y).rounded(.up))), jb = min(j1, Int(((yhi - o.y) / s.y).rounded(.down)))
            let ka = max(k0, Int(((zlo - o.z) / s.z).rounded(.up))), kb = min(k1, Int(((zhi - o.z) / s.z).rounded(.down)))
            if ja > jb || ka > kb { continue }
            for k in ka...kb {
                let z = o.z + Double(k) * s.z
                for j in ja...jb {
                    let y = o.y + Double(j) * s.y
                    var w = [0.0, 0.0, 0.0]
                    var inside = true
                    for e in 0..<3 {
                        let a = p[(e + 1) % 3], c = p[(e + 2) % 3]
                        // Edge function of edge a→c, positive inside a CCW triangle.
                        let we = (c.y - a.y) * (z - a.z) - (c.z - a.z) * (y - a.y)
                        if we < 0 || (we == 0 && !isTopLeft(a, c)) { inside = false; break }
                        w[e] = we
                    }
                    if !inside { continue }
                    let x = (w[0] * p[0].x + w[1] * p[1].x + w[2] * p[2].x) / area
                    crossings[(k - k0) * cw + (j - j0)].append(x)
                }
            }
        }
        var count = 0
        volume.voxels.withUnsafeMutableBufferPointer { vox in
            for k in k0...k1 {
                for j in j0...j1 {
                    var xs = crossings[(k - k0) * cw + (j - j0)]
                    if xs.count < 2 { continue }
                    xs.sort()
                    var q = 0
                    while q + 1 < xs.count {
                        let ia = max(0, Int(((xs[q] - o.x) / s.x).rounded(.up)))
                        let ib = min(nx - 1, Int(((xs[q + 1] - o.x) / s.x).rounded(.up)) - 1)
                        if ia <= ib {
                            let base = nx * (j + ny * k)
                            for i in ia...ib where overwrite(vox[base + i]) {
                                vox[base + i] = label
                                count += 1
                            }
                        }
                        q += 2
                    }
                }
            }
        }
        return count
    }

    /// The top-left fill rule for a counter-clockwise triangle in (y, z): an edge owns the points on
    /// it when it is a "top" edge (horizontal, pointing −y) or a "left" edge (pointing −z).
    private static func isTopLeft(_ a: SIMD3<Double>, _ c: SIMD3<Double>) -> Bool {
        let dy = c.y - a.y, dz = c.z - a.z
        return (dz == 0 && dy < 0) || dz < 0
    }
}

extension MeshVoxelizer {
    /// Like `fill`, for meshes that are not watertight (seams, small holes, as BodyParts3D's are): the
    /// even-odd fill is run with rays along x, y and z, and a voxel is inside when at least two of the
    /// three agree. A hole spoils the columns whose rays pass through it along one axis only, and the
    /// other two axes outvote it.
    /// - Returns: The number of voxels set.
    @discardableResult
    public static func fillRobust(_ mesh: TriangleMesh, into volume: inout Volume<UInt8>, label: UInt8,
                                  overwrite: (UInt8) -> Bool = { _ in true }) -> Int {
        let g = volume.grid
        precondition(g.isAxisAligned, "voxelising needs an axis-aligned grid")
        guard let b = mesh.bounds else { return 0 }
        let box = IndexBox(grid: g, worldMin: Vector3(b.min) - g.spacingMm, worldMax: Vector3(b.max) + g.spacingMm)
        guard !box.isEmpty else { return 0 }
        let n = box.upper &- box.lower &+ 1
        let s = g.spacingMm, lowerMm = g.worldFromIndex.apply(Vector3(box.lower))
        var votes = [UInt8](repeatingOnAllCores: 0, count: n.x * n.y * n.z)
        for shift in 0..<3 {
            // A cyclic permutation (a proper rotation) that brings axis `shift` to x.
            func p<T>(_ v: SIMD3<T>) -> SIMD3<T> { shift == 0 ? v : shift == 1 ? SIMD3(v.y, v.z, v.x) : SIMD3(v.z, v.x, v.y) }
            guard let grid = try? Grid(dimensions: p(n), spacingMm: p(s), originMm: p(lowerMm)) else { return 0 }
            var pass = Volume<UInt8>(grid: grid, repeating: 0)
            fill(mesh.mapVertices { p($0) }, into: &pass, label: 1)
            let pn = p(n)
            for k in 0..<n.z {
                for j in 0..<n.y {
                    for i in 0..<n.x {
                        let q = p(SIMD3(i, j, k))
                        votes[i + n.x * (j + n.y * k)] &+= pass.voxels[q.x + pn.x * (q.y + pn.y * q.z)]
                    }
                }
            }
        }
        var count = 0
        for k in 0..<n.z {
            for j in 0..<n.y {
                for i in 0..<n.x where votes[i + n.x * (j + n.y * k)] >= 2 {
                    let lin = g.linearIndex(box.lower.x + i, box.lower.y + j, box.lower.z + k)
                    if overwrite(volume.voxels[lin]) { volume.voxels[lin] = label; count += 1 }
                }
            }
        }
        return count
    }
}
