import Foundation
import ParsGuideCore
import Testing
@testable import Anatomy
import TestSupport

/// The shared data folder beside the clone (`../shared/data`), as CI has it.
private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/totalsegmentator-example").path

/// A subject from the real example CT (3 mm, TotalSegmentator masks), built coarse for debug speed.
@Suite(.serialized) struct PatientCTTests {
    static let voxelMm = 1.5

    static func input(masks: String = "\(example)/masks", classMap: String? = nil) throws -> PatientCTInput {
        PatientCTInput(ct: try NIfTI.read(path: "\(example)/ct.nii.gz").float32,
                       masks: try SegmentationMasks.read(path: masks, classMap: classMap),
                       inputs: ["ct": "ct.nii.gz", "masks": masks])
    }

    @Test("The example CT gives a subject: the masks' bones where they lie, ten pars, soft tissue by HU, the source stated")
    func exampleSubject() throws {
        let input = try Self.input()
        let s = try PatientCTBuild.build(input, voxelMm: Self.voxelMm, defects: .auto)
        #expect(s.defects.isEmpty, "an intact spine: \(s.defects.map(\.name))")
        #expect(s.habitus == nil && s.source.kind == SubjectSource.patientCTKind && s.source.voxelMm == Self.voxelMm)
        let shift = Vector3(s.source.subjectFromPatientMm[0], s.source.subjectFromPatientMm[1], s.source.subjectFromPatientMm[2])
        #expect(shift.y == 0 && shift.z == 0 && abs(shift.x) < 50)
        // Every lumbar level and side has its pars, and it lies on that vertebra's bone.
        for level in SpinalLevel.modelled {
            for side in Side.allCases {
                let pars = try #require(s.landmarks[Subject.parsLandmarkName(level: level, side: side)], "\(level) \(side)")
                #expect(s.labels.value(nearestTo: pars) == level.tissue.rawValue, "\(level) \(side) pars off its bone")
                #expect(pars.x * side.sign > 0, "\(level) \(side) pars on the wrong side")
                // Behind the pars is paraspinal tissue, never the canal's epidural fat (a mask's canal, found
                // within the bone's hull, reaches behind the arch; its fat is kept in front of it).
                for mm in stride(from: 3.0, through: 12, by: 1.5) {
                    #expect(s.labels.value(nearestTo: pars + Vector3(0, mm, 0)) != Tissue.epiduralFat.rawValue,
                            "\(level) \(side): epidural fat \(mm) mm behind the pars")
                }
            }
        }
        // Mask voxels of L5 land on L5 (or on what the stages carved from it: joint, pars) in the subject.
        let m = input.masks.labels, g = m.grid
        var onL5 = 0, total = 0
        for v in m.voxels.indices where m.voxels[v] == Tissue.l5.rawValue {
            let ijk = g.index(ofLinear: v)
            total += 1
            if let l = s.labels.value(nearestTo: g.world(ijk.x, ijk.y, ijk.z) + shift), l == Tissue.l5.rawValue || l == Tissue.facetJoint.rawValue { onL5 += 1 }
        }
        #expect(Double(onL5) / Double(total) > 0.9, "\(onL5) of \(total)")
        // Soft tissue from the CT: skin, fat, muscle and the canal's contents are all present; a sacral slope in
        // the usual adult range (30–60°).
        var counts = [Int](repeating: 0, count: 256)
        for l in s.labels.voxels { counts[Int(l)] += 1 }
        for t: Tissue in [.skin, .subcutaneousFat, .deepFat, .muscle, .erectorSpinae, .psoas, .intervertebralDisc, .dura, .cerebrospinalFluid, .facetJoint, .ilium] {
            #expect(counts[Int(t.rawValue)] > 0, "no \(t.name)")
        }
        let slope = try #require(s.measurements["sacralSlopeDegrees"])
        #expect(slope > 30 && slope < 60, "sacral slope \(slope)°")
        // The skin over each pars is straight behind it, 3–12 cm away (a supine CT's compressed back).
        let depth = try #require(s.measurements["L5.left.skinToParsDepthMm"])
        #expect(depth > 30 && depth < 120, "\(depth) mm")
        // The CT keeps the scan's values: bone where the L5 body is.
        let body = try #require(s.landmarks["L5.bodyCentre"])
        let hu = try #require(s.ct.value(nearestTo: body))
        #expect(hu > 100, "L5 body \(hu) HU")
    }

    @Test("auto finds a gap carved into the real L4 at 1 mm, on its side, and labels the cleft")
    func detectsCarvedDefect() throws {
        let input = try Self.input()
        let carved = try PatientCTBuild.build(input, voxelMm: 1, defects: .carve([ParsDefect(level: .l4, side: .left, gapMm: 3)]))
        // The carved subject's bones as masks, in the patient's frame, with the cleft left empty.
        var m = carved.labels.grid.worldFromIndex
        m[0, 3] -= carved.source.subjectFromPatientMm[0]
        let bones = carved.labels.voxels.map { Tissue.isBone($0) && $0 != Tissue.otherBone.rawValue ? $0 : 0 }
        let masks = SegmentationMasks(labels: Volume(grid: try Grid(dimensions: carved.labels.grid.dimensions, worldFromIndex: m), voxels: bones),
                                      structures: ["carved"], summary: "the carved subject's bones")
        let found = try PatientCTBuild.build(PatientCTInput(ct: input.ct, masks: masks, inputs: [:]), voxelMm: 1, defects: .auto)
        #expect(found.defects.map(\.name) == ["L4-left"])
        let pars = try #require(found.landmarks[Subject.parsLandmarkName(level: .l4, side: .left)])
        let carvedPars = try #require(carved.landmarks[Subject.parsLandmarkName(level: .l4, side: .left)])
        #expect((pars - carvedPars).length < 6, "found at \(pars), carved at \(carvedPars)")
        #expect(found.labels.voxels.contains(Tissue.parsDefect.rawValue))
        let gap = try #require(found.measurements["L4-left.detectedGapMm"])
        #expect(gap >= 2 && gap <= 6, "\(gap) mm")
    }

    @Test("A left-handed copy of the CT (voxels stored right to left) gives the same subject; an oblique one is resampled through its affine and says so")
    func orientations() throws {
        let input = try Self.input()
        let reference = try PatientCTBuild.build(input, voxelMm: Self.voxelMm, defects: .carve([]))
        #expect(!reference.source.notes.contains { $0.contains("oblique") || $0.contains("left-handed") })
        // Flip the i axis of the CT and the masks: same world, left-handed storage.
        func flipped<T>(_ v: Volume<T>) throws -> Volume<T> {
            let d = v.grid.dimensions
            var out = v.voxels
            for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x { out[v.grid.linearIndex(i, j, k)] = v[d.x - 1 - i, j, k] } } }
            var m = v.grid.worldFromIndex
            let first = v.grid.world(d.x - 1, 0, 0)
            for r in 0..<3 { m[r, 0] = -m[r, 0] }
            m[0, 3] = first.x; m[1, 3] = first.y; m[2, 3] = first.z
            return Volume(grid: try Grid(dimensions: d, worldFromIndex: m), voxels: out)
        }
        var masks = input.masks
        masks.labels = try flipped(masks.labels)
        let left = try PatientCTBuild.build(PatientCTInput(ct: try flipped(input.ct), masks: masks, inputs: [:]), voxelMm: Self.voxelMm, defects: .carve([]))
        #expect(left.source.notes.contains { $0.contains("left-handed") })
        #expect(left.labels.grid == reference.labels.grid)
        let differing = zip(left.labels.voxels, reference.labels.voxels).filter { $0 != $1 }.count
        #expect(differing < reference.labels.voxels.count / 1000, "\(differing) labels differ")
        for (name, p) in reference.landmarks where name.hasSuffix(".pars") {
            #expect((left.landmarks[name].map { ($0 - p).length } ?? 99) < 2.5, "\(name)")
        }
        // Oblique: the scan's axes turned 3° about the body's long axis (the patient turned with them).
        func turned<T>(_ v: Volume<T>) throws -> Volume<T> {
            let a = 3.0 * .pi / 180, m = v.grid.worldFromIndex
            var r = m
            for c in 0..<4 {
                r[0, c] = cos(a) * m[0, c] - sin(a) * m[1, c]
                r[1, c] = sin(a) * m[0, c] + cos(a) * m[1, c]
            }
            return Volume(grid: try Grid(dimensions: v.grid.dimensions, worldFromIndex: r), voxels: v.voxels)
        }
        masks = input.masks
        masks.labels = try turned(masks.labels)
        let oblique = try PatientCTBuild.build(PatientCTInput(ct: try turned(input.ct), masks: masks, inputs: [:]), voxelMm: Self.voxelMm, defects: .carve([]))
        #expect(oblique.source.notes.contains { $0.contains("oblique to LPS (up to 3.0°)") })
        #expect(oblique.landmarks.keys.filter { $0.hasSuffix(".pars") }.count >= 8)
    }

    @Test("Masks with no lumbar vertebra, masks from another scan and multilabel files without their class map are refused")
    func refusals() throws {
        let ct = try NIfTI.read(path: "\(example)/ct.nii.gz").float32
        // The upper-abdomen segmentation (T11–T12) read through its class map holds no lumbar vertebra.
        let abdomen = try SegmentationMasks.read(path: "\(example)/dicom-seg.nii.gz", classMap: "\(example)/dicom-seg-classes.json")
        #expect(throws: AnatomyError.self) { try PatientCTBuild.build(PatientCTInput(ct: ct, masks: abdomen, inputs: [:]), voxelMm: 2, defects: .carve([])) }
        do { _ = try PatientCTBuild.build(PatientCTInput(ct: ct, masks: abdomen, inputs: ["masks": "seg"]), voxelMm: 2, defects: .carve([])) } catch {
            #expect("\(error)".contains("no lumbar vertebra"), "\(error)")
        }
        // The right masks moved 400 mm away: no overlap with the CT.
        var moved = try SegmentationMasks.read(path: "\(example)/masks")
        var m = moved.labels.grid.worldFromIndex
        m[0, 3] += 400
        moved.labels = Volume(grid: try Grid(dimensions: moved.labels.grid.dimensions, worldFromIndex: m), voxels: moved.labels.voxels)
        do { _ = try PatientCTBuild.build(PatientCTInput(ct: ct, masks: moved, inputs: [:]), voxelMm: 2, defects: .carve([])); Issue.record("accepted") } catch {
            #expect("\(error)".contains("do not overlap"), "\(error)")
        }
        // TotalSegmentator's multilabel ids read as VerSe labels: refused, pointing to --classes.
        do { _ = try SegmentationMasks.read(path: "\(example)/dicom-seg.nii.gz"); Issue.record("accepted") } catch {
            #expect("\(error)".contains("--classes"), "\(error)")
        }
        #expect(throws: ParameterOutOfRange.self) { try PatientCTBuild.build(PatientCTInput(ct: ct, masks: try SegmentationMasks.read(path: "\(example)/masks"), inputs: [:]), voxelMm: 0.1, defects: .carve([])) }
    }

    @Test("Class maps and VerSe labels map onto ParsGuide's labels")
    func maskMapping() throws {
        let grid = try Grid(dimensions: SIMD3(4, 1, 1), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        let verse = try SegmentationMasks.verse(Volume(grid: grid, voxels: [0, 20, 24, 26]), path: "v")
        #expect(verse.labels.voxels == [0, Tissue.l1.rawValue, Tissue.l5.rawValue, Tissue.sacrum.rawValue])
        let mapped = try SegmentationMasks.mapped(Volume(grid: grid, voxels: [0, 27, 25, 86]), path: "t",
                                                 names: [27: "vertebrae_L5", 25: "sacrum", 86: "autochthon_left", 5: "liver"])
        #expect(mapped.labels.voxels == [0, Tissue.l5.rawValue, Tissue.sacrum.rawValue, Tissue.erectorSpinae.rawValue])
        #expect(mapped.structures == ["autochthon_left", "sacrum", "vertebrae_L5"])
    }

    /// An analytic body, 1 mm voxels, three identical axial slices: skin r 48–50 mm, fat 38–48, a muscle
    /// ring 33–38 with a 4 mm gap in front, fat inside with an organ (r < 10), the air outside. A fascial
    /// strand in the subcutaneous fat (10 mm of fat-range voxels at −50 HU) and, in a copy, the ring's
    /// front third blurred into fat at −50 HU (a thin wall a coarse scan cannot resolve).
    static func analyticBody(blurredFront: Bool) throws -> PatientCTResampler.Sampled {
        let n = 110, grid = try Grid(dimensions: SIMD3(n, n, 3), spacingMm: Vector3(1, 1, 1), originMm: Vector3(-54.5, -54.5, -1))
        var labels = Volume<UInt8>(grid: grid, repeating: 0), hu = Volume<Int16>(grid: grid, repeating: -1000)
        var outside = [Bool](repeating: false, count: grid.voxelCount)
        for k in 0..<3 { for j in 0..<n { for i in 0..<n {
            let p = grid.world(i, j, k), r = (p.x * p.x + p.y * p.y).squareRoot(), v = grid.linearIndex(i, j, k)
            let front = p.y < 0 && abs(p.x) < r * 0.5   // the anterior third (−y is anterior in LPS)
            var label = Tissue.air.rawValue, value: Int16 = -1000
            if r >= 50 { outside[v] = true } else if r >= 48 { label = Tissue.skin.rawValue; value = 20 }
            else if r >= 38 { label = Tissue.subcutaneousFat.rawValue; value = abs(r - 43) < 0.5 && p.x > 0 && p.x < 10 && p.y > 0 ? -50 : -100 }
            else if r >= 33 {
                if p.y < -30 && abs(p.x) < 2 { label = Tissue.subcutaneousFat.rawValue; value = -100 }   // the 4 mm gap
                else if blurredFront && front { label = Tissue.subcutaneousFat.rawValue; value = -50 }
                else { label = Tissue.muscle.rawValue; value = 50 }
            } else if r >= 10 { label = Tissue.subcutaneousFat.rawValue; value = -100 }
            else { label = Tissue.otherSoftTissue.rawValue; value = 40 }
            labels[i, j, k] = label; hu[i, j, k] = value
        } } }
        return PatientCTResampler.Sampled(labels: labels, hounsfield: hu, outside: outside)
    }

    @Test("Fat splits at the body wall: outside it subcutaneous, within it deep — across a gap, a blurred wall and past a fascial strand")
    func fatSplitsAtTheBodyWall() throws {
        for blurred in [false, true] {
            var body = try Self.analyticBody(blurredFront: blurred)
            body.separateDeepFat()
            let g = body.labels.grid
            var wrong: [String] = []
            for k in 0..<3 { for j in 0..<g.dimensions.y { for i in 0..<g.dimensions.x {
                let p = g.world(i, j, k), r = (p.x * p.x + p.y * p.y).squareRoot(), l = body.labels[i, j, k]
                // Within a cell (2 mm, 2.9 across) of the wall either label is fair.
                if r >= 41 && r < 47 && l != Tissue.subcutaneousFat.rawValue { wrong.append("subcutaneous at r \(r): \(l)") }
                if r >= 11 && r < 30 && l != Tissue.deepFat.rawValue { wrong.append("deep at r \(r): \(l)") }
            } } }
            let examples = wrong.prefix(3).joined(separator: "; ")
            #expect(wrong.count == 0, "blurred front \(blurred): \(wrong.count) voxels, e.g. \(examples)")
        }
    }

    @Test("Convex hull of lattice points: corners counter-clockwise, inside and outside told apart")
    func convexHull() {
        let square = [SIMD2(0, 0), SIMD2(4, 0), SIMD2(4, 4), SIMD2(0, 4), SIMD2(2, 2), SIMD2(2, 0)]
        let hull = ConvexHull2D.of(square)
        #expect(hull == [SIMD2(0, 0), SIMD2(4, 0), SIMD2(4, 4), SIMD2(0, 4)])
        #expect(ConvexHull2D.contains(hull, SIMD2(1, 3)) && ConvexHull2D.contains(hull, SIMD2(4, 2)))
        #expect(!ConvexHull2D.contains(hull, SIMD2(5, 2)) && !ConvexHull2D.contains(hull, SIMD2(-1, -1)))
    }
}

