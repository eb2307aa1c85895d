import Foundation

/// A guard run before GDCM reads a file: every data element's length must fit in the bytes the file has
/// left. GDCM allocates an element's value at the length its header claims, so a 4 KB file claiming a
/// 2 GB element made it allocate 2 GB (found by the `dicom` fuzz target). This is not a DICOM reader: it
/// walks the element headers (tag, VR, length; PS3.5 §7.1) and decodes no value; GDCM reads the file.
enum DICOMElementLengths {
    /// Throws `DICOMError.corruptFile` naming the first element whose length runs past the end of the file.
    /// Deflated data sets (whose elements cannot be walked before inflating) are left to GDCM.
    static func check(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        try check(data, path: path)
    }

    static func check(_ data: Data, path: String) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 132, bytes[128..<132].elementsEqual("DICM".utf8) else {
            // Without the prefix GDCM still reads a data set from the first byte, explicit VR when the
            // first element's VR is one (its own test), else implicit: walked the same way. (A file that is
            // not DICOM at all fails the walk; the series reader skips such files either way.)
            guard bytes.count >= 8 else { return }
            let explicit = Walker.vrs.contains(String(decoding: bytes[4..<6], as: UTF8.self))
            var walker = Walker(bytes: bytes, path: path, offset: 0, explicitVR: explicit, bigEndian: false)
            try walker.walkDataSet()
            return
        }
        // The file meta group is explicit VR little endian; its transfer syntax says how the rest is encoded.
        var walker = Walker(bytes: bytes, path: path, offset: 132, explicitVR: true, bigEndian: false)
        let syntax = try walker.walkMetaGroup()
        switch syntax {
        case "1.2.840.10008.1.2.1.99": return   // deflated
        case "1.2.840.10008.1.2": walker.explicitVR = false
        case "1.2.840.10008.1.2.2": walker.bigEndian = true
        default: break
        }
        try walker.walkDataSet()
    }

    private struct Walker {
        let bytes: [UInt8]
        let path: String
        var offset: Int
        var explicitVR: Bool
        var bigEndian: Bool

        /// VRs whose explicit header has two reserved bytes and a 4-byte length (PS3.5 Table 7.1-1).
        static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]
        /// Every VR of PS3.5 §6.2. GDCM reads an element with any other as if its VR were implicit, which
        /// misaligns the walk (a fuzzed "\nS" led it to a delimiter out of place, and Debian's GDCM asserts).
        static let vrs: Set<String> = longVRs.union(["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "PN",
                                                     "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"])
        static let undefined = 0xFFFF_FFFF

        func u16(_ at: Int, bigEndian: Bool) -> Int {
            bigEndian ? Int(bytes[at]) << 8 | Int(bytes[at + 1]) : Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }

        func u32(_ at: Int, bigEndian: Bool) -> Int {
            bigEndian ? u16(at, bigEndian: true) << 16 | u16(at + 2, bigEndian: true) : u16(at, bigEndian: false) | u16(at + 2, bigEndian: false) << 16
        }

        /// The group 0002 elements; returns the transfer syntax UID (empty when absent).
        mutating func walkMetaGroup() throws -> String {
            var syntax = ""
            while offset + 8 <= bytes.count, u16(offset, bigEndian: false) == 0x0002 {
                let element = u16(offset + 2, bigEndian: false)
                let (length, valueAt) = try header(explicit: true, bigEndian: false)
                guard length != Self.undefined else { throw corrupt(0x0002, element, "has an undefined length in the file meta group") }
                if element == 0x0000, length == 4, valueAt + 4 + u32(valueAt, bigEndian: false) > bytes.count {
                    throw corrupt(0x0002, 0x0000, "says the file meta group takes \(u32(valueAt, bigEndian: false)) bytes, past the end of the file")
                }
                if element == 0x0010 {
                    syntax = String(decoding: bytes[valueAt..<(valueAt + length)], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\0 "))
                }
                offset = valueAt + length
            }
            return syntax
        }

        /// What the walk is inside: a sequence (its contents are items), an item (its contents are elements)
        /// or encapsulated pixel data (its items are fragments); `end` is nil for an undefined length.
        enum Container { case sequence(end: Int?), item(end: Int?), pixels }

        /// Every element header to the end of the file, with the nesting of sequences, items and their
        /// delimiters checked: GDCM (as Debian builds it) aborts the process on a delimiter out of place.
        mutating func walkDataSet() throws {
            var open: [Container] = []
            func end(_ c: Container) -> Int? {
                switch c { case .sequence(let e), .item(let e): e; case .pixels: nil }
            }
            while offset + 8 <= bytes.count {
                // Containers of defined length close where their bytes end.
                while let last = open.last, let e = end(last), offset >= e { open.removeLast() }
                let group = u16(offset, bigEndian: bigEndian), element = u16(offset + 2, bigEndian: bigEndian)
                let isItem = group == 0xFFFE
                let vr = explicitVR && !isItem ? String(decoding: bytes[(offset + 4)..<(offset + 6)], as: UTF8.self) : ""
                let (length, valueAt) = try header(explicit: explicitVR && !isItem, bigEndian: bigEndian)
                let defined = length == Self.undefined ? nil : valueAt + length
                if isItem {
                    switch (element, open.last) {
                    case (0xE000, .pixels?):
                        guard let defined else { throw corrupt(group, element, "is a pixel fragment of undefined length") }
                        offset = defined   // a fragment holds pixels, not elements
                    case (0xE000, .sequence?):
                        open.append(.item(end: defined)); offset = valueAt
                    case (0xE00D, .item(nil)?), (0xE0DD, .sequence(nil)?), (0xE0DD, .pixels?):
                        open.removeLast(); offset = valueAt
                    default:
                        throw corrupt(group, element, "is an item or delimiter out of place")
                    }
                    continue
                }
                if case .sequence? = open.last { throw corrupt(group, element, "lies in a sequence outside any item") }
                if length == Self.undefined {
                    // A sequence (SQ, or UN holding one), or encapsulated pixel data.
                    open.append(group == 0x7FE0 && element == 0x0010 ? .pixels : .sequence(end: nil))
                    offset = valueAt
                    continue
                }
                // A sequence with a defined length (SQ, or in implicit VR a value that starts with an item tag).
                let isSequence = vr == "SQ" || (!explicitVR && length >= 8 && u16(valueAt, bigEndian: bigEndian) == 0xFFFE
                    && u16(valueAt + 2, bigEndian: bigEndian) == 0xE000)
                if isSequence { open.append(.sequence(end: defined)); offset = valueAt } else { offset = valueAt + length }
            }
            if offset < bytes.count {
                throw DICOMError.corruptFile(path: path, reason: "the file ends \(bytes.count - offset) bytes into an element's header")
            }
            while let last = open.last, end(last) != nil { open.removeLast() }
            if !open.isEmpty { throw DICOMError.corruptFile(path: path, reason: "the file ends inside a sequence or item of undefined length") }
        }

        /// Reads the header at `offset`: the value's length (or `undefined`) and where the value starts,
        /// checked to end within the file.
        func header(explicit: Bool, bigEndian: Bool) throws -> (length: Int, valueAt: Int) {
            let group = u16(offset, bigEndian: bigEndian), element = u16(offset + 2, bigEndian: bigEndian)
            var length: Int, valueAt: Int
            if explicit {
                let vr = String(decoding: bytes[(offset + 4)..<(offset + 6)], as: UTF8.self)
                guard Self.vrs.contains(vr) else { throw corrupt(group, element, "has no valid value representation") }
                if Self.longVRs.contains(vr) {
                    guard offset + 12 <= bytes.count else { throw corrupt(group, element, "is cut off in its header") }
                    length = u32(offset + 8, bigEndian: bigEndian); valueAt = offset + 12
                } else {
                    length = u16(offset + 6, bigEndian: bigEndian); valueAt = offset + 8
                }
            } else {
                length = u32(offset + 4, bigEndian: bigEndian); valueAt = offset + 8
            }
            if length != Self.undefined && length > bytes.count - valueAt {
                throw corrupt(group, element, "claims \(length) bytes where the file has \(max(0, bytes.count - valueAt)) left")
            }
            return (length, valueAt)
        }

        func corrupt(_ group: Int, _ element: Int, _ what: String) -> DICOMError {
            .corruptFile(path: path, reason: String(format: "element (%04X,%04X) ", group, element) + what)
        }
    }
}
