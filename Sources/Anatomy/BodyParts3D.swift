import Foundation

/// The BodyParts3D 4.0 meshes shipped in `Resources/bodyparts3d` (CC BY-SA 2.1 JP; see the README there):
/// the sacrum with the coccyx, both hip bones, L1, and the L5 that registers them onto the mean-shape
/// spine. All five share one body frame, LPS millimetres with BodyParts3D's origin.
public enum BodyParts3D {
    /// The attribution line to keep wherever these meshes or anything derived from them is shipped.
    public static let attribution = "BodyParts3D, (c) The Database Center for Life Science licensed under CC Attribution-Share Alike 2.1 Japan"

    public enum Part: String, CaseIterable, Sendable {
        case sacrum = "sacrum-FJ3393", hipRight = "hip-right-FJ3152", hipLeft = "hip-left-FJ3288", l1 = "L1-FJ3157", l5 = "L5-FJ3168"
    }

    /// One part, coincident vertices welded (within 1 µm), in BodyParts3D's LPS frame.
    public static func mesh(_ part: Part) throws -> TriangleMesh {
        cacheLock.lock(); defer { cacheLock.unlock() }
        if let m = cache[part] { return m }
        guard let url = Bundle.module.url(forResource: "bodyparts3d/\(part.rawValue).obj", withExtension: "gz")
            ?? Bundle.module.url(forResource: "\(part.rawValue).obj", withExtension: "gz", subdirectory: "bodyparts3d") else {
            throw AnatomyError.fileUnreadable(path: "bodyparts3d/\(part.rawValue).obj.gz", reason: "resource missing from the build")
        }
        let raw: Data
        do { raw = try Data(contentsOf: url) } catch {
            throw AnatomyError.fileUnreadable(path: url.path, reason: error.localizedDescription)
        }
        let mesh = try OBJ.decode(Gzip.decompress(raw), path: url.lastPathComponent).welded(toleranceMm: 0.001)
        cache[part] = mesh
        return mesh
    }

    nonisolated(unsafe) private static var cache: [Part: TriangleMesh] = [:]
    private static let cacheLock = NSLock()
}
