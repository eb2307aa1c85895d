import Anatomy
import Foundation

/// What a case runs on: the published patient's phantom, built from the case's options, or a subject
/// folder (`parsguide phantom` or `parsguide subject`), loaded as written.
struct CaseAnatomy {
    let scene: ProcedureScene
    /// Where the anatomy comes from (a folder written before `source` existed is a phantom).
    let source: SubjectSource
    /// The subject's pars defects, `L5-left`.
    let defects: [String]
    /// The habitus a phantom was sized to; nil for a patient's CT.
    let habitus: Habitus?
    /// The attribution lines of the anatomy's sources.
    let attribution: [String]

    /// Builds the published patient's phantom (or the habitus and defects the options name).
    init(options o: PublishedCase.Options, step: (String) -> Void) throws {
        step("building the subject (\(o.voxelMm) mm voxels)")
        var phantom = PhantomOptions()
        phantom.habitus = try Habitus(heightCm: o.heightCm, weightKg: o.weightKg, sex: o.sex, ageYears: o.ageYears)
        phantom.defects = try ParsDefect.parseList(o.defects)
        phantom.voxelMm = o.voxelMm
        phantom.seed = o.seed
        let subject = try LumbarPhantom.build(phantom.validated())
        scene = try ProcedureScene(subject: subject, directory: o.out)
        source = subject.source
        defects = subject.defects.map(\.name)
        habitus = subject.habitus
        attribution = subject.attribution
    }

    /// Loads a subject folder.
    init(folder: String, step: (String) -> Void) throws {
        step("loading the subject \(folder)")
        scene = try ProcedureScene(directory: folder)
        let document = scene.planning.document
        source = document.source ?? .phantom(voxelMm: document.grid.spacingMm[0])
        defects = document.defects.map(\.target)
        habitus = try document.habitus.map { try Habitus(heightCm: $0.heightCm, weightKg: $0.weightKg, sex: $0.sex, ageYears: $0.ageYears) }
        attribution = document.attribution ?? []
    }
}
