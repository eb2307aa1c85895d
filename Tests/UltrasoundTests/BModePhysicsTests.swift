import Anatomy
import Foundation
import Testing
@testable import Ultrasound

/// Physics with known answers, on analytic media in the probe frame.
@Suite struct BModePhysicsTests {
    /// Mean envelope over lines `lines` and samples between `fromMm` and `toMm`.
    func meanEnvelope(_ env: FloatBuffer, _ sim: BModeSimulator, lines: ClosedRange<Int>, fromMm: Double, toMm: Double) -> Double {
        let ns = sim.scan.sampleCount, step = sim.scan.stepMm
        var sum = 0.0, n = 0
        for l in lines {
            for s in Int(fromMm / step)...Int(toMm / step) { sum += Double(env[l * ns + s]); n += 1 }
        }
        return sum / Double(n)
    }

    @Test func boneSlabGivesItsLineAtItsDepthAndAShadow() throws {
        let d = 40.0
        let volume = Media.block(depthMm: 75) { p in p.z >= d && p.z < d + 10 ? Media.bone : Media.muscle }
        let sim = try BModeSimulator(settings: Media.settings(depthMm: 75))
        let env = sim.envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
        let ns = sim.scan.sampleCount, step = sim.scan.stepMm, mid = sim.scan.lineCount / 2
        // The line: the brightest sample of the central lines between 30 and 50 mm.
        var best = 0, bestValue: Float = 0
        for s in Int(30 / step)...Int(50 / step) {
            let v = (mid - 2...mid + 1).reduce(Float(0)) { $0 + env[$1 * ns + s] }
            if v > bestValue { bestValue = v; best = s }
        }
        let lineDepth = Double(best) * step
        #expect(abs(lineDepth - d) <= 0.5, "bone line at \(lineDepth) mm, slab face at \(d) mm")
        let above = meanEnvelope(env, sim, lines: mid - 10...mid + 10, fromMm: d - 15, toMm: d - 5)
        let below = meanEnvelope(env, sim, lines: mid - 10...mid + 10, fromMm: d + 5, toMm: d + 20)
        let shadowDB = 20 * log10(below / above)
        #expect(shadowDB <= -30, "shadow only \(shadowDB) dB below the tissue above")
        let lineDB = 20 * log10(Double(bestValue) / 4 / above)
        #expect(lineDB >= 30, "bone line only \(lineDB) dB above muscle speckle")
    }

    @Test("Under bone the image is the receiver's noise, at its stated rms lifted by the TGC; seeded; none without it")
    func shadowsShowTheNoiseFloor() throws {
        // A slab from 40 to 50 mm; measured from 55 mm (past its far face's echo) to 72 mm. Its reverberation
        // copies (80, 120 mm) lie beyond.
        let d = 40.0
        let volume = Media.block(depthMm: 75) { p in p.z >= d && p.z < d + 10 ? Media.bone : Media.muscle }
        var settings = Media.settings(depthMm: 75, tgc: nil)
        #expect(settings.noiseFloorDB == -105)
        let sim = try BModeSimulator(settings: settings)
        let env = sim.envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
        let again = try BModeSimulator(settings: settings).envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
        let ns = sim.scan.sampleCount, step = sim.scan.stepMm, mid = sim.scan.lineCount / 2
        let shadow = Int(55 / step)...Int(72 / step)
        // Deep in the shadow only noise is left: its envelope's rms, divided by the gain it gets (the TGC, held
        // under the noise ceiling), is the stated rms (a circular complex Gaussian's |z|² averages σ²),
        // within the sampling error.
        let gain = { (s: Int) in Double(sim.tgc[s] * sim.noiseGain[s]) }
        let sigma = sim.referenceAmplitude * pow(10, -105.0 / 20)
        var ratios: [Double] = []
        for s in shadow {
            let power = (mid - 20...mid + 20).reduce(0.0) { $0 + pow(Double(env[$1 * ns + s]) / gain(s), 2) } / 41
            ratios.append(power.squareRoot() / sigma)
        }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        #expect(abs(mean - 1) < 0.1, "noise rms \(mean) × the stated floor")
        #expect(shadow.allSatisfy { env[mid * ns + $0] > 0 }, "a shadow sample is black")
        // The TGC lifts it, so the shadow brightens with depth as its gain does, never above the ceiling.
        let ceiling = sim.referenceAmplitude * pow(10, BModeSimulator.noiseCeilingDB / 20)
        #expect((0..<ns).allSatisfy { sigma * gain($0) <= ceiling * 1.0001 })
        let shallow = meanEnvelope(env, sim, lines: mid - 20...mid + 20, fromMm: 55, toMm: 58)
        let deep = meanEnvelope(env, sim, lines: mid - 20...mid + 20, fromMm: 69, toMm: 72)
        let gainRatio = gain(Int(70.5 / step)) / gain(Int(56.5 / step))
        #expect(gainRatio > 1.2 && abs(deep / shallow / gainRatio - 1) < 0.15, "shadow rises \(deep / shallow)×, its gain \(gainRatio)×")
        #expect(env.array == again.array, "the noise is not seeded")
        settings.noiseFloorDB = nil
        let quiet = try BModeSimulator(settings: settings).envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
        // Without it, the shadow holds only what crossed 1 cm of cortical bone (71 dB at f₀, less at the
        // spectrum's low edge: attenuation is per frequency): more than 30 dB under the noise.
        #expect(meanEnvelope(quiet, sim, lines: mid - 20...mid + 20, fromMm: 55, toMm: 72) < 0.03 * shallow)
    }

