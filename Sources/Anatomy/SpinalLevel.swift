import ParsGuideCore

/// A vertebral level, with its VerSe label.
public enum SpinalLevel: String, CaseIterable, Sendable, Codable, Comparable, NamedChoice {
    case l1 = "L1", l2 = "L2", l3 = "L3", l4 = "L4", l5 = "L5", s1 = "S1"

    public static let choiceName = "level"
    /// A user names a modelled lumbar level (S1 is the sacrum's, never a target).
    public static var choices: [SpinalLevel] { modelled }

    /// The label of this vertebra's bone in `labels.nii.gz`.
    public var tissue: Tissue {
        switch self {
        case .l1: .l1
        case .l2: .l2
        case .l3: .l3
        case .l4: .l4
        case .l5: .l5
        case .s1: .sacrum
        }
    }

    /// The lumbar levels of the phantom: L1 (BodyParts3D) and L2–L5 (the mean shape).
    public static let modelled: [SpinalLevel] = [.l1, .l2, .l3, .l4, .l5]

    /// The level just below (L5 → S1), or `nil` for S1.
    public var next: SpinalLevel? {
        let all = SpinalLevel.allCases
        let i = all.firstIndex(of: self)!
        return i + 1 < all.count ? all[i + 1] : nil
    }

    public static func < (a: SpinalLevel, b: SpinalLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The patient's side. In LPS, left is +x.
public enum Side: String, CaseIterable, Sendable, Codable, NamedChoice {
    case left, right

    public static let choiceName = "side"
    public init(from decoder: Decoder) throws { try self.init(namedFrom: decoder) }

    /// +1 for left, −1 for right: multiply a lateral offset by it to get world x.
    public var sign: Double { self == .left ? 1 : -1 }
}
