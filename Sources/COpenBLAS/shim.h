// The C surface SymmetryLab needs from the system: CBLAS, the OpenBLAS thread and
// configuration calls, and the handful of LAPACK routines we use, declared with
// the Fortran calling convention (trailing hidden string lengths included, so the
// calls are correct under gfortran's ABI and harmless elsewhere).
#include <stddef.h>
#include <string.h>   // memcpy: the k-blocked reduction packs B panels
#include <cblas.h>
#include <malloc.h>   // mallopt: see SymLabNumerics.Allocation

void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info, size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t uplo_len);
void spotrs_(const char *uplo, const int *n, const int *nrhs, const float *a, const int *lda,
             float *b, const int *ldb, int *info, size_t uplo_len);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t uplo_len);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w,
             float *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t uplo_len);
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau,
             double *work, const int *lwork, int *info);
void sgeqrf_(const int *m, const int *n, float *a, const int *lda, float *tau,
             float *work, const int *lwork, int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau,
             double *work, const int *lwork, int *info);
void sorgqr_(const int *m, const int *n, const int *k, float *a, const int *lda, const float *tau,
             float *work, const int *lwork, int *info);

// Lane-wise square roots for vector loops (SymLabNumerics' TensorScalar.squareRoots). Swift's
// squareRoot() is C's sqrt with errno semantics on Linux: a scalar sqrtsd plus a NaN check and
// libm call per element, which the compiler cannot vectorize. __builtin_elementwise_sqrt is
// the IEEE square root (correctly rounded, so bit-identical to sqrt) without errno: one sqrtpd /
// sqrtps. Swift imports these ext_vector types as SIMD2<Double> and SIMD4<Float>.
typedef double symlab_double2 __attribute__((ext_vector_type(2)));
typedef float symlab_float4 __attribute__((ext_vector_type(4)));
static inline symlab_double2 symlab_sqrt_double2(symlab_double2 x) { return __builtin_elementwise_sqrt(x); }
static inline symlab_float4 symlab_sqrt_float4(symlab_float4 x) { return __builtin_elementwise_sqrt(x); }

// A spin-wait hint (x86 PAUSE, ARM YIELD) for the short waits of SymLabNumerics' WorkerPool.
static inline void symlab_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

// Whether this CPU runs the AVX2+FMA variants of the kernels (a cached cpuid bit).
static inline int symlab_cpu_has_avx2_fma(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

// The pointwise kernels below are compiled twice, NAME_avx2 for AVX2 and NAME_base for the baseline
// instruction set, and NAME picks one by the CPU check at each call: their 4-Double / 8-Float
// vectors are then one AVX instruction instead of two SSE2 ones. Selects and sums only, so both
// builds give the same bits. (clang's target_clones would do this, but its ifunc does not link when
// the header is compiled through Swift's importer.)
#define SYMLAB_TWO_BUILDS(name, params, args, ...)                                                  \
    __attribute__((target("avx2"))) static void name##_avx2 params __VA_ARGS__                      \
    static void name##_base params __VA_ARGS__                                                      \
    static inline void name params {                                                                \
        if (symlab_cpu_has_avx2_fma()) name##_avx2 args; else name##_base args;                     \
    }

// ReLU, y[i] = x[i] > 0 ? x[i] : 0 (NaN and −0 give +0), as a branch-free vector loop: the mask of
// x > 0 ANDed with x's bits, written with explicit vector types because the importer compiles
// these helpers without the loop vectorizer (a plain loop stays one maxss per element). Works in
// place (x == y, as the fused dense layer applies its activation): each block is loaded before
// it is stored.
typedef double symlab_double4u __attribute__((ext_vector_type(4), aligned(8)));
typedef long symlab_long4 __attribute__((ext_vector_type(4)));
typedef float symlab_float8u __attribute__((ext_vector_type(8), aligned(4)));
typedef int symlab_int8 __attribute__((ext_vector_type(8)));
SYMLAB_TWO_BUILDS(symlab_relu_double, (const double *x, double *y, long n), (x, y, n), {
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        symlab_double4u v = *(const symlab_double4u *)(x + i);
        symlab_long4 keep = v > 0;
        *(symlab_double4u *)(y + i) = (symlab_double4u)((symlab_long4)v & keep);
    }
    for (; i < n; i++) { double v = x[i]; y[i] = v > 0 ? v : 0.0; }
})
SYMLAB_TWO_BUILDS(symlab_relu_float, (const float *x, float *y, long n), (x, y, n), {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        symlab_float8u v = *(const symlab_float8u *)(x + i);
        symlab_int8 keep = v > 0;
        *(symlab_float8u *)(y + i) = (symlab_float8u)((symlab_int8)v & keep);
    }
    for (; i < n; i++) { float v = x[i]; y[i] = v > 0 ? v : 0.0f; }
})

