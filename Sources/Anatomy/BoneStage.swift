import Foundation

/// Stage 1 of the subject build: the bones, in the spine grid.
///
/// Input: the voxel size. Output: L1–L5 (L2–L5 from the population-mean mesh, BodyParts3D's L1 set on L2
/// by `L1Placement`) and BodyParts3D's sacrum seated under L5 (`LumbosacralPlacement`) with its sacral canal
/// carved, voxelised into the spine grid; each vertebra's measured geometry; the sacrum's frame; the placed
/// sacrum and hip meshes (the hip bones are voxelised later, in the full grid); the S1 superior articular
/// processes; the placement's measurements.
struct BoneStage: SpineGridWork {
    struct Output {
        var spine: Volume<UInt8>
        let voxelMm: Double
        let placed: PlacedBones
        var measurements: [String: Double]
    }

    let h: Double
    let progress: (String) -> Void
    var spine: Volume<UInt8>
    var meshes: [SpinalLevel: TriangleMesh]
    var geo: [SpinalLevel: VertebraGeometry] = [:]
    var sacrum: SacrumFrame!
    var sacrumMesh: TriangleMesh!
    var hipMeshes: [Side: TriangleMesh] = [:]
    var s1SuperiorArticularProcess: [Side: Vector3] = [:]
    var measurements: [String: Double] = [:]

    init(voxelMm: Double, progress: @escaping (String) -> Void) throws {
        h = voxelMm
        self.progress = progress
        progress("loading the L2–L5 mean shape and placing L1")
        meshes = try LumbarMeanShape.cachedVertebrae()
        let l1 = try L1Placement.standard()
        meshes[.l1] = l1.l1
        for side in Side.allCases {
            measurements["L1-L2.\(side.rawValue).jointSpaceMm"] = l1.jointSpaceMm[side]
            measurements["L1-L2.\(side.rawValue).articularGapMedianMm"] = l1.articularGaps[side]?.medianAfterMm
        }
        // The spine grid: every bony and canal structure fits in it. Origins sit on the voxel
        // lattice (multiples of h) so the spine grid drops into the full grid by whole voxels.
        // z: from below the ischial tuberosities (the hip bones reach −237 mm) to above L1 (86 mm).
        let lo = Vector3(-80, -50, -242), hi = Vector3(80, 120, 92)
        spine = Volume(grid: try LumbarPhantom.latticeGrid(lo: lo, hi: hi, h: voxelMm), repeating: 0)
    }

    consuming func run() throws -> Output {
        progress("voxelising L1–L5")
        for level in SpinalLevel.modelled {
            MeshVoxelizer.fill(meshes[level]!, into: &spine, label: level.tissue.rawValue, overwrite: { $0 == 0 })
        }
        try measureVertebrae()
        progress("sacrum (BodyParts3D, seated under L5)")
        try buildSacrum()
        let placed = PlacedBones(meshes: meshes, geo: geo, sacrum: sacrum, sacrumMesh: sacrumMesh, hipMeshes: hipMeshes,
                                 s1SuperiorArticularProcess: s1SuperiorArticularProcess)
        return Output(spine: spine, voxelMm: h, placed: placed, measurements: measurements)
    }
}

extension BoneStage {
    /// Measures L1–L5 in the spine grid (with their meshes where they have them), each on its own core:
    /// the measurements only read the grid.
    mutating func measureVertebrae(foramen: VertebraGeometry.ForamenSearch = .enclosed) throws {
        progress("measuring each vertebra")
        let levels = SpinalLevel.modelled, measured = ResultSlots<Result<VertebraGeometry, Error>>(count: levels.count)
        nonisolated(unsafe) let (grid, meshes) = (spine, self.meshes)
        DispatchQueue.concurrentPerform(iterations: levels.count) { n in
            let level = levels[n]
            measured[n] = Result { try VertebraGeometry.measure(level: level, label: level.tissue.rawValue, volume: grid, mesh: meshes[level], foramen: foramen) }
        }
        for (n, level) in levels.enumerated() { geo[level] = try measured[n]!.get() }
    }
}
