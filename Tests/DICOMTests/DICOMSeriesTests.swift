import DICOM
import FileFormats
import Foundation
import Testing

/// The shared data folder beside the clone (`../shared/data`), as CI has it.
private let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path
private let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path

/// Reference numbers from pydicom (and pylibjpeg for JPEG 2000): `python3 scripts/dicom_reference.py FOLDER`.
private struct Reference {
    var dimensions: SIMD3<Int>
    var origin: Vector3
    var axes: [Vector3]
    var huSum: Double
    var samples: [(SIMD3<Int>, Float)]
}

private func expect(_ series: DICOMSeries, matches r: Reference) {
    let g = series.volume.grid
    #expect(g.dimensions == r.dimensions)
    let o = Vector3(g.worldFromIndex[0, 3], g.worldFromIndex[1, 3], g.worldFromIndex[2, 3])
    #expect((o - r.origin).length < 0.01, "origin \(o) vs pydicom's \(r.origin)")
    for axis in 0..<3 {
        #expect((g.worldFromIndex.column(axis) - r.axes[axis]).length < 0.01 / Double(max(r.dimensions[axis], 1)),
                "axis \(axis): \(g.worldFromIndex.column(axis)) vs pydicom's \(r.axes[axis])")
    }
    #expect(series.volume.voxels.reduce(0.0) { $0 + Double($1) } == r.huSum)
    for (ijk, hu) in r.samples { #expect(series.volume[ijk.x, ijk.y, ijk.z] == hu, "HU at \(ijk)") }
}

@Suite struct DICOMSeriesTests {
    @Test func theTinyUncompressedSeriesHasPydicomsGeometryAndValues() throws {
        let s = try DICOMSeries.read(folder: "\(sharedData)/pydicom-ct5n")
        expect(s, matches: Reference(dimensions: SIMD3(16, 16, 5), origin: Vector3(-72.2, -143.0, -1.2375),
                                     axes: [Vector3(0.488281, 0, 0), Vector3(0, 0.488281, 0), Vector3(0, 0, 2.5)], huSum: -177320,
                                     samples: [(SIMD3(0, 0, 0), -33), (SIMD3(8, 8, 2), 44), (SIMD3(15, 15, 4), -729), (SIMD3(10, 5, 1), -28)]))
        #expect(s.skippedFiles == ["README.md"])
        #expect(s.modality == "CT")
    }

    /// The real scanner's series: 20 slices of 512², JPEG 2000 lossless, decoded by GDCM through OpenJPEG.
    @Test func theJPEG2000SeriesHasPydicomsGeometryAndIdenticalHU() throws {
        let s = try DICOMSeries.read(folder: "\(sharedData)/totalsegmentator-example/dicom")
        #expect(s.transferSyntaxUID == "1.2.840.10008.1.2.4.90")
        expect(s, matches: Reference(dimensions: SIMD3(512, 512, 20), origin: Vector3(-249.5117, -437.5117, -804.5),
                                     axes: [Vector3(0.976562, 0, 0), Vector3(0, 0.976562, 0), Vector3(0, 0, 2)], huSum: -3272217339,
                                     samples: [(SIMD3(0, 0, 0), -1024), (SIMD3(256, 256, 10), -47), (SIMD3(511, 511, 19), -1024), (SIMD3(341, 170, 6), -633)]))
    }

    /// The example CT written as shuffled DICOM files reads back as the NIfTI it was written from: the same
    /// voxels in the same places — except 124 air voxels below −1024 HU, which the DICOM writer clipped to
    /// −1024 (its stored values are unsigned with intercept −1024; pydicom reads the same clipped values).
    @Test func theShuffledSeriesEqualsTheNIfTIItWasWrittenFrom() throws {
        let s = try DICOMSeries.read(folder: "\(sharedData)/totalsegmentator-example/ct-dicom")
        expect(s, matches: Reference(dimensions: SIMD3(122, 101, 112), origin: Vector3(177.9563, -11.319, 94.3018),
                                     axes: [Vector3(-3, 0, 0), Vector3(0, -3, 0), Vector3(0, 0, 3)], huSum: -496849833,
                                     samples: [(SIMD3(0, 0, 0), -1023), (SIMD3(61, 50, 56), 164), (SIMD3(121, 100, 111), -997), (SIMD3(81, 33, 37), 213)]))
        let nifti = try NIfTI.read(path: "\(sharedData)/totalsegmentator-example/ct.nii.gz").float32
        #expect(s.volume.grid.dimensions == nifti.grid.dimensions)
        for axis in 0..<4 {
            #expect((s.volume.grid.worldFromIndex.column(axis) - nifti.grid.worldFromIndex.column(axis)).length < 0.01)
        }
        #expect(s.volume.voxels == nifti.voxels.map { max($0, -1024) })
        #expect(nifti.voxels.filter { $0 < -1024 }.count == 124)
    }

