import Foundation
import GRDB

/// The case registry: a SQLite file through GRDB, created on first use.
///
/// The schema carries foreign keys, NOT NULL and CHECK constraints; migrations are registered once, in
/// order, and never edited after release (add a new one instead). Every multi-row change runs in one
/// transaction, so a crash leaves either all of it or none. The file is in write-ahead-log mode (SQLite
/// WAL: a reader in another process goes on reading while a command writes); `-wal` and `-shm` files sit
/// beside it while it is open and are folded back and removed when the last connection closes. Values are validated before they reach
/// SQL, with messages naming the value and what is allowed; the constraints are the second line.
public final class Registry: Sendable {
    public let path: String
    public let mode: OpenMode
    let queue: DatabaseQueue
    /// "Today" for refusing future dates (UTC calendar day); settable for tests.
    public let today: Date

    public static let sexes = ["male", "female", "other"]
    public static let kinds = ["baseline", "procedure", "follow-up"]
    public static let levels = ["L1", "L2", "L3", "L4", "L5", "S1"]
    public static let sides = ["left", "right", "bilateral"]
    public static let guidances = ["ultrasound", "fluoroscopy", "both"]
    public static let imageKinds = ["ultrasound", "fluoroscopy", "illustration", "other"]

    /// How a registry file is opened.
    public enum OpenMode: Sendable {
        /// Create the file (or fill a 0-byte one) with the schema when it is missing; the commands that add
        /// patients or import.
        case create
        /// The file must already be a ParsGuide registry; may write (add encounters, procedures).
        case existing
        /// The file must already be a ParsGuide registry; never written (show, list, summary, export).
        case readOnly
    }

