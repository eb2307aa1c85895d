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
    /// How far its echo stands above the tissue around it: the brightest pixel within 2 mm of where it is
    /// shown over the median imaged (non-black) pixel within `StructureLocator.surroundRadiusMm`, dB of the
    /// display's dynamic range.
    public var echoContrastDB: Double

    /// An echo this far above the tissue median is plainly visible (chosen: 12 dB, 4× in amplitude).
    public static let visibleContrastDB = 12.0
    /// True when the structure both lies in the plane and stands out (`visibleContrastDB`).
    public var isVisible: Bool { echoContrastDB >= Self.visibleContrastDB }
}

/// Finds the teaching structures of the pars approach in a frame.
///
/// Bone structures are located on what the beam actually shows: the first bone surface each scan line
/// meets in the image plane. Each such surface point belongs to the nearest landmark of its vertebra
/// (SAP, IAP, pars, pedicle, lamina of either side, spinous-process tip, body) when the surface faces
/// the beam (`facesBeam`); a structure shows when
/// its points span `minimumWidthMm` across the image, and is shown at its surface point nearest to its landmark. The dura
/// is where scan lines reach the thecal sac without crossing bone (the interlaminar window), as wide. Facet joints are shown at their landmark when it lies within
/// `slabHalfWidthMm` of the plane.
public enum StructureLocator {
    public static let slabHalfWidthMm = 4.0
    /// A structure shows when the beam meets it across at least this width of the image, mm (chosen: a
    /// grazed edge, or a wall the beam runs along, is a few pixels wide and not something a reader can name).
    public static let minimumWidthMm = 3.0
    /// A structure's echo is judged against the tissue within this distance of it, mm (chosen: the
    /// neighbourhood a reader compares it with, wider than the speckle and the structure itself).
    public static let surroundRadiusMm = 10.0

    /// Bone surfaces whose normal lies within this angle of the beam return a specular echo the probe
    /// receives (chosen: 75°; an edge-on wall reflects away from the aperture).
    public static let maximumIncidenceDegrees = 75.0

