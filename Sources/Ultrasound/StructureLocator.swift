import Anatomy
import Foundation

/// A structure located in a B-mode frame, for teaching labels and `--json`.
public struct LocatedStructure: Codable, Hashable, Sendable {
    /// JSON key, e.g. `superiorArticularProcess`, `facetJoint.L4-L5`.
    public var key: String
    /// Short label drawn on the image, e.g. `SAP`.
    public var label: String
    /// The landmark of `subject.json` it belongs to (empty for the dura).
    public var landmark: String
    /// Where it shows: world LPS mm and fractional pixel (column, row).
    public var worldMm: [Double]
    public var pixel: [Double]
    /// Distance of that point from the image plane, mm.
    public var elevationMm: Double
    /// Distance from the shown point to the landmark, mm.
    public var distanceToLandmarkMm: Double
}

/// Finds the teaching structures of the pars approach in a frame.
///
/// Bone structures are located on what the beam actually shows: the first bone surface each scan line
/// meets in the image plane. Each such surface point belongs to the nearest landmark of its vertebra
/// (SAP, IAP, pars, pedicle, lamina of either side, spinous-process tip, body); a structure is shown at
/// its surface point nearest to its landmark. The dura is where scan lines reach the thecal sac without
/// crossing bone (the interlaminar window). Facet joints are shown at their landmark when it lies within
/// `slabHalfWidthMm` of the plane.
public enum StructureLocator {
    public static let slabHalfWidthMm = 4.0

    public static func locate(frame: BModeFrame, labels: Volume<UInt8>, landmarks: [String: Vector3], level: SpinalLevel,
                              side: Side, depthMm: Double, transducer: Transducer, lineCount: Int = 256) -> [LocatedStructure] {
        var settings = BModeSettings()
        settings.lineCount = lineCount
        settings.depthMm = depthMm
        let scan = ScanGeometry(transducer: transducer, settings: settings)
        let pose = frame.pose
        let tissue = level.tissue.rawValue
        let name = level.rawValue

        // Landmarks that compete for surface points of this vertebra.
        var owners: [(String, Vector3)] = []
        for s in Side.allCases {
            for part in ["superiorArticularProcess", "inferiorArticularProcess", "pars", "pedicle", "lamina"] {
                let key = "\(name).\(s.rawValue).\(part)"
                if let p = landmarks[key] { owners.append((key, p)) }
            }
        }
        for part in ["spinousProcessTip", "bodyCentre"] {
            if let p = landmarks["\(name).\(part)"] { owners.append(("\(name).\(part)", p)) }
        }
        guard !owners.isEmpty else { return [] }

        // The spinous process is the midline part of the arch behind the laminae: surface points within
        // 5 mm of the tip's sagittal plane and posterior to both laminae belong to it, whatever landmark
        // is nearest (the tip landmark lies far back, so nearest-landmark would hand its base to a lamina).
        let tipKey = "\(name).spinousProcessTip"
        let tip = landmarks[tipKey]
        let laminaY = Side.allCases.compactMap { landmarks["\(name).\($0.rawValue).lamina"]?.y }.max()
        var surface: [String: [Vector3]] = [:]
        var dura: [(line: Int, point: Vector3)] = []
        let step = 0.25
        for l in 0..<scan.lineCount {
            let o = pose.worldFromProbe.apply(scan.origin(l)), d = pose.worldFromProbe.applyToDirection(scan.direction(l))
            var depth = 0.0
            while depth < depthMm {
                let p = o + d * depth
                let v = labels.value(nearestTo: p) ?? 0
                if Tissue.isBone(v) {
                    if v == tissue {
                        if let tip, let laminaY, abs(p.x - tip.x) <= 5, p.y > laminaY {
                            surface[tipKey, default: []].append(p)
                        } else {
                            let owner = owners.min { ($0.1 - p).length < ($1.1 - p).length }!
                            surface[owner.0, default: []].append(p)
                        }
                    }
                    break
                }
                if v == Tissue.dura.rawValue || v == Tissue.cerebrospinalFluid.rawValue {
                    dura.append((l, p)); break
                }
                depth += step
            }
        }

        var found: [LocatedStructure] = []
        func add(key: String, label: String, landmark: String, at p: Vector3) {
            let px = frame.pixel(ofWorld: p)
            let distance = landmarks[landmark].map { ($0 - p).length } ?? 0
            found.append(LocatedStructure(key: key, label: label, landmark: landmark, worldMm: [p.x, p.y, p.z],
                                          pixel: [px.column, px.row], elevationMm: px.elevationMm, distanceToLandmarkMm: distance))
        }
        let prefix = "\(name).\(side.rawValue)"
        for (key, label, landmark) in [("superiorArticularProcess", "SAP", "\(prefix).superiorArticularProcess"),
                                       ("pars", "PARS", "\(prefix).pars"),
                                       ("lamina", "LAMINA", "\(prefix).lamina"),
                                       ("spinousProcess", "SP", "\(name).spinousProcessTip")] {
            guard let target = landmarks[landmark], let points = surface[landmark], !points.isEmpty else { continue }
            add(key: key, label: label, landmark: landmark, at: points.min { ($0 - target).length < ($1 - target).length }!)
        }
        if !dura.isEmpty {
            add(key: "dura", label: "DURA", landmark: "", at: dura[dura.count / 2].point)
        }
        for joint in facetJoints(of: level) {
            let landmark = "\(joint).\(side.rawValue).facetJoint"
            guard let p = landmarks[landmark], abs(pose.probePoint(ofWorld: p).y) <= slabHalfWidthMm else { continue }
            add(key: "facetJoint.\(joint)", label: joint, landmark: landmark, at: p)
        }
        return found
    }

    /// The facet joints above and below a level, e.g. L4-L5 and L5-S1 for L5.
    static func facetJoints(of level: SpinalLevel) -> [String] {
        var joints: [String] = []
        if let above = SpinalLevel.allCases.last(where: { $0 < level }) { joints.append("\(above.rawValue)-\(level.rawValue)") }
        if let below = level.next { joints.append("\(level.rawValue)-\(below.rawValue)") }
        return joints
    }
}
