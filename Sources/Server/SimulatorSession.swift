import ParsGuideCore
import Anatomy
import Fluoroscopy
import Foundation
import Imaging
import Illustration
import Procedure
import Ultrasound

/// One trainee's state: probe, B-mode settings, needle, shots, contrast. Every change is range-checked
/// against its `PhysicalParameter` (the library's, where the CLI has the same value); a bad value throws
/// naming it and what is allowed.
struct SimulatorSession: Sendable {
    let scene: SimulatorScene
    var pose: ProbePose
    var preset: String
    var target: String
    var settings: BModeSettings
    var tiltDeg = 0.0
    var insertion: Insertion?
    var ledger = DoseLedger()
    var contrast: ContrastSpread.Result?
    var lastUsed = Date()

    /// Web-only moves (the CLI places the probe and the needle from presets and plans), chosen ranges.
    static let slide = PhysicalParameter(name: "probe slide", unit: "mm", range: -60...60)
    static let rotateStep = PhysicalParameter(name: "probe rotation step", unit: "°", range: -180...180)
    static let entryOffset = PhysicalParameter(name: "needle entry offset", unit: "mm", range: 0...60)
    static let needleAngle = PhysicalParameter(name: "needle angle to the probe face", unit: "°", range: 5...85)

    static let presets = ["sagittal-facets-left", "sagittal-facets-right", "pars-oblique-left", "pars-oblique-right"]

    init(scene: SimulatorScene) throws {
        self.scene = scene
        var s = BModeSettings()
        s.imageWidth = 512; s.imageHeight = 512
        settings = s
        preset = "pars-oblique-left"
        target = "L5-left"
        pose = try ProbeView.parsOblique.pose(level: .l5, side: .left, labels: scene.labels, landmarks: scene.landmarks)
    }

    // MARK: Probe

    struct ProbeChange: StrictJSONBody, Codable, Sendable {
        enum CodingKeys: String, CodingKey, CaseIterable { case preset, slideMm, acrossMm, rotateDeg, tiltDeg, depthMm, gainDB, focusMm }
        var preset: String?
        var slideMm: Double?
        var acrossMm: Double?
        var rotateDeg: Double?
        var tiltDeg: Double?
        var depthMm: Double?
        var gainDB: Double?
        var focusMm: Double?
    }

    /// Applies `c` whole or not at all: a refused value (say a depth out of range after a new preset) leaves
    /// the session as it was.
    mutating func change(_ c: ProbeChange) throws {
        var next = self
        try next.apply(c)
        self = next
    }

    private mutating func apply(_ c: ProbeChange) throws {
        if let preset = c.preset {
            guard Self.presets.contains(preset) else { throw SessionError.badRequest("preset '\(preset)' is not one of \(Self.presets.joined(separator: ", "))") }
            let side: Side = preset.hasSuffix("left") ? .left : .right
            let view: ProbeView = preset.hasPrefix("pars") ? .parsOblique : .sagittalFacets
            pose = try view.pose(level: .l5, side: side, labels: scene.labels, landmarks: scene.landmarks)
            self.preset = preset
            target = "L5-\(side.rawValue)"
            tiltDeg = 0
            insertion = nil
        }
        var next = pose
        if let v = c.slideMm { try Self.slide.checked(v); next = next.translated(byMm: Vector3(0, 0, v)) }
        if let v = c.acrossMm { try Self.slide.checked(v); next = next.translated(byMm: Vector3(v, 0, 0)) }
        if let v = c.rotateDeg { try Self.rotateStep.checked(v); next = try next.rotatedAboutBeam(by: .degrees(v)) }
        if let v = c.tiltDeg {
            try ProbeView.tilt.checked(tiltDeg + v)
            next = try next.tilted(by: .degrees(v))
            tiltDeg += v
        }
        if next != pose {
            // Moved: set it back onto the skin along its beam, from above.
            let above = next.centreMm - next.beam * 100
            do { next = try ProbePose.onSkin(of: scene.labels, pointMm: above, beam: next.beam, azimuth: next.azimuth) } catch {
                throw SessionError.badRequest("the probe would leave the body: \(error)")
            }
            pose = next
        }
        var s = settings
        if let v = c.depthMm { try BModeSettings.depth.checked(v); s.depthMm = v }
        if let v = c.gainDB { try BModeSettings.gain.checked(v); s.gainDB = v }
        if let v = c.focusMm { try PhysicalParameter(name: "focus depth", unit: "mm", range: 10...s.depthMm).checked(v); s.focusMm = v }
        do { settings = try s.validated() } catch { throw SessionError.badRequest("\(error)") }
    }

    // MARK: Needle

    struct NeedleAction: StrictJSONBody, Codable, Sendable {
        enum CodingKeys: String, CodingKey, CaseIterable { case action, offsetMm, angleDeg, mm }
        /// entry, angle, advance, withdraw, use-plan.
        var action: String
        /// entry: distance beyond the probe's cranial end, mm.
        var offsetMm: Double?
        /// entry / angle: in-plane angle to the probe face, degrees.
        var angleDeg: Double?
        /// advance / withdraw, mm.
        var mm: Double?
    }

