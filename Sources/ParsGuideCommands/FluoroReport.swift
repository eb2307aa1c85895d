import Anatomy
import Devices
import ArgumentParser
import Fluoroscopy
import Foundation

/// What `parsguide fluoro --json` prints. Key names are a public contract.
struct FluoroReport: Codable {
    struct Geometry: Codable {
        var sourceMm: [Double]
        var isocentreMm: [Double]
        var detectorCentreMm: [Double]
        /// Unit vectors of image columns (right) and detector up, LPS.
        var columnDirection: [Double]
        var up: [Double]
        var sadMm: Double
        var sidMm: Double
        var detectorMm: Double
        var pixels: Int
        var pixelMm: Double
    }
    var geometry: Geometry
    /// 3×4, world LPS mm (homogeneous) → (column·w, row·w, w).
    var projectionMatrix: [[Double]]
    var kVp: Double?
    var monoKeV: Double?
    var dose: ShotDose
    var renderMs: Double

    init(carm: CArm, dose: ShotDose, renderMs: Double, spectrum: Spectrum) {
        func a(_ v: Vector3) -> [Double] { [v.x, v.y, v.z] }
        geometry = Geometry(sourceMm: a(carm.sourceMm), isocentreMm: a(carm.isocentreMm), detectorCentreMm: a(carm.detectorCentreMm),
                            columnDirection: a(carm.right), up: a(carm.up), sadMm: carm.sadMm, sidMm: carm.sidMm,
                            detectorMm: carm.detectorMm, pixels: carm.pixels, pixelMm: carm.pixelMm)
        projectionMatrix = carm.projectionMatrix
        kVp = spectrum.kVp
        monoKeV = spectrum.kVp == nil ? spectrum.energiesKeV.first : nil
        self.dose = dose
        self.renderMs = renderMs
    }

    func jsonString() throws -> String { try prettyJSON(self) }
}

extension VertebraLabels: ExpressibleByArgument {}
