import Foundation

/// Values made once per scene and shared by every session on it: what depends only on the subject and a
/// key. The plan of a target (making one searches the pars-oblique view, ≈ 0.4 s release) and the preset
/// pose of a view, level and side (a seating and, for pars-oblique, a search of rotations, tilts and
/// slides) were otherwise paid on every press of the web page's buttons. A refusal is kept too (the same
/// reasons each time). Thread-safe; two sessions asking at once may both make a value, and the first kept
/// wins.
public final class SceneCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Result<Value, Error>] = [:]

    public init() {}

    /// The value for `key`, made by `make` the first time it is asked for.
    public func value(for key: String, make: () throws -> Value) throws -> Value {
        lock.lock()
        if let known = values[key] { lock.unlock(); return try known.get() }
        lock.unlock()
        let made = Result { try make() }
        lock.lock()
        let kept = values[key] ?? made
        values[key] = kept
        lock.unlock()
        return try kept.get()
    }
}
