import Anatomy
import ArgumentParser
import ParsGuideCore

/// `--voxel-mm`, shared by every command that builds a subject (`phantom`, `subject`, `case`, `serve`,
/// `bench`): one help text from the one range (`PhantomOptions.voxelRangeMm`) and the one default.
struct VoxelSizeOption: ParsableArguments {
    static let parameter = PhysicalParameter(name: "--voxel-mm", unit: "mm", range: PhantomOptions.voxelRangeMm)
    static let defaultMm = PhantomOptions().voxelMm

    @Option(name: .customLong("voxel-mm"),
            help: "Voxel size of the subject it builds (\(parameter.allowedText); default \(defaultMm) mm).")
    var given: Double?

    /// The voxel size asked for, or the default, mm (checked where the subject is built).
    var mm: Double { given ?? Self.defaultMm }
}

/// `--gap-mm` and `--defect-obliquity-deg`: the shape of a carved pars defect, shared by `phantom` and `subject`.
struct DefectShapeOptions: ParsableArguments {
    @Option(name: .customLong("gap-mm"),
            help: "Width of a carved defect's cleft, mm (\(PhysicalParameter(name: "", unit: "", range: ParsDefect.gapRangeMm).allowedText)).")
    var gapMm: Double = ParsDefect.defaultGapMm

    @Option(name: .customLong("defect-obliquity-deg"),
            help: "Tilt of a carved lysis plane from perpendicular to the pars, degrees (\(PhysicalParameter(name: "", unit: "", range: ParsDefect.obliquityRangeDegrees).allowedText)).")
    var obliquityDeg: Double = ParsDefect.defaultObliquity.degrees

    var obliquity: Angle { .degrees(obliquityDeg) }
}
