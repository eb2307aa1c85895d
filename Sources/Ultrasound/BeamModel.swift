import Foundation

/// The point-spread function of a transducer and its settings, from the aperture itself.
///
/// - Axial: the pulse-echo impulse response for a Gaussian spectrum at the centre frequency f₀ with
///   −6 dB (amplitude) bandwidth B·f₀: envelope exp(−z²/2σ_z²) with σ_z = (c/2)/(2πσ_f),
///   σ_f = B·f₀/(2√(2 ln 2)), carried on exp(i·2k₀z) (complex baseband).
/// - Lateral: the narrow-band (f₀) two-way field |p_tx·p_rx| of the actual elements — exact element
///   positions on the arc, element directivity sinc(πw·sinψ/λ), cylindrical spreading 1/√d — with the
///   transmit aperture focus/F_tx focused at the transmit focus and the receive aperture depth/F_rx
///   dynamically focused at each depth (capped at the array).
/// - Elevation: the same for the element height with its lens focus, two-way (|p|²).
/// Profiles are tabulated on depth bins; each table is normalised so its largest on-axis value is 1.
struct BeamModel: Sendable {
    let transducer: Transducer
    let settings: BModeSettings
    /// Depth bins, mm: bin b is at b·binMm.
    let binMm: Double
    let binCount: Int
    /// Lateral offsets of the tables, mm: j·lateralStepMm for j in 0..<lateralCount.
    let lateralStepMm: Double
    let lateralCount: Int
    /// Two-way lateral amplitude, [bin][j].
    let lateral: [Float]
    /// Elevation offsets of the tables, mm: j·elevationStepMm.
    let elevationStepMm: Double
    let elevationCount: Int
    /// Two-way elevation amplitude, [bin][j].
    let elevation: [Float]
    /// Axial envelope σ, mm.
    let axialSigmaMm: Double

    init(transducer: Transducer, settings: BModeSettings) {
        self.transducer = transducer
        self.settings = settings
        let lambda = transducer.wavelengthMm
        binMm = 1
        binCount = Int((settings.depthMm / binMm).rounded(.up)) + 2
        lateralStepMm = lambda / 4
        lateralCount = Int((8.0 / lateralStepMm).rounded(.up))
        elevationStepMm = lambda / 4
        elevationCount = Int((max(transducer.elementHeightMm, 6) / elevationStepMm).rounded(.up))
        let sigmaF = transducer.fractionalBandwidth * transducer.centreFrequencyMHz / (2 * (2 * log(2.0)).squareRoot())
        axialSigmaMm = (transducer.soundSpeedMPerS / 1000 / 2) / (2 * .pi * sigmaF)

        let k = 2 * Double.pi / lambda
        let pitch = transducer.pitchMm
        let radius = transducer.radiusMm
        let width = transducer.elementWidthMm
        /// Element positions and normals of a centred sub-aperture, local (x, z) frame of a scan line.
        @Sendable func aperture(elements: Int) -> [(x: Double, z: Double, nx: Double, nz: Double)] {
            (0..<elements).map { m in
                let u = (Double(m) - Double(elements - 1) / 2) * pitch
                if let r = radius {
                    let phi = u / r
                    return (r * sin(phi), -r * (1 - cos(phi)), sin(phi), cos(phi))
                }
                return (u, 0, 0, 1)
            }
        }
        /// Narrow-band one-way field magnitude at (x, z) of an aperture focused at (0, focus).
        @Sendable func field(_ ap: [(x: Double, z: Double, nx: Double, nz: Double)], x: Double, z: Double, focus: Double, directivityWidth: Double) -> Double {
            var re = 0.0, im = 0.0
            for e in ap {
                let dx = x - e.x, dz = z - e.z
                let d = (dx * dx + dz * dz).squareRoot()
                let f = (e.x * e.x + (focus - e.z) * (focus - e.z)).squareRoot()
                var a = 1 / d.squareRoot()
                if directivityWidth > 0 {
                    let sinPsi = (e.nz * dx - e.nx * dz) / d
                    let arg = Double.pi * directivityWidth * sinPsi / lambda
                    if abs(arg) > 1e-9 { a *= sin(arg) / arg }
                }
                let phase = k * (d - f)
                re += a * cos(phase); im += a * sin(phase)
            }
            return (re * re + im * im).squareRoot()
        }

        let maxElements = transducer.elementCount
        let txElements = min(maxElements, max(1, Int((settings.focusMm / settings.transmitFNumber / pitch).rounded())))
        let tx = aperture(elements: txElements)
        let bins = binCount, nLat = lateralCount, nEl = elevationCount
        let latStep = lateralStepMm, elStep = elevationStepMm, bin = binMm
        let rxFNumber = settings.receiveFNumber, focus = settings.focusMm
        // Elevation aperture: a continuous lens sampled at λ/2.
        let elSamples = max(8, Int((transducer.elementHeightMm / (lambda / 2)).rounded()))
        let elAperture = (0..<elSamples).map { q -> (x: Double, z: Double, nx: Double, nz: Double) in
            ((Double(q) + 0.5) / Double(elSamples) * transducer.elementHeightMm - transducer.elementHeightMm / 2, 0, 0, 1)
        }
        let elFocus = transducer.elevationFocusMm
        let lat = FloatBuffer(count: bins * nLat)
        let el = FloatBuffer(count: bins * nEl)
        DispatchQueue.concurrentPerform(iterations: bins) { b in
            let z = max(Double(b) * bin, lambda)
            let rxElements = min(maxElements, max(1, Int((z / rxFNumber / pitch).rounded())))
            let rx = aperture(elements: rxElements)
            for j in 0..<nLat {
                let x = Double(j) * latStep
                lat[b * nLat + j] = Float(field(tx, x: x, z: z, focus: focus, directivityWidth: width)
                                         * field(rx, x: x, z: z, focus: z, directivityWidth: width))
            }
            for j in 0..<nEl {
                let p = field(elAperture, x: Double(j) * elStep, z: z, focus: elFocus, directivityWidth: 0)
                el[b * nEl + j] = Float(p * p)
            }
        }
        var latValues = lat.array, elValues = el.array
        let latPeak = (0..<bins).map { latValues[$0 * nLat] }.max() ?? 1
        let elPeak = (0..<bins).map { elValues[$0 * nEl] }.max() ?? 1
        for i in latValues.indices { latValues[i] /= latPeak }
        for i in elValues.indices { elValues[i] /= elPeak }
        lateral = latValues
        elevation = elValues
    }

