/// A point of the spinal canal's centreline with the canal and thecal-sac half-sizes there, world LPS mm.
struct CanalStation {
    var centre: Vector3
    var canalHalfWidth: Double
    var canalHalfDepth: Double
    /// Scale of the thecal sac (1 at L1–L5, tapering to 0 where the sac ends at S2).
    var sacScale: Double

    /// Whether `p` (world mm, in this station's axial slice) lies inside the canal's ellipse.
    func holds(_ p: Vector3) -> Bool {
        guard canalHalfWidth > 0, canalHalfDepth > 0 else { return false }
        let dx = (p.x - centre.x) / canalHalfWidth, dy = (p.y - centre.y) / canalHalfDepth
        return dx * dx + dy * dy <= 1
    }

    /// The station interpolated at height z (mm) between `stations` sorted by descending z; the first
    /// above them, a closed (zero-size) canal below them.
    static func interpolated(atZ z: Double, _ stations: [CanalStation]) -> CanalStation {
        if z >= stations[0].centre.z { return stations[0] }
        for n in 1..<stations.count where z >= stations[n].centre.z {
            let a = stations[n - 1], b = stations[n]
            let t = (a.centre.z - z) / (a.centre.z - b.centre.z)
            func mix(_ x: Double, _ y: Double) -> Double { x + (y - x) * t }
            return CanalStation(centre: a.centre + (b.centre - a.centre) * t,
                                canalHalfWidth: mix(a.canalHalfWidth, b.canalHalfWidth),
                                canalHalfDepth: mix(a.canalHalfDepth, b.canalHalfDepth), sacScale: mix(a.sacScale, b.sacScale))
        }
        return CanalStation(centre: stations.last!.centre, canalHalfWidth: 0, canalHalfDepth: 0, sacScale: 0)
    }
}
