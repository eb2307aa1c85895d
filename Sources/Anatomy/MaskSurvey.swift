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

/// The body in a CT at the scan's own resolution: the largest connected region above a threshold (the
/// table and other objects apart from it drop out), with everything it encloses (bowel gas, lungs).
enum CoarseBody {
    /// True for each CT voxel outside the body: reachable from the volume's side border through voxels that
    /// are not the body's.
    static func outside(of ct: Volume<Float>, thresholdHU: Float) -> [Bool] {
        let d = ct.grid.dimensions, count = ct.voxels.count
        // The largest 6-connected component above the threshold.
        var component = [Int32](repeating: -1, count: count)
        var best = (id: Int32(-1), size: 0), stack: [Int] = []
        func neighbours(_ v: Int, _ body: (Int) -> Void) {
            let i = v % d.x, j = (v / d.x) % d.y, k = v / (d.x * d.y)
            if i > 0 { body(v - 1) }; if i < d.x - 1 { body(v + 1) }
            if j > 0 { body(v - d.x) }; if j < d.y - 1 { body(v + d.x) }
            if k > 0 { body(v - d.x * d.y) }; if k < d.z - 1 { body(v + d.x * d.y) }
        }
        var next: Int32 = 0
        for seed in 0..<count where component[seed] < 0 && ct.voxels[seed] > thresholdHU {
            var size = 0
            component[seed] = next; stack.append(seed)
            while let v = stack.popLast() {
                size += 1
                neighbours(v) { n in
                    if component[n] < 0 && ct.voxels[n] > thresholdHU { component[n] = next; stack.append(n) }
                }
            }
            if size > best.size { best = (next, size) }
            next += 1
        }
        // Outside: flooded from the border through everything that is not the body, slice by slice across
        // the axis nearest the body's long axis (world z), so gas the body encloses in its end slices (lungs,
        // bowel) stays inside.
        let m = ct.grid.worldFromIndex
        let axial = (0..<3).max { abs(m[2, $0]) / ct.grid.spacingMm[$0] < abs(m[2, $1]) / ct.grid.spacingMm[$1] }!
        let strides = SIMD3(1, d.x, d.x * d.y)
        var outside = [Bool](repeating: false, count: count)
        for v in 0..<count where component[v] != best.id && !outside[v] {
            let ijk = SIMD3(v % d.x, (v / d.x) % d.y, v / (d.x * d.y))
            guard (0..<3).contains(where: { $0 != axial && (ijk[$0] == 0 || ijk[$0] == d[$0] - 1) }) else { continue }
            outside[v] = true; stack.append(v)
            while let u = stack.popLast() {
                let q = SIMD3(u % d.x, (u / d.x) % d.y, u / (d.x * d.y))
                for a in 0..<3 where a != axial {
                    for step in [-1, 1] where q[a] + step >= 0 && q[a] + step < d[a] {
                        let n = u + step * strides[a]
                        if !outside[n] && component[n] != best.id { outside[n] = true; stack.append(n) }
                    }
                }
            }
        }
        return outside
    }
}
