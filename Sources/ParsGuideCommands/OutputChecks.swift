import ParsGuideCore

/// Checks every output file a command will write, before it does any work (`OutputFile`'s rules):
/// a refused destination costs nothing and leaves nothing behind.
func checkOutputFiles(_ outputs: [(path: String?, kind: FileKind, flag: String)]) throws {
    for o in outputs { if let path = o.path { _ = try OutputFile(path, kind: o.kind, flag: o.flag) } }
}
