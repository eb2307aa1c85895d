import Foundation
import Anatomy
@testable import Ultrasound

/// Analytic test media in the probe frame (the probe sits at the world origin, beam +z, array +x).
enum Media {
    static let muscle = Tissue.muscle.rawValue
    static let bone = Tissue.l5.rawValue

    /// A block of labels covering the fan of a C5-2 to `depthMm`, voxels of `voxelMm`, with the voxel
    /// boundaries on multiples of `voxelMm` in z (so a slab face at such a depth is exact).
    static func block(depthMm: Double, voxelMm: Double = 0.5, halfWidthMm: Double = 80, halfThicknessMm: Double = 8,
                      label: (Vector3) -> UInt8) -> Volume<UInt8> {
        let nx = Int(2 * halfWidthMm / voxelMm), ny = Int(2 * halfThicknessMm / voxelMm)
        let z0 = -12.0, nz = Int((depthMm + 8 - z0) / voxelMm)
        // Voxel centres at z0 + (k + ½)·h: faces fall on z0 + k·h.
        let grid = try! Grid(dimensions: SIMD3(nx, ny, nz), spacingMm: Vector3(voxelMm, voxelMm, voxelMm),
                             originMm: Vector3(-halfWidthMm + voxelMm / 2, -halfThicknessMm + voxelMm / 2, z0 + voxelMm / 2))
        var voxels = [UInt8](repeating: 0, count: grid.voxelCount)
        for k in 0..<nz {
            for j in 0..<ny {
                for i in 0..<nx { voxels[grid.linearIndex(i, j, k)] = label(grid.world(i, j, k)) }
            }
        }
        return Volume(grid: grid, voxels: voxels)
    }

    static let origin = ProbePose(worldFromProbe: .identity)

    /// The pulse-echo spectrum of a transducer, written here from its definition for the tests' theory: an
    /// n-cycle sine burst, sinc(T(f − f₀)) − sinc(T(f + f₀)) with T = n/f₀, through a flat-topped response of
    /// −6 dB bandwidth B, exp(−(|f − f₀|/w)^p), w = Bf₀/2/ln2^(1/p), p = ln 126/ln(2/B) (SIMUS's form). MHz.
    static func pulseEchoSpectrum(_ t: Transducer, cycles: Double = 1) -> (Double) -> Double {
        let f0 = t.centreFrequencyMHz, b = t.fractionalBandwidth, period = cycles / f0
        func sinc(_ x: Double) -> Double { abs(x) < 1e-12 ? 1 : sin(.pi * x) / (.pi * x) }
        let p = log(126) / log(2 / b), w = b * f0 / 2 / pow(log(2), 1 / p)
        return { f in (sinc(period * (f - f0)) - sinc(period * (f + f0))) * exp(-pow(abs(f - f0) / w, p)) }
    }

    /// Power-weighted mean frequency (MHz) and rms amplitude (relative to none) of a spectrum after a two-way
    /// attenuation of A dB/MHz applied per frequency (amplitude × 10^(−A·f/20)).
    static func attenuated(_ spectrum: (Double) -> Double, f0: Double, attenuationDBPerMHz a: Double) -> (meanMHz: Double, rms: Double) {
        var power = 0.0, moment = 0.0, unattenuated = 0.0
        for f in stride(from: 0.005, to: 2 * f0, by: 0.005) {
            let s2 = spectrum(f) * spectrum(f)
            unattenuated += s2
            power += s2 * pow(10, -a * f / 10); moment += f * s2 * pow(10, -a * f / 10)
        }
        return (moment / power, (power / unattenuated).squareRoot())
    }

    /// Settings small enough for debug-mode tests; uniform speckle (no tissue texture) unless `texture`.
    static func settings(depthMm: Double, lines: Int = 128, tgc: Double? = 0, seed: UInt64 = 1, texture: Bool = false) -> BModeSettings {
        var s = BModeSettings()
        s.tissueTexture = texture
        s.depthMm = depthMm
        s.focusMm = min(60, depthMm)
        s.lineCount = lines
        s.tgcDBPerCm = tgc
        s.seed = seed
        s.imageWidth = 256
        s.imageHeight = 256
        return s
    }
}

/// Statistics helpers.
enum Stats {
    static func mean(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) } / Double(v.count) }

    static func standardDeviation(_ v: [Float]) -> Double {
        let m = mean(v)
        return (v.reduce(0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(v.count - 1)).squareRoot()
    }

    /// Full width at half maximum of a sampled profile around its peak (linear interpolation), in
    /// samples.
    static func fwhm(_ p: [Double]) -> Double {
        let peak = p.indices.max { p[$0] < p[$1] }!
        let half = p[peak] / 2
        var l = peak
        while l > 0, p[l] > half { l -= 1 }
        var r = peak
        while r < p.count - 1, p[r] > half { r += 1 }
        let left = Double(l) + (half - p[l]) / (p[l + 1] - p[l])
        let right = Double(r - 1) + (p[r - 1] - half) / (p[r - 1] - p[r])
        return right - left
    }
}
