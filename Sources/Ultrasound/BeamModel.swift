import Foundation

/// The point-spread function of a transducer and its settings, from the aperture itself, broadband.
///
/// The two-way response at a point (x, z) of the scan plane is, per frequency f of the pulse-echo spectrum
/// S(f) (`PulseEcho`: the excitation through the probe's response), S(f)·H_tx(f)·H_rx(f) with
/// H(f) = Σ_elements a·E(f, d)·e^(−i2πf·δ/c): δ the element's path to the point less the delay the scanner
/// applies (transmit aperture focus/F_tx focused at the transmit focus; receive aperture depth/F_rx
/// dynamically focused on the line at the point's depth, capped at the array), a = obliquity cos ψ (soft
/// baffle) × element directivity sinc(w·sin ψ/λ₀) × 1/√d, and E the element's elevation factor: the
/// Fresnel–Kirchhoff sum over its height, lens-focused, with its own 1/√d (3-D spreading overall).
/// This is the model of SIMUS (Garcia 2022, see `PulseEcho`) written independently;
/// `bench/psf-vs-simus.py` compares the two.
///
/// - Lateral: the peak over time of the envelope of that response at offset x: [bin][j], normalised so the
///   largest on-axis value of all depths is 1 (it carries the focal gain).
/// - Elevation: the same at elevation offset y relative to y = 0 ([bin][j], 1 on axis), from the on-axis
///   response times the elevation factor's change [E(f, y, z)/E(f, 0, z)]² (the elements' distances taken
///   as the depth).
/// - Axial: `onAxis`, the on-axis spectrum per depth bin, scaled so its envelope peaks at 1; the axial
///   kernels (`AxialKernelTable`) are made from it. Out of the transmit focus it is longer than the pulse:
///   the transmit aperture's edges arrive later (near field) or earlier (far field).
struct BeamModel: Sendable {
    let transducer: Transducer
    let settings: BModeSettings
    let pulse: PulseEcho
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
    /// Two-way elevation amplitude relative to the axis, [bin][j].
    let elevation: [Float]
    /// Frequencies of the spectra, MHz.
    let frequenciesMHz: [Double]
    /// On-axis two-way spectrum, [bin][f] (re, im), scaled so its baseband envelope peaks at 1.
    let onAxis: [(re: Double, im: Double)]

    /// A complex number for the field sums.
    private struct C: Sendable { var re = 0.0, im = 0.0 }

