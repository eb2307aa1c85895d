import Anatomy
import Foundation

extension BModeSimulator {
    /// Steel–tissue amplitude reflection coefficient (Z from `TissueAcoustics.steel` and `.muscle`).
    static var steelReflection: Double {
        let zs = TissueAcoustics.steel.impedanceMRayl, zt = TissueAcoustics.muscle.impedanceMRayl
        return (zs - zt) / (zs + zt)
    }

    /// Echoes that are not in the label volume — the needle and validation point scatterers — per line,
    /// sorted by sample.
    func extraEchoes(pose: ProbePose, needle: NeedleShaft?, points: [PointScatterer]) -> [[Echo]] {
        var echoes = [[Echo]](repeating: [], count: scan.lineCount)
        for p in points {
            let (f, depth) = scan.lineAndDepth(x: p.positionMm.x, z: p.positionMm.z)
            let amplitude = p.amplitude * beam.elevationAmplitude(offsetMm: p.positionMm.y, depthMm: depth)
            addAcrossLines(&echoes, line: f, depthMm: depth, amplitude: amplitude)
        }
        if let needle { addNeedle(&echoes, needle: needle, pose: pose) }
        for l in echoes.indices { echoes[l].sort { $0.sample < $1.sample } }
        return echoes
    }

    /// An echo at a fractional line and depth, split linearly between the two nearest lines, placed
    /// on the nearest sample with the carrier phase e^(−i·2k₀z) of its exact depth.
    private func addAcrossLines(_ echoes: inout [[Echo]], line f: Double, depthMm: Double, amplitude: Double, transmission: Float = 1) {
        guard f > -1, f < Double(scan.lineCount), depthMm >= 0, amplitude != 0 else { return }
        let l0 = Int(f.rounded(.down)), t = f - Double(l0)
        for (l, w) in [(l0, 1 - t), (l0 + 1, t)] where l >= 0 && l < scan.lineCount && w > 0 {
            if let e = echo(depthMm: depthMm, amplitude: amplitude * w, transmission: transmission) { echoes[l].append(e) }
        }
    }

    private func echo(depthMm: Double, amplitude: Double, transmission: Float = 1) -> Echo? {
        let s = depthMm / scan.stepMm
        let n = Int(s.rounded())
        guard n >= 0, n < scan.sampleCount else { return nil }
        let phase = -2 * (2 * Double.pi / transducer.wavelengthMm) * depthMm
        return Echo(sample: n, re: Float(amplitude * cos(phase)), im: Float(amplitude * sin(phase)), transmission: transmission)
    }

    /// The needle: on every line that crosses the shaft, a specular echo weighted by the beam's angle
    /// to the shaft (received only when the reflected beam returns within the receive aperture) and by
    /// the elevation profile at the shaft's offset from the plane; reverberations below it (comet tail,
    /// spaced by the outer diameter); a partial shadow (the share of the elevation beam the shaft's
    /// diameter covers); and an angle-independent echo from the tip.
    private func addNeedle(_ echoes: inout [[Echo]], needle: NeedleShaft, pose: ProbePose) {
        let hub = pose.probePoint(ofWorld: needle.hubMm)
        let tip = pose.probePoint(ofWorld: needle.tipMm)
        let length = (tip - hub).length
        let w = (tip - hub) / length
        let radius = needle.outerDiameterMm / 2
        // Width of the specular strip of a cylinder of radius a across its axis: the stationary-phase
        // (Kirchhoff) width √(λa/2) of its curved surface.
        let highlight = (transducer.wavelengthMm * radius / 2).squareRoot()
        let r = Self.steelReflection
        for l in 0..<scan.lineCount {
            let o = scan.origin(l), d = scan.direction(l)
            let b = d.dot(w)
            let den = 1 - b * b
            guard den > 1e-6 else { continue }
            let c0 = o - hub
            let s = (b * w.dot(c0) - d.dot(c0)) / den
            let t = w.dot(c0) + s * b
            guard t >= 0, t <= length, s >= 0, s < scan.depthMm else { continue }
            let gap = (o + d * s) - (hub + w * t)
            let elevation = beam.elevationAmplitude(offsetMm: gap.y, depthMm: s)
            let peakLateral = beam.lateralAmplitude(offsetMm: 0, depthMm: s)
            let lateral = peakLateral > 0 ? beam.lateralAmplitude(offsetMm: gap.dot(scan.across(l)), depthMm: s) / peakLateral : 0
            let psi = asin(min(abs(b), 1))
            let sigma = Double(specularSigma[min(Int(s / scan.stepMm), scan.sampleCount - 1)])
            let lobe = (1 - Self.needleRoughness) * exp(-psi * psi / (2 * sigma * sigma)) + Self.needleRoughness * cos(psi)
            let area = scan.lineSpacingMm(depthMm: s) / den.squareRoot() * highlight
            let amplitude = r * lobe * elevation * lateral * area
            // The shadow: the share of the beam the shaft stops, its diameter across the elevation profile
            // at its offset (a 22G shaft in the plane stops 15–25 % of the C5-2's beam at 20–40 mm).
            let blocked = min(1, needle.outerDiameterMm * elevation / max(beam.elevationIntegralMm(depthMm: s), 1e-9))
            // The echo comes from the near wall, a radius above the axis; reverberations inside the
            // shaft follow one outer diameter apart.
            let wall = s - radius
            if let e = echo(depthMm: wall, amplitude: amplitude, transmission: Float(1 - blocked)) { echoes[l].append(e) }
            var tail = amplitude
            for m in 1...8 {
                tail *= Self.cometTailDecay
                if let e = echo(depthMm: wall + Double(m) * needle.outerDiameterMm, amplitude: tail) { echoes[l].append(e) }
            }
        }
        let (f, depth) = scan.lineAndDepth(x: tip.x, z: tip.z)
        let tipAmplitude = r * beam.elevationAmplitude(offsetMm: tip.y, depthMm: depth) * needle.outerDiameterMm * highlight
        addAcrossLines(&echoes, line: f, depthMm: depth, amplitude: tipAmplitude)
    }
}
