import ParsGuideCore
import Anatomy
import Clinical
import Fluoroscopy
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import Procedure
import Session
import Ultrasound
import WebAPI

/// The request context: JSON in and out, request bodies capped at 64 KiB.
public struct SimulatorContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public init(source: Source) { coreContext = .init(source: source) }
    public var maxUploadSize: Int { 64 * 1024 }
}

/// The HTTP API under `/api` and the page at `/`. Handlers copy a session's state out of the actor,
/// render outside it (sessions render in parallel), and write back only what changed.
public enum SimulatorRouter {
    public static func make(scene: SimulatorScene, capacity: Int = 8, idleSeconds: Double = 900) -> Router<SimulatorContext> {
        let store = SessionStore(scene: scene, capacity: capacity, idleSeconds: idleSeconds)
        let router = Router(context: SimulatorContext.self)
        router.add(middleware: ErrorMiddleware())

        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                     body: .init(byteBuffer: ByteBuffer(string: SimulatorPage.html)))
        }
        router.post("/api/sessions") { _, _ -> SessionState in
            let (id, s) = try await store.create()
            return SessionState(id: id, s)
        }
        router.get("/api/sessions/:id/probe") { _, context -> SessionState in
            let id = try context.parameters.require("id")
            return SessionState(id: id, try await store.snapshot(id))
        }
        router.post("/api/sessions/:id/probe") { request, context -> SessionState in
            let id = try context.parameters.require("id")
            let change = try await request.strictlyDecode(SimulatorSession.ProbeChange.self, context: context)
            return try await store.with(id) { s in try s.change(change); return SessionState(id: id, s) }
        }
        router.post("/api/sessions/:id/needle") { request, context -> SessionState in
            let id = try context.parameters.require("id")
            let action = try await request.strictlyDecode(SimulatorSession.NeedleAction.self, context: context)
            // Planning takes a moment: do it on a copy, outside the actor.
            var s = try await store.snapshot(id)
            try s.needle(action)
            let changed = s.live
            return try await store.with(id) { session in
                session.live.adoptProbeAndNeedle(of: changed)
                return SessionState(id: id, session)
            }
        }
        router.get("/api/sessions/:id/ultrasound.png") { request, context -> Response in
            let id = try context.parameters.require("id")
            // ?display=plain for the bare frame; the page's default is the scanner's display.
            let display = try request.uri.queryParameters.get("display").map { try FrameDisplay.parse($0) } ?? .scanner
            let s = try await store.snapshot(id)
            return png(try s.ultrasoundPNG(display: display), numbers: SessionState(id: id, s).headerFields)
        }
        router.get("/api/sessions/:id/illustration.png") { _, context -> Response in
            let id = try context.parameters.require("id")
            return png(try await store.snapshot(id).illustrationPNG(), numbers: [:])
        }
        router.post("/api/sessions/:id/fluoro") { request, context -> Response in
            let id = try context.parameters.require("id")
            let shot = try await request.strictlyDecode(SimulatorSession.FluoroRequest.self, context: context)
            var s = try await store.snapshot(id)
            let (data, dose) = try s.fluoroPNG(shot)
            let ledger = try await store.with(id) { session in session.live.record(dose); return session.live.ledger }
            return png(data, numbers: [
                "X-ParsGuide-Exposures": "\(ledger.exposures)",
                "X-ParsGuide-Shot-Reference-Air-Kerma-mGy": String(format: "%.4f", dose.referenceAirKermaMGy),
                "X-ParsGuide-Total-Reference-Air-Kerma-mGy": String(format: "%.4f", ledger.totalReferenceAirKermaMGy),
                "X-ParsGuide-Total-DAP-mGy-cm2": String(format: "%.2f", ledger.totalDoseAreaProductMGyCm2),
            ])
        }
        router.post("/api/sessions/:id/contrast") { request, context -> ContrastState in
            let id = try context.parameters.require("id")
            let body = try await request.strictlyDecode(ContrastRequest.self, context: context)
            var s = try await store.snapshot(id).live
            let result = try s.inject(volumeMl: body.volumeMl)
            try await store.with(id) { session in session.live.adopt(contrast: result) }
            return ContrastState(injectedMl: result.injectedMl, placedMl: result.placedMl, reachedMl: result.reachedMl, tipTissue: result.tipTissue, events: result.events)
        }
        router.get("/api/sessions/:id/metrics") { _, context -> MetricsState in
            let id = try context.parameters.require("id")
            let s = try await store.snapshot(id).live
            return MetricsState(insertion: s.insertion?.metrics, exposures: s.ledger.exposures,
                                referenceAirKermaMGy: s.ledger.totalReferenceAirKermaMGy, doseAreaProductMGyCm2: s.ledger.totalDoseAreaProductMGyCm2)
        }
        router.post("/api/sessions/:id/save") { request, context -> SavedState in
            let id = try context.parameters.require("id")
            let body = try await request.strictlyDecode(SaveRequest.self, context: context)
            guard let registry = scene.registry else { throw SessionError.badRequest("saving is off: start the server with --db FILE") }
            let s = try await store.snapshot(id).live
            let procedure = ProcedureRecord(patientId: body.patientId, date: body.date, level: s.level.rawValue, side: s.side.rawValue,
                                            guidance: s.ledger.exposures > 0 ? "both" : "ultrasound", needle: s.insertion?.needle.name,
                                            injectate: s.contrast.map { String(format: "iohexol 240 %.2f mL (simulated rehearsal)", $0.injectedMl) },
                                            referenceAirKermaMGy: s.ledger.totalReferenceAirKermaMGy, doseAreaProductMGyCm2: s.ledger.totalDoseAreaProductMGyCm2)
            do { return SavedState(procedureId: try registry.add(procedure)) } catch let e as ClinicalError { throw SessionError.badRequest(e.description) }
        }
        router.delete("/api/sessions/:id") { _, context -> Response in
            try await store.delete(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
        return router
    }

    static func png(_ data: Data, numbers: [String: String]) -> Response {
        var headers: HTTPFields = [.contentType: "image/png", .cacheControl: "no-store"]
        for (k, v) in numbers { if let name = HTTPField.Name(k) { headers[name] = v } }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns session errors into 400 / 404 with a JSON body `{"error": {"message": …}}`.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SimulatorContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch SessionError.badRequest(let m) {
            throw HTTPError(.badRequest, message: m)
        } catch SessionError.notFound(let m) {
            throw HTTPError(.notFound, message: m)
        } catch let e as ProcedureError {
            throw HTTPError(.badRequest, message: e.description)
        } catch let e as UltrasoundError {
            throw HTTPError(.badRequest, message: e.description)
        } catch let e as DeviceError {
            throw HTTPError(.badRequest, message: e.description)
        } catch let e as ParameterOutOfRange {
            throw HTTPError(.badRequest, message: e.description)
        } catch let e as UnknownChoice {
            throw HTTPError(.badRequest, message: e.description)
        } catch let e as ProcedureSessionError {
            throw HTTPError(.badRequest, message: e.description)
        }
    }
}

