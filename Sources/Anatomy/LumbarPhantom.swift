import Foundation

/// Builds the parametric lumbar subject: L2–L5 from the population-mean mesh, BodyParts3D's L1 set on L2
/// (`L1Placement`), its sacrum and hip bones seated under L5 (`LumbosacralPlacement`), discs, facet joints, thecal sac, nerve roots, ligaments, pars defects, paraspinal muscle, fat and
/// skin sized from the habitus, and a synthetic CT.
///
/// Bony and canal structures are built first in a "spine grid" around the vertebrae; the torso is
/// then laid out in the full grid (same voxel lattice) and the spine grid copied in.
public enum LumbarPhantom {
    /// Soft-tissue layer thicknesses and other modelling choices, millimetres.
    public enum Layers {
        /// Back skin (dermis + epidermis): NOT FOUND in the data sheet; ≈2 mm as the issue asks.
        public static let skinMm = 2.0
        /// Supraspinous ligament over the spinous-process tips: NOT FOUND; 3 mm chosen.
        public static let supraspinousMm = 3.0
        /// Thinnest subcutaneous fat allowed over the spinous processes: chosen.
        public static let minimumFatMm = 3.0
        /// Thecal sac semi-axes at L2–L4 (lateral, AP): NOT FOUND; 8.5 × 6.5 mm gives ≈175 mm².
        public static let sacSemiAxesMm = (8.5, 6.5)
        /// Nerve-root radius: NOT FOUND; 2.5 mm chosen.
        public static let rootRadiusMm = 2.5
    }

    /// Builds the subject. `progress` is told the name of each stage as it starts.
    public static func build(_ options: PhantomOptions, progress: @escaping (String) -> Void = { _ in }) throws -> Subject {
        let options = try options.validated()
        var b = try PhantomBuilder(options: options, progress: progress)
        return try b.run()
    }
}

/// The state of one build. Stages run in order; each reads what earlier ones made.
struct PhantomBuilder {
    let options: PhantomOptions
    let progress: (String) -> Void
    let h: Double
    var spine: Volume<UInt8>
    var meshes: [SpinalLevel: TriangleMesh] = [:]
    var geo: [SpinalLevel: VertebraGeometry] = [:]
    var sacrum: SacrumFrame!
    /// The placed BodyParts3D sacrum and hip bones, world LPS mm.
    var sacrumMesh: TriangleMesh?
    var hipMeshes: [Side: TriangleMesh] = [:]
    /// The S1 superior articular processes of the placed sacrum.
    var s1SuperiorArticularProcess: [Side: Vector3] = [:]
    /// Bounding boxes of each label in the spine grid, refreshed before the landmarks and the cuts.
    var boneBoxes: [IndexBox?] = []
    var landmarks: [String: Vector3] = [:]
    var measurements: [String: Double] = [:]

    init(options: PhantomOptions, progress: @escaping (String) -> Void) throws {
        self.options = options
        self.progress = progress
        self.h = options.voxelMm
        progress("loading the L2–L5 mean shape and placing L1")
        meshes = try LumbarMeanShape.cachedVertebrae()
        meshes[.l1] = try L1Placement.standard().l1
        // The spine grid: every bony and canal structure fits in it. Origins sit on the voxel
        // lattice (multiples of h) so the spine grid drops into the full grid by whole voxels.
        // z: from below the ischial tuberosities (the hip bones reach −237 mm) to above L1 (86 mm).
        let lo = Vector3(-80, -50, -242), hi = Vector3(80, 120, 92)
        spine = Volume(grid: try Self.latticeGrid(lo: lo, hi: hi, h: options.voxelMm), repeating: 0)
    }

    /// An axis-aligned grid covering [lo, hi] whose voxel centres are multiples of `h`.
    static func latticeGrid(lo: Vector3, hi: Vector3, h: Double) throws -> Grid {
        // The tolerance keeps a bound that already lies on the lattice (another grid's origin) on it.
        let first = (lo / h + 1e-6).rounded(.down), last = (hi / h - 1e-6).rounded(.up)
        let n = last - first + 1
        return try Grid(dimensions: SIMD3(Int(n.x), Int(n.y), Int(n.z)), spacingMm: Vector3(h, h, h), originMm: first * h)
    }

