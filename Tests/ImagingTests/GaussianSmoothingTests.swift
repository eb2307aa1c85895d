import Testing
@testable import Imaging

@Suite struct GaussianSmoothingTests {
    @Test("An impulse spreads with the Gaussian's variance and keeps its sum", arguments: [1.0, 2.5, 6.0])
    func impulse(sigma: Double) {
        let n = 64
        var v = [Float](repeating: 0, count: n * n)
        v[32 * n + 32] = 1
        let s = GaussianSmoothing.smoothed(v, width: n, height: n, sigmaPixels: sigma)
        let sum = s.reduce(0, +)
        #expect(abs(sum - 1) < 1e-4)
        var variance = 0.0
        for y in 0..<n { for x in 0..<n { variance += Double(s[y * n + x]) * Double((x - 32) * (x - 32)) } }
        // Integer box widths leave the variance within half a step of one box's width w → w + 2 (whose
        // variance (w² − 1)/12 grows by (w + 1)/3) of σ², w ≈ √(4σ² + 1): σ itself within ≈ 3 %.
        let halfStep = ((4 * sigma * sigma + 1).squareRoot() + 1) / 6
        #expect(abs(variance - sigma * sigma) <= halfStep + 0.01, "variance \(variance) vs σ² \(sigma * sigma)")
        // Separable and isotropic: the same spread along y.
        #expect(abs(s[(32 + 2) * n + 32] - s[32 * n + 32 + 2]) < 1e-6)
    }

    @Test("A constant image, edges included, stays constant; a tiny sigma changes nothing")
    func constant() {
        let v = [Float](repeating: 3.5, count: 20 * 10)
        #expect(GaussianSmoothing.smoothed(v, width: 20, height: 10, sigmaPixels: 4).allSatisfy { abs($0 - 3.5) < 1e-5 })
        let ramp = (0..<200).map { Float($0) }
        #expect(GaussianSmoothing.smoothed(ramp, width: 20, height: 10, sigmaPixels: 0.2) == ramp)
    }
}