// y[r, j] = σ(y[r, j] + b[j]) in place over a row-major [rows, cols] block, σ = ReLU (as above)
// or the identity: the fused dense layer's bias and activation in one pass after its products
// (gemm with β = 0), instead of a pass copying the bias into every row before them.
SYMLAB_TWO_BUILDS(symlab_bias_relu_double, (double *y, const double *b, long rows, long cols, int relu), (y, b, rows, cols, relu), {
    for (long r = 0; r < rows; r++) {
        double *row = y + r * cols;
        long j = 0;
        for (; j + 4 <= cols; j += 4) {
            symlab_double4u v = *(symlab_double4u *)(row + j) + *(const symlab_double4u *)(b + j);
            if (relu) v = (symlab_double4u)((symlab_long4)v & (symlab_long4)(v > 0));
            *(symlab_double4u *)(row + j) = v;
        }
        for (; j < cols; j++) { double v = row[j] + b[j]; row[j] = relu ? (v > 0 ? v : 0.0) : v; }
    }
})
SYMLAB_TWO_BUILDS(symlab_bias_relu_float, (float *y, const float *b, long rows, long cols, int relu), (y, b, rows, cols, relu), {
    for (long r = 0; r < rows; r++) {
        float *row = y + r * cols;
        long j = 0;
        for (; j + 8 <= cols; j += 8) {
            symlab_float8u v = *(symlab_float8u *)(row + j) + *(const symlab_float8u *)(b + j);
            if (relu) v = (symlab_float8u)((symlab_int8)v & (symlab_int8)(v > 0));
            *(symlab_float8u *)(row + j) = v;
        }
        for (; j < cols; j++) { float v = row[j] + b[j]; row[j] = relu ? (v > 0 ? v : 0.0f) : v; }
    }
})

// ReLU backward, dx[i] = x[i] > 0 ? dy[i] : 0 (x may be the pre-activation or the output: they
// have the same sign pattern), the same masked vector loop; in place when dx == dy. A select, as
// PyTorch's threshold_backward: a non-finite dy where the unit is off gives 0, not NaN.
SYMLAB_TWO_BUILDS(symlab_relu_backward_double, (const double *x, const double *dy, double *dx, long n), (x, dy, dx, n), {
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        symlab_long4 keep = *(const symlab_double4u *)(x + i) > 0;
        *(symlab_double4u *)(dx + i) = (symlab_double4u)((symlab_long4)(*(const symlab_double4u *)(dy + i)) & keep);
    }
    for (; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0;
})
SYMLAB_TWO_BUILDS(symlab_relu_backward_float, (const float *x, const float *dy, float *dx, long n), (x, dy, dx, n), {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        symlab_int8 keep = *(const symlab_float8u *)(x + i) > 0;
        *(symlab_float8u *)(dx + i) = (symlab_float8u)((symlab_int8)(*(const symlab_float8u *)(dy + i)) & keep);
    }
    for (; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0f;
})

