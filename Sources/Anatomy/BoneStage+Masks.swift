import Foundation

/// The bone stage on a patient's masks: the bones are already voxels (no meshes to place or voxelise), so
/// the stage measures them — each vertebra's geometry, the sacrum's frame from its own S1 endplate, the
/// modelled sacral canal, the S1 superior articular processes — for the later stages to read.
extension BoneStage {
    /// Takes a spine grid that already holds L1–L5 (labels 20–24) and the sacrum (26), with the lumbar
    /// midline at world x = 0.
    init(maskedSpine: Volume<UInt8>, voxelMm: Double, progress: @escaping (String) -> Void) {
        h = voxelMm
        self.progress = progress
        spine = maskedSpine
        meshes = [:]
    }

    /// Measures the masked bones (`init(maskedSpine:…)`).
    consuming func runOnMasks() throws -> Output {
        try measureVertebrae(foramen: .withinHull)
        progress("sacrum: S1 endplate, canal and articular processes")
        sacrum = try sacrumFrameFromVoxels()
        sacrum.canal = measureSacralCanal()
        for side in Side.allCases { s1SuperiorArticularProcess[side] = s1ArticularProcess(side) }
        measurements["l5InferiorEndplateSlopeDegrees"] = acos(min(1, geo[.l5]!.inferiorEndplate.normal.z)) * 180 / .pi
        measurements["sacralSlopeDegrees"] = acos(min(1, sacrum.up.z)) * 180 / .pi
        let placed = PlacedBones(meshes: [:], geo: geo, sacrum: sacrum, sacrumMesh: TriangleMesh(), hipMeshes: [:],
                                 s1SuperiorArticularProcess: s1SuperiorArticularProcess)
        return Output(spine: spine, voxelMm: h, placed: placed, measurements: measurements)
    }

    /// The sacrum's frame from its voxels: the S1 endplate is a plane fitted to the sacral bone that faces the
    /// L5 body across the disc (straight below the lowest L5 body voxel of each column within 12 mm of the
    /// midline and in front of its canal, within 25 mm); the apex is the sacral voxel farthest below it.
    func sacrumFrameFromVoxels() throws -> SacrumFrame {
        let l5 = geo[.l5]!, bone = Tissue.sacrum.rawValue, l5Label = SpinalLevel.l5.tissue.rawValue
        var lowest: [SIMD2<Int>: Vector3] = [:]
        forEachVoxel(in: box(around: l5.bodyCentre, halfSizeMm: Vector3(15, 30, 30))) { lin, p in
            guard spine.voxels[lin] == l5Label, abs(p.x - l5.bodyCentre.x) < 12, l5.local(p).a < l5.canalFrontA - 2 else { return }
            let key = SIMD2(Int((p.x / h).rounded()), Int((p.y / h).rounded()))
            if lowest[key].map({ p.z < $0.z }) ?? true { lowest[key] = p }
        }
        var top: [SIMD2<Int>: Vector3] = [:]
        for (key, p) in lowest {
            var q = p
            while p.z - q.z < 25 {
                q.z -= h
                if spine.value(nearestTo: q) == bone { top[key] = q; break }
            }
        }
        guard top.count >= 20 else {
            throw AnatomyError.geometry(reason: "no S1 endplate found: the sacrum mask has no bone within 25 mm below the L5 body")
        }
        let tops = top.keys.sorted { ($0.x, $0.y) < ($1.x, $1.y) }.map { top[$0]! }
        let centre = tops.reduce(Vector3.zero, +) / Double(tops.count)
        var plane = VertebraGeometry.endplates(tops, centre: centre, spacing: h).top
        if plane.normal.z < 0 { plane.normal = -plane.normal }
        let up = plane.normal, posterior = Vector3(0, up.z, -up.y).normalized
        var apex = 0.0
        forEachVoxel(in: IndexBox(lower: .zero, upper: grid.dimensions &- 1)) { lin, p in
            if spine.voxels[lin] == bone { apex = max(apex, (p - plane.centre).dot(-up)) }
        }
        let radii = s1BodyRadii()
        return SacrumFrame(origin: plane.centre, up: up, posterior: posterior, bodyRadiusU: radii.u, bodyRadiusV: radii.v, lengthMm: apex)
    }
}
