// A small C interface over GDCM (Debian's libgdcm-dev) for reading one DICOM file: its header up to the
// pixel data, and its decoded stored values (any transfer syntax GDCM decodes, JPEG 2000 through OpenJPEG).
// The Swift module DICOM sorts, checks and assembles series from these; no DICOM parsing is written here.
#ifndef PARSGUIDE_CDICOM_H
#define PARSGUIDE_CDICOM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What ParsGuide needs of one file's header. A `has…` flag is 0 when the element is absent or empty.
typedef struct {
    char seriesInstanceUID[68];          ///< (0020,000E)
    char sopInstanceUID[68];             ///< (0008,0018)
    char modality[20];                   ///< (0008,0060)
    char transferSyntaxUID[68];          ///< (0002,0010)
    int hasImagePosition;
    double imagePositionPatient[3];      ///< (0020,0032): the first voxel's centre, mm, LPS
    int hasImageOrientation;
    double imageOrientationPatient[6];   ///< (0020,0037): row direction (along a row, columns increase), then column direction
    int hasPixelSpacing;
    double pixelSpacing[2];              ///< (0028,0030): between rows, between columns, mm
    int hasGantryTilt;
    double gantryTiltDeg;                ///< (0018,1120)
    double rescaleSlope;                 ///< (0028,1053); 1 when absent
    double rescaleIntercept;             ///< (0028,1052); 0 when absent
    unsigned rows;                       ///< (0028,0010)
    unsigned columns;                    ///< (0028,0011)
    unsigned samplesPerPixel;            ///< (0028,0002); 1 when absent
    unsigned numberOfFrames;             ///< (0028,0008); 1 when absent
    int hasPixelData;                    ///< (7FE0,0010) present
} PGDICOMHeader;

/// Reads `path`'s header up to its pixel data. Returns 0, or non-zero with a sentence in `error`.
int pg_dicom_read_header(const char *path, PGDICOMHeader *header, char *error, size_t errorCapacity);

/// Decodes `path`'s single-frame, single-sample pixel data into `values` (`count` = rows × columns stored
/// values, row by row; not rescaled). Returns 0, or non-zero with a sentence in `error`.
int pg_dicom_read_stored_values(const char *path, double *values, size_t count, char *error, size_t errorCapacity);

#ifdef __cplusplus
}
#endif

#endif
