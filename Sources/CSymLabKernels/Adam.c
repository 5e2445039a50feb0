// SymLabOptim's Adam update at the CPU's vector width.
#include "Vectors.h"

// Adam over a range of the flat parameter buffer (SymLabOptim's update kernel), with the same
// operations in the same order per element as its scalar definition, and contraction off, so the
// result is bit for bit the scalar loop's:
//     g' = g + l2·p;  m = b1·m + (1−b1)·g';  v = b2·v + (1−b2)·g'·g';  p = shrink·p − η·(m·c1)/(√(v·c2) + ε)
// Written here for the vector width: the Swift loop runs 4 lanes in the baseline instruction set
// (two SSE2 operations for Double), this one 4 Doubles or 8 Floats per AVX instruction when the
// CPU has AVX2 (the square root and the division dominate the update).
#define SYMLAB_ADAM_BODY(T, V, W)                                                                    \
    _Pragma("clang fp contract(off)")                                                                \
    long i = 0;                                                                                      \
    for (; i + W <= n; i += W) {                                                                     \
        const V pv = *(V *)(p + i), gi = *(const V *)(g + i) + (V)l2 * pv;                          \
        const V mv = (V)b1 * *(V *)(m + i) + (V)omb1 * gi;                                           \
        const V vv = (V)b2 * *(V *)(v + i) + (V)omb2 * gi * gi;                                      \
        *(V *)(m + i) = mv;                                                                          \
        *(V *)(v + i) = vv;                                                                          \
        *(V *)(p + i) = (V)shrink * pv - (V)eta * (mv * (V)c1) / (__builtin_elementwise_sqrt(vv * (V)c2) + (V)e); \
    }                                                                                                \
    for (; i < n; i++) {                                                                             \
        const T gi = g[i] + l2 * p[i];                                                               \
        m[i] = b1 * m[i] + omb1 * gi;                                                                \
        v[i] = b2 * v[i] + omb2 * gi * gi;                                                           \
        p[i] = shrink * p[i] - eta * (m[i] * c1) / (__builtin_elementwise_sqrt(v[i] * c2) + e);      \
    }

#define SYMLAB_ADAM(T, V, W)                                                                         \
    __attribute__((target("avx2,fma"))) static void symlab_adam_avx2_##T(                            \
        T *p, const T *g, T *m, T *v, long n, T l2, T b1, T omb1, T b2, T omb2, T c1, T c2, T eta, T e, T shrink) { \
        SYMLAB_ADAM_BODY(T, V, W)                                                                    \
    }                                                                                                \
    static void symlab_adam_base_##T(                                                                \
        T *p, const T *g, T *m, T *v, long n, T l2, T b1, T omb1, T b2, T omb2, T c1, T c2, T eta, T e, T shrink) { \
        SYMLAB_ADAM_BODY(T, V, W)                                                                    \
    }                                                                                                \
    void symlab_adam_##T(                                                                            \
        T *p, const T *g, T *m, T *v, long n, T l2, T b1, T omb1, T b2, T omb2, T c1, T c2, T eta, T e, T shrink) { \
        if (symlab_cpu_has_avx2_fma()) symlab_adam_avx2_##T(p, g, m, v, n, l2, b1, omb1, b2, omb2, c1, c2, eta, e, shrink); \
        else symlab_adam_base_##T(p, g, m, v, n, l2, b1, omb1, b2, omb2, c1, c2, eta, e, shrink);  \
    }

SYMLAB_ADAM(double, symlab_double4u, 4)
SYMLAB_ADAM(float, symlab_float8u, 8)
