import Anatomy
import ArgumentParser
import Clinical
import Foundation
import ParsGuideCore
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
        DIR/case.json (every number), DIR/subject.json, and the registry DIR/parsguide.sqlite (or --db).
        """)

    @Option(help: "Output folder: new or empty, or with --force an earlier output of ParsGuide.") var out: String = "case-report"
    @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).") var force = false
    @Option(help: "Registry file to add the case to (default: a fresh DIR/parsguide.sqlite).") var db: String?
    @Option(help: "Seed of the CT texture and the speckle.") var seed: UInt64 = 1
    @Option(name: .customLong("height-cm"), help: "Height, cm.") var heightCm: Double = 177
    @Option(name: .customLong("weight-kg"), help: "Weight, kg.") var weightKg: Double = 74
    @Option(help: "Age, years.") var age: Double = 51
    @Option(help: "male or female.") var sex: String = "male"
    @Option(help: "Pars defects as LEVEL-SIDE, comma-separated, or none.") var defects: String = "L5-left,L5-right"
    @Option(help: "Level injected (both sides): L1–L5.") var level: String = "L5"
    @Option(name: .customLong("voxel-mm"), help: "Voxel size of the subject, mm.") var voxelMm: Double = 0.5
    @Option(help: "Side of each square figure panel, pixels (128–2048).") var panel: Int = 512

    func run() throws {
        let sex = try Sex.parse(sex), level = try SpinalLevel.parse(level)
        guard (128...2048).contains(panel) else { throw ValidationError("--panel \(panel) is out of range: allowed 128–2048") }
        // Everything is checked before anything is built or written: the habitus, the defects, the voxel
        // size, the output folder and the registry.
        var phantom = PhantomOptions()
        phantom.habitus = try Habitus(heightCm: heightCm, weightKg: weightKg, sex: sex, ageYears: age)
        phantom.defects = try ParsDefect.parseList(defects)
        phantom.voxelMm = voxelMm
        _ = try phantom.validated()
        let folder = try OutputFolder(out, command: "case", force: force)
        if let db { try Self.checkRegistry(db, outside: folder) }
        var o = PublishedCase.Options()
        o.out = out; o.db = db; o.seed = seed; o.heightCm = heightCm; o.weightKg = weightKg; o.ageYears = age; o.sex = sex
        o.defects = defects; o.level = level; o.voxelMm = voxelMm; o.panelPixels = panel
        let clock = ContinuousClock()
        var replaced: String?
        let elapsed = try clock.measure {
            replaced = try PublishedCase(options: o, folder: folder, progress: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }).run().replaced
        }
        if let replaced { print(replaced) }
        print(String(format: "wrote %@/report.html, case.json, figures/ and the registry in %.1f s — open %@/report.html in a browser",
                     out, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18, out))
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
