import Anatomy
import ArgumentParser
import Foundation
import Imaging
import ParsGuideCore

/// `parsguide slice`: renders one plane of a subject's labels or CT to PNG.
struct SliceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slice",
        abstract: "Render a sagittal, axial or coronal slice of a subject's labels or CT to PNG.",
        discussion: """
        Radiological display: axial and coronal slices show the patient's right on the image's left; axial
        slices have anterior at the top, sagittal slices anterior on the left; superior is up.
        """)

    enum Layer: String, ExpressibleByArgument, CaseIterable { case labels, ct }

    @OptionGroup var subjectFolder: SubjectOption

    @Option(help: "Which volume: labels (colour) or ct (grey).")
    var volume: Layer = .labels

    @Option(help: "Plane: sagittal, axial or coronal.")
    var plane: SlicePlane = .sagittal

    @Option(name: .customLong("at-mm"), help: "Position of the plane along its normal axis, world LPS mm.")
    var atMm: Double?

    @Option(name: .customLong("at-landmark"), help: "Put the plane through a landmark of subject.json, e.g. L5.left.pars.")
    var atLandmark: String?

    @Option(help: "CT window centre, HU.")
    var level: Double = 300

    @Option(help: "CT window width, HU.")
    var window: Double = 1600

    @Option(help: "Integer enlargement of the output.")
    var scale: Int = 1

    @Option(help: "Output PNG file.")
    var out: String

    func validate() throws {
        guard (1...8).contains(scale) else { throw ValidationError("--scale \(scale) is out of range: allowed 1–8") }
        guard window > 0 else { throw ValidationError("--window \(window) HU must be positive") }
        guard (atMm == nil) != (atLandmark == nil) else {
            throw ValidationError("give exactly one of --at-mm and --at-landmark")
        }
        try checkOutputFiles([(out, .png, "--out")])
    }

    func run() throws {
        let folder = try subjectFolder.open()
        let image = try NIfTI.read(path: folder.path(volume == .labels ? SubjectWriter.labelsFile : SubjectWriter.ctFile))
        let position: Double
        if let name = atLandmark {
            let p = try folder.document.landmark(name)
            position = plane == .sagittal ? p.x : (plane == .coronal ? p.y : p.z)
        } else {
            position = atMm!
        }
        let picture: RGBImage
        switch image {
        case .uint8(let labels) where volume == .labels:
            let s = try VolumeSlice(labels, plane: plane, atMm: position)
            picture = LabelPalette.colour(width: s.width, height: s.height, labels: s.values)
        default:
            let s = try VolumeSlice(image.float32, plane: plane, atMm: position)
            picture = RGBImage(GrayImage.windowed(s.values, width: s.width, height: s.height, level: Float(level), window: Float(window)))
        }
        try PNG.write(picture.scaled(by: scale), to: out)
        print("wrote \(out) (\(picture.width * scale)×\(picture.height * scale), \(plane.rawValue) at \(String(format: "%.1f", position)) mm)")
    }
}

extension SlicePlane: ExpressibleByArgument {}
