import ParsGuideCore
import Foundation

/// An X-ray spectrum in energy bins: relative photon numbers and the weights an energy-integrating
/// detector gives them.
///
/// `tungsten` follows Kramers' law for a thick tungsten target — photons per unit energy ∝ (kVp − E)/E
/// (Kramers 1923; characteristic lines are not modelled) — hardened by the tube's inherent filtration
/// (2.5 mm Al: the IEC 60601-1-3 minimum total filtration above 70 kVp) and added filtration (0.1 mm Cu,
/// a common fluoroscopy filter), exp(−μ(E)·t) with NIST μ (`XRayMaterial`).
public struct Spectrum: Sendable {
    public let energiesKeV: [Double]
    /// Relative photon numbers per bin, summing to 1.
    public let photons: [Double]
    /// Energy-integrating detector weights, photons·E normalised to sum to 1.
    public let detectorWeights: [Double]
    /// Tube voltage, or nil for a monochromatic beam.
    public let kVp: Double?

    /// Tube voltage: 40–150 kVp, the span of diagnostic X-ray generators (and of the tungsten model here); chosen.
    public static let tubeVoltage = PhysicalParameter(name: "tube voltage", unit: "kVp", range: 40...150)

    public static func tungsten(kVp: Double, inherentAlMm: Double = 2.5, addedCuMm: Double = 0.1, binKeV: Double = 2) throws -> Spectrum {
        try tubeVoltage.checked(kVp)
        try PhysicalParameter.check("aluminium filtration", inherentAlMm, in: 0...20, unit: "mm")
        try PhysicalParameter.check("copper filtration", addedCuMm, in: 0...2, unit: "mm")
        var energies: [Double] = [], photons: [Double] = []
        var e = 10 + binKeV / 2
        while e < kVp {
            let filtered = exp(-XRayMaterial.aluminium.linearAttenuationPerMm(keV: e) * inherentAlMm
                               - XRayMaterial.copper.linearAttenuationPerMm(keV: e) * addedCuMm)
            energies.append(e)
            photons.append((kVp - e) / e * filtered)
            e += binKeV
        }
        return Spectrum(energies: energies, photons: photons, kVp: kVp)
    }

    public static func monochromatic(keV: Double) throws -> Spectrum {
        try PhysicalParameter.check("photon energy", keV, in: 10...150, unit: "keV")
        return Spectrum(energies: [keV], photons: [1], kVp: nil)
    }

    init(energies: [Double], photons: [Double], kVp: Double?) {
        let total = photons.reduce(0, +)
        energiesKeV = energies
        self.photons = photons.map { $0 / total }
        let energy = zip(energies, photons).map { $0 * $1 }
        let sum = energy.reduce(0, +)
        detectorWeights = energy.map { $0 / sum }
        self.kVp = kVp
    }

    /// Mean photon energy, keV.
    public var meanEnergyKeV: Double { zip(energiesKeV, photons).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Air kerma per photon fluence, µGy per (photon/mm²): Σ p(E)·E·(μ_en/ρ)_air(E).
    public var airKermaPerFluence: Double {
        let joulePerKeV = 1.602176634e-16
        // E (J) × μen/ρ (cm²/g → m²/kg: × 0.1) × fluence (1/mm² → 1/m²: × 1e6) → Gy; × 1e6 → µGy.
        return zip(energiesKeV, photons).reduce(0) { sum, b in
            sum + b.1 * b.0 * joulePerKeV * XRayMaterial.air.massEnergyAbsorption(keV: b.0) * 0.1 * 1e6 * 1e6
        }
    }
}
