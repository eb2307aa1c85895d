import Anatomy

/// Where the probe is: `worldFromProbe` maps probe-frame millimetres (see `Transducer`) to world LPS mm.
public struct ProbePose: Hashable, Sendable {
    public var worldFromProbe: Matrix4

    public init(worldFromProbe: Matrix4) { self.worldFromProbe = worldFromProbe }

    /// A pose from the footprint centre, the beam direction and the direction along the array (from the
    /// marker end); `azimuth` is made orthogonal to `beam`.
    public init(centreMm: Vector3, beam: Vector3, azimuth: Vector3) throws {
        let z = beam.normalized
        let a = azimuth - z * azimuth.dot(z)
        guard beam.length > 1e-9, a.length > 1e-6, centreMm.x.isFinite, centreMm.y.isFinite, centreMm.z.isFinite else {
            throw DeviceError.offTheBody("the beam and array directions must be finite and not parallel")
        }
        let x = a.normalized
        let y = z.cross(x)
        worldFromProbe = Matrix4(rows: [
            SIMD4(x.x, y.x, z.x, centreMm.x),
            SIMD4(x.y, y.y, z.y, centreMm.y),
            SIMD4(x.z, y.z, z.z, centreMm.z),
            SIMD4(0, 0, 0, 1),
        ])
    }

    /// Footprint centre, world mm.
    public var centreMm: Vector3 { worldFromProbe.translation }
    /// Unit beam direction (probe +z).
    public var beam: Vector3 { worldFromProbe.column(2) }
    /// Unit direction along the array from the marker end (probe +x).
    public var azimuth: Vector3 { worldFromProbe.column(0) }
    /// Unit elevation direction (probe +y).
    public var elevation: Vector3 { worldFromProbe.column(1) }

    /// Probe-frame coordinates of a world point.
    public func probePoint(ofWorld p: Vector3) -> Vector3 {
        let d = p - centreMm
        return Vector3(d.dot(azimuth), d.dot(elevation), d.dot(beam))
    }

    /// The same pose moved by a world offset, mm.
    public func translated(byMm offset: Vector3) -> ProbePose {
        var m = worldFromProbe
        m.r0.w += offset.x; m.r1.w += offset.y; m.r2.w += offset.z
        return ProbePose(worldFromProbe: m)
    }

    /// Rotated about its own beam axis through the footprint centre; positive angles turn +x toward +y.
    public func rotatedAboutBeam(by angle: Angle) throws -> ProbePose {
        try ProbePose(centreMm: centreMm, beam: beam, azimuth: azimuth.rotated(about: beam, by: angle))
    }

    /// Tilted (fanned) about its own array axis through the footprint centre, right-handed about +x:
    /// positive angles turn the beam toward −y (against the elevation direction), sweeping the image
    /// plane sideways.
    public func tilted(by angle: Angle) throws -> ProbePose {
        try ProbePose(centreMm: centreMm, beam: beam.rotated(about: azimuth, by: angle), azimuth: azimuth)
    }

    /// Sets the probe on the skin: from `pointMm`, moved along the beam axis to the first body voxel
    /// (label ≠ 0) met coming from outside. Throws when the axis through the point misses the body.
    public static func onSkin(of labels: Volume<UInt8>, pointMm: Vector3, beam: Vector3, azimuth: Vector3) throws -> ProbePose {
        let b = beam.normalized
        let step = min(labels.grid.spacingMm.min(), 0.5) / 2
        let reach = 600.0
        var p = pointMm
        if let v = labels.value(nearestTo: p), v != 0 {
            // Inside the body: back out against the beam until outside.
            var travelled = 0.0
            while let v = labels.value(nearestTo: p - b * step), v != 0 {
                p -= b * step; travelled += step
                guard travelled < reach else { throw DeviceError.offTheBody("no skin found within \(Int(reach)) mm behind the point") }
            }
        } else {
            // Outside: advance along the beam until the first body voxel.
            var travelled = 0.0
            while labels.value(nearestTo: p) ?? 0 == 0 {
                p += b * step; travelled += step
                guard travelled < reach else {
                    throw DeviceError.offTheBody(String(format: "the beam axis through (%.1f, %.1f, %.1f) mm meets no skin within %.0f mm", pointMm.x, pointMm.y, pointMm.z, reach))
                }
            }
        }
        return try ProbePose(centreMm: p, beam: b, azimuth: azimuth)
    }
}
