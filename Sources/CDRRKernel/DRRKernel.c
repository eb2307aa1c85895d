// The DRR's packet kernel: rays from one source walked together through a volume of material codes,
// slab by slab along their dominant index axis D. A ray whose slope against D is at most 1 in each of
// the other two index axes (U, V) crosses at most one U boundary and one V boundary inside a slab
// [j, j + 1), so the slab holds at most three of its voxel segments: the voxel it enters in, a middle
// one, and the one it leaves from. Their lengths are the fractions of the slab between the crossings,
// times the ray's length per slab 1/|dD/dt|. The sum is the same exact line integral as the voxel walk
// (Siddon 1985; Jacobs et al. 1998), computed without data-dependent branches per ray: one vector of
// rays (8 with AVX2, 16 with AVX-512, chosen at run time), one gather of codes per slab, two more only
// in slabs where some ray crosses a boundary. Uniform blocks (8³, then 4³) are crossed in one step by
// the same rule on the block grid.

#include "CDRRKernel.h"

#include <math.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>

enum { MAX_WIDTH = 16 };

// ---- AVX2 + FMA: 8 rays a vector, lane masks as all-ones float lanes.
#define NAME(x) x##8
#define TARGET __attribute__((target("avx2,fma")))
#define WIDTH 8
typedef __m256 vf8;
typedef __m256i vi8;
typedef __m256 vm8;
#define vf vf8
#define vi vi8
#define vm vm8
#define F1 _mm256_set1_ps
#define I1 _mm256_set1_epi32
#define FZERO _mm256_setzero_ps()
#define IZERO _mm256_setzero_si256()
#define FADD _mm256_add_ps
#define FSUB _mm256_sub_ps
#define FMUL _mm256_mul_ps
#define FDIV _mm256_div_ps
#define FMA _mm256_fmadd_ps
#define FMIN _mm256_min_ps
#define FMAX _mm256_max_ps
#define FFLOOR _mm256_floor_ps
#define FLOADU _mm256_loadu_ps
#define FSTOREU _mm256_storeu_ps
#define IADD _mm256_add_epi32
#define ISUB _mm256_sub_epi32
#define IMUL _mm256_mullo_epi32
#define IAND _mm256_and_si256
#define IOR _mm256_or_si256
#define ISLLI _mm256_slli_epi32
#define ICVT _mm256_cvttps_epi32
#define FCVT _mm256_cvtepi32_ps
#define ISTOREU(p, v) _mm256_storeu_si256((__m256i *)(p), v)
#define IANYNEG(v) (_mm256_movemask_ps(_mm256_castsi256_ps(v)) != 0)
#define CMP _mm256_cmp_ps
#define MAND _mm256_and_ps
#define MOR _mm256_or_ps
#define MNONE(m) _mm256_testz_ps(m, m)
#define MALL _mm256_castsi256_ps(_mm256_set1_epi32(-1))
/* b where m, else a */
#define FSEL(m, a, b) _mm256_blendv_ps(a, b, m)
#define MSEL(m, a, b) _mm256_blendv_ps(a, b, m)
#define ISEL(m, a, b) _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), m))
#define IMASK(m, v) _mm256_and_si256(_mm256_castps_si256(m), v)
#define GATHER(src, base, index, m, scale) _mm256_mask_i32gather_epi32(src, (const int *)(base), index, _mm256_castps_si256(m), scale)
#include "SlabWalk.inc"
#undef NAME
#undef TARGET
#undef WIDTH
#undef vf
#undef vi
#undef vm
#undef F1
#undef I1
#undef FZERO
#undef IZERO
#undef FADD
#undef FSUB
#undef FMUL
#undef FDIV
#undef FMA
#undef FMIN
#undef FMAX
#undef FFLOOR
#undef FLOADU
#undef FSTOREU
#undef IADD
#undef ISUB
#undef IMUL
#undef IAND
#undef IOR
#undef ISLLI
#undef ICVT
#undef FCVT
#undef ISTOREU
#undef IANYNEG
#undef CMP
#undef MAND
#undef MOR
#undef MNONE
#undef MALL
#undef FSEL
#undef MSEL
#undef ISEL
#undef IMASK
#undef GATHER

