import Foundation
import Testing
@testable import Clinical

/// The registry's dates by arithmetic: known days, leap years, refusals, Foundation's answer on 2000 days,
/// and many threads at once (the crash it replaced).
@Suite struct CalendarDateTests {
    @Test func knownDaysAndLeapYears() {
        #expect(CalendarDate(utcOf: Date(timeIntervalSince1970: 0)).description == "1970-01-01")
        #expect(CalendarDate(utcOf: Date(timeIntervalSince1970: -1)).description == "1969-12-31")
        #expect(CalendarDate(utcOf: Date(timeIntervalSince1970: 951_782_400)).description == "2000-02-29")
        #expect(CalendarDate(utcOf: Date(timeIntervalSince1970: 1_796_601_599)).description == "2026-12-06")
        for valid in ["2000-02-29", "2024-02-29", "1999-12-31", "1900-02-28"] { #expect(CalendarDate(valid)?.description == valid) }
        for invalid in ["1900-02-29", "2023-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "2025-1-01", "2025/01/01", "0999-01-01", "２０２５-01-01", ""] {
            #expect(CalendarDate(invalid) == nil, "\(invalid)")
        }
        #expect(CalendarDate("2025-12-31")! < CalendarDate("2026-01-01")!)
    }

    @Test func agreesWithFoundationOnTwoThousandDays() {
        let f = DateFormatter()
        f.calendar = Calendar(identifier: .gregorian); f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"
        var state: UInt64 = 42
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let seconds = Double(state >> 30) .truncatingRemainder(dividingBy: 8_000_000_000) - 2_000_000_000   // 1906–2223
            let date = Date(timeIntervalSince1970: seconds)
            #expect(CalendarDate(utcOf: date).description == f.string(from: date), "\(seconds)")
        }
    }

    @Test func manyThreadsAtOnce() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-dates-\(getpid()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let registry = try Registry(path: path, today: Date(timeIntervalSince1970: 1_796_601_599))
        DispatchQueue.concurrentPerform(iterations: 400) { i in
            _ = try? registry.checkDate(i % 2 == 0 ? "2026-12-06" : "2026-12-07")
        }
        #expect(throws: ClinicalError.self) { try registry.checkDate("2026-12-07") }
        try registry.checkDate("2026-12-06")
    }
}