    mutating func needle(_ a: NeedleAction) throws {
        switch a.action {
        case "entry":
            let offset = a.offsetMm ?? 12, angle = a.angleDeg ?? 35
            try Self.entryOffset.checked(offset)
            try Self.needleAngle.checked(angle)
            let face = pose.centreMm - pose.azimuth * (scene.transducer.apertureMm / 2 + offset)
            let entry: Vector3
            do { entry = try ProbePose.onSkin(of: scene.labels, pointMm: face - pose.beam * 100, beam: pose.beam, azimuth: pose.azimuth).centreMm } catch {
                throw SessionError.badRequest("no skin under the entry point: \(error)")
            }
            insertion = Insertion(subject: scene.planning, pose: pose, entry: entry, direction: direction(angleDeg: angle), target: targetPoint(), needle: .standard)
        case "angle":
            let angle = a.angleDeg ?? .nan
            try Self.needleAngle.checked(angle)
            guard var i = insertion else { throw SessionError.badRequest("set the entry first (action: entry)") }
            try i.apply(.redirect(direction: direction(angleDeg: angle), keepMm: i.insertedMm))
            insertion = i
        case "advance", "withdraw":
            let mm = a.mm ?? .nan
            try Insertion.step.checked(mm)
            guard var i = insertion else { throw SessionError.badRequest("set the entry first (action: entry)") }
            try i.apply(a.action == "advance" ? .advance(mm) : .withdraw(mm))
            insertion = i
        case "use-plan":
            let plan: NeedlePlan
            do { plan = try InPlanePlanner().plan(scene.planning, target: target) } catch { throw SessionError.badRequest("\(error)") }
            pose = try plan.probePose
            tiltDeg = plan.pose.tiltDeg
            insertion = Insertion(subject: scene.planning, pose: pose, entry: plan.entry, direction: plan.unitDirection, target: plan.targetPoint, needle: plan.needle)
        default:
            throw SessionError.badRequest("needle action '\(a.action)' is not one of entry, angle, advance, withdraw, use-plan")
        }
    }

    func direction(angleDeg: Double) -> Vector3 {
        let a = angleDeg * .pi / 180
        return (pose.azimuth * cos(a) + pose.beam * sin(a)).normalized
    }

    func targetPoint() -> Vector3 {
        let parts = target.split(separator: "-")
        return scene.landmarks["\(parts[0]).\(parts[1]).pars"] ?? pose.centreMm
    }

    var shaft: NeedleShaft? { insertion?.shaft }

    // MARK: Images

    func ultrasoundPNG() throws -> Data {
        let simulator = try BModeSimulator(transducer: scene.transducer, settings: settings)
        return try PNG.encode(simulator.render(labels: scene.labels, pose: pose, needle: shaft).image)
    }

    struct FluoroRequest: StrictJSONBody, Codable, Sendable {
        enum CodingKeys: String, CodingKey, CaseIterable { case view, obliqueDeg, cranialDeg }
        var view: String
        var obliqueDeg: Double?
        var cranialDeg: Double?
    }

    mutating func fluoroPNG(_ r: FluoroRequest) throws -> (Data, ShotDose) {
        let view = try CArm.View.parse(r.view)
        let oblique = r.obliqueDeg ?? CArm.View.defaultObliqueDegrees, cranial = r.cranialDeg ?? 0
        try CArm.View.obliqueAngle.checked(oblique)
        try CArm.View.cranialTilt.checked(cranial)
        let carm = try CArm(isocentreMm: targetPoint(), sourceDirection: view.sourceDirection(obliqueDegrees: oblique, cranialDegrees: cranial), pixels: 512)
        let shot = try scene.fluoro.shoot(carm, needle: shaft, contrast: contrast?.concentration)
        ledger.record(shot.dose)
        return (try PNG.encode(FluoroscopyDisplay.image(shot.image)), shot.dose)
    }

    mutating func inject(volumeMl: Double) throws -> ContrastSpread.Result {
        try ContrastSpread.volume.checked(volumeMl)
        guard let tip = insertion?.tipMm, (insertion?.insertedMm ?? 0) > 0 else { throw SessionError.badRequest("insert the needle before injecting") }
        do { contrast = try ContrastSpread.inject(labels: scene.labels, tipMm: tip, volumeMl: volumeMl) } catch {
            throw SessionError.badRequest("\(error)")
        }
        return contrast!
    }

    func illustrationPNG() throws -> Data {
        var r = SurfaceRenderer(labels: scene.labels, blocks: scene.blocks)
        r.surfaces = scene.surfaces
        r.styles = StructureStyle.probeView
        r.overlays = [.probe(pose, scene.transducer, settings)] + (shaft.map { [.needle($0)] } ?? [])
        r.contrast = contrast?.concentration
        return try PNG.encode(r.render(.threeQuarter(of: pose, focus: targetPoint(), width: 480, height: 360)))
    }
}

enum SessionError: Error {
    case badRequest(String)
    case notFound(String)
}
