import Anatomy
import Foundation
import Imaging

/// A point scatterer for validation, in probe-frame millimetres, with its echo amplitude (the units of
/// a surface echo's r·area, mm²; only ratios matter).
public struct PointScatterer: Hashable, Sendable {
    public var positionMm: Vector3
    public var amplitude: Double
    public init(positionMm: Vector3, amplitude: Double = 1) {
        self.positionMm = positionMm
        self.amplitude = amplitude
    }
}

/// Ray-based B-mode simulation with convolution speckle.
///
/// Per scan line, `elevationRayCount` parallel rays (offset across the elevation beam, weighted by its
/// two-way profile at each depth) march through the label volume at ≤ λ/4. Each step adds diffuse
/// backscatter (a world-fixed complex Gaussian scatterer field, `SpeckleField`, with the tissue's striations
/// and septa, `TissueTexture`) and, at label changes,
/// a specular echo r = (Z₂−Z₁)/(Z₂+Z₁) weighted by the angle between the beam and the surface normal
/// (the impedance gradient); the transmitted amplitude then loses (1 − r²) and two-way attenuation
/// 2·α·f₀ dB/cm. The needle is an analytic steel cylinder. The complex lines are convolved axially with
/// the pulse and laterally with the two-way beam profile (`BeamModel`), envelope-detected, TGC'd,
/// scan-converted (bilinear) and log-compressed. Every step is a pure function of the inputs and the
/// seed, computed per line, so results do not depend on the thread count. For speed, rays step in fixed
/// point (`FixedPoint3`) and prefetch the voxels ahead, and a frame's buffers come from a pool
/// (`FrameWorkspace`); `cached` keeps one simulator per settings (docs/BENCHMARKS.md).
public final class BModeSimulator: Sendable {
    public let transducer: Transducer
    public let settings: BModeSettings
    /// The geometry of the display images `render` returns.
    public let imageGeometry: ImageGeometry
    let beam: BeamModel
    let scan: ScanGeometry
    let speckle: SpeckleField
    /// Striations, septa and sheaths inside soft tissue; nil with `BModeSettings.tissueTexture` off.
    let texture: TissueTexture?
    /// Elevation offsets of the rays, mm.
    let elevationOffsetsMm: [Double]
    /// Per ray and sample: diffuse amplitude scale w_k·√(dz·Δx·Δe) and surface scale w_k·Δx·Δe.
    let diffuseScale: FloatBuffer
    let surfaceScale: FloatBuffer
    /// Lateral kernel taps [t + halfWidth][sample].
    let lateralKernel: FloatBuffer
    let lateralHalfWidth: Int
    /// For each tap, the samples where it is non-zero (it widens toward the near field).
    let lateralTapSamples: [Range<Int>]
    /// The complex pulse-echo kernels by depth and accumulated attenuation.
    let axialKernels: AxialKernelTable
    /// Two-way attenuation of one march step per label beyond its f₀ part, dB/MHz (α·2Δz).
    let attenuationDBPerMHzPerStep: FloatBuffer
    /// e^(−i·2k₀z) at each sample: the carrier phase of a specular echo from that depth.
    let carrierRe: FloatBuffer, carrierIm: FloatBuffer
    /// The receiver noise of every line sample (`BModeSettings.noiseFloorDB`), complex baseband, before the
    /// TGC; nil without noise.
    let noise: (re: FloatBuffer, im: FloatBuffer)?
    /// Per sample, what of the noise the display keeps: 1 until the TGC would lift its rms above
    /// `noiseCeilingDB`, then less (`BModeSettings.noiseFloorDB`).
    let noiseGain: FloatBuffer
    /// Amplitude gain per sample from the TGC.
    let tgc: FloatBuffer
    /// σ of the specular lobe per sample, radians.
    let specularSigma: FloatBuffer
    /// Amplitude of a perfect flat reflector at the transmit focus: 0 dB of the display.
    public let referenceAmplitude: Double
    let table: AcousticTable
    let displayLookup: ScanLookup

