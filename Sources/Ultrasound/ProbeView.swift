import ParsGuideCore
import Anatomy
import Foundation

/// The standard probe positions of the pars approach.
public enum ProbeView: String, CaseIterable, Sendable, NamedChoice {
    /// Paramedian sagittal over the facet column: through the level's upper and lower facet joints (for L5:
    /// L4-L5 and L5-S1), centred between them; through the lower joint alone where there is no upper one.
    case sagittalFacets = "sagittal-facets"
    /// From the sagittal view, rotated about the beam so the cranial end swings toward the injected
    /// side, centred on the pars.
    case parsOblique = "pars-oblique"
    /// Transverse over the spinous process at the level of the pars.
    case transverse

    public static let choiceName = "probe view"

    /// The published rotation of `pars-oblique`: about 30° (the search starts here).
    public static let defaultRotation = Angle.degrees(30)
    /// Rotation about the beam from sagittal: a quarter turn either way; chosen.
    public static let rotation = PhysicalParameter(name: "probe rotation", unit: "°", range: -90...90)
    /// Tilt out of the image plane: ±45°, beyond which a curvilinear probe loses contact on a back; chosen.
    public static let tilt = PhysicalParameter(name: "probe tilt", unit: "°", range: -45...45)
    /// Rotations the `pars-oblique` search may choose: "about 30°", widened to 20–40° where the anatomy needs it.
    public static let searchRotationsDeg = Array(stride(from: 20.0, through: 40.0, by: 2.0))
    /// Lateral tilts the search may add, ° (chosen: a sonographer's fine tilt about the long axis, at most 20°).
    public static let searchTiltsDeg = Array(stride(from: -20.0, through: 20.0, by: 2.0))
    /// Slides of the probe along its long axis the search may add, mm (the pars stays in the plane).
    public static let searchSlidesMm = [0.0, -5, 5, -10, 10]

    /// The pose of this view on a subject (see `preset`).
    public func pose(level: SpinalLevel, side: Side, rotation: Angle? = nil, tilt: Angle? = nil,
                     labels: Volume<UInt8>, landmarks: [String: Vector3], transducer: Transducer = .c52) throws -> ProbePose {
        try preset(level: level, side: side, rotation: rotation, tilt: tilt, labels: labels, landmarks: landmarks, transducer: transducer).pose
    }

