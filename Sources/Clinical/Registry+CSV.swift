import Foundation
import GRDB

/// CSV export and import (RFC 4180): one file per table, ids kept, so that export → import → export gives
/// the same bytes. Text is always quoted; an empty unquoted field is NULL; numbers are written in
/// Swift's shortest round-trip form.
extension Registry {
    /// Tables in an order that satisfies the foreign keys on import.
    public static let tables = ["patient", "encounter", "procedure", "image", "finding"]

    public func exportCSV(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try queue.read { db in
            for table in Self.tables {
                let columns = try db.columns(in: table).map(\.name)
                var text = columns.joined(separator: ",") + "\r\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid") {
                    text += columns.map { Self.field(row[$0] as DatabaseValue) }.joined(separator: ",") + "\r\n"
                }
                try Data(text.utf8).write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("\(table).csv")))
            }
        }
    }

    /// Imports the five CSV files of `exportCSV` in one transaction: all rows or none. `pauseAfterRows`
    /// (tests only) sleeps inside the transaction after that many rows, so a test can kill the process.
    public func importCSV(from dir: String, pauseAfterRows: Int? = nil) throws -> Int {
        var parsed: [(table: String, header: [String], rows: [[DatabaseValue]])] = []
        for table in Self.tables {
            let path = (dir as NSString).appendingPathComponent("\(table).csv")
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ClinicalError("cannot read \(path): a registry export has \(Self.tables.map { "\($0).csv" }.joined(separator: ", "))")
            }
            let records = try Self.parse(text, path: path)
            guard let header = records.first?.map({ String.fromDatabaseValue($0) ?? "" }) else { throw ClinicalError("\(path) is empty: expected a header row") }
            for (n, r) in records.dropFirst().enumerated() where r.count != header.count {
                throw ClinicalError("\(path) row \(n + 2) has \(r.count) fields; the header has \(header.count)")
            }
            parsed.append((table, header, Array(records.dropFirst())))
        }
        return try write { db in
            var count = 0
            for (table, header, rows) in parsed {
                let known = Set(try db.columns(in: table).map(\.name))
                if let odd = header.first(where: { !known.contains($0) }) { throw ClinicalError("\(table).csv: unknown column '\(odd)'") }
                let sql = "INSERT INTO \(table) (\(header.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(header.map { _ in "?" }.joined(separator: ", ")))"
                let statement = try db.makeStatement(sql: sql)
                for row in rows {
                    try statement.execute(arguments: StatementArguments(row))
                    count += 1
                    if count == pauseAfterRows {
                        FileHandle.standardError.write(Data("paused after \(count) rows, inside the transaction\n".utf8))
                        Thread.sleep(forTimeInterval: 60)
                    }
                }
            }
            return count
        }
    }

    static func field(_ v: DatabaseValue) -> String {
        switch v.storage {
        case .null: ""
        case .int64(let i): String(i)
        case .double(let d): "\(d)"
        case .string(let s): "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .blob(let b): "\"" + b.base64EncodedString() + "\""
        }
    }

    /// Parses RFC 4180 CSV into database values: quoted → text, empty unquoted → NULL, else a number
    /// (the first row, the header, is text).
    static func parse(_ text: String, path: String) throws -> [[DatabaseValue]] {
        var records: [[DatabaseValue]] = [], record: [DatabaseValue] = []
        var chars = Array(text.unicodeScalars)[...]
        var line = 1
        func number(_ raw: String) throws -> DatabaseValue {
            if raw.isEmpty { return .null }
            if let i = Int64(raw) { return i.databaseValue }
            if let d = Double(raw) { return d.databaseValue }
            throw ClinicalError("\(path) line \(line): '\(raw)' is neither a number nor quoted text")
        }
        while !chars.isEmpty {
            if chars.first == "\"" {
                chars.removeFirst()
                var s = String.UnicodeScalarView()
                while true {
                    guard let c = chars.popFirst() else { throw ClinicalError("\(path) line \(line): a quoted field is not closed") }
                    if c == "\"" {
                        if chars.first == "\"" { chars.removeFirst(); s.append("\"") } else { break }
                    } else {
                        if c == "\n" { line += 1 }
                        s.append(c)
                    }
                }
                record.append(String(s).databaseValue)
            } else {
                var s = String.UnicodeScalarView()
                while let c = chars.first, c != ",", c != "\r", c != "\n" { s.append(c); chars.removeFirst() }
                // The header row's names are unquoted text.
                record.append(records.isEmpty ? String(s).databaseValue : try number(String(s)))
            }
            switch chars.first {
            case ",": chars.removeFirst()
            case "\r", "\n", nil:
                if chars.first == "\r" { chars.removeFirst() }
                if chars.first == "\n" { chars.removeFirst() }
                records.append(record); record = []; line += 1
            default: throw ClinicalError("\(path) line \(line): text after a closing quote")
            }
        }
        return records
    }
}
