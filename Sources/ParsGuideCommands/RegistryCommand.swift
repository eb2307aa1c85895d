import ArgumentParser
import Clinical
import Foundation
import ParsGuideCore

/// `parsguide registry …`: the case registry in a SQLite file.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Record patients, encounters and procedures in a SQLite registry; summarise outcomes.",
        discussion: """
        The registry is a SQLite file (default parsguide.sqlite in the working folder, --db to choose), created \
        on first use. Patients are pseudonymous: an id of your choosing, sex, year of birth, height and weight — \
        nothing else identifying is asked or stored. Keep the file private (chmod 600, an encrypted volume).
        """,
        subcommands: [AddPatient.self, AddEncounter.self, AddProcedure.self, Show.self, List.self, ExportCSV.self, ImportCSV.self, Summary.self])

    struct Database: ParsableArguments {
        @Option(help: "The registry file (created on first use).")
        var db: String = "parsguide.sqlite"

        /// Opens the registry: only the commands that add patients or import create a missing file, so a
        /// refused request never leaves an empty registry behind; reading commands never write.
        func open(_ mode: Registry.OpenMode = .existing) throws -> Registry {
            try Registry(path: db, mode: mode)
        }
    }

    struct AddPatient: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-patient", abstract: "Add a pseudonymous patient.")
        @OptionGroup var database: Database
        @Option(help: "Pseudonymous id (1–40 letters, digits, - _ .), not a name.") var id: String
        @Option(help: "male, female or other.") var sex: String
        @Option(name: .customLong("year-of-birth"), help: "Year of birth.") var yearOfBirth: Int
        @Option(name: .customLong("height-cm"), help: "Height, cm (50–250).") var heightCm: Double
        @Option(name: .customLong("weight-kg"), help: "Weight, kg (2–400).") var weightKg: Double

        func run() throws {
            let bmi = try BodyMassIndex(heightCm: heightCm, weightKg: weightKg)
            let registry = try database.open(.create)
            let p = Patient(id: id, sex: sex, yearOfBirth: yearOfBirth, heightCm: heightCm, weightKg: weightKg)
            try registry.add(p)
            print(String(format: "added patient %@ (BMI %.1f, %@) to %@", id, bmi.value, bmi.band.rawValue, registry.path))
        }
    }

    struct AddEncounter: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-encounter", abstract: "Add a baseline, procedure or follow-up encounter with its scores and findings.")
        @OptionGroup var database: Database
        @Option(help: "Patient id.") var patient: String
        @Option(help: "Date, yyyy-MM-dd (not in the future).") var date: String
        @Option(help: "baseline, procedure or follow-up.") var kind: String
        @Option(help: "ODI answers, ten of 0–5 or '-' (skipped), e.g. 3,2,1,2,1,2,2,-,2,2.") var odi: String?
        @Option(name: .customLong("odi-total"), help: "ODI total out of 50 with every section answered (when the answers are not at hand).") var odiTotal: Int?
        @Option(help: "Pain NRS 0–10.") var pain: Int?
        @Option(help: "Global perceived change, % or a range: 85, 80-90.") var gpc: String?
        @Option(name: .customLong("finding"), help: "A special test, NAME:+ or NAME:- (repeatable).") var findings: [String] = []
        @Option(name: .customLong("strength"), help: "A muscle grade, MUSCLE=GRADE e.g. 'hip abduction=4+/5' (repeatable).") var strengths: [String] = []
        @Option(help: "Free-text notes (no identifiers).") var notes: String?

        func run() throws {
            guard odi == nil || odiTotal == nil else { throw ValidationError("give --odi or --odi-total, not both") }
            let answers = try odi.map { try OswestryIndex.parse($0) } ?? odiTotal.map { try OswestryIndex.total($0) }
            let g = try gpc.map(GlobalPerceivedChange.parse)
            if let pain { _ = try PainScore(pain) }
            var records = try findings.map { text -> FindingRecord in
                let f = try Finding.parse(text)
                return FindingRecord(encounterId: 0, name: f.name, positive: f.positive)
            }
            for s in strengths {
                let parts = s.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--strength '\(s)' is not MUSCLE=GRADE, e.g. 'hip abduction=4+/5'") }
                records.append(FindingRecord(encounterId: 0, name: parts[0], mrcGrade: try MuscleGrade.parse(parts[1]).description))
            }
            let encounter = Encounter(patientId: patient, date: date, kind: kind,
                                      odiAnswers: answers?.answers.map { $0.map(String.init) ?? "-" }.joined(separator: ","),
                                      painNRS: pain, gpcLowPercent: g?.lowPercent, gpcHighPercent: g?.highPercent, notes: notes)
            let registry = try database.open()
            let id = try registry.add(encounter, findings: records)
            let odiText = answers.map { String(format: ", ODI %d/%d = %.0f %% (%@)", $0.sum, $0.maximum, $0.percent, $0.band.rawValue) } ?? ""
            print("added encounter \(id) (\(kind), \(date)\(odiText)) for \(patient)")
        }
    }

    struct AddProcedure: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-procedure", abstract: "Add a procedure with its needle, injectate, figures and radiation.")
        @OptionGroup var database: Database
        @Option(help: "Patient id.") var patient: String
        @Option(help: "Date, yyyy-MM-dd (not in the future).") var date: String
        @Option(help: "Level: L1–L5 or S1.") var level: String
        @Option(help: "left, right or bilateral.") var side: String
        @Option(help: "ultrasound, fluoroscopy or both.") var guidance: String
        @Option(help: "Needle, e.g. 22G-3.5in.") var needle: String?
        @Option(help: "Injectate as recorded, e.g. 'triamcinolone 20 mg + bupivacaine 0.5 % 0.5 mL per side'.") var injectate: String?
        @Option(help: "The plan.json used.") var plan: String?
        @Option(help: "The confirmation folder or confirm.json.") var confirmation: String?
        @Option(name: .customLong("reference-air-kerma-mgy"), help: "Reference air kerma, mGy.") var referenceAirKermaMGy: Double?
        @Option(name: .customLong("dap-mgy-cm2"), help: "Dose–area product, mGy·cm².") var dapMGyCm2: Double?
        @Option(name: .customLong("image"), help: "A figure, KIND=PATH with KIND ultrasound, fluoroscopy, illustration or other (repeatable).") var images: [String] = []

        func run() throws {
            let records = try images.map { text -> ImageRecord in
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--image '\(text)' is not KIND=PATH") }
                return ImageRecord(procedureId: 0, path: parts[1], kind: parts[0])
            }
            let p = ProcedureRecord(patientId: patient, date: date, level: level, side: side, guidance: guidance, needle: needle, injectate: injectate,
                                    planPath: plan, confirmationPath: confirmation, referenceAirKermaMGy: referenceAirKermaMGy, doseAreaProductMGyCm2: dapMGyCm2)
            let id = try database.open().add(p, images: records)
            print("added procedure \(id) (\(level) \(side), \(guidance)) for \(patient)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one patient's record.")
        @OptionGroup var database: Database
        @Option(help: "Patient id.") var patient: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let registry = try database.open(.readOnly)
            let p = try registry.patient(patient)
            let encounters = try registry.encounters(of: patient), procedures = try registry.procedures(of: patient)
            let encounterIds = Set(encounters.compactMap(\.id)), procedureIds = Set(procedures.compactMap(\.id))
            let findings = try registry.findings().filter { encounterIds.contains($0.encounterId) }
            let images = try registry.images().filter { procedureIds.contains($0.procedureId) }
            if json {
                struct Record: Encodable { var patient: Patient; var encounters: [Encounter]; var findings: [FindingRecord]; var procedures: [ProcedureRecord]; var images: [ImageRecord] }
                print(try prettyJSON(Record(patient: p, encounters: encounters, findings: findings, procedures: procedures, images: images)))
                return
            }
            let bmi = try BodyMassIndex(heightCm: p.heightCm, weightKg: p.weightKg)
            print(String(format: "%@: %@, born %d, %.0f cm, %.0f kg, BMI %.1f (%@)", p.id, p.sex, p.yearOfBirth, p.heightCm, p.weightKg, bmi.value, bmi.band.rawValue))
            for e in encounters {
                var line = "  \(e.date) \(e.kind)"
                if let o = e.odi { line += String(format: ": ODI %d/%d = %.0f %% (%@)", o.sum, o.maximum, o.percent, o.band.rawValue) }
                if let pain = e.painNRS { line += ", pain \(pain)/10" }
                if let lo = e.gpcLowPercent, let hi = e.gpcHighPercent, let g = try? GlobalPerceivedChange(lowPercent: lo, highPercent: hi) { line += ", perceived change \(g)" }
                print(line)
                for f in findings where f.encounterId == e.id {
                    print("    \(f.name): \(f.mrcGrade ?? (f.positive == true ? "positive" : "negative"))")
                }
            }
            for pr in procedures {
                print("  \(pr.date) procedure: \(pr.level) \(pr.side), \(pr.guidance)\(pr.needle.map { ", \($0)" } ?? "")\(pr.injectate.map { ", \($0)" } ?? "")")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the patients.")
        @OptionGroup var database: Database
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let registry = try database.open(.readOnly)
            let patients = try registry.patients()
            if json { print(try prettyJSON(patients)); return }
            let encounters = try registry.encounters(), procedures = try registry.procedures()
            for p in patients {
                print("\(p.id)\t\(p.sex)\t\(p.yearOfBirth)\t\(encounters.filter { $0.patientId == p.id }.count) encounters\t\(procedures.filter { $0.patientId == p.id }.count) procedures")
            }
            if patients.isEmpty { print("no patients in \(registry.path)") }
        }
    }

    struct ExportCSV: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export-csv", abstract: "Write every table as CSV (patient.csv, encounter.csv, …) into a folder.")
        @OptionGroup var database: Database
        @Option(help: "Output folder: new or empty, or with --force one that ParsGuide wrote.") var out: String
        @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).") var force = false

        func run() throws {
            let folder = try OutputFolder(out, command: "registry export-csv", force: force)
            try database.open(.readOnly).exportCSV(to: folder.begin())
            if let replaced = try folder.commit() { print(replaced) }
            print("wrote \(Registry.tables.map { "\($0).csv" }.joined(separator: ", ")) to \(out)")
        }
    }

    struct ImportCSV: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import-csv", abstract: "Read a folder written by export-csv into the registry, in one transaction.")
        @OptionGroup var database: Database
        @Option(help: "Folder holding patient.csv, encounter.csv, procedure.csv, image.csv, finding.csv.") var from: String
        @Option(name: .customLong("pause-after-rows"), help: .hidden) var pauseAfterRows: Int?

        func run() throws {
            // A registry this import creates is removed again if the import fails: a refusal leaves nothing.
            let existed = FileManager.default.fileExists(atPath: database.db)
            let n: Int
            do { n = try database.open(.create).importCSV(from: from, pauseAfterRows: pauseAfterRows) } catch {
                if !existed { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: database.db + suffix) } }
                throw error
            }
            print("imported \(n) rows from \(from)")
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cohort outcomes: ODI before and after, paired change with 95 % CI, share reaching the minimal important change.")
        @OptionGroup var database: Database
        @Option(name: .customLong("mic-points"), help: "Minimal important change, ODI points.") var micPoints: Double = 10
        @Option(name: .customLong("mic-percent"), help: "Minimal important change, % of baseline.") var micPercent: Double = 30
        @Option(help: "Also write the slope graph (SVG) here.") var svg: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws { try checkOutputFiles([(svg, .svg, "--svg")]) }

        func run() throws {
            let s = try CohortSummary(registry: try database.open(.readOnly), thresholdPoints: micPoints, thresholdRelativePercent: micPercent)
            if let svg { try OutputFile.write(Data(s.svg().utf8), to: svg, kind: .svg, flag: "--svg") }
            if json { print(try prettyJSON(s)); return }
            print("\(s.cases) patient\(s.cases == 1 ? "" : "s"), \(s.pairedCases) with baseline and follow-up ODI")
            guard let b = s.baselineODI, let f = s.followUpODI, let m = s.meanChangePoints else { return }
            func line(_ name: String, _ d: CohortSummary.Description) -> String {
                String(format: "%@ ODI: mean %.1f (SD %.1f), median %.1f (IQR %.1f–%.1f) %%", name, d.mean, d.sd, d.median, d.q1, d.q3)
            }
            print(line("baseline ", b)); print(line("follow-up", f))
            let ci = s.changeCI95Low.map { String(format: " (95 %% CI %.1f to %.1f)", $0, s.changeCI95High!) } ?? " (no CI with one patient)"
            print(String(format: "change: %.1f points%@; %.0f %% reached the minimal important change", m, ci, 100 * (s.shareImportant ?? 0)))
            for g in s.groups { print(String(format: "  %@ %@: n %d, mean change %.1f points, %.0f %% important", g.by, g.value, g.n, g.meanChangePoints, 100 * g.shareImportant)) }
            if let svg { print("wrote \(svg)") }
        }
    }
}

/// `parsguide odi`: score an Oswestry Disability Index.
struct ODICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "odi",
        abstract: "Score an Oswestry Disability Index (v2.1a): total, percentage and band.",
        discussion: "Ten answers 0–5 in section order, '-' for a skipped section (at least 8 answered); with skipped sections the index is 100 × sum ÷ (5 × answered).")

    @Option(help: "Ten answers, e.g. 3,2,1,2,1,2,2,-,2,2.") var answers: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let odi = try OswestryIndex.parse(answers)
        if json {
            struct Report: Encodable { var answers: [Int?]; var sum: Int; var maximum: Int; var answered: Int; var percent: Double; var band: String }
            print(try prettyJSON(Report(answers: odi.answers, sum: odi.sum, maximum: odi.maximum, answered: odi.answered, percent: odi.percent, band: odi.band.rawValue)))
        } else {
            print(String(format: "ODI %d/%d = %.1f %% (%@), %d of 10 sections answered", odi.sum, odi.maximum, odi.percent, odi.band.rawValue, odi.answered))
        }
    }
}
