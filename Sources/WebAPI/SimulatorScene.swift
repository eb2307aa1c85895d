import Anatomy
import Clinical
import Fluoroscopy
import Foundation
import Illustration
import Procedure
import Session
import Ultrasound

/// What every session shares and never changes — the library's `ProcedureScene` — and the registry the
/// server saves to.
public struct SimulatorScene: Sendable {
    public let procedure: ProcedureScene
    /// Where `save` writes (set by the server's operator, never by a request); nil: saving is off.
    public let registryPath: String?
    /// That registry, opened once when the server starts and shared by every request: its one connection
    /// serialises the writes, so concurrent saves all land (a connection per request raced for the lock).
    public private(set) var registry: Registry?

    public init(subject: Subject, registryPath: String? = nil) throws {
        procedure = try ProcedureScene(subject: subject)
        self.registryPath = registryPath
        registry = try registryPath.map { try Registry(path: $0) }
    }

    /// A subject folder written by `parsguide phantom` or `parsguide subject`.
    public init(directory: String, registryPath: String? = nil) throws {
        procedure = try ProcedureScene(directory: directory)
        self.registryPath = registryPath
        registry = try registryPath.map { try Registry(path: $0) }
    }

    /// The same scene saving to `registry`.
    public func saving(to registry: Registry) -> SimulatorScene {
        var scene = self
        scene.registry = registry
        return scene
    }

    public var planning: PlanningSubject { procedure.planning }
    public var labels: Volume<UInt8> { procedure.labels }
    public var landmarks: [String: Vector3] { procedure.landmarks }
}
