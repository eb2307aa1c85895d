import Anatomy
import ArgumentParser
import Foundation
import ParsGuideCore

/// `parsguide phantom`: builds the parametric lumbar subject and writes it to a folder.
struct PhantomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Build a labelled lumbar subject (L2–sacrum) with pars defects, and its synthetic CT.",
        discussion: """
        Writes DIR/labels.nii.gz (UInt8 labels), DIR/ct.nii.gz (Int16 HU), DIR/subject.json (habitus, grid,
        defects, landmarks in world LPS mm) and, with --meshes, DIR/meshes/<structure>.stl.
        Defaults reproduce the flagship patient: a 51-year-old man, 177 cm, 74 kg, bilateral L5 pars defects.
        """)

    @Option(name: .long, help: "Output folder: new or empty, or with --force one that ParsGuide wrote.")
    var out: String

    @Option(name: .customLong("height-cm"), help: "Height, cm (120–220).")
    var heightCm: Double = 177

    @Option(name: .customLong("weight-kg"), help: "Weight, kg (30–250).")
    var weightKg: Double = 74

    @Option(help: "Sex: male or female.")
    var sex: String = "male"

    @Option(help: "Age, years (18–100).")
    var age: Double = 51

    @Option(help: "Pars defects as LEVEL-SIDE, comma-separated (levels L1–L5), or none.")
    var defects: String = "L5-left,L5-right"

    @OptionGroup var defectShape: DefectShapeOptions

    @OptionGroup var voxel: VoxelSizeOption

    @OptionGroup var seed: SeedOption

    @Flag(help: "Also write binary STL surfaces of each bone and the dura (marching cubes).")
    var meshes = false

    @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).")
    var force = false

    func options() throws -> PhantomOptions {
        let sex = try Sex.parse(sex)
        var o = PhantomOptions()
        o.habitus = try Habitus(heightCm: heightCm, weightKg: weightKg, sex: sex, ageYears: age)
        o.defects = try ParsDefect.parseList(defects, gapMm: defectShape.gapMm, obliquity: defectShape.obliquity)
        o.voxelMm = voxel.mm
        o.seed = seed.seed
        return try o.validated()
    }

    func run() throws {
        let options = try options()
        // Refuse a bad destination before spending seconds on the build.
        let folder = try OutputFolder(out, command: "phantom", force: force)
        let clock = ContinuousClock(), start = clock.now
        let progress = Progress(start: start)
        let subject = try LumbarPhantom.build(options, progress: progress.say)
        if let replaced = try SubjectWriter.write(subject, to: folder, meshes: meshes, progress: progress.say) { progress.say(replaced) }
        let g = subject.labels.grid
        print("wrote \(out): \(g.dimensions.x)×\(g.dimensions.y)×\(g.dimensions.z) voxels of \(options.voxelMm) mm, "
            + "BMI \(String(format: "%.1f", options.habitus.bodyMassIndex)), "
            + "defects: \(subject.defects.map(\.name).joined(separator: ", ").ifEmpty("none")), "
            + "in \(Progress.seconds(clock.now - start)) s")
    }
}

/// Progress lines on standard error, with elapsed time.
struct Progress: Sendable {
    let start: ContinuousClock.Instant

    var say: @Sendable (String) -> Void {
        let start = start
        return { stage in
            let line = "[\(Progress.seconds(ContinuousClock.now - start)) s] \(stage)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        return String(format: "%.2f", s)
    }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
