import Foundation

/// The kinds of file ParsGuide writes. An existing file at an output path is replaced only when it is
/// empty or already holds this kind (checked by its first bytes), so `--out ~/.bashrc` or
/// `--out parsguide.sqlite` is refused instead of overwritten.
public enum FileKind: String, Sendable, CaseIterable {
    case png, nifti, json, svg, stl, html, csv

    /// A user-facing name, e.g. "a PNG image".
    public var noun: String {
        switch self {
        case .png: "a PNG image"
        case .nifti: "a NIfTI volume"
        case .json: "a JSON document"
        case .svg: "an SVG drawing"
        case .stl: "an STL mesh"
        case .html: "an HTML page"
        case .csv: "a CSV table"
        }
    }

    /// Whether `prefix` (the file's first bytes, up to 512) looks like this kind of file.
    public func matches(_ prefix: Data) -> Bool {
        let b = [UInt8](prefix)
        func starts(_ s: [UInt8]) -> Bool { b.count >= s.count && Array(b.prefix(s.count)) == s }
        let text = String(decoding: b, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        switch self {
        case .png: return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case .nifti:
            // gzip, or a NIfTI-1 header (sizeof_hdr 348, either byte order).
            return starts([0x1F, 0x8B]) || starts([0x5C, 0x01, 0x00, 0x00]) || starts([0x00, 0x00, 0x01, 0x5C])
        case .json: return text.hasPrefix("{") || text.hasPrefix("[")
        case .svg: return text.hasPrefix("<svg") || text.hasPrefix("<?xml")
        case .html: return text.lowercased().hasPrefix("<!doctype html") || text.lowercased().hasPrefix("<html")
        case .stl: return starts(Array("solid".utf8)) || b.count >= 84
        case .csv: return !b.contains(0) && !text.isEmpty
        }
    }
}