    @Test func aMissingSliceIsRefusedNamingTheGap() throws {
        let folder = try copyOfTinySeries(dropping: "2693")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect { try DICOMSeries.read(folder: folder) } throws: { "\($0)".contains("a slice is missing") && "\($0)".contains("5.000 mm apart") }
    }

    @Test func aTruncatedSliceIsRefusedNamingTheFile() throws {
        let folder = try copyOfTinySeries()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/3023"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 300).write(to: URL(fileURLWithPath: path))
        #expect { try DICOMSeries.read(folder: folder) } throws: { "\($0)".contains("3023") && "\($0)".contains("not a readable DICOM image") }
    }

    @Test("An element claiming more bytes than its file holds is refused before GDCM allocates them (the fuzz target's out-of-memory)")
    func anElementLongerThanItsFileIsRefused() throws {
        let folder = try copyOfTinySeries()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try patch("\(folder)/3023", with: Self.overlongPixelData)
        #expect { try DICOMSeries.read(folder: folder) } throws: {
            "\($0)".contains("3023") && "\($0)".contains("(7FE0,0010) claims 2147418112 bytes")
        }
    }

    @Test("An element without a valid VR is refused before GDCM reads it (it misaligned GDCM, which then aborted the process)")
    func anInvalidValueRepresentationIsRefused() throws {
        let folder = try copyOfTinySeries()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Patient's Name (0010,0010), "PN" → "\nS", as the fuzzer wrote it into another element.
        try patch("\(folder)/3023", at: [0x10, 0x00, 0x10, 0x00, 0x50, 0x4E], offset: 4, with: [0x0A, 0x53])
        #expect { try DICOMSeries.read(folder: folder) } throws: {
            "\($0)".contains("3023") && "\($0)".contains("(0010,0010) has no valid value representation")
        }
    }

    @Test("A file that trips one of GDCM's assertions (Samples per Pixel 9, decoded directly) is refused; the process lives on")
    func aFailedGDCMAssertionIsAnError() throws {
        let folder = try copyOfTinySeries()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/3023"
        try patch(path, at: [0x28, 0x00, 0x02, 0x00, 0x55, 0x53], offset: 8, with: [9])   // (0028,0002) US: 9
        let header = try DICOMFileHeader(path: path)
        for _ in 0..<2 {   // twice: the guard is left as it was found
            #expect { _ = try header.rescaledValues() } throws: { "\($0)".contains("GDCM stopped on an inconsistency") }
        }
        // The series reader refuses the same file by its own check, before decoding it.
        #expect { try DICOMSeries.read(folder: folder) } throws: { "\($0)".contains("9 samples per pixel") }
    }

    /// GDCM reads a damaged file out of step with its element headers (a mutated meta group): four bytes of
    /// text became a 1.5 GB length that the length walk could not see. The shim caps what GDCM may allocate
    /// while reading a header at the file's size plus 16 MB, so the file is refused at once (it was read in
    /// 1.9 s at a 1.55 GB peak, then passed as a 4096 × 4096 header).
    @Test("GDCM cannot allocate beyond the file it reads: an out-of-step file is refused")
    func gdcmAllocationsAreCapped() throws {
        #expect { try DICOMFileHeader(path: "\(fixtures)/gdcm-out-of-step") } throws: { "\($0)".contains("GDCM") }
        // The cap is lifted after the call: an intact slice still reads and decodes.
        let header = try DICOMFileHeader(path: "\(sharedData)/pydicom-ct5n/2693")
        #expect(try header.rescaledValues().count == 16 * 16)
    }

    /// A slice whose Rows and Columns say 8192 holds 512 bytes of pixels: nothing is allocated for the 67 M
    /// pixels it declares (it was 537 MB before the check).
    @Test("An image that cannot fit in its file is refused before its pixels are allocated")
    func anImageLargerThanItsFileIsRefused() throws {
        let folder = try copyOfTinySeries()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/3023"
        try patch(path, at: [0x28, 0x00, 0x10, 0x00, 0x55, 0x53], offset: 8, with: [0x00, 0x20])   // (0028,0010) Rows 8192
        try patch(path, at: [0x28, 0x00, 0x11, 0x00, 0x55, 0x53], offset: 8, with: [0x00, 0x20])   // (0028,0011) Columns 8192
        let header = try DICOMFileHeader(path: path)
        #expect { _ = try header.rescaledValues() } throws: { "\($0)".contains("8192 × 8192 pixels cannot fit in its") }
    }

    @Test("Without the DICM prefix the headers are walked too: an intact file still reads, an overlong element is refused")
    func aFileWithoutPreambleIsWalkedToo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(sharedData)/pydicom-ct5n/3023")).dropFirst(132)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/bare"))
        #expect(try DICOMFileHeader(path: "\(folder)/bare").isPlacedImage)
        try patch("\(folder)/bare", with: Self.overlongPixelData)
        #expect { try DICOMFileHeader(path: "\(folder)/bare") } throws: { "\($0)".contains("(7FE0,0010) claims") }
    }

    @Test func twoSeriesWithoutAChoiceAreRefusedListingBoth() throws {
        #expect { try DICOMSeries.read(folder: "\(fixtures)/two-series") } throws: { error in
            guard case .severalSeries(_, let series) = error as? DICOMError else { return false }
            return series.count == 2 && "\(error)".contains("--series")
        }
        let first = try DICOMSeries.read(folder: "\(sharedData)/pydicom-ct5n")
        let chosen = try DICOMSeries.read(folder: "\(fixtures)/two-series", seriesUID: first.seriesInstanceUID)
        #expect(chosen.volume.voxels == first.volume.voxels)
        #expect { try DICOMSeries.read(folder: "\(fixtures)/two-series", seriesUID: "1.2.3") } throws: { "\($0)".contains("no series '1.2.3'") }
    }

    @Test func aTiltedGantryIsRefused() {
        #expect { try DICOMSeries.read(folder: "\(fixtures)/tilted") } throws: { "\($0)".contains("gantry tilted 15") }
    }

    @Test func aFolderWithoutImagesIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("not DICOM".utf8).write(to: URL(fileURLWithPath: "\(folder)/notes.txt"))
        #expect { try DICOMSeries.read(folder: folder) } throws: { "\($0)".contains("holds no DICOM image") && "\($0)".contains("1 other files skipped") }
        #expect { try DICOMSeries.read(folder: "\(folder)/absent") } throws: { "\($0)".contains("no such folder") }
    }

    private func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-dicom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// The pixel data element (7FE0,0010), explicit VR little endian: tag, "OW", two reserved bytes, a 4-byte
    /// length — set to 0x7FFF0000, so a file of a few KB claims a 2 GB element.
    static let overlongPixelData = (tag: [UInt8]([0xE0, 0x7F, 0x10, 0x00]), offset: 8, bytes: [UInt8]([0x00, 0x00, 0xFF, 0x7F]))

    /// Overwrites `path`'s bytes at `offset` past the last occurrence of `pattern`.
    private func patch(_ path: String, at pattern: [UInt8], offset: Int, with replacement: [UInt8]) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let at = try #require((0...(bytes.count - pattern.count)).last { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) })
        bytes.replaceSubrange((at + offset)..<(at + offset + replacement.count), with: replacement)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    private func patch(_ path: String, with p: (tag: [UInt8], offset: Int, bytes: [UInt8])) throws {
        try patch(path, at: p.tag, offset: p.offset, with: p.bytes)
    }

    private func copyOfTinySeries(dropping dropped: String? = nil) throws -> String {
        let folder = try temporaryFolder()
        for name in ["2062", "2392", "2693", "3023", "3353"] where name != dropped {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(sharedData)/pydicom-ct5n/\(name)"))
            try data.write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
        }
        return folder
    }
}