struct SavedState: ResponseEncodable { var procedureId: Int64 }
struct ContrastState: ResponseEncodable { var injectedMl: Double; var placedMl: Double; var reachedMl: [String: Double]; var tipTissue: String; var events: [String] }
struct MetricsState: ResponseEncodable {
    var insertion: InsertionMetrics?
    var exposures: Int
    var referenceAirKermaMGy: Double
    var doseAreaProductMGyCm2: Double
}

/// What the page shows after every request: the pose, the settings, the needle's readouts, the ledger.
struct SessionState: ResponseEncodable {
    struct Needle: Codable {
        var tipMm: [Double]
        var insertedMm: Double
        var tipDepthMm: Double
        var tipToTargetMm: Double
        var visible: Bool
        var tissue: String
        var events: [String]
    }
    var id: String
    var preset: String
    var target: String
    var worldFromProbe: [[Double]]
    var tiltDeg: Double
    var depthMm: Double
    var gainDB: Double
    var focusMm: Double
    var needle: Needle?
    var exposures: Int
    var referenceAirKermaMGy: Double

    init(id: String, _ session: SimulatorSession) {
        let s = session.live
        self.id = id
        preset = session.preset; target = s.target
        worldFromProbe = s.pose.worldFromProbe.rows.map { [$0.x, $0.y, $0.z, $0.w] }
        tiltDeg = s.tiltDeg
        depthMm = s.settings.depthMm; gainDB = s.settings.gainDB; focusMm = s.settings.focusMm
        if let i = s.insertion {
            let last = i.steps.last
            let tip = i.tipMm
            needle = Needle(tipMm: [tip.x, tip.y, tip.z], insertedMm: i.insertedMm, tipDepthMm: s.pose.probePoint(ofWorld: tip).z,
                            tipToTargetMm: (tip - i.target).length, visible: last?.inView ?? false, tissue: last?.tissue ?? "skin", events: last?.events ?? [])
        }
        exposures = s.ledger.exposures
        referenceAirKermaMGy = s.ledger.totalReferenceAirKermaMGy
    }

