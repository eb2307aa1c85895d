import Foundation

/// A process-wide memo of costly values (beam models, kernels, noise, textures, simulators), safe to use from
/// several threads, holding at most `capacity` entries: when it is full, a new entry empties it first (the
/// server meets every depth or focus a user types; unbounded, such caches grew with each). A value is made
/// outside the lock, so two threads asking for the same new key may both make it; the last one is kept.
final class BoundedCache<Key: Hashable, Value>: @unchecked Sendable {
    let capacity: Int
    private let lock = NSLock()
    private var entries: [Key: Value] = [:]

    init(capacity: Int) { self.capacity = capacity }

    /// The value for `key`, made by `make` the first time.
    func value(for key: Key, make: () throws -> Value) rethrows -> Value {
        lock.lock()
        if let v = entries[key] { lock.unlock(); return v }
        lock.unlock()
        let made = try make()
        lock.lock()
        if entries.count >= capacity { entries.removeAll() }
        entries[key] = made
        lock.unlock()
        return made
    }

    /// Entries held now.
    var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }
}
