import Foundation
import GRDB
import Testing
@testable import Clinical

@Suite struct RegistryTests {
    static func temp(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-registry-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    static let today = ISO8601DateFormatter().date(from: "2026-11-25T12:00:00Z")!

    /// The published case: baseline, procedure day, follow-up at 3 months.
    static func fillCase(_ r: Registry) throws {
        try r.add(Patient(id: "CASE-1", sex: "male", yearOfBirth: 1974, heightCm: 177, weightKg: 74))
        try r.add(Encounter(patientId: "CASE-1", date: "2025-03-03", kind: "baseline", odiAnswers: "3,2,1,2,1,2,2,0,2,2", painNRS: 6, notes: "low back pain on extension, \"worse\" standing"),
                  findings: [FindingRecord(encounterId: 0, name: "extension-rotation", positive: true),
                             FindingRecord(encounterId: 0, name: "slump", positive: false),
                             FindingRecord(encounterId: 0, name: "hip abduction", mrcGrade: "4+/5")])
        try r.add(ProcedureRecord(patientId: "CASE-1", date: "2025-03-10", level: "L5", side: "bilateral", guidance: "both", needle: "22G-3.5in",
                                  injectate: "triamcinolone 20 mg + bupivacaine 0.5 % 0.5 mL per side", referenceAirKermaMGy: 2.12, doseAreaProductMGyCm2: 576),
                  images: [ImageRecord(procedureId: 0, path: "figures/fig1a.png", kind: "ultrasound"), ImageRecord(procedureId: 0, path: "figures/fig2a.png", kind: "fluoroscopy")])
        try r.add(Encounter(patientId: "CASE-1", date: "2025-06-10", kind: "follow-up", odiAnswers: "2,1,1,1,1,1,1,0,1,1", gpcLowPercent: 80, gpcHighPercent: 90))
    }

    static func snapshot(_ r: Registry) throws -> String {
        "\(try r.patients())|\(try r.encounters())|\(try r.procedures())|\(try r.images())|\(try r.findings())"
    }

    @Test func writeReopenReadBackIdentical() throws {
        let path = Self.temp("roundtrip.sqlite")
        var before = ""
        do {
            let r = try Registry(path: path, today: Self.today)
            try Self.fillCase(r)
            before = try Self.snapshot(r)
        }
        let again = try Registry(path: path, today: Self.today)
        #expect(try Self.snapshot(again) == before)
        #expect(try again.encounters(of: "CASE-1").first?.odi?.percent == 34)
        #expect(try again.integrityCheck() == "ok")
    }

    /// WAL: another connection reads the last committed state while a write transaction is open (a
    /// rollback journal would block it), and closing folds the log back: no -wal or -shm stays behind,
    /// also after a read-only command.
    @Test func writeAheadLogLetsReadersReadBesideAWriter() throws {
        let path = Self.temp("wal.sqlite")
        let writer = try Registry(path: path, today: Self.today)
        try Self.fillCase(writer)
        #expect(try writer.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        let reader = try Registry(path: path, today: Self.today, mode: .readOnly)
        try writer.queue.inTransaction { db in
            try db.execute(sql: "DELETE FROM finding")
            // The deletion is not committed yet: the reader sees the three findings, without waiting.
            #expect(try reader.findings().count == 3)
            return .rollback
        }
        #expect(throws: ClinicalError.self) { try reader.add(Patient(id: "P2", sex: "female", yearOfBirth: 1980, heightCm: 160, weightKg: 60)) }
        #expect(throws: (any Error).self) { try reader.queue.read { try $0.execute(sql: "DELETE FROM finding") } }
        try reader.close()
        try writer.close()
        for suffix in ["-wal", "-shm", "-journal"] { #expect(!FileManager.default.fileExists(atPath: path + suffix), "\(suffix) left behind") }
        let again = try Registry(path: path, today: Self.today, mode: .readOnly)
        #expect(try again.findings().count == 3)
        try again.close()
        for suffix in ["-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: path + suffix), "\(suffix) left by a read-only open") }
    }

    @Test func csvExportImportRoundTripsExactly() throws {
        let a = try Registry(path: Self.temp("csv-a.sqlite"), today: Self.today)
        try Self.fillCase(a)
        let dirA = Self.temp("csv-a"), dirB = Self.temp("csv-b")
        try a.exportCSV(to: dirA)
        let b = try Registry(path: Self.temp("csv-b.sqlite"), today: Self.today)
        #expect(try b.importCSV(from: dirA) == 1 + 2 + 1 + 2 + 3)
        #expect(try Self.snapshot(b) == Self.snapshot(a))
        try b.exportCSV(to: dirB)
        for table in Registry.tables {
            let x = try Data(contentsOf: URL(fileURLWithPath: "\(dirA)/\(table).csv")), y = try Data(contentsOf: URL(fileURLWithPath: "\(dirB)/\(table).csv"))
            #expect(x == y, "\(table).csv differs after a round trip")
        }
        // Importing the same rows again collides on the ids: refused, nothing added.
        #expect(throws: ClinicalError.self) { _ = try b.importCSV(from: dirA) }
        #expect(try Self.snapshot(b) == Self.snapshot(a))
    }

    @Test func constraintViolationsAreRefusedAndChangeNothing() throws {
        let r = try Registry(path: Self.temp("constraints.sqlite"), today: Self.today)
        try Self.fillCase(r)
        let before = try Self.snapshot(r)
        // Validation first: clear messages.
        #expect(throws: ClinicalError("unknown patient id 'GHOST': add it first with `parsguide registry add-patient`")) {
            try r.add(Encounter(patientId: "GHOST", date: "2025-01-01", kind: "baseline"))
        }
        #expect(throws: ClinicalError("date 2027-01-01 is in the future (today is 2026-11-25)")) {
            try r.add(Encounter(patientId: "CASE-1", date: "2027-01-01", kind: "follow-up"))
        }
        #expect(throws: ClinicalError("date '2025-02-30' is not a calendar date written yyyy-MM-dd")) {
            try r.add(Encounter(patientId: "CASE-1", date: "2025-02-30", kind: "follow-up"))
        }
        #expect(throws: ClinicalError("weight 0.0 kg is outside 2–400 kg")) { try r.add(Patient(id: "P2", sex: "male", yearOfBirth: 1980, heightCm: 170, weightKg: 0)) }
        // Behind validation, the schema itself refuses: a foreign key to no patient, a CHECK.
        let fk = #expect(throws: ClinicalError.self) {
            try r.write { db in var e = Encounter(patientId: "GHOST", date: "2025-01-01", kind: "baseline"); try e.insert(db) }
        }
        #expect(fk?.description.contains("foreign key") == true)
        let check = #expect(throws: ClinicalError.self) {
            try r.write { db in try Patient(id: "P3", sex: "robot", yearOfBirth: 1980, heightCm: 170, weightKg: 70).insert(db) }
        }
        #expect(check?.description.contains("CHECK constraint failed") == true)
        // A multi-row change whose last row violates a CHECK leaves nothing: the encounter is not added either.
        #expect(throws: ClinicalError.self) {
            try r.write { db in
                var e = Encounter(patientId: "CASE-1", date: "2025-04-01", kind: "follow-up")
                try e.insert(db)
                var f = FindingRecord(encounterId: e.id!, name: "slump", positive: true, mrcGrade: "4/5")  // both: CHECK fails
                try f.insert(db)
            }
        }
        #expect(try Self.snapshot(r) == before)
        #expect(try r.integrityCheck() == "ok")
    }

    @Test func theCohortSummaryOfTheCase() throws {
        let r = try Registry(path: Self.temp("summary.sqlite"), today: Self.today)
        try Self.fillCase(r)
        // A second patient without an important change.
        try r.add(Patient(id: "P2", sex: "female", yearOfBirth: 1990, heightCm: 165, weightKg: 60))
        try r.add(Encounter(patientId: "P2", date: "2025-04-01", kind: "baseline", odiAnswers: "2,2,2,2,2,2,2,2,2,2"))
        try r.add(ProcedureRecord(patientId: "P2", date: "2025-04-02", level: "L4", side: "left", guidance: "ultrasound"))
        try r.add(Encounter(patientId: "P2", date: "2025-07-01", kind: "follow-up", odiAnswers: "2,2,2,2,1,2,2,2,2,2"))
        let s = try CohortSummary(registry: r)
        #expect(s.cases == 2 && s.pairedCases == 2)
        #expect(s.baselineODI?.mean == 37 && s.followUpODI?.mean == 29)  // (34 + 40)/2, (20 + 38)/2
        #expect(s.meanChangePoints == -8)
        // Changes −14 and −2: mean −8, SD 8.485; t(0.975, 1) = 12.706 → ±76.2.
        #expect(abs((s.changeCI95Low ?? 0) - (-8 - 12.7062 * 8.48528 / 2.0.squareRoot())) < 0.01)
        #expect(s.shareImportant == 0.5)
        #expect(s.groups.contains { $0.by == "level" && $0.value == "L5" && $0.n == 1 && $0.shareImportant == 1 })
        let svg = s.svg()
        #expect(svg.hasPrefix("<svg") && svg.contains("CASE-1") && svg.contains("</svg>"))
    }

    /// A process killed in the middle of a multi-row import leaves a sound file with the earlier rows.
    @Test func aKilledImportLeavesTheFileConsistent() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parsguide").path
        let candidates = [binary] + [".build/debug/parsguide", ".build/release/parsguide"]
        let exe = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "the parsguide executable is not built next to the tests")
        let source = try Registry(path: Self.temp("crash-source.sqlite"), today: Self.today)
        try Self.fillCase(source)
        let export = Self.temp("crash-export")
        try source.exportCSV(to: export)
        // The target already holds another patient; the import is paused (in its transaction) after
        // three rows and killed.
        let path = Self.temp("crash.sqlite")
        do { try Registry(path: path, today: Self.today).add(Patient(id: "EARLIER", sex: "female", yearOfBirth: 1960, heightCm: 160, weightKg: 55)) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["registry", "import-csv", "--db", path, "--from", export, "--pause-after-rows", "3"]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Wait until the import says it is paused inside its transaction (rows written, not committed).
        var said = ""
        while !said.contains("paused"), process.isRunning {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        #expect(said.contains("paused after 3 rows"))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let after = try Registry(path: path, today: Self.today)
        #expect(try after.integrityCheck() == "ok")
        #expect(try after.patients().map(\.id) == ["EARLIER"])
        #expect(try after.encounters().isEmpty)
    }
}
