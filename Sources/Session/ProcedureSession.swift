import Anatomy
import Devices
import Fluoroscopy
import Foundation
import Illustration
import Imaging
import ParsGuideCore
import Procedure
import Ultrasound

/// One rehearsal of the procedure at one lumbar level (L5 unless placed elsewhere), as a library value: the
/// probe (placed from a view, then moved),
/// the B-mode settings, the needle and its insertion, the contrast, and the C-arm shots with their dose
/// ledger. The web simulator's sessions wrap it and only decode requests; a program can drive it directly.
/// Every change is range-checked against its `PhysicalParameter`; a refused change throws and leaves the
/// session as it was.
public struct ProcedureSession: Sendable {
    public let scene: ProcedureScene
    public private(set) var pose: ProbePose
    /// The probe view last placed, and the level and side it was placed at (the target's).
    public private(set) var view: ProbeView
    public private(set) var level = ProcedureSession.defaultLevel
    public private(set) var side: Side
    public private(set) var settings: BModeSettings
    /// Tilt added to the placed view, degrees.
    public private(set) var tiltDeg = 0.0
    public private(set) var insertion: Insertion?
    public private(set) var ledger = DoseLedger()
    public private(set) var contrast: ContrastSpread.Result?

    /// Moves the library has no other home for (the CLI places the probe and the needle from presets and
    /// plans), chosen ranges.
    public static let slide = PhysicalParameter(name: "probe slide", unit: "mm", range: -60...60)
    public static let rotateStep = PhysicalParameter(name: "probe rotation step", unit: "°", range: -180...180)
    public static let entryOffset = PhysicalParameter(name: "needle entry offset", unit: "mm", range: 0...60)
    public static let needleAngle = PhysicalParameter(name: "needle angle to the probe face", unit: "°", range: 5...85)
    /// Where a needle set at the skin without a plan enters, and at what angle (chosen: a typical in-plane
    /// approach to a target 4–6 cm deep with a curvilinear probe).
    public static let defaultEntryOffsetMm = 12.0
    public static let defaultNeedleAngleDeg = 35.0
    /// The level a session starts at: the published case's.
    public static let defaultLevel = SpinalLevel.l5

    /// Side of the square ultrasound frames and fluoroscopy shots, pixels.
    public let framePixels: Int

    /// A session with the probe at the left pars-oblique view, `framePixels`-pixel frames (16–4096; the
    /// web page's 512 by default) and `lineCount` scan lines (16–4096; 256 by default). Small frames are
    /// for harnesses that replay many requests (the web fuzz target), not for display.
    public init(scene: ProcedureScene, framePixels: Int = 512, lineCount: Int = 256) throws {
        self.scene = scene
        var s = BModeSettings()
        s.imageWidth = framePixels; s.imageHeight = framePixels; s.lineCount = lineCount
        do { settings = try s.validated() } catch { throw ProcedureSessionError.refused("\(error)") }
        self.framePixels = framePixels
        view = .parsOblique
        side = .left
        pose = try ProbeView.parsOblique.pose(level: Self.defaultLevel, side: .left, labels: scene.labels, landmarks: scene.landmarks)
    }

    /// The target, e.g. "L5-left".
    public var target: String { "\(level.rawValue)-\(side.rawValue)" }

    // MARK: Probe

    /// Places the probe at `view` on `side` of `level` (the current level when nil; L1–L5); the tilt and
    /// the needle start afresh.
    public mutating func place(_ view: ProbeView, side: Side, level: SpinalLevel? = nil) throws {
        let level = level ?? self.level
        pose = try scene.presetPoses.value(for: "\(view.rawValue)-\(level.rawValue)-\(side.rawValue)") {
            try view.pose(level: level, side: side, labels: scene.labels, landmarks: scene.landmarks)
        }
        self.view = view
        self.level = level
        self.side = side
        tiltDeg = 0
        insertion = nil
    }

