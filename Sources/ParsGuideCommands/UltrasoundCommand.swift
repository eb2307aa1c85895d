import Anatomy
import Devices
import ArgumentParser
import Foundation
import Imaging
import Ultrasound
import ParsGuideCore

/// `parsguide ultrasound`: a simulated B-mode frame of a subject at a preset or explicit probe pose,
/// or a point target for validation.
struct UltrasoundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ultrasound",
        abstract: "Simulate the B-mode image a probe shows at a pose on a subject (or of a point target).",
        discussion: """
        Views: sagittal-facets (paramedian sagittal over the facet column, centred on the level's inferior \
        facet joint), pars-oblique (rotated about the beam by --rotation-deg so the cranial end swings toward \
        the injected side, centred on the pars), transverse. The probe is lowered along its beam onto the skin.
        Image: probe face at the top, depth downward, the probe's marker (cranial) end on the left unless \
        --marker right. --json prints the pose, the image geometry and the pixel of every annotated structure.
        Validation: --phantom point renders one point scatterer in water and --raw writes the linear envelope \
        (Float32 NIfTI, scan-converted at --pixel-mm around the point).
        """)

    @Option(help: ArgumentHelp("Subject folder, from `parsguide phantom` or `parsguide subject`.", valueName: "DIR"))
    var subject: String?

    @Option(help: "Preset view: \(ProbeView.allCases.map(\.rawValue).joined(separator: ", ")).")
    var view: String?

    @Option(help: "Level of the preset view (L1–L5).")
    var level: String = "L5"

    @Option(help: "Side of the preset view: left or right.")
    var side: String = "left"

    @Option(name: .customLong("rotation-deg"), help: """
        Rotation of pars-oblique from sagittal about the beam, degrees (−90–90). Default: searched in 20–40° \
        from the published 30° until the SAP, pars, lamina, spinous process and dura show together.
        """)
    var rotationDeg: Double?

    @Option(name: .customLong("tilt-deg"), help: """
        Tilt (rock) the preset about the probe's long axis, degrees (−45–45): positive turns the beam toward \
        --side at depth (cranially in transverse); the probe is reseated on the skin. Default 0, or searched \
        within ±20° together with the rotation in pars-oblique.
        """)
    var tiltDeg: Double?

    @Option(name: .customLong("pose-json"), help: "A pose file: {\"worldFromProbe\": 4×4 rows} (or the --json output).")
    var poseJSON: String?

    @Option(help: "Probe: c5-2 (curvilinear, default) or l12-5 (linear).")
    var probe: String = "c5-2"

    @Option(name: .customLong("frequency-mhz"), help: "Override the probe's centre frequency, MHz (1–20).")
    var frequencyMHz: Double?

    @Option(name: .customLong("depth-mm"), help: "Imaging depth, mm (\(BModeSettings.depth.allowedText)).")
    var depthMm: Double = BModeSettings().depthMm

    @Option(name: .customLong("focus-mm"), help: "Transmit focus depth, mm (\(BModeSettings.focus.allowedText)).")
    var focusMm: Double = BModeSettings().focusMm

    @Option(name: .customLong("gain-db"), help: "Overall gain, dB (\(BModeSettings.gain.allowedText)).")
    var gainDB: Double = BModeSettings().gainDB

    @Option(name: .customLong("dynamic-range-db"), help: "Displayed dynamic range, dB (\(BModeSettings.dynamicRange.allowedText)).")
    var dynamicRangeDB: Double = BModeSettings().dynamicRangeDB

    @Option(name: .customLong("tgc-db-per-cm"), help: "Time-gain compensation, dB/cm (\(BModeSettings.tgc.allowedText); default: muscle's two-way attenuation).")
    var tgcDBPerCm: Double?

    @Option(name: .customLong("noise-floor-db"), help: "Receiver noise rms, dB re a perfect reflector at the focus (\(BModeSettings.noiseFloor.allowedText); default -105), or 'none'.")
    var noiseFloor: String = "default"

    @Option(name: .customLong("excitation-cycles"), help: "Cycles of the transmitted sine burst (\(BModeSettings.excitation.allowedText); default 1).")
    var excitationCycles: Double = 1

    @Flag(name: .customLong("no-tissue-texture"), help: "Uniform speckle in each tissue: no muscle striations, fat septa or muscle sheaths.")
    var noTissueTexture = false

    @Option(help: "Scan lines per frame (\(BModeSettings.lineCount.allowedText)).")
    var lines: Int = BModeSettings().lineCount

    @Option(help: ArgumentHelp(PixelSize.constant(width: 512, height: 512).rectangleHelp, valueName: "WIDTHxHEIGHT"), transform: PixelSize.parse)
    var size = PixelSize.constant(width: 512, height: 512)

    @Option(help: "Which side of the image shows the probe's marker end: left or right.")
    var marker: String = "left"

    @OptionGroup var needle: NeedleOptions

    @Flag(help: "Label the SAP, pars, lamina, dura, spinous process (and facet joints) where they show.")
    var annotate = false

    @Option(help: "How the frame is drawn: plain (the bare 8-bit image, for analysis) or scanner (as a scanner shows it: depth scale, focus marker, orientation mark, readout of probe, frequency, depth, gain and dynamic range). (default: plain)")
    var display: String?

    /// The previous release's flag for `--display scanner`; still accepted, no longer in the help.
    @Flag(name: .customLong("scanner-display"), help: .hidden)
    var scannerDisplay = false

    /// `--display`, else `scanner` when the old flag is given, else `plain`.
    func frameDisplay() throws -> FrameDisplay {
        if let display { return try FrameDisplay.parse(display) }
        return scannerDisplay ? .scanner : .plain
    }

    @OptionGroup var seed: SeedOption

    @Option(help: "Output PNG.")
    var out: String?

    @Option(name: .customLong("labels-out"), help: "Also write the subject's labels on the image plane (colour PNG), the ground truth of the frame.")
    var labelsOut: String?

    @Flag(help: "Print pose, image geometry and structure pixels as JSON (with --phantom point: the measured point-spread widths and the settings).")
    var json = false

    @Option(help: "Validation phantom instead of a subject: point.")
    var phantom: String?

    @Option(name: .customLong("lateral-offset-mm"), help: "Point target: lateral offset from the central line, mm.")
    var lateralOffsetMm: Double = 0

    @Option(name: .customLong("elevation-offset-mm"), help: "Point target: elevation offset from the image plane, mm.")
    var elevationOffsetMm: Double = 0

    @Option(help: "Point target: write the linear envelope here (Float32 NIfTI).")
    var raw: String?

    @Option(name: .customLong("pixel-mm"), help: "Point target: pixel spacing of --raw, mm.")
    var pixelMm: Double = 0.05

    @Option(name: .customLong("window-mm"), help: "Point target: side of the square --raw window centred on the point, mm.")
    var windowMm: Double = 8

    func validate() throws {
        if let phantom {
            guard phantom == "point" else { throw ValidationError("unknown --phantom '\(phantom)': allowed point") }
            guard raw != nil || out != nil || json else { throw ValidationError("--phantom point needs --raw FILE, --out PNG and/or --json") }
        } else {
            guard subject != nil else { throw ValidationError("give --subject DIR (or --phantom point)") }
            guard (view == nil) != (poseJSON == nil) else { throw ValidationError("give exactly one of --view and --pose-json") }
            guard out != nil || json else { throw ValidationError("give --out PNG and/or --json") }
        }
        if try frameDisplay() == .plain, scannerDisplay {
            throw ValidationError("--scanner-display and --display plain contradict each other: give one --display, scanner or plain")
        }
        guard ["left", "right"].contains(marker) else { throw ValidationError("--marker '\(marker)' is not allowed: left or right") }
        guard pixelMm.isFinite, (0.005...1).contains(pixelMm) else { throw ValidationError("--pixel-mm \(pixelMm) is out of range: allowed 0.005–1") }
        guard windowMm.isFinite, (1...100).contains(windowMm) else { throw ValidationError("--window-mm \(windowMm) is out of range: allowed 1–100") }
        if let tiltDeg { try ProbeView.tilt.checked(tiltDeg) }
        // Named modes, before any subject is read.
        _ = try SpinalLevel.parse(level)
        _ = try Side.parse(side)
        if let view { _ = try ProbeView.parse(view) }
        if let rotationDeg { try ProbeView.rotation.checked(rotationDeg) }
        try BModeSettings.depth.checked(depthMm)
        try BModeSettings.gain.checked(gainDB)
        try checkOutputFiles([(out, .png, "--out"), (labelsOut, .png, "--labels-out"), (raw, .nifti, "--raw")])
    }

    func run() throws {
        let (transducer, settings) = try configuration()
        let simulator = try BModeSimulator(transducer: transducer, settings: settings)
        if phantom != nil { return try runPointTarget(simulator) }

        let dir = subject!
        let folder = try SubjectFolder(directory: dir)
        let labels = try folder.labels(), document = folder.document, landmarks = folder.landmarks
        let level = try SpinalLevel.parse(level)
        let side = try Side.parse(side)
        let (pose, preset) = try resolvePose(labels: labels, landmarks: landmarks, level: level, side: side, transducer: transducer)
        let frame = simulator.render(labels: labels, pose: pose, needle: try needle.shaft())
        let structures = annotate || json
            ? StructureLocator.locate(frame: frame, labels: labels, landmarks: landmarks, level: level, side: side,
                                      depthMm: settings.depthMm, transducer: transducer, lineCount: settings.lineCount,
                                      dynamicRangeDB: settings.dynamicRangeDB)
            : []
        if let out {
            switch try frameDisplay() {
            case .scanner:
                let drawn = annotate ? frame.annotated(structures) : RGBImage(frame.image)
                try PNG.write(frame.shown(.scanner, over: drawn, settings: settings, transducer: transducer), to: out)
            case .plain:
                if annotate { try PNG.write(frame.annotated(structures), to: out) } else { try PNG.write(frame.image, to: out) }
            }
        }
        if let labelsOut {
            let g = frame.geometry
            try PNG.write(LabelPalette.colour(width: g.width, height: g.height, labels: simulator.labelMap(labels: labels, pose: pose)), to: labelsOut)
        }
        let contact = ProbeContact.measure(pose, transducer: transducer, labels: labels)
        if json {
            print(try UltrasoundReport(frame: frame, structures: structures, transducer: transducer, settings: settings,
                                       contact: contact, preset: preset).jsonString())
        } else if let out {
            print("wrote \(out) (\(frame.image.width)×\(frame.image.height), \(String(format: "%.3f", frame.geometry.pixelSpacingMm)) mm/pixel)")
            if let preset, preset.searched {
                print(String(format: "pars-oblique found at %.0f° rotation, %.0f° tilt toward the %@ side and the probe slid %.0f mm along its axis",
                             preset.rotation.degrees, preset.tilt.degrees, side.rawValue, preset.slideMm))
                if !preset.missing.isEmpty {
                    print("note: no pose within 20–40° and ±20° of tilt shows all of SAP, pars, lamina, spinous process and dura here; missing: \(preset.missing.joined(separator: ", "))")
                }
            }
            if contact.fraction < ProbeContact.targetFraction {
                print(String(format: "note: the probe face touches the skin over %.0f %% of its footprint; the rest is in the air and images black", 100 * contact.fraction))
            }
        }
    }

    private func configuration() throws -> (Transducer, BModeSettings) {
        var transducer = try Transducer.preset(named: probe)
        if let f = frequencyMHz { transducer.centreFrequencyMHz = f }
        transducer = try transducer.validated()
        var s = BModeSettings()
        s.depthMm = depthMm
        s.focusMm = focusMm
        s.gainDB = gainDB
        s.dynamicRangeDB = dynamicRangeDB
        s.tgcDBPerCm = tgcDBPerCm
        switch noiseFloor.lowercased() {
        case "default": break
        case "none": s.noiseFloorDB = nil
        default:
            guard let dB = Double(noiseFloor) else {
                throw ValidationError("--noise-floor-db '\(noiseFloor)' is not a number of dB (\(BModeSettings.noiseFloor.allowedText)) or 'none'")
            }
            s.noiseFloorDB = try BModeSettings.noiseFloor.checked(dB)
        }
        s.excitationCycles = try BModeSettings.excitation.checked(excitationCycles)
        s.tissueTexture = !noTissueTexture
        s.lineCount = lines
        s.seed = seed.seed
        s.markerOnLeft = marker == "left"
        s.imageWidth = size.width; s.imageHeight = size.height
        if phantom != nil {
            try PhysicalParameter.check("point depth", depthMm, in: BModeSettings.depth.range.lowerBound...(BModeSettings.depth.range.upperBound - 10), unit: "mm")
            var p = PointTarget.settings(depthMm: depthMm, focusMm: focusMm, seed: seed.seed)
            p.gainDB = gainDB; p.dynamicRangeDB = dynamicRangeDB
            p.imageWidth = s.imageWidth; p.imageHeight = s.imageHeight; p.markerOnLeft = s.markerOnLeft
            if lines != 256 { p.lineCount = lines }
            p.excitationCycles = s.excitationCycles
            s = p
        }
        return (transducer, try s.validated())
    }

    /// The pose: a preset view (with how it was placed) or the pose file's, set on the skin.
    private func resolvePose(labels: Volume<UInt8>, landmarks: [String: Vector3], level: SpinalLevel, side: Side,
                             transducer: Transducer) throws -> (ProbePose, ProbePreset?) {
        if let view {
            let preset = try ProbeView.parse(view).preset(level: level, side: side, rotation: rotationDeg.map { .degrees($0) },
                                                          tilt: tiltDeg.map { .degrees($0) }, labels: labels, landmarks: landmarks,
                                                          transducer: transducer)
            return (preset.pose, preset)
        }
        let pose = try PoseFile.read(path: poseJSON!)
        // A pressed pose (a preset's or a plan's, face 0–15 mm under the skin) is used as it is, so their
        // JSON gives back the same frame; any other is set on the skin along its beam, unpressed.
        let press = ProbeContact.depthBelowSkin(pose.centreMm, beam: pose.beam, labels: labels)
        if (0...ProbePose.maximumPressMm).contains(press) { return (pose, nil) }
        return (try ProbePose.onSkin(of: labels, pointMm: pose.centreMm, beam: pose.beam, azimuth: pose.azimuth), nil)
    }

    private func runPointTarget(_ simulator: BModeSimulator) throws {
        let point = Vector3(lateralOffsetMm, elevationOffsetMm, depthMm)
        let target = try PointTarget(simulator: simulator)
        if json {
            // The PSF of a point on the central line at --depth-mm, with the settings that made it.
            let spread = try target.pointSpread(depthMm: depthMm)
            let s = simulator.settings, t = simulator.transducer
            let report: [String: Double] = [
                "depthMm": depthMm, "focusMm": s.focusMm, "axialFWHMMm": spread.axialFWHMMm,
                "lateralFWHMMm": spread.lateralFWHMMm, "elevationFWHMMm": spread.elevationFWHMMm,
                "peakDepthMm": spread.peakDepthMm, "excitationCycles": s.excitationCycles,
                "centreFrequencyMHz": t.centreFrequencyMHz, "fractionalBandwidth": t.fractionalBandwidth,
                "transmitFNumber": s.transmitFNumber, "receiveFNumber": s.receiveFNumber,
                "soundSpeedMPerS": t.soundSpeedMPerS, "lines": Double(s.lineCount),
            ]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if let raw {
            let volume = try target.envelopeVolume(at: point, pixelMm: pixelMm, windowMm: windowMm)
            try NIfTI.write(volume, to: raw, description: "ParsGuide point-target envelope")
            print("wrote \(raw): linear envelope, \(volume.grid.dimensions.x)×\(volume.grid.dimensions.y) at \(pixelMm) mm")
        }
        if let out {
            try PNG.write(target.frame(at: point).image, to: out)
            print("wrote \(out)")
        }
    }
}

func parseVector(_ text: String, flag: String) throws -> Vector3 {
    let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2], x.isFinite, y.isFinite, z.isFinite else {
        throw ValidationError("\(flag) '\(text)' is not x,y,z in mm")
    }
    return Vector3(x, y, z)
}
