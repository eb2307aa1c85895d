import Foundation

/// The web API's request bodies applied to one session without HTTP: the same strict decoding and the same
/// session calls as the `POST /api/sessions/:id/…` routes, then (when `rendersFrames`) the ultrasound frame
/// the page fetches after every change. For the fuzzer (`fuzz/`, targets `web-json` without the frame and
/// `web-render` with it) and tests. A thrown error is the 400 the route would answer; a trap here is a trap
/// in the server.
public struct RequestReplay: Sendable {
    /// The routes that take a JSON body.
    public enum Route: String, CaseIterable, Sendable { case probe, needle, fluoro, contrast, save }

    private var session: SimulatorSession
    private let scene: SimulatorScene
    /// Whether each request is followed by the ultrasound frame the page fetches (`GET …/ultrasound.png`).
    public let rendersFrames: Bool

    /// A fresh session on `scene`, as `POST /api/sessions` makes one; `framePixels` and `lineCount` make its
    /// frames and shots smaller than the page's (512 pixels, 256 lines) so that a fuzzer replays many
    /// requests a second through the same code.
    public init(scene: SimulatorScene, framePixels: Int = 512, lineCount: Int = 256, rendersFrames: Bool = true) throws {
        self.scene = scene
        self.rendersFrames = rendersFrames
        session = try SimulatorSession(scene: scene, framePixels: framePixels, lineCount: lineCount)
    }

    /// Decodes `body` for `route` and applies it. The session keeps what a successful request changed and
    /// nothing of a refused one (as the routes do). Returns the ultrasound frame after it (PNG), when
    /// `rendersFrames`.
    @discardableResult
    public mutating func post(_ route: Route, body: Data) throws -> Data? {
        var next = session
        switch route {
        case .probe:
            try next.change(SimulatorSession.ProbeChange.strictlyDecoded(from: body))
        case .needle:
            try next.needle(SimulatorSession.NeedleAction.strictlyDecoded(from: body))
        case .fluoro:
            let (_, dose) = try next.fluoroPNG(SimulatorSession.FluoroRequest.strictlyDecoded(from: body))
            next.live.record(dose)
        case .contrast:
            let result = try next.live.inject(volumeMl: ContrastRequest.strictlyDecoded(from: body).volumeMl)
            next.live.adopt(contrast: result)
        case .save:
            // Decoded only: a replay never writes to a registry.
            _ = try SaveRequest.strictlyDecoded(from: body)
        }
        let frame = rendersFrames ? try next.ultrasoundPNG() : nil
        session = next
        return frame
    }
}
