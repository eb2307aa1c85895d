import Anatomy
import Devices
import Foundation
import Ultrasound

/// What `parsguide ultrasound --json` prints. Key names are a public contract.
struct UltrasoundReport: Codable {
    struct Pose: Codable {
        /// 4×4 rows, probe mm → world LPS mm.
        var worldFromProbe: [[Double]]
        var centreMm: [Double]
        var beam: [Double]
        var azimuth: [Double]
    }
    struct Image: Codable {
        var width: Int
        var height: Int
        var pixelSpacingMm: Double
        /// Pixel (column, row) of the probe apex: the centre of curvature of a convex array (above the
        /// image), the footprint centre of a linear one.
        var apexPixel: [Double]
        /// Pixel of the footprint centre (probe origin).
        var footprintCentrePixel: [Double]
        var markerOnLeft: Bool
    }
    var probe: String
    var centreFrequencyMHz: Double
    var depthMm: Double
    var focusMm: Double
    var lineCount: Int
    var pose: Pose
    /// How much of the face touches the skin (`fraction`, 0–1) and how deep its centre is pressed (`pressMm`;
    /// negative: above the skin). Where the face is in the air, the image is black.
    var contact: ProbeContact
    var image: Image
    var structures: [LocatedStructure]
    /// How a preset view was placed (absent for --pose-json): rotation from sagittal and tilt toward the
    /// side, °, the face's slide along the array from the landmark, mm, and whether they were searched
    /// (pars-oblique) rather than given.
    var preset: Preset?
    struct Preset: Codable {
        var rotationDeg: Double
        var tiltDeg: Double
        var slideMm: Double
        var searched: Bool
        /// Structures of the pars view (SAP, pars, lamina, spinous process, dura) the search could not bring in.
        var missing: [String]
    }

    init(frame: BModeFrame, structures: [LocatedStructure], transducer: Transducer, settings: BModeSettings, contact: ProbeContact,
         preset: ProbePreset? = nil) {
        self.contact = contact
        self.preset = preset.map { Preset(rotationDeg: $0.rotation.degrees, tiltDeg: $0.tilt.degrees, slideMm: $0.slideMm, searched: $0.searched,
                                     missing: $0.missing) }
        probe = transducer.name
        centreFrequencyMHz = transducer.centreFrequencyMHz
        depthMm = settings.depthMm
        focusMm = settings.focusMm
        lineCount = settings.lineCount
        let p = frame.pose
        pose = Pose(worldFromProbe: p.worldFromProbe.rows.map { [$0.x, $0.y, $0.z, $0.w] },
                    centreMm: [p.centreMm.x, p.centreMm.y, p.centreMm.z], beam: [p.beam.x, p.beam.y, p.beam.z],
                    azimuth: [p.azimuth.x, p.azimuth.y, p.azimuth.z])
        let apex = frame.geometry.pixel(ofProbePoint: Vector3(0, 0, -(transducer.radiusMm ?? 0)))
        let foot = frame.footprintPixel
        image = Image(width: frame.image.width, height: frame.image.height, pixelSpacingMm: frame.geometry.pixelSpacingMm,
                      apexPixel: [apex.column, apex.row], footprintCentrePixel: [foot.column, foot.row],
                      markerOnLeft: settings.markerOnLeft)
        self.structures = structures
    }

    func jsonString() throws -> String { try prettyJSON(self) }
}

/// Reads a probe pose: `{"worldFromProbe": [[4 numbers] × 4]}` or the `--json` output of
/// `parsguide ultrasound` (its `pose.worldFromProbe`).
enum PoseFile {
    struct Bare: Decodable { var worldFromProbe: [[Double]] }
    struct Wrapped: Decodable { var pose: Bare }

    static func read(path: String) throws -> ProbePose {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnatomyError.fileUnreadable(path: path, reason: "no such file or not readable")
        }
        let decoder = JSONDecoder()
        let rows: [[Double]]
        if let bare = try? decoder.decode(Bare.self, from: data) { rows = bare.worldFromProbe }
        else if let wrapped = try? decoder.decode(Wrapped.self, from: data) { rows = wrapped.pose.worldFromProbe }
        else { throw AnatomyError.corruptFile(path: path, reason: "expected {\"worldFromProbe\": [[4 numbers] × 4]}") }
        guard rows.count >= 3, rows.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isFinite) }) else {
            throw AnatomyError.corruptFile(path: path, reason: "worldFromProbe must be 3 or 4 rows of 4 finite numbers")
        }
        try checkRigid(rows, path: path)
        let m = Matrix4(rows: (0..<3).map { SIMD4(rows[$0][0], rows[$0][1], rows[$0][2], rows[$0][3]) } + [SIMD4(0, 0, 0, 1)])
        return try ProbePose(centreMm: m.translation, beam: m.column(2), azimuth: m.column(0))
    }

    /// A pose must be a proper rigid transform (`Matrix4.rigidTransformProblem`); otherwise the entry at fault is named.
    static func checkRigid(_ rows: [[Double]], path: String) throws {
        if let problem = Matrix4.rigidTransformProblem(rows: rows) {
            throw AnatomyError.corruptFile(path: path, reason: "worldFromProbe is not a rigid transform: \(problem)")
        }
    }
}
