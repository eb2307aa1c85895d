import Anatomy
import Foundation
import Testing
import TestSupport
@testable import Ultrasound

/// The flagship subject: 1 mm voxels where geometry is enough, 0.6 mm where bone echoes are judged
/// (1 mm staircases scatter the surface normals of small processes). Shared with the other suites.
enum Flagship {
    static func subject() throws -> Subject { try TestSubjects.flagship() }
    static func fine() throws -> Subject { try TestSubjects.flagship(voxelMm: 0.6) }
}

@Suite struct ProbeViewTests {
    func angleDegrees(_ a: Vector3, _ b: Vector3) -> Double { acos(min(1, a.normalized.dot(b.normalized))) * 180 / .pi }

    @Test(arguments: Side.allCases)
    func parsObliqueFollowsTheTechnique(side: Side) throws {
        let subject = try Flagship.subject()
        // The published pose itself: 30°, untilted (the default searches; see below).
        let pose = try ProbeView.parsOblique.pose(level: .l5, side: side, rotation: .degrees(30), tilt: .zero, labels: subject.labels,
                                                  landmarks: subject.landmarks)
        let cranialEnd = -pose.azimuth
        // 30° from the cranial axis, measured in the face's plane (the face is turned to the skin).
        let cranial = Vector3(0, 0, 1) - pose.beam * pose.beam.z
        #expect(abs(angleDegrees(cranialEnd, cranial) - 30) < 0.5)
        #expect(cranialEnd.x * side.sign > 0, "the cranial end must swing toward the injected side")
        #expect(angleDegrees(pose.beam, Vector3(0, -1, 0)) <= ProbePose.maximumSkinTiltDegrees + 0.01)
        // The pars in the middle of the image, in the plane.
        let pars = pose.probePoint(ofWorld: subject.landmarks[Subject.parsLandmarkName(level: .l5, side: side)]!)
        #expect(abs(pars.x) < 0.01 && abs(pars.y) < 0.01)
        // Seated: pressed in a few millimetres, the face on the skin over ≥ 95 % of its footprint.
        let contact = ProbeContact.measure(pose, transducer: .c52, labels: subject.labels)
        #expect(contact.fraction >= ProbeContact.targetFraction, "contact \(contact.fraction)")
        #expect((ProbePose.minimumPressMm - 0.5...ProbePose.maximumPressMm + 0.5).contains(contact.pressMm), "pressed \(contact.pressMm) mm")
        // A needle entering in plane at the probe's cranial end travels caudad and medially to the pars.
        let entry = pose.worldFromProbe.apply(Vector3(-30, 0, 0))
        let path = subject.landmarks[Subject.parsLandmarkName(level: .l5, side: side)]! - entry
        #expect(path.z < 0 && path.x * side.sign < 0, "cephalad-lateral → caudad-medial")
    }

    /// The criterion: a preset's face touches the skin over ≥ 95 % of its footprint, and the frame
    /// then shows tissue (not black) right under the face, the skin first.
    @Test(arguments: [ProbeView.sagittalFacets, .parsOblique, .transverse], Side.allCases)
    func presetsSitOnTheSkin(view: ProbeView, side: Side) throws {
        let subject = try Flagship.subject()
        let pose = try view.pose(level: .l5, side: side, labels: subject.labels, landmarks: subject.landmarks)
        let contact = ProbeContact.measure(pose, transducer: .c52, labels: subject.labels)
        // Transverse sits across the spinous process, which stops the press (`minimumTissueOverBoneMm`)
        // before the ends touch: the elliptic torso has no midline furrow for the convex face to sit in
        // (94 % on the flagship; issue 15 part 2 brings the furrow).
        let target = view == .transverse ? 0.9 : ProbeContact.targetFraction
        #expect(contact.fraction >= target, "\(view) \(side): contact \(contact.fraction)")
        // The ground truth under the face: skin at the top of the central line, though the face is pressed
        // below where the undeformed skin lies (the near field is squeezed, not cut away).
        var s = BModeSettings(); s.imageWidth = 256; s.imageHeight = 256; s.lineCount = 64; s.depthMm = 60
        let sim = try BModeSimulator(transducer: .c52, settings: s)
        let map = sim.labelMap(labels: subject.labels, pose: pose)
        let g = sim.imageGeometry
        let top = g.pixel(ofProbePoint: Vector3(0, 0, 0.3))
        let column = Int(top.column.rounded())
        let firstTissue = (Int(top.row.rounded())..<g.height).lazy.map { map[$0 * g.width + column] }.first { $0 != 0 }
        #expect(firstTissue == Tissue.skin.rawValue, "\(view) \(side): first label under the face \(String(describing: firstTissue))")
    }

    @Test("A pose lifted off the skin is reported: part of the face in the air")
    func liftedPoseReportsAirGap() throws {
        let subject = try Flagship.subject()
        let seated = try ProbeView.sagittalFacets.pose(level: .l5, side: .left, labels: subject.labels, landmarks: subject.landmarks)
        let press = ProbeContact.measure(seated, transducer: .c52, labels: subject.labels).pressMm
        let lifted = seated.translated(byMm: seated.beam * -(press + 3))  // the face centre 3 mm above the skin
        let contact = ProbeContact.measure(lifted, transducer: .c52, labels: subject.labels)
        #expect(contact.fraction < 0.5, "contact \(contact.fraction)")
        #expect(abs(contact.pressMm + 3) < 1, "press \(contact.pressMm) mm")
    }

