import Anatomy
import Devices
import Foundation

/// A spinal needle: gauge, length and bevel; placed by its tip and direction in world LPS mm.
public struct Needle: Hashable, Sendable, Codable {
    /// Stubs gauge: 18, 20, 22 or 25.
    public var gauge: Int
    /// Shaft length from hub to tip, mm (3.5 in = 88.9 mm, 5 in = 127 mm; data sheet §9).
    public var lengthMm: Double
    public var bevel: Bevel

    public enum Bevel: String, Sendable, Codable, CaseIterable {
        /// The cutting bevel of the usual spinal needle.
        case quincke
        /// Pencil point.
        case whitacre
    }

    /// Lengths sold as spinal needles, inches → mm (data sheet §9: spinal needles are 50–150 mm).
    public static let lengthsInches: [Double] = [2.5, 3.5, 5, 6]
    public static let gauges = NeedleShaft.outerDiameterMmByGauge.keys.sorted()

    /// The needle of the published case and of Carette 1991: 22G, 3.5 in (88.9 mm).
    public static let standard = try! Needle(gauge: 22, lengthInches: 3.5)

    public init(gauge: Int, lengthInches: Double, bevel: Bevel = .quincke) throws {
        guard NeedleShaft.outerDiameterMmByGauge[gauge] != nil else {
            throw ProcedureError.invalid("needle gauge \(gauge)G is not modelled: allowed \(Self.gauges.map { "\($0)G" }.joined(separator: ", "))")
        }
        guard let inches = Self.lengthsInches.first(where: { abs($0 - lengthInches) < 1e-3 }) else {
            throw ProcedureError.invalid("needle length \(lengthInches) in is not a spinal-needle length: allowed \(Self.lengthsInches.map { "\(Self.format($0)) in" }.joined(separator: ", "))")
        }
        self.gauge = gauge
        self.lengthMm = inches * 25.4
        self.bevel = bevel
    }

    /// Parses `22G-3.5in` (gauge, then length in inches; `mm` lengths such as `22G-127mm` also accepted).
    public static func parse(_ text: String) throws -> Needle {
        let parts = text.lowercased().split(separator: "-")
        let usage = "'\(text)' is not a needle: write GAUGE-LENGTH, e.g. 22G-3.5in or 22G-5in"
        guard parts.count == 2, parts[0].hasSuffix("g"), let gauge = Int(parts[0].dropLast()) else { throw ProcedureError.invalid(usage) }
        let length = parts[1]
        if length.hasSuffix("in"), let inches = Double(length.dropLast(2)) { return try Needle(gauge: gauge, lengthInches: inches) }
        if length.hasSuffix("mm"), let mm = Double(length.dropLast(2)) { return try Needle(gauge: gauge, lengthInches: mm / 25.4) }
        throw ProcedureError.invalid(usage)
    }

    /// `22G-3.5in`.
    public var name: String { "\(gauge)G-\(Self.format(lengthMm / 25.4))in" }
    public var outerDiameterMm: Double { NeedleShaft.outerDiameterMmByGauge[gauge]! }

    /// The next longer needle of the same gauge, if any.
    public var longer: Needle? {
        Self.lengthsInches.first { $0 * 25.4 > lengthMm + 1e-6 }.flatMap { try? Needle(gauge: gauge, lengthInches: $0, bevel: bevel) }
    }

    /// The shaft with its tip at `tipMm`, pointing along the unit `direction` (hub → tip).
    public func shaft(tipMm: Vector3, direction: Vector3) throws -> NeedleShaft {
        try NeedleShaft(tipMm: tipMm, hubMm: tipMm - direction.normalized * lengthMm, outerDiameterMm: outerDiameterMm)
    }

    static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
