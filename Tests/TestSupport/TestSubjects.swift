import Anatomy
import Foundation

/// Phantom subjects for tests, built once per process and shared by every suite that asks for the same
/// options (all test targets run in one process): the 1 mm flagship that the anatomy, probe-view and
/// Scotty-dog suites each used to build for themselves is built once. Debug builds take ≈ 30 s a subject
/// at 1 mm, so suites ask for coarse voxels where geometry is enough; full size lives in the benchmarks.
public enum TestSubjects {
    /// The voxel size most suites use, mm.
    public static let coarseVoxelMm = 1.0

    /// The subject for these options (defaults: the flagship case — habitus, bilateral L5 defects, seed 1 —
    /// at `coarseVoxelMm`), built on first request and kept.
    public static func subject(defects: [ParsDefect] = ParsDefect.flagship, habitus: Habitus = .flagship, seed: UInt64 = 1,
                               voxelMm: Double = coarseVoxelMm) throws -> Subject {
        var o = PhantomOptions()
        o.defects = defects
        o.habitus = habitus
        o.seed = seed
        o.voxelMm = voxelMm
        let cuts = defects.map { "\($0.name) \($0.gapMm) mm \($0.obliquity.degrees)°" }
        return try cache.value(for: "\(habitus)|\(cuts)|\(seed)|\(voxelMm)") { try LumbarPhantom.build(o) }
    }

    /// The flagship subject at `voxelMm`.
    public static func flagship(voxelMm: Double = coarseVoxelMm) throws -> Subject { try subject(voxelMm: voxelMm) }

    private static let cache = OnceCache<Subject>()
}

/// Values computed once per key: concurrent requests for one key wait for the first, requests for
/// different keys build side by side. A failure is kept and rethrown too.
final class OnceCache<Value: Sendable>: @unchecked Sendable {
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var result: Result<Value, Error>?
    }
    private let lock = NSLock()
    private var slots: [String: Slot] = [:]

    func value(for key: String, build: () throws -> Value) throws -> Value {
        lock.lock()
        let slot = slots[key] ?? Slot()
        slots[key] = slot
        lock.unlock()
        slot.lock.lock(); defer { slot.lock.unlock() }
        if slot.result == nil { slot.result = Result { try build() } }
        return try slot.result!.get()
    }
}
