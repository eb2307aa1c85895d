#include "CMallocTuning.h"
#include <limits.h>   // brings <features.h>, which defines __GLIBC__ on glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int pg_keep_freed_memory(void) {
#if defined(__GLIBC__)
    return mallopt(M_ARENA_MAX, 1) && mallopt(M_MMAP_MAX, 0) && mallopt(M_TRIM_THRESHOLD, INT_MAX);
#else
    return 0;
#endif
}