// ReLU backward fused with the column sums of its result, for a layer with a bias: dx as above,
// [rows, cols], and sums[j] = Σ_r dx[r, j] (overwritten), added row after row in row order. The
// bias gradient then needs no second pass over dx (OpenBLAS's gemv against a vector of ones read
// all of dx again: 2.8 % of a GNN step). Columns in chunks of 64 vectors' worth, kept in a local
// array across the rows of the chunk.
#define SYMLAB_RELU_BACKWARD_SUMS(T, V, W, IV)                                                       \
    for (long j0 = 0; j0 < cols; j0 += 64 * W) {                                                     \
        const long jn = cols - j0 < 64 * W ? cols - j0 : 64 * W;                                     \
        const long jv = jn / W * W;                                                                  \
        V acc[64];                                                                                   \
        T tail[W];                                                                                   \
        for (long v = 0; v < jv / W; v++) acc[v] = (V)0;                                             \
        for (long j = jv; j < jn; j++) tail[j - jv] = 0;                                             \
        for (long r = 0; r < rows; r++) {                                                            \
            const T *xr = x + r * cols + j0, *gr = dy + r * cols + j0;                               \
            T *dr = dx + r * cols + j0;                                                              \
            for (long v = 0; v < jv / W; v++) {                                                      \
                IV keep = *(const V *)(xr + v * W) > 0;                                              \
                V d = (V)((IV)(*(const V *)(gr + v * W)) & keep);                                    \
                *(V *)(dr + v * W) = d;                                                              \
                acc[v] = acc[v] + d;                                                                 \
            }                                                                                        \
            for (long j = jv; j < jn; j++) { T d = xr[j] > 0 ? gr[j] : 0; dr[j] = d; tail[j - jv] += d; } \
        }                                                                                            \
        for (long v = 0; v < jv / W; v++) *(V *)(sums + j0 + v * W) = acc[v];                        \
        for (long j = jv; j < jn; j++) sums[j0 + j] = tail[j - jv];                                  \
    }
SYMLAB_TWO_BUILDS(symlab_relu_backward_sums_double, (const double *x, const double *dy, double *dx, long rows, long cols, double *sums),
                  (x, dy, dx, rows, cols, sums), {
    SYMLAB_RELU_BACKWARD_SUMS(double, symlab_double4u, 4, symlab_long4)
})
SYMLAB_TWO_BUILDS(symlab_relu_backward_sums_float, (const float *x, const float *dy, float *dx, long rows, long cols, float *sums),
                  (x, dy, dx, rows, cols, sums), {
    SYMLAB_RELU_BACKWARD_SUMS(float, symlab_float8u, 8, symlab_int8)
})

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
__attribute__((target("avx2,fma"), noinline)) static float symlab_fma_peak_avx2_float(long iterations) SYMLAB_FMA_PEAK(float, symlab_float8u)
__attribute__((target("avx2,fma"), noinline)) static double symlab_fma_peak_avx2_double(long iterations) SYMLAB_FMA_PEAK(double, symlab_double4u)

// Batched small products C_i = op(A_i)·B_i, i < batch, row-major: A_i is [m, k] (op = identity) or
// [k, m] (op = transpose), B_i is [k, n], C_i is [m, n]; consecutive matrices sa, sb, sc elements
// apart. For the message passing of many small graphs (A_i a 10×10 or 16×16 adjacency): OpenBLAS
// 0.3.21 has no batched gemm, and one cblas call per graph costs more in packing and set-up than
// the product (a 16×16·16×32 product is 16 k FLOPs). The micro-kernel keeps a 2-row × 4-vector
// block of C in registers over the k loop (each C entry a sequential FMA chain over p = 0…k−1, so
// the result does not depend on the batch or on threads); AVX2+FMA when the CPU has them (checked
// once per call), the same code in the baseline instruction set otherwise.
//
// The body also serves the direct circular convolution below, hence two generalisations: A's rows
// are `lda` elements apart (lda < k is allowed: overlapping rows, a convolution's windows read
// straight from its input), and an epilogue per block of C, r = α·acc (+ C_old if `accumulate`)
// (+ bias[j]) (then ReLU if `relu`) — the plain product is α = 1, no bias, no ReLU, overwrite.
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