    var headerFields: [String: String] {
        ["X-ParsGuide-Depth-mm": String(depthMm), "X-ParsGuide-Preset": preset]
    }
}

/// Runs the simulator's HTTP server until the process is stopped.
public enum SimulatorServer {
    /// How long a connection may stay silent (no bytes either way) before the server closes it, seconds:
    /// idle and half-open connections cannot pile up. 1 s to 1 h; 30 s by default (chosen: a browser
    /// reconnects transparently, and the page polls nothing while a trainee thinks).
    public static let idleTimeout = PhysicalParameter(name: "idle timeout", unit: "s", range: 1...3600)
    public static let defaultIdleTimeoutSeconds = 30.0
    /// How long a client may take over one request, from its first byte to the answer, seconds: a client
    /// trickling a byte at a time is cut off. 1 s to 1 h; 30 s by default (chosen: the largest request, a
    /// save with its notes, is a few hundred bytes; the slowest answer, a plan, takes about 2 s).
    public static let requestTimeout = PhysicalParameter(name: "request timeout", unit: "s", range: 1...3600)
    public static let defaultRequestTimeoutSeconds = 30.0
    /// Request headers are small (a browser sends < 2 KiB): 8 KiB per field, 16 KiB in all, 100 fields at
    /// most; more is refused before routing (chosen, well above any browser's needs).
    static let headerLimits = HTTP1Channel.Configuration.DecoderConfiguration(maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 100)

    /// The application `serve` runs: the router, the address, the idle timeout and the header limits.
    public static func application(scene: SimulatorScene, host: String, port: Int, capacity: Int,
                                   idleTimeoutSeconds: Double = defaultIdleTimeoutSeconds,
                                   requestTimeoutSeconds: Double = defaultRequestTimeoutSeconds) throws -> some ApplicationProtocol {
        try idleTimeout.checked(idleTimeoutSeconds)
        try requestTimeout.checked(requestTimeoutSeconds)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [RequestDeadline.Installer(seconds: requestTimeoutSeconds)],
                                               idleTimeout: .milliseconds(Int64(idleTimeoutSeconds * 1000)), httpDecoderConfiguration: headerLimits)
        return Application(router: SimulatorRouter.make(scene: scene, capacity: capacity), server: .http1(configuration: http1),
                           configuration: .init(address: .hostname(host, port: port), serverName: "ParsGuide"))
    }

    public static func run(scene: SimulatorScene, host: String, port: Int, capacity: Int,
                           idleTimeoutSeconds: Double = defaultIdleTimeoutSeconds,
                           requestTimeoutSeconds: Double = defaultRequestTimeoutSeconds) async throws {
        try await application(scene: scene, host: host, port: port, capacity: capacity, idleTimeoutSeconds: idleTimeoutSeconds,
                              requestTimeoutSeconds: requestTimeoutSeconds).runService()
    }
}
