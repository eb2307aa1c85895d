import Foundation

/// A material's X-ray mass attenuation μ/ρ (cm²/g) against photon energy, with log–log interpolation.
///
/// Tables: NIST X-ray mass attenuation coefficients (Hubbell & Seltzer, NIST XrayMassCoef, tables 3–4;
/// "μ/ρ" with coherent scattering), 10–150 keV, as distributed in the data files of
/// `kingtaurus/CTSim` `physicsdata/materials/` (water, cortical bone ICRU-44, iron, aluminium, copper,
/// dry air; data sheet §5b). Iodine (Z = 53): the NIST element table; its 50, 60 and 80 keV values are the
/// data sheet's, the others transcribed from the same table. Absorption edges are stored as two rows at
/// the same energy (below, above).
public struct XRayMaterial: Sendable {
    public let name: String
    /// Density, g/cm³.
    public let densityGPerCm3: Double
    let energiesKeV: [Double]
    let massAttenuation: [Double]
    /// Mass energy-absorption μ_en/ρ (cm²/g), where tabulated (air: for air kerma).
    let massEnergyAbsorption: [Double]?

    /// μ/ρ at an energy, cm²/g (log–log interpolation; above an edge row the upper branch).
    public func massAttenuation(keV e: Double) -> Double { Self.interpolate(energiesKeV, massAttenuation, e) }

    /// μ_en/ρ at an energy, cm²/g.
    public func massEnergyAbsorption(keV e: Double) -> Double {
        Self.interpolate(energiesKeV, massEnergyAbsorption ?? massAttenuation, e)
    }

    /// Linear attenuation μ = μ/ρ · ρ, per mm.
    public func linearAttenuationPerMm(keV e: Double) -> Double { massAttenuation(keV: e) * densityGPerCm3 / 10 }

    static func interpolate(_ x: [Double], _ y: [Double], _ e: Double) -> Double {
        guard e > x[0] else { return y[0] }
        guard e < x[x.count - 1] else { return y[y.count - 1] }
        // The last row with energy ≤ e (so at an edge energy the upper branch is used).
        var i = 0
        while i + 1 < x.count, x[i + 1] <= e { i += 1 }
        if x[i] == e { return y[i] }
        let j = i + 1
        let t = log(e / x[i]) / log(x[j] / x[i])
        return exp(log(y[i]) + t * (log(y[j]) - log(y[i])))
    }

    static let grid: [Double] = [10, 15, 20, 30, 40, 50, 60, 80, 100, 150]

    public static let water = XRayMaterial(name: "water", densityGPerCm3: 1.0, energiesKeV: grid,
        massAttenuation: [5.329, 1.673, 0.8096, 0.3756, 0.2683, 0.2269, 0.2059, 0.1837, 0.1707, 0.1505],
        massEnergyAbsorption: [4.944, 1.374, 0.5503, 0.1557, 0.06947, 0.04223, 0.03190, 0.02597, 0.02546, 0.02764])
    public static let corticalBone = XRayMaterial(name: "cortical bone (ICRU-44)", densityGPerCm3: 1.92, energiesKeV: grid,
        massAttenuation: [28.51, 9.032, 4.001, 1.331, 0.6655, 0.4242, 0.3148, 0.2229, 0.1855, 0.1480],
        massEnergyAbsorption: nil)
    /// Iron, standing in for the needle's stainless steel (density of 304 steel, 7.93 g/cm³, data sheet §4).
    public static let steel = XRayMaterial(name: "steel (iron)", densityGPerCm3: 7.93, energiesKeV: grid,
        massAttenuation: [170.6, 57.08, 25.68, 8.176, 3.629, 1.958, 1.205, 0.5952, 0.3717, 0.1964],
        massEnergyAbsorption: nil)
    public static let aluminium = XRayMaterial(name: "aluminium", densityGPerCm3: 2.699, energiesKeV: grid,
        massAttenuation: [26.23, 7.955, 3.441, 1.128, 0.5685, 0.3681, 0.2778, 0.2018, 0.1704, 0.1378],
        massEnergyAbsorption: nil)
    public static let copper = XRayMaterial(name: "copper", densityGPerCm3: 8.96, energiesKeV: grid,
        massAttenuation: [215.9, 74.05, 33.79, 10.92, 4.862, 2.613, 1.593, 0.7630, 0.4584, 0.2217],
        massEnergyAbsorption: nil)
    public static let air = XRayMaterial(name: "air", densityGPerCm3: 0.001205, energiesKeV: grid,
        massAttenuation: [5.120, 1.614, 0.7779, 0.3538, 0.2485, 0.2080, 0.1875, 0.1662, 0.1541, 0.1356],
        massEnergyAbsorption: [4.742, 1.334, 0.5389, 0.1537, 0.06833, 0.04098, 0.03041, 0.02407, 0.02325, 0.02496])
    /// Iodine, K-edge at 33.17 keV. Density is that of the element; contrast uses its mass per volume.
    public static let iodine = XRayMaterial(name: "iodine", densityGPerCm3: 4.93,
        energiesKeV: [10, 15, 20, 30, 33.169, 33.169, 40, 50, 60, 80, 100, 150],
        massAttenuation: [162.6, 55.34, 25.63, 8.561, 6.551, 35.99, 22.10, 12.32, 7.579, 3.510, 1.942, 0.6978],
        massEnergyAbsorption: nil)
}
