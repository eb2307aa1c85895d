import Anatomy
import Foundation
import Imaging
import Procedure
import Ultrasound

/// The ultrasound film of a rehearsed insertion: the probe held at the plan's pose, one B-mode frame per
/// step with the needle's tip where that step left it (a rehearsal never redirects, so every shaft lies
/// along the insertion's direction). `parsguide insert` and the published case both film with it and
/// write it as an animated PNG.
public enum RehearsalFilm {
    /// The frames of the steps `keep` selects (every step by default), in order. `progress` is told
    /// (frames done, frames in all) after each.
    public static func frames(of insertion: Insertion, plan: NeedlePlan, simulator: BModeSimulator,
                              keep: (Insertion.Step) -> Bool = { _ in true },
                              progress: (Int, Int) -> Void = { _, _ in }) throws -> [GrayImage] {
        let pose = try plan.probePose
        let kept = insertion.steps.filter(keep)
        var frames: [GrayImage] = []
        for step in kept {
            let tip = Vector3(step.tipMm[0], step.tipMm[1], step.tipMm[2])
            let shaft = try plan.needle.shaft(tipMm: tip, direction: insertion.direction)
            frames.append(simulator.render(labels: insertion.subject.labels, pose: pose, needle: shaft).image)
            progress(frames.count, kept.count)
        }
        return frames
    }
}
