// The register-blocked small products: batched products of many small matrices (a GNN's message
// passing over small graphs), a layer's forward product with its bias and ReLU fused in (gemm_nn)
// and a weight gradient's long reduction (gemm_tn), where OpenBLAS's packing and set-up cost more
// than the arithmetic.
#include <string.h>   // memcpy: the blocked products pack B panels
#include "Vectors.h"
#include "SmallGemm.h"

// Batched small products C_i = op(A_i)·B_i, i < batch, row-major: A_i is [m, k] (op = identity) or
// [k, m] (op = transpose), B_i is [k, n], C_i is [m, n]; consecutive matrices sa, sb, sc elements
// apart. For the message passing of many small graphs (A_i a 10×10 or 16×16 adjacency): OpenBLAS
// 0.3.21 has no batched gemm, and one cblas call per graph costs more in packing and set-up than
// the product (a 16×16·16×32 product is 16 k FLOPs). The micro-kernel keeps a 2-row × 4-vector
// block of C in registers over the k loop (each C entry a sequential FMA chain over p = 0…k−1, so
// the result does not depend on the batch or on threads); AVX2+FMA when the CPU has them (checked
// once per call), the same code in the baseline instruction set otherwise.
//
// The body also serves the direct circular convolution (CircularConvolution.c), hence two
// generalisations: A's rows are `lda` elements apart (lda < k is allowed: overlapping rows, a
// convolution's windows read straight from its input), and an epilogue per block of C,
// r = α·acc (+ C_old if `accumulate`) (+ bias[j]) (then ReLU if `relu`) — the plain product is
// α = 1, no bias, no ReLU, overwrite.
#define SYMLAB_EPILOGUE_V(V, IV, cp, acc, j)                                                         \
    do {                                                                                             \
        V r_ = (acc);                                                                                \
        if (alpha != 1) r_ = r_ * (V)alpha;                                                          \
        if (accumulate) r_ = r_ + *(V *)(cp);                                                        \
        if (bias) r_ = r_ + *(const V *)(bias + (j));                                                \
        if (relu) r_ = (V)((IV)r_ & (IV)(r_ > 0));                                                   \
        *(V *)(cp) = r_;                                                                             \
    } while (0)
#define SYMLAB_EPILOGUE_S(T, cp, acc, j)                                                             \
    do {                                                                                             \
        T r_ = (acc);                                                                                \
        if (alpha != 1) r_ = r_ * alpha;                                                             \
        if (accumulate) r_ = r_ + *(cp);                                                             \
        if (bias) r_ = r_ + bias[j];                                                                 \
        if (relu) r_ = r_ > 0 ? r_ : 0;                                                              \
        *(cp) = r_;                                                                                  \
    } while (0)
#define SYMLAB_A(i, p) (transA ? a[(p) * lda + (i)] : a[(i) * lda + (p)])
// One R-row × NV-vector block of C at rows i…i+R−1 (rows past m recompute row m−1 and are not
// stored), columns j…j+NV·W−1, its accumulators in registers over the whole k loop.
#define SYMLAB_GEMM_BLOCK(T, V, W, IV, MADD, R, NV)                                                  \
    do {                                                                                             \
        V acc[R][NV];                                                                                \
        long row[R];                                                                                 \
        _Pragma("unroll") for (int q = 0; q < R; q++) {                                              \
            row[q] = i + q < m ? i + q : m - 1;                                                      \
            _Pragma("unroll") for (int v = 0; v < NV; v++) acc[q][v] = (V)0;                         \
        }                                                                                            \
        for (long p = 0; p < k; p++) {                                                               \
            const T *bp = b + p * ldb + j;                                                             \
            V bv[NV];                                                                                \
            _Pragma("unroll") for (int v = 0; v < NV; v++) bv[v] = *(const V *)(bp + v * W);         \
            _Pragma("unroll") for (int q = 0; q < R; q++) {                                          \
                const V av = (V)SYMLAB_A(row[q], p);                                                 \
                _Pragma("unroll") for (int v = 0; v < NV; v++) acc[q][v] = MADD(av, bv[v], acc[q][v]); \
            }                                                                                        \
        }                                                                                            \
        _Pragma("unroll") for (int q = 0; q < R; q++) {                                              \
            if (i + q < m) {                                                                         \
                _Pragma("unroll") for (int v = 0; v < NV; v++)                                       \
                    SYMLAB_EPILOGUE_V(V, IV, c + (i + q) * ldc + j + v * W, acc[q][v], j + v * W);     \
            }                                                                                        \
        }                                                                                            \
    } while (0)
