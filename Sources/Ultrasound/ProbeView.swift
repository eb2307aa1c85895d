import Anatomy
import Foundation

/// The standard probe positions of the pars approach.
public enum ProbeView: String, CaseIterable, Sendable {
    /// Paramedian sagittal over the facet column, centred on the level's inferior facet joint.
    case sagittalFacets = "sagittal-facets"
    /// From the sagittal view, rotated about the beam so the cranial end swings toward the injected
    /// side, centred on the pars.
    case parsOblique = "pars-oblique"
    /// Transverse over the spinous process at the level of the pars.
    case transverse

    public static func parse(_ text: String) throws -> ProbeView {
        guard let v = ProbeView(rawValue: text) else {
            throw UltrasoundError.unknownValue(name: "view", value: text, allowed: allCases.map(\.rawValue))
        }
        return v
    }

    /// The rotation of `pars-oblique` by default: about 30° (the published technique).
    public static let defaultRotation = Angle.degrees(30)

    /// The pose of this view on a subject, seated on its skin (`ProbePose.seated`: the face turned to the
    /// local skin and pressed in until the footprint of `transducer` touches). The preset's beam points
    /// anterior (−y, the patient prone) through the view's landmark; the marker (cranial) end is at the
    /// probe's −x end, on the image's left by default; in `transverse` the marker end is the patient's right.
    public func pose(level: SpinalLevel, side: Side, rotation: Angle = ProbeView.defaultRotation,
                     labels: Volume<UInt8>, landmarks: [String: Vector3], transducer: Transducer = .c52) throws -> ProbePose {
        guard SpinalLevel.modelled.contains(level) else {
            throw UltrasoundError.unknownValue(name: "level", value: level.rawValue, allowed: SpinalLevel.modelled.map(\.rawValue))
        }
        try UltrasoundError.check("rotation", rotation.degrees, in: -90...90, unit: "°")
        func landmark(_ name: String) throws -> Vector3 {
            guard let p = landmarks[name] else { throw UltrasoundError.missingLandmark(name) }
            return p
        }
        let beam = Vector3(0, -1, 0)
        let cranial = Vector3(0, 0, 1)
        func place(_ p: Vector3, azimuth: Vector3) throws -> ProbePose {
            try ProbePose.seated(on: labels, pivotMm: p, beam: beam, azimuth: azimuth, transducer: transducer)
        }
        switch self {
        case .sagittalFacets:
            guard let next = level.next else { throw UltrasoundError.missingLandmark("\(level.rawValue) has no level below") }
            let joint = try landmark("\(level.rawValue)-\(next.rawValue).\(side.rawValue).facetJoint")
            return try place(joint, azimuth: -cranial)
        case .parsOblique:
            let pars = try landmark(Subject.parsLandmarkName(level: level, side: side))
            // Cranial end toward the injected side: seen from behind, counter-clockwise on the left.
            let cranialEnd = Vector3(side.sign * sin(rotation.radians), 0, cos(rotation.radians))
            return try place(pars, azimuth: -cranialEnd)
        case .transverse:
            let left = try landmark(Subject.parsLandmarkName(level: level, side: .left))
            let right = try landmark(Subject.parsLandmarkName(level: level, side: .right))
            let tip = try landmark("\(level.rawValue).spinousProcessTip")
            return try place(Vector3(tip.x, 0, (left.z + right.z) / 2), azimuth: Vector3(1, 0, 0))
        }
    }
}
