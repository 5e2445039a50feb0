// The FMA-rate probe of `symlab bench steps`.
#include "Vectors.h"

// The core's peak FMA rate, for `symlab bench`: `iterations` rounds of 12 independent vector FMA
// chains (enough to cover the FMA latency on both pipes, so throughput, not latency, bounds the
// loop; no loads, no stores). The FLOP floor of a step is measured against the GEMM rate; this is
// the ceiling a product kernel itself can approach. Returns a lane of the sum so the loop is kept.
#define SYMLAB_FMA_PEAK(T, V)                                                                        \
    {                                                                                                \
        V acc[12];                                                                                   \
        const V x = (V)(T)0.999, y = (V)(T)1e-3;                                                     \
        _Pragma("unroll") for (int q = 0; q < 12; q++) acc[q] = (V)(T)q;                             \
        for (long n = 0; n < iterations; n++) {                                                      \
            _Pragma("unroll") for (int q = 0; q < 12; q++) acc[q] = __builtin_elementwise_fma(acc[q], x, y); \
        }                                                                                            \
        /* A side effect, so that the optimizer cannot treat a call as pure and hoist or merge it. */ \
        __asm__ volatile("" ::: "memory");                                                           \
        V s = acc[0];                                                                                \
        _Pragma("unroll") for (int q = 1; q < 12; q++) s = s + acc[q];                               \
        return s[0];                                                                                 \
    }
__attribute__((target("avx2,fma"))) float symlab_fma_peak_avx2_float(long iterations) SYMLAB_FMA_PEAK(float, symlab_float8u)
__attribute__((target("avx2,fma"))) double symlab_fma_peak_avx2_double(long iterations) SYMLAB_FMA_PEAK(double, symlab_double4u)