    /// Two-way lateral amplitude at a lateral offset and depth (linear interpolation in both).
    func lateralAmplitude(offsetMm: Double, depthMm: Double) -> Double {
        interpolate(lateral, count: lateralCount, step: lateralStepMm, offsetMm: abs(offsetMm), depthMm: depthMm)
    }

    /// Two-way elevation amplitude at an elevation offset and depth.
    func elevationAmplitude(offsetMm: Double, depthMm: Double) -> Double {
        interpolate(elevation, count: elevationCount, step: elevationStepMm, offsetMm: abs(offsetMm), depthMm: depthMm)
    }

    private func interpolate(_ table: [Float], count: Int, step: Double, offsetMm: Double, depthMm: Double) -> Double {
        let fb = min(max(depthMm / binMm, 0), Double(binCount - 1) - 1e-9)
        let fj = offsetMm / step
        guard fj < Double(count - 1) else { return 0 }
        let b = Int(fb), j = Int(fj)
        let tb = fb - Double(b), tj = fj - Double(j)
        func at(_ b: Int, _ j: Int) -> Double { Double(table[b * count + j]) }
        let b1 = min(b + 1, binCount - 1)
        let v0 = at(b, j) * (1 - tj) + at(b, j + 1) * tj
        let v1 = at(b1, j) * (1 - tj) + at(b1, j + 1) * tj
        return v0 * (1 - tb) + v1 * tb
    }

    /// Half-angle of the receive aperture seen from depth z, radians: the cone a specular echo must
    /// return within to be received.
    func receiveHalfAngle(depthMm z: Double) -> Double {
        let d = min(Double(transducer.elementCount) * transducer.pitchMm, max(z, 1) / settings.receiveFNumber)
        return atan(d / 2 / max(z, 1))
    }

    /// Integral of the lateral profile over offset at a depth, mm (the echo of a flat reflector per
    /// unit reflection coefficient and elevation width).
    func lateralIntegralMm(depthMm: Double) -> Double {
        var s = 0.0
        for j in 0..<lateralCount { s += lateralAmplitude(offsetMm: Double(j) * lateralStepMm, depthMm: depthMm) * (j == 0 ? 1 : 2) }
        return s * lateralStepMm
    }

    /// Integral of the elevation profile over offset at a depth, mm.
    func elevationIntegralMm(depthMm: Double) -> Double {
        var s = 0.0
        for j in 0..<elevationCount { s += elevationAmplitude(offsetMm: Double(j) * elevationStepMm, depthMm: depthMm) * (j == 0 ? 1 : 2) }
        return s * elevationStepMm
    }
}
