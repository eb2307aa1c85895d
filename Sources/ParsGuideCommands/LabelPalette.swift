import Anatomy
import Imaging

/// Colours for label maps (bone ivory, fat yellow, muscle red, CSF blue, defect magenta, …).
enum LabelPalette {
    static func colour(of label: UInt8) -> RGB {
        switch Tissue(rawValue: label) {
        case .air, .none: RGB(0, 0, 0)
        case .l1, .l2, .l3, .l4, .l5: RGB(236, 228, 200)
        case .sacrum, .ilium, .otherBone: RGB(214, 204, 170)
        case .skin: RGB(230, 180, 150)
        case .subcutaneousFat, .epiduralFat: RGB(240, 215, 110)
        case .deepFat: RGB(205, 180, 90)
        case .muscle: RGB(170, 60, 60)
        case .multifidus: RGB(190, 80, 70)
        case .erectorSpinae: RGB(150, 50, 55)
        case .fascia: RGB(235, 235, 215)
        case .psoas: RGB(175, 95, 85)
        case .quadratusLumborum: RGB(160, 70, 90)
        case .ligament: RGB(120, 200, 120)
        case .intervertebralDisc: RGB(90, 150, 220)
        case .dura: RGB(250, 250, 250)
        case .cerebrospinalFluid: RGB(60, 90, 200)
        case .nerveRoot: RGB(255, 170, 0)
        case .facetJoint, .sacroiliacJoint: RGB(0, 200, 200)
        case .parsDefect: RGB(255, 0, 255)
        case .otherSoftTissue: RGB(110, 80, 90)
        }
    }

    static func colour(width: Int, height: Int, labels: [UInt8]) -> RGBImage {
        var img = RGBImage(width: width, height: height)
        for i in 0..<labels.count { img.pixels[i] = colour(of: labels[i]) }
        return img
    }
}
