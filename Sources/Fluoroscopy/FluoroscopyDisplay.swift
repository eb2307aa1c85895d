import Foundation
import Imaging

/// Turns a shot into a picture: log transmission, automatically windowed between the 1st and 99.5th
/// percentiles of the pixels that saw the patient (line integral above 0.05), so air around the body
/// does not flatten the anatomy. Fluoroscopy convention (default): radio-opaque is dark; `invert` gives the radiograph
/// convention (bone white).
public enum FluoroscopyDisplay {
    public static func image(_ shot: DRRImage, transmission: [Float]? = nil, invert: Bool = false) -> GrayImage {
        let log = logTransmission(transmission ?? shot.transmission)
        let (lo, span) = window(log)
        let pixels = log.map { v -> UInt8 in
            let x = v.isFinite ? min(max((v - lo) / span, 0), 1) : 1
            return UInt8(((invert ? x : 1 - x) * 255).rounded())
        }
        return GrayImage(width: shot.width, height: shot.height, pixels: pixels)
    }

    /// −ln(I/I₀) per pixel; a transmission that is not a number (never from a checked input) shows as
    /// fully attenuated.
    static func logTransmission(_ t: [Float]) -> [Float] { t.map { $0.isNaN ? Float.infinity : -logf(max($0, 1e-12)) } }

    /// The display window of a shot's −ln(I/I₀): its lowest value (white, or black inverted) and its span
    /// (255 grey levels), from the 1st to the 99.5th percentile of the pixels that saw the patient.
    public static func window(_ log: [Float]) -> (lowest: Float, span: Float) {
        var sorted = log.filter { $0 > 0.05 && $0.isFinite }.sorted()
        if sorted.count < 16 { sorted = log.filter(\.isFinite).sorted() }
        let lo = sorted.isEmpty ? 0 : sorted[Int(Double(sorted.count - 1) * 0.01)]
        let hi = sorted.isEmpty ? 1 : sorted[Int(Double(sorted.count - 1) * 0.995)]
        return (lo, max(hi - lo, 1e-6))
    }
}
