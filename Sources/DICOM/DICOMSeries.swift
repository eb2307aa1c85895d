import Foundation
import ParsGuideCore
import VolumeGeometry

/// One DICOM image series read from a folder into a volume: files sorted by position along the slice
/// normal (never by name), values rescaled (HU for CT), the grid placed in the patient's LPS frame exactly
/// as the headers place it.
///
/// Refused, with the reason: a folder holding several series without a chosen one, images of different sizes,
/// orientations or pixel spacings, a tilted gantry (positions stepping off the slice normal, or a non-zero
/// Gantry/Detector Tilt), a gap or an uneven step between slices (a missing slice), duplicated positions,
/// multi-frame or colour images, and any file GDCM cannot decode. Files that are not DICOM (a README, a
/// DICOMDIR without an image) are skipped and counted.
public struct DICOMSeries: Sendable {
    /// The values on the series' grid (rescaled: HU for CT), i along a row, j down a column, k through the slices.
    public let volume: Volume<Float>
    public let seriesInstanceUID: String
    public let modality: String
    /// The transfer syntax of the first slice (e.g. 1.2.840.10008.1.2.4.90 for JPEG 2000 lossless).
    public let transferSyntaxUID: String
    /// Files in the folder that held no placed image (not DICOM, or DICOM without pixel data or position).
    public let skippedFiles: [String]

    /// The largest relative difference between slice steps accepted as even (a missing slice doubles one).
    public static let stepTolerance = 0.01
    /// The largest sideways step of a slice's position off the slice normal, mm, and tilt, degrees, accepted.
    public static let offNormalToleranceMm = 0.01, tiltToleranceDeg = 0.01

    /// Reads the series in `folder` (its regular files, not its subfolders); `seriesUID` chooses one when the
    /// folder holds several.
    public static func read(folder: String, seriesUID: String? = nil) throws -> DICOMSeries {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DICOMError.folderUnreadable(path: folder, reason: "no such folder")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted() } catch {
            throw DICOMError.folderUnreadable(path: folder, reason: error.localizedDescription)
        }
        let paths = names.filter { !$0.hasPrefix(".") }.map { (folder as NSString).appendingPathComponent($0) }.filter { path in
            var dir: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
        }
        // GDCM's calls run one at a time (CDICOM's lock), so the files are read in turn.
        let read = try paths.map { path -> DICOMFileHeader? in
            do { return try DICOMFileHeader(path: path) } catch let error as DICOMError {
                if hasDICOMPreamble(path) { throw error }
                return nil
            }
        }
        let headers = read.compactMap { $0 }.filter(\.isPlacedImage)
        let skipped = zip(paths, read).filter { $1.map { !$0.isPlacedImage } ?? true }.map { ($0.0 as NSString).lastPathComponent }
        guard !headers.isEmpty else { throw DICOMError.noImages(path: folder, skipped: skipped.count) }

