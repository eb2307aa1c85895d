import ParsGuideCore
import Anatomy

/// The tube settings of one shot: voltage and tube current–time product.
public struct ShotTechnique: Sendable, Hashable {
    public var kVp: Double
    public var mAs: Double

    /// What every ParsGuide shot uses unless told otherwise (CLI `fluoro --kvp --mas`, the case, the
    /// confirmation set, the web simulator): 80 kVp, the top of the 70–80 kVp given for lumbar radiographs
    /// (DATASHEET, Radiopaedia "Lumbar spine (oblique view)"), and 2 mAs (chosen: one fluoroscopic spot
    /// frame, far below a radiograph's 60–80 mAs).
    public static let standard = ShotTechnique(uncheckedKVp: 80, mAs: 2)
    /// The tube current–time product a shot may have: 0.01 mAs (a pulsed fluoroscopy frame) to 1000 mAs; chosen.
    public static let tubeCurrentTime = PhysicalParameter(name: "tube current–time product", unit: "mAs", range: 0.01...1000)

    /// A technique within `Spectrum.tubeVoltage` and `tubeCurrentTime`, or an error naming the value.
    public init(kVp: Double, mAs: Double) throws {
        try Spectrum.tubeVoltage.checked(kVp)
        try Self.tubeCurrentTime.checked(mAs)
        self.init(uncheckedKVp: kVp, mAs: mAs)
    }

    private init(uncheckedKVp kVp: Double, mAs: Double) {
        self.kVp = kVp
        self.mAs = mAs
    }
}

/// One shot of a `FluoroScene`: the rendered transmission and line integrals, and the dose it delivered.
public struct FluoroShot: Sendable {
    public var image: DRRImage
    public var dose: ShotDose
    /// What the shot was rendered with (spectrum, needle, iodine): a what-if shot repeats it.
    public var exposure: Exposure
    /// The rows closed to keep the image inside the modelled body (`Shutters.open` when none).
    public var shutters: Shutters { image.shutters }
    public var carm: CArm { image.carm }
}

extension FluoroScene {
    /// Takes one shot — the single path every command, the case and the web simulator use: renders the
    /// scene from `carm` with `technique`'s polychromatic tungsten spectrum (or `spectrum` when given, e.g.
    /// a monochromatic beam for validation), the needle and the iodine (mg I/mL) if any, closes the shutters
    /// over rows that would leave a subject's modelled body (`collimatesToModel`), and computes the
    /// shot's dose at the technique's kVp (a monochromatic beam's dose is taken at its `kVp` if it states
    /// one, else at the technique's).
    public func shoot(_ carm: CArm, technique: ShotTechnique = .standard, spectrum: Spectrum? = nil, waterScaledMonochromatic: Bool = false,
                      needle: NeedleShaft? = nil, contrast: Volume<Float>? = nil) throws -> FluoroShot {
        let beam = try spectrum ?? Spectrum.tungsten(kVp: technique.kVp)
        let exposure = Exposure(spectrum: beam, waterScaledMonochromatic: waterScaledMonochromatic, needle: needle, contrast: contrast)
        var image = DRRRenderer(volume: volume).render(carm, exposure)
        let shutters = collimatesToModel ? volume.shutters(for: carm, slices: modelledSlices) : .open
        shutters.close(&image)
        let dose = ShotDose(carm: carm, kVp: beam.kVp ?? technique.kVp, mAs: technique.mAs, sourceToSkinMm: sourceToSkinMm(carm),
                            openFraction: shutters.openFraction(pixels: carm.pixels))
        return FluoroShot(image: image, dose: dose, exposure: exposure)
    }
}
