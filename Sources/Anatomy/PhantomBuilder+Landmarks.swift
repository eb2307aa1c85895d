/// Named landmarks in world LPS millimetres.
///
/// Per vertebra: `<L>.bodyCentre`, `<L>.spinousProcessTip`; per vertebra and side:
/// `<L>.<side>.pars | superiorArticularProcess | inferiorArticularProcess | pedicle | lamina`, each
/// moved to the nearest voxel of that vertebra's bone if its centroid fell outside it; facet joints
/// `<U>-<L>.<side>.facetJoint` (the centroid of the joint's voxels, set by `facetJoint`); `<L>.<side>.skinOverPars` (the
/// skin surface straight posterior to the pars); `S1.endplateCentre`, `S1.<side>.superiorArticularProcess`,
/// `sacrum.promontory`; `ilium.<side>.crestTop` (the highest point of each hip bone, added with the pelvis).
extension PhantomBuilder {
    mutating func collectLandmarks() {
        for level in SpinalLevel.modelled {
            let g = geo[level]!
            let label = level.tissue.rawValue
            let name = level.rawValue
            landmarks["\(name).bodyCentre"] = snap(g.bodyCentre, to: label)
            landmarks["\(name).spinousProcessTip"] = snap(g.spinousProcessTip, to: label)
            for side in Side.allCases {
                guard let sg = g.sides[side] else { continue }
                let prefix = "\(name).\(side.rawValue)"
                // The pars: the centre of the narrowest bridge between the articular processes
                // (a 2 mm-cell minimum cut; see `parsBridge`).
                if let bridge = parsBridge(level, side, cellMm: 2) {
                    landmarks["\(prefix).pars"] = snap(bridge.centre, to: label)
                    measurements["\(prefix).parsAreaMm2"] = bridge.areaMm2
                }
                landmarks["\(prefix).superiorArticularProcess"] = snap(sg.superiorArticularProcess, to: label)
                landmarks["\(prefix).inferiorArticularProcess"] = snap(sg.inferiorArticularProcess, to: label)
                landmarks["\(prefix).pedicle"] = snap(sg.pedicle, to: label)
                landmarks["\(prefix).lamina"] = snap(sg.lamina, to: label)
            }
        }
        landmarks["S1.endplateCentre"] = sacrum.origin
        for side in Side.allCases {
            if let sap = s1SuperiorArticularProcess[side] { landmarks["S1.\(side.rawValue).superiorArticularProcess"] = sap }
        }
        // The promontory: the anterior edge of the S1 endplate, in the midline.
        var t = 0.0
        while t < 40, spine.value(nearestTo: sacrum.world(u: 0, v: -t - h, w: 1)) == Tissue.sacrum.rawValue { t += h / 2 }
        landmarks["sacrum.promontory"] = sacrum.world(u: 0, v: -t, w: 1)
    }

    /// Adds the skin points over each pars and the depth measurements, once the torso exists.
    mutating func finishLandmarks(labels: inout Volume<UInt8>) {
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
    func exitPoint(from p: Vector3, labels: Volume<UInt8>, step: Double) -> Vector3? {
        var q = p
        while let v = labels.value(nearestTo: q + Vector3(0, step, 0)), v != 0 { q.y += step }
        return labels.value(nearestTo: q + Vector3(0, step, 0)) == nil ? nil : q
    }
}
