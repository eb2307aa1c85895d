#ifndef PARSGUIDE_CDRRKERNEL_H
#define PARSGUIDE_CDRRKERNEL_H

#include <stdint.h>

/// A volume of material codes prepared for the packet kernel. Codes are HU + 1024 (see
/// AttenuationVolume); per voxel, with h = code − 1024:
///   first  = max(0, c0 + c1·min(h, 0) + c2·max(h, 0))
///   second = c3·max(h, 0)
/// which reproduces the renderer's (water, bone) and monochromatic density tables exactly in form.
typedef struct {
    /// x fastest; must stay readable for 2 bytes past the last voxel (the kernel gathers 32-bit words).
    const uint16_t *codes;
    int32_t dimensions[3];
    /// Inclusive index bounds of the voxels that are not air; everything outside is air.
    int32_t lower[3];
    int32_t upper[3];
    /// The code of air (contributes nothing).
    int32_t airCode;
    float c0, c1, c2, c3;
} PGDRRVolume;

/// Which blocks of size³ voxels (aligned on multiples of size) hold one code throughout: the code, or
/// −1. A block that reaches past the grid's edge may be uniform only in air.
typedef struct {
    const int32_t *codes;
    /// Voxels per block side, a power of 2.
    int32_t size;
    int32_t dimensions[3];
    /// Linear steps of one block along each axis (1, nx, nx·ny in blocks).
    int32_t stride[3];
} PGDRRBlocks;

/// Rays per packet of the vector kernel on this processor: 16 (AVX-512F), 8 (AVX2 and FMA), or 0 (none:
/// the caller walks every ray itself).
int pg_drr_kernel_width(void);

/// Exact line integrals of `width` (16 or 8, at most pg_drr_kernel_width()) rays from one point, walked together slab
/// by slab along their common dominant index axis (at most three voxel segments per slab and ray). With
/// `blocks` (may be NULL), a block's worth of slabs is crossed at once wherever every block the rays
/// meet in them is uniform, and failing that, with `subBlocks` (may be NULL; a smaller size dividing
/// the blocks'), a sub-block's.
///
/// Index space is shifted by ½ (voxel i spans [i, i + 1)); `origin` (3) is the rays' common start there,
/// `directions` (width × 3) the index-space images of unit world directions, `lengthsMm` (width) the
/// rays' lengths, so that t in mm runs from 0 to the length. Writes Σ ℓ·first and Σ ℓ·second (ℓ in mm)
/// per ray and returns 1, or returns 0 and writes nothing when the packet does not qualify (another
/// width, rays without a common dominant axis, a start or end inside the occupied slab range, a volume
/// too large for 32-bit indices): the caller then walks those rays one by one.
int pg_drr_integrate(int width, const PGDRRVolume *volume, const PGDRRBlocks *blocks, const PGDRRBlocks *subBlocks,
                     const double *origin, const double *directions, const double *lengthsMm, float *first, float *second);

#endif
