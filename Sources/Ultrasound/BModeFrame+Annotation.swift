import Imaging

extension BModeFrame {
    /// The frame in colour with each structure marked by a ring and labelled, teaching-figure style.
    public func annotated(_ structures: [LocatedStructure], scale: Int = 1) -> RGBImage {
        var out = RGBImage(image).scaled(by: scale)
        let yellow = RGB(255, 220, 40), cyan = RGB(90, 220, 255)
        let textScale = max(2, 2 * scale)
        for (i, s) in structures.enumerated() {
            let x = (s.pixel[0] + 0.5) * Double(scale), y = (s.pixel[1] + 0.5) * Double(scale)
            let colour = s.key == "dura" || s.key.hasPrefix("facetJoint") ? cyan : yellow
            out.drawCircle(centre: (x, y), radius: 5 * Double(scale), colour: colour, thickness: scale)
            // Labels alternate up-left and up-right of their mark so neighbours do not collide.
            let width = RGBImage.textWidth(s.label, scale: textScale)
            let dx = i % 2 == 0 ? -Double(width) - 14 * Double(scale) : 14 * Double(scale)
            let dy = -22.0 * Double(scale) - Double(i / 2) * 4 * Double(scale)
            let anchor = (x: x + dx + (i % 2 == 0 ? Double(width) : 0), y: y + dy + 7 * Double(textScale) / 2)
            out.drawLine(from: (x, y), to: anchor, colour: colour, thickness: scale)
            out.drawText(s.label, x: Int(x + dx), y: Int(y + dy), colour: colour, scale: textScale)
        }
        return out
    }
}
