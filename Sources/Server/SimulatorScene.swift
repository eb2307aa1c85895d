import Anatomy
import Clinical
import Fluoroscopy
import Foundation
import Illustration
import Procedure
import Ultrasound

/// What every session shares and never changes: the subject, its DRR volume, the transducer.
public struct SimulatorScene: Sendable {
    public let planning: PlanningSubject
    public let fluoro: FluoroScene
    public let transducer: Transducer = .c52
    /// The bones' own surfaces for the 3D view (none for a folder written without them).
    public let surfaces: SurfaceMeshes
    /// Which labels each block of the labels holds (the 3D view's empty-space skipping), built once.
    public let blocks: LabelBlocks
    /// Where `save` writes (set by the server's operator, never by a request); nil: saving is off.
    public let registryPath: String?
    /// That registry, opened once when the server starts and shared by every request: its one connection
    /// serialises the writes, so concurrent saves all land (a connection per request raced for the lock).
    public private(set) var registry: Registry?

    public init(subject: Subject, registryPath: String? = nil) throws {
        let document = SubjectDocument(subject, files: [:])
        planning = PlanningSubject(directory: "(built in memory)", labels: subject.labels, document: document,
                                   fingerprint: PlanningSubject.fingerprint(of: try document.encoded()))
        fluoro = FluoroScene(volume: try AttenuationVolume(subjectCT: subject.ct, labels: subject.labels), labels: subject.labels, landmarks: subject.landmarks)
        surfaces = SurfaceMeshes(subject.surfaces, labels: subject.labels)
        blocks = LabelBlocks(labels: subject.labels)
        self.registryPath = registryPath
        registry = try registryPath.map { try Registry(path: $0) }
    }

    /// A subject folder written by `parsguide phantom`.
    public init(directory: String, registryPath: String? = nil) throws {
        planning = try PlanningSubject.load(directory: directory)
        fluoro = try FluoroScene.load(subject: directory, ct: nil, labels: nil, format: .verse)
        surfaces = SurfaceMeshes(try SubjectSurfaces.read(directory: directory, files: planning.document.files), labels: planning.labels)
        blocks = LabelBlocks(labels: planning.labels)
        self.registryPath = registryPath
        registry = try registryPath.map { try Registry(path: $0) }
    }

    /// The same scene saving to `registry`.
    public func saving(to registry: Registry) -> SimulatorScene {
        var scene = self
        scene.registry = registry
        return scene
    }

    public var labels: Volume<UInt8> { planning.labels }
    public var landmarks: [String: Vector3] { planning.landmarks }
}
