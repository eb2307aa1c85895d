/// A raw pointer handed to parallel workers (`DispatchQueue.concurrentPerform`): each worker reads
/// shared input or writes only its own part of the output, so no two touch the same element.
struct SharedPointer<Pointer>: @unchecked Sendable {
    let base: Pointer
    init(_ base: Pointer) { self.base = base }
}
