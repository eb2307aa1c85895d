import Anatomy
import ArgumentParser
import Clinical
import Foundation
import ParsGuideCore
import Procedure
import Session

/// `parsguide case`: the published case end to end, into one folder.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Run the flagship case end to end: figures, rehearsal, registry record and the CARE case report.",
        discussion: """
        Defaults reproduce the published case: a 51-year-old man, 177 cm, 74 kg, bilateral L5 pars defects. \
        Writes DIR/figures/fig1a–fig1d.png (ultrasound and 3D), fig2a–fig2h.png (fluoroscopy and 3D), \
        figures/insertion-left.png (the rehearsal, an animated PNG), DIR/report.html (open it in a browser; it prints cleanly), \
        DIR/case.json (every number), DIR/subject.json, and the registry DIR/parsguide.sqlite (or --db). \
        With --subject DIR the same figures and numbers come from that subject folder — a phantom or the patient's own CT \
        (`parsguide subject`) — as a rehearsal: the report states where the anatomy comes from and its voxel size, and \
        reports no clinical findings or outcome; nothing goes into a registry.
        """)

    @Option(help: "Output folder: new or empty, or with --force an earlier output of ParsGuide.") var out: String = "case-report"
    @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).") var force = false
    @Option(help: ArgumentHelp("Rehearse on this subject folder (from `parsguide phantom` or `parsguide subject`) instead of the published patient: no clinical findings, outcome or registry.", valueName: "DIR"))
    var subject: String?
    @Option(help: "Registry file to add the case to (default: a fresh DIR/parsguide.sqlite; not with --subject).") var db: String?
    @OptionGroup var seed: SeedOption
    @Option(name: .customLong("height-cm"), help: "Height, cm (default 177; not with --subject).") var heightCm: Double?
    @Option(name: .customLong("weight-kg"), help: "Weight, kg (default 74; not with --subject).") var weightKg: Double?
    @Option(help: "Age, years (default 51; not with --subject).") var age: Double?
    @Option(help: "male or female (default male; not with --subject).") var sex: String?
    @Option(help: "Pars defects as LEVEL-SIDE, comma-separated, or none (default L5-left,L5-right; not with --subject).") var defects: String?
    @Option(help: "Level injected (both sides): L1–L5.") var level: String = "L5"
    @OptionGroup var voxel: VoxelSizeOption  // not with --subject
    @Option(help: "Side of each square figure panel, pixels (128–2048).") var panel: Int = 512

    func run() throws {
        let level = try SpinalLevel.parse(level)
        guard (128...2048).contains(panel) else { throw ValidationError("--panel \(panel) is out of range: allowed 128–2048") }
        // Everything is checked before anything is built or written: the habitus, the defects, the voxel
        // size (or the subject folder), the output folder and the registry.
        var o = PublishedCase.Options()
        if let subject {
            let given = [("--height-cm", heightCm != nil), ("--weight-kg", weightKg != nil), ("--age", age != nil), ("--sex", sex != nil),
                         ("--defects", defects != nil), ("--voxel-mm", voxel.given != nil), ("--db", db != nil)].filter(\.1).map(\.0)
            guard given.isEmpty else {
                throw ValidationError("--subject \(subject) rehearses on that folder's anatomy, so \(given.joined(separator: ", ")) cannot be given with it: its habitus, defects and voxel size are the folder's, and a rehearsal goes into no registry")
            }
            _ = try SubjectFolder(directory: subject)
            o.subject = subject
        } else {
            let phantomDefaults = PublishedCase.Options()
            var phantom = PhantomOptions()
            phantom.habitus = try Habitus(heightCm: heightCm ?? phantomDefaults.heightCm, weightKg: weightKg ?? phantomDefaults.weightKg,
                                          sex: try sex.map(Sex.parse) ?? phantomDefaults.sex, ageYears: age ?? phantomDefaults.ageYears)
            phantom.defects = try ParsDefect.parseList(defects ?? phantomDefaults.defects)
            phantom.voxelMm = voxel.mm
            _ = try phantom.validated()
            o.heightCm = phantom.habitus.heightCm; o.weightKg = phantom.habitus.weightKg; o.ageYears = phantom.habitus.ageYears
            o.sex = phantom.habitus.sex; o.defects = defects ?? phantomDefaults.defects; o.voxelMm = phantom.voxelMm
        }
        let folder = try OutputFolder(out, command: "case", force: force)
        if let db { try Self.checkRegistry(db, outside: folder) }
        o.out = out; o.db = db; o.seed = seed.seed; o.level = level; o.panelPixels = panel
        let clock = ContinuousClock()
        var replaced: String?
        let elapsed = try clock.measure {
            replaced = try PublishedCase(options: o, folder: folder, progress: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }).run().replaced
        }
        if let replaced { print(replaced) }
        print(String(format: "wrote %@/report.html, case.json, figures/%@ in %.1f s — open %@/report.html in a browser",
                     out, o.subject == nil ? " and the registry" : "", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18, out))
    }

    /// A `--db` must be a ParsGuide registry (or a new or 0-byte file in an existing folder) and must not
    /// lie inside the output folder, which the case replaces.
    static func checkRegistry(_ db: String, outside folder: OutputFolder) throws {
        let dbURL = URL(fileURLWithPath: db).standardizedFileURL
        if dbURL.path.hasPrefix(folder.target.path + "/") {
            throw ValidationError("--db \(db) lies inside --out \(folder.path), which the case writes whole: leave --db out (the case then makes DIR/parsguide.sqlite) or name a registry elsewhere")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: db))?[.size] as? Int, size > 0 {
            _ = try Registry(path: db, mode: .readOnly)
        } else {
            try Registry.checkPlace(db, mode: .create)
        }
    }
}
