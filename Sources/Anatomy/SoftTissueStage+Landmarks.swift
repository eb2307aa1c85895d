/// Landmarks and depths that need the body: `<L>.<side>.skinOverPars` (the skin surface straight posterior to
/// the pars), `<L>.<side>.skinToParsDepthMm` and `skinToLaminaDepthMm`.
extension SoftTissueStage {
    /// Adds the skin points over each pars and the depth measurements, once the torso exists.
    mutating func finishLandmarks(labels: Volume<UInt8>) {
        SkinLandmarks.add(labels: labels, voxelMm: h, landmarks: &landmarks, measurements: &measurements)
    }
}

/// The skin points over each pars and the skin depths, for any subject whose body is labelled.
enum SkinLandmarks {
    static func add(labels: Volume<UInt8>, voxelMm h: Double, landmarks: inout [String: Vector3], measurements: inout [String: Double]) {
        let step = h / 2
        for level in SpinalLevel.modelled {
            for side in Side.allCases {
                let prefix = "\(level.rawValue).\(side.rawValue)"
                guard let pars = landmarks["\(prefix).pars"] else { continue }
                if let skin = exitPoint(from: pars, labels: labels, step: step) {
                    landmarks["\(prefix).skinOverPars"] = skin
                    measurements["\(prefix).skinToParsDepthMm"] = skin.y - pars.y
                }
                // Skin-to-lamina: from the lamina's posterior bone surface to the skin, straight back.
                if let lamina = landmarks["\(prefix).lamina"], let skin = exitPoint(from: lamina, labels: labels, step: step) {
                    var p = lamina
                    while labels.value(nearestTo: p) == level.tissue.rawValue { p.y += step }
                    measurements["\(prefix).skinToLaminaDepthMm"] = skin.y - p.y
                }
            }
        }
    }

    /// The last point inside the body going +y (posterior) from `p`.
    static func exitPoint(from p: Vector3, labels: Volume<UInt8>, step: Double) -> Vector3? {
        var q = p
        while let v = labels.value(nearestTo: q + Vector3(0, step, 0)), v != 0 { q.y += step }
        return labels.value(nearestTo: q + Vector3(0, step, 0)) == nil ? nil : q
    }
}
