import Foundation
import ParsGuideCore

/// The bone surfaces of a subject folder: `surfaces/<bone>.stl`, binary STL in world LPS mm, listed in
/// `subject.json` as `files["surface.<bone>"]`. They are the placed source meshes the bone labels were
/// voxelised from (mean-shape L2–L5, BodyParts3D L1, sacrum and hip bones), so pictures can be shaded
/// from the true surfaces rather than from voxel terraces.
public enum SubjectSurfaces {
    public static let folder = "surfaces"

    /// The bones with surfaces, named as in `meshes/`: L1…L5, sacrum, pelvis (both hip bones).
    public static let bones: [(name: String, label: UInt8)] = SubjectWriter.meshStructures.compactMap { s in
        guard s.labels.count == 1, let label = s.labels.first, Tissue.isBone(label) else { return nil }
        return (s.name, label)
    }

    /// Writes the surfaces into `dir/surfaces/` and lists them in `files`.
    static func write(_ surfaces: [UInt8: TriangleMesh], into dir: URL, files: inout [String: String]) throws {
        guard !surfaces.isEmpty else { return }
        let folder = dir.appendingPathComponent(Self.folder)
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw AnatomyError.fileWriteFailed(path: folder.path, reason: ErrorText.sentence(error))
        }
        for (name, label) in bones {
            guard let mesh = surfaces[label], !mesh.triangles.isEmpty else { continue }
            try STL.write(mesh, to: folder.appendingPathComponent("\(name).stl").path)
            files["surface.\(name)"] = "\(Self.folder)/\(name).stl"
        }
    }

    /// Reads the surfaces a subject folder lists (none for folders written without them), welded back
    /// into indexed meshes.
    public static func read(directory: String, files: [String: String]) throws -> [UInt8: TriangleMesh] {
        var out: [UInt8: TriangleMesh] = [:]
        for (name, label) in bones {
            guard let file = files["surface.\(name)"] else { continue }
            let mesh = try STL.read(path: (directory as NSString).appendingPathComponent(file))
            out[label] = mesh.welded(toleranceMm: 1e-4)
        }
        return out
    }
}
