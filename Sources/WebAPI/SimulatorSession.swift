import Anatomy
import Devices
import Fluoroscopy
import Foundation
import Imaging
import ParsGuideCore
import Procedure
import Session
import Ultrasound

/// One trainee's web session: the library's `ProcedureSession` (probe, settings, needle, shots, contrast)
/// and when it was last used. This type only decodes requests and hands them to the session.
public struct SimulatorSession: Sendable {
    public var live: ProcedureSession
    public var lastUsed = Date()

    /// A session on `scene` with the page's 512-pixel frames, or smaller ones for a harness
    /// (`ProcedureSession.init(scene:framePixels:lineCount:)`).
    public init(scene: SimulatorScene, framePixels: Int = 512, lineCount: Int = 256) throws {
        live = try ProcedureSession(scene: scene.procedure, framePixels: framePixels, lineCount: lineCount)
    }

    /// The preset last placed, e.g. "pars-oblique-left".
    public var preset: String { "\(live.view.rawValue)-\(live.side.rawValue)" }

    // MARK: Probe

    public struct ProbeChange: StrictJSONBody, Codable, Sendable {
        public enum CodingKeys: String, CodingKey, CaseIterable { case preset, level, slideMm, acrossMm, rotateDeg, tiltDeg, depthMm, gainDB, focusMm }
        var preset: WebProbePreset?
        /// Places the current (or the given) preset at this level.
        var level: WebLevel?
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
    public mutating func change(_ c: ProbeChange) throws {
        var next = live
        if c.preset != nil || c.level != nil {
            try next.place(c.preset?.view ?? next.view, side: c.preset?.side ?? next.side, level: c.level?.level)
        }
        try next.move(slideMm: c.slideMm, acrossMm: c.acrossMm, rotateDeg: c.rotateDeg, tiltDeg: c.tiltDeg)
        try next.setImaging(depthMm: c.depthMm, gainDB: c.gainDB, focusMm: c.focusMm)
        live = next
    }

    // MARK: Needle

    public struct NeedleAction: StrictJSONBody, Codable, Sendable {
        /// What the needle does; a JSON string, parsed as a `NamedChoice`.
        public enum Kind: String, NamedChoice, Codable, Sendable {
            case entry, angle, advance, withdraw, usePlan = "use-plan"
            public static let choiceName = "needle action"
            public init(from decoder: Decoder) throws { try self.init(namedFrom: decoder) }
        }
        public enum CodingKeys: String, CodingKey, CaseIterable { case action, offsetMm, angleDeg, mm }
        var action: Kind
        /// entry: distance beyond the probe's cranial end, mm.
        var offsetMm: Double?
        /// entry / angle: in-plane angle to the probe face, degrees.
        var angleDeg: Double?
        /// advance / withdraw, mm.
        var mm: Double?
    }

    public mutating func needle(_ a: NeedleAction) throws {
        switch a.action {
        case .entry: try live.enter(offsetMm: a.offsetMm ?? ProcedureSession.defaultEntryOffsetMm, angleDeg: a.angleDeg ?? ProcedureSession.defaultNeedleAngleDeg)
        case .angle: try live.redirect(angleDeg: a.angleDeg ?? .nan)
        case .advance: try live.advance(mm: a.mm ?? .nan)
        case .withdraw: try live.withdraw(mm: a.mm ?? .nan)
        case .usePlan: try live.usePlan()
        }
    }

    // MARK: Images

    /// The frame as the page shows it: as a scanner does by default (issue 18 part 5), or `plain`.
    public func ultrasoundPNG(display: FrameDisplay = .scanner) throws -> Data {
        display == .plain ? try PNG.encode(live.ultrasound()) : try PNG.encode(live.ultrasound(shown: display))
    }

    public struct FluoroRequest: StrictJSONBody, Codable, Sendable {
        public enum CodingKeys: String, CodingKey, CaseIterable { case view, obliqueDeg, cranialDeg }
        var view: String
        var obliqueDeg: Double?
        var cranialDeg: Double?
    }

    public mutating func fluoroPNG(_ r: FluoroRequest) throws -> (Data, ShotDose) {
        let shot = try live.shoot(try CArm.View.parse(r.view), obliqueDeg: r.obliqueDeg ?? CArm.View.defaultObliqueDegrees, cranialDeg: r.cranialDeg ?? 0)
        return (try PNG.encode(shot.image), shot.dose)
    }

    public func illustrationPNG() throws -> Data { try PNG.encode(live.illustration()) }
}
