import Foundation

/// Memory a piece of work may take, checked before it allocates: work that would not fit is refused with
/// the size it needs instead of dying on allocation part-way (`--voxel-mm 0.2` reached 14.5 GB and died).
public enum MemoryBudget {
    /// Memory this process may still use, bytes: the kernel's `MemAvailable` (Linux), else the machine's
    /// physical memory.
    public static func availableBytes() -> Int {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kB = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            return kB * 1024
        }
        return Int(clamping: ProcessInfo.processInfo.physicalMemory)
    }

    /// Throws `MemoryBudgetExceeded` when `neededBytes` exceeds `availableBytes`.
    public static func check(_ what: String, neededBytes: Double, availableBytes: Int = availableBytes(), advice: String) throws {
        guard neededBytes <= Double(availableBytes) else {
            throw MemoryBudgetExceeded(what: what, neededBytes: neededBytes, availableBytes: availableBytes, advice: advice)
        }
    }
}

/// Work refused because it would not fit in memory; the sentence names both sizes and what to change.
public struct MemoryBudgetExceeded: Error, CustomStringConvertible, Equatable {
    public let what: String
    public let neededBytes: Double
    public let availableBytes: Int
    public let advice: String

    public var description: String {
        String(format: "%@ needs about %.1f GB of memory and %.1f GB is available: %@", what, neededBytes / 1e9,
               Double(availableBytes) / 1e9, advice)
    }
}