#define SYMLAB_GEMM_SCALAR_COLUMN(T, MADD, R)                                                        \
    do {                                                                                             \
        T acc[R];                                                                                    \
        long row[R];                                                                                 \
        _Pragma("unroll") for (int q = 0; q < R; q++) { row[q] = i + q < m ? i + q : m - 1; acc[q] = 0; } \
        for (long p = 0; p < k; p++) {                                                               \
            const T bv = b[p * ldb + j];                                                               \
            _Pragma("unroll") for (int q = 0; q < R; q++) acc[q] = MADD(SYMLAB_A(row[q], p), bv, acc[q]); \
        }                                                                                            \
        _Pragma("unroll") for (int q = 0; q < R; q++)                                                \
            if (i + q < m) SYMLAB_EPILOGUE_S(T, c + (i + q) * ldc + j, acc[q], j);                    \
    } while (0)
// Rows in blocks of R; each block's columns in runs of 4, 2 and 1 vectors, then single columns.
#define SYMLAB_GEMM_ROWS(T, V, W, IV, MADD, R)                                                       \
    for (long i = 0; i < m; i += R) {                                                                \
        long j = 0;                                                                                  \
        for (; j + 4 * W <= n; j += 4 * W) SYMLAB_GEMM_BLOCK(T, V, W, IV, MADD, R, 4);                \
        for (; j + 2 * W <= n; j += 2 * W) SYMLAB_GEMM_BLOCK(T, V, W, IV, MADD, R, 2);                \
        for (; j + W <= n; j += W) SYMLAB_GEMM_BLOCK(T, V, W, IV, MADD, R, 1);                        \
        for (; j < n; j++) SYMLAB_GEMM_SCALAR_COLUMN(T, MADD, R);                                     \
    }
// 2 rows × 4 vectors (8 accumulators) when C is at least 4 vectors wide; narrower C gets taller
// blocks, 4 rows × 2 vectors or 8 rows × 1, so that there are still 8 independent FMA chains (with
// fewer, the FMA latency, not the throughput, bounds the loop).
#define SYMLAB_SMALL_GEMM_BODY(T, V, W, IV, MADD)                                                   \
    if (n >= 4 * W || m <= 2) { SYMLAB_GEMM_ROWS(T, V, W, IV, MADD, 2) }                             \
    else if (n >= 2 * W || m <= 4) { SYMLAB_GEMM_ROWS(T, V, W, IV, MADD, 4) }                        \
    else { SYMLAB_GEMM_ROWS(T, V, W, IV, MADD, 8) }

// x·y + z: one fused multiply-add (one rounding) with AVX2+FMA; without FMA hardware a product
// and a sum (a software fma would be slower than the BLAS call this replaces).
#define SYMLAB_FUSED_MADD(x, y, z) __builtin_elementwise_fma(x, y, z)
#define SYMLAB_PLAIN_MADD(x, y, z) ((x) * (y) + (z))

// The same body with the epilogue's options known at compile time for the common calls (a
// layer's product with bias and ReLU, onto an earlier term or not; a gradient product
// accumulating; the plain product): the flags are then not tested for every vector of every
// block, which on the papers' short products (k = 16: a convolution's window) was 10–16 % of the
// product's time. Same operations, same bits.
#define SYMLAB_SMALL_GEMM_DISPATCH(T, V, W, IV, MADD)                                               \
    if (alpha == 1 && bias && relu && !accumulate) {                                                 \
        const T alpha = 1; const int relu = 1, accumulate = 0;                                       \
        SYMLAB_SMALL_GEMM_BODY(T, V, W, IV, MADD)                                                    \
    } else if (alpha == 1 && bias && relu && accumulate) {                                           \
        const T alpha = 1; const int relu = 1, accumulate = 1;                                       \
        SYMLAB_SMALL_GEMM_BODY(T, V, W, IV, MADD)                                                    \
    } else if (alpha == 1 && !bias && !relu && accumulate) {                                         \
        const T alpha = 1; const int relu = 0, accumulate = 1; const T *bias = 0;                    \
        SYMLAB_SMALL_GEMM_BODY(T, V, W, IV, MADD)                                                    \
    } else if (alpha == 1 && !bias && !relu && !accumulate) {                                        \
        const T alpha = 1; const int relu = 0, accumulate = 0; const T *bias = 0;                    \
        SYMLAB_SMALL_GEMM_BODY(T, V, W, IV, MADD)                                                    \
    } else {                                                                                         \
        SYMLAB_SMALL_GEMM_BODY(T, V, W, IV, MADD)                                                    \
    }

