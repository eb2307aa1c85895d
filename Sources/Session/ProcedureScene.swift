import Anatomy
import Devices
import Fluoroscopy
import Foundation
import Illustration
import Procedure
import Ultrasound

/// What every procedure session on one subject shares and never changes: the subject for planning, its DRR
/// volume, the bones' surfaces and the label blocks of the 3D view, the transducer.
public struct ProcedureScene: Sendable {
    public let planning: PlanningSubject
    public let fluoro: FluoroScene
    public let transducer: Transducer = .c52
    /// The bones' own surfaces for the 3D view (none for a folder written without them).
    public let surfaces: SurfaceMeshes
    /// Which labels each block of the labels holds (the 3D view's empty-space skipping), built once.
    public let blocks: LabelBlocks
    /// Each target's in-plane plan, made the first time a session asks for it.
    public let plans = SceneCache<NeedlePlan>()
    /// Each preset's pose, by "view-level-side" (e.g. "pars-oblique-L5-left").
    public let presetPoses = SceneCache<ProbePose>()

    /// A subject built in memory; `directory` is where its plans say it lies.
    public init(subject: Subject, directory: String = "(built in memory)") throws {
        let document = SubjectDocument(subject, files: [:])
        planning = PlanningSubject(directory: directory, labels: subject.labels, document: document,
                                   fingerprint: PlanningSubject.fingerprint(of: try document.encoded()))
        fluoro = FluoroScene(volume: try AttenuationVolume(subjectCT: subject.ct, labels: subject.labels), labels: subject.labels, landmarks: subject.landmarks,
                             collimatesToModel: true,
                             modelledSlices: FluoroScene.modelledSlices(labels: subject.labels, sourceKind: subject.source.kind))
        blocks = LabelBlocks(labels: subject.labels)
        surfaces = SurfaceMeshes(subject.surfaces, labels: subject.labels, blocks: blocks, scanVoxelMm: subject.source.scanVoxelMm)
    }

    /// A subject folder written by `parsguide phantom` or `parsguide subject`: its labels and CT read side by
    /// side, each once.
    public init(directory: String) throws {
        let folder = try SubjectFolder(directory: directory)
        let (ct, labels) = try folder.ctAndLabels()
        planning = try PlanningSubject(folder, labels: labels)
        fluoro = try FluoroScene.subject(ct: ct, labels: labels, document: folder.document, directory: directory)
        blocks = LabelBlocks(labels: planning.labels)
        surfaces = SurfaceMeshes(try folder.surfaces(), labels: planning.labels, blocks: blocks, scanVoxelMm: folder.document.source?.scanVoxelMm)
    }

    public var labels: Volume<UInt8> { planning.labels }
    public var landmarks: [String: Vector3] { planning.landmarks }
}
