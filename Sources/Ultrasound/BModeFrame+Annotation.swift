import Imaging

extension BModeFrame {
    /// The frame in colour with each structure marked by a ring and labelled, teaching-figure style.
    /// Labels are placed greedily at the first of several spots around their mark that overlaps no
    /// earlier label and stays inside the image.
    public func annotated(_ structures: [LocatedStructure], scale: Int = 1) -> RGBImage {
        var out = RGBImage(image).scaled(by: scale)
        let bone = RGB(255, 220, 40), soft = RGB(90, 220, 255)
        let textScale = max(2, 2 * scale)
        let height = 7 * textScale
        var placed: [(x0: Double, y0: Double, x1: Double, y1: Double)] = []
        // Structures left of their neighbours prefer labels on the left, the others on the right, so
        // leaders do not cross.
        let byColumn = structures.indices.sorted { structures[$0].pixel[0] < structures[$1].pixel[0] }
        for (rank, index) in byColumn.enumerated() {
            let s = structures[index]
            let leftFirst = rank < (structures.count + 1) / 2
            let x = (s.pixel[0] + 0.5) * Double(scale), y = (s.pixel[1] + 0.5) * Double(scale)
            let colour = s.key == "dura" || s.key.hasPrefix("facetJoint") ? soft : bone
            out.drawCircle(centre: (x, y), radius: 5 * Double(scale), colour: colour, thickness: scale)
            let width = Double(RGBImage.textWidth(s.label, scale: textScale)), h = Double(height)
            let gap = 16.0 * Double(scale)
            let left: [(Double, Double)] = [(-width - gap, -h - gap), (-width - gap, -h - 3 * gap), (-width - 2 * gap, -h / 2), (-width - gap, gap)]
            let right: [(Double, Double)] = [(gap, -h - gap), (gap, -h - 3 * gap), (2 * gap, -h / 2), (gap, gap)]
            let candidates = (leftFirst ? left + right : right + left) + [(-width / 2, -h - 2 * gap), (-width / 2, 2 * gap)]
            func box(_ c: (Double, Double)) -> (x0: Double, y0: Double, x1: Double, y1: Double) {
                (x + c.0 - 2, y + c.1 - 2, x + c.0 + width + 2, y + c.1 + h + 2)
            }
            let inside = { (b: (x0: Double, y0: Double, x1: Double, y1: Double)) in
                b.x0 >= 0 && b.y0 >= 0 && b.x1 < Double(out.width) && b.y1 < Double(out.height)
            }
            let free = { (b: (x0: Double, y0: Double, x1: Double, y1: Double)) in
                !placed.contains { $0.x0 < b.x1 && b.x0 < $0.x1 && $0.y0 < b.y1 && b.y0 < $0.y1 }
            }
            let choice = candidates.first { inside(box($0)) && free(box($0)) } ?? candidates[0]
            let b = box(choice)
            placed.append(b)
            // Leader from the ring to the nearest point of the label's box.
            let tx = min(max(x, b.x0), b.x1), ty = min(max(y, b.y0), b.y1)
            out.drawLine(from: (x, y), to: (tx, ty), colour: colour, thickness: scale)
            out.drawText(s.label, x: Int(x + choice.0), y: Int(y + choice.1), colour: colour, scale: textScale)
        }
        return out
    }
}
