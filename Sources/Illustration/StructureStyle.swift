import Anatomy
import Imaging

/// How a tissue is drawn: colour (sRGB) and opacity (0 hidden … 1 opaque).
public struct StructureStyle: Hashable, Sendable {
    public var colour: RGB
    public var opacity: Double

    public init(colour: RGB, opacity: Double) {
        self.colour = colour
        self.opacity = opacity
    }

    /// The default palette: bones ivory, the pars defect red, dura and CSF yellow, nerve roots orange,
    /// discs pale blue, facet joints teal; skin, fat, muscle and ligaments hidden.
    public static let defaults: [Tissue: StructureStyle] = {
        var s: [Tissue: StructureStyle] = [:]
        for bone in [Tissue.l1, .l2, .l3, .l4, .l5, .sacrum, .ilium] { s[bone] = StructureStyle(colour: RGB(236, 226, 198), opacity: 1) }
        s[.parsDefect] = StructureStyle(colour: RGB(214, 48, 49), opacity: 1)
        s[.dura] = StructureStyle(colour: RGB(242, 201, 76), opacity: 1)
        s[.nerveRoot] = StructureStyle(colour: RGB(240, 147, 43), opacity: 1)
        s[.intervertebralDisc] = StructureStyle(colour: RGB(130, 180, 220), opacity: 1)
        s[.facetJoint] = StructureStyle(colour: RGB(64, 180, 170), opacity: 1)
        return s
    }()

    /// Skin drawn as a faint translucent envelope (optional).
    public static let translucentSkin = StructureStyle(colour: RGB(232, 190, 160), opacity: 0.12)
    /// The palette of a three-quarter view of a probe: the defaults with the hip bones translucent, since
    /// such a view looks across the pelvis, whose near wing would hide the probe's target.
    public static let probeView: [Tissue: StructureStyle] = {
        var s = defaults
        s[.ilium] = StructureStyle(colour: RGB(236, 226, 198), opacity: 0.2)
        return s
    }()
    /// Muscle drawn translucent (optional).
    public static let translucentMuscle = StructureStyle(colour: RGB(190, 90, 80), opacity: 0.15)
}
