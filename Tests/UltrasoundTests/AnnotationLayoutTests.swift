import Testing
import Imaging
@testable import Ultrasound

/// Where an annotated frame's labels go (`BModeFrame.labelLayout`).
@Suite struct AnnotationLayoutTests {
    static func structure(_ label: String, at x: Double, _ y: Double) -> LocatedStructure {
        LocatedStructure(key: label, label: label, landmark: "", worldMm: [0, 0, 0], pixel: [x, y], elevationMm: 0,
                         distanceToLandmarkMm: 0, echoContrastDB: 20)
    }

    @Test("Labels of neighbouring marks on one row stay a glyph apart and inside the frame (the README's sagittal view once read \"L4-L5PARS\")")
    func neighboursDoNotRunTogether() {
        // The marks of the flagship's left sagittal-facets view, 640 × 370.
        let structures = [Self.structure("L4-L5", at: 271.5, 211.5), Self.structure("PARS", at: 321.5, 211), Self.structure("L5-S1", at: 366.5, 192)]
        let layout = BModeFrame.labelLayout(structures, imageWidth: 640, imageHeight: 370, scale: 1)
        #expect(layout.count == 3 && Set(layout.map(\.index)) == [0, 1, 2])
        let textScale = 2, glyph = 2 * (2 + 2 * textScale), height = 7 * textScale
        for a in layout {
            #expect(a.box.x0 >= 0 && a.box.y0 >= 0 && a.box.x1 < 640 && a.box.y1 < 370)
            for b in layout where b.index != a.index {
                let wa = RGBImage.textWidth(structures[a.index].label, scale: textScale), wb = RGBImage.textWidth(structures[b.index].label, scale: textScale)
                let sameRows = a.textY < b.textY + height && b.textY < a.textY + height
                let apart = max(b.textX - (a.textX + wa), a.textX - (b.textX + wb))
                #expect(!sameRows || apart >= glyph, "\(structures[a.index].label) and \(structures[b.index].label): \(apart) px apart on one row")
            }
        }
    }

    @Test("A lone label takes its first spot: up and to the left of its mark, 16 px from it")
    func loneLabel() {
        let layout = BModeFrame.labelLayout([Self.structure("SAP", at: 99.5, 99.5)], imageWidth: 200, imageHeight: 200, scale: 1)
        let width = RGBImage.textWidth("SAP", scale: 2)
        #expect(layout.count == 1 && layout[0].textX == 100 - width - 16 && layout[0].textY == 100 - 14 - 16)
    }
}
