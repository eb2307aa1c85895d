import ParsGuideCore
import Foundation

/// The `subject.json` written beside the volumes: habitus, grid, defects, landmarks, measurements.
/// Key names are a public contract.
public struct SubjectDocument: Codable, Sendable {
    public struct HabitusEntry: Codable, Sendable {
        public var heightCm: Double
        public var weightKg: Double
        public var bmi: Double
        public var sex: Sex
        public var ageYears: Double
    }

    public struct GridEntry: Codable, Sendable {
        public var dimensions: [Int]
        public var spacingMm: [Double]
        /// Always "LPS": +x patient left, +y posterior, +z superior. The NIfTI files are RAS on disk.
        public var frame: String
        /// Row-major 4×4 mapping voxel index (i, j, k, 1) to world LPS millimetres.
        public var worldFromIndex: [[Double]]
        public var patientPosition: String
    }

    public struct DefectEntry: Codable, Sendable {
        public var target: String
        public var level: SpinalLevel
        public var side: Side
        public var gapMm: Double
        public var obliquityDegrees: Double
        /// The landmark at the centre of the cleft.
        public var landmark: String
    }

    public var format = "parsguide-subject"
    public var version = 1
    /// The habitus a phantom was sized to; absent for a patient's CT.
    public var habitus: HabitusEntry?
    public var grid: GridEntry
    public var defects: [DefectEntry]
    public var landmarks: [String: [Double]]
    public var measurements: [String: Double]
    /// Label value (as a string) → tissue name.
    public var labels: [String: String]
    public var files: [String: String]
    public var seed: UInt64
    /// The sources the anatomy is derived from, with their licences' attribution lines (absent in files
    /// written before the BodyParts3D sacrum).
    public var attribution: [String]?
    /// Where the anatomy comes from (absent in files written before `parsguide subject`: a phantom).
    public var source: SubjectSource?

    public init(_ s: Subject, files: [String: String]) {
        habitus = s.habitus.map {
            HabitusEntry(heightCm: $0.heightCm, weightKg: $0.weightKg, bmi: Self.round($0.bodyMassIndex, 2), sex: $0.sex, ageYears: $0.ageYears)
        }
        let g = s.labels.grid
        grid = GridEntry(dimensions: [g.dimensions.x, g.dimensions.y, g.dimensions.z],
                         spacingMm: [g.spacingMm.x, g.spacingMm.y, g.spacingMm.z], frame: "LPS",
                         worldFromIndex: g.worldFromIndex.rows.map { [$0.x, $0.y, $0.z, $0.w] }, patientPosition: "prone")
        defects = s.defects.map {
            DefectEntry(target: $0.name, level: $0.level, side: $0.side, gapMm: $0.gapMm,
                        obliquityDegrees: $0.obliquity.degrees, landmark: Subject.parsLandmarkName(level: $0.level, side: $0.side))
        }
        landmarks = s.landmarks.mapValues { [Self.round($0.x, 3), Self.round($0.y, 3), Self.round($0.z, 3)] }
        measurements = s.measurements.mapValues { Self.round($0, 3) }
        labels = Dictionary(uniqueKeysWithValues: Tissue.allCases.map { (String($0.rawValue), $0.name) })
        self.files = files
        seed = s.seed
        attribution = s.attribution
        source = s.source
    }

    /// Where the subject's anatomy comes from; BodyParts3D's licence (CC BY-SA 2.1 JP) asks for its line
    /// wherever derived volumes are shipped.
    public static let attribution = [
        "L2–L5: population-mean lumbar shape, Clouthier et al., J Biomech 2023;146:111421 (MIT licence)",
        "L1, sacrum and hip bones: " + BodyParts3D.attribution + "; Mitsuhashi et al., Nucleic Acids Res 2009;37:D782–D785",
    ]

    static func round(_ v: Double, _ places: Int) -> Double {
        let f = pow(10, Double(places))
        return (v * f).rounded() / f
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    /// Reads a `subject.json`.
    public static func read(path: String) throws -> SubjectDocument {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw AnatomyError.fileUnreadable(path: path, reason: error.localizedDescription)
        }
        return try decode(data, path: path)
    }

    /// Decodes and checks the bytes of a `subject.json` as `read` does (`path` names it in errors).
    public static func decode(_ data: Data, path: String = "subject.json") throws -> SubjectDocument {
        let document: SubjectDocument
        do { document = try JSONDecoder().decode(SubjectDocument.self, from: data) } catch {
            throw AnatomyError.corruptFile(path: path, reason: "not a ParsGuide subject.json (\(error))")
        }
        try document.validate(path: path)
        return document
    }

    /// Landmarks are three finite numbers within 10 m of the origin, measurements finite, a scan's voxel a
    /// spacing a CT can have; otherwise the key at fault is named (NaN passes the decoder as null only, but
    /// 1e300 would reach the geometry).
    func validate(path: String) throws {
        for (name, v) in landmarks.sorted(by: { $0.key < $1.key }) {
            guard v.count == 3, v.allSatisfy({ $0.isFinite && $0.magnitude <= 10_000 }) else {
                throw AnatomyError.corruptFile(path: path, reason: "landmark \(name) is \(v): it must be three finite numbers within ±10000 mm")
            }
        }
        if let (name, v) = measurements.first(where: { !$0.value.isFinite }) {
            throw AnatomyError.corruptFile(path: path, reason: "measurement \(name) is \(v): it must be finite")
        }
        if let v = source?.scanVoxelMm, !SubjectSource.scanVoxelRangeMm.contains(v) {
            throw AnatomyError.corruptFile(path: path, reason: "source.scanVoxelMm is \(v): it must be a voxel spacing of \(SubjectSource.scanVoxelRangeMm.lowerBound)–\(SubjectSource.scanVoxelRangeMm.upperBound) mm")
        }
    }

    /// Every landmark as a point, world LPS mm (`validate` has checked each has three finite coordinates).
    public var landmarkPoints: [String: Vector3] {
        landmarks.compactMapValues { $0.count == 3 ? Vector3($0[0], $0[1], $0[2]) : nil }
    }

    /// A landmark by name, or an error listing close names.
    public func landmark(_ name: String) throws -> Vector3 {
        guard let v = landmarks[name], v.count == 3 else {
            throw UnknownChoice(choiceName: "landmark", value: name, allowed: landmarks.keys.sorted())
        }
        return Vector3(v[0], v[1], v[2])
    }
}
