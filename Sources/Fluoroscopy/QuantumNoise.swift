import Foundation

/// Poisson quantum noise on a shot, seeded per pixel (the same seed gives the same noise on any core
/// count). Photons reaching a detector pixel without the patient: N₀ = K_det / (K per fluence) × pixel
/// area, with K_det from the tube-output model (`ShotDose`) and the spectrum's air kerma per photon
/// fluence (NIST μ_en/ρ of air); each pixel then counts Poisson(N₀·T).
public enum QuantumNoise {
    /// Expected photons per pixel with nothing in the beam.
    public static func unattenuatedPhotons(carm: CArm, spectrum: Spectrum, kVp: Double, mAs: Double) -> Double {
        let kermaMicroGy = ShotDose.tubeOutput(kVp: kVp) * mAs * pow(1000 / carm.sidMm, 2)
        return kermaMicroGy / spectrum.airKermaPerFluence * carm.pixelMm * carm.pixelMm
    }

    /// Noisy transmissions.
    public static func apply(to transmission: [Float], photons n0: Double, seed: UInt64) -> [Float] {
        transmission.enumerated().map { i, t in
            let mean = n0 * Double(t)
            return Float(poisson(mean: mean, seed: seed, index: i) / n0)
        }
    }

    /// A Poisson variate from hashed uniforms: Knuth's product method below a mean of 30, the normal
    /// approximation (Box–Muller) above.
    static func poisson(mean: Double, seed: UInt64, index: Int) -> Double {
        guard mean > 0 else { return 0 }
        var state = seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return (Double(z >> 11) + 0.5) * 0x1.0p-53
        }
        if mean < 30 {
            let limit = exp(-mean)
            var k = 0.0, p = uniform()
            while p > limit { k += 1; p *= uniform() }
            return k
        }
        let g = (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())
        return max(0, (mean + g * mean.squareRoot()).rounded())
    }
}
