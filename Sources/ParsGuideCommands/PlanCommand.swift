import Anatomy
import ArgumentParser
import Foundation
import Procedure
import ParsGuideCore

/// `parsguide plan`: an in-plane ultrasound-guided needle path to a pars target.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan an in-plane needle path to a pars target: probe pose, skin entry, angles, clearances.",
        discussion: """
        The probe starts at the pars-oblique preset (--rotation-deg, cranial end toward the injected side) and \
        is tilted about the target until the target is seen; the needle lies in the image plane, enters beyond \
        the probe's cranial end and runs cephalad-lateral → caudad-medial. A path must cross no bone, keep 3 mm \
        from the dura and nerve roots and leave 10 mm of needle outside the skin. Without --needle the planner \
        takes 22G-3.5in and moves to a longer needle when the path demands it. plan.json is also a valid \
        `parsguide ultrasound --pose-json`. A target no safe path reaches gives the reasons, not a plan.
        """)

    @OptionGroup var subjectFolder: SubjectOption

    @Option(help: "Target: LEVEL-SIDE, e.g. L5-left.")
    var target: String

    @Option(help: "Needle as GAUGE-LENGTH, e.g. 22G-3.5in or 22G-5in (default: 22G-3.5in, longer if needed).")
    var needle: String?

    @Option(name: .customLong("rotation-deg"), help: """
        Rotation of the pars-oblique view from sagittal, degrees (0–60). Default: searched in 20–40° from the \
        published 30° (with a lateral tilt of at most 20°) until the view shows SAP, pars, lamina, spinous process and dura.
        """)
    var rotationDeg: Double?

    @Option(help: "Where to write the plan.")
    var out: String = "plan.json"

    func validate() throws {
        try checkOutputFiles([(out, .json, "--out")])
    }

    func run() throws {
        if let rotationDeg, !(rotationDeg.isFinite && (0...60).contains(rotationDeg)) {
            throw ValidationError("--rotation-deg \(rotationDeg) is out of range: allowed 0–60")
        }
        var planner = InPlanePlanner()
        planner.rotation = rotationDeg.map { .degrees($0) }
        planner.needle = try needle.map(Needle.parse)
        let subject = try subjectFolder.load()
        let plan = try planner.plan(subject, target: target)
        try OutputFile.write(plan.encoded(), to: out, kind: .json)
        print(String(format: "wrote %@: %@ → %@, %.1f mm at %.0f° to the probe face (%.0f° to the beam), entry %.1f mm beyond the probe's cranial end; clearances dura %.1f, nerve roots %.1f mm",
                     out, plan.needle.name, plan.target.structure, plan.depthToTargetMm, plan.angleToProbeFaceDeg, plan.angleToBeamDeg,
                     plan.entryOffsetFromProbeMm, plan.clearancesMm["dura"] ?? .nan, plan.clearancesMm["nerveRoot"] ?? .nan))
        for w in plan.warnings { print("warning: \(w)") }
    }
}
