import Anatomy

/// A preset view as placed on a subject: the pose and the rotation and tilt that made it.
public struct ProbePreset: Sendable {
    public var pose: ProbePose
    /// Rotation from sagittal about the beam (`pars-oblique`), and lateral tilt about the long axis.
    public var rotation: Angle, tilt: Angle
    /// How far the face centre sits along the array (+x, toward the caudal end) from the landmark's beam axis, mm.
    public var slideMm: Double
    /// True when the rotation or tilt was found by the pars-oblique search rather than given.
    public var searched: Bool
    /// Of the five structures the search looks for, those no searched pose shows together with the
    /// others (empty when the search succeeded, or when nothing was searched).
    public var missing: [String] = []
}
