import Anatomy
import Foundation
import Imaging
import Devices

/// Analytic objects drawn into an illustration with the anatomy, depth-sorted along each ray.
public enum Overlay: Sendable {
    /// The needle as a shaded steel cylinder of its gauge (drawn 2× thicker so it shows at figure size).
    case needle(NeedleShaft)
    /// The probe body above its footprint and its image plane as a translucent fan (the frame's field of view).
    case probe(ProbePose, Transducer, FieldOfView)
    /// Spheres at world points (radius mm).
    case markers([Vector3], radiusMm: Double, colour: RGB)
    /// A rod from `from` to `to` (e.g. toward the X-ray source), radius mm.
    case rod(from: Vector3, to: Vector3, radiusMm: Double, colour: RGB)

    struct Hit {
        var t: Double
        var normal: Vector3
        var colour: RGB
        var alpha: Double
        /// Flat overlays (the fan) are not lit.
        var lit: Bool
        /// Which overlay of the renderer's list (and which of its surfaces, × 8).
        var overlay = 0
    }

    /// Appends every surface this overlay presents to the ray o + t·d, t > 0, to `hits` (no allocation when
    /// `hits` has the capacity: this runs once per ray).
    func appendHits(origin o: Vector3, direction d: Vector3, index: Int, to hits: inout [Hit]) {
        let start = hits.count
        defer { for i in start..<hits.count { hits[i].overlay = index * 8 + min(i - start, 7) } }
        switch self {
        case .needle(let n):
            guard let h = Self.cylinder(o, d, a: n.hubMm, b: n.tipMm, radius: max(n.outerDiameterMm, 0.6)) else { return }
            hits.append(Hit(t: h.t, normal: h.normal, colour: RGB(150, 156, 166), alpha: 1, lit: true))
        case .probe(let pose, let transducer, let fieldOfView):
            let body = RGB(60, 66, 78)
            for part in Self.probeParts(pose, transducer) {
                if let h = Self.solid(o, d, slabs: part.slabs, cylinder: part.cylinder) {
                    hits.append(Hit(t: h.t, normal: h.normal, colour: body, alpha: 1, lit: true))
                }
            }
            // The image plane: where the ray crosses it inside the field of view.
            let denom = d.dot(pose.elevation)
            if abs(denom) > 1e-9 {
                let t = (pose.centreMm - o).dot(pose.elevation) / denom
                if t > 0, fieldOfView.contains(pose.probePoint(ofWorld: o + d * t)) {
                    hits.append(Hit(t: t, normal: pose.elevation, colour: RGB(70, 150, 255), alpha: 0.28, lit: false))
                }
            }
        case let .markers(points, radius, colour):
            for c in points {
                if let h = Self.sphere(o, d, centre: c, radius: radius) { hits.append(Hit(t: h.t, normal: h.normal, colour: colour, alpha: 1, lit: true)) }
            }
        case let .rod(a, b, radius, colour):
            guard let h = Self.cylinder(o, d, a: a, b: b, radius: radius) else { return }
            hits.append(Hit(t: h.t, normal: h.normal, colour: colour, alpha: 1, lit: true))
        }
    }

    /// First entry of the ray into the finite cylinder a–b.
    static func cylinder(_ o: Vector3, _ d: Vector3, a: Vector3, b: Vector3, radius r: Double) -> (t: Double, normal: Vector3)? {
        let axis = (b - a).normalized, length = (b - a).length
        let m = o - a
        let dp = d - axis * d.dot(axis), mp = m - axis * m.dot(axis)
        let qa = dp.dot(dp), qb = 2 * dp.dot(mp), qc = mp.dot(mp) - r * r
        guard qa > 1e-12 else { return nil }
        let disc = qb * qb - 4 * qa * qc
        guard disc > 0 else { return nil }
        for root in 0..<2 {
            let t = (-qb + (root == 0 ? -1 : 1) * disc.squareRoot()) / (2 * qa)
            guard t > 0 else { continue }
            let p = o + d * t, s = (p - a).dot(axis)
            if s >= 0 && s <= length {
                let radial = (p - a) - axis * s
                return (t, radial.normalized)
            }
        }
        return nil
    }

