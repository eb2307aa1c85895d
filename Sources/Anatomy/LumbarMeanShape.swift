import Foundation

/// The population-mean surface of L2–L5 (Clouthier et al., J Biomech 2023;146:111421; MIT licence),
/// shipped gzip-compressed but otherwise unchanged in `Resources/lumbar-mean-shape`.
///
/// Source axes: +x anterior, +y one side, +z superior. ParsGuide takes source +y as the patient's
/// left, which makes the change to LPS a proper rotation (no mirror):
/// `world = (y, −x, z)` — +x left, +y posterior, +z superior. The origin is kept.
public enum LumbarMeanShape {
    /// The levels the mean shape holds.
    public static let levels: [SpinalLevel] = [.l2, .l3, .l4, .l5]

    /// The four vertebrae in world LPS millimetres, keyed L2…L5.
    public static func vertebrae() throws -> [SpinalLevel: TriangleMesh] {
        let mesh = try load()
        let parts = mesh.connectedComponents()
        guard parts.count == 4 else {
            throw AnatomyError.geometry(reason: "the mean shape has \(parts.count) components, expected 4 (L2–L5)")
        }
        // Sort by mean height, highest first.
        let sorted = parts.sorted { meanZ($0) > meanZ($1) }
        var out: [SpinalLevel: TriangleMesh] = [:]
        for (level, part) in zip(levels, sorted) {
            out[level] = part.mapVertices { SIMD3($0.y, -$0.x, $0.z) }
        }
        return out
    }

    /// The whole mesh in source axes, triangles 0-based.
    public static func load() throws -> TriangleMesh {
        guard let dir = Bundle.module.url(forResource: "lumbar-mean-shape", withExtension: nil) else {
            throw AnatomyError.fileUnreadable(path: "lumbar-mean-shape", reason: "resource missing from the build")
        }
        let vPath = dir.appendingPathComponent("vertices.csv.gz").path
        let fPath = dir.appendingPathComponent("faces.csv.gz").path
        let vertexRows = try rows(path: vPath, columns: 3)
        let faceRows = try rows(path: fPath, columns: 3)
        var mesh = TriangleMesh()
        mesh.vertices.reserveCapacity(vertexRows.count / 3)
        for i in stride(from: 0, to: vertexRows.count, by: 3) {
            mesh.vertices.append(SIMD3(Float(vertexRows[i]), Float(vertexRows[i + 1]), Float(vertexRows[i + 2])))
        }
        for i in stride(from: 0, to: faceRows.count, by: 3) {
            // The source is 1-based.
            let t = SIMD3<UInt32>(UInt32(faceRows[i] - 1), UInt32(faceRows[i + 1] - 1), UInt32(faceRows[i + 2] - 1))
            guard t.max() < UInt32(mesh.vertices.count) else {
                throw AnatomyError.corruptFile(path: fPath, reason: "face \(i / 3 + 1) refers to a missing vertex")
            }
            mesh.triangles.append(t)
        }
        return mesh
    }

    private static func meanZ(_ m: TriangleMesh) -> Float {
        m.vertices.reduce(0) { $0 + $1.z } / Float(m.vertices.count)
    }

    /// Parses a gzip'd CSV of numbers into a flat array, checking each row has `columns` fields.
    private static func rows(path: String, columns: Int) throws -> [Double] {
        let raw: Data
        do { raw = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw AnatomyError.fileUnreadable(path: path, reason: error.localizedDescription)
        }
        let text = try Gzip.decompress(raw)
        var out: [Double] = []
        out.reserveCapacity(text.count / 8)
        var line = 0
        try text.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            let bytes = buf.bindMemory(to: CChar.self)
            var p = 0
            var field = [CChar](repeating: 0, count: 64)
            var inRow = 0
            while p < bytes.count {
                var n = 0
                while p < bytes.count, bytes[p] != 44, bytes[p] != 10, bytes[p] != 13 {
                    if n < 63 { field[n] = bytes[p]; n += 1 }
                    p += 1
                }
                let terminator = p < bytes.count ? bytes[p] : 10
                p += 1
                if n == 0 && inRow == 0 && terminator != 44 { continue }  // blank line
                field[n] = 0
                var end: UnsafeMutablePointer<CChar>?
                let v = field.withUnsafeMutableBufferPointer { strtod($0.baseAddress!, &end) }
                out.append(v)
                inRow += 1
                if terminator != 44 {
                    line += 1
                    guard inRow == columns else {
                        throw AnatomyError.corruptFile(path: path, reason: "row \(line) has \(inRow) fields, expected \(columns)")
                    }
                    inRow = 0
                }
            }
        }
        return out
    }
}
