import Foundation
import Devices
import Imaging
import VolumeGeometry

/// Turns a shot into a picture as a digital fluoroscope does: log transmission, then its detail processing
/// (`processed`), then a window between the 1st and 99.5th percentiles of the pixels that saw the patient
/// (`patientLineIntegral`), so air around the body does not flatten the anatomy. Fluoroscopy convention
/// (default): radio-opaque is dark; `invert` gives the radiograph convention (bone white).
public enum FluoroscopyDisplay {
    /// Harmonisation (dynamic-range compression): this share of the large-scale image — a Gaussian low-pass
    /// of σ `harmonisationSigmaMm` on the detector — is taken away, so the thickness of the body no longer
    /// spends the grey levels the bones need. Detail enhancement: this multiple of the fine detail (the
    /// image minus its low-pass of σ `detailSigmaMm`) is added, which sharpens cortices and thin lucent
    /// lines such as a pars cleft. Every digital radiography and fluoroscopy chain does both with unsharp
    /// masks or their multiscale successors (Prokop, Neitzel & Schaefer-Prokop, J Thorac Imaging
    /// 2003;18:148–164; Vuylsteke & Schoeters, Proc SPIE 1994;2167:551–560). The four values are chosen
    /// (vendors' presets are not published): a moderate "bone" preset.
    public static let harmonisationShare: Float = 0.6
    public static let harmonisationSigmaMm = 12.0
    public static let detailGain: Float = 1.0
    public static let detailSigmaMm = 1.5
    /// The imaging chain's own blur, σ on the detector in mm, as two Gaussians added in quadrature. The
    /// detector: an indirect (CsI) flat panel's presampled MTF is 0.086–0.12 at 2.5 cycles/mm (Kuhls-Gilcrist
    /// et al., Med Phys 2010;37:724–733), a Gaussian of σ ≈ 0.14 mm. The focal spot: 0.6 mm nominal (a
    /// fluoroscopy tube's small spot; chosen), taken as a Gaussian of that FWHM (σ 0.255 mm) and projected
    /// by (SID/SAD − 1) for an object at the isocentre — 0.11 mm in the default 1000/700 geometry. Without
    /// it, the exact line integrals of 0.5 mm voxels have a kink at every voxel plane, which the detail
    /// enhancement turned into fine stripes across broad bones at 1024² (docs/BENCHMARKS.md). `--raw`, the
    /// ideal line integral, is not blurred.
    public static let detectorSigmaMm = 0.14
    public static let focalSpotSigmaMm = 0.255

    /// σ of the whole chain on the detector of `carm`, mm.
    public static func systemBlurSigmaMm(_ carm: CArm) -> Double {
        let penumbra = focalSpotSigmaMm * max(0, carm.sidMm / carm.sadMm - 1)
        return (detectorSigmaMm * detectorSigmaMm + penumbra * penumbra).squareRoot()
    }

    /// σ on the detector of the blur a picture of `shot` is seen through, mm: the chain's
    /// (`systemBlurSigmaMm`) and its voxels' own width in quadrature. A voxel is a box of edge h (variance
    /// h²/12), magnified SID/SAD at the isocentre: without that term the exact integrals through boxes keep a
    /// kink at every voxel plane, which the detail enhancement shows as a woven texture on coarse subjects
    /// (the web simulator's 1 mm one). Trilinear sampling of a CT, the usual DRR, blurs more (h²/6).
    public static func pictureBlurSigmaMm(_ shot: DRRImage) -> Double {
        let chain = systemBlurSigmaMm(shot.carm), voxel = shot.voxelMm / 12.0.squareRoot() * shot.carm.sidMm / shot.carm.sadMm
        return (chain * chain + voxel * voxel).squareRoot()
    }

    /// A pixel whose −ln(I/I₀) exceeds this saw the patient (chosen: 5 % attenuation; air and direct beam
    /// fall below it). Only those pixels set the window and the large-scale image.
    public static let patientLineIntegral: Float = 0.05

    public static func image(_ shot: DRRImage, transmission: [Float]? = nil, invert: Bool = false) -> GrayImage {
        let log = logTransmission(shot, transmission: transmission)
        let shown = processed(log, width: shot.width, height: shot.height, pixelMm: shot.carm.pixelMm)
        let (lo, span) = window(shown, saw: log)
        let pixels = shown.map { v -> UInt8 in
            let x = v.isFinite ? min(max((v - lo) / span, 0), 1) : (v > 0 ? 1 : 0)
            return UInt8(((invert ? x : 1 - x) * 255).rounded())
        }
        return GrayImage(width: shot.width, height: shot.height, pixels: pixels)
    }

    /// −ln(I/I₀) per pixel; a transmission that is not a number (never from a checked input) shows as
    /// fully attenuated.
    static func logTransmission(_ t: [Float]) -> [Float] { t.map { $0.isNaN ? Float.infinity : -logf(max($0, 1e-12)) } }

    /// −ln(I/I₀) of `shot` (or of `transmission` read on its detector, e.g. with noise) as the detector sees
    /// it — through the chain's blur and its voxels' width (`pictureBlurSigmaMm`) — its closed rows +∞.
    static func logTransmission(_ shot: DRRImage, transmission: [Float]? = nil) -> [Float] {
        let sigmaPixels = pictureBlurSigmaMm(shot) / shot.carm.pixelMm
        // A pixel that is not a number passes nothing to its neighbours and stays not a number itself.
        let source = transmission ?? shot.transmission
        var seen = blurred(source.map { $0.isNaN ? 0 : $0 }, width: shot.width, height: shot.height, sigmaPixels: sigmaPixels)
        for i in seen.indices where source[i].isNaN { seen[i] = .nan }
        var log = logTransmission(seen)
        for row in shot.shutters.closedRows(pixels: shot.height) {
            for i in (row * shot.width)..<((row + 1) * shot.width) { log[i] = .infinity }
        }
        return log
    }

