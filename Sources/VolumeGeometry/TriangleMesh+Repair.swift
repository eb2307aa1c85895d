/// Repairs for meshes that arrive open or with seams (BodyParts3D's duplicate seam vertices).
extension TriangleMesh {
    /// Merges vertices closer than `toleranceMm` (snapped to a lattice of that size) and drops triangles
    /// that collapse. Vertex order follows first use.
    public func welded(toleranceMm: Float) -> TriangleMesh {
        var index: [SIMD3<Int32>: UInt32] = [:]
        var remap = [UInt32](repeating: 0, count: vertices.count)
        var out = TriangleMesh()
        for (i, v) in vertices.enumerated() {
            let key = SIMD3<Int32>((v / toleranceMm).rounded(.toNearestOrEven))
            if let n = index[key] { remap[i] = n } else {
                let n = UInt32(out.vertices.count)
                index[key] = n
                out.vertices.append(v)
                remap[i] = n
            }
        }
        for t in triangles {
            let a = remap[Int(t.x)], b = remap[Int(t.y)], c = remap[Int(t.z)]
            if a != b && b != c && a != c { out.triangles.append(SIMD3(a, b, c)) }
        }
        return out
    }

    /// Edges not shared by exactly two triangles (holes, seams, non-manifold fans).
    public var boundaryEdgeCount: Int {
        var uses: [UInt64: Int] = [:]
        for t in triangles {
            for (a, b) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] {
                uses[UInt64(min(a, b)) << 32 | UInt64(max(a, b)), default: 0] += 1
            }
        }
        return uses.values.filter { $0 != 2 }.count
    }
}