// ---- AVX-512F: 16 rays a vector, lane masks in mask registers.
#define NAME(x) x##16
#define TARGET __attribute__((target("avx512f,avx2,fma")))
#define WIDTH 16
typedef __m512 vf16;
typedef __m512i vi16;
typedef __mmask16 vm16;
#define vf vf16
#define vi vi16
#define vm vm16
#define F1 _mm512_set1_ps
#define I1 _mm512_set1_epi32
#define FZERO _mm512_setzero_ps()
#define IZERO _mm512_setzero_si512()
#define FADD _mm512_add_ps
#define FSUB _mm512_sub_ps
#define FMUL _mm512_mul_ps
#define FDIV _mm512_div_ps
#define FMA _mm512_fmadd_ps
#define FMIN _mm512_min_ps
#define FMAX _mm512_max_ps
#define FFLOOR(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define FLOADU _mm512_loadu_ps
#define FSTOREU _mm512_storeu_ps
#define IADD _mm512_add_epi32
#define ISUB _mm512_sub_epi32
#define IMUL _mm512_mullo_epi32
#define IAND _mm512_and_si512
#define IOR _mm512_or_si512
#define ISLLI _mm512_slli_epi32
#define ICVT _mm512_cvttps_epi32
#define FCVT _mm512_cvtepi32_ps
#define ISTOREU(p, v) _mm512_storeu_si512((void *)(p), v)
#define IANYNEG(v) (_mm512_cmplt_epi32_mask(v, _mm512_setzero_si512()) != 0)
#define CMP _mm512_cmp_ps_mask
#define MAND(a, b) ((vm16)((a) & (b)))
#define MOR(a, b) ((vm16)((a) | (b)))
#define MNONE(m) ((m) == 0)
#define MALL ((vm16)0xFFFF)
#define FSEL(m, a, b) _mm512_mask_blend_ps(m, a, b)
#define MSEL(m, a, b) ((vm16)(((m) & (b)) | (~(m) & (a))))
#define ISEL(m, a, b) _mm512_mask_blend_epi32(m, a, b)
#define IMASK(m, v) _mm512_maskz_mov_epi32(m, v)
#define GATHER(src, base, index, m, scale) _mm512_mask_i32gather_epi32(src, m, index, (const void *)(base), scale)
#include "SlabWalk.inc"

int pg_drr_kernel_width(void) {
    static int width = -1;
    if (width < 0) {
        __builtin_cpu_init();
        width = __builtin_cpu_supports("avx512f") ? 16 : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 8 : 0);
    }
    return width;
}