    @Test("A fascia over bone reverberates with it: a faint copy of the bone line one fascia-to-bone spacing deeper")
    func fasciaAndBoneReverberate() throws {
        // Fat to 10 mm, a 1 mm fascia (r ≈ 0.15 from fat), muscle, bone from 30 mm; against muscle alone over
        // the bone. The copy lies at twice the bone's echo depth less the fascia's (image depths: the probe's
        // seating compresses the near field).
        let fascia = Tissue.fascia.rawValue, fat = Tissue.subcutaneousFat.rawValue
        func volume(withFascia: Bool) -> Volume<UInt8> {
            Media.block(depthMm: 70) { p in
                p.z < 30 ? (!withFascia ? Media.muscle : p.z < 10 ? fat : p.z < 11 ? fascia : Media.muscle) : p.z < 40 ? Media.bone : Media.muscle
            }
        }
        let sim = try BModeSimulator(settings: Media.settings(depthMm: 70))
        let ns = sim.scan.sampleCount, step = sim.scan.stepMm, mid = sim.scan.lineCount / 2
        func echoes(_ v: Volume<UInt8>) -> (Double) -> Double {
            let env = sim.envelope(labels: v, pose: Media.origin, needle: nil, points: [])
            /// The central lines' peak envelope within ±1 mm of a depth.
            return { mm in
                (Int((mm - 1) / step)...Int((mm + 1) / step)).map { s in
                    (mid - 4...mid + 4).reduce(0.0) { $0 + Double(env[$1 * ns + s]) } / 9
                }.max()!
            }
        }
        let layered = echoes(volume(withFascia: true)), plain = echoes(volume(withFascia: false))
        /// The depth of the strongest echo in a range, mm (0.1 mm steps).
        func strongest(_ range: ClosedRange<Double>) -> Double { stride(from: range.lowerBound, through: range.upperBound, by: 0.1).max { layered($0) < layered($1) }! }
        let layer = strongest(3...25), bone = strongest(25...35), copy = 2 * bone - layer
        let copyDB = 20 * log10(layered(copy) / layered(bone)), overShadowDB = 20 * log10(layered(copy) / plain(copy))
        // r_fascia·r_bone ≈ 0.15 × 0.65 (with the lobes and one more round trip through 19 mm of muscle): weak.
        #expect(copyDB < -15 && copyDB > -45, "the copy at \(copy) mm (fascia \(layer), bone \(bone)) is \(copyDB) dB from the bone line")
        #expect(overShadowDB > 6, "the copy stands \(overShadowDB) dB over the same shadow without the fascia")
    }

