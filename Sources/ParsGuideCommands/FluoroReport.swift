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
    /// The subject's pars defects in the shot and whether each shows as a lucent band (`DefectLucency`).
    var defects: [Defect]
    /// Detector rows closed at the up and down edges because their rays would leave the subject's modelled
    /// body through its ends (`AttenuationVolume.shutters(for:)`); both 0 for a bare CT.
    var shutters: Shutters

    struct Defect: Codable {
        var target: String
        var centreMm: [Double]
        /// Brightening of the cleft's pixels against the same shot with the cleft filled, grey levels of 255:
        /// the median over the band and along its ridge (90th percentile).
        var bandRiseGrey: Double
        var ridgeRiseGrey: Double
        /// The grey-level spread of the anatomy around the band, and the ridge's rise over it.
        var clutterGrey: Double
        var conspicuity: Double
        var lucent: Bool
        /// 0° when the beam runs along the cleft's plane, 90° face-on.
        var beamToCleftPlaneDeg: Double
        var cleftAlongRayMm: Double
        var boneAlongRayMm: Double
    }

    init(carm: CArm, dose: ShotDose, renderMs: Double, spectrum: Spectrum, defects: [(target: String, lucency: DefectLucency)] = [],
         shutters: Shutters = .open) {
        self.shutters = shutters
        func a(_ v: Vector3) -> [Double] { [v.x, v.y, v.z] }
        geometry = Geometry(sourceMm: a(carm.sourceMm), isocentreMm: a(carm.isocentreMm), detectorCentreMm: a(carm.detectorCentreMm),
                            columnDirection: a(carm.right), up: a(carm.up), sadMm: carm.sadMm, sidMm: carm.sidMm,
                            detectorMm: carm.detectorMm, pixels: carm.pixels, pixelMm: carm.pixelMm)
        projectionMatrix = carm.projectionMatrix
        kVp = spectrum.kVp
        monoKeV = spectrum.kVp == nil ? spectrum.energiesKeV.first : nil
        self.dose = dose
        self.renderMs = renderMs
        self.defects = defects.map {
            Defect(target: $0.target, centreMm: a($0.lucency.centreMm), bandRiseGrey: $0.lucency.bandRiseGrey, ridgeRiseGrey: $0.lucency.ridgeRiseGrey,
                   clutterGrey: $0.lucency.clutterGrey, conspicuity: $0.lucency.conspicuity, lucent: $0.lucency.isLucent,
                   beamToCleftPlaneDeg: $0.lucency.beamToCleftPlaneDeg, cleftAlongRayMm: $0.lucency.cleftAlongRayMm,
                   boneAlongRayMm: $0.lucency.boneAlongRayMm)
        }
    }

    func jsonString() throws -> String { try prettyJSON(self) }
}

extension VertebraLabels: ExpressibleByArgument {}