// C[m, n] = α·Aᵀ·B (+ C if `accumulate`) for A [k, m] (row stride lda) and B [k, n] (ldb) with a
// long k: a layer's weight gradient, the reduction over the batch. The product is cut into panels
// of NB columns of B and KC rows of A and B (about 16 KB each, so both stay in L1 while every
// block of C's panel passes over them) and each panel is the register-blocked product above,
// accumulating onto C. OpenBLAS packs both operands for this shape, which on a GNN layer's
// [2560, 64]ᵀ·[2560, 64] cost a fifth of the product. Each C entry is a fixed sequence of FMA
// chains (one per KC rows), so the result depends on the shape only, not on threads or timing.
#define SYMLAB_GEMM_TN(T, NB, KC, KERNEL)                                                            \
    T panel[KC * NB] __attribute__((aligned(64)));                                                   \
    for (long j0 = 0; j0 < n; j0 += NB) {                                                            \
        const long nb = n - j0 < NB ? n - j0 : NB;                                                   \
        for (long p0 = 0; p0 < k; p0 += KC) {                                                        \
            const long kc = k - p0 < KC ? k - p0 : KC;                                               \
            const T *bp = b + p0 * ldb + j0;                                                         \
            long ldp = ldb;                                                                          \
            if (ldb != nb) {                                                                         \
                for (long p = 0; p < kc; p++) memcpy(panel + p * nb, bp + p * ldb, nb * sizeof(T));  \
                bp = panel; ldp = nb;                                                                \
            }                                                                                        \
            KERNEL(1, m, nb, kc, a + p0 * lda, lda, bp, ldp, c + j0, ldc, alpha, 0, 0,                \
                   (accumulate || p0 > 0) ? 1 : 0);                                                  \
        }                                                                                            \
    }

// C[m, n] = σ(α·A·B (+ C) + bias) with the same epilogue as above, for a B wider than L1 holds:
// a layer's forward product [rows, in]·[in, out] with out in the hundreds. B is cut into panels of
// 256 bytes of columns (packed into a contiguous buffer when its rows are further apart, whose 4 KB strides
// would otherwise evict each other from L1's sets) and every panel is one register-blocked
// product over all k, so the bias and the ReLU are applied as each block of C is stored. OpenBLAS
// instead needs C zeroed, then its product, then a pass for the bias and the ReLU: f64 [256,
// 64]·[64, 512] 472 → 351 µs measured in C. For k ≤ SYMLAB_NN_MAX_K (a panel within L1).
#define SYMLAB_NN_MAX_K 128
#define SYMLAB_NN_PANEL_BYTES 256
#define SYMLAB_GEMM_NN(T, NB, KERNEL)                                                                \
    if (n <= NB || k > SYMLAB_NN_MAX_K) {                                                            \
        KERNEL(0, m, n, k, a, lda, b, ldb, c, ldc, alpha, bias, relu, accumulate);                   \
        return;                                                                                      \
    }                                                                                                \
    T panel[SYMLAB_NN_MAX_K * NB] __attribute__((aligned(64)));                                      \
    for (long j0 = 0; j0 < n; j0 += NB) {                                                            \
        const long nb = n - j0 < NB ? n - j0 : NB;                                                   \
        for (long p = 0; p < k; p++) memcpy(panel + p * nb, b + p * ldb + j0, nb * sizeof(T));       \
        KERNEL(0, m, nb, k, a, lda, panel, nb, c + j0, ldc, alpha, bias ? bias + j0 : 0, relu, accumulate); \
    }

