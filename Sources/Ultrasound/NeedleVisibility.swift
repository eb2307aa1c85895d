import Anatomy
import Foundation

/// How much of a needle a frame shows: the frame rendered with the needle against the same frame
/// without it (the speckle is world-fixed, so the difference is the needle's own echoes and shadow).
///
/// A reader follows a needle as a bright line, not as scattered bright pixels: a 0.5 mm step of the
/// shaft counts as shown only when the pixels along 2 mm of the shaft's line through it are, on
/// average, `brightenedGreyLevels` brighter with the needle than without. The line may lie up to
/// `searchAcrossMm` to either side of where the undeformed geometry puts it (the near field is
/// squeezed under the probe, and the echo comes from the near wall).
public struct NeedleVisibility: Sendable, Equatable {
    /// Length of shaft, mm, shown as a line (counted in 0.5 mm steps from the hub).
    public var shownLengthMm: Double
    /// The longest unbroken run of shown steps, mm (gaps up to `bridgedGapMm` bridged).
    public var longestRunMm: Double
    /// True when the last 2 mm before the tip show as brightly.
    public var tipShows: Bool
    /// Angle between the shaft and the beam at the frame's centre line, degrees (90: across the beam,
    /// the specular ideal).
    public var angleToBeamDeg: Double

    /// Mean brightening along the line that counts as shown: 24 grey levels ≈ 6 dB of the 60 dB display
    /// (chosen).
    public static let brightenedGreyLevels = 24.0
    /// A needle a reader can follow shows as one line at least this long, mm (chosen: a bright tip alone
    /// is not a needle).
    public static let followableLengthMm = 15.0
    /// Points farther than this from the image plane are not in the frame, mm (about half the elevation
    /// beam at the depths of the pars).
    public static let inPlaneMm = 1.5
    /// Length of line averaged at each step, mm, and how far to either side of the geometric line the
    /// echo is looked for, mm (chosen).
    public static let segmentMm = 2.0, searchAcrossMm = 1.0
    /// Gaps in a run that a reader's eye bridges, mm (chosen).
    public static let bridgedGapMm = 1.0

    /// True when the needle shows as one line `followableLengthMm` long or more.
    public var shows: Bool { longestRunMm >= Self.followableLengthMm }

    /// Compares `with` (rendered with `needle`) and `without` (the same pose and settings, no needle).
    public init(with: BModeFrame, without: BModeFrame, needle: NeedleShaft) {
        let a = with.image, b = without.image
        let spacing = with.geometry.pixelSpacingMm
        let d = needle.direction
        // The shaft's direction and its normal in the image, per mm (pixels).
        let p0 = with.pixel(ofWorld: needle.hubMm), p1 = with.pixel(ofWorld: needle.hubMm + d)
        var along = (x: p1.column - p0.column, y: p1.row - p0.row)
        let norm = (along.x * along.x + along.y * along.y).squareRoot()
        if norm > 0 { along = (along.x / norm / spacing, along.y / norm / spacing) }
        let across = (x: -along.y, y: along.x)
        /// Mean brightening (grey levels) along `segmentMm` of the line through `p`, at the best offset.
        func brightening(_ p: Vector3) -> Double {
            let px = with.pixel(ofWorld: p)
            guard norm > 0, abs(px.elevationMm) <= Self.inPlaneMm else { return 0 }
            var best = -Double.infinity
            for o in stride(from: -Self.searchAcrossMm, through: Self.searchAcrossMm, by: spacing / 2) {
                var sum = 0.0, n = 0
                for t in stride(from: -Self.segmentMm / 2, through: Self.segmentMm / 2, by: spacing / 2) {
                    let x = Int((px.column + along.x * t + across.x * o).rounded()), y = Int((px.row + along.y * t + across.y * o).rounded())
                    guard x >= 0, y >= 0, x < a.width, y < a.height else { continue }
                    sum += Double(Int(a[x, y]) - Int(b[x, y])); n += 1
                }
                if n > 0 { best = max(best, sum / Double(n)) }
            }
            return best.isFinite ? best : 0
        }
        let step = 0.5, length = needle.lengthMm
        var shown = 0.0, run = 0.0, longest = 0.0, gap = 0.0
        for i in 0...Int(length / step) {
            if brightening(needle.hubMm + d * (Double(i) * step)) >= Self.brightenedGreyLevels {
                shown += step; run += step + (run > 0 ? gap : 0); gap = 0; longest = max(longest, run)
            } else {
                gap += step
                if gap > Self.bridgedGapMm { run = 0; gap = 0 }
            }
        }
        shownLengthMm = shown
        longestRunMm = longest
        tipShows = brightening(needle.tipMm - d * (Self.segmentMm / 2)) >= Self.brightenedGreyLevels
        let cosine = abs(d.dot(with.pose.beam))
        angleToBeamDeg = acos(min(1, cosine)) * 180 / .pi
    }
}
