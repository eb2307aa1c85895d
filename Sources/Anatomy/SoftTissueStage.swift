/// Stage 3 of the subject build: the body around the spine, in the full grid.
///
/// Inputs: the spine (`JointsAndCanalStage.Output`) and the habitus. Output: the full grid's labels — the torso
/// (skin, subcutaneous fat, the paraspinal compartments, psoas, quadratus lumborum, other muscle and soft
/// tissue) sized from the habitus, the spine grid copied in, the hip bones voxelised with the sacroiliac joint
/// spaces; the landmarks and measurements completed with the iliac crests and the skin depths. The spine grid
/// and the meshes pass through for the CT and the bone surfaces.
struct SoftTissueStage: SpineGridWork {
    struct Output {
        let labels: Volume<UInt8>
        let spine: Volume<UInt8>
        let voxelMm: Double
        let placed: PlacedBones
        let landmarks: [String: Vector3]
        let measurements: [String: Double]
    }

    let h: Double
    let progress: (String) -> Void
    let habitus: Habitus
    let placed: PlacedBones
    var geo: [SpinalLevel: VertebraGeometry] { placed.geo }
    var sacrum: SacrumFrame { placed.sacrum }
    var sacrumMesh: TriangleMesh { placed.sacrumMesh }
    var hipMeshes: [Side: TriangleMesh] { placed.hipMeshes }
    /// The spine grid, read only here.
    var spine: Volume<UInt8>
    var landmarks: [String: Vector3]
    var measurements: [String: Double]

    init(spine built: consuming JointsAndCanalStage.Output, habitus: Habitus, progress: @escaping (String) -> Void) {
        spine = built.spine
        h = built.voxelMm
        placed = built.placed
        landmarks = built.landmarks
        measurements = built.measurements
        self.habitus = habitus
        self.progress = progress
    }

    consuming func run() throws -> Output {
        progress("torso, muscle, fat and skin")
        var labels = try layOutTorso()
        progress("pelvis and sacroiliac joints")
        addPelvis(to: &labels)
        finishLandmarks(labels: labels)
        return Output(labels: labels, spine: spine, voxelMm: h, placed: placed, landmarks: landmarks, measurements: measurements)
    }
}
