import Anatomy
import Foundation

/// Whether a shot shows a pars defect as a lucent band, measured in the picture itself: the shot is taken
/// again with the cleft filled by the bone around it, and the pixels the cleft projects to are compared in
/// the shot's own display window. The geometry says why: along each ray through the cleft, the cleft takes
/// the place of bone the intact pars would have had. A view along the cleft's plane (the ipsilateral
/// oblique, for the usual defect) sends rays down the length of the gap and loses much of their bone; a
/// view across it loses only the gap's width.
public struct DefectLucency: Sendable, Equatable {
    /// Centre of the cleft (the defect voxels' centroid), world mm.
    public var centreMm: Vector3
    /// Along the most lucent rays (the 90th percentile of the share): cleft and remaining bone crossed
    /// within `windowMm` of the cleft voxel, mm.
    public var cleftAlongRayMm: Double
    public var boneAlongRayMm: Double
    /// The median, over the pixels the cleft projects to, of ln(I/I_filled): how much more light reaches
    /// them than in the same shot with the cleft filled with bone (dimensionless; physics, before display).
    public var bandLogTransmissionGain: Double
    /// The same comparison as displayed: the median brightening of those pixels in grey levels of the 255 of
    /// the shot's display window, after the fluoroscope's detail processing (`FluoroscopyDisplay.processed`).
    public var bandRiseGrey: Double
    /// The brightening along the band's most lucent rays: the 90th percentile over the band's pixels, grey
    /// levels of 255 (a thin line is seen by its ridge, not by the pixels where the cleft projects thinly).
    public var ridgeRiseGrey: Double
    /// The anatomy's own grey-level spread where the band lies: a robust standard deviation (1.4826 × the
    /// median absolute deviation) of the shot with the cleft filled, over the band's bounding box widened
    /// by `surroundMm`, grey levels of 255.
    public var clutterGrey: Double
    /// The detector pixels the cleft projects to (row-major indices, ascending).
    public var bandPixels: [Int]
    /// The angle between the central ray and the cleft's plane (its least-squares fit), degrees: 0 when the
    /// beam runs along the cleft — the view that shows it best — and 90 face-on.
    public var beamToCleftPlaneDeg: Double

    /// Bone and cleft are counted within this distance of the cleft voxel along each ray, mm (chosen: the
    /// pars and the articular processes around it, not the bodies and pelvis the ray also crosses).
    public static let windowMm = 15.0
    /// The band's ridge must brighten by at least this many grey levels to stand out (chosen: 4 % of
    /// the display range; a calibrated display shows one grey level over a large uniform field, but a thin
    /// band over the overlapping shadows of the articular processes needs several times that).
    public static let visibleRiseGrey = 10.0
    /// The surround over which `clutterGrey` is taken, mm at the isocentre (chosen: about half a pars's length).
    public static let surroundMm = 5.0

    /// The share of the intact bone the cleft removes along its most lucent rays.
    public var share: Double { cleftAlongRayMm + boneAlongRayMm > 0 ? cleftAlongRayMm / (cleftAlongRayMm + boneAlongRayMm) : 0 }
    /// The ridge's rise over the clutter around it (at least one grey level, the display's step): a band is
    /// conspicuous when it stands out of the anatomy's structured background, not only of a uniform field
    /// (Kundel & Revesz, AJR 1976;126:1233 — lesion conspicuity and structured noise).
    public var conspicuity: Double { ridgeRiseGrey / max(clutterGrey, 1) }
    /// True when the band's ridge brightens by `visibleRiseGrey` or more and rises above the clutter around
    /// it (conspicuity ≥ 1).
    public var isLucent: Bool { ridgeRiseGrey >= Self.visibleRiseGrey && conspicuity >= 1 }