    /// `values` convolved with a sampled, normalised Gaussian of `sigmaPixels` (separable, radius 3σ; at the
    /// borders the kernel is renormalised over the pixels that exist). σ of about a pixel is the usual case
    /// here (0.5 mm voxels: 0.9 px at 1024², 0.5 px at 512²), which the box-filter `GaussianSmoothing` does
    /// not resolve.
    static func blurred(_ values: [Float], width: Int, height: Int, sigmaPixels: Double) -> [Float] {
        guard sigmaPixels > 0.05, values.count == width * height else { return values }
        let radius = max(1, Int((3 * sigmaPixels).rounded(.up)))
        let kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigmaPixels * sigmaPixels))) }
        let total = kernel.reduce(0, +), normalised = kernel.map { $0 / total }
        // Lines in bands of 32 on all cores; each band writes only its own lines.
        func pass(_ input: [Float], count: Int, lines: Int, step: Int, lineStep: Int) -> [Float] {
            var out = input
            input.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
                let src = SharedReadOnly(base: src.baseAddress!), dst = SharedVoxels(base: dst.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: (lines + 31) / 32) { band in
                    for line in (band * 32)..<min(lines, band * 32 + 32) {
                        let base = line * lineStep
                        for n in 0..<count {
                            var sum: Float = 0
                            if n >= radius && n < count - radius {   // inside: the whole kernel, already normalised
                                var at = base + (n - radius) * step
                                for w in normalised { sum += w * src.base[at]; at += step }
                            } else {                                 // at a border: renormalised over what exists
                                var weight: Float = 0
                                for d in max(-radius, -n)...min(radius, count - 1 - n) {
                                    let w = kernel[d + radius]
                                    sum += w * src.base[base + (n + d) * step]; weight += w
                                }
                                sum /= weight
                            }
                            dst.base[base + n * step] = sum
                        }
                    }
                }
            } }
            return out
        }
        let rows = pass(values, count: width, lines: height, step: 1, lineStep: width)
        return pass(rows, count: height, lines: width, step: width, lineStep: 1)
    }

    /// The detail processing of a −ln(I/I₀) image whose pixels are `pixelMm` apart on the detector: the
    /// image less `harmonisationShare` of its large-scale low-pass, plus `detailGain` times its fine detail.
    /// The large-scale low-pass averages only the pixels that saw the patient (a normalised convolution),
    /// so the air beside the skin does not leave a halo along the body's outline. Pixels that did not see
    /// the patient come out −∞ (shown fully transparent, as a fluoroscope shows the direct beam); pixels
    /// that are not finite (fully attenuated, or behind a closed shutter) stay +∞ and take no part in
    /// either filter (the fine detail is a normalised convolution too), so a collimator edge leaves no halo.
    public static func processed(_ log: [Float], width: Int, height: Int, pixelMm: Double) -> [Float] {
        let finite = log.map { $0.isFinite ? $0 : 0 }
        func smoothed(_ v: [Float], sigmaMm: Double) -> [Float] {
            GaussianSmoothing.smoothed(v, width: width, height: height, sigmaPixels: sigmaMm / pixelMm)
        }
        let patient = log.map { $0 > patientLineIntegral && $0.isFinite ? Float(1) : 0 }
        let weight = smoothed(patient, sigmaMm: harmonisationSigmaMm)
        let weighted = smoothed(zip(finite, patient).map { $0 * $1 }, sigmaMm: harmonisationSigmaMm)
        let fineSum = smoothed(finite, sigmaMm: detailSigmaMm)
        // (Normalised only where some pixel is not finite: otherwise the weights are 1 and are skipped.)
        let fineWeight = log.allSatisfy(\.isFinite) ? [Float](repeating: 1, count: log.count)
            : smoothed(log.map { $0.isFinite ? Float(1) : 0 }, sigmaMm: detailSigmaMm)
        return log.indices.map { i in
            guard log[i].isFinite else { return .infinity }
            guard patient[i] > 0 else { return -.infinity }
            let large = weight[i] > 1e-3 ? weighted[i] / weight[i] : finite[i]
            let fine = fineWeight[i] == 1 ? fineSum[i] : fineWeight[i] > 1e-3 ? fineSum[i] / fineWeight[i] : finite[i]
            return finite[i] - harmonisationShare * large + detailGain * (finite[i] - fine)
        }
    }

    /// The display window of processed values `shown`: its lowest value (white, or black inverted) and its
    /// span (255 grey levels), from the 1st to the 99.5th percentile of the pixels whose −ln(I/I₀), `saw`,
    /// says they saw the patient (above `patientLineIntegral`).
    public static func window(_ shown: [Float], saw log: [Float]) -> (lowest: Float, span: Float) {
        var sorted = shown.indices.filter { log[$0] > patientLineIntegral && shown[$0].isFinite }.map { shown[$0] }.sorted()
        if sorted.count < 16 { sorted = shown.filter(\.isFinite).sorted() }
        let lo = sorted.isEmpty ? 0 : sorted[Int(Double(sorted.count - 1) * 0.01)]
        let hi = sorted.isEmpty ? 1 : sorted[Int(Double(sorted.count - 1) * 0.995)]
        return (lo, max(hi - lo, 1e-6))
    }
}