    @Test("A bone plate reverberates with the probe face: fainter copies of its line at twice and three times its depth, in its shadow")
    func boneReverberatesAtWholeMultiplesOfItsDepth() throws {
        let d = 25.0
        let volume = Media.block(depthMm: 90) { p in p.z >= d && p.z < d + 10 ? Media.bone : Media.muscle }
        let sim = try BModeSimulator(settings: Media.settings(depthMm: 90))
        let env = sim.envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
        let ns = sim.scan.sampleCount, step = sim.scan.stepMm, mid = sim.scan.lineCount / 2
        /// The central lines' mean envelope before the TGC at a sample.
        func echo(_ s: Int) -> Double { (mid - 4...mid + 4).reduce(0.0) { $0 + Double(env[$1 * ns + s] / sim.tgc[s]) } / 9 }
        func peak(near mm: Double) -> (depthMm: Double, value: Double) {
            let best = (Int((mm - 1.5) / step)...Int((mm + 1.5) / step)).max { echo($0) < echo($1) }!
            return (Double(best) * step, echo(best))
        }
        let primary = peak(near: d), second = peak(near: 2 * d), third = peak(near: 3 * d)
        #expect(abs(second.depthMm - 2 * d) <= 0.5 && abs(third.depthMm - 3 * d) <= 0.5, "copies at \(second.depthMm), \(third.depthMm) mm")
        // Each copy loses the face's and the plate's reflection and a round trip: weaker, and weaker again.
        let secondDB = 20 * log10(second.value / primary.value), thirdDB = 20 * log10(third.value / second.value)
        #expect(secondDB < -6 && secondDB > -40, "second copy \(secondDB) dB from the line")
        #expect(thirdDB < -6, "third copy only \(thirdDB) dB below the second")
        // And it stands out of the shadow's noise beside it.
        let noise = (Int((2 * d + 4) / step)...Int((2 * d + 8) / step)).reduce(0.0) { $0 + echo($1) } / Double(Int(4 / step) + 1)
        #expect(20 * log10(second.value / noise) > 6, "second copy \(second.value) vs the shadow \(noise)")
    }

    @Test func uniformScatteringGivesRayleighSpeckle() throws {
        var lossless = TissueAcoustics.muscle
        lossless.attenuationDBPerCmMHz = 0
        let volume = Media.block(depthMm: 60) { _ in Media.muscle }
        let sim = try BModeSimulator(settings: Media.settings(depthMm: 60), tissueOverrides: [Media.muscle: lossless])
        let env = sim.envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
        let ns = sim.scan.sampleCount, step = sim.scan.stepMm
        // The beam's focal gain makes the mean brightness vary with depth; speckle statistics are
        // taken on each depth's envelope divided by that depth's mean over the lines.
        let lines = sim.scan.lineCount / 4..<3 * sim.scan.lineCount / 4
        var values: [Float] = []
        for s in Int(30 / step)...Int(55 / step) {
            let row = lines.map { env[$0 * ns + s] }
            let mean = Float(Stats.mean(row))
            values += row.map { $0 / mean }
        }
        let ratio = Stats.mean(values) / Stats.standardDeviation(values)
        // Rayleigh: mean/SD = √(π/2)/√(2 − π/2) ≈ 1.913.
        #expect(abs(ratio - 1.913) < 0.1, "mean/SD \(ratio)")
    }

    @Test func diffractionTGCEvensTheSpeckleAcrossDepth() throws {
        // Lossless uniform muscle: without attenuation, what is left of the mean's variation with depth is
        // the beam's diffraction (the focal gain). The diffraction TGC removes it; without, the near field
        // is far darker than the focal zone.
        var lossless = TissueAcoustics.muscle
        lossless.attenuationDBPerCmMHz = 0
        let volume = Media.block(depthMm: 90) { _ in Media.muscle }
        var raw = Media.settings(depthMm: 90)
        raw.compensatesDiffraction = false
        let even = try BModeSimulator(settings: Media.settings(depthMm: 90), tissueOverrides: [Media.muscle: lossless])
        let uneven = try BModeSimulator(settings: raw, tissueOverrides: [Media.muscle: lossless])
        func profileDB(_ sim: BModeSimulator) -> [Double] {
            let env = sim.envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
            let lines = sim.scan.lineCount / 4...3 * sim.scan.lineCount / 4
            let focus = meanEnvelope(env, sim, lines: lines, fromMm: 55, toMm: 65)
            return [10.0, 20, 35, 80].map { 20 * log10(meanEnvelope(env, sim, lines: lines, fromMm: $0 - 3, toMm: $0 + 3) / focus) }
        }
        for (depth, db) in zip([10, 20, 35, 80], profileDB(even)) {
            #expect(abs(db) <= 2.5, "\(depth) mm: \(db) dB from the focal zone with the diffraction TGC")
        }
        let unevenNear = profileDB(uneven)[0]
        #expect(unevenNear <= -10, "near field only \(unevenNear) dB below the focus without it")
    }

