import ArgumentParser
import DICOM
import FileFormats
import Foundation
import ParsGuideCore

/// `parsguide convert`: a DICOM series (any transfer syntax GDCM decodes) to a NIfTI volume other tools open.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a DICOM series folder to NIfTI (HU for CT), with the geometry its headers give.",
        discussion: """
        The files are sorted by position along the slice normal (never by name) and rescaled (slope and \
        intercept); the NIfTI's affine places every voxel where the DICOM headers place it. Refused: several \
        series without --series, a tilted gantry, a missing slice (a gap in positions), images of different \
        sizes or orientations, multi-frame or colour images, a file GDCM cannot decode. Files that are not \
        DICOM (a README) are skipped and counted. Values are written as 16-bit integers when they all are \
        (CT in HU), else as 32-bit floats.
        """)

    @Option(help: "Folder holding the DICOM series (its files, not its subfolders).")
    var dicom: String

    @Option(help: "Series Instance UID to read when the folder holds several.")
    var series: String?

    @Option(help: "Output NIfTI file (.nii or .nii.gz).")
    var out: String

    func validate() throws {
        try checkOutputFiles([(out, .nifti, "--out")])
        guard out.hasSuffix(".nii") || out.hasSuffix(".nii.gz") else {
            throw ValidationError("--out \(out) must end in .nii or .nii.gz (a NIfTI volume; .gz compresses it)")
        }
    }

    func run() throws {
        let s = try DICOMSeries.read(folder: dicom, seriesUID: series)
        let g = s.volume.grid, spacing = g.spacingMm
        let integral = s.volume.voxels.allSatisfy { $0 == $0.rounded() && $0 >= Float(Int16.min) && $0 <= Float(Int16.max) }
        if integral {
            try NIfTI.write(Volume(grid: g, voxels: s.volume.voxels.map { Int16($0) }), to: out, description: "ParsGuide from DICOM")
        } else {
            try NIfTI.write(s.volume, to: out, description: "ParsGuide from DICOM")
        }
        let skipped = s.skippedFiles.isEmpty ? "" : "; skipped \(s.skippedFiles.count) files that hold no placed image (\(s.skippedFiles.prefix(3).joined(separator: ", "))\(s.skippedFiles.count > 3 ? ", …" : ""))"
        print("read \(g.dimensions.z) slices of series \(s.seriesInstanceUID.isEmpty ? "(no Series Instance UID)" : s.seriesInstanceUID) (\(s.modality), transfer syntax \(s.transferSyntaxUID))\(skipped)")
        print(String(format: "wrote %@ (%d×%d×%d voxels of %.3f×%.3f×%.3f mm, %@)", out, g.dimensions.x, g.dimensions.y, g.dimensions.z,
                     spacing.x, spacing.y, spacing.z, integral ? "int16" : "float32"))
    }
}