    /// Diffuse backscatter of muscle, amplitude² per mm. A model parameter, not a measured backscatter
    /// coefficient: chosen so that a bone surface met at normal incidence peaks about 40 dB above the
    /// mean muscle speckle (echoes in tissue span roughly 40–60 dB between weak scatterers and
    /// specular interfaces, the usual 60 dB display range), which also puts a perpendicular 22G needle
    /// — whose Kirchhoff echo is ~20 dB below a plane, its curved surface returning only a Fresnel
    /// strip √(λa/2) wide — clearly above the tissue around it.
    static let muscleBackscatterPerMm = 3e-4
    /// Share of a tissue interface's echo that is diffuse (rough surface, ∝ cos θ) rather than specular;
    /// model parameters: bone surfaces are rough at this wavelength, soft-tissue interfaces smooth, a steel
    /// shaft nearly mirror-like (0.03, chosen; with it an in-plane line fades with the insertion angle as
    /// clinicians are taught — seen below 30°, lost beyond 35–45° — test `theLineFadesWithInsertionAngle…`).
    static let boneRoughness = 0.6, softRoughness = 0.1, needleRoughness = 0.03
    /// Reflection of the sheath (epimysium) between two muscles of equal impedance, when the texture is on:
    /// a connective-tissue layer thinner than the wavelength (chosen: about the muscle–fascia interface's
    /// 0.05, data sheet §4 impedances, reduced for a sheath thinner than the fascia's 1 mm).
    static let epimysiumReflection: Float = 0.04
    /// Reverberation between the probe face and a strong flat reflector (issue 18): an echo of amplitude
    /// reflection |r| ≥ `reverberatingReflection` (bone under soft tissue: r ≈ 0.65, data sheet §4; soft
    /// tissue interfaces stay below 0.1) returns to the face, is reflected there with `faceReflection` and
    /// crosses the tissue again: copies at 2d, 3d … up to `reverberationOrders`, each weaker by the face's
    /// and the interface's reflection, its lobe and one more round trip's loss. The face's reflection
    /// coefficient is chosen (a lens and matching layers reflect a large share of the returning wave; 0.5).
    static let reverberatingReflection: Float = 0.3, faceReflection: Float = 0.5, reverberationOrders = 3
    /// Amplitude kept by each successive reverberation inside the needle (comet tail, −3 dB per
    /// bounce); a model parameter chosen for the long tails seen clinically, not a measured value.
    static let cometTailDecay = 0.7

