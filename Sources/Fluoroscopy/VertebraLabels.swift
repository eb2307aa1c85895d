import Anatomy

/// Label conventions of vertebra segmentations.
public enum VertebraLabels: String, CaseIterable, Sendable {
    /// VerSe: 20 L1 … 24 L5, 26 sacrum (ParsGuide's own labels).
    case verse
    /// TotalSegmentator: vertebrae_L5 = 27 … vertebrae_L1 = 31, sacrum = 25.
    case totalSegmentator = "totalsegmentator"

    /// The label value of a level (L1–L5, S1 meaning the sacrum), or nil.
    public func label(of level: String) -> UInt8? {
        let name = level.uppercased()
        if name == "S1" || name == "SACRUM" { return self == .verse ? 26 : 25 }
        guard name.count == 2, name.first == "L", let n = Int(name.dropFirst()), (1...5).contains(n) else { return nil }
        return self == .verse ? UInt8(19 + n) : UInt8(32 - n)
    }
}