#define SYMLAB_SMALL_GEMM_PARAMS(T)                                                                  \
    (int transA, long m, long n, long k, const T *a, long lda, const T *b, T *c,                     \
     T alpha, const T *bias, int relu, int accumulate)
// The same with B's and C's row strides given (ldb, ldc ≥ n): a panel of larger matrices.
#define SYMLAB_STRIDED_GEMM_PARAMS(T)                                                                \
    (int transA, long m, long n, long k, const T *a, long lda, const T *b, long ldb, T *c, long ldc, \
     T alpha, const T *bias, int relu, int accumulate)

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

#define SYMLAB_BATCHED_SMALL_GEMM(T, V, W, IV, NB, KC)                                               \
    __attribute__((target("avx2,fma"))) static void symlab_strided_gemm_avx2_##T SYMLAB_STRIDED_GEMM_PARAMS(T) { \
        SYMLAB_SMALL_GEMM_DISPATCH(T, V, W, IV, SYMLAB_FUSED_MADD)                                   \
    }                                                                                                \
    static void symlab_strided_gemm_base_##T SYMLAB_STRIDED_GEMM_PARAMS(T) {                         \
        _Pragma("clang fp contract(off)")                                                            \
        SYMLAB_SMALL_GEMM_BODY(T, V, W, IV, SYMLAB_PLAIN_MADD)                                       \
    }                                                                                                \
    static inline void symlab_small_gemm_ex_avx2_##T SYMLAB_SMALL_GEMM_PARAMS(T) {                   \
        symlab_strided_gemm_avx2_##T(transA, m, n, k, a, lda, b, n, c, n, alpha, bias, relu, accumulate); \
    }                                                                                                \
    static inline void symlab_small_gemm_ex_base_##T SYMLAB_SMALL_GEMM_PARAMS(T) {                   \
        symlab_strided_gemm_base_##T(transA, m, n, k, a, lda, b, n, c, n, alpha, bias, relu, accumulate); \
    }                                                                                                \
    static inline void symlab_gemm_tn_avx2_##T(long m, long n, long k, const T *a, long lda, const T *b, long ldb, \
                                               T *c, long ldc, T alpha, int accumulate) {            \
        SYMLAB_GEMM_TN(T, NB, KC, symlab_strided_gemm_avx2_##T)                                      \
    }                                                                                                \
    static inline void symlab_gemm_tn_base_##T(long m, long n, long k, const T *a, long lda, const T *b, long ldb, \
                                               T *c, long ldc, T alpha, int accumulate) {            \
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
    /* C = σ(α·A·B (+ C) + bias), A [m, k] not transposed; see SYMLAB_GEMM_NN. */                  \
    static inline void symlab_gemm_nn_##T(long m, long n, long k, const T *a, long lda, const T *b, long ldb, \
                                          T *c, long ldc, T alpha, const T *bias, int relu, int accumulate) { \
        if (symlab_cpu_has_avx2_fma()) symlab_gemm_nn_avx2_##T(0, m, n, k, a, lda, b, ldb, c, ldc, alpha, bias, relu, accumulate); \
        else symlab_gemm_nn_base_##T(0, m, n, k, a, lda, b, ldb, c, ldc, alpha, bias, relu, accumulate); \
    }                                                                                                \
    static inline void symlab_gemm_tn_##T(long m, long n, long k, const T *a, long lda, const T *b, long ldb, \
                                          T *c, long ldc, T alpha, int accumulate) {                 \
        if (symlab_cpu_has_avx2_fma()) symlab_gemm_tn_avx2_##T(m, n, k, a, lda, b, ldb, c, ldc, alpha, accumulate); \
        else symlab_gemm_tn_base_##T(m, n, k, a, lda, b, ldb, c, ldc, alpha, accumulate);            \
    }                                                                                                \
    static inline void symlab_small_gemm_avx2_##T(int transA, long m, long n, long k, const T *a, const T *b, T *c) { \
        symlab_small_gemm_ex_avx2_##T(transA, m, n, k, a, transA ? m : k, b, c, 1, 0, 0, 0);         \
    }                                                                                                \
    static inline void symlab_small_gemm_base_##T(int transA, long m, long n, long k, const T *a, const T *b, T *c) { \
        symlab_small_gemm_ex_base_##T(transA, m, n, k, a, transA ? m : k, b, c, 1, 0, 0, 0);         \
    }                                                                                                \
    static inline void symlab_batched_small_gemm_##T(int transA, long batch, long m, long n, long k, \
                                                     const T *a, long sa, const T *b, long sb,       \
                                                     T *c, long sc) {                                \
        if (symlab_cpu_has_avx2_fma()) {                                                             \
            for (long i = 0; i < batch; i++) symlab_small_gemm_avx2_##T(transA, m, n, k, a + i * sa, b + i * sb, c + i * sc); \
        } else {                                                                                     \
            for (long i = 0; i < batch; i++) symlab_small_gemm_base_##T(transA, m, n, k, a + i * sa, b + i * sb, c + i * sc); \
        }                                                                                            \
    }

