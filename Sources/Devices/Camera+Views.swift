import Anatomy
import Foundation

extension Camera {
    /// A three-quarter view of a probe pose: from above the skin, off to the elevation side and toward
    /// the probe's marker end, looking at the middle of the image (or `focus`); the image's up is out of
    /// the skin, as in the B-mode frame.
    public static func threeQuarter(of pose: ProbePose, focus: Vector3? = nil, distanceMm: Double = 330, width: Int, height: Int) throws -> Camera {
        let target = focus ?? pose.centreMm + pose.beam * 40
        let outward = pose.beam * -1
        let direction = (outward * 0.62 + pose.elevation * 0.7 - pose.azimuth * 0.35).normalized
        return try .lookAt(eye: target + direction * distanceMm, target: target, up: outward, fieldOfViewDeg: 26, width: width, height: height)
    }
}
