import ParsGuideCore
import Foundation

/// STL triangle soups: binary (read and written) and ASCII (read and written).
///
/// STL stores unindexed triangles; reading merges bit-identical vertices back into an indexed mesh.
public enum STL {
    /// Encodes a binary STL: 80-byte header, UInt32 count, then 50 bytes per triangle.
    public static func encodeBinary(_ mesh: TriangleMesh, header: String = "ParsGuide binary STL, mm, LPS") -> Data {
        var out = Data(capacity: 84 + 50 * mesh.triangles.count)
        var head = Array(header.utf8.prefix(80))
        head += [UInt8](repeating: 0x20, count: 80 - head.count)
        out.append(contentsOf: head)
        appendLE(&out, UInt32(mesh.triangles.count))
        for t in mesh.triangles {
            let a = mesh.vertices[Int(t.x)], b = mesh.vertices[Int(t.y)], c = mesh.vertices[Int(t.z)]
            var n = cross(b - a, c - a)
            let len = (n * n).sum().squareRoot()
            n = len > 0 ? n / len : .zero
            for v in [n, a, b, c] { for k in 0..<3 { appendLE(&out, v[k].bitPattern) } }
            out.append(contentsOf: [0, 0])
        }
        return out
    }

    /// Encodes an ASCII STL.
    public static func encodeASCII(_ mesh: TriangleMesh, name: String = "parsguide") -> Data {
        var s = "solid \(name)\n"
        for t in mesh.triangles {
            let a = mesh.vertices[Int(t.x)], b = mesh.vertices[Int(t.y)], c = mesh.vertices[Int(t.z)]
            var n = cross(b - a, c - a)
            let len = (n * n).sum().squareRoot()
            n = len > 0 ? n / len : .zero
            s += "  facet normal \(n.x) \(n.y) \(n.z)\n    outer loop\n"
            for v in [a, b, c] { s += "      vertex \(v.x) \(v.y) \(v.z)\n" }
            s += "    endloop\n  endfacet\n"
        }
        s += "endsolid \(name)\n"
        return Data(s.utf8)
    }

    /// Writes a binary STL atomically (`OutputFile`'s rules: never over a link, a device or another kind of file).
    public static func write(_ mesh: TriangleMesh, to path: String) throws {
        try OutputFile.write(encodeBinary(mesh), to: path, kind: .stl)
    }

    public static func read(path: String) throws -> TriangleMesh {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VolumeError.fileUnreadable(path: path, reason: error.localizedDescription)
        }
        return try decode(data, path: path)
    }

    /// Decodes binary or ASCII STL. A file is binary when its size is exactly 84 + 50 × count,
    /// whatever its first bytes say (many binary files start with "solid" too).
    public static func decode(_ data: Data, path: String = "data") throws -> TriangleMesh {
        let bytes = [UInt8](data)
        if bytes.count >= 84 {
            let count = Int(UInt32(bytes[80]) | UInt32(bytes[81]) << 8 | UInt32(bytes[82]) << 16 | UInt32(bytes[83]) << 24)
            if bytes.count == 84 + 50 * count { return decodeBinary(bytes, count: count) }
        }
        let head = String(decoding: bytes.prefix(5), as: UTF8.self)
        if head.lowercased() == "solid" {
            return try decodeASCII(bytes, path: path)
        }
        guard bytes.count >= 84 else {
            throw VolumeError.truncatedFile(path: path, expectedBytes: 84, actualBytes: bytes.count)
        }
        let count = Int(UInt32(bytes[80]) | UInt32(bytes[81]) << 8 | UInt32(bytes[82]) << 16 | UInt32(bytes[83]) << 24)
        let expected = 84 + 50 * count
        if bytes.count < expected {
            throw VolumeError.truncatedFile(path: path, expectedBytes: expected, actualBytes: bytes.count)
        }
        throw VolumeError.corruptFile(path: path, reason: "binary STL promises \(count) triangles (\(expected) bytes) but the file has \(bytes.count) bytes")
    }

    static func decodeBinary(_ bytes: [UInt8], count: Int) -> TriangleMesh {
        var builder = MeshBuilder()
        func f(_ o: Int) -> Float {
            Float(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
        }
        for t in 0..<count {
            let o = 84 + 50 * t + 12
            var idx = SIMD3<UInt32>()
            for v in 0..<3 { idx[v] = builder.index(of: SIMD3(f(o + 12 * v), f(o + 12 * v + 4), f(o + 12 * v + 8))) }
            builder.mesh.triangles.append(idx)
        }
        return builder.mesh
    }

    static func decodeASCII(_ bytes: [UInt8], path: String) throws -> TriangleMesh {
        let text = String(decoding: bytes, as: UTF8.self)
        var builder = MeshBuilder()
        var pending: [SIMD3<Float>] = []
        var sawEnd = false
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first?.lowercased() else { continue }
            switch first {
            case "vertex":
                guard words.count == 4, let x = Float(words[1]), let y = Float(words[2]), let z = Float(words[3]) else {
                    throw VolumeError.corruptFile(path: path, reason: "line \(lineNumber): bad vertex '\(line)'")
                }
                pending.append(SIMD3(x, y, z))
            case "endloop":
                guard pending.count == 3 else {
                    throw VolumeError.corruptFile(path: path, reason: "line \(lineNumber): a facet has \(pending.count) vertices, expected 3")
                }
                builder.mesh.triangles.append(SIMD3(builder.index(of: pending[0]), builder.index(of: pending[1]), builder.index(of: pending[2])))
                pending.removeAll()
            case "endsolid": sawEnd = true
            default: continue
            }
        }
        guard sawEnd, pending.isEmpty else {
            throw VolumeError.corruptFile(path: path, reason: "ASCII STL ends without 'endsolid' (truncated?)")
        }
        return builder.mesh
    }

    private static func appendLE(_ d: inout Data, _ v: UInt32) {
        d.append(contentsOf: [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)])
    }

    private static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }
}

/// Builds an indexed mesh, merging bit-identical vertices.
struct MeshBuilder {
    var mesh = TriangleMesh()
    private var lookup: [SIMD3<UInt32>: UInt32] = [:]

    mutating func index(of v: SIMD3<Float>) -> UInt32 {
        let key = SIMD3(v.x.bitPattern, v.y.bitPattern, v.z.bitPattern)
        if let i = lookup[key] { return i }
        let i = UInt32(mesh.vertices.count)
        mesh.vertices.append(v)
        lookup[key] = i
        return i
    }
}