    /// Opens the registry at `path`. A file that is not SQLite, or a SQLite database with tables that are
    /// not ParsGuide's, is refused and left as it was; outside `.create` nothing is created.
    public init(path: String, today: Date = Date(), mode: OpenMode = .create) throws {
        self.path = path
        self.mode = mode
        self.today = today
        try Self.checkPlace(path, mode: mode)
        var config = Configuration()
        config.foreignKeysEnabled = true
        // A read-only registry is opened for writing so that closing it folds the WAL back and leaves no
        // -wal/-shm files (a read-only SQLite connection leaves both), but it only ever reads (GRDB runs
        // every read under query_only) and `write` refuses; a file the user may not write is opened read-only.
        config.readonly = mode == .readOnly && access(path, W_OK) != 0
        // Another command writing the same file makes this one wait for its lock, not fail at once.
        config.busyMode = .timeout(Self.busyTimeoutSeconds)
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            let tables = try queue.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            }
            let ours = Set(Self.tables + ["grdb_migrations"])
            if let foreign = tables.first(where: { !ours.contains($0) }) {
                throw ClinicalError("\(path) is a SQLite database that ParsGuide did not write (it has a table '\(foreign)'); it was left as it was")
            }
            if mode != .create && !tables.contains("patient") {
                throw ClinicalError("\(path) holds no registry yet: add a patient first (registry add-patient) or import one (registry import-csv)")
            }
            if mode != .readOnly {
                try queue.writeWithoutTransaction { db in
                    let journal = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                    guard journal == "wal" else { throw ClinicalError("cannot put the registry \(path) in WAL mode (SQLite answered '\(journal ?? "nothing")')") }
                }
                try Self.migrator.migrate(queue)
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED { throw Self.busy(path) }
            throw ClinicalError("cannot open the registry \(path): \(error.message ?? error.description) (is it a ParsGuide registry?)")
        }
    }

    /// Closes the file now (it also closes when the last reference goes): the WAL is folded back and the
    /// `-wal` and `-shm` files removed. Call it before moving the folder that holds the file.
    public func close() throws {
        do { try queue.close() } catch let e as DatabaseError { throw Self.describe(e) }
    }

    /// Refuses a path where no registry can be: missing (unless creating), a folder, a link or a device.
    public static func checkPlace(_ path: String, mode: OpenMode) throws {
        guard !path.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ClinicalError("--db is empty: give the registry file (default parsguide.sqlite)")
        }
        var st = stat()
        guard lstat(path, &st) == 0 else {
            guard mode == .create else {
                throw ClinicalError("no registry at \(path): add a patient first (registry add-patient) or import one (registry import-csv)")
            }
            let parent = (path as NSString).deletingLastPathComponent
            var isDir: ObjCBool = false
            guard parent.isEmpty || (FileManager.default.fileExists(atPath: parent, isDirectory: &isDir) && isDir.boolValue) else {
                throw ClinicalError("cannot create the registry \(path): its folder \(parent) does not exist")
            }
            return
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw ClinicalError("\(path) is not a registry file (it is a folder, a link or a special file); it was left as it was")
        }
        if st.st_size == 0 && mode != .create {
            throw ClinicalError("\(path) is empty, not a registry: add a patient first (registry add-patient) or import one (registry import-csv)")
        }
    }

    /// The schema's history. Never edit a released migration: append one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: patients, encounters, procedures, images, findings") { db in
            let isoDate = { (c: String) in "date(\(c)) IS NOT NULL AND date(\(c)) = \(c)" }
            try db.create(table: "patient") { t in
                t.primaryKey("id", .text).check(sql: "length(id) BETWEEN 1 AND 40")
                t.column("sex", .text).notNull().check(sql: "sex IN ('male', 'female', 'other')")
                t.column("yearOfBirth", .integer).notNull().check(sql: "yearOfBirth BETWEEN 1900 AND 2100")
                t.column("heightCm", .double).notNull().check(sql: "heightCm BETWEEN 50 AND 250")
                t.column("weightKg", .double).notNull().check(sql: "weightKg BETWEEN 2 AND 400")
            }
            try db.create(table: "encounter") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("patientId", .text).notNull().indexed().references("patient", onDelete: .cascade)
                t.column("date", .text).notNull().check(sql: isoDate("date"))
                t.column("kind", .text).notNull().check(sql: "kind IN ('baseline', 'procedure', 'follow-up')")
                t.column("odiAnswers", .text)
                t.column("painNRS", .integer).check(sql: "painNRS BETWEEN 0 AND 10")
                t.column("gpcLowPercent", .double).check(sql: "gpcLowPercent BETWEEN -100 AND 100")
                t.column("gpcHighPercent", .double).check(sql: "gpcHighPercent BETWEEN -100 AND 100")
                t.column("notes", .text)
                t.check(sql: "gpcLowPercent IS NULL OR gpcHighPercent IS NULL OR gpcLowPercent <= gpcHighPercent")
            }
            try db.create(table: "procedure") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("patientId", .text).notNull().indexed().references("patient", onDelete: .cascade)
                t.column("date", .text).notNull().check(sql: isoDate("date"))
                t.column("level", .text).notNull().check(sql: "level IN ('L1', 'L2', 'L3', 'L4', 'L5', 'S1')")
                t.column("side", .text).notNull().check(sql: "side IN ('left', 'right', 'bilateral')")
                t.column("guidance", .text).notNull().check(sql: "guidance IN ('ultrasound', 'fluoroscopy', 'both')")
                t.column("needle", .text)
                t.column("injectate", .text)
                t.column("planPath", .text)
                t.column("confirmationPath", .text)
                t.column("referenceAirKermaMGy", .double).check(sql: "referenceAirKermaMGy >= 0")
                t.column("doseAreaProductMGyCm2", .double).check(sql: "doseAreaProductMGyCm2 >= 0")
            }
            try db.create(table: "image") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("procedureId", .integer).notNull().indexed().references("procedure", onDelete: .cascade)
                t.column("path", .text).notNull().check(sql: "length(path) > 0")
                t.column("kind", .text).notNull().check(sql: "kind IN ('ultrasound', 'fluoroscopy', 'illustration', 'other')")
            }
            try db.create(table: "finding") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("encounterId", .integer).notNull().indexed().references("encounter", onDelete: .cascade)
                t.column("name", .text).notNull().check(sql: "length(name) BETWEEN 1 AND 80")
                t.column("positive", .boolean)
                t.column("mrcGrade", .text)
                t.check(sql: "(positive IS NULL) <> (mrcGrade IS NULL)")
            }
        }
        return m
    }

    // MARK: Writing

    public func add(_ patient: Patient) throws {
        try validate(patient)
        try write { db in
            if try Patient.exists(db, key: patient.id) { throw ClinicalError("patient '\(patient.id)' already exists") }
            try patient.insert(db)
        }
    }

    /// Adds an encounter and its findings, all or nothing. Returns the encounter's id.
    @discardableResult
    public func add(_ encounter: Encounter, findings: [FindingRecord] = []) throws -> Int64 {
        try validate(encounter)
        for f in findings { try validate(f) }
        return try write { db in
            try self.requirePatient(encounter.patientId, db)
            var e = encounter
            try e.insert(db)
            for var f in findings { f.encounterId = e.id!; try f.insert(db) }
            return e.id!
        }
    }

    /// Adds a procedure and its images, all or nothing. Returns the procedure's id.
    @discardableResult
    public func add(_ procedure: ProcedureRecord, images: [ImageRecord] = []) throws -> Int64 {
        try validate(procedure)
        for i in images { try validate(i) }
        return try write { db in
            try self.requirePatient(procedure.patientId, db)
            var p = procedure
            try p.insert(db)
            for var i in images { i.procedureId = p.id!; try i.insert(db) }
            return p.id!
        }
    }

    // MARK: Reading

    public func patients() throws -> [Patient] { try queue.read { try Patient.order(Column("id")).fetchAll($0) } }
    public func encounters(of patient: String? = nil) throws -> [Encounter] {
        try queue.read { db in
            var r = Encounter.order(Column("date"), Column("id"))
            if let patient { r = r.filter(Column("patientId") == patient) }
            return try r.fetchAll(db)
        }
    }
    public func procedures(of patient: String? = nil) throws -> [ProcedureRecord] {
        try queue.read { db in
            var r = ProcedureRecord.order(Column("date"), Column("id"))
            if let patient { r = r.filter(Column("patientId") == patient) }
            return try r.fetchAll(db)
        }
    }
    public func findings() throws -> [FindingRecord] { try queue.read { try FindingRecord.order(Column("id")).fetchAll($0) } }
    public func images() throws -> [ImageRecord] { try queue.read { try ImageRecord.order(Column("id")).fetchAll($0) } }

    public func patient(_ id: String) throws -> Patient {
        guard let p = try queue.read({ try Patient.fetchOne($0, key: id) }) else { throw unknownPatient(id) }
        return p
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try queue.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            let dangling = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
            return dangling == 0 ? integrity : "\(integrity); \(dangling) dangling foreign keys"
        }
    }

    // MARK: Validation

    func validate(_ p: Patient) throws {
        guard (1...40).contains(p.id.count), p.id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ClinicalError("patient id '\(p.id)' must be 1–40 letters, digits, '-', '_' or '.' (a pseudonym, not a name)")
        }
        guard Self.sexes.contains(p.sex) else { throw ClinicalError("sex '\(p.sex)' is not allowed: \(Self.sexes.joined(separator: ", "))") }
        let year = CalendarDate(utcOf: today).year
        guard (1900...year).contains(p.yearOfBirth) else { throw ClinicalError("year of birth \(p.yearOfBirth) is outside 1900–\(year)") }
        _ = try BodyMassIndex(heightCm: p.heightCm, weightKg: p.weightKg)
    }

    func validate(_ e: Encounter) throws {
        try checkDate(e.date)
        guard Self.kinds.contains(e.kind) else { throw ClinicalError("encounter kind '\(e.kind)' is not allowed: \(Self.kinds.joined(separator: ", "))") }
        if let a = e.odiAnswers { _ = try OswestryIndex.parse(a) }
        if let p = e.painNRS { _ = try PainScore(p) }
        if e.gpcLowPercent != nil || e.gpcHighPercent != nil {
            guard let lo = e.gpcLowPercent, let hi = e.gpcHighPercent else { throw ClinicalError("global perceived change needs both ends of its range") }
            _ = try GlobalPerceivedChange(lowPercent: lo, highPercent: hi)
        }
    }

    func validate(_ p: ProcedureRecord) throws {
        try checkDate(p.date)
        guard Self.levels.contains(p.level) else { throw ClinicalError("level '\(p.level)' is not allowed: \(Self.levels.joined(separator: ", "))") }
        guard Self.sides.contains(p.side) else { throw ClinicalError("side '\(p.side)' is not allowed: \(Self.sides.joined(separator: ", "))") }
        guard Self.guidances.contains(p.guidance) else { throw ClinicalError("guidance '\(p.guidance)' is not allowed: \(Self.guidances.joined(separator: ", "))") }
        for (name, v) in [("reference air kerma", p.referenceAirKermaMGy), ("dose–area product", p.doseAreaProductMGyCm2)] {
            if let v, !(v.isFinite && v >= 0) { throw ClinicalError("\(name) \(v) must be a finite number ≥ 0") }
        }
    }

    func validate(_ i: ImageRecord) throws {
        guard !i.path.isEmpty else { throw ClinicalError("an image needs a path") }
        guard Self.imageKinds.contains(i.kind) else { throw ClinicalError("image kind '\(i.kind)' is not allowed: \(Self.imageKinds.joined(separator: ", "))") }
    }

    func validate(_ f: FindingRecord) throws {
        _ = try Finding(name: f.name, positive: f.positive ?? false)
        guard (f.positive == nil) != (f.mrcGrade == nil) else { throw ClinicalError("finding '\(f.name)' needs either + / − or an MRC grade") }
        if let g = f.mrcGrade { _ = try MuscleGrade.parse(g) }
    }

    /// An ISO calendar date (yyyy-MM-dd) that is not in the future.
    func checkDate(_ text: String) throws {
        guard let date = CalendarDate(text) else { throw ClinicalError("date '\(text)' is not a calendar date written yyyy-MM-dd") }
        let now = CalendarDate(utcOf: today)
        guard date <= now else { throw ClinicalError("date \(text) is in the future (today is \(now))") }
    }

    func requirePatient(_ id: String, _ db: Database) throws {
        guard try Patient.exists(db, key: id) else { throw unknownPatient(id) }
    }

    func unknownPatient(_ id: String) -> ClinicalError {
        ClinicalError("unknown patient id '\(id)': add it first with `parsguide registry add-patient`")
    }

    /// One transaction; database errors become messages naming the constraint.
    func write<T>(_ body: @escaping (Database) throws -> T) throws -> T {
        guard mode != .readOnly else { throw ClinicalError("the registry \(path) was opened read-only: nothing was written") }
        do { return try queue.write(body) } catch let e as DatabaseError {
            if e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED { throw Self.busy(path) }
            throw Self.describe(e)
        }
    }

    /// How long a command waits for another writer's lock on the same registry, s (chosen: longer than
    /// any single write, short enough that a stuck writer is reported).
    static let busyTimeoutSeconds = 10.0

    static func busy(_ path: String) -> ClinicalError {
        ClinicalError(String(format: "the registry %@ is busy: another command held it for over %.0f s; nothing was written, try again", path, busyTimeoutSeconds))
    }

    static func describe(_ e: DatabaseError) -> ClinicalError {
        switch e.extendedResultCode {
        case .SQLITE_CONSTRAINT_FOREIGNKEY: ClinicalError("refused by the database: a reference points to no row (foreign key); nothing was written")
        case .SQLITE_CONSTRAINT_CHECK: ClinicalError("refused by the database: \(e.message ?? "a CHECK constraint failed"); nothing was written")
        case .SQLITE_CONSTRAINT_NOTNULL: ClinicalError("refused by the database: \(e.message ?? "a required value is missing"); nothing was written")
        case .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_UNIQUE: ClinicalError("refused by the database: \(e.message ?? "duplicate key"); nothing was written")
        default: ClinicalError("database error: \(e.message ?? e.description)")
        }
    }
}