SYMLAB_BATCHED_SMALL_GEMM(double, symlab_double4u, 4, symlab_long4, 64, 32)
SYMLAB_BATCHED_SMALL_GEMM(float, symlab_float8u, 8, symlab_int8, 64, 32)

// The direct circular convolution of channels-last inputs (SymLabNumerics' CircularConv1D.direct*):
//
//     z[b, t, :] = α · Σ_{k<K, c<Cin} x[b, (t + k) mod L, c] · w[k·Cin + c, :],   y = σ(z + bias)
//
// with σ = ReLU or the identity and optionally pooled[b, :] = s · Σ_t y[b, t, :]. Per sample the
// input is copied once into a ring-padded tile of L + K − 1 rows, so window t is the contiguous run
// of K·Cin elements starting at row t: the windows are A's rows with row stride Cin (overlapping),
// and the product is the small-product kernel with bias and ReLU applied before the store — no
// [B·L, K·Cin] window matrix, no packing, no second pass. Samples [b0, b1); `pad` holds
// (L + K − 1)·Cin elements.
#define SYMLAB_CONV_FORWARD_BODY(T, V, W, GEMM)                                                      \
    for (long s = b0; s < b1; s++) {                                                                 \
        const T *xs = x + s * l * cin;                                                               \
        __builtin_memcpy(pad, xs, sizeof(T) * l * cin);                                              \
        __builtin_memcpy(pad + l * cin, xs, sizeof(T) * (kw - 1) * cin);                             \
        T *ys = y + s * l * cout;                                                                    \
        GEMM(0, l, cout, kw * cin, pad, cin, w, ys, alpha, bias, relu, 0);                           \
        if (pooled) {                                                                                \
            T *ps = pooled + s * cout;                                                               \
            long j = 0;                                                                              \
            for (; j + W <= cout; j += W) {                                                          \
                V acc = *(const V *)(ys + j);                                                        \
                for (long t = 1; t < l; t++) acc = acc + *(const V *)(ys + t * cout + j);            \
                *(V *)(ps + j) = acc * (V)poolScale;                                                 \
            }                                                                                        \
            for (; j < cout; j++) {                                                                  \
                T acc = ys[j];                                                                       \
                for (long t = 1; t < l; t++) acc = acc + ys[t * cout + j];                           \
                ps[j] = acc * poolScale;                                                             \
            }                                                                                        \
        }                                                                                            \
    }

