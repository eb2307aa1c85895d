extension TriangleMesh {
    /// Each triangle split into four at its edges' midpoints (one new vertex per edge, shared by the
    /// triangles on both sides): the same surface with edges half as long, winding kept.
    public func subdividedAtMidpoints() -> TriangleMesh {
        var out = TriangleMesh(vertices: vertices, triangles: [])
        out.triangles.reserveCapacity(triangles.count * 4)
        var midpoint: [UInt64: UInt32] = [:]
        midpoint.reserveCapacity(triangles.count * 3 / 2)
        func mid(_ a: UInt32, _ b: UInt32) -> UInt32 {
            let key = UInt64(min(a, b)) << 32 | UInt64(max(a, b))
            if let m = midpoint[key] { return m }
            let m = UInt32(out.vertices.count)
            out.vertices.append((vertices[Int(a)] + vertices[Int(b)]) / 2)
            midpoint[key] = m
            return m
        }
        for t in triangles {
            let ab = mid(t.x, t.y), bc = mid(t.y, t.z), ca = mid(t.z, t.x)
            out.triangles += [SIMD3(t.x, ab, ca), SIMD3(ab, t.y, bc), SIMD3(ca, bc, t.z), SIMD3(ab, bc, ca)]
        }
        return out
    }
}
