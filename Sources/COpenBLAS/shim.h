// The C surface SymmetryLab needs from the system: CBLAS, the OpenBLAS thread and
// configuration calls, and the handful of LAPACK routines we use, declared with
// the Fortran calling convention (trailing hidden string lengths included, so the
// calls are correct under gfortran's ABI and harmless elsewhere).
#include <stddef.h>
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

// ReLU, y[i] = x[i] > 0 ? x[i] : 0 (NaN and −0 give +0), as a branch-free vector loop: the mask of
// x > 0 ANDed with x's bits, written with explicit vector types because the importer compiles
// these helpers without the loop vectorizer (a plain loop stays one maxss per element). Works in
// place (x == y, as the fused dense layer applies its activation): each block is loaded before
// it is stored.
typedef double symlab_double4u __attribute__((ext_vector_type(4), aligned(8)));
typedef long symlab_long4 __attribute__((ext_vector_type(4)));
typedef float symlab_float8u __attribute__((ext_vector_type(8), aligned(4)));
typedef int symlab_int8 __attribute__((ext_vector_type(8)));
static inline void symlab_relu_double(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        symlab_double4u v = *(const symlab_double4u *)(x + i);
        symlab_long4 keep = v > 0;
        *(symlab_double4u *)(y + i) = (symlab_double4u)((symlab_long4)v & keep);
    }
    for (; i < n; i++) { double v = x[i]; y[i] = v > 0 ? v : 0.0; }
}
static inline void symlab_relu_float(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        symlab_float8u v = *(const symlab_float8u *)(x + i);
        symlab_int8 keep = v > 0;
        *(symlab_float8u *)(y + i) = (symlab_float8u)((symlab_int8)v & keep);
    }
    for (; i < n; i++) { float v = x[i]; y[i] = v > 0 ? v : 0.0f; }
}

// y[r, j] = σ(y[r, j] + b[j]) in place over a row-major [rows, cols] block, σ = ReLU (as above)
// or the identity: the fused dense layer's bias and activation in one pass after its products
// (gemm with β = 0), instead of a pass copying the bias into every row before them.
static inline void symlab_bias_relu_double(double *y, const double *b, long rows, long cols, int relu) {
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
}
static inline void symlab_bias_relu_float(float *y, const float *b, long rows, long cols, int relu) {
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
}

// ReLU backward, dx[i] = x[i] > 0 ? dy[i] : 0 (x may be the pre-activation or the output: they
// have the same sign pattern), the same masked vector loop; in place when dx == dy. A select, as
// PyTorch's threshold_backward: a non-finite dy where the unit is off gives 0, not NaN.
static inline void symlab_relu_backward_double(const double *x, const double *dy, double *dx, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        symlab_long4 keep = *(const symlab_double4u *)(x + i) > 0;
        *(symlab_double4u *)(dx + i) = (symlab_double4u)((symlab_long4)(*(const symlab_double4u *)(dy + i)) & keep);
    }
    for (; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0;
}
static inline void symlab_relu_backward_float(const float *x, const float *dy, float *dx, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        symlab_int8 keep = *(const symlab_float8u *)(x + i) > 0;
        *(symlab_float8u *)(dx + i) = (symlab_float8u)((symlab_int8)(*(const symlab_float8u *)(dy + i)) & keep);
    }
    for (; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0f;
}
