import Anatomy
import Devices
import Fluoroscopy
import Foundation
import Imaging

/// The multiplanar fluoroscopic confirmation of the case: AP, ipsilateral oblique and lateral with the
/// needle, then AP and lateral after contrast, centred on the target, with the tip's position checked
/// and every exposure counted in a `DoseLedger`.
public struct Confirmation: Sendable {
    public struct Shot: Sendable {
        /// `ap-needle`, `oblique-left-needle`, `lateral-needle`, `ap-contrast`, `lateral-contrast`.
        public var name: String
        public var image: GrayImage
        public var dose: ShotDose
        public var carm: CArm
    }

    public var shots: [Shot]
    public var ledger: DoseLedger
    public var tipMm: Vector3
    public var tipToTargetMm: Double
    public var tipStructure: String

    /// Renders the set. `tipMm` defaults to the plan's target (the planned tip); `contrast` (mg I/mL)
    /// adds the two post-contrast shots.
    public static func render(scene: FluoroScene, labels: Volume<UInt8>, plan: NeedlePlan, tipMm: Vector3? = nil,
                              contrast: Volume<Float>? = nil, technique: ShotTechnique = .standard, pixels: Int = 512) throws -> Confirmation {
        let tip = tipMm ?? plan.targetPoint
        let side = plan.target.name.lowercased().hasSuffix("right") ? "right" : "left"
        let needle = try plan.needle.shaft(tipMm: tip, direction: plan.unitDirection)
        var views: [(String, CArm.View, Volume<Float>?)] = [("ap-needle", .ap, nil), ("oblique-\(side)-needle", side == "left" ? .obliqueLeft : .obliqueRight, nil),
                                                            ("lateral-needle", .lateral, nil)]
        if let contrast { views += [("ap-contrast", .ap, contrast), ("lateral-contrast", .lateral, contrast)] }
        var shots: [Shot] = []
        var ledger = DoseLedger()
        for (name, view, iodine) in views {
            let carm = try CArm(isocentreMm: plan.targetPoint, sourceDirection: view.sourceDirection(), pixels: pixels)
            let shot = try scene.shoot(carm, technique: technique, needle: needle, contrast: iodine)
            ledger.record(shot.dose)
            shots.append(Shot(name: name, image: FluoroscopyDisplay.image(shot.image), dose: shot.dose, carm: carm))
        }
        let label = labels.value(nearestTo: tip) ?? 0
        return Confirmation(shots: shots, ledger: ledger, tipMm: tip, tipToTargetMm: (tip - plan.targetPoint).length,
                            tipStructure: Tissue(rawValue: label)?.name ?? "label \(label)")
    }
}
