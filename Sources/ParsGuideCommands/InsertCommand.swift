import Anatomy
import ArgumentParser
import Foundation
import Imaging
import Procedure
import Session
import Ultrasound
import ParsGuideCore

/// `parsguide insert`: rehearse a plan's insertion step by step under simulated ultrasound.
struct InsertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insert",
        abstract: "Rehearse a plan's needle insertion in steps: an ultrasound frame per step and metrics.json.",
        discussion: """
        From the plan's skin entry the needle advances --steps-mm at a time to the planned depth (stopping at \
        bone), optionally turned --deviation-deg out of the image plane. Writes DIR/frames/step-NNN.png, \
        DIR/insertion.png (an animated PNG of all steps, 250 ms each; browsers play it) and DIR/metrics.json: \
        per step the tip's tissue, distances to target and dura, distance from the image plane, whether the \
        tip is in view, and events (bone contact, dural puncture, nerve-root contact, tip lost from view); \
        overall the Perk Tutor-style metrics.
        """)

    @OptionGroup var input: PlanInputOptions

    @Option(name: .customLong("steps-mm"), help: "Advance per step, mm (\(Insertion.step.allowedText)).")
    var stepsMm: Double = 2

    @Option(name: .customLong("deviation-deg"), help: "Turn the needle this many degrees out of the image plane (−45–45).")
    var deviationDeg: Double = 0

    @OptionGroup var size: SquareSizeOption

    @OptionGroup var seed: SeedOption

    @Option(help: "Output folder: new or empty, or with --force one that ParsGuide wrote.")
    var out: String

    @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).")
    var force = false

    func validate() throws {
        try size.check()
        try Insertion.step.checked(stepsMm)
    }

    func run() throws {
        let folder = try OutputFolder(out, command: "insert", force: force)
        let (subject, plan) = try input.load()
        let insertion = try Insertion.rehearse(plan, on: subject, stepMm: stepsMm, deviation: .degrees(deviationDeg))
        let dir = try folder.begin()
        let framesDir = (dir as NSString).appendingPathComponent("frames")
        try FileManager.default.createDirectory(atPath: framesDir, withIntermediateDirectories: true)
        var settings = BModeSettings()
        settings.imageWidth = size.pixels; settings.imageHeight = size.pixels; settings.seed = seed.seed
        let simulator = try BModeSimulator(transducer: .c52, settings: try settings.validated())
        let frames = try RehearsalFilm.frames(of: insertion, plan: plan, simulator: simulator, progress: { done, all in
            FileHandle.standardError.write(Data("\rstep \(done)/\(all)".utf8))
        })
        FileHandle.standardError.write(Data("\n".utf8))
        for (n, frame) in frames.enumerated() {
            try PNG.write(frame, to: (framesDir as NSString).appendingPathComponent(String(format: "step-%03d.png", n)))
        }
        try APNG.write(frames, delayMs: 250, to: (dir as NSString).appendingPathComponent("insertion.png"))
        let report = InsertionReport(plan: plan, stepMm: stepsMm, deviationDeg: deviationDeg, insertion: insertion)
        try writeJSON(report, to: (dir as NSString).appendingPathComponent("metrics.json"))
        if let replaced = try folder.commit() { print(replaced) }
        let m = report.metrics
        print(String(format: "wrote %@: %d steps, tip %.1f mm from the target in %@, visible %.0f %% of steps, %d redirections, %d bone contacts, %d dural punctures, tip lost from view %d×",
                     out, m.steps, m.finalTipToTargetMm, m.finalTissue, 100 * m.visibleFraction, m.redirections, m.boneContacts, m.duralPunctures, m.tipLostFromView))
    }
}
