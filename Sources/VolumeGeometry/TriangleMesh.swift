/// An indexed triangle mesh in millimetres (world LPS unless stated otherwise).
public struct TriangleMesh: Sendable, Equatable {
    public var vertices: [SIMD3<Float>]
    /// Vertex indices of each triangle, 0-based, counter-clockwise seen from outside.
    public var triangles: [SIMD3<UInt32>]

    public init(vertices: [SIMD3<Float>] = [], triangles: [SIMD3<UInt32>] = []) {
        self.vertices = vertices
        self.triangles = triangles
    }

    /// Axis-aligned bounds (min, max), or `nil` for an empty mesh.
    public var bounds: (min: SIMD3<Float>, max: SIMD3<Float>)? {
        guard var lo = vertices.first else { return nil }
        var hi = lo
        for v in vertices { lo = pointwiseMin(lo, v); hi = pointwiseMax(hi, v) }
        return (lo, hi)
    }

    /// The enclosed volume in mm³ (divergence theorem; positive for outward-facing triangles).
    public var signedVolumeMm3: Double {
        var sum = 0.0
        for t in triangles {
            let a = SIMD3<Double>(vertices[Int(t.x)]), b = SIMD3<Double>(vertices[Int(t.y)]), c = SIMD3<Double>(vertices[Int(t.z)])
            sum += a.dot(b.cross(c))
        }
        return sum / 6
    }

    /// One mesh holding all of `meshes` (vertices renumbered).
    public static func merging(_ meshes: [TriangleMesh]) -> TriangleMesh {
        var out = TriangleMesh()
        for m in meshes {
            let offset = UInt32(out.vertices.count)
            out.vertices += m.vertices
            out.triangles += m.triangles.map { $0 &+ offset }
        }
        return out
    }

    /// Applies `f` to every vertex.
    public func mapVertices(_ f: (SIMD3<Float>) -> SIMD3<Float>) -> TriangleMesh {
        TriangleMesh(vertices: vertices.map(f), triangles: triangles)
    }

    /// Splits the mesh into its vertex-connected components, largest first.
    public func connectedComponents() -> [TriangleMesh] {
        var parent = Array(0..<vertices.count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for t in triangles {
            let a = find(Int(t.x)), b = find(Int(t.y)), c = find(Int(t.z))
            parent[b] = a; parent[find(c)] = a
        }
        var groups: [Int: [Int]] = [:]
        for (i, t) in triangles.enumerated() { groups[find(Int(t.x)), default: []].append(i) }
        var parts: [TriangleMesh] = []
        for (_, tris) in groups {
            var remap: [UInt32: UInt32] = [:]
            var part = TriangleMesh()
            for ti in tris {
                var nt = SIMD3<UInt32>()
                for k in 0..<3 {
                    let old = triangles[ti][k]
                    if let n = remap[old] { nt[k] = n } else {
                        let n = UInt32(part.vertices.count)
                        remap[old] = n
                        part.vertices.append(vertices[Int(old)])
                        nt[k] = n
                    }
                }
                part.triangles.append(nt)
            }
            parts.append(part)
        }
        return parts.sorted { $0.triangles.count > $1.triangles.count }
    }
}
