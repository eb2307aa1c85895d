import Anatomy
import ParsGuideCore
import Ultrasound

/// The web simulator's probe presets: a probe view on one side of the session's level, named "VIEW-SIDE"
/// (a JSON string, parsed as a `NamedChoice`: an unknown one is a 400 naming the allowed presets). In
/// `transverse` the side sets the target's side and which way a tilt turns the beam, as on the command line.
public enum WebProbePreset: String, NamedChoice, Codable, Sendable {
    case sagittalFacetsLeft = "sagittal-facets-left", sagittalFacetsRight = "sagittal-facets-right"
    case parsObliqueLeft = "pars-oblique-left", parsObliqueRight = "pars-oblique-right"
    case transverseLeft = "transverse-left", transverseRight = "transverse-right"

    public static let choiceName = "probe preset"
    public init(from decoder: Decoder) throws { try self.init(namedFrom: decoder) }

    public var view: ProbeView {
        switch self {
        case .sagittalFacetsLeft, .sagittalFacetsRight: .sagittalFacets
        case .parsObliqueLeft, .parsObliqueRight: .parsOblique
        case .transverseLeft, .transverseRight: .transverse
        }
    }
    public var side: Side {
        switch self {
        case .sagittalFacetsLeft, .parsObliqueLeft, .transverseLeft: .left
        case .sagittalFacetsRight, .parsObliqueRight, .transverseRight: .right
        }
    }
}

/// A level named in a web request ("L4"), parsed as a `NamedChoice`: anything but L1–L5 is a 400 naming them.
public struct WebLevel: Codable, Sendable, Equatable {
    public var level: SpinalLevel
    public init(_ level: SpinalLevel) { self.level = level }
    public init(from decoder: Decoder) throws { level = try SpinalLevel(namedFrom: decoder) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(level.rawValue) }
}
