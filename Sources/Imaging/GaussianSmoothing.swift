/// A Gaussian low-pass of a row-major image of floats, as three successive box filters per axis
/// (Wells, IEEE PAMI 1986;8:234–239; the widths mixed so the variance is the Gaussian's, Kovesi 2010):
/// its cost does not grow with the width. Edges are extended by their nearest pixel.
public enum GaussianSmoothing {
    /// `values` smoothed with a Gaussian of standard deviation `sigmaPixels` (≥ 0; below 0.5 returned as is).
    public static func smoothed(_ values: [Float], width: Int, height: Int, sigmaPixels: Double) -> [Float] {
        precondition(width > 0 && height > 0 && values.count == width * height, "pixel count must be width × height")
        precondition(sigmaPixels.isFinite && sigmaPixels >= 0, "sigma must be finite and ≥ 0, got \(sigmaPixels)")
        guard sigmaPixels >= 0.5 else { return values }
        var out = values
        var line = [Float](repeating: 0, count: max(width, height)), scratch = line
        for radius in boxRadii(sigma: sigmaPixels) {
            for y in 0..<height {
                for x in 0..<width { line[x] = out[y * width + x] }
                box(&line, count: width, radius: radius, into: &scratch)
                for x in 0..<width { out[y * width + x] = scratch[x] }
            }
            for x in 0..<width {
                for y in 0..<height { line[y] = out[y * width + x] }
                box(&line, count: height, radius: radius, into: &scratch)
                for y in 0..<height { out[y * width + x] = scratch[y] }
            }
        }
        return out
    }

    /// Radii of the three boxes whose summed variance is σ² (to within the integer widths).
    static func boxRadii(sigma: Double) -> [Int] {
        let n = 3.0, ideal = (12 * sigma * sigma / n + 1).squareRoot()
        var lower = Int(ideal.rounded(.down))
        if lower % 2 == 0 { lower -= 1 }
        let wl = Double(lower)
        let m = Int(((12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4)).rounded())
        return (0..<3).map { $0 < m ? (lower - 1) / 2 : (lower + 1) / 2 }
    }

    /// A running-sum box mean of half-width `radius` over the first `count` values, edges extended.
    private static func box(_ v: inout [Float], count: Int, radius: Int, into out: inout [Float]) {
        guard radius > 0 else { for i in 0..<count { out[i] = v[i] }; return }
        func at(_ i: Int) -> Float { v[min(max(i, 0), count - 1)] }
        let scale = 1 / Float(2 * radius + 1)
        var sum: Float = 0
        for i in -radius...radius { sum += at(i) }
        for i in 0..<count {
            out[i] = sum * scale
            sum += at(i + radius + 1) - at(i - radius)
        }
    }
}
