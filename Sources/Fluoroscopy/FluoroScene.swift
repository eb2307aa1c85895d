import Anatomy
import Foundation

/// What a C-arm looks at: the CT prepared for ray casting, plus optional vertebra labels and named
/// landmarks for choosing an isocentre.
public struct FluoroScene: Sendable {
    public let volume: AttenuationVolume
    public let labels: Volume<UInt8>?
    public let labelFormat: VertebraLabels
    public let landmarks: [String: Vector3]
    /// Whether shots close the shutters over rows whose rays would leave the modelled body through its
    /// ends (`AttenuationVolume.shutters(for:)`): true for a subject (the phantom or a patient's CT made
    /// into one), false for a bare CT given to `fluoro --ct`, which is ray-cast as it is, as DRR tools do.
    public let collimatesToModel: Bool
    /// The slices (k) the model spans, whose first and last the shutters keep rays from leaving through:
    /// the whole volume, or for the phantom the slices its bones span — above L1 it has soft tissue but no
    /// T12, and a shot there would show the spine stopping.
    public let modelledSlices: ClosedRange<Int>

    public init(volume: AttenuationVolume, labels: Volume<UInt8>? = nil, labelFormat: VertebraLabels = .verse, landmarks: [String: Vector3] = [:],
                collimatesToModel: Bool = false, modelledSlices: ClosedRange<Int>? = nil) {
        self.volume = volume
        self.labels = labels
        self.labelFormat = labelFormat
        self.landmarks = landmarks
        self.collimatesToModel = collimatesToModel
        self.modelledSlices = modelledSlices ?? 0...(volume.grid.dimensions.z - 1)
    }

    /// The slices a subject's model spans (`modelledSlices`): a patient's CT is modelled to the scan's ends
    /// (nil: the whole volume), the phantom where its bones begin and end.
    public static func modelledSlices(labels: Volume<UInt8>, sourceKind: String?) -> ClosedRange<Int>? {
        sourceKind == SubjectSource.patientCTKind ? nil : boneSlices(labels)
    }

    /// The slices of `labels` that hold bone, first to last (nil when none does): where a phantom's
    /// skeleton, and so its model of the body, begins and ends.
    public static func boneSlices(_ labels: Volume<UInt8>) -> ClosedRange<Int>? {
        let d = labels.grid.dimensions, slice = d.x * d.y
        func holdsBone(_ k: Int) -> Bool { labels.voxels[(k * slice)..<((k + 1) * slice)].contains(where: Tissue.isBone) }
        guard let first = (0..<d.z).first(where: holdsBone), let last = (0..<d.z).last(where: holdsBone) else { return nil }
        return first...last
    }

    /// Loads a subject folder (its ct.nii.gz, labels and landmarks) or a CT with optional labels.
    public static func load(subject: String?, ct: String?, labels: String?, format: VertebraLabels) throws -> FluoroScene {
        if let dir = subject {
            let folder = try SubjectFolder(directory: dir)
            let (ct, labels) = try folder.ctAndLabels()
            return try Self.subject(ct: ct, labels: labels, document: folder.document, directory: dir)
        }
        let ctImage = try NIfTI.read(path: ct!)
        let labelVolume = try labels.map { try NIfTI.read(path: $0).labels(path: $0) }
        return FluoroScene(volume: try attenuation(ctImage), labels: labelVolume, labelFormat: format)
    }

    /// A subject folder's scene from its volumes, already read: `ct` (its `ct.nii.gz`), the labels and
    /// `subject.json`; `directory` names the folder in errors.
    public static func subject(ct: NIfTIImage, labels: Volume<UInt8>, document doc: SubjectDocument, directory dir: String) throws -> FluoroScene {
        guard case .int16(let hu) = ct else {
            throw FluoroscopyError.invalid("\(SubjectWriter.ctFile) in \(dir) is not Int16 Hounsfield units: was it written by `parsguide phantom` or `parsguide subject`?")
        }
        // A patient's CT is ray-cast as scanned; a phantom's soft tissue at each label's mean (its
        // texture is synthetic noise, `AttenuationVolume(subjectCT:labels:)`).
        let volume = doc.source?.kind == SubjectSource.patientCTKind ? try AttenuationVolume(hounsfield: hu)
            : try AttenuationVolume(subjectCT: hu, labels: labels)
        return FluoroScene(volume: volume, labels: labels,
                           labelFormat: .verse, landmarks: doc.landmarkPoints, collimatesToModel: true,
                           modelledSlices: modelledSlices(labels: labels, sourceKind: doc.source?.kind))
    }

    static func attenuation(_ image: NIfTIImage) throws -> AttenuationVolume {
        switch image {
        case .int16(let v): try AttenuationVolume(hounsfield: v)
        default: try AttenuationVolume(hounsfield: image.float32)
        }
    }