    @Test func attenuationSlopeMatchesTheTissueBeforeTGC() throws {
        var lossless = TissueAcoustics.muscle
        lossless.attenuationDBPerCmMHz = 0
        let volume = Media.block(depthMm: 90) { _ in Media.muscle }
        // Without receiver noise: 28 dB of loss at 80 mm brings the echo within reach of the noise floor,
        // which would flatten the measured slope (as it does on a scanner without enough SNR).
        var settings = Media.settings(depthMm: 90, seed: 1)
        settings.noiseFloorDB = nil
        let lossy = try BModeSimulator(settings: settings)
        settings.seed = 2
        let reference = try BModeSimulator(settings: settings, tissueOverrides: [Media.muscle: lossless])
        let a = lossy.envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
        let b = reference.envelope(labels: volume, pose: Media.origin, needle: nil, points: [])
        let lines = lossy.scan.lineCount / 4...3 * lossy.scan.lineCount / 4
        var depths: [Double] = [], ratios: [Double] = []
        for z in stride(from: 20.0, through: 80, by: 5) {
            depths.append(z + 2.5)
            ratios.append(20 * log10(meanEnvelope(a, lossy, lines: lines, fromMm: z, toMm: z + 5)
                                     / meanEnvelope(b, reference, lines: lines, fromMm: z, toMm: z + 5)))
        }
        let md = depths.reduce(0, +) / Double(depths.count), mr = ratios.reduce(0, +) / Double(ratios.count)
        let slope = zip(depths, ratios).reduce(0) { $0 + ($1.0 - md) * ($1.1 - mr) } / depths.reduce(0) { $0 + ($1 - md) * ($1 - md) }
        // The law: per frequency, 2α·f·z of two-way loss; the mean (rms over the pulse's spectrum) falls less
        // than at f₀ alone (the low frequencies survive), by this much over the same depths.
        let t = Transducer.c52, spectrum = Media.pulseEchoSpectrum(t)
        let theory = depths.map { z in
            20 * log10(Media.attenuated(spectrum, f0: t.centreFrequencyMHz,
                                        attenuationDBPerMHz: 2 * TissueAcoustics.muscle.attenuationDBPerCmMHz * z / 10).rms)
        }
        let mt = theory.reduce(0, +) / Double(theory.count)
        let expected = zip(depths, theory).reduce(0) { $0 + ($1.0 - md) * ($1.1 - mt) } / depths.reduce(0) { $0 + ($1 - md) * ($1 - md) }
        let centreOnly = -2 * TissueAcoustics.muscle.attenuationDBPerCmMHz * t.centreFrequencyMHz / 10 // dB/mm
        #expect(abs(slope / expected - 1) < 0.05, "slope \(slope * 10) dB/cm, expected \(expected * 10) (\(centreOnly * 10) at f₀ alone)")
    }

