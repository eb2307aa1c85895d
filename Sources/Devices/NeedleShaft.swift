import ParsGuideCore
import Anatomy

/// A straight steel needle as an analytic cylinder in world LPS millimetres (not voxels).
///
/// Shared by the ultrasound echo model and the fluoroscopy ray caster.
public struct NeedleShaft: Hashable, Sendable {
    /// The tip, world LPS mm.
    public var tipMm: Vector3
    /// The hub end of the shaft, world LPS mm.
    public var hubMm: Vector3
    /// Outer diameter, mm (22G = 0.7176 mm nominal, ISO 9626).
    public var outerDiameterMm: Double

    /// Nominal outer diameters of common spinal-needle gauges (ISO 9626:2016 Table 1 outer-diameter ranges, midpoints; the Stubs/Birmingham gauge).
    public static let outerDiameterMmByGauge: [Int: Double] = [18: 1.270, 20: 0.908, 22: 0.718, 25: 0.515]

    public init(tipMm: Vector3, hubMm: Vector3, outerDiameterMm: Double = 0.718) throws {
        guard tipMm.x.isFinite, tipMm.y.isFinite, tipMm.z.isFinite, hubMm.x.isFinite, hubMm.y.isFinite, hubMm.z.isFinite else {
            throw AnatomyError.geometry(reason: "needle tip and hub must be finite coordinates")
        }
        let length = (tipMm - hubMm).length
        guard length >= 1 else {
            throw AnatomyError.geometry(reason: String(format: "needle tip and hub are %.3f mm apart: they must be at least 1 mm apart (tip = hub gives no direction)", length))
        }
        try PhysicalParameter.check("needle outer diameter", outerDiameterMm, in: 0.2...3, unit: "mm")
        self.tipMm = tipMm
        self.hubMm = hubMm
        self.outerDiameterMm = outerDiameterMm
    }

    /// Unit vector from hub to tip.
    public var direction: Vector3 { (tipMm - hubMm).normalized }
    /// Shaft length between hub and tip, mm.
    public var lengthMm: Double { (tipMm - hubMm).length }
}