    /// `tissueOverrides` replaces the acoustic properties of chosen labels (validation phantoms).
    public init(transducer: Transducer = .c52, settings: BModeSettings = BModeSettings(),
                tissueOverrides: [UInt8: TissueAcoustics] = [:]) throws {
        self.transducer = try transducer.validated()
        self.settings = try settings.validated()
        beam = BModeSimulator.beamModel(transducer, settings)
        scan = ScanGeometry(transducer: transducer, settings: settings)
        // Half a march step: every step then lands in a new cell whatever the ray's direction (a step
        // spans ≥ 2/√3 > 1 cells along some axis), so successive samples are independent.
        speckle = SpeckleField(seed: settings.seed, cellMm: scan.stepMm / 2)
        texture = settings.tissueTexture ? Self.texture(seed: settings.seed) : nil
        table = AcousticTable(frequencyMHz: transducer.centreFrequencyMHz, stepMm: scan.stepMm, overrides: tissueOverrides)
        imageGeometry = ImageGeometry.fitting(scan.extentMm, width: settings.imageWidth, height: settings.imageHeight,
                                              markerOnLeft: settings.markerOnLeft)

        let ns = scan.sampleCount, k = settings.elevationRayCount
        let de = k == 1 ? transducer.elementHeightMm / 2 : min(transducer.elementHeightMm / Double(k + 1), 2.25)
        elevationOffsetsMm = (0..<k).map { (Double($0) - Double(k - 1) / 2) * de }
        diffuseScale = FloatBuffer(count: k * ns)
        surfaceScale = FloatBuffer(count: k * ns)
        tgc = FloatBuffer(count: ns)
        specularSigma = FloatBuffer(count: ns)
        // Default TGC: what muscle takes from the pulse's mean (rms) amplitude, per frequency (`PulseEcho`):
        // it compensates the mean, not the spectrum's shape.
        let pulse = beam.pulse, muscleDBPerMHzPerMm = 2 * TissueAcoustics.muscle.attenuationDBPerCmMHz / 10
        for n in 0..<ns {
            let z = Double(n) * scan.stepMm
            let dx = scan.lineSpacingMm(depthMm: z)
            for r in 0..<k {
                let w = beam.elevationAmplitude(offsetMm: elevationOffsetsMm[r], depthMm: z)
                diffuseScale[r * ns + n] = Float(w * (scan.stepMm * dx * de).squareRoot())
                surfaceScale[r * ns + n] = Float(w * dx * de)
            }
            if let dBPerCm = settings.tgcDBPerCm {
                tgc[n] = Float(pow(10, dBPerCm * z / 10 / 20))
            } else {
                tgc[n] = Float(1 / pulse.rmsTransmission(attenuationDBPerMHz: muscleDBPerMHzPerMm * z))
            }
            specularSigma[n] = Float(max(beam.receiveHalfAngle(depthMm: z) / 2, 0.01))
        }

        // Lateral kernel: the two-way profile sampled at the line spacing of each depth, cut at −60 dB.
        var half = 0
        for n in stride(from: 0, to: ns, by: 8) {
            let z = Double(n) * scan.stepMm, dx = scan.lineSpacingMm(depthMm: z)
            let peak = beam.lateralAmplitude(offsetMm: 0, depthMm: z)
            var t = 0
            while t < 64, beam.lateralAmplitude(offsetMm: Double(t + 1) * dx, depthMm: z) > 1e-3 * peak { t += 1 }
            half = max(half, t)
        }
        lateralHalfWidth = half
        lateralKernel = FloatBuffer(count: (2 * half + 1) * ns)
        for n in 0..<ns {
            let z = Double(n) * scan.stepMm, dx = scan.lineSpacingMm(depthMm: z)
            let peak = beam.lateralAmplitude(offsetMm: 0, depthMm: z)
            for t in -half...half {
                let v = beam.lateralAmplitude(offsetMm: Double(t) * dx, depthMm: z)
                lateralKernel[(t + half) * ns + n] = v > 1e-3 * peak ? Float(v) : 0
            }
        }
        lateralTapSamples = (-half...half).map { [lateralKernel] t in
            let row = (t + half) * ns
            guard let first = (0..<ns).first(where: { lateralKernel[row + $0] != 0 }),
                  let last = (0..<ns).last(where: { lateralKernel[row + $0] != 0 }) else { return 0..<0 }
            return first..<(last + 1)
        }

        // Axial kernels: the lines are complex baseband: the scatterer field is already a baseband random
        // field, and specular echoes carry their carrier phase e^(−i·2k₀z).
        let step = scan.stepMm
        axialKernels = Self.kernelTable(beam: beam, stepMm: step, sampleCount: ns)
        attenuationDBPerMHzPerStep = FloatBuffer((0..<256).map { label in
            let t = tissueOverrides[UInt8(label)] ?? TissueAcoustics.of(label: UInt8(label))
            return Float(2 * t.attenuationDBPerCmMHz * step / 10)
        })
        let twoK = 2 * 2 * Double.pi / transducer.wavelengthMm
        carrierRe = FloatBuffer((0..<ns).map { Float(cos(-twoK * Double($0) * step)) })
        carrierIm = FloatBuffer((0..<ns).map { Float(sin(-twoK * Double($0) * step)) })

        // The diffraction part of the TGC (`BModeSettings.compensatesDiffraction`): the rms diffuse echo of
        // a uniform medium, from the elevation weights and lateral taps the lines use, brought to its value
        // at the transmit focus, smoothed over ±2.5 mm and capped at `maximumDiffractionGainDB`.
        if settings.compensatesDiffraction {
            let rms = (0..<ns).map { [lateralKernel, diffuseScale, half] n -> Double in
                var lateral = 0.0, elevation = 0.0
                for t in 0...(2 * half) { let v = Double(lateralKernel[t * ns + n]); lateral += v * v }
                for r in 0..<k { let v = Double(diffuseScale[r * ns + n]); elevation += v * v }
                return (lateral * elevation).squareRoot()
            }
            let lossDB = rms.map { 20 * log10(max($0, 1e-30)) }
            let window = max(1, Int((2.5 / step).rounded()))
            let smoothedDB = (0..<ns).map { n in
                let range = max(0, n - window)...min(ns - 1, n + window)
                return range.reduce(0.0) { $0 + lossDB[$1] } / Double(range.count)
            }
            let focusDB = smoothedDB[min(ns - 1, Int((settings.focusMm / step).rounded()))]
            for n in 0..<ns {
                let gainDB = min(max(focusDB - smoothedDB[n], -Self.maximumDiffractionGainDB), Self.maximumDiffractionGainDB)
                tgc[n] *= Float(pow(10, gainDB / 20))
            }
        }
        referenceAmplitude = beam.lateralIntegralMm(depthMm: settings.focusMm) * beam.elevationIntegralMm(depthMm: settings.focusMm)
        noise = settings.noiseFloorDB.map { [scan, axialKernels, referenceAmplitude] dB in
            Self.receiverNoise(lines: scan.lineCount, samples: ns, rms: Float(referenceAmplitude * pow(10, dB / 20)),
                               band: (axialKernels.pulseRe, axialKernels.pulseIm), seed: settings.seed)
        }
        let noiseRms = referenceAmplitude * pow(10, (settings.noiseFloorDB ?? -300) / 20)
        let ceiling = referenceAmplitude * pow(10, Self.noiseCeilingDB / 20)
        noiseGain = FloatBuffer((0..<ns).map { [tgc] n in Float(min(1, ceiling / max(noiseRms * Double(tgc[n]), 1e-300))) })
        displayLookup = ScanLookup(scan: scan, geometry: imageGeometry)
    }

    /// The most the TGC lifts the receiver noise to, rms dB re a perfect reflector at the focus: about 12 dB
    /// under muscle speckle (≈ −43 dB), grey 60 of 255 at the default gain. Chosen: a sonographer lowers the
    /// far gain where only noise is left; without it the 120 mm default's far field (TGC 42 dB plus up to
    /// 30 dB of diffraction compensation) was white noise.
    static let noiseCeilingDB = -55.0

