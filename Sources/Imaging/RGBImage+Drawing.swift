import Foundation

/// Simple overlays for figures: lines, markers and text.
extension RGBImage {
    /// Sets a pixel if it lies inside the image.
    public mutating func plot(x: Int, y: Int, _ colour: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        pixels[y * width + x] = colour
    }

    /// A straight line between two pixel positions (Bresenham), `thickness` pixels wide.
    public mutating func drawLine(from a: (x: Double, y: Double), to b: (x: Double, y: Double), colour: RGB, thickness: Int = 1) {
        let steps = Int(max(abs(b.x - a.x), abs(b.y - a.y)).rounded(.up))
        let r = thickness / 2
        for s in 0...max(steps, 0) {
            let t = steps == 0 ? 0 : Double(s) / Double(steps)
            let x = Int((a.x + (b.x - a.x) * t).rounded()), y = Int((a.y + (b.y - a.y) * t).rounded())
            for dy in -r...r { for dx in -r...r { plot(x: x + dx, y: y + dy, colour) } }
        }
    }

    /// A ring of the given radius, pixels.
    public mutating func drawCircle(centre c: (x: Double, y: Double), radius: Double, colour: RGB, thickness: Int = 1) {
        let n = max(16, Int(radius * 8))
        var previous = (x: c.x + radius, y: c.y)
        for i in 1...n {
            let a = Double(i) / Double(n) * 2 * Double.pi
            let p = (x: c.x + radius * cos(a), y: c.y + radius * sin(a))
            drawLine(from: previous, to: p, colour: colour, thickness: thickness)
            previous = p
        }
    }

    /// Text in the 5×7 font, top-left corner at (x, y), each font pixel drawn `scale` × `scale`, with
    /// a one-pixel dark outline so it reads on any background. Unknown characters draw as blanks.
    public mutating func drawText(_ text: String, x: Int, y: Int, colour: RGB, scale: Int = 2, outline: RGB? = RGB(0, 0, 0)) {
        for pass in (outline == nil ? [1] : [0, 1]) {
            var cx = x
            for ch in text {
                if let rows = BitmapFont.rows(of: ch) {
                    for (ry, bits) in rows.enumerated() {
                        for rx in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - rx)) != 0 {
                            let px = cx + rx * scale, py = y + ry * scale
                            if pass == 0, let o = outline {
                                for dy in -1...scale { for dx in -1...scale { plot(x: px + dx, y: py + dy, o) } }
                            } else {
                                for dy in 0..<scale { for dx in 0..<scale { plot(x: px + dx, y: py + dy, colour) } }
                            }
                        }
                    }
                }
                cx += (BitmapFont.glyphWidth + 1) * scale
            }
        }
    }

    /// Width in pixels of `text` drawn at `scale`.
    public static func textWidth(_ text: String, scale: Int = 2) -> Int {
        max(0, text.count * (BitmapFont.glyphWidth + 1) * scale - scale)
    }
}