    /// This view on a subject, seated on its skin (`ProbePose.seated`: the face turned to the local skin and
    /// pressed in until the footprint of `transducer` touches). The preset's beam points anterior (−y, the
    /// patient prone) through the view's landmark; the marker (cranial) end is at the probe's −x end, on
    /// the image's left by default; in `transverse` the marker end is the patient's right.
    ///
    /// `tilt` rocks the probe about its long axis: positive turns the beam toward the `side` at depth
    /// (laterally in `sagittal-facets` and `pars-oblique`), cranially in `transverse`. For `pars-oblique`, a
    /// rotation or tilt left nil is searched: rotations 20–40°, tilts ±20° and slides along the array of
    /// 0, ±5, ±10 mm, in order of their distance from (30°, 0°, 0 mm), until the plane shows the SAP, pars,
    /// lamina, spinous process and dura of the level (`StructureLocator.sightings`) with the face seated;
    /// when none does, the pose showing most of them, with `missing` naming the rest. Other views take nil as 0°.
    /// `pivotMm` replaces the pars landmark as the point `pars-oblique` images (a planned target).
    /// `accepting` can pass over poses that show all five for a reason of the caller's (a planner that finds
    /// no safe path in them): the search goes on to the next, up to `searchPassesOver` of them; when it
    /// accepts none, the first is returned.
    public func preset(level: SpinalLevel, side: Side, rotation: Angle? = nil, tilt: Angle? = nil, pivotMm: Vector3? = nil,
                       labels: Volume<UInt8>, landmarks: [String: Vector3], transducer: Transducer = .c52,
                       accepting: (ProbePreset) throws -> Bool = { _ in true }) throws -> ProbePreset {
        guard SpinalLevel.modelled.contains(level) else {
            throw UnknownChoice(choiceName: "level", value: level.rawValue, allowed: SpinalLevel.modelled.map(\.rawValue))
        }
        if let rotation { try Self.rotation.checked(rotation.degrees) }
        if let tilt { try Self.tilt.checked(tilt.degrees) }
        func landmark(_ name: String) throws -> Vector3 {
            guard let p = landmarks[name] else { throw UltrasoundError.missingLandmark(name) }
            return p
        }
        let beam = Vector3(0, -1, 0)
        let cranial = Vector3(0, 0, 1)
        /// Seats the probe; `lateral` is the world direction a positive tilt turns the beam toward.
        func place(_ p: Vector3, azimuth: Vector3, tilt: Angle, toward lateral: Vector3) throws -> ProbePose {
            return try ProbePose.seated(on: labels, pivotMm: p, beam: beam, azimuth: azimuth,
                                        tilt: Self.poseTilt(tilt, toward: lateral, azimuth: azimuth, beam: beam),
                                        transducer: transducer)
        }
        let toSide = Vector3(side.sign, 0, 0)
        switch self {
        case .sagittalFacets:
            guard let next = level.next else { throw UltrasoundError.missingLandmark("\(level.rawValue) has no level below") }
            let joint = try landmark("\(level.rawValue)-\(next.rawValue).\(side.rawValue).facetJoint")
            let t = tilt ?? .zero
            // Over the facet column: through both of the level's joints where the one above exists (the
            // column diverges caudally, so the plane turns a little from sagittal), centred between them.
            var pivot = joint, column = cranial
            if let above = SpinalLevel.allCases.last(where: { $0 < level }),
               let upper = landmarks["\(above.rawValue)-\(level.rawValue).\(side.rawValue).facetJoint"] {
                let d = Vector3(upper.x - joint.x, 0, upper.z - joint.z)
                if d.length > 1 { pivot = (upper + joint) / 2; column = d.normalized }
            }
            let r = Angle.radians(atan2(abs(column.x), column.z))
            return ProbePreset(pose: try place(pivot, azimuth: -column, tilt: t, toward: toSide), rotation: r, tilt: t, slideMm: 0,
                               searched: false)
        case .transverse:
            let left = try landmark(Subject.parsLandmarkName(level: level, side: .left))
            let right = try landmark(Subject.parsLandmarkName(level: level, side: .right))
            let tip = try landmark("\(level.rawValue).spinousProcessTip")
            let t = tilt ?? .zero
            let pose = try place(Vector3(tip.x, 0, (left.z + right.z) / 2), azimuth: Vector3(1, 0, 0), tilt: t, toward: cranial)
            return ProbePreset(pose: pose, rotation: .zero, tilt: t, slideMm: 0, searched: false)
        case .parsOblique:
            let pars = try pivotMm ?? landmark(Subject.parsLandmarkName(level: level, side: side))
            // Skin-aligned poses by rotation and slide, kept while tilts are tried.
            var aligned: [SIMD2<Double>: ProbePose] = [:]
            func oblique(_ r: Angle, _ t: Angle, slideMm: Double = 0) throws -> ProbePose {
                let key = SIMD2(r.degrees, slideMm)
                let base = try aligned[key] ?? Self.parsObliqueAligned(pivotMm: pars, side: side, rotation: r, slideMm: slideMm,
                                                                       labels: labels, transducer: transducer)
                aligned[key] = base
                return try Self.parsObliquePressed(base, pivotMm: pars, side: side, tilt: t, slideMm: slideMm, labels: labels, transducer: transducer)
            }
            if let rotation, let tilt {
                return ProbePreset(pose: try oblique(rotation, tilt), rotation: rotation, tilt: tilt, slideMm: 0, searched: false)
            }
            let rotations = rotation.map { [$0.degrees] } ?? Self.searchRotationsDeg
            let tilts = tilt.map { [$0.degrees] } ?? Self.searchTiltsDeg
            // The pose nearest the published one (30°, 0° tilt, no slide) that shows all five structures
            // with the face seated (≥ 95 % contact); else the pose that shows most.
            let r0 = Self.defaultRotation.degrees
            // 1° of rotation or tilt weighs as much as 2.5 mm of slide (chosen); ties go to less tilt.
            func cost(_ c: (r: Double, t: Double, s: Double)) -> Double { abs(c.r - r0) + abs(c.t) + abs(c.s) / 2.5 + abs(c.t) * 1e-3 }
            let candidates = rotations.flatMap { r in tilts.flatMap { t in Self.searchSlidesMm.map { (r: r, t: t, s: $0) } } }
                .sorted { cost($0) < cost($1) }
            let all = StructureLocator.parsViewKeys.count
            var best: (score: Int, preset: ProbePreset)?
            var firstPassedOver: ProbePreset?, passedOver = 0
            for c in candidates {
                guard let pose = try? oblique(.degrees(c.r), .degrees(c.t), slideMm: c.s) else { continue }
                let seated = ProbeContact.measure(pose, transducer: transducer, labels: labels).fraction >= ProbeContact.targetFraction
                // An unseated pose only matters as the fallback, until one shows all five.
                if !seated, firstPassedOver != nil || (best?.score ?? 0) >= 2 * all { continue }
                let keys = Set(StructureLocator.sightings(pose: pose, labels: labels, landmarks: landmarks, level: level, side: side,
                                                          depthMm: Self.searchDepthMm, transducer: transducer, lineCount: 128).map(\.key))
                let score = StructureLocator.parsViewKeys.filter(keys.contains).count * 2 + (seated ? 1 : 0)
                let preset = ProbePreset(pose: pose, rotation: .degrees(c.r), tilt: .degrees(c.t), slideMm: c.s, searched: true,
                                         missing: StructureLocator.parsViewKeys.filter { !keys.contains($0) })
                if score == 2 * all + 1 {
                    if try accepting(preset) { return preset }
                    firstPassedOver = firstPassedOver ?? preset
                    passedOver += 1
                    if passedOver == Self.searchPassesOver { break }
                    continue
                }
                if score > best?.score ?? -1 { best = (score, preset) }
            }
            if let firstPassedOver { return firstPassedOver }
            guard let best else { throw UltrasoundError.offTheBody("no pars-oblique pose at \(level.rawValue) \(side.rawValue) meets the skin") }
            return best.preset
        }
    }

