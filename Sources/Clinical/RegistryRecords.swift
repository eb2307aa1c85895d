import Foundation
import GRDB

/// A patient, pseudonymous: an id of the user's choosing, sex, year of birth, height and weight.
/// Nothing else identifying is stored.
public struct Patient: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "patient"
    public var id: String
    public var sex: String
    public var yearOfBirth: Int
    public var heightCm: Double
    public var weightKg: Double

    public init(id: String, sex: String, yearOfBirth: Int, heightCm: Double, weightKg: Double) {
        self.id = id; self.sex = sex; self.yearOfBirth = yearOfBirth; self.heightCm = heightCm; self.weightKg = weightKg
    }
}

/// A visit: baseline, procedure day or follow-up, with its scores.
public struct Encounter: Codable, Hashable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "encounter"
    public var id: Int64?
    public var patientId: String
    /// ISO date, yyyy-MM-dd.
    public var date: String
    /// baseline, procedure or follow-up.
    public var kind: String
    /// ODI answers as `3,2,1,2,1,2,2,-,2,2`.
    public var odiAnswers: String?
    public var painNRS: Int?
    public var gpcLowPercent: Double?
    public var gpcHighPercent: Double?
    public var notes: String?

    public init(id: Int64? = nil, patientId: String, date: String, kind: String, odiAnswers: String? = nil, painNRS: Int? = nil,
                gpcLowPercent: Double? = nil, gpcHighPercent: Double? = nil, notes: String? = nil) {
        self.id = id; self.patientId = patientId; self.date = date; self.kind = kind; self.odiAnswers = odiAnswers
        self.painNRS = painNRS; self.gpcLowPercent = gpcLowPercent; self.gpcHighPercent = gpcHighPercent; self.notes = notes
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var odi: OswestryIndex? { odiAnswers.flatMap { try? OswestryIndex.parse($0) } }
}

/// An injection: level, side, guidance, needle, injectate, the plan and confirmation files, radiation.
public struct ProcedureRecord: Codable, Hashable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "procedure"
    public var id: Int64?
    public var patientId: String
    public var date: String
    /// L1–L5 or S1.
    public var level: String
    /// left, right or bilateral.
    public var side: String
    /// ultrasound, fluoroscopy or both.
    public var guidance: String
    public var needle: String?
    public var injectate: String?
    public var planPath: String?
    public var confirmationPath: String?
    public var referenceAirKermaMGy: Double?
    public var doseAreaProductMGyCm2: Double?

    public init(id: Int64? = nil, patientId: String, date: String, level: String, side: String, guidance: String, needle: String? = nil,
                injectate: String? = nil, planPath: String? = nil, confirmationPath: String? = nil,
                referenceAirKermaMGy: Double? = nil, doseAreaProductMGyCm2: Double? = nil) {
        self.id = id; self.patientId = patientId; self.date = date; self.level = level; self.side = side; self.guidance = guidance
        self.needle = needle; self.injectate = injectate; self.planPath = planPath; self.confirmationPath = confirmationPath
        self.referenceAirKermaMGy = referenceAirKermaMGy; self.doseAreaProductMGyCm2 = doseAreaProductMGyCm2
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A figure of a procedure: its path and kind (ultrasound, fluoroscopy, illustration, other).
public struct ImageRecord: Codable, Hashable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "image"
    public var id: Int64?
    public var procedureId: Int64
    public var path: String
    public var kind: String

    public init(id: Int64? = nil, procedureId: Int64, path: String, kind: String) {
        self.id = id; self.procedureId = procedureId; self.path = path; self.kind = kind
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An examination finding of an encounter: a special test (positive or negative) or a muscle grade.
public struct FindingRecord: Codable, Hashable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "finding"
    public var id: Int64?
    public var encounterId: Int64
    public var name: String
    /// 1 positive, 0 negative; nil for a muscle grade.
    public var positive: Bool?
    /// MRC grade such as `4+/5`; nil for a special test.
    public var mrcGrade: String?

    public init(id: Int64? = nil, encounterId: Int64, name: String, positive: Bool? = nil, mrcGrade: String? = nil) {
        self.id = id; self.encounterId = encounterId; self.name = name; self.positive = positive; self.mrcGrade = mrcGrade
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
