// The pointwise kernels of dense layers: ReLU, the fused bias + ReLU epilogue, ReLU backward and
// ReLU backward fused with the bias gradient. Written with explicit vector types rather than plain
// loops so the vector width does not depend on what the loop vectorizer makes of them (a plain
// ReLU loop can stay one maxss per element).
#include "Vectors.h"

// ReLU, y[i] = x[i] > 0 ? x[i] : 0 (NaN and −0 give +0), as a branch-free vector loop: the mask of
// x > 0 ANDed with x's bits. Works in place (x == y, as the fused dense layer applies its
// activation): each block is loaded before it is stored.
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
