import ParsGuideCore
import Anatomy
import Foundation
import HeapModule

/// Where an injected volume goes: from the tip's voxel it fills the neighbouring voxels in order of
/// least accumulated resistance (a Dijkstra flood over 26 neighbours, each step's resistance times its
/// length; a diagonal step only where the voxels it passes between are open too), until the injected volume is
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

    /// The 26 steps of the flood: offset, length in voxels (1, √2, √3) and the voxels it passes between,
    /// which must be open too. Steps along the diagonals with their true lengths spread a drop into a
    /// rounded volume (a 6-neighbour flood's equal-cost surfaces are octahedra: square blobs on every shot).
    static let steps: [(offset: SIMD3<Int>, lengthVoxels: Double, corners: [SIMD3<Int>])] = {
        var steps: [(SIMD3<Int>, Double, [SIMD3<Int>])] = []
        for dz in -1...1 { for dy in -1...1 { for dx in -1...1 where dx != 0 || dy != 0 || dz != 0 {
            let o = SIMD3(dx, dy, dz)
            // The voxels of the unit box between the voxel and o, other than both ends.
            var corners: [SIMD3<Int>] = []
            for cz in Set([0, dz]) { for cy in Set([0, dy]) { for cx in Set([0, dx]) {
                let c = SIMD3(cx, cy, cz)
                if c != .zero && c != o { corners.append(c) }
            } } }
            steps.append((o, (Double(dx * dx + dy * dy + dz * dz)).squareRoot(), corners))
        } } }
        return steps
    }()

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
                /// True when the voxel at q + offset is inside and open.
                func open(_ o: SIMD3<Int>) -> Bool {
                    let p = q &+ o
                    return g.contains(p.x, p.y, p.z) && resistance[Int(v[g.linearIndex(p.x, p.y, p.z)])].isFinite
                }
                for step in Self.steps {
                    let p = q &+ step.offset
                    guard g.contains(p.x, p.y, p.z) else { continue }
                    let m = g.linearIndex(p.x, p.y, p.z)
                    let r = resistance[Int(v[m])]
                    // A diagonal step only between open voxels: it may not cut the corner of a barrier.
                    guard r.isFinite, !settled.contains(m), step.corners.allSatisfy(open) else { continue }
                    heap.insert(Entry(cost: e.cost + r * step.lengthVoxels, index: m))
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
