import Foundation
import ParsGuideCore

/// A labelled model of a patient's lower back in world LPS millimetres, prone.
public struct Subject: Sendable {
    /// The habitus the phantom was sized to; nil for a patient's CT, where the body is measured, not sized.
    public var habitus: Habitus?
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
    /// Where the anatomy comes from.
    public var source: SubjectSource
    /// Attribution lines of the sources the anatomy derives from (their licences ask for them).
    public var attribution: [String] = SubjectDocument.attribution

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

    /// These options, checked: the voxel size in range, and the build's memory within `availableBytes`.
    public func validated(availableBytes: Int = MemoryBudget.availableBytes()) throws -> PhantomOptions {
        guard voxelMm.isFinite, Self.voxelRangeMm.contains(voxelMm) else {
            throw ParameterOutOfRange(parameter: PhysicalParameter(name: "voxel size", unit: "mm", range: Self.voxelRangeMm), value: voxelMm)
        }
        // The finest tenth of a millimetre that would fit, for the advice.
        let fits = stride(from: 0.3, through: Self.voxelRangeMm.upperBound, by: 0.1).first { h in
            var o = self
            o.voxelMm = h
            return o.estimatedPeakBytes <= Double(availableBytes)
        }
        try MemoryBudget.check(String(format: "a subject at %.2f mm voxels", voxelMm), neededBytes: estimatedPeakBytes, availableBytes: availableBytes,
                               advice: fits.map { String(format: "use --voxel-mm %.1f or coarser", $0) } ?? "free memory or use a larger machine")
        return self
    }

    /// The build's peak memory, bytes (estimated before building): the full grid's voxels — the flagship's
    /// 283 M at 0.5 mm scaled by the voxel volume and by the torso's cross-section (never below the
    /// flagship's: the pelvis sets the grid's width) — at 7 bytes each (measured: 1950 MB peak for the
    /// flagship, docs/BENCHMARKS.md).
    public var estimatedPeakBytes: Double {
        let (a, b) = habitus.torsoSemiAxesMm, (a0, b0) = Habitus.flagship.torsoSemiAxesMm
        let voxels = 282_920_769 * pow(0.5 / voxelMm, 3) * max(1, (a * b) / (a0 * b0))
        return 7 * voxels
    }
}
