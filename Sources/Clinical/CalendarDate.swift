import Foundation

/// A Gregorian calendar date (UTC), parsed from and written as `yyyy-MM-dd` by arithmetic alone.
/// Foundation's `DateFormatter` and `Calendar` reach ICU on Linux, and building them on many threads at
/// once crashed the server (a null dereference under 120 concurrent registry saves); this type has no
/// shared state. Days are counted from 1970-01-01 with the civil-from-days algorithm (H. Hinnant,
/// "chrono-compatible low-level date algorithms").
public struct CalendarDate: Comparable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    /// The date `text` names, written exactly `yyyy-MM-dd` (years 1000–9999), or nil.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for b in bytes[range] {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int(b - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), y >= 1000,
              (1...12).contains(m), (1...Self.daysIn(month: m, year: y)).contains(d) else { return nil }
        year = y; month = m; day = d
    }

    /// The UTC calendar date of `date`.
    public init(utcOf date: Date) {
        let z = Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var description: String {
        func padded(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}
