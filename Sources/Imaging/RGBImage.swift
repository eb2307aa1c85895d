/// An 8-bit RGB colour.
public struct RGB: Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
}

/// An 8-bit RGB image, row-major, row 0 at the top.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [RGB]

    public init(width: Int, height: Int, fill: RGB = RGB(0, 0, 0)) {
        precondition(width > 0 && height > 0, "image size must be positive")
        self.width = width
        self.height = height
        self.pixels = [RGB](repeating: fill, count: width * height)
    }

    public init(_ gray: GrayImage) {
        self.init(width: gray.width, height: gray.height)
        for i in 0..<pixels.count { let v = gray.pixels[i]; pixels[i] = RGB(v, v, v) }
    }

    public subscript(x: Int, y: Int) -> RGB {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Enlarges by an integer factor (nearest neighbour).
    public func scaled(by factor: Int) -> RGBImage {
        precondition(factor >= 1, "scale factor must be ≥ 1")
        var out = RGBImage(width: width * factor, height: height * factor)
        for y in 0..<out.height { for x in 0..<out.width { out[x, y] = self[x / factor, y / factor] } }
        return out
    }
}
