import Foundation

// libFuzzer supplies main() (`--sanitize=fuzzer`); this file holds only its entry points.

/// Called once before the first input: builds what the chosen target shares between inputs (the web
/// target's subject and session), so that the per-input timeout measures the input's work alone.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    FuzzTarget.chosen.prepare()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FuzzTarget.chosen.run(Data(bytes: bytes, count: count))
    return 0
}
