import Foundation

/// What a patient's masks hold, in the patient's LPS frame: voxel counts per label, where the lumbar spine
/// and the pelvis lie, and each vertebra's centroid.
struct MaskSurvey {
    let masks: Volume<UInt8>
    var counts = [Int](repeating: 0, count: 256)
    /// Per label: the sum of voxel centres (mm), for centroids.
    var sums = [Vector3](repeating: .zero, count: 256)
    var highestL1Z = -Double.infinity, lowestPelvicZ = Double.infinity

    init(_ masks: Volume<UInt8>) {
        self.masks = masks
        let g = masks.grid
        for v in masks.voxels.indices where masks.voxels[v] != 0 {
            let l = Int(masks.voxels[v])
            let ijk = g.index(ofLinear: v), p = g.world(ijk.x, ijk.y, ijk.z)
            counts[l] += 1; sums[l] += p
            if l == Int(Tissue.l1.rawValue) { highestL1Z = max(highestL1Z, p.z) }
            if l == Int(Tissue.sacrum.rawValue) || l == Int(Tissue.ilium.rawValue) { lowestPelvicZ = min(lowestPelvicZ, p.z) }
        }
    }

    static let lumbar: [Tissue] = [.l1, .l2, .l3, .l4, .l5]

    func centroid(_ t: Tissue) -> Vector3? {
        let n = counts[Int(t.rawValue)]
        return n > 0 ? sums[Int(t.rawValue)] / Double(n) : nil
    }

    /// The mean x of every L1–L5 mask voxel, mm: the lumbar midline.
    var lumbarMeanX: Double {
        let n = Self.lumbar.reduce(0) { $0 + counts[Int($1.rawValue)] }
        return Self.lumbar.reduce(0.0) { $0 + sums[Int($1.rawValue)].x } / Double(max(1, n))
    }

    /// Refuses masks without L1–L5 and the sacrum, naming what they do hold.
    func requireLumbarSpine(path: String, structures: [String]) throws {
        let missing = PatientCTBuild.requiredBones.filter { counts[Int($0.rawValue)] == 0 }
        guard !missing.isEmpty else { return }
        let held = structures.isEmpty ? "no structure ParsGuide uses" : structures.joined(separator: ", ")
        if Self.lumbar.allSatisfy({ counts[Int($0.rawValue)] == 0 }) {
            throw AnatomyError.unsuitableInput(path: path, reason: "the masks hold no lumbar vertebra (they hold \(held)); a subject needs L1–L5 and the sacrum")
        }
        throw AnatomyError.unsuitableInput(path: path, reason: "the masks lack \(missing.map(\.name).joined(separator: ", ")) (they hold \(held)); a subject needs L1–L5 and the sacrum")
    }

    /// Refuses masks that do not lie on this CT's bone: most L1–L5 mask voxels must fall inside the CT, and
    /// there its mean must be bone (above +100 HU; vertebrae average ≈ +160 HU cancellous, more with the
    /// cortex — `HounsfieldTable.cancellousBone`).
    func requireOverlap(with ct: Volume<Float>, ctPath: String, masksPath: String) throws {
        let g = masks.grid
        var inside = 0, total = 0, sum = 0.0
        for v in masks.voxels.indices where masks.voxels[v] >= Tissue.l1.rawValue && masks.voxels[v] <= Tissue.l5.rawValue {
            total += 1
            let ijk = g.index(ofLinear: v)
            guard let c = ct.grid.nearestIndex(toWorld: g.world(ijk.x, ijk.y, ijk.z)) else { continue }
            inside += 1; sum += Double(ct[c.x, c.y, c.z])
        }
        let fraction = Double(inside) / Double(max(1, total))
        guard fraction >= 0.5 else {
            throw AnatomyError.unsuitableInput(path: masksPath, reason: String(format: "the masks and %@ do not overlap: %.0f %% of the L1–L5 mask voxels lie within the CT (at least 50 %% must)", ctPath, 100 * fraction))
        }
        let mean = sum / Double(inside)
        guard mean > 100 else {
            throw AnatomyError.unsuitableInput(path: masksPath, reason: String(format: "the L1–L5 masks do not lie on bone in %@: its mean there is %.0f HU (bone is above +100 HU); are they from another scan?", ctPath, mean))
        }
    }

    /// The spine's coronal plane as y(z) in the subject frame: piecewise linear through the L1–L5 mask
    /// centroids, constant beyond. Soft tissue behind it that is not fat is taken as muscle.
    func spinePlane(shift: Vector3) -> @Sendable (Double) -> Double {
        let points = Self.lumbar.compactMap { centroid($0) }.map { $0 + shift }.sorted { $0.z < $1.z }
        return { z in
            guard let first = points.first, let last = points.last else { return 0 }
            if z <= first.z { return first.y }
            if z >= last.z { return last.y }
            let n = points.firstIndex { $0.z >= z }!
            let a = points[n - 1], b = points[n]
            return a.y + (b.y - a.y) * (z - a.z) / max(1e-9, b.z - a.z)
        }
    }
}
