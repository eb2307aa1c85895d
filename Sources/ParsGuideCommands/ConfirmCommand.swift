import Anatomy
import ArgumentParser
import Fluoroscopy
import Foundation
import Imaging
import Procedure
import ParsGuideCore

/// `parsguide confirm`: the multiplanar fluoroscopic confirmation of a plan's needle (and contrast).
struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Render the fluoroscopic confirmation set: AP, ipsilateral oblique, lateral (+ AP, lateral after contrast).",
        discussion: """
        Shots are centred on the plan's target at 80 kVp, 2 mAs each, with the needle at its planned tip (or \
        --tip x,y,z, e.g. a rehearsal's last tip). Writes DIR/fl-<shot>.png and DIR/confirm.json: the tip's \
        structure and its distance to the target, and the dose ledger (reference air kerma, DAP) of the set.
        """)

    @OptionGroup var input: PlanInputOptions

    @Option(help: "Iodine volume from `parsguide inject` (mg I/mL): adds AP and lateral after contrast.")
    var contrast: String?

    @Option(help: "Needle tip x,y,z in world LPS mm (default: the plan's target).")
    var tip: String?

    @OptionGroup var size: SquareSizeOption

    @Option(help: "Output folder: new or empty, or with --force one that ParsGuide wrote.")
    var out: String

    @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).")
    var force = false

    func run() throws {
        try size.check()
        let folder = try OutputFolder(out, command: "confirm", force: force)
        let (subject, plan, scene) = try input.loadWithCT()
        let iodine = try contrast.map { try IodineVolume.read(path: $0) }
        let set = try Confirmation.render(scene: scene, labels: subject.labels, plan: plan, tipMm: try tip.map { try parseVector($0, flag: "--tip") },
                                          contrast: iodine, pixels: size.pixels)
        let dir = try folder.begin()
        var files: [String: String] = [:]
        for shot in set.shots {
            let file = "fl-\(shot.name).png"
            try PNG.write(shot.image, to: (dir as NSString).appendingPathComponent(file))
            files[shot.name] = file
        }
        let report = ConfirmationReport(target: plan.target.name, tipMm: [set.tipMm.x, set.tipMm.y, set.tipMm.z], tipToTargetMm: set.tipToTargetMm,
                                        tipStructure: set.tipStructure, files: files, shots: set.shots.map { .init(name: $0.name, dose: $0.dose) },
                                        exposures: set.ledger.exposures, totalReferenceAirKermaMGy: set.ledger.totalReferenceAirKermaMGy,
                                        totalDoseAreaProductMGyCm2: set.ledger.totalDoseAreaProductMGyCm2)
        try writeJSON(report, to: (dir as NSString).appendingPathComponent("confirm.json"))
        if let replaced = try folder.commit() { print(replaced) }
        print(String(format: "wrote %@: %d shots, tip in the %@ %.1f mm from the target; reference air kerma %.2f mGy, DAP %.1f mGy·cm²",
                     out, set.shots.count, set.tipStructure, set.tipToTargetMm, set.ledger.totalReferenceAirKermaMGy, set.ledger.totalDoseAreaProductMGyCm2))
    }
}

/// `confirm.json`. Key names are a public contract.
struct ConfirmationReport: Codable {
    struct ShotEntry: Codable { var name: String; var dose: ShotDose }
    var target: String
    var tipMm: [Double]
    var tipToTargetMm: Double
    var tipStructure: String
    var files: [String: String]
    var shots: [ShotEntry]
    var exposures: Int
    var totalReferenceAirKermaMGy: Double
    var totalDoseAreaProductMGyCm2: Double
}