    /// True when the bone surface at `p` faces the beam: its outward normal (a central difference of the
    /// bone indicator over ±1 mm, summed over a 3×3 patch) within `maximumIncidenceDegrees` of −beam.
    static func facesBeam(_ p: Vector3, beam: Vector3, labels: Volume<UInt8>) -> Bool {
        let h = 1.0
        func bone(_ q: Vector3) -> Double { Tissue.isBone(labels.value(nearestTo: q) ?? 0) ? 1 : 0 }
        let axes = [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)]
        var g = [0.0, 0.0, 0.0]
        for (i, a) in axes.enumerated() {
            let u = axes[(i + 1) % 3] * h, v = axes[(i + 2) % 3] * h
            for du in -1...1 { for dv in -1...1 {
                let q = p + u * Double(du) + v * Double(dv)
                g[i] += bone(q + a * h) - bone(q - a * h)
            } }
        }
        let outward = -Vector3(g[0], g[1], g[2])
        guard outward.length > 0 else { return true }
        return outward.normalized.dot(-beam) >= cos(maximumIncidenceDegrees * .pi / 180)
    }

    /// The width the points span across the image (along the probe's array axis), mm.
    static func widthMm(_ points: [Vector3], pose: ProbePose) -> Double {
        let x = points.map { pose.probePoint(ofWorld: $0).x }
        return (x.max() ?? 0) - (x.min() ?? 0)
    }

    public static func locate(frame: BModeFrame, labels: Volume<UInt8>, landmarks: [String: Vector3], level: SpinalLevel,
                              side: Side, depthMm: Double, transducer: Transducer, lineCount: Int = 256,
                              dynamicRangeDB: Double = BModeSettings().dynamicRangeDB) -> [LocatedStructure] {
        let seen = sightings(pose: frame.pose, labels: labels, landmarks: landmarks, level: level, side: side,
                             depthMm: depthMm, transducer: transducer, lineCount: lineCount)
        let image = frame.image
        let tissue = image.pixels.filter { $0 > 0 }.sorted()
        let globalMedian = tissue.isEmpty ? 0 : Int(tissue[tissue.count / 2])
        /// The pixels within `radiusMm` of a point.
        func disc(column: Double, row: Double, radiusMm: Double) -> [UInt8] {
            let r = Int((radiusMm / frame.geometry.pixelSpacingMm).rounded())
            let c = Int(column.rounded()), w = Int(row.rounded())
            var out: [UInt8] = []
            for dy in -r...r { for dx in -r...r where dx * dx + dy * dy <= r * r {
                let x = c + dx, y = w + dy
                if x >= 0, y >= 0, x < image.width, y < image.height { out.append(image[x, y]) }
            } }
            return out
        }
        return seen.map { s in
            let px = frame.pixel(ofWorld: s.pointMm)
            let distance = landmarks[s.landmark].map { ($0 - s.pointMm).length } ?? 0
            let brightest = Int(disc(column: px.column, row: px.row, radiusMm: 2).max() ?? 0)
            let around = disc(column: px.column, row: px.row, radiusMm: Self.surroundRadiusMm).filter { $0 > 0 }.sorted()
            let median = around.count >= 16 ? Int(around[around.count / 2]) : globalMedian
            let contrast = Double(brightest - median) / 255 * dynamicRangeDB
            return LocatedStructure(key: s.key, label: s.label, landmark: s.landmark, worldMm: [s.pointMm.x, s.pointMm.y, s.pointMm.z],
                                    pixel: [px.column, px.row], elevationMm: px.elevationMm, distanceToLandmarkMm: distance,
                                    echoContrastDB: contrast)
        }
    }

    /// A structure seen by a pose: its key, label, landmark and where it shows (world mm).
    public struct Sighting: Sendable {
        public var key: String, label: String, landmark: String
        public var pointMm: Vector3
    }

    /// The teaching structures a pose would show (no image needed): the bone structures, dura and facet
    /// joints as `locate` finds them, in the order SAP, pars, lamina, spinous process, dura, facet joints.
    public static func sightings(pose: ProbePose, labels: Volume<UInt8>, landmarks: [String: Vector3], level: SpinalLevel,
                                 side: Side, depthMm: Double, transducer: Transducer, lineCount: Int = 256,
                                 stepMm: Double = 0.25) -> [Sighting] {
        var settings = BModeSettings()
        settings.lineCount = lineCount
        settings.depthMm = depthMm
        let scan = ScanGeometry(transducer: transducer, settings: settings)
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
        var dura: [Vector3] = []
        let step = stepMm
        for l in 0..<scan.lineCount {
            let o = pose.worldFromProbe.apply(scan.origin(l)), d = pose.worldFromProbe.applyToDirection(scan.direction(l))
            var depth = 0.0
            while depth < depthMm {
                let p = o + d * depth
                let v = labels.value(nearestTo: p) ?? 0
                if Tissue.isBone(v) {
                    // Only a surface turned toward the probe returns its specular echo.
                    if v == tissue, facesBeam(p, beam: d, labels: labels) {
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
                    dura.append(p); break
                }
                depth += step
            }
        }

        var found: [Sighting] = []
        let prefix = "\(name).\(side.rawValue)"
        for (key, label, landmark) in [("superiorArticularProcess", "SAP", "\(prefix).superiorArticularProcess"),
                                       ("pars", "PARS", "\(prefix).pars"),
                                       ("lamina", "LAMINA", "\(prefix).lamina"),
                                       ("spinousProcess", "SP", tipKey)] {
            guard let target = landmarks[landmark], let points = surface[landmark], widthMm(points, pose: pose) >= minimumWidthMm else { continue }
            found.append(Sighting(key: key, label: label, landmark: landmark, pointMm: points.min { ($0 - target).length < ($1 - target).length }!))
        }
        if widthMm(dura, pose: pose) >= minimumWidthMm {
            found.append(Sighting(key: "dura", label: "DURA", landmark: "", pointMm: dura[dura.count / 2]))
        }
        for joint in facetJoints(of: level) {
            let landmark = "\(joint).\(side.rawValue).facetJoint"
            guard let p = landmarks[landmark], abs(pose.probePoint(ofWorld: p).y) <= slabHalfWidthMm else { continue }
            found.append(Sighting(key: "facetJoint.\(joint)", label: joint, landmark: landmark, pointMm: p))
        }
        return found
    }

    /// The five structures the published pars view brings together.
    public static let parsViewKeys = ["superiorArticularProcess", "pars", "lamina", "spinousProcess", "dura"]

    /// The facet joints above and below a level, e.g. L4-L5 and L5-S1 for L5.
    static func facetJoints(of level: SpinalLevel) -> [String] {
        var joints: [String] = []
        if let above = SpinalLevel.allCases.last(where: { $0 < level }) { joints.append("\(above.rawValue)-\(level.rawValue)") }
        if let below = level.next { joints.append("\(level.rawValue)-\(below.rawValue)") }
        return joints
    }
}
