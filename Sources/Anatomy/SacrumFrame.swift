import Foundation

/// The sacrum's frame, from the S1 superior endplate of the placed BodyParts3D sacrum
/// (`LumbosacralPlacement`), and its canal (modelled in the bone: the mesh has none).
///
/// Frame: origin at the centre of the S1 superior endplate; `up` is the endplate's cranial normal,
/// `posterior` lies in the endplate and the sagittal plane, lateral is world x. Local coordinates
/// (u, v, w): u = x, v along `posterior`, w = depth below the endplate (caudal, ≥ 0 inside).
struct SacrumFrame {
    var origin: Vector3
    var up: Vector3
    var posterior: Vector3
    /// S1 body semi-axes (lateral, AP), from the L5 inferior endplate.
    var bodyRadiusU: Double
    var bodyRadiusV: Double
    /// Length from the S1 endplate to the apex of the sacrum along `up`, mm (measured on the mesh).
    var lengthMm: Double
    /// The sacral canal at depths below the endplate (`BoneStage.measureSacralCanal`), from S1 to the
    /// hiatus.
    var canal: [CanalSection] = []
    /// The canal continued upward from its top section, along `up`, to `CanalSection.openingMm` above the
    /// endplate: the S1 canal opens into L5's behind the S1 body and under the L5–S1 interlaminar window,
    /// with no bony roof (the mesh is solid there).
    var canalOpening: CanalSection?

    /// One cross-section of the sacral canal, world mm.
    struct CanalSection {
        var depthMm: Double
        var centre: Vector3
        var halfWidthMm: Double
        var halfDepthMm: Double
        /// The half-depth seen in an axial slice (larger where the canal slants).
        var axialHalfDepthMm: Double = 0
        /// The back of the canal (the anterior surface of the lamina) in the midline.
        var back: Vector3

        /// How far above the S1 endplate the canal is opened, mm (chosen: past the tops of the S1
        /// superior articular processes, so no bone of the solid mesh is left over the canal).
        static let openingMm = 15.0
    }

    func local(_ p: Vector3) -> (u: Double, v: Double, w: Double) {
        let d = p - origin
        return (d.x, d.dot(posterior), -d.dot(up))
    }

    func world(u: Double, v: Double, w: Double) -> Vector3 {
        origin + Vector3(u, 0, 0) + posterior * v - up * w
    }
}
