import Anatomy
import Devices
import ArgumentParser
import Fluoroscopy
import Foundation
import Imaging
import ParsGuideCore

/// `parsguide fluoro`: a C-arm shot (DRR) of the subject or of a CT.
struct FluoroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluoro",
        abstract: "Render a fluoroscopic shot (DRR) of a subject or a CT, with needle, contrast, noise and dose.",
        discussion: """
        Views for the prone patient: ap (tube under the table, beam anterior → posterior), lateral (source on \
        the patient's right), oblique-left / oblique-right (ipsilateral oblique, --oblique-deg, the Scotty dog \
        of that side), or --source-dir x,y,z (isocentre → source, LPS) with --up. The image is what the source \
        sees: AP has the patient's right on the left. Polychromatic at --kvp (Kramers spectrum, 2.5 mm Al + \
        0.1 mm Cu), or --mono-kev E with μ = μ_water(E)(1 + HU/1000). --raw writes −ln(I/I0) (Σμℓ when \
        monochromatic) as Float32 NIfTI. --json prints the geometry, the 3×4 projection matrix (world LPS mm → \
        pixel), the dose of the shot, the render time and, for a subject, each pars defect in view with whether it \
        shows as a lucent band (its brightening in grey levels against the same shot with the cleft filled). \
        For a subject the collimator closes the rows whose rays would leave the modelled body through its top or \
        bottom (the body ends there; a real one goes on): they show as a shutter blade, read +∞ in --raw and \
        are not counted in the dose–area product; --json names them (`shutters`). A bare --ct is cast as it is.
        """)

    @Option(help: ArgumentHelp("Subject folder, from `parsguide phantom` or `parsguide subject` (uses its ct.nii.gz, labels and landmarks).", valueName: "DIR"))
    var subject: String?

    @Option(help: "A CT in Hounsfield units (NIfTI, any orientation its header states).")
    var ct: String?

    @Option(help: "Vertebra labels for --ct, on any grid.")
    var labels: String?

    @Option(name: .customLong("labels-format"), help: "verse (20 L1 … 24 L5, 26 sacrum) or totalsegmentator (31 L1 … 27 L5, 25 sacrum).")
    var labelsFormat: VertebraLabels = .verse

    @Option(help: "View: ap, lateral, oblique-left, oblique-right.")
    var view: String?

    @Option(name: .customLong("oblique-deg"), help: "Rotation of the oblique views about the long axis, degrees (\(CArm.View.obliqueAngle.allowedText)).")
    var obliqueDeg: Double = CArm.View.defaultObliqueDegrees

    @Option(name: .customLong("cranial-deg"), help: "Cranio-caudal tilt: the beam points this many degrees toward the head (\(CArm.View.cranialTilt.allowedText)).")
    var cranialDeg: Double = 0

    @Option(name: .customLong("source-dir"), help: "Unit vector from the isocentre to the source, LPS (instead of --view).")
    var sourceDir: String?

    @Option(help: "Detector up, LPS (default superior).")
    var up: String = "0,0,1"

    @Option(help: "Isocentre: a level (L5), a target (L5-left), a landmark name, or x,y,z in mm.")
    var isocenter: String?

    @Option(name: .customLong("sad-mm"), help: "Source–isocentre distance, mm.")
    var sadMm: Double = 700

    @Option(name: .customLong("sid-mm"), help: "Source–detector distance, mm.")
    var sidMm: Double = 1000

    @Option(name: .customLong("detector-mm"), help: "Side of the square detector, mm.")
    var detectorMm: Double = 300

    @OptionGroup var size: SquareSizeOption

    @Option(help: "Tube voltage, kVp (\(Spectrum.tubeVoltage.allowedText)).")
    var kvp: Double = ShotTechnique.standard.kVp

    @Option(name: .customLong("mono-kev"), help: "Monochromatic beam of this energy, keV (validation mode).")
    var monoKeV: Double?

    @OptionGroup var needle: NeedleOptions

    @Option(help: "Iodine concentration volume, mg I/mL (NIfTI, any grid).")
    var contrast: String?

    @Flag(help: "Add Poisson quantum noise (off by default).")
    var noise = false

    @Option(help: "Tube current–time product of the shot, mAs (\(ShotTechnique.tubeCurrentTime.allowedText)).")
    var mas: Double = ShotTechnique.standard.mAs

    @OptionGroup var seed: SeedOption

    @Flag(help: "Radiograph display (bone white) instead of fluoroscopy (bone dark).")
    var invert = false

    @Option(help: "Output PNG.")
    var out: String

    @Option(help: "Also write the line integrals −ln(I/I0) as Float32 NIfTI.")
    var raw: String?

    @Flag(help: "Print geometry, projection matrix, dose and render time as JSON.")
    var json = false

    func validate() throws {
        guard (subject == nil) != (ct == nil) else { throw ValidationError("give exactly one of --subject DIR and --ct FILE") }
        guard (view == nil) != (sourceDir == nil) else { throw ValidationError("give exactly one of --view and --source-dir") }
        guard labels == nil || ct != nil else { throw ValidationError("--labels goes with --ct (a subject has its own)") }
        try size.check()
        _ = try ShotTechnique(kVp: kvp, mAs: mas)
        if let view { _ = try CArm.View.parse(view) }
        try CArm.View.obliqueAngle.checked(obliqueDeg)
        try CArm.View.cranialTilt.checked(cranialDeg)
        try checkOutputFiles([(out, .png, "--out"), (raw, .nifti, "--raw")])
    }

    func run() throws {
        let scene = try FluoroScene.load(subject: subject, ct: ct, labels: labels, format: labelsFormat)
        let direction: Vector3
        if let view {
            direction = try CArm.View.parse(view).sourceDirection(obliqueDegrees: obliqueDeg, cranialDegrees: cranialDeg)
        } else {
            direction = try parseVector(sourceDir!, flag: "--source-dir")
        }
        let iso = try scene.isocentre(isocenter)
        let carm = try CArm(isocentreMm: iso, sourceDirection: direction, up: try parseVector(up, flag: "--up"),
                            sadMm: sadMm, sidMm: sidMm, detectorMm: detectorMm, pixels: size.pixels)
        let technique = try ShotTechnique(kVp: kvp, mAs: mas)
        let spectrum = try monoKeV.map { try Spectrum.monochromatic(keV: $0) } ?? Spectrum.tungsten(kVp: kvp)
        let shaft = try needle.shaft()
        let iodine = try contrast.map { try IodineVolume.read(path: $0) }

        let clock = ContinuousClock()
        var taken: FluoroShot?
        let elapsed = try clock.measure {
            taken = try scene.shoot(carm, technique: technique, spectrum: spectrum, waterScaledMonochromatic: monoKeV != nil, needle: shaft, contrast: iodine)
        }
        let image = taken!.image, dose = taken!.dose
        var transmission = image.transmission
        if noise {
            let n0 = QuantumNoise.unattenuatedPhotons(carm: carm, spectrum: spectrum, kVp: spectrum.kVp ?? kvp, mAs: mas)
            transmission = QuantumNoise.apply(to: transmission, photons: n0, seed: seed.seed)
        }
        try PNG.write(FluoroscopyDisplay.image(image, transmission: transmission, invert: invert), to: out)
        if let raw { try NIfTI.write(DetectorVolume.lineIntegrals(image), to: raw, description: "ParsGuide DRR line integrals") }
        let renderMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) * 1e-15
        let defects = try scene.defectLucencies(in: taken!)
        if json {
            print(try FluoroReport(carm: carm, dose: dose, renderMs: renderMs, spectrum: spectrum, defects: defects, shutters: image.shutters).jsonString())
        } else {
            print(String(format: "wrote %@ (%d×%d, %.0f ms render, reference air kerma %.3f mGy, DAP %.2f mGy·cm²)",
                         out, carm.pixels, carm.pixels, renderMs, dose.referenceAirKermaMGy, dose.doseAreaProductMGyCm2))
            if !image.shutters.isOpen {
                print("shutters closed over \(image.shutters.topRows) rows at the top and \(image.shutters.bottomRows) at the bottom: "
                      + "their rays would leave the modelled body through its ends")
            }
            for (target, d) in defects {
                print(String(format: "%@ defect: %@ (ridge %+.0f grey levels, %.1f× the spread around it; beam %.0f° to the cleft's plane)",
                             target, d.isLucent ? "a lucent band" : "no lucent band", d.ridgeRiseGrey, d.conspicuity, d.beamToCleftPlaneDeg))
            }
        }
    }
}
