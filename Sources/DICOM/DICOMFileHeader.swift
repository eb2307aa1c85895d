import CDICOM
import Foundation
import ParsGuideCore
import VolumeGeometry

/// The header of one DICOM file, as GDCM reads it (through the CDICOM shim), in Swift types.
public struct DICOMFileHeader: Sendable {
    var path: String
    var seriesInstanceUID: String
    var modality: String
    var transferSyntaxUID: String
    /// The first voxel's centre, mm, LPS; nil when absent.
    var imagePositionMm: Vector3?
    /// Along a row (columns increase), then down a column (rows increase); unit vectors in LPS.
    var rowDirection: Vector3?
    var columnDirection: Vector3?
    /// Between rows (along `columnDirection`), between columns (along `rowDirection`), mm.
    var pixelSpacingMm: (betweenRows: Double, betweenColumns: Double)?
    var gantryTiltDeg: Double?
    var rescaleSlope: Double
    var rescaleIntercept: Double
    var rows: Int
    var columns: Int
    var samplesPerPixel: Int
    var frames: Int
    var hasPixelData: Bool

    /// A file that holds an image placed in the patient: what a volume can be built from.
    public var isPlacedImage: Bool { hasPixelData && imagePositionMm != nil && rowDirection != nil && pixelSpacingMm != nil && rows > 0 && columns > 0 }

    /// Reads `path`'s header; throws `DICOMError.corruptFile` with GDCM's reason.
    public init(path: String) throws {
        // No element may claim more bytes than the file holds: GDCM would allocate them first.
        try DICOMElementLengths.check(path: path)
        var h = PGDICOMHeader()
        var error = [CChar](repeating: 0, count: 512)
        guard pg_dicom_read_header(path, &h, &error, error.count) == 0 else {
            throw DICOMError.corruptFile(path: path, reason: Self.sentence(error))
        }
        func string<T>(_ tuple: T) -> String {
            withUnsafeBytes(of: tuple) { raw in String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }
        self.path = path
        seriesInstanceUID = string(h.seriesInstanceUID)
        modality = string(h.modality)
        transferSyntaxUID = string(h.transferSyntaxUID)
        let p = h.imagePositionPatient, o = h.imageOrientationPatient
        imagePositionMm = h.hasImagePosition != 0 ? Vector3(p.0, p.1, p.2) : nil
        rowDirection = h.hasImageOrientation != 0 ? Vector3(o.0, o.1, o.2) : nil
        columnDirection = h.hasImageOrientation != 0 ? Vector3(o.3, o.4, o.5) : nil
        pixelSpacingMm = h.hasPixelSpacing != 0 ? (h.pixelSpacing.0, h.pixelSpacing.1) : nil
        gantryTiltDeg = h.hasGantryTilt != 0 ? h.gantryTiltDeg : nil
        rescaleSlope = h.rescaleSlope
        rescaleIntercept = h.rescaleIntercept
        rows = Int(h.rows)
        columns = Int(h.columns)
        samplesPerPixel = Int(h.samplesPerPixel)
        frames = Int(h.numberOfFrames)
        hasPixelData = h.hasPixelData != 0
    }

    /// The NUL-terminated message the shim wrote.
    static func sentence(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The largest image side read, pixels: CT is 512–1024, digital radiographs reach ≈ 4300 (chosen bound,
    /// so that a header claiming 65535² pixels is refused before anything is allocated).
    public static let maximumSidePixels = 8192

    /// The decoded, rescaled values (HU for CT), row by row.
    public func rescaledValues() throws -> [Float] {
        guard (1...Self.maximumSidePixels).contains(rows), (1...Self.maximumSidePixels).contains(columns) else {
            throw DICOMError.corruptFile(path: path, reason: "its image is \(columns) × \(rows) pixels: allowed 1–\(Self.maximumSidePixels) on each side")
        }
        let count = rows * columns
        // Nothing is allocated for more pixels than the file could hold: a byte a pixel at least when stored
        // as is, and a chosen 100 : 1 for compressed syntaxes (lossless CT JPEG 2000 reaches ≈ 3 : 1). A
        // 3 KB file declaring 8192 × 8192 pixels made this allocate 537 MB (the dicom fuzz target).
        let fileBytes = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
        let uncompressed = ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"].contains(transferSyntaxUID)
        guard count <= fileBytes * (uncompressed ? 1 : 100) else {
            throw DICOMError.corruptFile(path: path, reason: "its image of \(columns) × \(rows) pixels cannot fit in its \(fileBytes) bytes")
        }
        var stored = [Double](repeating: 0, count: count)
        var error = [CChar](repeating: 0, count: 512)
        guard pg_dicom_read_stored_values(path, &stored, count, &error, error.count) == 0 else {
            throw DICOMError.corruptFile(path: path, reason: Self.sentence(error))
        }
        return stored.map { Float($0 * rescaleSlope + rescaleIntercept) }
    }
}