/// A patient's bone surfaces are smoothed by the masks' own voxel: a sphere labelled on a 3 mm lattice (each
/// 0.5 mm voxel takes its 3 mm cell's label, the staircase of a coarse scan's mask) is meshed within a few
/// degrees of its true normals, where the lightly smoothed mesh of the same labels keeps the steps
/// (measured 2026-12-07: 4.5° against 33°).
@Suite struct PatientBoneSurfaceTests {
    @Test func aCoarseScansStaircaseIsSmoothedAway() throws {
        let radiusMm = 11.0, cellMm = 3.0
        let labels = try coarseScanSphere(radiusMm: radiusMm, cellMm: cellMm, label: Tissue.l5.rawValue)
        /// Area-weighted RMS angle between each triangle's normal and the outward radial direction, °, and
        /// the mean distance of the vertices from the centre, mm.
        func measure(_ mesh: TriangleMesh) -> (rmsDeg: Double, meanRadiusMm: Double) {
            var sum = 0.0, area = 0.0
            for t in mesh.triangles {
                let a = SIMD3<Double>(mesh.vertices[Int(t.x)]), b = SIMD3<Double>(mesh.vertices[Int(t.y)]), c = SIMD3<Double>(mesh.vertices[Int(t.z)])
                let n = (b - a).cross(c - a), w = n.length
                guard w > 0 else { continue }
                let angle = acos(min(1, max(-1, (n / w).dot(((a + b + c) / 3).normalized)))) * 180 / .pi
                sum += w * angle * angle; area += w
            }
            let radius = mesh.vertices.reduce(0.0) { $0 + SIMD3<Double>($1).length } / Double(max(mesh.vertices.count, 1))
            return ((sum / max(area, 1e-12)).squareRoot(), radius)
        }
        let smoothed = try #require(try PatientCTBuild.boneSurfaces(labels, maskVoxelMm: cellMm)[Tissue.l5.rawValue])
        let light = try #require(try PatientCTBuild.boneSurfaces(labels, maskVoxelMm: 0.5)[Tissue.l5.rawValue])
        let s = measure(smoothed), l = measure(light)
        #expect(s.rmsDeg <= 6 && l.rmsDeg > 4 * s.rmsDeg, "RMS normal error \(s.rmsDeg)° smoothed by the scan's voxel, \(l.rmsDeg)° lightly")
        // Smoothing rounds a convex body in by about σ²/R (0.46 mm here, σ = 2.25 mm; measured 0.59 mm).
        #expect(l.meanRadiusMm - s.meanRadiusMm >= 0 && l.meanRadiusMm - s.meanRadiusMm <= 0.75,
                "mean radius \(s.meanRadiusMm) mm smoothed, \(l.meanRadiusMm) mm lightly")
        #expect(MarchingCubes.smoothingPasses(sigmaMm: 2.25, gridMm: 1) == 11 && MarchingCubes.smoothingPasses(sigmaMm: 0.5, gridMm: 1) == 1)
        #expect(MarchingCubes.smoothingSigmaMm(scanVoxelMm: cellMm) == 2.25)
    }
}
