import Dispatch
#if canImport(Glibc)
import Glibc
#endif

extension Array {
    /// Buffers at least this large ask the kernel for transparent huge pages, bytes.
    static var hugePageThresholdBytes: Int { 4 << 20 }

    /// `count` copies of `value`, in memory the kernel is asked to back with 2 MB transparent huge
    /// pages when the buffer is large (`madvise(MADV_HUGEPAGE)`; a no-op where THP is off or
    /// unsupported). Measured on the 2-core CI machine (Firecracker guest, THP "madvise"): touching
    /// 566 MB of fresh 4 kB pages takes 0.35–0.6 s, of huge pages 0.08–0.09 s — and the subject build
    /// allocates several such volumes (docs/BENCHMARKS.md).
    package init(hugePagesRepeating value: Element, count: Int) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                Self.adviseHugePages(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<Element>.stride)
            }
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

    private static func adviseHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= hugePageThresholdBytes else { return }
        let page = 4096
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let end = (Int(bitPattern: start) + bytes) / page * page
        guard end > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(p, end - first, MADV_HUGEPAGE)
        #endif
    }
}
