import Anatomy
import Foundation

/// A subject folder as the procedure sees it: labels, landmarks, defects, and a fingerprint that ties a
/// plan to the subject it was made on.
public struct PlanningSubject: Sendable {
    public let directory: String
    public let labels: Volume<UInt8>
    public let landmarks: [String: Vector3]
    public let document: SubjectDocument
    /// FNV-1a 64 of `subject.json`, hex: the same subject gives the same fingerprint.
    public let fingerprint: String

    public init(directory: String, labels: Volume<UInt8>, document: SubjectDocument, fingerprint: String) {
        self.directory = directory
        self.labels = labels
        self.document = document
        self.landmarks = document.landmarkPoints
        self.fingerprint = fingerprint
    }

    public static func load(directory dir: String) throws -> PlanningSubject {
        try PlanningSubject(SubjectFolder(directory: dir))
    }

    /// An opened subject folder's labels and document.
    public init(_ folder: SubjectFolder, labels: Volume<UInt8>? = nil) throws {
        self.init(directory: folder.directory, labels: try labels ?? folder.labels(), document: folder.document,
                  fingerprint: Self.fingerprint(of: folder.documentBytes))
    }

    public static func fingerprint(of data: Data) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in data { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }

    /// Parses `L5-left` into a level and side that this subject models.
    public func target(_ name: String) throws -> (level: SpinalLevel, side: Side) {
        let parts = name.split(separator: "-")
        let allowed = landmarks.keys.filter { $0.hasSuffix(".pars") }.map { $0.replacingOccurrences(of: ".pars", with: "").replacingOccurrences(of: ".", with: "-") }.sorted()
        guard parts.count == 2, let level = try? SpinalLevel.parse(String(parts[0])), let side = try? Side.parse(String(parts[1])),
              landmarks[Subject.parsLandmarkName(level: level, side: side)] != nil else {
            throw ProcedureError.invalid("unknown target '\(name)': allowed \(allowed.joined(separator: ", "))")
        }
        return (level, side)
    }

    /// Voxel centres of the given labels within `radiusMm` of a point (a box search), by label.
    func voxels(of wanted: Set<UInt8>, near p: Vector3, radiusMm: Double) -> [UInt8: [Vector3]] {
        let g = labels.grid, s = g.spacingMm
        let c = g.indexFromWorld.apply(p)
        let r = SIMD3<Int>(Int(radiusMm / s.x) + 1, Int(radiusMm / s.y) + 1, Int(radiusMm / s.z) + 1)
        let lo = pointwiseMax(SIMD3(Int(c.x) - r.x, Int(c.y) - r.y, Int(c.z) - r.z), .zero)
        let hi = pointwiseMin(SIMD3(Int(c.x) + r.x, Int(c.y) + r.y, Int(c.z) + r.z), g.dimensions &- 1)
        var out: [UInt8: [Vector3]] = [:]
        guard lo.x <= hi.x, lo.y <= hi.y, lo.z <= hi.z else { return out }
        var wantedFlags = [Bool](repeating: false, count: 256)
        for w in wanted { wantedFlags[Int(w)] = true }
        labels.voxels.withUnsafeBufferPointer { v in
            for k in lo.z...hi.z { for j in lo.y...hi.y {
                let row = g.linearIndex(0, j, k)
                for i in lo.x...hi.x where wantedFlags[Int(v[row + i])] { out[v[row + i], default: []].append(g.world(i, j, k)) }
            } }
        }
        return out
    }
}
