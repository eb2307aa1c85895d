#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to bring the cache line holding `address` toward the core ahead of its use (a hint: it never
/// faults, even for an address outside any allocation). Swift has no prefetch of its own; the B-mode march
/// uses it to hide the cache misses of reading a large label volume along a ray.
static inline void pg_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
