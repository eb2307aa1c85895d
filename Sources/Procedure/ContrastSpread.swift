import ParsGuideCore
import Anatomy
import Foundation
import HeapModule

/// Where an injected volume goes: from the tip's voxel it fills the neighbouring voxels in order of
/// least accumulated resistance (a Dijkstra flood over 6-neighbours), until the injected volume is
/// placed. Each tissue has an explicit resistance: the pars defect's fibrous cleft fills first, then the
/// facet joint capsule it communicates with, then loose soft tissue, then muscle; bone, dura, CSF, disc,
/// skin and air take nothing — unless the tip is in the dura or CSF, which is reported as an intrathecal
/// injection and lets the injectate into the CSF.
///
/// The resistances are a model (ParsGuide's assumption: an ordering of how readily each tissue opens to a
/// small-volume injection, consistent with the pars-defect–facet communication seen on arthrography), not
/// measured pressures. The placed volume equals the injected volume exactly: the last voxel is partly filled.
public enum ContrastSpread {
    /// Relative resistance to filling, per tissue label; absent = a barrier.
    public static let resistance: [UInt8: Double] = [
        Tissue.parsDefect.rawValue: 1,
        Tissue.facetJoint.rawValue: 2,
        Tissue.epiduralFat.rawValue: 6,
        Tissue.otherSoftTissue.rawValue: 6,
        Tissue.subcutaneousFat.rawValue: 8,
        Tissue.deepFat.rawValue: 8,
        Tissue.ligament.rawValue: 12,
        Tissue.muscle.rawValue: 15,
        Tissue.multifidus.rawValue: 15,
        Tissue.erectorSpinae.rawValue: 15,
        Tissue.psoas.rawValue: 15,
        Tissue.quadratusLumborum.rawValue: 15,
        Tissue.fascia.rawValue: 12,
        Tissue.nerveRoot.rawValue: 40,
    ]

    public struct Result: Sendable {
        /// Iodine concentration, mg I/mL (0 for non-contrast drugs), on a grid cropped to the spread.
        public var concentration: Volume<Float>
        public var injectedMl: Double
        public var placedMl: Double
        /// mL placed per tissue name.
        public var reachedMl: [String: Double]
        public var tipTissue: String
        public var events: [String]
    }

    /// The injected volume: 0.01 mL (a drop) to the per-injection maximum of `Injectate` (data sheet §9).
    public static let volume = PhysicalParameter(name: "injected volume", unit: "mL", range: 0.01...Injectate.maximumVolumeMl)
    /// The contrast a confirmation injects ("a little iohexol" in the published case; its volume is not
    /// reported — 0.3 mL chosen: enough to outline a pars cleft and the facet joint it communicates with).
    public static let confirmationVolumeMl = 0.3

    /// Spreads `volumeMl` of `drug` from `tipMm` through `labels`.
    public static func inject(labels: Volume<UInt8>, tipMm: Vector3, volumeMl: Double, drug: Drug = .iohexol240) throws -> Result {
        try Self.volume.checked(volumeMl)
        let g = labels.grid
        guard let start = g.nearestIndex(toWorld: tipMm) else {
            throw ProcedureError.invalid(String(format: "the needle tip (%.1f, %.1f, %.1f) mm is outside the subject", tipMm.x, tipMm.y, tipMm.z))
        }
        let s = g.spacingMm
        let voxelMl = s.x * s.y * s.z / 1000
        let startLabel = labels[start.x, start.y, start.z]
        let tipTissue = Tissue(rawValue: startLabel)?.name ?? "label \(startLabel)"
        var events: [String] = []
        var resistance = [Double](repeating: .infinity, count: 256)
        for (label, r) in Self.resistance { resistance[Int(label)] = r }
        if startLabel == Tissue.dura.rawValue || startLabel == Tissue.cerebrospinalFluid.rawValue {
            events.append("intrathecal injection: the tip is in the \(tipTissue)")
            resistance[Int(Tissue.dura.rawValue)] = 3
            resistance[Int(Tissue.cerebrospinalFluid.rawValue)] = 1
        }
        guard resistance[Int(startLabel)].isFinite else {
            throw ProcedureError.invalid("nothing can be injected with the tip in \(tipTissue): move the tip out of it")
        }

        struct Entry: Comparable { var cost: Double; var index: Int
            static func < (a: Entry, b: Entry) -> Bool { a.cost < b.cost }
        }
        let n = g.dimensions
        /// (i, j, k) of a linear voxel index.
        func voxel(_ index: Int) -> SIMD3<Int> { SIMD3(index % n.x, (index / n.x) % n.y, index / (n.x * n.y)) }
        let startIndex = g.linearIndex(start.x, start.y, start.z)
        var heap = Heap<Entry>([Entry(cost: 0, index: startIndex)])
        var settled = Set<Int>()
        var filled: [(index: Int, fraction: Double)] = []
        var remaining = volumeMl / voxelMl  // in voxels
        labels.voxels.withUnsafeBufferPointer { v in
            while remaining > 1e-12, let e = heap.popMin() {
                guard settled.insert(e.index).inserted else { continue }
                let fraction = min(1, remaining)
                filled.append((e.index, fraction))
                remaining -= fraction
                let q = voxel(e.index)
                let (i, j, k) = (q.x, q.y, q.z)
                for (di, dj, dk) in [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)] {
                    let a = i + di, b = j + dj, c = k + dk
                    guard g.contains(a, b, c) else { continue }
                    let m = g.linearIndex(a, b, c)
                    let r = resistance[Int(v[m])]
                    if r.isFinite, !settled.contains(m) { heap.insert(Entry(cost: e.cost + r, index: m)) }
                }
            }
        }
        if remaining > 1e-9 {
            events.append(String(format: "only %.3f mL could be placed: the compartment around the tip is closed", volumeMl - remaining * voxelMl))
        }
        // Crop to the filled voxels plus one voxel.
        var lo = SIMD3<Int>(repeating: .max), hi = SIMD3<Int>(repeating: .min)
        for f in filled {
            let p = voxel(f.index)
            lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
        }
        lo = pointwiseMax(lo &- 1, .zero); hi = pointwiseMin(hi &+ 1, n &- 1)
        let dims = hi &- lo &+ 1
        let origin = g.worldFromIndex.apply(Vector3(Double(lo.x), Double(lo.y), Double(lo.z)))
        var m = g.worldFromIndex
        m.r0.w = origin.x; m.r1.w = origin.y; m.r2.w = origin.z
        let cropped = try Grid(dimensions: dims, worldFromIndex: m)
        var concentration = Volume<Float>(grid: cropped, repeating: 0)
        let mgPerMl = drug.isContrast ? drug.mgPerMl : 0
        var reached: [String: Double] = [:]
        labels.voxels.withUnsafeBufferPointer { v in
            for f in filled {
                let p = voxel(f.index) &- lo
                // A partly filled voxel holds the same iodine mass spread over the whole voxel.
                concentration[p.x, p.y, p.z] = Float(mgPerMl * f.fraction)
                reached[Tissue(rawValue: v[f.index])?.name ?? "label \(v[f.index])", default: 0] += f.fraction * voxelMl
            }
        }
        return Result(concentration: concentration, injectedMl: volumeMl, placedMl: filled.reduce(0) { $0 + $1.fraction } * voxelMl,
                      reachedMl: reached, tipTissue: tipTissue, events: events)
    }
}
