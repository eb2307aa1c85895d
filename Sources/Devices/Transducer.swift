import ParsGuideCore
/// A one-dimensional array transducer: element layout, elevation lens and pulse.
///
/// Probe frame (mm): origin at the centre of the array face, +x along the array from the marker end
/// toward the other end, +z along the central beam into the body, +y = z × x (elevation).
public struct Transducer: Hashable, Sendable {
    public enum Shape: Hashable, Sendable {
        /// Elements on an arc of this radius; scan lines fan out from its centre.
        case convex(radiusMm: Double)
        /// Elements on a line; scan lines are parallel.
        case linear
    }

    public var name: String
    public var elementCount: Int
    public var pitchMm: Double
    public var elementWidthMm: Double
    public var shape: Shape
    /// Element height (elevation aperture), mm.
    public var elementHeightMm: Double
    /// Focal depth of the elevation lens, mm.
    public var elevationFocusMm: Double
    public var centreFrequencyMHz: Double
    /// −6 dB pulse-echo fractional bandwidth (0.79 = 79 %).
    public var fractionalBandwidth: Double
    /// The speed of sound the scanner assumes, m/s (1540 m/s: the conventional soft-tissue average,
    /// data sheet §4).
    public var soundSpeedMPerS: Double = 1540

    /// Verasonics C5-2v: 128 elements, pitch 0.508 mm, width 0.46 mm, radius 49.57 mm, height 13.5 mm,
    /// elevation focus 60 mm, 3.57 MHz, 79 % bandwidth (the manufacturer's published parameters, as
    /// quoted in the issue).
    public static let c52 = Transducer(
        name: "c5-2", elementCount: 128, pitchMm: 0.508, elementWidthMm: 0.46, shape: .convex(radiusMm: 49.57),
        elementHeightMm: 13.5, elevationFocusMm: 60, centreFrequencyMHz: 3.57, fractionalBandwidth: 0.79)

    /// An L12-5-class linear array: 192 elements (Verasonics L12-5 38 mm; its nominal centre frequency
    /// 7.813 MHz is from the Verasonics `computeTrans` table quoted in their example scripts), pitch
    /// 0.1953 mm so the face is 37.5 mm. Element height 7.5 mm, elevation focus 20 mm and 70 %
    /// bandwidth are typical of the class, not a datasheet: treat them as assumptions.
    public static let l125 = Transducer(
        name: "l12-5", elementCount: 192, pitchMm: 0.1953, elementWidthMm: 0.17, shape: .linear,
        elementHeightMm: 7.5, elevationFocusMm: 20, centreFrequencyMHz: 7.813, fractionalBandwidth: 0.7)

    public static let presets: [String: Transducer] = ["c5-2": c52, "l12-5": l125]

    public static func preset(named name: String) throws -> Transducer {
        guard let t = presets[name.lowercased()] else {
            throw UnknownChoice(choiceName: "probe", value: name, allowed: presets.keys.sorted())
        }
        return t
    }

    public static let frequencyRangeMHz: ClosedRange<Double> = 1...20

    /// Throws when a parameter is outside its physical range.
    public func validated() throws -> Transducer {
        try PhysicalParameter.check("centre frequency", centreFrequencyMHz, in: Self.frequencyRangeMHz, unit: "MHz")
        try PhysicalParameter.check("fractional bandwidth", fractionalBandwidth, in: 0.1...1.5, unit: "")
        try PhysicalParameter.check("element count", Double(elementCount), in: 8...1024, unit: "")
        try PhysicalParameter.check("pitch", pitchMm, in: 0.05...2, unit: "mm")
        try PhysicalParameter.check("element height", elementHeightMm, in: 1...30, unit: "mm")
        try PhysicalParameter.check("elevation focus", elevationFocusMm, in: 5...300, unit: "mm")
        try PhysicalParameter.check("speed of sound", soundSpeedMPerS, in: 1000...2000, unit: "m/s")
        if case .convex(let r) = shape { try PhysicalParameter.check("radius of curvature", r, in: 5...500, unit: "mm") }
        return self
    }

    /// Wavelength at the centre frequency, mm.
    public var wavelengthMm: Double { soundSpeedMPerS / (centreFrequencyMHz * 1000) }
    /// Length of the array face along the elements, mm.
    public var apertureMm: Double { Double(elementCount) * pitchMm }
    /// Radius of curvature (∞ for a linear array), mm.
    public var radiusMm: Double? { if case .convex(let r) = shape { r } else { nil } }
}
