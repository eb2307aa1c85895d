import Foundation

/// The axial kernels of the scan lines: for each depth bin and each accumulated two-way attenuation, the
/// complex baseband pulse-echo response on the march's samples,
/// h(m) = Σ_f s_b(f)·10^(−A(f − f₀)/20)·e^(i2π(f − f₀)·2m·Δz/c),
/// with s_b the beam's on-axis spectrum at the bin (`BeamModel.onAxis`, the pulse lengthened out of focus)
/// and A the attenuation the echo met beyond its centre-frequency part (which the march applies): the
/// spectrum is attenuated per frequency (α·f, the data sheet's per-MHz values, §4), so the centre
/// frequency falls with depth. Kernels peak at 1 for A = 0.
struct AxialKernelTable: Sendable {
    /// Taps per kernel: 2·half + 1, sample offsets −half…half (the longest of any depth).
    let half: Int
    /// The taps each depth bin's kernels use, −binHalf…binHalf around the centre (the rest are below the cut).
    let binHalf: [Int]
    /// March samples per depth bin of the table.
    let samplesPerBin: Int
    let binCount: Int
    /// Attenuation levels: level i is i·levelStepDBPerMHz (two-way, dB/MHz).
    let levelStepDBPerMHz: Double
    let levelCount: Int
    /// Kernel taps, [(bin·levelCount + level)·taps + half + m].
    let re: FloatBuffer, im: FloatBuffer
    /// The pulse alone at A = 0 (no beam), taps −half…half: the band of the receiver noise.
    let pulseRe: [Float], pulseIm: [Float]

    /// Depth bins of the table, mm (chosen: the on-axis spectrum changes over centimetres).
    static let binMm = 2.0
    /// Attenuation quantum, dB/MHz two-way (chosen: tilts the spectrum by < ±0.2 dB over its band).
    static let levelStepDBPerMHz = 0.5
    /// Kernels are cut where every one of them is below −50 dB of its peak (chosen: under the display's
    /// 60 dB even for a bone echo 40 dB above the speckle), and at ±3 mm.
    static let cutoff: Float = 0.0032, maximumHalfMm = 3.0

    init(beam: BeamModel, stepMm: Double, sampleCount: Int, shadowCutoff: Float) {
        let f = beam.frequenciesMHz, nf = f.count, f0 = beam.pulse.centreFrequencyMHz
        let c = beam.transducer.soundSpeedMPerS / 1000
        samplesPerBin = max(1, Int((Self.binMm / stepMm).rounded()))
        binCount = sampleCount / samplesPerBin + 1
        levelStepDBPerMHz = Self.levelStepDBPerMHz
        // The march stops 120 dB down: no echo meets more than that at f₀.
        let maximumDB = -20 * log10(Double(shadowCutoff)) / f0
        levelCount = Int((maximumDB / levelStepDBPerMHz).rounded(.up)) + 1
        let maxHalf = max(1, Int((Self.maximumHalfMm / stepMm).rounded()))
        // Phase basis e^(i2π(f−f₀)·2mΔz/c), [f][m + maxHalf].
        let taps = 2 * maxHalf + 1
        let phases = (0..<(nf * taps)).map { 2 * Double.pi * (f[$0 / taps] - f0) * 2 * Double($0 % taps - maxHalf) * stepMm / c }
        let basisRe = phases.map(cos), basisIm = phases.map(sin)
        let bins = binCount, levels = levelCount, step = levelStepDBPerMHz
        let gains = (0..<levels).map { i in f.map { pow(10, -Double(i) * step * ($0 - f0) / 20) } }
        let perBin = samplesPerBin
        @Sendable func weights(bin: Int) -> [(re: Double, im: Double)] {
            let b = min(beam.binCount - 1, Int((Double(bin * perBin) * stepMm / beam.binMm).rounded()))
            return (0..<nf).map { beam.onAxis[b * nf + $0] }
        }
        @Sendable func kernel(_ w: [(re: Double, im: Double)], gain: [Double]) -> (re: [Float], im: [Float]) {
            var r = [Float](repeating: 0, count: taps), i = r
            for k in 0..<nf {
                let wr = w[k].re * gain[k], wi = w[k].im * gain[k]
                for t in 0..<taps {
                    let br = basisRe[k * taps + t], bi = basisIm[k * taps + t]
                    r[t] += Float(wr * br - wi * bi); i[t] += Float(wr * bi + wi * br)
                }
            }
            return (r, i)
        }
        func extent(_ k: (re: [Float], im: [Float])) -> Int {
            let mag = zip(k.re, k.im).map { ($0 * $0 + $1 * $1).squareRoot() }
            let limit = (mag.max() ?? 0) * Self.cutoff
            let first = mag.firstIndex { $0 > limit } ?? maxHalf, last = mag.lastIndex { $0 > limit } ?? maxHalf
            return max(maxHalf - first, last - maxHalf)
        }
        // The pulse alone, scaled to peak 1: the receiver noise's band.
        let spectrum = f.map { (re: beam.pulse.spectrum(frequencyMHz: $0), im: 0.0) }
        let pulse = kernel(spectrum, gain: [Double](repeating: 1, count: nf))
        // The length each depth's kernels need: the longer of its unattenuated and its half-way attenuated
        // kernel (attenuation narrows the band and lengthens the pulse), at least the pulse's own.
        let pulseHalf = extent(pulse)
        let halves = (0..<bins).map { b in
            max(pulseHalf, extent(kernel(weights(bin: b), gain: gains[0])), extent(kernel(weights(bin: b), gain: gains[levels / 2])))
        }
        binHalf = halves
        half = max(1, halves.max() ?? 1)
        let width = 2 * half + 1, cut = maxHalf - half
        let pulsePeak = zip(pulse.re, pulse.im).map { ($0 * $0 + $1 * $1).squareRoot() }.max() ?? 1
        pulseRe = Array(pulse.re[cut..<(cut + width)]).map { $0 / pulsePeak }
        pulseIm = Array(pulse.im[cut..<(cut + width)]).map { $0 / pulsePeak }
        let outRe = FloatBuffer(count: bins * levels * width), outIm = FloatBuffer(count: bins * levels * width)
        DispatchQueue.concurrentPerform(iterations: bins) { b in
            let w = weights(bin: b)
            for level in 0..<levels {
                let k = kernel(w, gain: gains[level])
                let base = (b * levels + level) * width
                for t in 0..<width { outRe[base + t] = k.re[cut + t]; outIm[base + t] = k.im[cut + t] }
            }
        }
        re = outRe; im = outIm
    }

    /// The attenuation level of an accumulated two-way attenuation, dB/MHz.
    @inline(__always) func level(attenuationDBPerMHz a: Float) -> UInt16 {
        UInt16(min(max(a / Float(levelStepDBPerMHz) + 0.5, 0), Float(levelCount - 1)))
    }

    /// The depth bin of a sample.
    @inline(__always) func bin(sample n: Int) -> Int { min(n / samplesPerBin, binCount - 1) }

    /// Offset of the centre tap of the kernel for a depth bin and level in `re`/`im`.
    @inline(__always) func centre(bin b: Int, level: UInt16) -> Int {
        (b * levelCount + Int(level)) * (2 * half + 1) + half
    }
}
