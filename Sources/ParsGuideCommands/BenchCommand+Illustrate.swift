import Anatomy
import Devices
import Fluoroscopy
import Foundation
import Illustration
import Procedure
import Session
import Ultrasound

extension BenchCommand {
    /// `illustrate.us`: a 1024×768 three-quarter view of the left L5 pars-oblique probe pose with its plane
    /// and a needle; `illustrate.fluoro`: the left oblique C-arm view at 1024×1024, with the needle (the
    /// flagship subject at `--voxel-mm`); `illustrate.surfaces`: the scene's surfaces before its first picture
    /// (the bones' hierarchies, the meshes made from labels). Target: ≤ 1 s per 1024×768 picture on 2 cores.
    func illustrateBenchmarks() throws -> [BenchmarkResult] {
        var options = PhantomOptions()
        options.voxelMm = voxel.mm
        let subject = try LumbarPhantom.build(try options.validated())
        let pars = subject.landmarks["L5.left.pars"]!
        let pose = try ProbeView.parsOblique.pose(level: .l5, side: .left, labels: subject.labels, landmarks: subject.landmarks)
        let needle = try NeedleShaft(tipMm: pars + Vector3(0, 4, 0), hubMm: pars + Vector3(30, 70, 45))
        let blocks = LabelBlocks(labels: subject.labels)
        let surfaces = SurfaceMeshes(subject.surfaces, labels: subject.labels, blocks: blocks)
        var renderer = SurfaceRenderer(labels: subject.labels, blocks: blocks)
        renderer.surfaces = surfaces
        renderer.styles = StructureStyle.probeView
        renderer.overlays = [.probe(pose, .c52, FieldOfView(transducer: .c52, settings: BModeSettings())), .needle(needle)]
        let us = try Camera.threeQuarter(of: pose, focus: pars, width: 1024, height: 768)
        let carm = try CArm(isocentreMm: pars, sourceDirection: CArm.View.obliqueLeft.sourceDirection(), pixels: 1024)
        var fluoro = SurfaceRenderer(labels: subject.labels, blocks: blocks)
        fluoro.surfaces = surfaces
        fluoro.overlays = [.needle(needle)]
        return [
            try BenchmarkResult.measure(name: "illustrate.us", runs: runs) { _ = renderer.render(us) },
            try BenchmarkResult.measure(name: "illustrate.fluoro", runs: runs) { _ = fluoro.render(.fluoroscopy(carm)) },
            try BenchmarkResult.measure(name: "illustrate.surfaces", runs: runs) {
                _ = SurfaceMeshes(subject.surfaces, labels: subject.labels, blocks: blocks)
            },
        ]
    }

    /// `case`: `parsguide case` end to end into a temporary folder (default subject, 512-pixel panels).
    /// Target: ≤ 60 s on 2 cores, aim ≤ 15 s.
    func caseBenchmarks() throws -> [BenchmarkResult] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-bench-case-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var o = PublishedCase.Options()
        o.out = dir
        o.voxelMm = voxel.mm
        return [try BenchmarkResult.measure(name: "case", runs: runs) {
            // Each run writes a new folder (a case folder is replaced only with --force).
            try? FileManager.default.removeItem(atPath: dir)
            _ = try PublishedCase(options: o, progress: { _ in }).run()
        }]
    }
}