    /// Circular complex Gaussian noise of rms `rms` per line sample, band-limited as the echoes are (through
    /// the pulse's axial kernel `band`, so its grain is the pulse's length) and independent between lines
    /// (each line is its own receive event). Seeded: the same settings give the same noise.
    static func receiverNoise(lines: Int, samples: Int, rms: Float, band: (re: [Float], im: [Float]), seed: UInt64) -> (re: FloatBuffer, im: FloatBuffer) {
        // Simulators are made per command and per web settings: the noise, like the beam model, is made once per
        // combination (the last few kept; it is read, never written, after it is made).
        noiseCache.value(for: "\(lines)|\(samples)|\(rms)|\(band)|\(seed)") {
            makeReceiverNoise(lines: lines, samples: samples, rms: rms, band: band, seed: seed)
        }
    }

    private static let noiseCache = BoundedCache<String, (re: FloatBuffer, im: FloatBuffer)>(capacity: 8)

    private static func makeReceiverNoise(lines: Int, samples: Int, rms: Float, band: (re: [Float], im: [Float]), seed: UInt64) -> (re: FloatBuffer, im: FloatBuffer) {
        let re = FloatBuffer(count: lines * samples), im = FloatBuffer(count: lines * samples)
        let quantiles = SpeckleField.table, h = band.re.count / 2
        // Circular white noise of unit variance per part filtered by k has variance 2Σ|k|²; scaled so the
        // complex rms is `rms`.
        let energy = zip(band.re, band.im).reduce(Float(0)) { $0 + $1.0 * $1.0 + $1.1 * $1.1 }
        let scale = rms / (2 * energy).squareRoot()
        let noiseSeed = seed ^ 0x6E6F_6973_6546_6C72   // the scatterer field's seed must not repeat here
        DispatchQueue.concurrentPerform(iterations: lines) { l in
            let white = (0..<(samples + 2 * h)).map { n -> (Float, Float) in
                let bits = SpeckleField.hash(l, n, 0, seed: noiseSeed)
                return (quantiles[Int(bits & 4095)], quantiles[Int((bits >> 12) & 4095)])
            }
            for n in 0..<samples {
                var a: Float = 0, b: Float = 0
                for m in 0..<band.re.count {
                    let (wr, wi) = white[n + m]
                    a += band.re[m] * wr - band.im[m] * wi; b += band.re[m] * wi + band.im[m] * wr
                }
                re[l * samples + n] = a * scale
                im[l * samples + n] = b * scale
            }
        }
        return (re, im)
    }

    // MARK: - Rendering

    /// The display image of a pose: the B-mode frame, 8-bit, `imageGeometry`.
    public func render(labels: Volume<UInt8>, pose: ProbePose, needle: NeedleShaft? = nil, points: [PointScatterer] = []) -> BModeFrame {
        let w = workspace()
        defer { FrameWorkspace.giveBack(w) }
        computeEnvelope(labels: labels, pose: pose, needle: needle, points: points, in: w)
        return BModeFrame(image: display(w.envelope, pixels: w.pixels), geometry: imageGeometry, pose: pose)
    }

    /// Envelope lines [line][sample] after TGC, linear amplitude.
    func envelope(labels: Volume<UInt8>, pose: ProbePose, needle: NeedleShaft?, points: [PointScatterer]) -> FloatBuffer {
        let w = workspace()
        defer { FrameWorkspace.giveBack(w) }
        computeEnvelope(labels: labels, pose: pose, needle: needle, points: points, in: w)
        return FloatBuffer(copying: w.envelope)
    }

    /// The complex baseband lines [line][sample] after the march and the axial kernels, before the beam's
    /// lateral profile, the noise and the TGC.
    func basebandLines(labels: Volume<UInt8>, pose: ProbePose, needle: NeedleShaft?, points: [PointScatterer]) -> (re: FloatBuffer, im: FloatBuffer) {
        let w = workspace()
        defer { FrameWorkspace.giveBack(w) }
        computeBasebandLines(labels: labels, pose: pose, needle: needle, points: points, in: w)
        return (FloatBuffer(copying: w.axialRe), FloatBuffer(copying: w.axialIm))
    }

    private func workspace() -> FrameWorkspace {
        FrameWorkspace.take(lineCount: scan.lineCount, sampleCount: scan.sampleCount, pixelCount: imageGeometry.width * imageGeometry.height)
    }

    /// Fills `w.envelope`: the baseband lines, then the lateral profile, the noise, detection and the TGC.
    private func computeEnvelope(labels: Volume<UInt8>, pose: ProbePose, needle: NeedleShaft?, points: [PointScatterer], in w: FrameWorkspace) {
        computeBasebandLines(labels: labels, pose: pose, needle: needle, points: points, in: w)
        parallel(scan.lineCount) { l in self.lateralConvolveAndDetect(line: l, re: w.axialRe, im: w.axialIm, envelope: w.envelope) }
    }

