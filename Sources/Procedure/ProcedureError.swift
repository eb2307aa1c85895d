/// Errors of planning, rehearsal, injection and confirmation: each names the value and what is allowed.
public enum ProcedureError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    /// No safe in-plane path: what blocked each family of candidates.
    case noSafePath(target: String, reasons: [String])

    public var description: String {
        switch self {
        case .invalid(let m): m
        case .noSafePath(let target, let reasons):
            "no safe in-plane path reaches \(target):\n" + reasons.map { "  - \($0)" }.joined(separator: "\n")
        }
    }
}