    /// The frequency down-shift: the echoes' power spectrum (periodograms of the complex lines) in muscle,
    /// against the same block without attenuation: its mean frequency falls with depth, by what the law
    /// α·f per frequency does to the unattenuated echoes' spectrum at that depth (which is the pulse's times
    /// the beam's on-axis response, so it is measured, not assumed).
    @Test func centreFrequencyFallsWithDepthAsTheAttenuationLawSays() throws {
        var lossless = TissueAcoustics.muscle
        lossless.attenuationDBPerCmMHz = 0
        let volume = Media.block(depthMm: 100) { _ in Media.muscle }
        var settings = Media.settings(depthMm: 100)
        settings.noiseFloorDB = nil
        let lossy = try BModeSimulator(settings: settings)
        let reference = try BModeSimulator(settings: settings, tissueOverrides: [Media.muscle: lossless])
        let f0 = Transducer.c52.centreFrequencyMHz, c = Transducer.c52.soundSpeedMPerS / 1000
        let step = lossy.scan.stepMm, ns = lossy.scan.sampleCount
        let a = lossy.basebandLines(labels: volume, pose: Media.origin, needle: nil, points: [])
        let b = reference.basebandLines(labels: volume, pose: Media.origin, needle: nil, points: [])
        /// Hann-windowed periodogram over the central half of the lines, 10 mm around z: (frequency MHz, power).
        func spectrum(_ lines: (re: FloatBuffer, im: FloatBuffer), atMm z: Double) -> [(f: Double, p: Double)] {
            let first = Int((z - 5) / step), n = Int(10 / step)
            let dt = 2 * step / c   // µs per sample
            return (-n / 2..<n / 2).map { k in
                var power = 0.0
                for l in lossy.scan.lineCount / 4..<(3 * lossy.scan.lineCount / 4) {
                    var re = 0.0, im = 0.0
                    for m in 0..<n {
                        let w = 0.5 - 0.5 * cos(2 * .pi * Double(m) / Double(n - 1))
                        let x = (Double(lines.re[l * ns + first + m]) * w, Double(lines.im[l * ns + first + m]) * w)
                        // The baseband's e^(+i2π(f−f₀)τ): correlate with e^(−i2πkm/n).
                        let phase = -2 * Double.pi * Double(k * m) / Double(n)
                        re += x.0 * cos(phase) - x.1 * sin(phase); im += x.0 * sin(phase) + x.1 * cos(phase)
                    }
                    power += re * re + im * im
                }
                return (f0 + Double(k) / (Double(n) * dt), power)
            }
        }
        func mean(_ s: [(f: Double, p: Double)]) -> Double { s.reduce(0) { $0 + $1.f * $1.p } / s.reduce(0) { $0 + $1.p } }
        var shifts: [Double] = []
        for z in [30.0, 90] {
            let unattenuated = spectrum(b, atMm: z)
            let measured = mean(spectrum(a, atMm: z)) - mean(unattenuated)
            let loss = 2 * TissueAcoustics.muscle.attenuationDBPerCmMHz * z / 10   // dB/MHz, two-way
            let predicted = mean(unattenuated.map { ($0.f, $0.p * pow(10, -loss * $0.f / 10)) }) - mean(unattenuated)
            #expect(abs(measured / predicted - 1) < 0.15, "down-shift at \(z) mm: \(measured) MHz, the law \(predicted) MHz")
            shifts.append(measured)
        }
        #expect(shifts[1] < shifts[0] - 0.2, "the centre frequency falls from 30 to 90 mm: \(shifts) MHz")
    }

    @Test func movingTheProbeOneMillimetreMovesTheImageOneMillimetre() throws {
        // Speckle plus a few bone rods of different sizes: all fixed in the world.
        let rods: [(x: Double, z: Double, r: Double)] = [(-6, 38, 1.0), (2, 42, 1.5), (7, 36, 0.7)]
        let volume = Media.block(depthMm: 60) { p in
            rods.contains { ($0.x - p.x) * ($0.x - p.x) + ($0.z - p.z) * ($0.z - p.z) <= $0.r * $0.r } ? Media.bone : Media.muscle
        }
        // 512 lines (0.2 mm apart at the rods): the bright top of a 1–3 mm rod falls on whichever line meets
        // it, so the measured move carries up to half a line spacing of quantisation.
        let sim = try BModeSimulator(settings: Media.settings(depthMm: 60, lines: 512))
        let px = 0.1
        let window = ImageGeometry(width: 241, height: 121, pixelSpacingMm: px, xOriginMm: -12, zOriginMm: 32, columnSign: 1)
        let a = sim.linearEnvelope(labels: volume, pose: Media.origin, geometry: window)
        let b = sim.linearEnvelope(labels: volume, pose: Media.origin.translated(byMm: Vector3(1, 0, 0)), geometry: window)
        // After the move, what was at probe x + 1 mm is at x: b(x) ≈ a(x + shift) with shift = +1 mm.
        func correlation(_ shift: Int) -> Double {
            var sab = 0.0, saa = 0.0, sbb = 0.0
            for row in 0..<window.height {
                for column in 30..<(window.width - 30) {
                    let u = Double(a[row * window.width + column + shift]), v = Double(b[row * window.width + column])
                    sab += u * v; saa += u * u; sbb += v * v
                }
            }
            return sab / (saa * sbb).squareRoot()
        }
        let best = (-25...25).max { correlation($0) < correlation($1) }!
        // Sub-pixel peak: the vertex of the parabola through the best shift and its neighbours.
        let (l, c, r) = (correlation(best - 1), correlation(best), correlation(best + 1))
        let shiftMm = (Double(best) + 0.5 * (l - r) / (l - 2 * c + r)) * px
        #expect(abs(shiftMm - 1) <= 0.1, "content moved \(shiftMm) mm")
    }

