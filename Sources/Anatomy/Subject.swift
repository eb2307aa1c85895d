/// A labelled model of a patient's lower back in world LPS millimetres, prone.
public struct Subject: Sendable {
    public var habitus: Habitus
    public var defects: [ParsDefect]
    /// Tissue labels (`Tissue` raw values).
    public var labels: Volume<UInt8>
    /// Hounsfield units synthesised from the labels.
    public var ct: Volume<Int16>
    /// Named points in world LPS millimetres, e.g. `L5.left.pars`.
    public var landmarks: [String: Vector3]
    /// Derived figures (depths, thicknesses, angles) with their units in the key.
    public var measurements: [String: Double]
    /// The seed of the CT texture.
    public var seed: UInt64
    /// The bones' own surfaces, label → triangle mesh in world LPS mm: the placed source meshes the labels
    /// were voxelised from (empty when the subject has none, e.g. one read from labels alone).
    public var surfaces: [UInt8: TriangleMesh] = [:]

    /// The landmark name of the pars targeted by `L5-left` and the like.
    public static func parsLandmarkName(level: SpinalLevel, side: Side) -> String {
        "\(level.rawValue).\(side.rawValue).pars"
    }
}

/// What to build.
public struct PhantomOptions: Sendable {
    public var habitus: Habitus = .flagship
    /// Default: the flagship case's bilateral L5 defects, 2 mm wide.
    public var defects: [ParsDefect] = ParsDefect.flagship
    public var voxelMm: Double = 0.5
    public var seed: UInt64 = 1
    public var hounsfield = HounsfieldTable()

    public static let voxelRangeMm: ClosedRange<Double> = 0.2...2

    public init() {}

    public func validated() throws -> PhantomOptions {
        guard voxelMm.isFinite, Self.voxelRangeMm.contains(voxelMm) else {
            throw AnatomyError.valueOutOfRange(name: "voxel size", value: voxelMm, allowed: Self.voxelRangeMm, unit: "mm")
        }
        return self
    }
}
