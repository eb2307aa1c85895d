import Foundation

/// The pulse-echo spectrum of a transducer: the transmitted excitation through the probe's two-way
/// response, S(f) = E(f)·P(f), real and zero-phase (the excitation centred on t = 0).
///
/// - Excitation E: a rectangular-windowed sine burst of `cycles` cycles at f₀, duration T = cycles/f₀:
///   E(f) = sinc(T(f − f₀)) − sinc(T(f + f₀)) (normalised sinc; the constant factor T/2i dropped — a
///   phase, invisible in the envelope). One cycle is the default of SIMUS/MUST (`param.TXnow = 1`) and
///   the two-half-cycle waveform Verasonics' example scripts transmit.
/// - Probe response P: flat-topped, half amplitude at f₀(1 ± B/2) with B the −6 dB pulse-echo fractional
///   bandwidth, exp(−(|f − f₀|/w)^p) with w = (B·f₀/2)/(ln 2)^(1/p) and p = ln 126/ln(2/B), so it vanishes
///   (2⁻¹²⁶) at 0 and 2f₀: the form SIMUS uses (Garcia, *Comput. Methods Programs Biomed.* 2022;218:106726,
///   "SIMUS: an open-source simulator for medical ultrasound imaging. Part I"), taken here so the comparison
///   with it (`bench/psf-vs-simus.py`) tests the simulator, not the choice of response.
/// Frequencies in MHz.
public struct PulseEcho: Hashable, Sendable {
    public var centreFrequencyMHz: Double
    public var fractionalBandwidth: Double
    public var cycles: Double

    public init(centreFrequencyMHz: Double, fractionalBandwidth: Double, cycles: Double) {
        self.centreFrequencyMHz = centreFrequencyMHz
        self.fractionalBandwidth = fractionalBandwidth
        self.cycles = cycles
    }

    /// S(f) at a frequency, MHz; 1 is the response's peak times a one-sample excitation's.
    public func spectrum(frequencyMHz f: Double) -> Double {
        let f0 = centreFrequencyMHz, b = fractionalBandwidth
        let t = cycles / f0
        func sinc(_ x: Double) -> Double { abs(x) < 1e-12 ? 1 : sin(Double.pi * x) / (Double.pi * x) }
        let excitation = sinc(t * (f - f0)) - sinc(t * (f + f0))
        let p = log(126) / log(2 / b)
        let w = b * f0 / 2 / pow(log(2), 1 / p)
        return excitation * exp(-pow(abs(f - f0) / w, p))
    }

    /// Frequencies where the spectrum is sampled, MHz: `count` points evenly over f₀(1 ± 0.9·B)·… clipped
    /// to (0, 2f₀) — the probe response there is below −80 dB (2^−(1.8)^p).
    public func frequencies(count: Int = 32) -> [Double] {
        let f0 = centreFrequencyMHz, half = min(0.95, 0.9 * fractionalBandwidth) * f0
        return (0..<count).map { f0 - half + 2 * half * Double($0) / Double(count - 1) }
    }

    /// The mean amplitude (rms over the spectrum) left after a two-way attenuation of A dB/MHz applied per
    /// frequency, relative to no attenuation: √(Σ S²·10^(−A·f/10) / Σ S²). Less than 10^(−A·f₀/20): the
    /// low frequencies survive (the down-shift).
    public func rmsTransmission(attenuationDBPerMHz a: Double) -> Double {
        let f = frequencies()
        var kept = 0.0, all = 0.0
        for fi in f {
            let s2 = pow(spectrum(frequencyMHz: fi), 2)
            kept += s2 * pow(10, -a * fi / 10); all += s2
        }
        return (kept / all).squareRoot()
    }
}