    mutating func run() throws -> Subject {
        progress("voxelising L1–L5")
        for level in SpinalLevel.modelled {
            MeshVoxelizer.fill(meshes[level]!, into: &spine, label: level.tissue.rawValue, overwrite: { $0 == 0 })
        }
        progress("measuring each vertebra")
        for level in SpinalLevel.modelled {
            geo[level] = try VertebraGeometry.measure(level: level, label: level.tissue.rawValue, volume: spine, mesh: meshes[level]!)
        }
        progress("sacrum (BodyParts3D, seated under L5)")
        try buildSacrum()
        progress("facet joints L1-2 … L5-S1")
        for (u, l) in Self.segments {
            for side in Side.allCases { facetJoint(upper: u, lower: l, side: side) }
        }
        progress("intervertebral discs")
        for (u, l) in Self.segments { disc(upper: u, lower: l) }
        progress("thecal sac, epidural fat and nerve roots")
        canalContents()
        nerveRoots()
        progress("ligaments")
        for (u, l) in Self.segments { ligaments(upper: u, lower: l) }
        progress("landmarks")
        boneBoxes = IndexBox.boundingEach(spine)
        collectLandmarks()
        progress("pars defects")
        try cutDefects()
        progress("torso, muscle, fat and skin")
        var labels = try layOutTorso()
        progress("pelvis and sacroiliac joints")
        addPelvis(to: &labels)
        progress("synthetic CT")
        let ct = synthesiseCT(labels: labels)
        finishLandmarks(labels: &labels)
        var surfaces: [UInt8: TriangleMesh] = [:]
        for level in SpinalLevel.modelled { surfaces[level.tissue.rawValue] = meshes[level] }
        surfaces[Tissue.sacrum.rawValue] = sacrumMesh
        let hips = Side.allCases.compactMap { hipMeshes[$0] }
        if !hips.isEmpty { surfaces[Tissue.ilium.rawValue] = TriangleMesh.merging(hips) }
        return Subject(habitus: options.habitus, defects: options.defects, labels: labels, ct: ct,
                       landmarks: landmarks, measurements: measurements, seed: options.seed, surfaces: surfaces)
    }

    /// The motion segments, upper and lower level, cranial to caudal.
    static let segments: [(SpinalLevel, SpinalLevel)] = [(.l1, .l2), (.l2, .l3), (.l3, .l4), (.l4, .l5), (.l5, .s1)]

    // MARK: Helpers

    var grid: Grid { spine.grid }

    /// The index box of the spine grid covering a world box centred on `c` with half-size `r` mm.
    func box(around c: Vector3, halfSizeMm r: Vector3) -> IndexBox {
        IndexBox(grid: grid, worldMin: c - r, worldMax: c + r)
    }

    /// Calls `body` with the linear index and world position of every voxel in `box`.
    func forEachVoxel(in box: IndexBox, _ body: (Int, Vector3) -> Void) {
        guard !box.isEmpty else { return }
        let o = grid.worldFromIndex.translation
        for k in box.lower.z...box.upper.z {
            for j in box.lower.y...box.upper.y {
                var lin = grid.linearIndex(box.lower.x, j, k)
                for i in box.lower.x...box.upper.x {
                    body(lin, Vector3(o.x + Double(i) * h, o.y + Double(j) * h, o.z + Double(k) * h))
                    lin += 1
                }
            }
        }
    }

    /// The voxel of `label` nearest to `p` (searching up to 12 mm), or `p` itself when none is found.
    func snap(_ p: Vector3, to label: UInt8) -> Vector3 {
        if spine.value(nearestTo: p) == label { return p }
        var best: (d: Double, q: Vector3)? = nil
        forEachVoxel(in: box(around: p, halfSizeMm: Vector3(12, 12, 12))) { lin, q in
            guard spine.voxels[lin] == label else { return }
            let d = (q - p).length
            if best == nil || d < best!.d { best = (d, q) }
        }
        return best?.q ?? p
    }

    /// Distances (mm) to the nearest voxel where `isFeature` holds, over `box`.
    func distances(in box: IndexBox, _ isFeature: (UInt8) -> Bool) -> [Float] {
        spine.voxels.withUnsafeBufferPointer { v in
            DistanceTransform.distancesMm(grid: grid, box: box) { isFeature(v[$0]) }
        }
    }
}

extension LumbarMeanShape {
    nonisolated(unsafe) private static var cache: [SpinalLevel: TriangleMesh]?
    private static let cacheLock = NSLock()

    /// `vertebrae()`, parsed once per process.
    static func cachedVertebrae() throws -> [SpinalLevel: TriangleMesh] {
        cacheLock.lock(); defer { cacheLock.unlock() }
        if let c = cache { return c }
        let v = try vertebrae()
        cache = v
        return v
    }
}
