import Anatomy
import ParsGuideCore
import Ultrasound

/// The web simulator's probe presets: a probe view on one side of L5, named "VIEW-SIDE" (a JSON string,
/// parsed as a `NamedChoice`: an unknown one is a 400 naming the allowed presets).
public enum WebProbePreset: String, NamedChoice, Codable, Sendable {
    case sagittalFacetsLeft = "sagittal-facets-left", sagittalFacetsRight = "sagittal-facets-right"
    case parsObliqueLeft = "pars-oblique-left", parsObliqueRight = "pars-oblique-right"

    public static let choiceName = "probe preset"
    public init(from decoder: Decoder) throws { try self.init(namedFrom: decoder) }

    public var view: ProbeView { self == .parsObliqueLeft || self == .parsObliqueRight ? .parsOblique : .sagittalFacets }
    public var side: Side { self == .sagittalFacetsLeft || self == .parsObliqueLeft ? .left : .right }
}