    @Test func sagittalShowsBothFacetJointsCranialOnTheLeft() throws {
        let subject = try Flagship.subject()
        let sim = try BModeSimulator()
        let pose = try ProbeView.sagittalFacets.pose(level: .l5, side: .left, labels: subject.labels, landmarks: subject.landmarks)
        // The marker end at the probe's −x points up the facet column (L5-S1 → L4-L5), within 20° of cranial.
        let lowerJoint = subject.landmarks["L5-S1.left.facetJoint"]!, upperJoint = subject.landmarks["L4-L5.left.facetJoint"]!
        let column = Vector3(upperJoint.x - lowerJoint.x, 0, upperJoint.z - lowerJoint.z)
        let inFace = { (v: Vector3) in v - pose.beam * v.dot(pose.beam) }  // in the face's plane (turned to the skin)
        #expect(angleDegrees(-pose.azimuth, inFace(column)) < 0.5, "marker end along the facet column")
        #expect(angleDegrees(-pose.azimuth, inFace(Vector3(0, 0, 1))) < 20, "marker (cranial) end at the probe's −x")
        let frame = sim.render(labels: subject.labels, pose: pose)
        let found = StructureLocator.locate(frame: frame, labels: subject.labels, landmarks: subject.landmarks, level: .l5, side: .left,
                                            depthMm: sim.settings.depthMm, transducer: sim.transducer)
        let upper = found.first { $0.key == "facetJoint.L4-L5" }, lower = found.first { $0.key == "facetJoint.L5-S1" }
        #expect(upper != nil && lower != nil)
        if let upper, let lower { #expect(upper.pixel[0] < lower.pixel[0], "L4-L5 (cranial) must be left of L5-S1") }
    }

    @Test(arguments: Side.allCases)
    func parsObliqueShowsAndLocatesTheStructures(side: Side) throws {
        let subject = try Flagship.fine()
        let sim = try BModeSimulator()
        let preset = try ProbeView.parsOblique.preset(level: .l5, side: side, labels: subject.labels, landmarks: subject.landmarks)
        // The search stays within "about 30°" (20–40°) and a sonographer's tilt, and seats the probe.
        #expect((20...40).contains(preset.rotation.degrees) && abs(preset.tilt.degrees) <= 20)
        #expect(preset.missing.isEmpty, "not shown together: \(preset.missing)")
        #expect(ProbeContact.measure(preset.pose, transducer: sim.transducer, labels: subject.labels).fraction >= ProbeContact.targetFraction)
        let frame = sim.render(labels: subject.labels, pose: preset.pose)
        let found = StructureLocator.locate(frame: frame, labels: subject.labels, landmarks: subject.landmarks, level: .l5, side: side,
                                            depthMm: sim.settings.depthMm, transducer: sim.transducer,
                                            dynamicRangeDB: sim.settings.dynamicRangeDB)
        for key in StructureLocator.parsViewKeys {
            let s = found.first { $0.key == key }
            #expect(s != nil, "\(key) not located")
            guard let s else { continue }
            #expect(abs(s.elevationMm) < 0.5)
            if key != "dura" { #expect(s.distanceToLandmarkMm < 12, "\(key) shown \(s.distanceToLandmarkMm) mm from its landmark") }
            // Its echo stands ≥ 12 dB (4× in amplitude) above the tissue around it.
            #expect(s.isVisible, "\(key): echo \(s.echoContrastDB) dB above the tissue around it")
        }
    }

    @Test(arguments: Side.allCases)
    func thePublished30DegreeViewShowsTheArchBrightly(side: Side) throws {
        let subject = try Flagship.fine()
        let sim = try BModeSimulator()
        let pose = try ProbeView.parsOblique.pose(level: .l5, side: side, rotation: .degrees(30), tilt: .zero, labels: subject.labels,
                                                  landmarks: subject.landmarks)
        let found = StructureLocator.locate(frame: sim.render(labels: subject.labels, pose: pose), labels: subject.labels,
                                            landmarks: subject.landmarks, level: .l5, side: side, depthMm: sim.settings.depthMm,
                                            transducer: sim.transducer, dynamicRangeDB: sim.settings.dynamicRangeDB)
        for key in ["superiorArticularProcess", "pars", "lamina"] {
            let s = found.first { $0.key == key }
            #expect(s != nil, "\(key) not located")
            guard let s else { continue }
            #expect(s.distanceToLandmarkMm < 12, "\(key) shown \(s.distanceToLandmarkMm) mm from its landmark")
            #expect(s.isVisible, "\(key): echo \(s.echoContrastDB) dB above the tissue median")
        }
    }

    @Test func aGrazedEdgeIsNotAStructure() throws {
        // A wall the beam runs along, or a sliver, spans less than `minimumWidthMm` across the image.
        let pose = try ProbePose(centreMm: .zero, beam: Vector3(0, 0, 1), azimuth: Vector3(1, 0, 0))
        #expect(StructureLocator.widthMm([Vector3(0, 0, 10), Vector3(0.5, 0, 20)], pose: pose) < StructureLocator.minimumWidthMm)
        #expect(StructureLocator.widthMm([Vector3(-2, 0, 10), Vector3(2, 0, 10)], pose: pose) >= StructureLocator.minimumWidthMm)
    }

    @Test func aPoseOffTheBodyIsAnError() throws {
        let subject = try Flagship.subject()
        #expect(throws: DeviceError.self) {
            try ProbePose.onSkin(of: subject.labels, pointMm: Vector3(400, 100, 0), beam: Vector3(0, -1, 0), azimuth: Vector3(0, 0, -1))
        }
    }
}