    /// The isocentre for a name: `L5` (the centroid of that vertebra's label), `L5-left` (the target's
    /// pars landmark), any landmark name, or `x,y,z`. Default: L5 when labelled, else the volume centre.
    /// Refused if it lies outside the CT.
    public func isocentre(_ name: String?) throws -> Vector3 {
        let p = try resolve(name)
        let q = volume.grid.indexFromWorld.apply(p)
        let n = volume.grid.dimensions
        guard q.x >= -0.5, q.y >= -0.5, q.z >= -0.5, q.x <= Double(n.x) - 0.5, q.y <= Double(n.y) - 0.5, q.z <= Double(n.z) - 0.5 else {
            throw FluoroscopyError.invalid(String(format: "isocentre (%.1f, %.1f, %.1f) mm lies outside the CT volume", p.x, p.y, p.z))
        }
        return p
    }

    private func resolve(_ name: String?) throws -> Vector3 {
        guard let name else {
            if labels != nil, let p = try? centroid(of: "L5") { return p }
            let n = volume.grid.dimensions
            return volume.grid.worldFromIndex.apply(Vector3(Double(n.x - 1) / 2, Double(n.y - 1) / 2, Double(n.z - 1) / 2))
        }
        let parts = name.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        if parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2] { return Vector3(x, y, z) }
        if let p = landmarks[name] { return p }
        let pieces = name.split(separator: "-")
        if pieces.count == 2, let side = try? Side.parse(String(pieces[1])),
           let p = landmarks["\(pieces[0].uppercased()).\(side.rawValue).pars"] { return p }
        if labelFormat.label(of: name) != nil { return try centroid(of: name) }
        throw FluoroscopyError.invalid("unknown isocentre '\(name)': give a level (L1–L5, S1), a target such as L5-left, a landmark name or x,y,z in mm")
    }

    private func centroid(of level: String) throws -> Vector3 {
        guard let labels else { throw FluoroscopyError.invalid("isocentre '\(level)' needs vertebra labels (--labels)") }
        guard let value = labelFormat.label(of: level) else { throw FluoroscopyError.invalid("'\(level)' is not a level") }
        var sum = Vector3.zero, count = 0.0
        let n = labels.grid.dimensions
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x where labels[i, j, k] == value {
            sum += Vector3(Double(i), Double(j), Double(k)); count += 1
        } } }
        guard count > 0 else {
            throw FluoroscopyError.invalid("no voxel carries label \(value) (\(level) in the \(labelFormat.rawValue) convention)")
        }
        return labels.grid.worldFromIndex.apply(sum / count)
    }

    /// The pars defects `shot` sees and how lucent each looks (`DefectLucency`), keyed by target name
    /// (`L5-left`): every pars landmark of a labelled subject with cleft voxels (label 109) near it that
    /// project onto the detector, in level order. Empty for a CT without the subject's labels and landmarks.
    public func defectLucencies(in shot: FluoroShot) throws -> [(target: String, lucency: DefectLucency)] {
        guard let labels, labelFormat == .verse else { return [] }
        var found: [(String, DefectLucency)] = []
        for level in SpinalLevel.modelled { for side in Side.allCases {
            guard let pars = landmarks[Subject.parsLandmarkName(level: level, side: side)],
                  let lucency = try DefectLucency(shot: shot, volume: volume, labels: labels, parsMm: pars),
                  !lucency.bandPixels.isEmpty else { continue }
            found.append(("\(level.rawValue)-\(side.rawValue)", lucency))
        } }
        return found
    }

    /// Distance from the source to the first voxel denser than −500 HU along the central ray, mm.
    public func sourceToSkinMm(_ carm: CArm) -> Double? {
        let traversal = VoxelTraversal(grid: volume.grid)
        // The walk reports lengths from where the ray enters the grid.
        guard let entry = VoxelTraversal.Walk(traversal, start: carm.sourceMm, direction: carm.view, lengthMm: carm.sidMm)?.t else { return nil }
        var first: Double?, t = entry
        let codes = volume.codes
        traversal.traverse(start: carm.sourceMm, direction: carm.view, lengthMm: carm.sidMm) { v, l in
            if first == nil, codes[v] > Self.skinCode { first = t }
            t += l
        }
        return first
    }

    /// HU −500 as a material code (HU + 1024).
    static let skinCode: UInt16 = 524
}

/// Detector images as NIfTI volumes: pixels on the detector plane in world coordinates.
public enum DetectorVolume {
    /// The line integrals of a shot, one slice; the affine places each pixel at its detector position.
    public static func lineIntegrals(_ shot: DRRImage) throws -> Volume<Float> {
        let c = shot.carm, p = c.pixelMm
        let origin = c.detectorPoint(column: 0, row: 0)
        let right = c.right * p, down = -c.up * p, normal = c.view * p
        let m = Matrix4(rows: [
            SIMD4(right.x, down.x, normal.x, origin.x),
            SIMD4(right.y, down.y, normal.y, origin.y),
            SIMD4(right.z, down.z, normal.z, origin.z),
            SIMD4(0, 0, 0, 1),
        ])
        return Volume(grid: try Grid(dimensions: SIMD3(c.pixels, c.pixels, 1), worldFromIndex: m), voxels: shot.lineIntegral)
    }
}