    @Test func sameSeedSamePixelsOtherSeedOtherSpeckle() throws {
        let volume = Media.block(depthMm: 40) { p in p.z > 25 ? Media.bone : Media.muscle }
        let one = try BModeSimulator(settings: Media.settings(depthMm: 40, seed: 7))
        let again = try BModeSimulator(settings: Media.settings(depthMm: 40, seed: 7))
        let other = try BModeSimulator(settings: Media.settings(depthMm: 40, seed: 8))
        let a = one.render(labels: volume, pose: Media.origin).image
        let b = again.render(labels: volume, pose: Media.origin).image
        let c = other.render(labels: volume, pose: Media.origin).image
        #expect(a == b)
        #expect(a != c)
    }

    /// Every depth a user types makes a new beam model; the process keeps at most `cachedBeamModels`.
    @Test func theBeamModelCacheStaysBounded() throws {
        for depth in 20...(20 + BModeSimulator.cachedBeamModels + 2) {
            var settings = Media.settings(depthMm: Double(depth), lines: 16)
            settings.imageWidth = 16; settings.imageHeight = 16
            _ = try BModeSimulator(settings: settings)
        }
        #expect(BModeSimulator.cachedBeamModelCount <= BModeSimulator.cachedBeamModels)
    }

    /// Frames reuse their scratch buffers (`FrameWorkspace`): a frame rendered after others, of other poses and
    /// sizes, is pixel for pixel the frame rendered first — nothing of an earlier frame is left in it.
    @Test func aFrameDoesNotDependOnTheFramesBeforeIt() throws {
        let volume = Media.block(depthMm: 60) { p in p.z >= 30 && p.z < 36 ? Media.bone : Media.muscle }
        let settings = Media.settings(depthMm: 60, lines: 32)
        let sim = try BModeSimulator(settings: settings)
        let first = sim.render(labels: volume, pose: Media.origin)
        _ = sim.render(labels: volume, pose: Media.origin.translated(byMm: Vector3(3, 0, 5)))
        var other = settings
        other.lineCount = 48
        _ = try BModeSimulator(settings: other).render(labels: volume, pose: Media.origin)
        let again = sim.render(labels: volume, pose: Media.origin)
        #expect(again.image.pixels == first.image.pixels)
        #expect(first.image.pixels.contains { $0 > 0 })
    }

    /// Web sessions render at once, on one cached simulator and through one pool of frame buffers: frames
    /// rendered concurrently are the frames rendered one by one (run under `--sanitize=thread` too).
    @Test func framesRenderedAtOnceEqualFramesRenderedOneByOne() throws {
        let volume = Media.block(depthMm: 50) { p in p.z >= 25 && p.z < 30 + p.x / 10 ? Media.bone : Media.muscle }
        let sim = try BModeSimulator.cached(settings: Media.settings(depthMm: 50, lines: 32))
        let poses = (0..<8).map { Media.origin.translated(byMm: Vector3(Double($0) - 4, 0, 0)) }
        let serial = poses.map { sim.render(labels: volume, pose: $0).image.pixels }
        let lock = NSLock()
        nonisolated(unsafe) var concurrent = [[UInt8]](repeating: [], count: poses.count)
        DispatchQueue.concurrentPerform(iterations: poses.count) { i in
            let pixels = sim.render(labels: volume, pose: poses[i]).image.pixels
            lock.lock(); concurrent[i] = pixels; lock.unlock()
        }
        #expect(concurrent == serial)
        #expect(Set(serial).count > 1, "the poses must give different frames")
    }

    /// `BModeSimulator.cached` gives one simulator per settings, the same frames as a new one, and keeps a
    /// bounded number.
    @Test func cachedSimulatorsAreSharedAndBounded() throws {
        var settings = Media.settings(depthMm: 40, lines: 16)
        settings.imageWidth = 16; settings.imageHeight = 16
        let a = try BModeSimulator.cached(settings: settings), b = try BModeSimulator.cached(settings: settings)
        #expect(a === b)
        let volume = Media.block(depthMm: 40) { p in p.z >= 20 ? Media.bone : Media.muscle }
        #expect(a.render(labels: volume, pose: Media.origin).image.pixels
                == (try BModeSimulator(settings: settings)).render(labels: volume, pose: Media.origin).image.pixels)
        for seed in 0..<UInt64(BModeSimulator.cachedSimulators + 2) {
            var s = settings
            s.seed = seed
            _ = try BModeSimulator.cached(settings: s)
        }
        #expect(BModeSimulator.cachedSimulatorCount <= BModeSimulator.cachedSimulators)
    }
}
