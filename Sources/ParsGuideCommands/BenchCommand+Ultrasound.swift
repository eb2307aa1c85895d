import Anatomy
import Devices
import Foundation
import Ultrasound

extension BenchCommand {
    /// `ultrasound.frame`: the frame — 256 lines, 120 mm, scan-converted to 512×512, speckle,
    /// five elevation rays and a needle — at the flagship pars-oblique pose, rendered back to back
    /// (`runs` × 20 frames, sustained) on the flagship subject at `--voxel-mm`; and `ultrasound.setup`,
    /// the one-off cost of a simulator for new settings; `ultrasound.setup.cached`, a simulator for settings
    /// seen before; `ultrasound.frame.untextured`, the frame without `BModeSettings.tissueTexture`.
    func ultrasoundBenchmarks() throws -> [BenchmarkResult] {
        var options = PhantomOptions()
        options.voxelMm = voxel.mm
        let subject = try LumbarPhantom.build(try options.validated())
        let simulator = try BModeSimulator()
        let pose = try ProbeView.parsOblique.pose(level: .l5, side: .left, labels: subject.labels, landmarks: subject.landmarks)
        let tip = subject.landmarks[Subject.parsLandmarkName(level: .l5, side: .left)]!
        // In plane, from the probe's cranial-lateral end, 25° to the skin.
        let back = (-pose.azimuth * cos(25 * Double.pi / 180) - pose.beam * sin(25 * Double.pi / 180)).normalized
        let needle = try NeedleShaft(tipMm: tip, hubMm: tip + back * 100)
        let frames = runs * 20
        var result = try BenchmarkResult.measure(name: "ultrasound.frame", runs: frames) {
            _ = simulator.render(labels: subject.labels, pose: pose, needle: needle)
        }
        result.extra["framesPerSecond"] = 1000 / result.medianMs
        result.extra["lines"] = Double(simulator.settings.lineCount)
        result.extra["depthMm"] = simulator.settings.depthMm
        result.extra["elevationRays"] = Double(simulator.settings.elevationRayCount)
        let start = ContinuousClock.now
        for _ in 0..<frames { _ = simulator.render(labels: subject.labels, pose: pose, needle: needle) }
        let elapsed = ContinuousClock.now - start
        result.extra["sustainedFramesPerSecond"] = Double(frames) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        // The same frame without the tissue texture: what the striations and septa cost.
        var plainSettings = BModeSettings()
        plainSettings.tissueTexture = false
        let plain = try BModeSimulator(settings: plainSettings)
        var untextured = try BenchmarkResult.measure(name: "ultrasound.frame.untextured", runs: frames) {
            _ = plain.render(labels: subject.labels, pose: pose, needle: needle)
        }
        untextured.extra["framesPerSecond"] = 1000 / untextured.medianMs
        // Setting up a simulator for new settings: the beam model (a field sum per depth and offset),
        // kernels and the scan-conversion table. A new focus each run defeats the beam-model cache.
        var focus = 60.0
        let setup = try BenchmarkResult.measure(name: "ultrasound.setup", runs: runs) {
            var s = BModeSettings()
            focus += 0.01
            s.focusMm = focus
            _ = try BModeSimulator(settings: s)
        }
        // A simulator for settings seen before (the beam model, kernels, noise and texture cached): what every
        // web frame paid before sessions took theirs from `BModeSimulator.cached`.
        let cachedSetup = try BenchmarkResult.measure(name: "ultrasound.setup.cached", runs: frames) {
            _ = try BModeSimulator(settings: BModeSettings())
        }
        return [result, untextured, setup, cachedSetup]
    }
}