        let bySeries = Dictionary(grouping: headers, by: \.seriesInstanceUID)
        let listing = bySeries.keys.sorted().map { uid in "\(uid.isEmpty ? "(no series UID)" : uid): \(bySeries[uid]!.count) images, \(bySeries[uid]!.first!.modality)" }
        let chosen: [DICOMFileHeader]
        if let seriesUID {
            guard let s = bySeries[seriesUID] else { throw DICOMError.unknownSeries(uid: seriesUID, series: listing) }
            chosen = s
        } else {
            guard bySeries.count == 1 else { throw DICOMError.severalSeries(path: folder, series: listing) }
            chosen = headers
        }
        let slices = try sortedAndChecked(chosen)
        let grid = try gridOf(slices)
        // The volume (4 bytes a voxel) and the slice being decoded (8 bytes a pixel, and GDCM's buffer).
        try MemoryBudget.check("the DICOM series (\(grid.dimensions.x) × \(grid.dimensions.y) × \(grid.dimensions.z) voxels)",
                               neededBytes: Double(grid.voxelCount) * 4 + Double(slices[0].rows * slices[0].columns) * 12,
                               advice: "convert fewer slices, or use a machine with more memory")
        var voxels = [Float]()
        voxels.reserveCapacity(grid.voxelCount)
        for slice in slices { voxels.append(contentsOf: try slice.rescaledValues()) }
        let first = slices[0]
        return DICOMSeries(volume: Volume(grid: grid, voxels: voxels), seriesInstanceUID: first.seriesInstanceUID, modality: first.modality,
                           transferSyntaxUID: first.transferSyntaxUID, skippedFiles: skipped)
    }

    /// The slices in order along the normal (row × column direction), after checking that they form one
    /// evenly spaced, untilted stack of equal images.
    static func sortedAndChecked(_ headers: [DICOMFileHeader]) throws -> [DICOMFileHeader] {
        let first = headers[0]
        let row = first.rowDirection!, column = first.columnDirection!
        guard abs(row.length - 1) < 1e-3, abs(column.length - 1) < 1e-3, abs(row.dot(column)) < 1e-3 else {
            throw DICOMError.corruptFile(path: first.path, reason: "Image Orientation (Patient) \(row), \(column) is not two orthogonal unit vectors")
        }
        let spacing = first.pixelSpacingMm!
        guard spacing.betweenRows > 0, spacing.betweenColumns > 0, spacing.betweenRows.isFinite, spacing.betweenColumns.isFinite else {
            throw DICOMError.corruptFile(path: first.path, reason: "Pixel Spacing \(spacing.betweenRows)\\\(spacing.betweenColumns) mm must be positive")
        }
        for h in headers {
            guard h.rows == first.rows, h.columns == first.columns else {
                throw DICOMError.inconsistent(path: h.path, reason: "\(h.columns) × \(h.rows) pixels where the first slice has \(first.columns) × \(first.rows)")
            }
            guard (h.rowDirection! - row).length < 1e-4, (h.columnDirection! - column).length < 1e-4 else {
                throw DICOMError.inconsistent(path: h.path, reason: "its orientation differs from the first slice's")
            }
            guard abs(h.pixelSpacingMm!.betweenRows - spacing.betweenRows) < 1e-4, abs(h.pixelSpacingMm!.betweenColumns - spacing.betweenColumns) < 1e-4 else {
                throw DICOMError.inconsistent(path: h.path, reason: "its pixel spacing differs from the first slice's")
            }
            guard h.samplesPerPixel == 1, h.frames == 1 else {
                throw DICOMError.corruptFile(path: h.path, reason: "\(h.samplesPerPixel) samples per pixel and \(h.frames) frames: only single-frame greyscale images are read")
            }
            if let tilt = h.gantryTiltDeg, abs(tilt) > tiltToleranceDeg {
                throw DICOMError.unsupportedGeometry(reason: "\((h.path as NSString).lastPathComponent) was acquired with the gantry tilted \(tilt)° (Gantry/Detector Tilt); resample it to an untilted grid first (e.g. 3D Slicer's Acquisition Transform)")
            }
        }
        guard headers.count >= 2 else {
            throw DICOMError.unsupportedGeometry(reason: "one slice is not a volume: at least 2 slices of the series are needed")
        }
        let normal = row.cross(column)
        let sorted = headers.sorted { $0.imagePositionMm!.dot(normal) < $1.imagePositionMm!.dot(normal) }
        var steps = [Double]()
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            let d = b.imagePositionMm! - a.imagePositionMm!
            let along = d.dot(normal)
            guard along > 1e-3 else {
                throw DICOMError.inconsistent(path: b.path, reason: "it lies at the same position as \((a.path as NSString).lastPathComponent) (\(a.imagePositionMm!))")
            }
            let sideways = (d - normal * along).length
            guard sideways <= offNormalToleranceMm * max(1, along) else {
                let tilt = atan2(sideways, along) * 180 / .pi
                throw DICOMError.unsupportedGeometry(reason: String(format: "the slice positions step %.2f mm sideways per %.2f mm along the normal (a gantry tilt of %.2f°, or a sheared series); resample it to an untilted grid first", sideways, along, tilt))
            }
            steps.append(along)
        }
        let median = steps.sorted()[steps.count / 2]
        for (index, step) in steps.enumerated() where abs(step - median) > stepTolerance * median {
            throw DICOMError.unsupportedGeometry(reason: String(format: "slices %d and %d (%@, %@) are %.3f mm apart where the series steps %.3f mm: %@", index, index + 1,
                                                        (sorted[index].path as NSString).lastPathComponent, (sorted[index + 1].path as NSString).lastPathComponent,
                                                        step, median, step > median ? "a slice is missing" : "uneven spacing is not supported"))
        }
        return sorted
    }

    /// The grid the sorted slices span: voxel (0, 0, 0) at the first slice's position, i along its rows.
    static func gridOf(_ slices: [DICOMFileHeader]) throws -> Grid {
        let first = slices[0], last = slices[slices.count - 1]
        let spacing = first.pixelSpacingMm!
        let step = (last.imagePositionMm! - first.imagePositionMm!) / Double(slices.count - 1)
        let i = first.rowDirection! * spacing.betweenColumns, j = first.columnDirection! * spacing.betweenRows
        let o = first.imagePositionMm!
        let m = Matrix4(rows: [SIMD4(i.x, j.x, step.x, o.x), SIMD4(i.y, j.y, step.y, o.y), SIMD4(i.z, j.z, step.z, o.z), SIMD4(0, 0, 0, 1)])
        do { return try Grid(dimensions: SIMD3(first.columns, first.rows, slices.count), worldFromIndex: m) } catch {
            throw DICOMError.unsupportedGeometry(reason: "\(error)")
        }
    }

    /// True when `path` carries the DICOM Part 10 preamble ("DICM" at byte 128): such a file that GDCM
    /// cannot read is corrupt, not foreign.
    static func hasDICOMPreamble(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let bytes = try? handle.read(upToCount: 132), bytes.count == 132 else { return false }
        return bytes.suffix(4).elementsEqual("DICM".utf8)
    }
}