    static func sphere(_ o: Vector3, _ d: Vector3, centre: Vector3, radius: Double) -> (t: Double, normal: Vector3)? {
        let m = o - centre
        let b = m.dot(d), c = m.dot(m) - radius * radius
        let disc = b * b - c
        guard disc > 0 else { return nil }
        let t = -b - disc.squareRoot()
        guard t > 0 else { return nil }
        return (t, (o + d * t - centre).normalized)
    }

    /// A slab: points whose offset from `centre` along the unit `axis` lies within ±`half` mm.
    struct Slab { var centre: Vector3; var axis: Vector3; var half: Double }
    /// An infinite circular cylinder: points within `radius` of the line through `point` along the unit `axis`.
    struct Cylinder { var point: Vector3; var axis: Vector3; var radius: Double }

    /// The probe as drawn: its head — as wide as the array's chord and thick as its elements plus a housing,
    /// 22 mm tall, its face the array's own curve (a cylinder of the array's radius through the apex at
    /// `pose.centreMm`, or the flat face of a linear array) — and a narrower handle rising from it (chosen sizes,
    /// about a C5-2's).
    static func probeParts(_ pose: ProbePose, _ transducer: Transducer) -> [(slabs: [Slab], cylinder: Cylinder?)] {
        let headMm = 22.0, handleMm = 38.0, housingMm = 3.0
        let face: Cylinder? = transducer.radiusMm.map { r in Cylinder(point: pose.centreMm - pose.beam * r, axis: pose.elevation, radius: r) }
        let chord = transducer.radiusMm.map { r in 2 * r * sin(transducer.apertureMm / r / 2) } ?? transducer.apertureMm
        let halfWidth = chord / 2 + housingMm, halfThickness = transducer.elementHeightMm / 2 + 4
        let head = [Slab(centre: pose.centreMm, axis: pose.azimuth, half: halfWidth),
                    Slab(centre: pose.centreMm, axis: pose.elevation, half: halfThickness),
                    Slab(centre: pose.centreMm - pose.beam * (headMm / 2), axis: pose.beam, half: headMm / 2)]
        let handle = [Slab(centre: pose.centreMm, axis: pose.azimuth, half: min(halfWidth, 14)),
                      Slab(centre: pose.centreMm, axis: pose.elevation, half: halfThickness - 1),
                      Slab(centre: pose.centreMm - pose.beam * (headMm + handleMm / 2), axis: pose.beam, half: handleMm / 2)]
        return [(head, face), (handle, nil)]
    }

    /// First entry of the ray into the intersection of `slabs` and `cylinder` (a convex solid), with the
    /// outward normal of the surface it enters through.
    static func solid(_ o: Vector3, _ d: Vector3, slabs: [Slab], cylinder: Cylinder?) -> (t: Double, normal: Vector3)? {
        var tIn = -Double.infinity, tOut = Double.infinity, normal = Vector3.zero
        for slab in slabs {
            let e = slab.axis.dot(slab.centre - o), f = slab.axis.dot(d)
            if abs(f) < 1e-12 { if abs(e) > slab.half { return nil }; continue }
            var t1 = (e - slab.half) / f, t2 = (e + slab.half) / f
            var n = slab.axis * -1
            if t1 > t2 { swap(&t1, &t2); n = slab.axis }
            if t1 > tIn { tIn = t1; normal = n }
            tOut = min(tOut, t2)
        }
        if let c = cylinder {
            let m = o - c.point
            let dp = d - c.axis * d.dot(c.axis), mp = m - c.axis * m.dot(c.axis)
            let qa = dp.dot(dp), qb = 2 * dp.dot(mp), qc = mp.dot(mp) - c.radius * c.radius
            if qa < 1e-12 {
                if qc > 0 { return nil }
            } else {
                let disc = qb * qb - 4 * qa * qc
                guard disc > 0 else { return nil }
                let t1 = (-qb - disc.squareRoot()) / (2 * qa), t2 = (-qb + disc.squareRoot()) / (2 * qa)
                if t1 > tIn { tIn = t1; normal = (mp + dp * t1) / c.radius }
                tOut = min(tOut, t2)
            }
        }
        guard tIn <= tOut, tIn > 0 else { return nil }
        return (tIn, normal)
    }
}
