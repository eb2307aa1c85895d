import Foundation

/// Builds the parametric lumbar subject: L2–L5 from the population-mean mesh, BodyParts3D's L1 set on L2
/// (`L1Placement`), its sacrum and hip bones seated under L5 (`LumbosacralPlacement`), discs, facet joints, thecal sac, nerve roots, ligaments, pars defects, paraspinal muscle, fat and
/// skin sized from the habitus, and a synthetic CT.
///
/// Bony and canal structures are built first in a "spine grid" around the vertebrae (`SpineGridWork`); the
/// torso is then laid out in the full grid (same voxel lattice) and the spine grid copied in.
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

    /// Builds the subject in four stages, each a type with declared inputs and outputs:
    /// `BoneStage` → `JointsAndCanalStage` → `SoftTissueStage` → `CTStage`. `progress` is told the name of
    /// each step as it starts.
    public static func build(_ options: PhantomOptions, progress: @escaping (String) -> Void = { _ in }) throws -> Subject {
        let options = try options.validated()
        // Each stage is consumed by its run, so the spine grid moves from stage to stage and is written in place.
        let bones = try BoneStage(voxelMm: options.voxelMm, progress: progress).run()
        let spine = try JointsAndCanalStage(bones: consume bones, defects: options.defects, progress: progress).run()
        let body = try SoftTissueStage(spine: consume spine, habitus: options.habitus, progress: progress).run()
        progress("synthetic CT")
        let ct = CTStage(body: body, hounsfield: options.hounsfield, sex: options.habitus.sex, seed: options.seed).run()
        var surfaces: [UInt8: TriangleMesh] = [:]
        for level in SpinalLevel.modelled { surfaces[level.tissue.rawValue] = body.placed.meshes[level] }
        surfaces[Tissue.sacrum.rawValue] = body.placed.sacrumMesh
        surfaces[Tissue.ilium.rawValue] = TriangleMesh.merging(Side.allCases.compactMap { body.placed.hipMeshes[$0] })
        return Subject(habitus: options.habitus, defects: options.defects, labels: body.labels, ct: ct,
                       landmarks: body.landmarks, measurements: body.measurements, seed: options.seed, surfaces: surfaces,
                       source: .phantom(voxelMm: options.voxelMm))
    }

    /// An axis-aligned grid covering [lo, hi] whose voxel centres are multiples of `h`.
    static func latticeGrid(lo: Vector3, hi: Vector3, h: Double) throws -> Grid {
        // The tolerance keeps a bound that already lies on the lattice (another grid's origin) on it.
        let first = (lo / h + 1e-6).rounded(.down), last = (hi / h - 1e-6).rounded(.up)
        let n = last - first + 1
        return try Grid(dimensions: SIMD3(Int(n.x), Int(n.y), Int(n.z)), spacingMm: Vector3(h, h, h), originMm: first * h)
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
