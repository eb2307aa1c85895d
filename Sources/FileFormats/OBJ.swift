import Foundation

/// Wavefront OBJ reading: `v` vertices and `f` faces (triangles or polygons, fan-triangulated;
/// `v/vt/vn` forms and negative indices accepted). Other statements are ignored.
public enum OBJ {
    public static func read(path: String) throws -> TriangleMesh {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VolumeError.fileUnreadable(path: path, reason: error.localizedDescription)
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String = "data") throws -> TriangleMesh {
        var mesh = TriangleMesh()
        var faces: [(line: Int, indices: [Int])] = []
        let text = String(decoding: data, as: UTF8.self)
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let head = words.first else { continue }
            if head == "v" {
                guard words.count >= 4, let x = Float(words[1]), let y = Float(words[2]), let z = Float(words[3]),
                      x.isFinite, y.isFinite, z.isFinite else {
                    throw VolumeError.corruptFile(path: path, reason: "line \(lineNumber): bad vertex '\(line)'")
                }
                mesh.vertices.append(SIMD3(x, y, z))
            } else if head == "f" {
                var idx: [Int] = []
                for w in words.dropFirst() {
                    guard let first = w.split(separator: "/", omittingEmptySubsequences: false).first, let i = Int(first), i != 0 else {
                        throw VolumeError.corruptFile(path: path, reason: "line \(lineNumber): bad face index '\(w)'")
                    }
                    // Negative indices count back from the vertices read so far.
                    idx.append(i > 0 ? i - 1 : mesh.vertices.count + i)
                }
                guard idx.count >= 3 else {
                    throw VolumeError.corruptFile(path: path, reason: "line \(lineNumber): a face needs at least 3 vertices, has \(idx.count)")
                }
                faces.append((lineNumber, idx))
            }
        }
        for (line, idx) in faces {
            guard let bad = idx.first(where: { $0 < 0 || $0 >= mesh.vertices.count }) else {
                for k in 1..<(idx.count - 1) {
                    mesh.triangles.append(SIMD3(UInt32(idx[0]), UInt32(idx[k]), UInt32(idx[k + 1])))
                }
                continue
            }
            throw VolumeError.corruptFile(path: path, reason: "line \(line): face refers to vertex \(bad + 1), but the file has \(mesh.vertices.count) vertices")
        }
        guard !mesh.triangles.isEmpty else {
            throw VolumeError.corruptFile(path: path, reason: "no faces found")
        }
        return mesh
    }
}