// Its backward over samples [b0, b1): dz = σ′ ⊙ g, where g is dL/dy [B, L, Cout] or, for the
// pooled form, dL/dpooled [B, Cout] (then g·s at every position), and σ′ is read off y (ReLU: y > 0;
// a select, so a non-finite g of an inactive unit gives 0). Per sample dz is built in a tile of
// L + K − 1 rows, ring-padded at the front, so that both gradients are small products again:
//     dw[k·Cin + c, :] += α · Σ_t x[b, (t + k) mod L, c] · dz[t, :]     (the padded x tile transposed)
//     dx[b, s, c] = α · Σ_{k, o} dz[(s − k) mod L, o] · w[k·Cin + c, o]  (windows of the dz tile times
//                                                                         wflip[k'·Cout + o, c] = w[(K−1−k')·Cin + c, o])
// and db += Σ_t dz[t, :]. dw and db accumulate (the caller zeroes them per block of samples, so the
// sums do not depend on how blocks are spread over threads); dx (optional) is overwritten.
// `pad` holds (L + K − 1)·(Cin + Cout) elements.
// Columns j…j+NV·W−1 of one sample's dz (σ′ ⊙ g, or σ′ ⊙ g·s pooled) for every position, with
// their sums over positions (the bias gradient) kept in NV registers.
#define SYMLAB_DZ_COLUMNS(T, V, W, IV, NV)                                                           \
    do {                                                                                             \
        V sum[NV], pg[NV];                                                                           \
        _Pragma("unroll") for (int v = 0; v < NV; v++) {                                             \
            sum[v] = (V)0;                                                                           \
            pg[v] = pooled ? *(const V *)(g + s * cout + j + v * W) * (V)poolScale : (V)0;           \
        }                                                                                            \
        for (long t = 0; t < l; t++) {                                                               \
            _Pragma("unroll") for (int v = 0; v < NV; v++) {                                         \
                V gv = pooled ? pg[v] : *(const V *)(g + (s * l + t) * cout + j + v * W);            \
                if (relu) gv = (V)((IV)gv & (IV)(*(const V *)(ys + t * cout + j + v * W) > 0));      \
                *(V *)(dz + t * cout + j + v * W) = gv;                                              \
                sum[v] = sum[v] + gv;                                                                \
            }                                                                                        \
        }                                                                                            \
        if (db) { _Pragma("unroll") for (int v = 0; v < NV; v++) *(V *)(db + j + v * W) = *(V *)(db + j + v * W) + sum[v]; } \
    } while (0)
#define SYMLAB_CONV_BACKWARD_BODY(T, V, W, IV, GEMM)                                                 \
    T *tile = pad + (l + kw - 1) * cin;                                                              \
    T *dz = tile + (kw - 1) * cout;                                                                  \
    for (long s = b0; s < b1; s++) {                                                                 \
        const T *xs = x + s * l * cin;                                                               \
        __builtin_memcpy(pad, xs, sizeof(T) * l * cin);                                              \
        __builtin_memcpy(pad + l * cin, xs, sizeof(T) * (kw - 1) * cin);                             \
        const T *ys = y + s * l * cout;                                                              \
        /* dz by blocks of up to 4 vectors of columns, positions inner, the bias sums in registers */ \
        long j = 0;                                                                                  \
        for (; j + 4 * W <= cout; j += 4 * W) SYMLAB_DZ_COLUMNS(T, V, W, IV, 4);                      \
        for (; j + W <= cout; j += W) SYMLAB_DZ_COLUMNS(T, V, W, IV, 1);                              \
        for (; j < cout; j++) {                                                                      \
            T acc = 0;                                                                               \
            for (long t = 0; t < l; t++) {                                                           \
                T gv = pooled ? g[s * cout + j] * poolScale : g[(s * l + t) * cout + j];             \
                gv = (!relu || ys[t * cout + j] > 0) ? gv : 0;                                       \
                dz[t * cout + j] = gv;                                                               \
                acc = acc + gv;                                                                      \
            }                                                                                        \
            if (db) db[j] = db[j] + acc;                                                             \
        }                                                                                            \
        if (dx) __builtin_memcpy(tile, dz + (l - kw + 1) * cout, sizeof(T) * (kw - 1) * cout);        \
        GEMM(1, kw * cin, cout, l, pad, cin, dz, dw, alpha, 0, 0, 1);                                \
        if (dx) GEMM(0, l, cin, kw * cout, tile, cout, wflip, dx + s * l * cin, alpha, 0, 0, 0);     \
    }