    init(transducer: Transducer, settings: BModeSettings) {
        self.transducer = transducer
        self.settings = settings
        pulse = PulseEcho(centreFrequencyMHz: transducer.centreFrequencyMHz, fractionalBandwidth: transducer.fractionalBandwidth,
                          cycles: settings.excitationCycles)
        let lambda = transducer.wavelengthMm, c = transducer.soundSpeedMPerS / 1000   // mm/µs
        binMm = 1
        binCount = Int((settings.depthMm / binMm).rounded(.up)) + 2
        lateralStepMm = lambda / 4
        lateralCount = Int((8.0 / lateralStepMm).rounded(.up))
        elevationStepMm = lambda / 4
        elevationCount = Int((max(transducer.elementHeightMm, 6) / elevationStepMm).rounded(.up))
        let f = pulse.frequencies()
        frequenciesMHz = f
        let nf = f.count, df = f[1] - f[0]
        let pulse = self.pulse
        let spectrum = f.map { pulse.spectrum(frequencyMHz: $0) }

        let pitch = transducer.pitchMm, radius = transducer.radiusMm, width = transducer.elementWidthMm
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
        // The elevation lens sampled at λ_min/2 across the element height; its delay focuses at elevationFocusMm.
        let height = transducer.elementHeightMm, lensFocus = transducer.elevationFocusMm
        let lensSamples = max(16, Int((height / (c / f[nf - 1] / 2)).rounded(.up)))
        let lens = (0..<lensSamples).map { q -> (y: Double, delay: Double) in
            let y = (Double(q) + 0.5) / Double(lensSamples) * height - height / 2
            return (y, (y * y + lensFocus * lensFocus).squareRoot() - lensFocus)
        }
        /// E(f, y, r)·√r·lensSamples: the elevation sum at offset y and range r, every frequency.
        @Sendable func elevationSum(y: Double, r: Double) -> [C] {
            var out = [C](repeating: C(), count: nf)
            for l in lens {
                let delta = ((y - l.y) * (y - l.y) + r * r).squareRoot() - r - l.delay
                var p = C(re: cos(-2 * .pi * f[0] * delta / c), im: sin(-2 * .pi * f[0] * delta / c))
                let step = C(re: cos(-2 * .pi * df * delta / c), im: sin(-2 * .pi * df * delta / c))
                for k in 0..<nf {
                    out[k].re += p.re; out[k].im += p.im
                    p = C(re: p.re * step.re - p.im * step.im, im: p.re * step.im + p.im * step.re)
                }
            }
            return out
        }
        // E(f, 0, r) on a 0.25 mm grid of ranges, for every element's own elevation factor.
        let rangeStep = 0.25
        let rangeCount = Int(((settings.depthMm + 2 * binMm + transducer.apertureMm) / rangeStep).rounded(.up)) + 2
        let onAxisElevation = FloatBuffer(count: rangeCount * nf * 2)
        DispatchQueue.concurrentPerform(iterations: rangeCount) { i in
            let r = max(Double(i) * rangeStep, lambda)
            let e = elevationSum(y: 0, r: r)
            for k in 0..<nf {
                onAxisElevation[(i * nf + k) * 2] = Float(e[k].re / Double(lensSamples) / r.squareRoot())
                onAxisElevation[(i * nf + k) * 2 + 1] = Float(e[k].im / Double(lensSamples) / r.squareRoot())
            }
        }

        /// Σ_elements a·E(f, d)·e^(−i2πfδ/c) at (x, z) for an aperture focused at (0, focus); `reference` is
        /// the path the scanner's delays assume for the centre of the aperture.
        @Sendable func response(_ ap: [(x: Double, z: Double, nx: Double, nz: Double)], x: Double, z: Double, focus: Double) -> [C] {
            var out = [C](repeating: C(), count: nf)
            for e in ap {
                let dx = x - e.x, dz = z - e.z
                let d = (dx * dx + dz * dz).squareRoot()
                let focal = (e.x * e.x + (focus - e.z) * (focus - e.z)).squareRoot()
                let delta = d - focal - (z - focus)
                let cosPsi = (e.nx * dx + e.nz * dz) / d, sinPsi = (e.nz * dx - e.nx * dz) / d
                let arg = Double.pi * width * sinPsi / lambda
                let a = max(cosPsi, 0) * (abs(arg) > 1e-9 ? sin(arg) / arg : 1) / d.squareRoot()
                let fr = min(d / rangeStep, Double(rangeCount - 1) - 1e-9)
                let i0 = Int(fr), t = fr - Double(i0)
                var p = C(re: a * cos(-2 * .pi * f[0] * delta / c), im: a * sin(-2 * .pi * f[0] * delta / c))
                let step = C(re: cos(-2 * .pi * df * delta / c), im: sin(-2 * .pi * df * delta / c))
                for k in 0..<nf {
                    let e0 = (i0 * nf + k) * 2, e1 = ((i0 + 1) * nf + k) * 2
                    let er = Double(onAxisElevation[e0]) * (1 - t) + Double(onAxisElevation[e1]) * t
                    let ei = Double(onAxisElevation[e0 + 1]) * (1 - t) + Double(onAxisElevation[e1 + 1]) * t
                    out[k].re += p.re * er - p.im * ei
                    out[k].im += p.re * ei + p.im * er
                    p = C(re: p.re * step.re - p.im * step.im, im: p.re * step.im + p.im * step.re)
                }
            }
            return out
        }
        // The envelope's peak over time: |Σ_f s(f)·e^(i2π(f−f₀)τ)| on τ = −2…2 µs every 0.05 µs (the envelope
        // varies over ≈ 1/(B·f₀) ≈ 0.35 µs; the grid loses < 1 %).
        let taus = (0...80).map { -2 + 0.05 * Double($0) }
        let f0 = transducer.centreFrequencyMHz
        let basis = taus.flatMap { tau in f.map { C(re: cos(2 * .pi * ($0 - f0) * tau), im: sin(2 * .pi * ($0 - f0) * tau)) } }
        @Sendable func envelopePeak(_ s: [C]) -> Double {
            var best = 0.0
            for t in 0..<taus.count {
                var re = 0.0, im = 0.0
                for k in 0..<nf {
                    let b = basis[t * nf + k]
                    re += s[k].re * b.re - s[k].im * b.im
                    im += s[k].re * b.im + s[k].im * b.re
                }
                best = max(best, re * re + im * im)
            }
            return best.squareRoot()
        }

        let maxElements = transducer.elementCount
        let txElements = min(maxElements, max(1, Int((settings.focusMm / settings.transmitFNumber / pitch).rounded())))
        let tx = aperture(elements: txElements)
        let bins = binCount, nLat = lateralCount, nEl = elevationCount
        let latStep = lateralStepMm, elStep = elevationStepMm, bin = binMm
        let rxFNumber = settings.receiveFNumber, focus = settings.focusMm
        let lat = FloatBuffer(count: bins * nLat)
        let el = FloatBuffer(count: bins * nEl)
        let axis = FloatBuffer(count: bins * nf * 2)
        DispatchQueue.concurrentPerform(iterations: bins) { b in
            let z = max(Double(b) * bin, lambda)
            let rxElements = min(maxElements, max(1, Int((z / rxFNumber / pitch).rounded())))
            let rx = aperture(elements: rxElements)
            func twoWay(x: Double) -> [C] {
                let t = response(tx, x: x, z: z, focus: focus), r = response(rx, x: x, z: z, focus: z)
                return (0..<nf).map { k in
                    C(re: spectrum[k] * (t[k].re * r[k].re - t[k].im * r[k].im), im: spectrum[k] * (t[k].re * r[k].im + t[k].im * r[k].re))
                }
            }
            let s0 = twoWay(x: 0)
            let peak0 = envelopePeak(s0)
            for k in 0..<nf {
                axis[(b * nf + k) * 2] = Float(s0[k].re / max(peak0, 1e-300))
                axis[(b * nf + k) * 2 + 1] = Float(s0[k].im / max(peak0, 1e-300))
            }
            lat[b * nLat] = Float(peak0)
            for j in 1..<nLat { lat[b * nLat + j] = Float(envelopePeak(twoWay(x: Double(j) * latStep))) }
            // Elevation: the on-axis response times the change of the elevation factor, squared (two-way).
            let e0 = elevationSum(y: 0, r: z)
            el[b * nEl] = 1
            for j in 1..<nEl {
                let e = elevationSum(y: Double(j) * elStep, r: z)
                let s = (0..<nf).map { k -> C in
                    let d2 = e0[k].re * e0[k].re + e0[k].im * e0[k].im
                    let qr = (e[k].re * e0[k].re + e[k].im * e0[k].im) / d2, qi = (e[k].im * e0[k].re - e[k].re * e0[k].im) / d2
                    let q2 = C(re: qr * qr - qi * qi, im: 2 * qr * qi)
                    return C(re: s0[k].re * q2.re - s0[k].im * q2.im, im: s0[k].re * q2.im + s0[k].im * q2.re)
                }
                el[b * nEl + j] = Float(envelopePeak(s) / max(peak0, 1e-300))
            }
        }
        var latValues = lat.array
        let latPeak = (0..<bins).map { latValues[$0 * nLat] }.max() ?? 1
        for i in latValues.indices { latValues[i] /= latPeak }
        lateral = latValues
        elevation = el.array
        let axisValues = axis.array
        onAxis = (0..<(bins * nf)).map { (Double(axisValues[2 * $0]), Double(axisValues[2 * $0 + 1])) }
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
