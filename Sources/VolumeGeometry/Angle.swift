import Foundation

/// A plane angle. Stored in radians; build it with `.degrees(_:)` or `.radians(_:)`.
public struct Angle: Hashable, Sendable, Codable, Comparable {
    public var radians: Double

    public init(radians: Double) { self.radians = radians }

    public static func radians(_ r: Double) -> Angle { Angle(radians: r) }
    public static func degrees(_ d: Double) -> Angle { Angle(radians: d * .pi / 180) }

    public var degrees: Double { radians * 180 / .pi }

    public static let zero = Angle(radians: 0)

    public static func < (a: Angle, b: Angle) -> Bool { a.radians < b.radians }
}
