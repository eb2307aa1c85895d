import Anatomy
import Foundation

/// How much of a needle a frame shows: the frame rendered with the needle against the same frame
/// without it (the speckle is world-fixed, so the difference is the needle's own echoes and shadow).
public struct NeedleVisibility: Sendable, Equatable {
    /// Length of shaft, mm, whose echo brightens the image by at least `brightenedGreyLevels` within
    /// 1 mm of where it lies in the image plane (counted in 0.5 mm steps from the hub).
    public var shownLengthMm: Double
    /// True when the echo within 1 mm of the tip brightens the image as much.
    public var tipShows: Bool
    /// Angle between the shaft and the beam at the frame's centre line, degrees (90: across the beam,
    /// the specular ideal).
    public var angleToBeamDeg: Double

    /// A pixel is brightened by the needle when it is ≥ 24 grey levels brighter with it (≈ 6 dB of the
    /// 60 dB display; chosen).
    public static let brightenedGreyLevels = 24
    /// A needle a reader can follow shows along at least this length, mm (chosen: a bright tip alone is
    /// not a needle).
    public static let followableLengthMm = 15.0
    /// Points farther than this from the image plane are not in the frame, mm (about half the elevation
    /// beam at the depths of the pars).
    public static let inPlaneMm = 1.5

    /// True when the needle shows along `followableLengthMm` or more.
    public var shows: Bool { shownLengthMm >= Self.followableLengthMm }

    /// Compares `with` (rendered with `needle`) and `without` (the same pose and settings, no needle).
    public init(with: BModeFrame, without: BModeFrame, needle: NeedleShaft) {
        let a = with.image, b = without.image
        let r = max(1, Int((1 / with.geometry.pixelSpacingMm).rounded()))
        func brightened(_ p: Vector3) -> Bool {
            let px = with.pixel(ofWorld: p)
            guard abs(px.elevationMm) <= Self.inPlaneMm else { return false }
            let c = Int(px.column.rounded()), w = Int(px.row.rounded())
            for dy in -r...r { for dx in -r...r where dx * dx + dy * dy <= r * r {
                let x = c + dx, y = w + dy
                guard x >= 0, y >= 0, x < a.width, y < a.height else { continue }
                if Int(a[x, y]) - Int(b[x, y]) >= Self.brightenedGreyLevels { return true }
            } }
            return false
        }
        let step = 0.5, length = needle.lengthMm, d = needle.direction
        var shown = 0.0
        for i in 0...Int(length / step) where brightened(needle.hubMm + d * (Double(i) * step)) { shown += step }
        shownLengthMm = shown
        tipShows = brightened(needle.tipMm)
        let cosine = abs(d.dot(with.pose.beam))
        angleToBeamDeg = acos(min(1, cosine)) * 180 / .pi
    }
}