    /// Fills `w.axialRe`/`w.axialIm` (through `w.re`, `w.im` and `w.levels`).
    private func computeBasebandLines(labels: Volume<UInt8>, pose: ProbePose, needle: NeedleShaft?, points: [PointScatterer], in w: FrameWorkspace) {
        let extras = extraEchoes(pose: pose, needle: needle, points: points)
        let compression = NearFieldCompression(labels: labels, pose: pose, scan: scan)
        labels.voxels.withUnsafeBufferPointer { voxels in
            let volume = LabelVolume(voxels: voxels, grid: labels.grid)
            parallel(scan.lineCount) { l in
                self.marchLine(l, volume: volume, pose: pose, extras: extras[l], re: w.re, im: w.im, levels: w.levels,
                               skinOffsetMm: compression.skinOffsetMm[l], compressionDepthMm: compression.depthMm[l])
            }
        }
        parallel(scan.lineCount) { l in self.axialConvolve(line: l, re: w.re, im: w.im, levels: w.levels, outRe: w.axialRe, outIm: w.axialIm) }
    }

    /// Log-compressed display pixels of envelope lines (`pixels`: scratch for the linear pixels).
    func display(_ env: FloatBuffer, pixels: FloatBuffer) -> GrayImage {
        let g = imageGeometry
        displayLookup.resample(env, into: pixels, sampleCount: scan.sampleCount)
        let dr = Float(settings.dynamicRangeDB)
        let offset = Float(settings.gainDB) - Float(20 * log10(referenceAmplitude))
        let out = SharedBuffer<UInt8>(count: g.width * g.height)
        let chunks = 8, per = (out.count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * per)..<min(out.count, (c + 1) * per) {
                let v = pixels[i]
                guard v > 0 else { continue }
                let db = 20 * log10f(v) + offset
                out[i] = UInt8(min(max((db + dr) / dr * 255, 0), 255))
            }
        }
        return GrayImage(width: g.width, height: g.height, pixels: out.array)
    }

    /// The linear envelope resampled onto any image geometry (zero outside the scanned sector).
    public func linearEnvelope(labels: Volume<UInt8>, pose: ProbePose, needle: NeedleShaft? = nil,
                               points: [PointScatterer] = [], geometry: ImageGeometry) -> [Float] {
        let env = envelope(labels: labels, pose: pose, needle: needle, points: points)
        let pixels = FloatBuffer(count: geometry.width * geometry.height)
        ScanLookup(scan: scan, geometry: geometry).resample(env, into: pixels, sampleCount: scan.sampleCount)
        return pixels.array
    }

    // MARK: - Stages

    /// One scan line: march each elevation ray, depositing diffuse and specular echoes. Over the first
    /// `compressionDepthMm` the rays sample the tissue `NearFieldCompression` maps there: they start
    /// `skinOffsetMm` along the line (at the skin) and step faster or slower until that depth.
    /// `levels` receives, per sample of the central ray, the attenuation level (`AxialKernelTable`) of the
    /// tissue above it, down to the first reflector strong enough to reverberate (bone) or where the march
    /// stops; deeper, the mean attenuation per sample above it continues: that is what the reverberation's
    /// multiples met (k round trips of the same tissue), and they are what a shadow shows.
    func marchLine(_ l: Int, volume: LabelVolume, pose: ProbePose, extras: [Echo], re: FloatBuffer, im: FloatBuffer,
                   levels: SharedBuffer<UInt16>, skinOffsetMm: Double = 0, compressionDepthMm: Double = 1) {
        let ns = scan.sampleCount
        let centralRay = settings.elevationRayCount / 2
        let w = pose.worldFromProbe
        let dWorld = w.applyToDirection(scan.direction(l))
        let step = scan.stepMm
        let indexFromWorld = volume.grid.indexFromWorld
        let dIndex = indexFromWorld.applyToDirection(dWorld) * step
        let cell = speckle.cellMm
        let dLattice = dWorld * (step / cell)
        // The compressed near field: `compressedSamples` steps that together cover compressionDepthMm − g of
        // tissue, so the march rejoins the uniform one exactly at that depth.
        let compressedSamples = skinOffsetMm == 0 ? 0 : max(1, Int((compressionDepthMm / step).rounded()))
        let squeeze = compressedSamples == 0 ? 1 : 1 - skinOffsetMm / (Double(compressedSamples) * step)
        let dLatticeCompressed = dLattice * squeeze
        let fixedStep = FixedPoint3(step: dIndex), fixedStepCompressed = FixedPoint3(step: dIndex * squeeze)
        let latticeStep = FixedPoint3(step: dLattice), latticeStepCompressed = FixedPoint3(step: dLatticeCompressed)
        let outRe = re.pointer.baseAddress! + l * ns, outIm = im.pointer.baseAddress! + l * ns
        outRe.update(repeating: 0, count: ns); outIm.update(repeating: 0, count: ns)
        let impedance = table.impedance.pointer.baseAddress!, backscatter = table.backscatter.pointer.baseAddress!
        let attenuation = table.attenuationPerStep.pointer.baseAddress!
        let attenuationDB = attenuationDBPerMHzPerStep.pointer.baseAddress!
        let level = levels.pointer.baseAddress! + l * ns, kernels = axialKernels
        let quantiles = speckle.normalQuantiles.pointer.baseAddress!, seed = speckle.seed
        let carrierC = carrierRe.pointer.baseAddress!, carrierS = carrierIm.pointer.baseAddress!
        let textureKind = texture?.kind.pointer.baseAddress
        let textureTile = texture?.tile.pointer.baseAddress, textureOffset = texture?.offset.pointer.baseAddress
        let textureSlope = texture?.slope.pointer.baseAddress
        for ray in 0..<settings.elevationRayCount {
            let startWorld = w.apply(scan.origin(l) + Vector3(0, elevationOffsetsMm[ray], 0))
            // The voxel index offset by half a voxel (its cell is then the nearest voxel) and the speckle
            // lattice point, both stepped in fixed point.
            var index = FixedPoint3(indexFromWorld.apply(startWorld) + dIndex * (skinOffsetMm / step) + Vector3(0.5, 0.5, 0.5))
            var lattice = (startWorld + dWorld * skinOffsetMm) / cell
            var fixedLattice = FixedPoint3(lattice)
            // The voxel `prefetchSteps` ahead is asked for now: most new voxels along a line are cache misses
            // in a volume of hundreds of MB, and the march would otherwise wait for each.
            var ahead = index
            for _ in 0..<Self.prefetchSteps { ahead += fixedStep }
            var previous = volume.label(voxel: index.cell)
            var transmitted: Float = 1
            var reverberated = false
            // The strongest soft-tissue interface met so far on this ray: its sample, r·lobe and the two-way
            // amplitude there (for the multiple between it and the bone below).
            var layerSample = 0, layerEcho: Float = 0, layerTransmitted: Float = 1
            var nextExtra = 0
            let diffuse = diffuseScale.pointer.baseAddress! + ray * ns, surface = surfaceScale.pointer.baseAddress! + ray * ns
            let central = ray == centralRay
            var accumulatedDB: Float = 0, reached = 0
            for n in 0..<ns {
                let label = volume.label(voxel: index.cell)
                volume.prefetch(voxel: ahead.cell)
                if central, !reverberated { level[n] = kernels.level(attenuationDBPerMHz: accumulatedDB); reached = n + 1 }
                if label != previous {
                    let z1 = impedance[Int(previous)], z2 = impedance[Int(label)]
                    var r = (z2 - z1) / (z2 + z1)
                    if r == 0, let kinds = textureKind, kinds[Int(label)] == 1, kinds[Int(previous)] == 1 { r = Self.epimysiumReflection }
                    if r != 0 {
                        let cosine = volume.cosineToSurface(voxel: index.cell, direction: dWorld, impedance: table.impedance)
                        let roughness = Float(Tissue.isBone(label) || Tissue.isBone(previous) ? Self.boneRoughness : Self.softRoughness)
                        let theta = acosf(min(cosine, 1))
                        let sigma = specularSigma[n]
                        let lobe = (1 - roughness) * expf(-theta * theta / (2 * sigma * sigma)) + roughness * cosine
                        let a = transmitted * r * lobe * surface[n]
                        outRe[n] += a * carrierC[n]
                        outIm[n] += a * carrierS[n]
                        if !reverberated, abs(r) >= Self.reverberatingReflection, n > 0 {
                            // The first strong reflector on this ray echoes again at whole multiples of its depth.
                            reverberated = true
                            let perTrip = Self.faceReflection * r * lobe * transmitted
                            var copy = transmitted * r * lobe   // the echo before the beam's weight at its depth
                            for k in 2...Self.reverberationOrders where k * n < ns {
                                copy *= perTrip
                                outRe[k * n] += copy * surface[k * n] * carrierC[k * n]
                                outIm[k * n] += copy * surface[k * n] * carrierS[k * n]
                            }
                            // Between the bone and the strongest layer above it (fascia under fat): back up to
                            // the layer, down again (its reflection from below, −r) and back — a copy of the
                            // bone line one layer-to-bone spacing deeper, inside the shadow.
                            let m = 2 * n - layerSample
                            if layerEcho != 0, m < ns {
                                let between = transmitted / layerTransmitted   // one more round trip between them
                                let a = transmitted * r * lobe * (-layerEcho) * r * lobe * between * surface[m]
                                outRe[m] += a * carrierC[m]
                                outIm[m] += a * carrierS[m]
                            }
                        }
                        if !reverberated, abs(r * lobe) > abs(layerEcho) {
                            layerSample = n; layerEcho = r * lobe; layerTransmitted = transmitted
                        }
                        transmitted *= 1 - r * r
                    }
                    previous = label
                }
                if ray == centralRay {
                    while nextExtra < extras.count, extras[nextExtra].sample == n {
                        let e = extras[nextExtra]
                        outRe[n] += transmitted * e.re
                        outIm[n] += transmitted * e.im
                        transmitted *= e.transmission
                        nextExtra += 1
                    }
                }
                let scatter = backscatter[Int(label)]
                if scatter > 0 {
                    var a = transmitted * scatter * diffuse[n]
                    if let kinds = textureKind, kinds[Int(label)] != 0 {
                        let t = textureTile.unsafelyUnwrapped[TissueTexture.tileIndex(kind: kinds[Int(label)], worldMm: lattice * cell)]
                        a *= textureOffset.unsafelyUnwrapped[Int(label)] + textureSlope.unsafelyUnwrapped[Int(label)] * Float(t)
                    }
                    let c = fixedLattice.cell
                    let h = SpeckleField.hash(c.i, c.j, c.k, seed: seed)
                    outRe[n] += a * quantiles[Int(h & 4095)]
                    outIm[n] += a * quantiles[Int((h >> 12) & 4095)]
                }
                transmitted *= attenuation[Int(label)]
                if central, !reverberated { accumulatedDB += attenuationDB[Int(label)] }
                // Deep in a bone shadow nothing more can reach the display (−120 dB, beyond any TGC).
                if transmitted < Self.shadowCutoff { break }
                if n < compressedSamples {
                    index += fixedStepCompressed
                    ahead += fixedStepCompressed
                    fixedLattice += latticeStepCompressed
                    lattice += dLatticeCompressed
                } else {
                    index += fixedStep
                    ahead += fixedStep
                    fixedLattice += latticeStep
                    lattice += dLattice
                }
            }
            if central, reached < ns {
                let perSample = accumulatedDB / Float(max(reached, 1))
                for n in reached..<ns { level[n] = kernels.level(attenuationDBPerMHz: perSample * Float(n)) }
            }
        }
    }

    /// How far ahead of its march a ray asks for voxels, steps (chosen by timing 8, 16 and 32: a few cache
    /// lines ahead along a line that crosses rows at ≈ 4 steps per voxel).
    static let prefetchSteps = 16

    /// The largest boost or cut the diffraction TGC applies, dB (chosen: the range of a scanner's TGC
    /// sliders, ±30 dB; the model's near field under 3 mm would otherwise ask for 40 dB).
    static let maximumDiffractionGainDB = 30.0

    /// Two-way amplitude below which a ray stops: −120 dB, below the display floor even with the
    /// largest TGC and gain.
    static let shadowCutoff: Float = 1e-6

    /// Each sample's echo spread along its line by the kernel of its depth and of the attenuation above it.
    func axialConvolve(line l: Int, re: FloatBuffer, im: FloatBuffer, levels: SharedBuffer<UInt16>, outRe: FloatBuffer, outIm: FloatBuffer) {
        let ns = scan.sampleCount, base = l * ns, halves = axialKernels.binHalf
        let kr = axialKernels.re.pointer.baseAddress!, ki = axialKernels.im.pointer.baseAddress!
        let inRe = re.pointer.baseAddress! + base, inIm = im.pointer.baseAddress! + base
        let oRe = outRe.pointer.baseAddress! + base, oIm = outIm.pointer.baseAddress! + base
        let level = levels.pointer.baseAddress! + base
        oRe.update(repeating: 0, count: ns); oIm.update(repeating: 0, count: ns)
        for n in 0..<ns {
            let a = inRe[n], b = inIm[n]
            guard a != 0 || b != 0 else { continue }
            let bin = axialKernels.bin(sample: n), h = halves[bin]
            let k = axialKernels.centre(bin: bin, level: level[n])
            // Eight taps at a time, then the rest one by one (the same operations per tap).
            var m = max(-h, -n)
            let last = min(h, ns - 1 - n)
            while m + 8 <= last + 1 {
                let r = UnsafeRawPointer(kr + k + m).loadUnaligned(as: SIMD8<Float>.self)
                let i = UnsafeRawPointer(ki + k + m).loadUnaligned(as: SIMD8<Float>.self)
                let outR = UnsafeMutableRawPointer(oRe + n + m), outI = UnsafeMutableRawPointer(oIm + n + m)
                outR.storeBytes(of: outR.loadUnaligned(as: SIMD8<Float>.self) + (a * r - b * i), as: SIMD8<Float>.self)
                outI.storeBytes(of: outI.loadUnaligned(as: SIMD8<Float>.self) + (a * i + b * r), as: SIMD8<Float>.self)
                m += 8
            }
            while m <= last {
                let r = kr[k + m], i = ki[k + m]
                oRe[n + m] += a * r - b * i
                oIm[n + m] += a * i + b * r
                m += 1
            }
        }
    }

    private func lateralConvolveAndDetect(line l: Int, re: FloatBuffer, im: FloatBuffer, envelope: FloatBuffer) {
        let ns = scan.sampleCount, nl = scan.lineCount, h = lateralHalfWidth
        let sumRe = UnsafeMutablePointer<Float>.allocate(capacity: ns), sumIm = UnsafeMutablePointer<Float>.allocate(capacity: ns)
        defer { sumRe.deallocate(); sumIm.deallocate() }
        sumRe.initialize(repeating: 0, count: ns); sumIm.initialize(repeating: 0, count: ns)
        let kernel = lateralKernel.pointer.baseAddress!, inRe = re.pointer.baseAddress!, inIm = im.pointer.baseAddress!
        for t in -h...h {
            let src = l + t
            guard src >= 0, src < nl else { continue }
            let k = kernel + (t + h) * ns, r = inRe + src * ns, i = inIm + src * ns
            for n in lateralTapSamples[t + h] {
                sumRe[n] += k[n] * r[n]
                sumIm[n] += k[n] * i[n]
            }
        }
        if let noise {
            let nRe = noise.re.pointer.baseAddress! + l * ns, nIm = noise.im.pointer.baseAddress! + l * ns
            let keep = noiseGain.pointer.baseAddress!
            for n in 0..<ns { sumRe[n] += nRe[n] * keep[n]; sumIm[n] += nIm[n] * keep[n] }
        }
        let out = envelope.pointer.baseAddress! + l * ns, gain = tgc.pointer.baseAddress!
        for n in 0..<ns {
            out[n] = (sumRe[n] * sumRe[n] + sumIm[n] * sumIm[n]).squareRoot() * gain[n]
        }
    }

    private func parallel(_ count: Int, _ body: @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    // MARK: - Simulator cache

    /// A simulator for these settings, made once per combination and kept. The web simulator asks for one on
    /// every frame; even with the beam model, kernels, noise and texture cached, making one costs about as
    /// much as the frame (`bench ultrasound`: `ultrasound.setup.cached`, mostly the scan-conversion table).
    /// At most `cachedSimulators` are kept.
    public static func cached(transducer: Transducer = .c52, settings: BModeSettings = BModeSettings()) throws -> BModeSimulator {
        try simulatorCache.value(for: SimulatorKey(transducer: transducer, settings: settings)) {
            try BModeSimulator(transducer: transducer, settings: settings)
        }
    }

    /// How many simulators the process keeps (chosen: a few web sessions' settings; ≈ 5 MB each at the
    /// defaults, most of it the scan-conversion table).
    static let cachedSimulators = 8

    /// Simulators held now (for the test that the cache stays bounded).
    static var cachedSimulatorCount: Int { simulatorCache.count }

    private struct SimulatorKey: Hashable { var transducer: Transducer; var settings: BModeSettings }
    private static let simulatorCache = BoundedCache<SimulatorKey, BModeSimulator>(capacity: cachedSimulators)

    // MARK: - Beam model, kernel and texture caches

    /// The texture of a seed, made once per process (a 1024² tile of bytes, 1 MB; the last 8 seeds kept).
    static func texture(seed: UInt64) -> TissueTexture {
        textureCache.value(for: seed) { TissueTexture(seed: seed) }
    }
    private static let textureCache = BoundedCache<UInt64, TissueTexture>(capacity: 8)

    /// Beam models are costly (a field sum per depth and offset) and depend only on the transducer and
    /// a few settings: computed once per combination. At most `cachedBeamModels` are kept (every depth or
    /// focus a user types is a new combination).
    static func beamModel(_ t: Transducer, _ s: BModeSettings) -> BeamModel {
        beamCache.value(for: "\(t)|\(s.depthMm)|\(s.focusMm)|\(s.transmitFNumber)|\(s.receiveFNumber)|\(s.excitationCycles)") {
            BeamModel(transducer: t, settings: s)
        }
    }

    /// How many beam models the process keeps (chosen: a session's few depth and focus settings).
    static let cachedBeamModels = 16

    /// Beam models held now (for the test that the cache stays bounded).
    static var cachedBeamModelCount: Int { beamCache.count }

    private static let beamCache = BoundedCache<String, BeamModel>(capacity: cachedBeamModels)

    /// The axial kernels of a beam model and march, made once per combination like the beam model.
    static func kernelTable(beam: BeamModel, stepMm: Double, sampleCount: Int) -> AxialKernelTable {
        let s = beam.settings
        let key = "\(beam.transducer)|\(s.depthMm)|\(s.focusMm)|\(s.transmitFNumber)|\(s.receiveFNumber)|\(s.excitationCycles)|\(stepMm)|\(sampleCount)"
        return kernelCache.value(for: key) {
            AxialKernelTable(beam: beam, stepMm: stepMm, sampleCount: sampleCount, shadowCutoff: shadowCutoff)
        }
    }

    private static let kernelCache = BoundedCache<String, AxialKernelTable>(capacity: 16)
}

/// An echo added to a scan line's central ray at one sample, before the tissue's transmission up to
/// it; `transmission` multiplies what lies beyond (a needle's partial shadow).
struct Echo: Sendable {
    var sample: Int
    var re: Float
    var im: Float
    var transmission: Float = 1
}

/// ⌊x⌋ as an Int without a libm call.
@inline(__always) func floorInt(_ x: Double) -> Int {
    let t = Int(x)
    return Double(t) > x ? t - 1 : t
}
