import Foundation
import Testing
@testable import Clinical
@testable import ParsGuideCommands

@Suite(.serialized) struct RegistryCommandTests {
    static func snapshot(_ r: Registry) throws -> String {
        "\(try r.patients())|\(try r.encounters())|\(try r.procedures())|\(try r.images())|\(try r.findings())"
    }

    @Test("registry and odi commands: the case end to end, then bad inputs that write nothing")
    func registryCommands() throws {
        let db = CommandLineTests.temp("registry.sqlite"), export = CommandLineTests.temp("registry-csv"), svg = CommandLineTests.temp("registry.svg")
        for p in [db, export, svg] { try? FileManager.default.removeItem(atPath: p) }
        defer { for p in [db, export, svg] { try? FileManager.default.removeItem(atPath: p) } }
        // Bad input on a registry that does not exist yet: refused, and no file appears.
        #expect(CommandLineTests.message(CommandLineTests.run(["registry", "add-patient", "--db", db, "--id", "CASE-1", "--sex", "male",
                                                               "--year-of-birth", "1974", "--height-cm", "177", "--weight-kg", "0"])).contains("weight 0.0 kg"))
        #expect(CommandLineTests.message(CommandLineTests.run(["registry", "add-encounter", "--db", db, "--patient", "CASE-1", "--date", "2025-01-01", "--kind", "baseline"])).contains("no registry"))
        #expect(!FileManager.default.fileExists(atPath: db))

        #expect(CommandLineTests.run(["registry", "add-patient", "--db", db, "--id", "CASE-1", "--sex", "male", "--year-of-birth", "1974",
                                      "--height-cm", "177", "--weight-kg", "74"]) == nil)
        #expect(CommandLineTests.run(["registry", "add-encounter", "--db", db, "--patient", "CASE-1", "--date", "2025-03-03", "--kind", "baseline",
                                      "--odi-total", "17", "--finding", "extension-rotation:+", "--finding", "slump:-", "--strength", "hip abduction=4+/5"]) == nil)
        #expect(CommandLineTests.run(["registry", "add-procedure", "--db", db, "--patient", "CASE-1", "--date", "2025-03-10", "--level", "L5",
                                      "--side", "bilateral", "--guidance", "both", "--needle", "22G-3.5in", "--image", "ultrasound=fig1a.png"]) == nil)
        #expect(CommandLineTests.run(["registry", "add-encounter", "--db", db, "--patient", "CASE-1", "--date", "2025-06-10", "--kind", "follow-up",
                                      "--odi-total", "10", "--gpc", "80-90"]) == nil)
        let before = try Self.snapshot(try Registry(path: db))

        for (args, message) in [
            (["odi", "--answers", "1,1,7,1,1,1,1,1,1,1"], "answer 7 is outside 0–5"),
            (["odi", "--answers", "1,1,1,1,1,1,1,1,1,1,1"], "got 11 answers"),
            (["registry", "add-encounter", "--db", db, "--patient", "CASE-1", "--date", "2099-01-01", "--kind", "follow-up"], "in the future"),
            (["registry", "add-encounter", "--db", db, "--patient", "NOBODY", "--date", "2025-01-01", "--kind", "follow-up"], "unknown patient id 'NOBODY'"),
            (["registry", "add-encounter", "--db", db, "--patient", "CASE-1", "--date", "2025-07-01", "--kind", "follow-up", "--odi", "1,1,1,1,1,1,1,-,-,-"], "only 7 of 10"),
            (["registry", "add-encounter", "--db", db, "--patient", "CASE-1", "--date", "2025-07-01", "--kind", "follow-up", "--strength", "hip=6/5"], "MRC grade 6"),
            (["registry", "add-procedure", "--db", db, "--patient", "CASE-1", "--date", "2025-07-01", "--level", "L9", "--side", "left", "--guidance", "both"], "level 'L9'"),
            (["registry", "add-patient", "--db", db, "--id", "CASE-1", "--sex", "male", "--year-of-birth", "1974", "--height-cm", "177", "--weight-kg", "74"], "already exists"),
            (["registry", "show", "--db", db, "--patient", "NOBODY"], "unknown patient id"),
        ] {
            #expect(CommandLineTests.message(CommandLineTests.run(args)).contains(message), "\(args)")
        }
        #expect(try Self.snapshot(try Registry(path: db)) == before)

        #expect(CommandLineTests.run(["registry", "summary", "--db", db, "--svg", svg]) == nil)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("CASE-1"))
        #expect(CommandLineTests.run(["registry", "export-csv", "--db", db, "--out", export]) == nil)
        let copy = CommandLineTests.temp("registry-copy.sqlite")
        try? FileManager.default.removeItem(atPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        #expect(CommandLineTests.run(["registry", "import-csv", "--db", copy, "--from", export]) == nil)
        #expect(try Self.snapshot(try Registry(path: copy)) == before)
    }
}
