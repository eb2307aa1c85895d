/// A picture's size in pixels as a user gives it — "512" (square) or "640x480" — with the one range of a
/// picture's side shared by every simulator and figure, so every edge refuses a size with the same sentence.
public struct PixelSize: Sendable, Equatable, CustomStringConvertible {
    /// A picture's side, px (chosen: 16 px is the smallest picture a label can be read on; 4096 px the
    /// largest a 2-core machine renders in seconds).
    public static let side = PhysicalParameter(name: "image side", unit: "px", range: 16...4096)

    public let width: Int
    public let height: Int

    /// A size whose sides are both inside `side`'s range.
    public init(width: Int, height: Int) throws {
        try Self.side.checked(Double(width))
        try Self.side.checked(Double(height))
        self.init(checkedWidth: width, height: height)
    }

    /// A size stated in code, known to be inside the range (a default).
    public static func constant(width: Int, height: Int) -> PixelSize {
        precondition(side.range.contains(Double(width)) && side.range.contains(Double(height)), "a constant picture size outside \(side.allowedText)")
        return PixelSize(checkedWidth: width, height: height)
    }

    private init(checkedWidth width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// "N" (N × N) or "WIDTHxHEIGHT" (any case of x, spaces ignored).
    public static func parse(_ text: String) throws -> PixelSize {
        let parts = text.lowercased().filter { $0 != " " }.split(separator: "x", omittingEmptySubsequences: false)
        let sides = parts.compactMap { Int($0) }
        guard (1...2).contains(parts.count), sides.count == parts.count else { throw PixelSizeSyntax(text: text) }
        return try PixelSize(width: sides[0], height: sides.last!)
    }

    public var isSquare: Bool { width == height }

    public var description: String { "\(width)x\(height)" }
}

/// A size that is neither one whole number nor two joined by x; the sentence shows both forms.
public struct PixelSizeSyntax: Error, CustomStringConvertible, Equatable {
    public let text: String

    public var description: String { "image size '\(text)' is not N or WIDTHxHEIGHT, e.g. 512 or 640x480" }
}
