import Foundation

// libFuzzer supplies main() (`--sanitize=fuzzer`); this file holds only its entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FuzzTarget.chosen.run(Data(bytes: bytes, count: count))
    return 0
}