#define SYMLAB_CONV_FORWARD_PARAMS(T)                                                                \
    (long b0, long b1, long l, long cin, long kw, long cout, const T *x, const T *w, T alpha,        \
     const T *bias, int relu, T *y, T *pooled, T poolScale, T *pad)
#define SYMLAB_CONV_FORWARD_ARGS (b0, b1, l, cin, kw, cout, x, w, alpha, bias, relu, y, pooled, poolScale, pad)
#define SYMLAB_CONV_BACKWARD_PARAMS(T)                                                               \
    (long b0, long b1, long l, long cin, long kw, long cout, const T *x, const T *wflip, T alpha,    \
     const T *y, int relu, const T *g, int pooled, T poolScale, T *dw, T *db, T *dx, T *pad)
#define SYMLAB_CONV_BACKWARD_ARGS (b0, b1, l, cin, kw, cout, x, wflip, alpha, y, relu, g, pooled, poolScale, dw, db, dx, pad)

#define SYMLAB_CIRCULAR_CONV(T, V, W, IV)                                                            \
    __attribute__((target("avx2,fma"))) static void symlab_circular_conv_forward_avx2_##T SYMLAB_CONV_FORWARD_PARAMS(T) { \
        SYMLAB_CONV_FORWARD_BODY(T, V, W, symlab_small_gemm_ex_avx2_##T)                             \
    }                                                                                                \
    static void symlab_circular_conv_forward_base_##T SYMLAB_CONV_FORWARD_PARAMS(T) {                \
        _Pragma("clang fp contract(off)")                                                            \
        SYMLAB_CONV_FORWARD_BODY(T, V, W, symlab_small_gemm_ex_base_##T)                             \
    }                                                                                                \
    static inline void symlab_circular_conv_forward_##T SYMLAB_CONV_FORWARD_PARAMS(T) {              \
        if (symlab_cpu_has_avx2_fma()) symlab_circular_conv_forward_avx2_##T SYMLAB_CONV_FORWARD_ARGS; \
        else symlab_circular_conv_forward_base_##T SYMLAB_CONV_FORWARD_ARGS;                         \
    }                                                                                                \
    __attribute__((target("avx2,fma"))) static void symlab_circular_conv_backward_avx2_##T SYMLAB_CONV_BACKWARD_PARAMS(T) { \
        SYMLAB_CONV_BACKWARD_BODY(T, V, W, IV, symlab_small_gemm_ex_avx2_##T)                        \
    }                                                                                                \
    static void symlab_circular_conv_backward_base_##T SYMLAB_CONV_BACKWARD_PARAMS(T) {              \
        _Pragma("clang fp contract(off)")                                                            \
        SYMLAB_CONV_BACKWARD_BODY(T, V, W, IV, symlab_small_gemm_ex_base_##T)                        \
    }                                                                                                \
    static inline void symlab_circular_conv_backward_##T SYMLAB_CONV_BACKWARD_PARAMS(T) {            \
        if (symlab_cpu_has_avx2_fma()) symlab_circular_conv_backward_avx2_##T SYMLAB_CONV_BACKWARD_ARGS; \
        else symlab_circular_conv_backward_base_##T SYMLAB_CONV_BACKWARD_ARGS;                       \
    }

SYMLAB_CIRCULAR_CONV(double, symlab_double4u, 4, symlab_long4)
SYMLAB_CIRCULAR_CONV(float, symlab_float8u, 8, symlab_int8)

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
    static inline void symlab_adam_##T(                                                              \
        T *p, const T *g, T *m, T *v, long n, T l2, T b1, T omb1, T b2, T omb2, T c1, T c2, T eta, T e, T shrink) { \
        if (symlab_cpu_has_avx2_fma()) symlab_adam_avx2_##T(p, g, m, v, n, l2, b1, omb1, b2, omb2, c1, c2, eta, e, shrink); \
        else symlab_adam_base_##T(p, g, m, v, n, l2, b1, omb1, b2, omb2, c1, c2, eta, e, shrink);  \
    }

SYMLAB_ADAM(double, symlab_double4u, 4)
SYMLAB_ADAM(float, symlab_float8u, 8)
