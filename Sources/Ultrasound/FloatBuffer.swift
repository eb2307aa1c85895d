/// A fixed-size, zero-initialised buffer that worker threads may fill in disjoint parts.
///
/// The owner guarantees that concurrent writers touch disjoint indices; reads happen after the
/// parallel section that wrote them has finished. That discipline is what makes it `Sendable`.
final class SharedBuffer<Element: Numeric>: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Element>
    var count: Int { pointer.count }

    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0)
    }

    convenience init(_ values: [Element]) {
        self.init(count: values.count)
        for (i, v) in values.enumerated() { pointer[i] = v }
    }

    /// A copy of another buffer.
    convenience init(copying other: SharedBuffer<Element>) {
        self.init(count: other.count)
        _ = pointer.update(fromContentsOf: other.pointer)
    }

    deinit { pointer.deallocate() }

    @inline(__always) subscript(i: Int) -> Element {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    var array: [Element] { Array(pointer) }
}

typealias FloatBuffer = SharedBuffer<Float>
