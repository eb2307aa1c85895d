import Anatomy
import Foundation
import Testing
@testable import Ultrasound

/// The flagship subject: 1 mm voxels where geometry is enough, 0.6 mm where bone echoes are judged
/// (1 mm staircases scatter the surface normals of small processes).
enum Flagship {
    static func build(voxelMm: Double) throws -> Subject {
        var o = PhantomOptions()
        o.voxelMm = voxelMm
        return try LumbarPhantom.build(o)
    }
    static let subject = Result { try build(voxelMm: 1) }
    static let fine = Result { try build(voxelMm: 0.6) }
}

@Suite struct ProbeViewTests {
    func angleDegrees(_ a: Vector3, _ b: Vector3) -> Double { acos(min(1, a.normalized.dot(b.normalized))) * 180 / .pi }

    @Test(arguments: Side.allCases)
    func parsObliqueFollowsTheTechnique(side: Side) throws {
        let subject = try Flagship.subject.get()
        let pose = try ProbeView.parsOblique.pose(level: .l5, side: side, labels: subject.labels, landmarks: subject.landmarks)
        let cranialEnd = -pose.azimuth
        #expect(abs(angleDegrees(cranialEnd, Vector3(0, 0, 1)) - 30) < 0.01)
        #expect(cranialEnd.x * side.sign > 0, "the cranial end must swing toward the injected side")
        #expect(abs(angleDegrees(pose.beam, Vector3(0, -1, 0))) < 0.01)
        // The pars in the middle of the image, in the plane.
        let pars = pose.probePoint(ofWorld: subject.landmarks[Subject.parsLandmarkName(level: .l5, side: side)]!)
        #expect(abs(pars.x) < 0.01 && abs(pars.y) < 0.01)
        // On the skin: body under the footprint, air just above it.
        #expect(subject.labels.value(nearestTo: pose.centreMm + pose.beam * 0.6) != 0)
        #expect(subject.labels.value(nearestTo: pose.centreMm - pose.beam * 1.5) == 0)
        // A needle entering in plane at the probe's cranial end travels caudad and medially to the pars.
        let entry = pose.worldFromProbe.apply(Vector3(-30, 0, 0))
        let path = subject.landmarks[Subject.parsLandmarkName(level: .l5, side: side)]! - entry
        #expect(path.z < 0 && path.x * side.sign < 0, "cephalad-lateral → caudad-medial")
    }

    @Test func sagittalShowsBothFacetJointsCranialOnTheLeft() throws {
        let subject = try Flagship.subject.get()
        let sim = try BModeSimulator()
        let pose = try ProbeView.sagittalFacets.pose(level: .l5, side: .left, labels: subject.labels, landmarks: subject.landmarks)
        #expect(abs(angleDegrees(-pose.azimuth, Vector3(0, 0, 1))) < 0.01, "marker (cranial) end at the probe's −x")
        let frame = sim.render(labels: subject.labels, pose: pose)
        let found = StructureLocator.locate(frame: frame, labels: subject.labels, landmarks: subject.landmarks, level: .l5, side: .left,
                                            depthMm: sim.settings.depthMm, transducer: sim.transducer)
        let upper = found.first { $0.key == "facetJoint.L4-L5" }, lower = found.first { $0.key == "facetJoint.L5-S1" }
        #expect(upper != nil && lower != nil)
        if let upper, let lower { #expect(upper.pixel[0] < lower.pixel[0], "L4-L5 (cranial) must be left of L5-S1") }
    }

    @Test(arguments: Side.allCases)
    func parsObliqueShowsAndLocatesTheStructures(side: Side) throws {
        let subject = try Flagship.fine.get()
        let sim = try BModeSimulator()
        let pose = try ProbeView.parsOblique.pose(level: .l5, side: side, labels: subject.labels, landmarks: subject.landmarks)
        let frame = sim.render(labels: subject.labels, pose: pose)
        let found = StructureLocator.locate(frame: frame, labels: subject.labels, landmarks: subject.landmarks, level: .l5, side: side,
                                            depthMm: sim.settings.depthMm, transducer: sim.transducer)
        // The brightest pixel within 2 mm of where the structure is shown.
        let r = Int((2 / frame.geometry.pixelSpacingMm).rounded())
        func brightest(around s: LocatedStructure) -> UInt8 {
            var best: UInt8 = 0
            for dy in -r...r { for dx in -r...r where dx * dx + dy * dy <= r * r {
                let x = Int(s.pixel[0].rounded()) + dx, y = Int(s.pixel[1].rounded()) + dy
                if x >= 0, y >= 0, x < frame.image.width, y < frame.image.height { best = max(best, frame.image[x, y]) }
            } }
            return best
        }
        // A structure shows when its echo stands ≥ 12 dB (4× in amplitude) above the median imaged
        // (non-black) pixel; 12 dB is 12/60 of the grey scale.
        let tissue = frame.image.pixels.filter { $0 > 0 }.sorted()
        let median = tissue[tissue.count / 2]
        let contrast = UInt8(12 / sim.settings.dynamicRangeDB * 255)
        for key in ["superiorArticularProcess", "pars", "lamina"] {
            let s = found.first { $0.key == key }
            #expect(s != nil, "\(key) not located")
            guard let s else { continue }
            #expect(s.distanceToLandmarkMm < 12, "\(key) shown \(s.distanceToLandmarkMm) mm from its landmark")
            #expect(abs(s.elevationMm) < 0.5)
            #expect(brightest(around: s) >= median &+ contrast, "\(key): brightest \(brightest(around: s)) vs tissue median \(median)")
        }
        withKnownIssue("In the mean-shape phantom the L5 spinous-process tip lies ~15 mm off the 30° plane through the pars") {
            #expect(found.contains { $0.key == "spinousProcess" })
        }
    }

    @Test func aPoseOffTheBodyIsAnError() throws {
        let subject = try Flagship.subject.get()
        #expect(throws: UltrasoundError.self) {
            try ProbePose.onSkin(of: subject.labels, pointMm: Vector3(400, 100, 0), beam: Vector3(0, -1, 0), azimuth: Vector3(0, 0, -1))
        }
    }
}
