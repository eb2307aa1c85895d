import Foundation

/// Named landmarks in world LPS millimetres.
///
/// Per vertebra: `<L>.bodyCentre`, `<L>.spinousProcessTip`; per vertebra and side:
/// `<L>.<side>.pars | superiorArticularProcess | inferiorArticularProcess | pedicle | lamina`, each
/// moved to the nearest voxel of that vertebra's bone if its centroid fell outside it; facet joints
/// `<U>-<L>.<side>.facetJoint` (the centroid of the joint's voxels, set by `facetJoint`); `S1.endplateCentre`, `S1.<side>.superiorArticularProcess`,
/// `sacrum.promontory`. The soft-tissue stage adds `ilium.<side>.crestTop` (with the pelvis) and the skin points
/// (`SoftTissueStage.finishLandmarks`).
extension JointsAndCanalStage {
    mutating func collectLandmarks() {
        // The pars of every level and side, found on both cores: each cut only reads the spine grid.
        let pairs = SpinalLevel.modelled.flatMap { level in Side.allCases.map { (level, $0) } }
        let slots = ResultSlots<ParsBridge>(count: pairs.count)
        nonisolated(unsafe) let stage = self
        DispatchQueue.concurrentPerform(iterations: pairs.count) { n in
            slots[n] = stage.parsBridge(pairs[n].0, pairs[n].1, cellMm: 2)
        }
        var bridges: [String: ParsBridge] = [:]
        for (n, (level, side)) in pairs.enumerated() { bridges["\(level.rawValue).\(side.rawValue)"] = slots[n] }
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
                if let bridge = bridges[prefix] {
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
            if let sap = placed.s1SuperiorArticularProcess[side] { landmarks["S1.\(side.rawValue).superiorArticularProcess"] = sap }
        }
        // The promontory: the anterior edge of the S1 endplate, in the midline.
        var t = 0.0
        while t < 40, spine.value(nearestTo: sacrum.world(u: 0, v: -t - h, w: 1)) == Tissue.sacrum.rawValue { t += h / 2 }
        landmarks["sacrum.promontory"] = sacrum.world(u: 0, v: -t, w: 1)
    }
}
