import Foundation

/// A raw pointer into a volume's storage, shared with `concurrentPerform` iterations that each write
/// a disjoint set of voxels (one z-slice each); that disjointness is what makes it safe.
public struct SharedVoxels<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(base: UnsafeMutablePointer<T>) { self.base = base }
}

/// A read-only pointer shared with concurrent iterations.
public struct SharedReadOnly<T>: @unchecked Sendable {
    public let base: UnsafePointer<T>
    public init(base: UnsafePointer<T>) { self.base = base }
}

/// Runs `body(k)` for every slice index in parallel.
package func forEachSlice(_ count: Int, _ body: @Sendable (Int) -> Void) {
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
}

/// A deterministic hash of a seed and integer coordinates to [0, 1) (SplitMix64 finaliser), so
/// texture depends only on the seed and the position, never on thread order.
@inlinable package func unitHash(_ seed: UInt64, _ a: Int, _ b: Int, _ c: Int) -> Double {
    var z = seed &+ UInt64(bitPattern: Int64(a)) &* 0x9E37_79B9_7F4A_7C15
    z ^= UInt64(bitPattern: Int64(b)) &* 0xC2B2_AE3D_27D4_EB4F
    z ^= UInt64(bitPattern: Int64(c)) &* 0x1656_67B1_9E37_79F9
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) * 0x1.0p-53
}

/// Fixed-size slots that concurrent iterations fill at disjoint indices.
package final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    package init(count: Int) { slots = Array(repeating: nil, count: count) }
    package subscript(i: Int) -> T? {
        get { lock.lock(); defer { lock.unlock() }; return slots[i] }
        set { lock.lock(); slots[i] = newValue; lock.unlock() }
    }
}
