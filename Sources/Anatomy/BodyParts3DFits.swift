/// The surface fits and seating motions that place BodyParts3D's bones, frozen: iterative closest points
/// and the seating searches take ≈ 2 s per process, and the shipped meshes never change between runs.
/// `LumbosacralPlacementTests.frozenFits` recomputes them all and fails, printing the new values, if they drift.
enum BodyParts3DFits {
    /// `JointSeating` results (normal mm, posterior mm, tilt °): the sacrum under L5, L1 on L2.
    static let sacrumSeat = (3.75, -1.5, -0.5)
    static let l1Seat = (0.25, 4.75, 1.0)

    /// BodyParts3D's L5 onto the mean-shape L5 (world LPS mm).
    static let l5OntoMeanShapeL5 = SurfaceRegistration(
        transform: SimilarityTransform(
            scale: 1.0072192771430604,
            rotation: [Vector3(0.9996384147001924, 0.023397358990874646, 0.01325154511512908),
                       Vector3(-0.02233907999363175, 0.9969295835626546, -0.07504912339681359),
                       Vector3(-0.01496680863525306, 0.07472595941066378, 0.997091783954432)],
            translationMm: Vector3(-12.645553489618608, 157.71718872747374, -989.8652759951901)),
        symmetricRMSMm: 2.575324326159538, iterations: 49)

    /// BodyParts3D's L1 onto the mean-shape L2 (only its rotation is used: `L1Placement`).
    static let l1OntoMeanShapeL2 = SurfaceRegistration(
        transform: SimilarityTransform(
            scale: 1.0629158414066662,
            rotation: [Vector3(0.9999605889241738, 0.00876432104984944, -0.0014167833125975225),
                       Vector3(-0.00886368760301603, 0.9764554611433458, -0.21553692826384122),
                       Vector3(-0.0005056090345600613, 0.21554099164630205, 0.9764946621869641)],
            translationMm: Vector3(3.132104770166816, 332.6123115446069, -1036.490758181269)),
        symmetricRMSMm: 2.80915116095334, iterations: 35)

    /// Both fits computed afresh (for the test).
    static func computed() throws -> (l5: SurfaceRegistration, l1: SurfaceRegistration) {
        let shape = try LumbarMeanShape.cachedVertebrae()
        let l5 = SurfaceRegistration.fit(source: try BodyParts3D.mesh(.l5).vertices.map { Vector3($0) },
                                         target: shape[.l5]!.vertices.map { Vector3($0) })
        let l1 = SurfaceRegistration.fit(source: try BodyParts3D.mesh(.l1).vertices.map { Vector3($0) },
                                         target: shape[.l2]!.vertices.map { Vector3($0) })
        return (l5, l1)
    }
}
