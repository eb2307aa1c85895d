import Dispatch

extension Array {
    /// `count` copies of `value`; a large buffer is first touched by all cores at once (the kernel zeroes
    /// each fresh page on first touch, on the touching thread).
    ///
    /// No transparent huge pages: they were asked for here (`madvise(MADV_HUGEPAGE)`) from 2026-12-04, when
    /// they made a fresh 566 MB buffer 4–7× cheaper to touch; on the Firecracker guests of 2026-12-07 a fresh
    /// huge page costs more than 512 small ones (1 GB: 0.16–6.9 s against 0.73–0.89 s) and `parsguide
    /// phantom` ran 11.3–13.4 s without them against 16.9–17.4 s with them (docs/BENCHMARKS.md).
    package init(repeatingOnAllCores value: Element, count: Int) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            Self.initializeInParallel(buffer, repeating: value)
            initialized = count
        }
    }

    /// Buffers at least this large are first touched by all cores at once, bytes (chosen: the kernel
    /// zeroes each fresh page on first touch, single-threaded per touching thread — 6 % of a subject
    /// build when the 566 MB CT was filled by one thread).
    static var parallelTouchThresholdBytes: Int { 32 << 20 }

    private static func initializeInParallel(_ buffer: UnsafeMutableBufferPointer<Element>, repeating value: Element) {
        let bytes = buffer.count * MemoryLayout<Element>.stride
        guard bytes >= parallelTouchThresholdBytes, let base = buffer.baseAddress else {
            buffer.initialize(repeating: value)
            return
        }
        let chunk = Swift.max(1, (8 << 20) / Swift.max(1, MemoryLayout<Element>.stride)), count = buffer.count
        let target = SharedVoxels(base: base)
        withUnsafePointer(to: value) { value in
            let value = SharedReadOnly(base: value)
            DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { c in
                let start = c * chunk
                UnsafeMutableBufferPointer(start: target.base + start, count: Swift.min(chunk, count - start)).initialize(repeating: value.base.pointee)
            }
        }
    }
}
