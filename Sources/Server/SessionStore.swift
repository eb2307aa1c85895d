import Foundation
import WebAPI

/// The live sessions, in an actor: independent state per id, at most `capacity` at once (the least
/// recently used is evicted to make room), and idle ones expire after `idleSeconds`.
actor SessionStore {
    let scene: SimulatorScene
    let capacity: Int
    let idleSeconds: Double
    private var sessions: [String: SimulatorSession] = [:]

    init(scene: SimulatorScene, capacity: Int = 8, idleSeconds: Double = 900) {
        self.scene = scene
        self.capacity = capacity
        self.idleSeconds = idleSeconds
    }

    var count: Int { sessions.count }

    func create() throws -> (String, SimulatorSession) {
        expire()
        if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            sessions[oldest] = nil
        }
        let id = UUID().uuidString.lowercased()
        let session = try SimulatorSession(scene: scene)
        sessions[id] = session
        return (id, session)
    }

    /// Runs `body` on the session's state and keeps what it changed.
    func with<T: Sendable>(_ id: String, _ body: (inout SimulatorSession) throws -> T) throws -> T {
        expire()
        guard var s = sessions[id] else { throw SessionError.notFound("no session '\(id)': create one with POST /api/sessions") }
        s.lastUsed = Date()
        defer { sessions[id] = s }
        return try body(&s)
    }

    /// A copy of the session's state (for rendering outside the actor).
    func snapshot(_ id: String) throws -> SimulatorSession {
        try with(id) { $0 }
    }

    func delete(_ id: String) throws {
        guard sessions.removeValue(forKey: id) != nil else { throw SessionError.notFound("no session '\(id)'") }
    }

    private func expire() {
        let now = Date()
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastUsed) < idleSeconds }
    }
}
