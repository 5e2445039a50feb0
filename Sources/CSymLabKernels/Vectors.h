// What every kernel file of this target shares: the unaligned vector types the kernels are written
// in, and the macro that compiles a kernel for two instruction sets.
#ifndef SYMLAB_KERNELS_VECTORS_H
#define SYMLAB_KERNELS_VECTORS_H

#include "CSymLabKernels.h"

// 4 Doubles / 8 Floats (one AVX register, two SSE2 ones) at element alignment, with the integer
// vectors of the same shape that comparisons give (masks: all ones where true).
typedef double symlab_double4u __attribute__((ext_vector_type(4), aligned(8)));
typedef long symlab_long4 __attribute__((ext_vector_type(4)));
typedef float symlab_float8u __attribute__((ext_vector_type(8), aligned(4)));
typedef int symlab_int8 __attribute__((ext_vector_type(8)));

// A kernel compiled twice, NAME_avx2 for AVX2 and NAME_base for the baseline instruction set, and
// NAME picks one by the CPU check at each call: 4-Double / 8-Float vectors are then one AVX
// instruction instead of two SSE2 ones. For kernels of selects and sums only, so both builds give
// the same bits. (clang's target_clones would pick by an ifunc; this keeps both builds callable by
// name, which the tests use to compare them.)
#define SYMLAB_TWO_BUILDS(name, params, args, ...)                                                  \
    __attribute__((target("avx2"))) void name##_avx2 params __VA_ARGS__                             \
    void name##_base params __VA_ARGS__                                                             \
    void name params {                                                                              \
        if (symlab_cpu_has_avx2_fma()) name##_avx2 args; else name##_base args;                     \
    }

#endif
