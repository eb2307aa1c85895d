/// A spondylolytic defect: a slab of bone removed across one pars interarticularis and filled with
/// fibrous tissue (label 109).
///
/// The lysis plane passes through the pars landmark. Its normal starts along the pars axis (from the
/// superior to the inferior articular process) and is tilted by `obliquity` about the lateral axis
/// (+x, right-hand rule in LPS), so the cleft runs obliquely through the pars.
public struct ParsDefect: Sendable, Codable, Hashable {
    public var level: SpinalLevel
    public var side: Side
    /// Width of the cleft, millimetres: ≥2 mm separates an "isolated" defect from a fused one
    /// (Ma 2025, BMC MSK); chronic defects are ≥2–3 mm (spinebase.org, secondary).
    public var gapMm: Double
    /// Tilt of the lysis plane away from the plane perpendicular to the pars axis.
    public var obliquity: Angle

    public static let gapRangeMm: ClosedRange<Double> = 0.5...10
    public static let obliquityRangeDegrees: ClosedRange<Double> = -60...60
    public static let defaultGapMm = 2.0
    /// Chosen: −30° brings the mean-shape L5's normal (its pars axis leans ≈ 34° from the vertical) to
    /// within ≈ 5° of the vertical, so the cleft lies near the axial plane and along the ipsilateral
    /// oblique beam: the typical isthmic defect, which runs obliquely through the pars and is well shown
    /// on oblique radiographs (Jpn J Radiol 2014, doi 10.1007/s11604-014-0371-4), and lies in a near-
    /// horizontal plane on CT in 24 of 27 patients (CT findings of spondylolysis, Gyeong Sang National
    /// University Hospital, KoreaMed RID 2358786). Real defects vary (only 32 % within 15° of the 45°
    /// oblique, Saifuddin et al., J Bone Joint Surg Br 1998;80:208–11): `--defect-obliquity-deg` sets it.
    public static let defaultObliquity = Angle.degrees(-30)
    /// Levels whose pars can be cut: the ones built from the mean shape.
    public static let levels: [SpinalLevel] = SpinalLevel.modelled

    public init(level: SpinalLevel, side: Side, gapMm: Double = defaultGapMm,
                obliquity: Angle = defaultObliquity) throws {
        guard Self.levels.contains(level) else {
            throw UnknownChoice(choiceName: "defect level", value: level.rawValue, allowed: Self.levels.map(\.rawValue))
        }
        guard gapMm.isFinite, Self.gapRangeMm.contains(gapMm) else {
            throw ParameterOutOfRange(parameter: PhysicalParameter(name: "gap", unit: "mm", range: Self.gapRangeMm), value: gapMm)
        }
        guard Self.obliquityRangeDegrees.contains(obliquity.degrees) else {
            throw ParameterOutOfRange(parameter: PhysicalParameter(name: "defect obliquity", unit: "degrees", range: Self.obliquityRangeDegrees), value: obliquity.degrees)
        }
        self.level = level
        self.side = side
        self.gapMm = gapMm
        self.obliquity = obliquity
    }

    init(unchecked level: SpinalLevel, side: Side, gapMm: Double, obliquity: Angle) {
        self.level = level
        self.side = side
        self.gapMm = gapMm
        self.obliquity = obliquity
    }

    /// The flagship case: bilateral L5 defects with the default gap and obliquity.
    public static let flagship: [ParsDefect] = Side.allCases.map {
        ParsDefect(unchecked: .l5, side: $0, gapMm: defaultGapMm, obliquity: defaultObliquity)
    }

    /// The target name used on the command line, e.g. `L5-left`.
    public var name: String { "\(level.rawValue)-\(side.rawValue)" }

    /// Parses `L5-left,L5-right` (or `none`) into defects with the given gap and obliquity.
    public static func parseList(_ text: String, gapMm: Double = defaultGapMm,
                                 obliquity: Angle = defaultObliquity) throws -> [ParsDefect] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "none" || trimmed.isEmpty { return [] }
        var out: [ParsDefect] = []
        for item in trimmed.split(separator: ",") {
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: "-")
            guard parts.count == 2 else {
                throw UnknownChoice(choiceName: "defect", value: String(item),
                                                allowed: ["LEVEL-SIDE such as L5-left, comma-separated, or none"])
            }
            guard let level = try? SpinalLevel.parse(String(parts[0])), levels.contains(level) else {
                throw UnknownChoice(choiceName: "defect level", value: String(parts[0]), allowed: levels.map(\.rawValue))
            }
            guard let side = try? Side.parse(String(parts[1])) else {
                throw UnknownChoice(choiceName: "defect side", value: String(parts[1]), allowed: Side.allCases.map(\.rawValue))
            }
            let d = try ParsDefect(level: level, side: side, gapMm: gapMm, obliquity: obliquity)
            if !out.contains(where: { $0.level == level && $0.side == side }) { out.append(d) }
        }
        return out
    }
}

import ParsGuideCore
import Foundation