    /// The defect of `labels` (label `Tissue.parsDefect`) within 15 mm of `parsMm`, as `shot` (taken of
    /// `volume`, on the labels' grid) shows it; nil when there is none.
    public init?(shot: FluoroShot, volume: AttenuationVolume, labels: Volume<UInt8>, parsMm: Vector3) throws {
        let g = labels.grid, n = g.dimensions, defect = Tissue.parsDefect.rawValue
        guard g.dimensions == volume.grid.dimensions else {
            throw FluoroscopyError.invalid("the labels (\(g.dimensions)) and the CT (\(volume.grid.dimensions)) differ in size")
        }
        guard let centre = g.nearestIndex(toWorld: parsMm) else { return nil }
        let h = min(g.spacingMm.x, g.spacingMm.y, g.spacingMm.z)
        let reach = SIMD3<Int>(repeating: Int((15 / h).rounded(.up))), top = n &- 1
        let lo = (centre &- reach).clamped(lowerBound: .zero, upperBound: top), hi = (centre &+ reach).clamped(lowerBound: .zero, upperBound: top)
        var cleft: [(index: Int, mm: Vector3)] = []
        for k in lo.z...hi.z { for j in lo.y...hi.y { for i in lo.x...hi.x where labels[i, j, k] == defect {
            let p = g.world(i, j, k)
            if (p - parsMm).length <= 15 { cleft.append((g.linearIndex(i, j, k), p)) }
        } } }
        guard !cleft.isEmpty else { return nil }
        centreMm = cleft.reduce(.zero) { $0 + $1.mm } / Double(cleft.count)
        let cleftMm = cleft.map(\.mm)
        let normal = PlaneFit.fit(cleftMm)?.normal ?? shot.carm.view
        beamToCleftPlaneDeg = asin(min(1, abs(normal.dot(shot.carm.view)))) * 180 / .pi
        (cleftAlongRayMm, boneAlongRayMm) = Self.mostLucentRay(through: cleftMm, carm: shot.carm, labels: labels)

        // The what-if: the cleft filled with the mean HU of the bone 2–3 mm from it, past the cortex its cut
        // faces grew (the intact pars had bone there, not a surface).
        let near = Int((2 / h).rounded(.up)), far = max(near, Int((3 / h).rounded(.up)))
        var boneHU = 0, boneVoxels = 0
        for (v, _) in cleft {
            let ijk = g.index(ofLinear: v)
            for dk in -far...far { for dj in -far...far { for di in -far...far where max(abs(di), abs(dj), abs(dk)) >= near {
                let a = ijk.x + di, b = ijk.y + dj, c = ijk.z + dk
                guard g.contains(a, b, c), Tissue.isBone(labels[a, b, c]) else { continue }
                boneHU += volume.hounsfield(atVoxel: g.linearIndex(a, b, c)); boneVoxels += 1
            } } }
        }
        guard boneVoxels > 0 else { return nil }
        let intact = volume.filling(voxels: cleft.map(\.index), hu: boneHU / boneVoxels)
        let seen = FluoroscopyDisplay.logTransmission(shot.image)
        let filled = FluoroscopyDisplay.logTransmission(shot.image, transmission: DRRRenderer(volume: intact).render(shot.carm, shot.exposure).transmission)
        func shown(_ log: [Float]) -> [Float] {
            FluoroscopyDisplay.processed(log, width: shot.image.width, height: shot.image.height, pixelMm: shot.carm.pixelMm)
        }
        let seenShown = shown(seen), filledShown = shown(filled)
        let window = FluoroscopyDisplay.window(seenShown, saw: seen)
        var pixels = Set<Int>()
        for (_, p) in cleft {
            guard let q = shot.carm.project(p) else { continue }
            let column = Int(q.column.rounded()), row = Int(q.row.rounded())
            if column >= 0, row >= 0, column < shot.image.width, row < shot.image.height, seen[row * shot.image.width + column].isFinite {
                pixels.insert(row * shot.image.width + column)
            }
        }
        bandPixels = pixels.sorted()
        func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }
        bandLogTransmissionGain = median(bandPixels.map { Double(filled[$0] - seen[$0]) })
        let width = shot.image.width
        let rises = bandPixels.map { Double((filledShown[$0] - seenShown[$0]) / window.span) * 255 }
        bandRiseGrey = median(rises)
        ridgeRiseGrey = rises.isEmpty ? 0 : rises.sorted()[rises.count * 9 / 10]
        var surround: [Double] = []
        if let top = bandPixels.first, let bottom = bandPixels.last {
            let columns = bandPixels.map { $0 % width }
            let pad = Int((Self.surroundMm * shot.carm.sidMm / shot.carm.sadMm / shot.carm.pixelMm).rounded(.up))
            for row in max(0, top / width - pad)...min(shot.image.height - 1, bottom / width + pad) {
                for column in max(0, columns.min()! - pad)...min(width - 1, columns.max()! + pad) where seen[row * width + column].isFinite {
                    surround.append(Double(filledShown[row * width + column] / window.span) * 255)
                }
            }
        }
        // A robust spread (1.4826 × the median absolute deviation: the standard deviation of a normal
        // background), so a few thin strong lines — a cortex seen edge-on, the needle — do not count as
        // clutter over the whole surround.
        let typical = median(surround)
        clutterGrey = 1.4826 * median(surround.map { abs($0 - typical) })
    }

    /// Cleft and bone crossed within `windowMm` of each cleft point along its ray from the source, at the
    /// 90th percentile of the cleft's share, mm.
    static func mostLucentRay(through cleft: [Vector3], carm: CArm, labels: Volume<UInt8>) -> (cleft: Double, bone: Double) {
        let step = 0.25, defect = Tissue.parsDefect.rawValue
        func crossed(through p: Vector3) -> (cleft: Double, bone: Double) {
            let d = (p - carm.sourceMm).normalized
            var gap = 0.0, bone = 0.0, t = -windowMm
            while t <= windowMm {
                let label = labels.value(nearestTo: p + d * t) ?? 0
                if label == defect { gap += step } else if Tissue.isBone(label) { bone += step }
                t += step
            }
            return (gap, bone)
        }
        func share(_ r: (cleft: Double, bone: Double)) -> Double { r.cleft / max(r.cleft + r.bone, 1e-9) }
        let rays = cleft.map(crossed(through:)).sorted { share($0) < share($1) }
        return rays[min(rays.count - 1, rays.count * 9 / 10)]
    }
}
