import Anatomy
import Devices
import ArgumentParser
import Fluoroscopy
import Foundation
import Illustration
import Imaging
import Procedure
import Ultrasound
import ParsGuideCore

/// `parsguide illustrate`: a shaded 3D picture of the subject from an ultrasound or a fluoroscopy pose.
struct IllustrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "illustrate",
        abstract: "Draw a 3D illustration of the subject from a probe pose or a C-arm view, with needle, probe, plane and contrast.",
        discussion: """
        --us-pose takes a view preset (sagittal-facets, pars-oblique, transverse; with --level, --side, \
        --rotation-deg; the same pose as `parsguide ultrasound --view`) or a pose JSON file (plan.json and `parsguide ultrasound --json` output work): the camera \
        looks at the probe, its image plane and the anatomy it cuts from a three-quarter view (the hip bones drawn \
        translucent, since the near iliac wing would hide the target). --fluoro-view takes \
        ap, lateral, oblique-left or oblique-right: the camera is the C-arm itself (isocentre the plan's target, or \
        --isocenter), so the picture overlays the `parsguide fluoro` shot of the same view pixel for pixel. \
        --plan adds its needle (tip on the target); --translucent right draws the right side's structures at a \
        quarter of their opacity.
        """)

    @OptionGroup var subjectFolder: SubjectOption
    @Option(name: .customLong("us-pose"), help: "A view preset or a pose JSON file.") var usPose: String?
    @Option(name: .customLong("fluoro-view"), help: "ap, lateral, oblique-left or oblique-right.") var fluoroView: String?
    @Option(help: "A plan from `parsguide plan`: its needle, and its probe pose for --us-pose plan.") var plan: String?
    @Option(help: "Level of a view preset.") var level: String = "L5"
    @Option(help: "Side of a view preset.") var side: String = "left"
    @Option(name: .customLong("rotation-deg"),
            help: "Rotation of pars-oblique from sagittal, degrees (default: searched from 30°, the pose `parsguide ultrasound --view pars-oblique` takes).")
    var rotationDeg: Double?
    @Option(help: "Point the three-quarter camera looks at: L5-left, a landmark, or x,y,z (default: the plan's target, else the probe's plane).")
    var focus: String?
    @Option(help: "C-arm isocentre: L5-left, a landmark, or x,y,z (default: the plan's target, else L5).") var isocenter: String?
    @Option(help: "Draw this side's structures translucent: left or right.") var translucent: String?
    @Option(help: "Iodine volume (mg I/mL) from `parsguide inject`.") var contrast: String?
    @Flag(help: "Draw the skin as a faint envelope.") var skin = false
    @Option(help: "Also draw the X-ray beam of this C-arm view as an arrow from the isocentre toward its source (ap, lateral, oblique-left, oblique-right).") var xray: String?
    @Option(help: ArgumentHelp(PixelSize.constant(width: 1024, height: 768).rectangleHelp + " A C-arm view is square: WIDTH is used.", valueName: "WIDTHxHEIGHT"), transform: PixelSize.parse)
    var size = PixelSize.constant(width: 1024, height: 768)
    @Option(help: "Output PNG.") var out: String

    func validate() throws { try checkOutputFiles([(out, .png, "--out")]) }

    func run() throws {
        guard (usPose == nil) != (fluoroView == nil) else { throw ValidationError("give exactly one of --us-pose and --fluoro-view") }
        if let fluoroView { _ = try CArm.View.parse(fluoroView) }
        if let xray { _ = try CArm.View.parse(xray) }
        if let translucent { _ = try Side.parse(translucent) }
        _ = try SpinalLevel.parse(level)
        _ = try Side.parse(side)
        let folder = try subjectFolder.open()
        let planning = try PlanningSubject(folder)
        let plan = try self.plan.map { try NeedlePlan.read(path: $0, for: planning) }
        var renderer = SurfaceRenderer(labels: planning.labels)
        renderer.surfaces = SurfaceMeshes(try folder.surfaces(), labels: planning.labels, blocks: renderer.blocks,
                                          scanVoxelMm: folder.document.source?.scanVoxelMm)
        if let translucent {
            renderer.translucentSide = try Side.parse(translucent)
        }
        renderer.midlineXMm = planning.landmarks["L5.spinousProcessTip"]?.x ?? 0
        if skin { renderer.styles[.skin] = .translucentSkin }
        if let contrast { renderer.contrast = try IodineVolume.read(path: contrast) }
        if let plan { renderer.overlays.append(.needle(try plan.needle.shaft(tipMm: plan.targetPoint, direction: plan.unitDirection))) }
        if let xray {
            let view = try CArm.View.parse(xray)
            let iso = try isocentre(planning, plan: plan)
            renderer.overlays.append(.rod(from: iso, to: iso + view.sourceDirection() * 150, radiusMm: 1.5, colour: RGB(255, 140, 0)))
            renderer.overlays.append(.markers([iso + view.sourceDirection() * 150], radiusMm: 4, colour: RGB(255, 140, 0)))
        }
        let camera: Camera
        if let usPose {
            let pose = try resolvePose(usPose, subject: planning, plan: plan)
            renderer.overlays.append(.probe(pose, .c52, FieldOfView(transducer: .c52, settings: BModeSettings())))
            renderer.styles[.ilium] = StructureStyle.probeView[.ilium]  // the near iliac wing would hide the target
            camera = try .threeQuarter(of: pose, focus: try focus.map { try point($0, planning, flag: "--focus") } ?? plan?.targetPoint, width: size.width, height: size.height)
        } else {
            let view = try CArm.View.parse(fluoroView!)
            let iso = try isocentre(planning, plan: plan)
            camera = .fluoroscopy(try CArm(isocentreMm: iso, sourceDirection: view.sourceDirection(), pixels: size.width))
        }
        let clock = ContinuousClock()
        var picture: RGBImage?
        let elapsed = clock.measure { picture = renderer.render(camera) }
        try PNG.write(picture!, to: out)
        print(String(format: "wrote %@ (%d×%d, %.0f ms)", out, camera.width, camera.height, Double(elapsed.components.attoseconds) * 1e-15 + Double(elapsed.components.seconds) * 1000))
    }

    private func resolvePose(_ text: String, subject: PlanningSubject, plan: NeedlePlan?) throws -> ProbePose {
        if text == "plan" {
            guard let plan else { throw ValidationError("--us-pose plan needs --plan") }
            return try plan.probePose
        }
        if let view = try? ProbeView.parse(text) {
            return try view.pose(level: SpinalLevel.parse(level), side: Side.parse(side), rotation: rotationDeg.map { .degrees($0) },
                                 labels: subject.labels, landmarks: subject.landmarks)
        }
        guard FileManager.default.fileExists(atPath: text) else {
            throw ValidationError("--us-pose '\(text)' is neither a view (\(ProbeView.allCases.map(\.rawValue).joined(separator: ", ")), plan) nor a pose file")
        }
        return try PoseFile.read(path: text)
    }

    private func isocentre(_ subject: PlanningSubject, plan: NeedlePlan?) throws -> Vector3 {
        guard let isocenter else { return plan?.targetPoint ?? subject.landmarks["L5.bodyCentre"]! }
        return try point(isocenter, subject, flag: "--isocenter")
    }

    /// x,y,z in world mm, a landmark name, or a target (L5-left: its pars); an error names the flag.
    private func point(_ text: String, _ subject: PlanningSubject, flag: String) throws -> Vector3 {
        if let p = try? parseVector(text, flag: flag) { return p }
        if let p = subject.landmarks[text] { return p }
        guard let (level, side) = try? subject.target(text) else {
            throw ValidationError("\(flag) '\(text)' is neither x,y,z in mm, a landmark of the subject nor a target such as L5-left")
        }
        return subject.landmarks[Subject.parsLandmarkName(level: level, side: side)]!
    }
}