    /// The pars-oblique probe through `pivotMm` at a rotation from sagittal, aligned to the skin, not yet
    /// tilted or pressed (`ProbePose.skinAligned`). The cranial end swings toward `side`: seen from behind,
    /// counter-clockwise on the left.
    public static func parsObliqueAligned(pivotMm: Vector3, side: Side, rotation: Angle, slideMm: Double = 0,
                                          labels: Volume<UInt8>, transducer: Transducer) throws -> ProbePose {
        let azimuth = -Vector3(side.sign * sin(rotation.radians), 0, cos(rotation.radians))
        return try ProbePose.skinAligned(on: labels, pivotMm: pivotMm, beam: Vector3(0, -1, 0), azimuth: azimuth, slideMm: slideMm,
                                         transducer: transducer)
    }

    /// An aligned pars-oblique pose tilted `tilt` toward `side` at depth and pressed in (`ProbePose.pressed`).
    public static func parsObliquePressed(_ aligned: ProbePose, pivotMm: Vector3, side: Side, tilt: Angle, slideMm: Double = 0,
                                          labels: Volume<UInt8>, transducer: Transducer) throws -> ProbePose {
        let t = poseTilt(tilt, toward: Vector3(side.sign, 0, 0), azimuth: aligned.azimuth, beam: aligned.beam)
        return try aligned.pressed(on: labels, pivotMm: pivotMm, tilt: t, slideMm: slideMm, transducer: transducer)
    }

    /// The tilt about the probe's long axis (`ProbePose` sense) that turns the beam toward `lateral` at
    /// depth by `tilt` — the one place the sign of "toward the side" is worked out.
    static func poseTilt(_ tilt: Angle, toward lateral: Vector3, azimuth: Vector3, beam: Vector3) -> Angle {
        .radians((azimuth.cross(beam).dot(lateral) >= 0 ? 1.0 : -1.0) * tilt.radians)
    }

    /// How many five-structure poses `accepting` may pass over before the search gives up (chosen: each
    /// costs the caller a try, a plan ≈ 0.3 s).
    public static let searchPassesOver = 8

    /// The depth the pars-oblique search images to, mm (the case's depth; deep enough for the dura).
    public static let searchDepthMm = 80.0
}
