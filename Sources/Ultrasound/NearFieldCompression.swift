import Anatomy

/// The soft tissue squeezed under a probe pressed into the skin. The probe face is rigid and the phantom
/// is not deformed, so a face pressed `p` mm below the skin would otherwise cut the skin and fat away;
/// instead, along each scan line, the tissue the beam meets at depth s from the face is the undeformed
/// tissue at s + g·(1 − s/D) for s < D, where g is the signed distance from the face to the skin along the
/// line (negative when pressed in; up to `ProbeContact.allowanceMm` above it, where the displaced tissue
/// rises to the face) and D the depth over which the compression is taken up: 25 mm (chosen), or less, so
/// that it ends at the first bone — bone does not move. Lines whose face is farther in the air are left as
/// they are: they image gel, then black.
struct NearFieldCompression: Sendable {
    /// Per line: g, mm (0 where not applied).
    var skinOffsetMm: [Double]
    /// Per line: D, mm.
    var depthMm: [Double]

    static let maximumDepthMm = 25.0

    init(labels: Volume<UInt8>, pose: ProbePose, scan: ScanGeometry) {
        var offsets = [Double](repeating: 0, count: scan.lineCount), depths = offsets
        let w = pose.worldFromProbe
        let reach = ProbeContact.allowanceMm(pressMm: ProbeContact.depthBelowSkin(pose.centreMm, beam: pose.beam, labels: labels))
        for l in 0..<scan.lineCount {
            let origin = w.apply(scan.origin(l)), d = w.applyToDirection(scan.direction(l))
            let g = -ProbeContact.depthBelowSkin(origin, beam: d, labels: labels)
            guard g <= reach, g > -50 else { continue }
            // The first bone along the line, from the face.
            var bone = Self.maximumDepthMm, s = 0.0
            while s < Self.maximumDepthMm {
                if Tissue.isBone(labels.value(nearestTo: origin + d * s) ?? 0) { bone = s; break }
                s += 0.5
            }
            offsets[l] = g
            depths[l] = max(1, g + 1, bone)
        }
        skinOffsetMm = offsets
        depthMm = depths
    }

    /// Depth along line `l` of the undeformed tissue seen at depth `s` from the face, mm.
    func tissueDepth(line l: Int, depthMm s: Double) -> Double {
        let d = depthMm[l], g = skinOffsetMm[l]
        return s < d ? s + g * (1 - s / d) : s
    }
}
