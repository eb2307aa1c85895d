import Anatomy
import ArgumentParser
import Foundation
import Procedure
import ParsGuideCore

/// `parsguide inject`: spread an injected volume from the plan's tip; write the iodine volume.
struct InjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Inject at the plan's tip: contrast spread through the tissues, as an iodine volume (NIfTI).",
        discussion: """
        The injectate fills the voxels around the tip in order of least accumulated resistance: the pars \
        defect's cleft, then the facet joint capsule, then loose soft tissue, then muscle; never bone, dura, \
        CSF, disc or skin unless the tip is in them (an intrathecal injection is reported). Writes \
        DIR/contrast.nii.gz (mg I/mL on a grid cropped to the spread; give it to `parsguide confirm \
        --contrast` or `parsguide fluoro --contrast`) and DIR/injection.json (placed volume and the mL \
        reached per tissue). --medication records the therapeutic injectate of that side and checks the \
        session totals against the maximum doses (data sheet §9).
        """)

    @OptionGroup var input: PlanInputOptions

    @Option(name: .customLong("volume-ml"), help: "Volume injected, mL (\(ContrastSpread.volume.allowedText); 0.2–0.5 mL confirms a needle).")
    var volumeMl: Double = 0.3

    @Option(help: "The injected drug: iohexol-240 (default), iohexol-300, or a non-contrast drug (no iodine).")
    var drug: String = "iohexol-240"

    @Option(help: "Also injected on this side, checked against maximum doses: DRUG:ML,… e.g. triamcinolone-40:0.5,bupivacaine-0.5:0.5")
    var medication: String?

    @Option(help: "Output folder: new or empty, or with --force one that ParsGuide wrote.")
    var out: String

    @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).")
    var force = false

    func validate() throws {
        try ContrastSpread.volume.checked(volumeMl)
    }

    func run() throws {
        let folder = try OutputFolder(out, command: "inject", force: force)
        let drug = try Drug.named(self.drug)
        var doses: [(Drug, Double)] = [(drug, volumeMl)]
        if let medication {
            for item in medication.split(separator: ",") {
                let parts = item.split(separator: ":")
                guard parts.count == 2, let ml = Double(parts[1]) else { throw ValidationError("--medication '\(item)' is not DRUG:ML, e.g. bupivacaine-0.5:0.5") }
                doses.append((try Drug.named(String(parts[0])), ml))
            }
        }
        let (subject, plan) = try input.load()
        let injectate = try Injectate(side: plan.target.name, doses: doses)
        let (totals, warnings) = try Injectate.checkTotals([injectate])
        let result = try ContrastSpread.inject(labels: subject.labels, tipMm: plan.targetPoint, volumeMl: volumeMl, drug: drug)
        let dir = try folder.begin()
        let volumePath = (dir as NSString).appendingPathComponent("contrast.nii.gz")
        try NIfTI.write(result.concentration, to: volumePath, description: "ParsGuide \(drug.name) mg/mL")
        let report = InjectionReport(target: plan.target.name, drug: drug.name, injectedMl: result.injectedMl, placedMl: result.placedMl,
                                     reachedMl: result.reachedMl, tipTissue: result.tipTissue, events: result.events,
                                     sessionTotalsMg: totals, warnings: warnings, contrastFile: "contrast.nii.gz")
        try writeJSON(report, to: (dir as NSString).appendingPathComponent("injection.json"))
        if let replaced = try folder.commit() { print(replaced) }
        let reached = result.reachedMl.sorted { $0.value > $1.value }.map { String(format: "%@ %.3f mL", $0.key, $0.value) }.joined(separator: ", ")
        print(String(format: "wrote %@: %.3f of %.3f mL placed from the %@: %@", out, result.placedMl, result.injectedMl, result.tipTissue, reached))
        for e in result.events + warnings { print("warning: \(e)") }
    }
}

/// `injection.json`. Key names are a public contract.
struct InjectionReport: Codable {
    var target: String
    var drug: String
    var injectedMl: Double
    var placedMl: Double
    var reachedMl: [String: Double]
    var tipTissue: String
    var events: [String]
    var sessionTotalsMg: [String: Double]
    var warnings: [String]
    var contrastFile: String
}
