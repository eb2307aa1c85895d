/// An 8-bit grey image, row-major, row 0 at the top.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "pixel count must be width × height")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, fill: UInt8 = 0) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: fill, count: width * height))
    }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Maps values to grey with a window: `level − width/2` → 0, `level + width/2` → 255; values beyond
    /// the window (or infinite) clamp to its ends, NaN shows black.
    public static func windowed(_ values: [Float], width: Int, height: Int, level: Float, window: Float) -> GrayImage {
        let lo = level - window / 2
        let scale = 255 / window
        return GrayImage(width: width, height: height, pixels: values.map { v in
            let g = ((v - lo) * scale).rounded()
            return g.isNaN ? 0 : UInt8(min(max(g, 0), 255))
        })
    }
}
