#ifndef CMALLOCTUNING_H
#define CMALLOCTUNING_H

/// Tells glibc's allocator to serve every allocation from one heap and keep what is freed there
/// (`M_ARENA_MAX` 1, `M_MMAP_MAX` 0, `M_TRIM_THRESHOLD` INT_MAX), so a volume allocated after another was
/// freed reuses its pages instead of asking the kernel for fresh ones. Returns 1 when every setting was
/// taken, 0 otherwise (always 0 where the C library is not glibc). Swift's Glibc module has no `<malloc.h>`.
///
/// Why: a subject build or a case allocates and frees several GB of short-lived volumes (labels, CT,
/// distance maps, attenuation codes). By default each is its own `mmap`, returned to the kernel when freed,
/// and each new one is zeroed page by page on first touch. On a virtual machine that hands free guest
/// pages back to its host (free page reporting, as on the 2-core CI machine) those pages are cold again
/// within seconds: touching 566 MB of them took 1.2–1.8 s against 0.08 s warm (measured 2026-12-07). With
/// these settings `parsguide case` took 17.1–17.8 s against 19.1–19.5 s (page faults 960 k → 171 k, peak
/// RSS 1.61 → 1.73 GB) and `parsguide subject` on the example CT 21.4 s against 23.7 s (peak 2.07 → 2.40 GB:
/// one heap fragments); docs/BENCHMARKS.md.
int pg_keep_freed_memory(void);

#endif