#define SYMLAB_SMALL_GEMMS(T, V, W, IV, NB, KC)                                                      \
    __attribute__((target("avx2,fma"))) void symlab_strided_gemm_avx2_##T SYMLAB_STRIDED_GEMM_PARAMS(T) { \
        SYMLAB_SMALL_GEMM_DISPATCH(T, V, W, IV, SYMLAB_FUSED_MADD)                                   \
    }                                                                                                \
    void symlab_strided_gemm_base_##T SYMLAB_STRIDED_GEMM_PARAMS(T) {                                \
        _Pragma("clang fp contract(off)")                                                            \
        SYMLAB_SMALL_GEMM_BODY(T, V, W, IV, SYMLAB_PLAIN_MADD)                                       \
    }                                                                                                \
    void symlab_gemm_tn_avx2_##T(long m, long n, long k, const T *a, long lda, const T *b, long ldb, \
                                 T *c, long ldc, T alpha, int accumulate) {                          \
        SYMLAB_GEMM_TN(T, NB, KC, symlab_strided_gemm_avx2_##T)                                      \
    }                                                                                                \
    void symlab_gemm_tn_base_##T(long m, long n, long k, const T *a, long lda, const T *b, long ldb, \
                                 T *c, long ldc, T alpha, int accumulate) {                          \
        SYMLAB_GEMM_TN(T, NB, KC, symlab_strided_gemm_base_##T)                                      \
    }                                                                                                \
    static inline void symlab_gemm_nn_avx2_##T SYMLAB_STRIDED_GEMM_PARAMS(T) {                      \
        (void)transA;                                                                                \
        SYMLAB_GEMM_NN(T, SYMLAB_NN_PANEL_BYTES / (long)sizeof(T), symlab_strided_gemm_avx2_##T)     \
    }                                                                                                \
    static inline void symlab_gemm_nn_base_##T SYMLAB_STRIDED_GEMM_PARAMS(T) {                      \
        (void)transA;                                                                                \
        SYMLAB_GEMM_NN(T, SYMLAB_NN_PANEL_BYTES / (long)sizeof(T), symlab_strided_gemm_base_##T)     \
    }                                                                                                \
    void symlab_gemm_nn_##T(long m, long n, long k, const T *a, long lda, const T *b, long ldb,     \
                            T *c, long ldc, T alpha, const T *bias, int relu, int accumulate) {     \
        if (symlab_cpu_has_avx2_fma()) symlab_gemm_nn_avx2_##T(0, m, n, k, a, lda, b, ldb, c, ldc, alpha, bias, relu, accumulate); \
        else symlab_gemm_nn_base_##T(0, m, n, k, a, lda, b, ldb, c, ldc, alpha, bias, relu, accumulate); \
    }                                                                                                \
    void symlab_gemm_tn_##T(long m, long n, long k, const T *a, long lda, const T *b, long ldb,     \
                            T *c, long ldc, T alpha, int accumulate) {                              \
        if (symlab_cpu_has_avx2_fma()) symlab_gemm_tn_avx2_##T(m, n, k, a, lda, b, ldb, c, ldc, alpha, accumulate); \
        else symlab_gemm_tn_base_##T(m, n, k, a, lda, b, ldb, c, ldc, alpha, accumulate);            \
    }                                                                                                \
    void symlab_small_gemm_avx2_##T(int transA, long m, long n, long k, const T *a, const T *b, T *c) { \
        symlab_small_gemm_ex_avx2_##T(transA, m, n, k, a, transA ? m : k, b, c, 1, 0, 0, 0);         \
    }                                                                                                \
    void symlab_small_gemm_base_##T(int transA, long m, long n, long k, const T *a, const T *b, T *c) { \
        symlab_small_gemm_ex_base_##T(transA, m, n, k, a, transA ? m : k, b, c, 1, 0, 0, 0);         \
    }                                                                                                \
    void symlab_batched_small_gemm_##T(int transA, long batch, long m, long n, long k,               \
                                       const T *a, long sa, const T *b, long sb, T *c, long sc) {    \
        if (symlab_cpu_has_avx2_fma()) {                                                             \
            for (long i = 0; i < batch; i++) symlab_small_gemm_avx2_##T(transA, m, n, k, a + i * sa, b + i * sb, c + i * sc); \
        } else {                                                                                     \
            for (long i = 0; i < batch; i++) symlab_small_gemm_base_##T(transA, m, n, k, a + i * sa, b + i * sb, c + i * sc); \
        }                                                                                            \
    }

SYMLAB_SMALL_GEMMS(double, symlab_double4u, 4, symlab_long4, 64, 32)
SYMLAB_SMALL_GEMMS(float, symlab_float8u, 8, symlab_int8, 64, 32)