    /// Moves the probe (slides along and across its face, mm; rotation about the beam and tilt, degrees)
    /// and sets it back on the skin; all or nothing.
    public mutating func move(slideMm: Double? = nil, acrossMm: Double? = nil, rotateDeg: Double? = nil, tiltDeg tilt: Double? = nil) throws {
        var next = pose
        if let v = slideMm { try Self.slide.checked(v); next = next.translated(byMm: Vector3(0, 0, v)) }
        if let v = acrossMm { try Self.slide.checked(v); next = next.translated(byMm: Vector3(v, 0, 0)) }
        if let v = rotateDeg { try Self.rotateStep.checked(v); next = try next.rotatedAboutBeam(by: .degrees(v)) }
        var newTilt = tiltDeg
        if let v = tilt {
            try ProbeView.tilt.checked(tiltDeg + v)
            next = try next.tilted(by: .degrees(v))
            newTilt += v
        }
        if next != pose {
            // Moved: set it back onto the skin along its beam, from above.
            let above = next.centreMm - next.beam * 100
            do { next = try ProbePose.onSkin(of: scene.labels, pointMm: above, beam: next.beam, azimuth: next.azimuth) } catch {
                throw ProcedureSessionError.refused("the probe would leave the body: \(error)")
            }
        }
        pose = next
        tiltDeg = newTilt
    }

    /// Sets the imaging depth, gain and focus (each only when given); all or nothing.
    public mutating func setImaging(depthMm: Double? = nil, gainDB: Double? = nil, focusMm: Double? = nil) throws {
        var s = settings
        if let v = depthMm { try BModeSettings.depth.checked(v); s.depthMm = v }
        if let v = gainDB { try BModeSettings.gain.checked(v); s.gainDB = v }
        if let v = focusMm {
            // Within the frame, as a scanner's focal marker is (against the depth being set).
            let focus = BModeSettings.focus
            try PhysicalParameter.check(focus.name, v, in: focus.range.lowerBound...min(s.depthMm, focus.range.upperBound), unit: focus.unit)
            s.focusMm = v
        }
        do { settings = try s.validated() } catch { throw ProcedureSessionError.refused("\(error)") }
    }

    // MARK: Needle

    /// Sets the needle at the skin `offsetMm` beyond the probe's cranial end, in plane at `angleDeg` to the
    /// probe face, aimed at the target.
    public mutating func enter(offsetMm: Double = 12, angleDeg: Double = 35) throws {
        try Self.entryOffset.checked(offsetMm)
        try Self.needleAngle.checked(angleDeg)
        let face = pose.centreMm - pose.azimuth * (scene.transducer.apertureMm / 2 + offsetMm)
        let entry: Vector3
        do { entry = try ProbePose.onSkin(of: scene.labels, pointMm: face - pose.beam * 100, beam: pose.beam, azimuth: pose.azimuth).centreMm } catch {
            throw ProcedureSessionError.refused("no skin under the entry point: \(error)")
        }
        insertion = Insertion(subject: scene.planning, pose: pose, entry: entry, direction: direction(angleDeg: angleDeg), target: targetPoint(), needle: .standard)
    }

    /// Turns the inserted needle to `angleDeg` to the probe face, keeping what is in.
    public mutating func redirect(angleDeg: Double) throws {
        try Self.needleAngle.checked(angleDeg)
        guard var i = insertion else { throw ProcedureSessionError.refused("set the entry first (action: entry)") }
        try i.apply(.redirect(direction: direction(angleDeg: angleDeg), keepMm: i.insertedMm))
        insertion = i
    }

    /// Advances (positive `mm`) or withdraws the needle.
    public mutating func advance(mm: Double) throws { try step(.advance(mm), mm: mm) }
    public mutating func withdraw(mm: Double) throws { try step(.withdraw(mm), mm: mm) }

    private mutating func step(_ move: Insertion.Move, mm: Double) throws {
        try Insertion.step.checked(mm)
        guard var i = insertion else { throw ProcedureSessionError.refused("set the entry first (action: entry)") }
        try i.apply(move)
        insertion = i
    }

    /// Plans the in-plane approach to the target and sets the probe and the needle's entry from the plan.
    public mutating func usePlan() throws {
        let plan: NeedlePlan
        do {
            plan = try scene.plans.value(for: target) { try InPlanePlanner().plan(scene.planning, target: target) }
        } catch { throw ProcedureSessionError.refused("\(error)") }
        pose = try plan.probePose
        tiltDeg = plan.pose.tiltDeg
        insertion = Insertion(subject: scene.planning, pose: pose, entry: plan.entry, direction: plan.unitDirection, target: plan.targetPoint, needle: plan.needle)
    }

