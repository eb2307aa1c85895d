import Foundation
import Testing
@testable import ParsGuideCommands

/// plan → insert → inject → confirm on the 1 mm flagship subject, and the bad inputs of each.
@Suite(.serialized) struct ProcedureCommandTests {
    static let plan = Result { () throws -> String in
        let path = CommandLineTests.temp("plan.json")
        if let e = CommandLineTests.run(["plan", "--subject", try UltrasoundCommandTests.subject.get(), "--target", "L5-left", "--out", path]) { throw e }
        return path
    }

    @Test("plan → insert → inject → confirm write their files")
    func endToEnd() throws {
        let dir = try UltrasoundCommandTests.subject.get(), plan = try Self.plan.get()
        let out = CommandLineTests.temp("procedure")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let planJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan))) as? [String: Any]
        for key in ["target", "entryMm", "direction", "depthToTargetMm", "angleToSkinDeg", "angleToProbeFaceDeg", "entryOffsetFromProbeMm",
                    "clearancesMm", "needle", "pose", "warnings"] {
            #expect(planJSON?[key] != nil, "plan.json lacks \(key)")
        }
        #expect(CommandLineTests.run(["insert", "--subject", dir, "--plan", plan, "--size", "64", "--steps-mm", "10", "--out", out + "/insert"]) == nil)
        #expect(FileManager.default.fileExists(atPath: out + "/insert/metrics.json"))
        #expect(FileManager.default.fileExists(atPath: out + "/insert/frames/step-000.png"))
        // The animated PNG starts with the signature and carries an acTL chunk.
        let apng = try Data(contentsOf: URL(fileURLWithPath: out + "/insert/insertion.png"))
        #expect(apng.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]) && apng.range(of: Data("acTL".utf8)) != nil)
        #expect(CommandLineTests.run(["inject", "--subject", dir, "--plan", plan, "--volume-ml", "0.3", "--out", out + "/inject"]) == nil)
        #expect(CommandLineTests.run(["confirm", "--subject", dir, "--plan", plan, "--contrast", out + "/inject/contrast.nii.gz",
                                      "--size", "64", "--out", out + "/confirm"]) == nil)
        for shot in ["ap-needle", "oblique-left-needle", "lateral-needle", "ap-contrast", "lateral-contrast"] {
            #expect(FileManager.default.fileExists(atPath: out + "/confirm/fl-\(shot).png"))
        }
    }

    @Test("Bad procedure inputs fail with messages naming the value")
    func badInputs() throws {
        let dir = try UltrasoundCommandTests.subject.get(), plan = try Self.plan.get()
        let out = CommandLineTests.temp("bad-procedure")
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(CommandLineTests.message(CommandLineTests.run(["plan", "--subject", dir, "--target", "L7-left", "--out", out + ".json"])).contains("unknown target 'L7-left'"))
        #expect(CommandLineTests.message(CommandLineTests.run(["plan", "--subject", dir, "--target", "L5-left", "--needle", "22G-2.5in", "--out", out + ".json"])).contains("cannot reach"))
        #expect(CommandLineTests.message(CommandLineTests.run(["plan", "--subject", dir, "--target", "L5-left", "--needle", "23G-3.5in", "--out", out + ".json"])).contains("23G"))
        for volume in ["-0.5", "0", "50"] {
            #expect(CommandLineTests.message(CommandLineTests.run(["inject", "--subject", dir, "--plan", plan, "--volume-ml=\(volume)", "--out", out])).contains("mL"))
        }
        #expect(CommandLineTests.message(CommandLineTests.run(["inject", "--subject", dir, "--plan", plan, "--medication", "bupivacaine-0.5:10,bupivacaine-0.5:10,bupivacaine-0.5:10,bupivacaine-0.5:10", "--out", out])).contains("maximum"))
        // A plan made on another subject (here: its fingerprint altered) is refused.
        var text = try String(contentsOfFile: plan, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"fingerprint\" : \"", with: "\"fingerprint\" : \"0")
        let foreign = out + "-foreign.json"
        try text.write(toFile: foreign, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        #expect(CommandLineTests.message(CommandLineTests.run(["insert", "--subject", dir, "--plan", foreign, "--out", out])).contains("another subject"))
        #expect(CommandLineTests.message(CommandLineTests.run(["insert", "--subject", dir, "--plan", plan, "--steps-mm", "0", "--out", out])).contains("step"))
        #expect(CommandLineTests.message(CommandLineTests.run(["insert", "--subject", dir, "--plan", "/nonexistent.json", "--out", out])).contains("no such file"))
        #expect(!FileManager.default.fileExists(atPath: out + "/contrast.nii.gz"))
    }
}
