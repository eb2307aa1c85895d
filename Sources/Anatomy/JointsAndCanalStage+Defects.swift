/// Pars defects.
extension JointsAndCanalStage {
    /// Cuts each defect as a cleft of label 109 through the pars: the narrowest bridge between the
    /// articular processes (`parsBridge`), cut on cells the size of the gap so the cleft is about the
    /// gap wide, and steered along the lysis plane — through the pars landmark, its normal the
    /// SAP→IAP axis tilted by the defect's obliquity about +x (right-hand rule in LPS).
    ///
    /// The cut separates by construction: two cut sides free the posterior arch (two 26-connected
    /// pieces), one leaves the vertebra whole. Both counts are checked.
    mutating func cutDefects() throws {
        for level in Set(defects.map(\.level)).sorted() {
            let atLevel = defects.filter { $0.level == level }
            for defect in atLevel {
                guard let axis = geo[level]?.sides[defect.side]?.parsAxis,
                      let pars = landmarks[Subject.parsLandmarkName(level: level, side: defect.side)],
                      let bridge = parsBridge(level, defect.side, cellMm: defect.gapMm,
                                              plane: (pars, axis.rotated(about: Vector3(1, 0, 0), by: defect.obliquity))) else {
                    throw AnatomyError.geometry(reason: "defect \(defect.name): no bridge of bone found between the articular processes")
                }
                for lin in bridge.voxels { spine.voxels[lin] = Tissue.parsDefect.rawValue }
                measurements["\(defect.name).defectVolumeMm3"] = Double(bridge.voxels.count) * h * h * h
            }
            let expected = atLevel.count == 2 ? 2 : 1
            let pieces = ConnectedComponents.sizes(of: spine) { $0 == level.tissue.rawValue }.count
            measurements["\(level.rawValue).bonePieces"] = Double(pieces)
            guard pieces == expected else {
                throw AnatomyError.geometry(reason: "the \(level.rawValue) defects leave \(pieces) pieces of bone, expected \(expected)")
            }
        }
    }
}
