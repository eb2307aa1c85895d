import Foundation
import Procedure

/// The in-plane plan of each target on one scene, made once: a plan depends only on the subject and the
/// target, and making one searches the pars-oblique view (≈ 0.4 s release), which the web page's "use the
/// plan" button otherwise paid on every press. A refusal is kept too (the same reasons each time).
/// Shared by every session on the scene; thread-safe.
public final class PlanCache: @unchecked Sendable {
    private let lock = NSLock()
    private var plans: [String: Result<NeedlePlan, Error>] = [:]

    public init() {}

    /// The plan for `target`, made by `make` the first time it is asked for.
    public func plan(for target: String, make: () throws -> NeedlePlan) throws -> NeedlePlan {
        lock.lock()
        if let known = plans[target] { lock.unlock(); return try known.get() }
        lock.unlock()
        let made = Result { try make() }
        lock.lock(); plans[target] = made; lock.unlock()
        return try made.get()
    }
}
