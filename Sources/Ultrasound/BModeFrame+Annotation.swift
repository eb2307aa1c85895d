import Imaging

extension BModeFrame {
    /// The frame in colour with each structure marked by a ring and labelled, teaching-figure style
    /// (labels laid out by `labelLayout`).
    public func annotated(_ structures: [LocatedStructure], scale: Int = 1) -> RGBImage {
        var out = RGBImage(image).scaled(by: scale)
        let bone = RGB(255, 220, 40), soft = RGB(90, 220, 255)
        let textScale = Self.labelTextScale(scale)
        for label in Self.labelLayout(structures, imageWidth: out.width, imageHeight: out.height, scale: scale) {
            let s = structures[label.index]
            let colour = s.key == "dura" || s.key.hasPrefix("facetJoint") ? soft : bone
            out.drawCircle(centre: label.mark, radius: 5 * Double(scale), colour: colour, thickness: scale)
            // Leader from the ring to the nearest point of the label's box.
            let b = label.box
            let tx = min(max(label.mark.x, b.x0), b.x1), ty = min(max(label.mark.y, b.y0), b.y1)
            out.drawLine(from: label.mark, to: (tx, ty), colour: colour, thickness: scale)
            out.drawText(s.label, x: label.textX, y: label.textY, colour: colour, scale: textScale)
        }
        return out
    }

    /// Where one structure's label goes: its mark (pixel centre at the drawing scale), the text's top-left
    /// corner, and the box it keeps clear (the text with its margins).
    public struct LabelPlacement: Sendable {
        public var index: Int
        public var mark: (x: Double, y: Double)
        public var textX: Int, textY: Int
        public var box: (x0: Double, y0: Double, x1: Double, y1: Double)
    }

    static func labelTextScale(_ scale: Int) -> Int { max(2, 2 * scale) }

    /// Labels placed greedily, structure by structure from left to right, at the first of several spots
    /// around their mark whose box overlaps no earlier label's and stays inside the image. Structures left of
    /// their neighbours prefer spots on the left, the others on the right, so leaders do not cross. A box
    /// keeps 2 px above and below its text and one glyph's width (`2 + 2 × text scale` px each side, chosen)
    /// beside it, so two labels on one row never read as one word ("L4-L5PARS").
    public static func labelLayout(_ structures: [LocatedStructure], imageWidth: Int, imageHeight: Int, scale: Int) -> [LabelPlacement] {
        let textScale = labelTextScale(scale)
        let h = Double(7 * textScale), gap = 16.0 * Double(scale), marginX = Double(2 + 2 * textScale), marginY = 2.0
        var placed: [LabelPlacement] = []
        let byColumn = structures.indices.sorted { structures[$0].pixel[0] < structures[$1].pixel[0] }
        for (rank, index) in byColumn.enumerated() {
            let s = structures[index]
            let leftFirst = rank < (structures.count + 1) / 2
            let x = (s.pixel[0] + 0.5) * Double(scale), y = (s.pixel[1] + 0.5) * Double(scale)
            let width = Double(RGBImage.textWidth(s.label, scale: textScale))
            let left: [(Double, Double)] = [(-width - gap, -h - gap), (-width - gap, -h - 3 * gap), (-width - 2 * gap, -h / 2), (-width - gap, gap)]
            let right: [(Double, Double)] = [(gap, -h - gap), (gap, -h - 3 * gap), (2 * gap, -h / 2), (gap, gap)]
            let candidates = (leftFirst ? left + right : right + left) + [(-width / 2, -h - 2 * gap), (-width / 2, 2 * gap)]
            func box(_ c: (Double, Double)) -> (x0: Double, y0: Double, x1: Double, y1: Double) {
                (x + c.0 - marginX, y + c.1 - marginY, x + c.0 + width + marginX, y + c.1 + h + marginY)
            }
            func inside(_ b: (x0: Double, y0: Double, x1: Double, y1: Double)) -> Bool {
                b.x0 >= 0 && b.y0 >= 0 && b.x1 < Double(imageWidth) && b.y1 < Double(imageHeight)
            }
            func free(_ b: (x0: Double, y0: Double, x1: Double, y1: Double)) -> Bool {
                !placed.contains { $0.box.x0 < b.x1 && b.x0 < $0.box.x1 && $0.box.y0 < b.y1 && b.y0 < $0.box.y1 }
            }
            let choice = candidates.first { inside(box($0)) && free(box($0)) } ?? candidates[0]
            placed.append(LabelPlacement(index: index, mark: (x, y), textX: Int(x + choice.0), textY: Int(y + choice.1), box: box(choice)))
        }
        return placed
    }
}
