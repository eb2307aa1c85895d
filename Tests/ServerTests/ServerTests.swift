import Anatomy
import Clinical
import Foundation
import Glibc
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Imaging
import Procedure
import Fluoroscopy
import Ultrasound
import ParsGuideCore
import Testing
@testable import ParsGuideCommands
@testable import Server
import WebAPI

/// The API in process (HummingbirdTesting's router client) on a 1 mm flagship subject written to disk,
/// so the CLI can render the same pose for the pixel comparison.
@Suite(.serialized) struct ServerTests {
    static let subjectDir = Result { () throws -> String in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-server-\(getpid())").path
        if let e = Self.cli(["phantom", "--out", dir, "--voxel-mm", "1", "--force"]) { throw e }
        return dir
    }
    static let scene = Result { try SimulatorScene(directory: try subjectDir.get()) }

    static func app(capacity: Int = 8, registry: Registry? = nil) throws -> some ApplicationProtocol {
        let base = try scene.get()
        return Application(router: SimulatorRouter.make(scene: registry.map { base.saving(to: $0) } ?? base, capacity: capacity))
    }

    static func json(_ body: String) -> ByteBuffer { ByteBuffer(string: body) }

    /// Runs a CLI command in process; the error it threw, if any.
    static func cli(_ args: [String]) -> Error? {
        do {
            var command = try ParsGuide.parseAsRoot(args)
            try command.run()
            return nil
        } catch { return error }
    }
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    static func createSession(_ client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/api/sessions", method: .post) { r in
            #expect(r.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
            return try #require(object?["id"] as? String)
        }
    }

    @Test func everyEndpointAnswers() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok && String(buffer: r.body).contains("ParsGuide simulator"))
                #expect(!String(buffer: r.body).contains("http://") && !String(buffer: r.body).contains("https://"), "the page loads nothing from the network")
            }
            let id = try await Self.createSession(client)
            try await client.execute(uri: "/api/sessions/\(id)/probe", method: .get) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/sessions/\(id)/probe", method: .post, headers: Self.jsonHeaders,
                                     body: Self.json(#"{"preset":"pars-oblique-right","slideMm":2,"rotateDeg":-3,"tiltDeg":2,"depthMm":100,"gainDB":12,"focusMm":50}"#)) { r in
                #expect(r.status == .ok)
                let s = String(buffer: r.body)
                #expect(s.contains("\"preset\":\"pars-oblique-right\"") && s.contains("\"depthMm\":100"))
            }
            try await client.execute(uri: "/api/sessions/\(id)/ultrasound.png", method: .get) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "image/png" && r.body.readableBytes > 1000)
            }
            for body in [#"{"action":"entry","offsetMm":10,"angleDeg":35}"#, #"{"action":"advance","mm":10}"#, #"{"action":"angle","angleDeg":30}"#,
                         #"{"action":"withdraw","mm":2}"#, #"{"action":"use-plan"}"#, #"{"action":"advance","mm":15}"#] {
                try await client.execute(uri: "/api/sessions/\(id)/needle", method: .post, headers: Self.jsonHeaders, body: Self.json(body)) { r in
                    #expect(r.status == .ok, "\(body): \(String(buffer: r.body))")
                    #expect(String(buffer: r.body).contains("tipToTargetMm"))
                }
            }
            try await client.execute(uri: "/api/sessions/\(id)/fluoro", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"view":"ap"}"#)) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "image/png")
                #expect(r.headers[HTTPField.Name("X-ParsGuide-Exposures")!] == "1")
            }
            try await client.execute(uri: "/api/sessions/\(id)/contrast", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"volumeMl":0.2}"#)) { r in
                #expect(r.status == .ok && String(buffer: r.body).contains("placedMl"))
            }
            try await client.execute(uri: "/api/sessions/\(id)/illustration.png", method: .get) { r in #expect(r.status == .ok && r.body.readableBytes > 1000) }
            try await client.execute(uri: "/api/sessions/\(id)/metrics", method: .get) { r in
                #expect(r.status == .ok && String(buffer: r.body).contains("\"exposures\":1"))
            }
            try await client.execute(uri: "/api/sessions/\(id)/save", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"patientId":"P1","date":"2025-01-01"}"#)) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("saving is off"))
            }
            try await client.execute(uri: "/api/sessions/\(id)", method: .delete) { r in #expect(r.status == .noContent) }
            try await client.execute(uri: "/api/sessions/\(id)/metrics", method: .get) { r in #expect(r.status == .notFound) }
        }
    }

    /// The server's one registry connection serialises the writes: saves sent together all land.
    @Test func concurrentSavesAllLand() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-saves-\(getpid()).sqlite").path
        try? FileManager.default.removeItem(atPath: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let registry = try Registry(path: path)
        try registry.add(Patient(id: "P1", sex: "male", yearOfBirth: 1974, heightCm: 177, weightKg: 74))
        let saves = 40
        try await Self.app(registry: registry).test(.router) { client in
            let id = try await Self.createSession(client)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<saves {
                    group.addTask {
                        try await client.execute(uri: "/api/sessions/\(id)/save", method: .post, headers: Self.jsonHeaders,
                                                 body: Self.json(#"{"patientId":"P1","date":"2025-01-13"}"#)) { $0.status }
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == saves && statuses.allSatisfy { $0 == .ok }, "statuses: \(statuses)")
        }
        #expect(try registry.procedures(of: "P1").count == saves)
        #expect(try registry.integrityCheck() == "ok")
    }

    @Test func badValuesAreRefusedWithJSONErrors() async throws {
        try await Self.app().test(.router) { client in
            let id = try await Self.createSession(client)
            for (path, body) in [("probe", #"{"rotateDeg":1e9}"#), ("probe", #"{"depthMm":-5}"#), ("probe", #"{"slideMm":"NaN"}"#), ("probe", #"{"preset":"../../etc/passwd"}"#),
                                 ("needle", #"{"action":"advance","mm":5}"#), ("needle", #"{"action":"fly"}"#), ("needle", #"{"action":"entry","angleDeg":400}"#),
                                 ("fluoro", #"{"view":"top"}"#), ("fluoro", #"{"view":"ap","obliqueDeg":1e300}"#), ("contrast", #"{"volumeMl":-1}"#),
                                 ("probe", "not json")] {
                try await client.execute(uri: "/api/sessions/\(id)/\(path)", method: .post, headers: Self.jsonHeaders, body: Self.json(body)) { r in
                    #expect(r.status == .badRequest, "\(path) \(body) → \(r.status)")
                    #expect(String(buffer: r.body).contains("\"error\""), "\(path) \(body): \(String(buffer: r.body))")
                }
            }
            // Bodies over 64 KiB are refused outright.
            try await client.execute(uri: "/api/sessions/\(id)/probe", method: .post, headers: Self.jsonHeaders,
                                     body: ByteBuffer(string: String(repeating: " ", count: 70_000) + "{}")) { r in
                #expect(r.status == .contentTooLarge)
            }
            try await client.execute(uri: "/api/sessions/unknown/ultrasound.png", method: .get) { r in #expect(r.status == .notFound) }
        }
    }

    /// The fuzz target's replay (`RequestReplay`, 64-pixel frames and shots, 16 lines): the routes' checks
    /// hold at that size, a refused request leaves the session as it was, and the frames are as small as asked.
    @Test func aSmallFrameReplayRefusesAndKeepsAsTheRoutesDo() throws {
        var replay = try RequestReplay(scene: try Self.scene.get(), framePixels: 64, lineCount: 16)
        func width(_ png: Data) -> Int { png[16..<20].reduce(0) { $0 << 8 | Int($1) } }
        let moved = try #require(try replay.post(.probe, body: Data(#"{"rotateDeg":5}"#.utf8)))
        #expect(width(moved) == 64)
        try replay.post(.needle, body: Data(#"{"action":"use-plan"}"#.utf8))
        try replay.post(.needle, body: Data(#"{"action":"advance","mm":15}"#.utf8))
        try replay.post(.fluoro, body: Data(#"{"view":"ap"}"#.utf8))
        let before = try replay.post(.contrast, body: Data(#"{"volumeMl":0.2}"#.utf8))
        for (route, body) in [(RequestReplay.Route.probe, #"{"rotateDeg":1e9}"#), (.fluoro, #"{"view":"ap","obliqueDeg":1e300}"#),
                              (.needle, #"{"action":"advance","mm":"NaN"}"#), (.contrast, #"{"volumeMl":-1}"#)] {
            #expect(throws: (any Error).self, "\(route) \(body)") { try replay.post(route, body: Data(body.utf8)) }
        }
        // Nothing of the refused requests stuck: an empty probe change renders the same frame as before them.
        #expect(try replay.post(.probe, body: Data("{}".utf8)) == before)
        #expect(throws: (any Error).self) { try RequestReplay(scene: try Self.scene.get(), framePixels: 8) }
        // Without frames (the web-json fuzz target) the same requests are applied and nothing is rendered.
        var quick = try RequestReplay(scene: try Self.scene.get(), framePixels: 64, lineCount: 16, rendersFrames: false)
        #expect(try quick.post(.probe, body: Data(#"{"rotateDeg":5}"#.utf8)) == nil)
        #expect(throws: (any Error).self) { try quick.post(.probe, body: Data(#"{"rotateDeg":1e9}"#.utf8)) }
    }

    /// Each physical parameter has one declaration (`PhysicalParameter`), and the CLI and the web API refuse
    /// the same bad value with the same sentence, naming the value and the allowed range.
    @Test func cliAndWebRefuseABadValueWithTheSameSentence() async throws {
        let dir = try Self.subjectDir.get(), out = FileManager.default.temporaryDirectory.path + "/parsguide-range-\(getpid())"
        let us = ["ultrasound", "--subject", dir, "--view", "sagittal-facets", "--level", "L5", "--side", "left", "--out", out + ".png"]
        let plan = ["--subject", dir, "--plan", out + "-plan.json", "--out", out]
        let fluoro = ["fluoro", "--subject", dir, "--out", out + ".png"]
        let table: [(PhysicalParameter, Double, cli: [String], path: String, body: String)] = [
            (ProbeView.tilt, 60, us + ["--tilt-deg", "60"], "probe", #"{"tiltDeg":60}"#),
            (BModeSettings.depth, 300, us + ["--depth-mm", "300"], "probe", #"{"depthMm":300}"#),
            (BModeSettings.gain, -70, us + ["--gain-db=-70"], "probe", #"{"gainDB":-70}"#),
            (CArm.View.obliqueAngle, 100, fluoro + ["--view", "oblique-left", "--oblique-deg", "100"], "fluoro", #"{"view":"oblique-left","obliqueDeg":100}"#),
            (CArm.View.cranialTilt, 70, fluoro + ["--view", "ap", "--cranial-deg", "70"], "fluoro", #"{"view":"ap","cranialDeg":70}"#),
            (ContrastSpread.volume, 20, ["inject"] + plan + ["--volume-ml", "20"], "contrast", #"{"volumeMl":20}"#),
            (Insertion.step, 30, ["insert"] + plan + ["--steps-mm", "30"], "needle", #"{"action":"advance","mm":30}"#),
        ]
        try await Self.app().test(.router) { client in
            let id = try await Self.createSession(client)
            for (parameter, value, cli, path, body) in table {
                let sentence = ParameterOutOfRange(parameter: parameter, value: value).description
                #expect(sentence.contains(parameter.allowedText))
                let cliError = Self.cli(cli)
                let cliText = cliError.map { ParsGuide.message(for: $0) } ?? "accepted"
                #expect(cliText == sentence, "CLI \(cli.dropFirst(3).joined(separator: " ")): \(cliText)")
                try await client.execute(uri: "/api/sessions/\(id)/\(path)", method: .post, headers: Self.jsonHeaders, body: Self.json(body)) { r in
                    #expect(r.status == .badRequest, "\(path) \(body) → \(r.status)")
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: [String: String]]
                    #expect(json?["error"]?["message"] == sentence, "web \(path) \(body): \(String(buffer: r.body))")
                }
            }
            // A named mode: one parser, one sentence.
            let sentence = UnknownChoice(choiceName: "C-arm view", value: "top", allowed: CArm.View.allCases.map(\.rawValue)).description
            let cliError = Self.cli(fluoro + ["--view", "top"])
            #expect(cliError.map { ParsGuide.message(for: $0) } == sentence)
            try await client.execute(uri: "/api/sessions/\(id)/fluoro", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"view":"top"}"#)) { r in
                #expect(r.status == .badRequest)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: [String: String]]
                #expect(json?["error"]?["message"] == sentence, "web: \(String(buffer: r.body))")
            }
        }
    }

    /// The page's number fields offer what the API accepts: each field's min, max and starting value, read
    /// from the served page, are accepted by the request the page sends; half a step beyond either end is
    /// refused with the parameter's sentence (the page once offered gain −40…60 dB where the API took −60…60,
    /// cranial tilt ±45° of ±60°, and at most 5 of 10 mL).
    @Test func thePageOffersWhatTheAPIAccepts() async throws {
        try await Self.app().test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            let pattern = try Regex(#"<input id="(\w+)" type="number" value="([^"]+)" min="([^"]+)" max="([^"]+)" step="([^"]+)""#)
            var fields: [String: (value: Double, min: Double, max: Double, step: Double)] = [:]
            for m in page.matches(of: pattern) {
                let n = (2...5).map { Double(String(m.output[$0].substring!))! }
                fields[String(m.output[1].substring!)] = (n[0], n[1], n[2], n[3])
            }
            #expect(Set(fields.keys) == Set(SimulatorPage.fields.keys), "number fields on the page: \(fields.keys.sorted())")
            // The request each field's value goes into (X), with the other values of that request made valid.
            let requests: [String: (path: String, body: String)] = [
                "depth": ("probe", #"{"depthMm":X,"focusMm":5}"#), "focus": ("probe", #"{"depthMm":250,"focusMm":X}"#),
                "gain": ("probe", #"{"gainDB":X}"#),
                "offset": ("needle", #"{"action":"entry","offsetMm":X}"#), "angle": ("needle", #"{"action":"entry","angleDeg":X}"#),
                "step": ("needle", #"{"action":"advance","mm":X}"#), "volume": ("contrast", #"{"volumeMl":X}"#),
                "obl": ("fluoro", #"{"view":"oblique-left","obliqueDeg":X}"#), "cra": ("fluoro", #"{"view":"ap","cranialDeg":X}"#),
            ]
            let id = try await Self.createSession(client)
            try await client.execute(uri: "/api/sessions/\(id)/needle", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"action":"entry"}"#)) { r in
                #expect(r.status == .ok)
            }
            for (name, f) in fields.sorted(by: { $0.key < $1.key }) {
                let (path, body) = try #require(requests[name], "a request for \(name)")
                let parameter = try #require(SimulatorPage.fields[name]).parameter
                for (x, accepted) in [(f.min, true), (f.value, true), (f.max, true), (f.min - f.step / 2, false), (f.max + f.step / 2, false)] {
                    let text = body.replacingOccurrences(of: "X", with: "\(x)")
                    try await client.execute(uri: "/api/sessions/\(id)/\(path)", method: .post, headers: Self.jsonHeaders, body: Self.json(text)) { r in
                        if accepted {
                            #expect(r.status == .ok, "\(name) \(x): \(path) \(text) → \(r.status) \(String(buffer: r.body))")
                        } else {
                            #expect(r.status == .badRequest, "\(name) \(x): \(path) \(text) → \(r.status)")
                            let json = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: [String: String]]
                            #expect(json?["error"]?["message"] == ParameterOutOfRange(parameter: parameter, value: x).description,
                                    "\(name) \(x): \(String(buffer: r.body))")
                        }
                    }
                }
            }
        }
    }

    /// Every named mode parses through `NamedChoice`: one sentence naming the allowed names wherever it is
    /// given (a flag of any command, a JSON string of the web API), and names match without regard to case
    /// (`--side LEFT` was accepted by `ultrasound` and refused by `illustrate`).
    @Test func namedModesParseOnceEverywhere() async throws {
        let dir = try Self.subjectDir.get(), out = FileManager.default.temporaryDirectory.path + "/parsguide-modes-\(getpid())"
        let us = ["ultrasound", "--subject", dir, "--view", "sagittal-facets", "--out", out + ".png"]
        let illustrate = ["illustrate", "--subject", dir, "--us-pose", "sagittal-facets", "--size", "32x32", "--out", out + "-3d.png"]
        let cases: [(cli: [String], sentence: String)] = [
            (us + ["--side", "up"], UnknownChoice(choiceName: "side", value: "up", allowed: ["left", "right"]).description),
            (illustrate + ["--side", "up"], UnknownChoice(choiceName: "side", value: "up", allowed: ["left", "right"]).description),
            (illustrate + ["--translucent", "up"], UnknownChoice(choiceName: "side", value: "up", allowed: ["left", "right"]).description),
            (us + ["--level", "S1"], UnknownChoice(choiceName: "level", value: "S1", allowed: ["L1", "L2", "L3", "L4", "L5"]).description),
            (illustrate + ["--level", "T12"], UnknownChoice(choiceName: "level", value: "T12", allowed: ["L1", "L2", "L3", "L4", "L5"]).description),
            (["ultrasound", "--subject", dir, "--view", "coronal", "--out", out + ".png"],
             UnknownChoice(choiceName: "probe view", value: "coronal", allowed: ProbeView.allCases.map(\.rawValue)).description),
            (["phantom", "--sex", "other", "--out", out + "-phantom"], UnknownChoice(choiceName: "sex", value: "other", allowed: ["male", "female"]).description),
            (["case", "--sex", "other", "--out", out + "-case"], UnknownChoice(choiceName: "sex", value: "other", allowed: ["male", "female"]).description),
            (["case", "--level", "S1", "--out", out + "-case"], UnknownChoice(choiceName: "level", value: "S1", allowed: ["L1", "L2", "L3", "L4", "L5"]).description),
        ]
        for (cli, sentence) in cases {
            let text = Self.cli(cli).map { ParsGuide.message(for: $0) } ?? "accepted"
            #expect(text == sentence, "\(cli.joined(separator: " ")): \(text)")
        }
        for leftCap in [us + ["--side", "LEFT", "--level", "l5"], illustrate + ["--side", "LEFT", "--level", "l5", "--translucent", "Right"]] {
            #expect(Self.cli(leftCap) == nil, "\(leftCap.joined(separator: " ")) should be accepted")
        }
        for f in [out + ".png", out + "-3d.png"] { try? FileManager.default.removeItem(atPath: f) }
        try await Self.app().test(.router) { client in
            let id = try await Self.createSession(client)
            for (path, body, sentence) in [
                ("probe", #"{"preset":"top-left"}"#, UnknownChoice(choiceName: "probe preset", value: "top-left", allowed: WebProbePreset.allCases.map(\.rawValue)).description),
                ("needle", #"{"action":"fly"}"#, UnknownChoice(choiceName: "needle action", value: "fly", allowed: ["entry", "angle", "advance", "withdraw", "use-plan"]).description),
            ] {
                try await client.execute(uri: "/api/sessions/\(id)/\(path)", method: .post, headers: Self.jsonHeaders, body: Self.json(body)) { r in
                    #expect(r.status == .badRequest)
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: [String: String]]
                    #expect(json?["error"]?["message"]?.hasSuffix(sentence) == true, "web \(path) \(body): \(String(buffer: r.body))")
                }
            }
            // A preset named in capitals is the same preset.
            try await client.execute(uri: "/api/sessions/\(id)/probe", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"preset":"Sagittal-Facets-Right"}"#)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                #expect(String(buffer: r.body).contains("sagittal-facets-right"))
            }
        }
    }

    /// The page's level and transverse controls: a probe change names a level (L1–L5), alone or with a
    /// preset; the target, the probe's place and the frame follow it; S1 is refused naming the levels, and
    /// the refusal changes nothing.
    @Test func aSessionMovesToAnotherLevelAndToTheTransverseView() async throws {
        try await Self.app().test(.router) { client in
            let id = try await Self.createSession(client)   // pars-oblique-left at L5
            func state(_ r: TestResponse) throws -> (target: String, preset: String, centreZ: Double) {
                let o = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                let m = try #require(o["worldFromProbe"] as? [[Double]])
                return (try #require(o["target"] as? String), try #require(o["preset"] as? String), m[2][3])
            }
            func frame() async throws -> ByteBuffer {
                try await client.execute(uri: "/api/sessions/\(id)/ultrasound.png?display=plain", method: .get) { r in r.body }
            }
            let l5 = try await client.execute(uri: "/api/sessions/\(id)/probe", method: .get) { try state($0) }
            let l5Frame = try await frame()
            let l4 = try await client.execute(uri: "/api/sessions/\(id)/probe", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"level":"L4"}"#)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                return try state(r)
            }
            #expect(l4.target == "L4-left" && l4.preset == "pars-oblique-left", "\(l4)")
            // Cranially, though less than a level's height: the search slides the L4 view 10 mm caudally to
            // reach the spinous process, the L5 view 10 mm cranially (the flagship's presets).
            #expect(l4.centreZ > l5.centreZ, "one level up moves the probe cranially: \(l5.centreZ) → \(l4.centreZ)")
            #expect(try await frame() != l5Frame)
            let l3 = try await client.execute(uri: "/api/sessions/\(id)/probe", method: .post, headers: Self.jsonHeaders,
                                              body: Self.json(#"{"preset":"transverse-right","level":"l3"}"#)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                return try state(r)
            }
            #expect(l3.target == "L3-right" && l3.preset == "transverse-right" && l3.centreZ - l4.centreZ > 15, "\(l3) after \(l4)")
            try await client.execute(uri: "/api/sessions/\(id)/probe", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"level":"S1"}"#)) { r in
                #expect(r.status == .badRequest)
                let sentence = UnknownChoice(choiceName: "level", value: "S1", allowed: ["L1", "L2", "L3", "L4", "L5"]).description
                #expect(String(buffer: r.body).contains(sentence), "\(String(buffer: r.body))")
            }
            let after = try await client.execute(uri: "/api/sessions/\(id)/probe", method: .get) { try state($0) }
            #expect(after.target == "L3-right" && after.preset == "transverse-right" && after.centreZ == l3.centreZ)
            try await client.execute(uri: "/api/sessions/\(id)/fluoro", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"view":"ap"}"#)) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "image/png")
            }
        }
    }

    /// Unknown keys and wrong types are refused naming the key (they were silently ignored: a misspelt
    /// `rotationDeg` changed nothing and answered 200), and a refused change leaves the session as it was.
    @Test func unknownKeysAndWrongTypesAreRefusedNamingTheKey() async throws {
        try await Self.app().test(.router) { client in
            let id = try await Self.createSession(client)
            for (path, body, words) in [("probe", #"{"rotationDeg":45}"#, ["'rotationDeg'", "rotateDeg"]),
                                        ("probe", #"{"slideMm":"5"}"#, ["'slideMm'", "a number"]),
                                        ("probe", #"[1, 2]"#, ["JSON object", "preset"]),
                                        ("needle", #"{"action":"advance","milimetres":5}"#, ["'milimetres'", "mm"]),
                                        ("fluoro", #"{"obliqueDeg":20}"#, ["'view'", "missing"]),
                                        ("fluoro", #"{"view":"ap","kVp":120}"#, ["'kVp'", "cranialDeg"]),
                                        ("contrast", #"{"volumeMl":null}"#, ["'volumeMl'", "not null"]),
                                        ("save", #"{"patientId":7,"date":"2026-12-04"}"#, ["'patientId'", "a string"])] {
                try await client.execute(uri: "/api/sessions/\(id)/\(path)", method: .post, headers: Self.jsonHeaders, body: Self.json(body)) { r in
                    let text = String(buffer: r.body)
                    #expect(r.status == .badRequest, "\(path) \(body) → \(r.status)")
                    for word in words { #expect(text.contains(word), "\(path) \(body): \(text) should name \(word)") }
                }
            }
            // A new preset with a refused depth in the same request: nothing changes.
            try await client.execute(uri: "/api/sessions/\(id)/probe", method: .post, headers: Self.jsonHeaders,
                                     body: Self.json(#"{"preset":"sagittal-facets-right","depthMm":-5}"#)) { r in #expect(r.status == .badRequest) }
            try await client.execute(uri: "/api/sessions/\(id)/probe", method: .get) { r in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                #expect(object?["preset"] as? String == "pars-oblique-left", "a refused change switched the preset: \(String(buffer: r.body))")
            }
        }
    }

    @Test func sessionsAreIndependentAndBounded() async throws {
        try await Self.app(capacity: 3).test(.router) { client in
            let a = try await Self.createSession(client), b = try await Self.createSession(client)
            try await client.execute(uri: "/api/sessions/\(a)/needle", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"action":"entry"}"#)) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/sessions/\(a)/needle", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"action":"advance","mm":12}"#)) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/sessions/\(b)/probe", method: .get) { r in
                #expect(!String(buffer: r.body).contains("\"needle\""), "session b must not see a's needle")
            }
            // Use a again, so that b is the least recently used; creating past the capacity evicts it.
            try await client.execute(uri: "/api/sessions/\(a)/probe", method: .get) { r in #expect(r.status == .ok) }
            let c = try await Self.createSession(client), d = try await Self.createSession(client)
            try await client.execute(uri: "/api/sessions/\(b)/probe", method: .get) { r in #expect(r.status == .notFound) }
            for live in [a, c, d] { try await client.execute(uri: "/api/sessions/\(live)/probe", method: .get) { r in #expect(r.status == .ok) } }
        }
    }

    @Test func theAPIImagesTheSamePixelsAsTheCLI() async throws {
        let dir = try Self.subjectDir.get()
        let cli = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-server-cli-\(getpid()).png").path
        defer { try? FileManager.default.removeItem(atPath: cli) }
        let served = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-server-api-\(getpid()).png").path
        defer { try? FileManager.default.removeItem(atPath: served) }
        // The page's default is the scanner's display; ?display=plain is the CLI's default, the bare frame.
        for (query, flags) in [("", ["--display", "scanner"]), ("?display=plain", []), ("?display=Scanner", ["--scanner-display"])] {
            #expect(Self.cli(["ultrasound", "--subject", dir, "--view", "pars-oblique", "--level", "L5", "--side", "left", "--size", "512x512", "--out", cli] + flags) == nil)
            let expected = try PNG.readRGB(path: cli)
            try await Self.app().test(.router) { client in
                let id = try await Self.createSession(client)
                try await client.execute(uri: "/api/sessions/\(id)/ultrasound.png\(query)", method: .get) { r in
                    try Data(buffer: r.body).write(to: URL(fileURLWithPath: served))
                }
            }
            #expect(try PNG.readRGB(path: served) == expected, "query '\(query)', CLI \(flags)")
        }
        #expect(Self.cli(["ultrasound", "--subject", dir, "--view", "pars-oblique", "--display", "plain", "--scanner-display", "--out", cli]) != nil)
        #expect(Self.cli(["ultrasound", "--subject", dir, "--view", "pars-oblique", "--display", "fancy", "--out", cli]).map { "\($0)".contains("allowed plain, scanner") } == true)
        try await Self.app().test(.router) { client in
            let id = try await Self.createSession(client)
            try await client.execute(uri: "/api/sessions/\(id)/ultrasound.png?display=fancy", method: .get) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("allowed plain, scanner"))
            }
        }
    }

    /// The web's 3D view is `parsguide illustrate` of the same pose, focus and size, pixel for pixel (both call
    /// `SurfaceRenderer` with the probe-view palette through the library).
    @Test func theAPIIllustratesTheSamePixelsAsTheCLI() async throws {
        let dir = try Self.subjectDir.get()
        let cli = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-server-3d-cli-\(getpid()).png").path
        let served = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-server-3d-api-\(getpid()).png").path
        defer { for f in [cli, served] { try? FileManager.default.removeItem(atPath: f) } }
        #expect(Self.cli(["illustrate", "--subject", dir, "--us-pose", "pars-oblique", "--level", "L5", "--side", "left", "--focus", "L5-left",
                          "--size", "480x360", "--out", cli]) == nil)
        try await Self.app().test(.router) { client in
            let id = try await Self.createSession(client)   // preset pars-oblique-left, no needle yet
            try await client.execute(uri: "/api/sessions/\(id)/illustration.png", method: .get) { r in
                #expect(r.status == .ok)
                try Data(buffer: r.body).write(to: URL(fileURLWithPath: served))
            }
        }
        #expect(try PNG.readRGB(path: served) == PNG.readRGB(path: cli), "the API's 3D view differs from `parsguide illustrate`")
    }

    /// A connection that sends nothing is closed after the idle timeout, and oversized headers are refused
    /// before routing, on a live server (so idle and half-open connections cannot pile up).
    @Test func idleConnectionsCloseAndHugeHeadersAreRefused() async throws {
        let app = try SimulatorServer.application(scene: try Self.scene.get(), host: "127.0.0.1", port: 0, capacity: 2, idleTimeoutSeconds: 1)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let start = ContinuousClock.now
            let silent = try RawConnection(port: port)
            #expect(silent.readUntilClosed(timeoutSeconds: 6) != nil, "an idle connection was left open")
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(900) && waited < .seconds(4), "closed after \(waited)")
            let flood = try RawConnection(port: port)
            flood.send("GET /api/sessions HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n")
            let answer = flood.readUntilClosed(timeoutSeconds: 6) ?? ""
            #expect(!answer.contains("200 OK"), "a 20 kB header was served: \(answer.prefix(80))")
            #expect(throws: ParameterOutOfRange.self) {
                _ = try SimulatorServer.application(scene: try Self.scene.get(), host: "127.0.0.1", port: 0, capacity: 2, idleTimeoutSeconds: 0)
            }
        }
    }

    /// A client that trickles its request a byte at a time is never idle; the request deadline cuts it off
    /// while a prompt request on another connection is served meanwhile.
    @Test func aTricklingClientIsCutOffAtTheRequestDeadline() async throws {
        let app = try SimulatorServer.application(scene: try Self.scene.get(), host: "127.0.0.1", port: 0, capacity: 2,
                                                  idleTimeoutSeconds: 8, requestTimeoutSeconds: 3)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // The raw sockets block: they run on a thread of their own, so the server's handlers keep the
            // concurrency pool (with two cores, a blocked pool thread starved the prompt request).
            let (closedAfter, answer) = try await RawConnection.onOwnThread { () throws -> (Duration?, String) in
                let slow = try RawConnection(port: port)
                let start = ContinuousClock.now
                var closedAfter: Duration?
                // One byte every 100 ms of an endless header, for up to 8 s.
                let request = Array("GET /api/sessions HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 200))
                for byte in request {
                    slow.send(String(byte))
                    if slow.readUntilClosed(timeoutSeconds: 0, pollMs: 100) != nil { closedAfter = ContinuousClock.now - start; break }
                    if ContinuousClock.now - start > .seconds(8) { break }
                }
                // A prompt request is answered (the deadline is per request, not per connection).
                let prompt = try RawConnection(port: port)
                prompt.send("GET /api/sessions/none/probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return (closedAfter, prompt.readUntilClosed(timeoutSeconds: 5) ?? "")
            }
            let after = try #require(closedAfter, "a trickling client was still connected after 8 s")
            #expect(after >= .milliseconds(2900) && after < .seconds(6), "cut off after \(after)")
            #expect(answer.hasPrefix("HTTP/1.1 404"), "a prompt request: \(answer.prefix(60))")
            #expect(throws: ParameterOutOfRange.self) {
                _ = try SimulatorServer.application(scene: try Self.scene.get(), host: "127.0.0.1", port: 0, capacity: 2, requestTimeoutSeconds: 0.5)
            }
        }
    }

    /// The web simulator's shots go through the CLI's shot path (`FluoroScene.shoot`): AP, oblique and
    /// lateral at the session's target are the same pixels as `parsguide fluoro` at that isocentre.
    @Test func theAPIShootsTheSamePixelsAsTheCLI() async throws {
        let dir = try Self.subjectDir.get()
        let tmp = FileManager.default.temporaryDirectory.path + "/parsguide-shot-\(getpid())"
        defer { for v in CArm.View.allCases { try? FileManager.default.removeItem(atPath: "\(tmp)-\(v.rawValue)-cli.png"); try? FileManager.default.removeItem(atPath: "\(tmp)-\(v.rawValue)-api.png") } }
        try await Self.app().test(.router) { client in
            let id = try await Self.createSession(client)   // preset pars-oblique-left: target L5-left
            for view in [CArm.View.ap, .obliqueLeft, .lateral] {
                let cli = "\(tmp)-\(view.rawValue)-cli.png", api = "\(tmp)-\(view.rawValue)-api.png"
                #expect(Self.cli(["fluoro", "--subject", dir, "--view", view.rawValue, "--isocenter", "L5-left", "--out", cli]) == nil)
                try await client.execute(uri: "/api/sessions/\(id)/fluoro", method: .post, headers: Self.jsonHeaders,
                                         body: Self.json(#"{"view":"\#(view.rawValue)"}"#)) { r in
                    #expect(r.status == .ok)
                    try Data(buffer: r.body).write(to: URL(fileURLWithPath: api))
                }
                #expect(try PNG.readRGB(path: api) == PNG.readRGB(path: cli), "\(view.rawValue): the API's shot differs from the CLI's")
            }
        }
    }
}

/// A plain TCP connection to 127.0.0.1 for tests that need to misbehave as a client.
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    /// Runs `body` (blocking socket work) on a thread of its own and waits for it without holding a thread
    /// of the concurrency pool.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything received until the server closes the connection, or nil if it is still open after the
    /// timeout (at least one poll of `pollMs`).
    func readUntilClosed(timeoutSeconds: Int, pollMs: Int32 = 100) -> String? {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var first = true
        while first || ContinuousClock.now < deadline {
            first = false
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, pollMs) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return String(decoding: received, as: UTF8.self) }
            received += buffer[0..<n]
        }
        return nil
    }
}
