import Anatomy
import Foundation

/// How a probe's face meets the skin. The footprint is sampled along the array (at element positions:
/// on the arc of a convex array) and across the element height; a sample is in contact when the
/// undeformed skin lies within `allowanceMm(pressMm:)` beyond it along the beam (or it is already
/// inside, pressed in): a film of gel, plus the soft tissue that the pressed face pushes aside and that
/// rises around it.
public struct ProbeContact: Codable, Equatable, Sendable {
    /// Fraction of the footprint in contact, 0…1.
    public var fraction: Double
    /// Depth of the face centre below the skin along the beam, mm (negative: above the skin).
    public var pressMm: Double

    /// A film of gel: a face this close to the skin still couples (chosen).
    public static let toleranceMm = 1.0
    /// Soft tissue displaced by a face pressed p mm in rises around it by this fraction of p (chosen: the
    /// phantom does not deform, so the bulge is allowed for, not simulated).
    public static let bulgeFraction = 1.0

    /// How far above the undeformed skin a part of a face pressed `pressMm` in still touches, mm.
    public static func allowanceMm(pressMm: Double) -> Double { toleranceMm + bulgeFraction * max(0, pressMm) }
    /// What a seated preset reaches (the criterion).
    public static let targetFraction = 0.95

    /// Footprint samples in the probe frame, mm: 33 along the array, 3 across the element height (at
    /// 0 and ±40 % of it).
    public static func footprint(of t: Transducer) -> [Vector3] {
        let half = t.apertureMm / 2
        var out: [Vector3] = []
        for i in 0...32 {
            let s = -half + 2 * half * Double(i) / 32
            let p: Vector3
            switch t.shape {
            case .convex(let r): let a = s / r; p = Vector3(r * sin(a), 0, -r * (1 - cos(a)))
            case .linear: p = Vector3(s, 0, 0)
            }
            for y in [-0.4, 0, 0.4] { out.append(Vector3(p.x, y * t.elementHeightMm, p.z)) }
        }
        return out
    }

    public static func measure(_ pose: ProbePose, transducer: Transducer, labels: Volume<UInt8>) -> ProbeContact {
        let samples = footprint(of: transducer).map { pose.worldFromProbe.apply($0) }
        let beam = pose.beam
        let press = depthBelowSkin(pose.centreMm, beam: beam, labels: labels), reach = allowanceMm(pressMm: press)
        // The body lies below the skin, so a body voxel `reach` beyond a sample means skin within reach.
        let touching = samples.filter { (labels.value(nearestTo: $0 + beam * reach) ?? 0) != 0 }.count
        return ProbeContact(fraction: Double(touching) / Double(samples.count), pressMm: press)
    }

    /// Signed distance along `beam` from `p` to the skin: positive when `p` is inside the body, mm
    /// (searched within 60 mm; ±60 when no skin is found).
    public static func depthBelowSkin(_ p: Vector3, beam: Vector3, labels: Volume<UInt8>) -> Double {
        let step = 0.25
        let inside = (labels.value(nearestTo: p) ?? 0) != 0
        var d = 0.0
        while d < 60 {
            let q = p + beam * (inside ? -(d + step) : (d + step))
            if ((labels.value(nearestTo: q) ?? 0) != 0) != inside { return inside ? d + step / 2 : -(d + step / 2) }
            d += step
        }
        return inside ? 60 : -60
    }
}

extension ProbePose {
    /// Pressing a seated preset starts here: "pressed in a few millimetres" (chosen).
    public static let minimumPressMm = 2.0
    /// …and stops here whatever the contact (chosen: a firm push on a curvilinear probe).
    public static let maximumPressMm = 15.0
    /// Pressing stops before any part of the face comes this close to bone: the soft tissue over a spinous
    /// process does not squeeze away (chosen).
    public static let minimumTissueOverBoneMm = 4.0
    /// The face is turned to the skin by at most this much from the preset's beam (chosen).
    public static let maximumSkinTiltDegrees = 30.0

    /// A preset seated as a sonographer holds the probe: `skinAligned`, then `pressed`.
    public static func seated(on labels: Volume<UInt8>, pivotMm: Vector3, beam: Vector3, azimuth: Vector3, tilt: Angle = .zero,
                              slideMm: Double = 0, transducer: Transducer) throws -> ProbePose {
        let aligned = try skinAligned(on: labels, pivotMm: pivotMm, beam: beam, azimuth: azimuth, slideMm: slideMm, transducer: transducer)
        return try aligned.pressed(on: labels, pivotMm: pivotMm, tilt: tilt, slideMm: slideMm, transducer: transducer)
    }