    /// Takes the probe and the needle of `other` (a copy of this session changed outside a lock, e.g. while
    /// planning), keeping this session's shots and contrast.
    public mutating func adoptProbeAndNeedle(of other: ProcedureSession) {
        pose = other.pose; view = other.view; level = other.level; side = other.side; tiltDeg = other.tiltDeg; insertion = other.insertion
    }

    func direction(angleDeg: Double) -> Vector3 {
        let a = angleDeg * .pi / 180
        return (pose.azimuth * cos(a) + pose.beam * sin(a)).normalized
    }

    /// The target's pars landmark (the probe's centre when the subject has none).
    public func targetPoint() -> Vector3 {
        scene.landmarks[Subject.parsLandmarkName(level: level, side: side)] ?? pose.centreMm
    }

    public var shaft: NeedleShaft? { insertion?.shaft }

    // MARK: Images

    /// The B-mode frame at the probe, with the needle.
    public func ultrasound() throws -> GrayImage { try ultrasoundFrame().image }

    /// The same frame with its pose and geometry.
    public func ultrasoundFrame() throws -> BModeFrame {
        let simulator = try BModeSimulator.cached(transducer: scene.transducer, settings: settings)
        return simulator.render(labels: scene.labels, pose: pose, needle: shaft)
    }

    /// The frame shown as `display` asks (`FrameDisplay`: the bare image, or as a scanner shows it).
    public func ultrasound(shown display: FrameDisplay) throws -> RGBImage {
        try ultrasoundFrame().shown(display, settings: settings, transducer: scene.transducer)
    }

    /// A fluoroscopy shot centred on the target (`FluoroScene.shoot`, the CLI's shot path), recorded in the
    /// ledger; returns the display image and the shot's dose.
    public mutating func shoot(_ view: CArm.View, obliqueDeg: Double = CArm.View.defaultObliqueDegrees, cranialDeg: Double = 0,
                               pixels: Int? = nil) throws -> (image: GrayImage, dose: ShotDose) {
        try CArm.View.obliqueAngle.checked(obliqueDeg)
        try CArm.View.cranialTilt.checked(cranialDeg)
        let carm = try CArm(isocentreMm: targetPoint(), sourceDirection: view.sourceDirection(obliqueDegrees: obliqueDeg, cranialDegrees: cranialDeg),
                            pixels: pixels ?? framePixels)
        let shot = try scene.fluoro.shoot(carm, needle: shaft, contrast: contrast?.concentration)
        ledger.record(shot.dose)
        return (FluoroscopyDisplay.image(shot.image), shot.dose)
    }

    /// Records a shot taken on a copy of this session.
    public mutating func record(_ dose: ShotDose) { ledger.record(dose) }

    /// Injects `volumeMl` of contrast at the needle's tip.
    public mutating func inject(volumeMl: Double) throws -> ContrastSpread.Result {
        try ContrastSpread.volume.checked(volumeMl)
        guard let tip = insertion?.tipMm, (insertion?.insertedMm ?? 0) > 0 else { throw ProcedureSessionError.refused("insert the needle before injecting") }
        let result: ContrastSpread.Result
        do { result = try ContrastSpread.inject(labels: scene.labels, tipMm: tip, volumeMl: volumeMl) } catch {
            throw ProcedureSessionError.refused("\(error)")
        }
        contrast = result
        return result
    }

    /// Keeps a contrast spread computed on a copy of this session.
    public mutating func adopt(contrast result: ContrastSpread.Result) { contrast = result }

    /// The 3D view: a three-quarter view of the probe, its plane, the needle and the contrast, the hip
    /// bones translucent.
    public func illustration(width: Int = 480, height: Int = 360) throws -> RGBImage {
        var r = SurfaceRenderer(labels: scene.labels, blocks: scene.blocks)
        r.surfaces = scene.surfaces
        r.styles = StructureStyle.probeView
        r.overlays = [.probe(pose, scene.transducer, FieldOfView(transducer: scene.transducer, settings: settings))] + (shaft.map { [.needle($0)] } ?? [])
        r.contrast = contrast?.concentration
        return r.render(try .threeQuarter(of: pose, focus: targetPoint(), width: width, height: height))
    }
}

/// A change the session refuses (the probe would leave the body, no entry set, …); the sentence says why.
public enum ProcedureSessionError: Error, CustomStringConvertible, Equatable {
    case refused(String)
    public var description: String { switch self { case .refused(let m): m } }
}