int pg_drr_integrate(int width, const PGDRRVolume *volume, const PGDRRBlocks *blocks, const PGDRRBlocks *subBlocks, const double *origin,
                     const double *directions, const double *lengthsMm, float *first, float *second) {
    // 8 runs wherever 16 does.
    if (!(width == 16 || width == 8) || width > pg_drr_kernel_width()) return 0;
    const int64_t voxels = (int64_t)volume->dimensions[0] * volume->dimensions[1] * volume->dimensions[2];
    if (voxels >= INT32_MAX) return 0;
    // The packet's dominant axis: the largest summed |direction| component.
    double total[3] = {0, 0, 0};
    for (int l = 0; l < width; l++) for (int a = 0; a < 3; a++) total[a] += fabs(directions[3 * l + a]);
    const int D = total[0] >= total[1] && total[0] >= total[2] ? 0 : (total[1] >= total[2] ? 1 : 2);
    const int U = (D + 1) % 3, V = (D + 2) % 3;

    int empty[MAX_WIDTH];
    double dLow = INFINITY, dHigh = -INFINITY;
    for (int l = 0; l < width; l++) {
        const double *d = directions + 3 * l;
        // Clip to the occupied box, as the voxel walk does.
        double tIn = 0, tOut = lengthsMm[l];
        empty[l] = 0;
        for (int a = 0; a < 3; a++) {
            const double lo = volume->lower[a], hi = volume->upper[a] + 1.0;
            if (fabs(d[a]) < 1e-12) {
                if (origin[a] < lo || origin[a] >= hi) empty[l] = 1;
            } else {
                double t0 = (lo - origin[a]) / d[a], t1 = (hi - origin[a]) / d[a];
                if (t0 > t1) { const double s = t0; t0 = t1; t1 = s; }
                if (t0 > tIn) tIn = t0;
                if (t1 < tOut) tOut = t1;
            }
        }
        if (empty[l] || tIn >= tOut) { empty[l] = 1; continue; }
        // Every slab must be crossed whole: at most one crossing of U and V per slab, and both ends
        // outside the occupied slab range.
        if (fabs(d[U]) > fabs(d[D]) || fabs(d[V]) > fabs(d[D])) return 0;
        const double start = origin[D], end = origin[D] + d[D] * lengthsMm[l];
        if (fmin(start, end) > volume->lower[D] || fmax(start, end) < volume->upper[D] + 1.0) return 0;
        const double a = origin[D] + d[D] * tIn, b = origin[D] + d[D] * tOut;
        dLow = fmin(dLow, fmin(a, b));
        dHigh = fmax(dHigh, fmax(a, b));
    }
    if (dLow > dHigh) {
        for (int l = 0; l < width; l++) first[l] = second[l] = 0;
        return 1;
    }
    int j0 = (int)floor(dLow), j1 = (int)ceil(dHigh) - 1;
    if (j0 < volume->lower[D]) j0 = volume->lower[D];
    if (j1 > volume->upper[D]) j1 = volume->upper[D];

    float u0[MAX_WIDTH], v0[MAX_WIDTH], su[MAX_WIDTH], sv[MAX_WIDTH], perSlab[MAX_WIDTH], sumFirst[MAX_WIDTH], sumPositive[MAX_WIDTH];
    for (int l = 0; l < width; l++) {
        const double *d = directions + 3 * l;
        if (empty[l]) {
            // Parked far outside the grid, voxels and blocks alike: reads nothing, adds nothing, and
            // never makes its packet's block layers look mixed.
            su[l] = sv[l] = 0; perSlab[l] = 0;
            u0[l] = v0[l] = -1e6f;
            continue;
        }
        const double slopeU = d[U] / d[D], slopeV = d[V] / d[D];
        su[l] = (float)slopeU; sv[l] = (float)slopeV;
        u0[l] = (float)(origin[U] + slopeU * (j0 - origin[D]));
        v0[l] = (float)(origin[V] + slopeV * (j0 - origin[D]));
        perSlab[l] = (float)(1 / fabs(d[D]));
    }
    if (j1 >= j0) {
        if (width == 16) walk16(volume, blocks, subBlocks, D, U, V, j0, j1, u0, v0, su, sv, sumFirst, sumPositive);
        else walk8(volume, blocks, subBlocks, D, U, V, j0, j1, u0, v0, su, sv, sumFirst, sumPositive);
    } else {
        for (int l = 0; l < width; l++) sumFirst[l] = sumPositive[l] = 0;
    }
    for (int l = 0; l < width; l++) {
        first[l] = perSlab[l] * sumFirst[l];
        second[l] = perSlab[l] * volume->c3 * sumPositive[l];
    }
    return 1;
}

#else

int pg_drr_kernel_width(void) { return 0; }

int pg_drr_integrate(int width, const PGDRRVolume *volume, const PGDRRBlocks *blocks, const PGDRRBlocks *subBlocks, const double *origin,
                     const double *directions, const double *lengthsMm, float *first, float *second) {
    (void)width; (void)volume; (void)blocks; (void)subBlocks; (void)origin; (void)directions; (void)lengthsMm; (void)first; (void)second;
    return 0;
}

#endif