    /// The preset's beam turned onto the inward normal of a plane fitted to the skin under the footprint
    /// (by at most `maximumSkinTiltDegrees`; twice, as the footprint moves), pivoting about `pivotMm` so the
    /// image still passes through it, with the face centre `slideMm` along the array from the pivot's beam
    /// axis; the face rests on the skin.
    public static func skinAligned(on labels: Volume<UInt8>, pivotMm: Vector3, beam: Vector3, azimuth: Vector3, slideMm: Double = 0,
                                   transducer: Transducer) throws -> ProbePose {
        let preset = beam.normalized
        let along = (azimuth - preset * azimuth.dot(preset)).normalized * slideMm
        var pose = try onSkin(of: labels, pointMm: pivotMm + along - preset * 250, beam: preset, azimuth: azimuth)
        for _ in 0..<2 {
            guard var normal = skinNormal(under: pose, transducer: transducer, labels: labels) else { break }
            let angle = acos(min(1, normal.dot(preset)))
            let limit = maximumSkinTiltDegrees * .pi / 180
            if angle > limit {  // turn only part of the way
                let axis = preset.cross(normal).normalized
                normal = preset.rotated(about: axis, by: .radians(limit))
            }
            pose = try onSkin(of: labels, pointMm: pivotMm + pose.azimuth * slideMm - normal * 250, beam: normal, azimuth: azimuth)
        }
        return pose
    }

    /// This pose tilted by `tilt` about the array axis (right-handed about +x: positive turns the beam
    /// toward the probe's −y), still through `pivotMm` with the face centre `slideMm` along the array from
    /// its beam axis, then pressed in from `minimumPressMm` in 0.5 mm steps until `ProbeContact.targetFraction`
    /// of the footprint touches, or `maximumPressMm`, or a step would bring the face within
    /// `minimumTissueOverBoneMm` of bone.
    public func pressed(on labels: Volume<UInt8>, pivotMm: Vector3, tilt: Angle = .zero, slideMm: Double = 0,
                        transducer: Transducer) throws -> ProbePose {
        var pose = self
        if tilt.radians != 0 {
            let beam = pose.beam.rotated(about: pose.azimuth, by: tilt)
            pose = try Self.onSkin(of: labels, pointMm: pivotMm + pose.azimuth * slideMm - beam * 250, beam: beam, azimuth: pose.azimuth)
        }
        var best = pose.translated(byMm: pose.beam * Self.minimumPressMm)
        var press = Self.minimumPressMm
        let footprint = ProbeContact.footprint(of: transducer)
        while press <= Self.maximumPressMm {
            let candidate = pose.translated(byMm: pose.beam * press)
            let nearBone = footprint.contains { f in
                Tissue.isBone(labels.value(nearestTo: candidate.worldFromProbe.apply(f) + candidate.beam * Self.minimumTissueOverBoneMm) ?? 0)
            }
            if nearBone && press > Self.minimumPressMm { break }
            best = candidate
            if ProbeContact.measure(candidate, transducer: transducer, labels: labels).fraction >= ProbeContact.targetFraction { break }
            press += 0.5
        }
        return best
    }

    /// The inward unit normal of a plane fitted to the skin points under the footprint (each found along the
    /// beam from 30 mm above the face), or nil when fewer than half are found.
    static func skinNormal(under pose: ProbePose, transducer: Transducer, labels: Volume<UInt8>) -> Vector3? {
        let beam = pose.beam
        var points: [Vector3] = []
        for f in ProbeContact.footprint(of: transducer) {
            let s = pose.worldFromProbe.apply(Vector3(f.x, f.y, 0)) - beam * 30
            let d = -ProbeContact.depthBelowSkin(s, beam: beam, labels: labels)
            if d > 0, d < 60 { points.append(s + beam * d) }
        }
        guard points.count * 2 >= ProbeContact.footprint(of: transducer).count else { return nil }
        guard let n = PlaneFit.fit(points)?.normal else { return nil }
        return n.dot(beam) < 0 ? -n : n
    }
}
