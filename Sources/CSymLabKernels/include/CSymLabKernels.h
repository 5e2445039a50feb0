// The C kernels behind SymLabNumerics and SymLabOptim on Linux: what Swift calls, nothing else.
// The kernels are defined in this target's .c files, compiled once as C (so the build tracks them
// and relinks what uses them when one changes); only the one-line helpers below stay inline,
// because Swift calls them per vector or per spin and a call would cost more than their work.
//
// Every kernel NAME that has NAME_avx2 and NAME_base builds picks one by `symlab_cpu_has_avx2_fma`
// at each call; both builds give the same bits (the tests call them by name to check that).
// Row-major throughout; `long` counts and strides in elements.
#ifndef SYMLAB_CSYMLABKERNELS_H
#define SYMLAB_CSYMLABKERNELS_H

// MARK: - Inline helpers

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

// MARK: - Pointwise (Pointwise.c)

// ReLU, y[i] = x[i] > 0 ? x[i] : 0 (NaN and −0 give +0); in place when x == y.
void symlab_relu_double(const double *x, double *y, long n);
void symlab_relu_double_avx2(const double *x, double *y, long n);
void symlab_relu_double_base(const double *x, double *y, long n);
void symlab_relu_float(const float *x, float *y, long n);
void symlab_relu_float_avx2(const float *x, float *y, long n);
void symlab_relu_float_base(const float *x, float *y, long n);

// y[r, j] = σ(y[r, j] + b[j]) in place over a [rows, cols] block, σ = ReLU if `relu`, else the identity.
void symlab_bias_relu_double(double *y, const double *b, long rows, long cols, int relu);
void symlab_bias_relu_double_avx2(double *y, const double *b, long rows, long cols, int relu);
void symlab_bias_relu_double_base(double *y, const double *b, long rows, long cols, int relu);
void symlab_bias_relu_float(float *y, const float *b, long rows, long cols, int relu);
void symlab_bias_relu_float_avx2(float *y, const float *b, long rows, long cols, int relu);
void symlab_bias_relu_float_base(float *y, const float *b, long rows, long cols, int relu);

// ReLU backward, dx[i] = x[i] > 0 ? dy[i] : 0; in place when dx == dy.
void symlab_relu_backward_double(const double *x, const double *dy, double *dx, long n);
void symlab_relu_backward_double_avx2(const double *x, const double *dy, double *dx, long n);
void symlab_relu_backward_double_base(const double *x, const double *dy, double *dx, long n);
void symlab_relu_backward_float(const float *x, const float *dy, float *dx, long n);
void symlab_relu_backward_float_avx2(const float *x, const float *dy, float *dx, long n);
void symlab_relu_backward_float_base(const float *x, const float *dy, float *dx, long n);

// ReLU backward over [rows, cols] with the column sums of dx (the bias gradient), sums overwritten.
void symlab_relu_backward_sums_double(const double *x, const double *dy, double *dx, long rows, long cols, double *sums);
void symlab_relu_backward_sums_double_avx2(const double *x, const double *dy, double *dx, long rows, long cols, double *sums);
void symlab_relu_backward_sums_double_base(const double *x, const double *dy, double *dx, long rows, long cols, double *sums);
void symlab_relu_backward_sums_float(const float *x, const float *dy, float *dx, long rows, long cols, float *sums);
void symlab_relu_backward_sums_float_avx2(const float *x, const float *dy, float *dx, long rows, long cols, float *sums);
void symlab_relu_backward_sums_float_base(const float *x, const float *dy, float *dx, long rows, long cols, float *sums);

// MARK: - Small products (SmallGemm.c)

// C_i = op(A_i)·B_i for i < batch: A_i [m, k] (transA = 0) or [k, m] (transA = 1), B_i [k, n],
// C_i [m, n], consecutive matrices sa, sb, sc elements apart.
void symlab_batched_small_gemm_double(int transA, long batch, long m, long n, long k,
                                      const double *a, long sa, const double *b, long sb, double *c, long sc);
void symlab_batched_small_gemm_float(int transA, long batch, long m, long n, long k,
                                     const float *a, long sa, const float *b, long sb, float *c, long sc);
// One such product, C = op(A)·B, in one instruction-set build (no CPU check: the caller's).
void symlab_small_gemm_avx2_double(int transA, long m, long n, long k, const double *a, const double *b, double *c);
void symlab_small_gemm_base_double(int transA, long m, long n, long k, const double *a, const double *b, double *c);
void symlab_small_gemm_avx2_float(int transA, long m, long n, long k, const float *a, const float *b, float *c);
void symlab_small_gemm_base_float(int transA, long m, long n, long k, const float *a, const float *b, float *c);

// C[m, n] = σ(α·A·B (+ C if `accumulate`) + bias) for A [m, k] (row stride lda), B [k, n] (ldb),
// C (ldc); bias may be NULL, σ = ReLU if `relu`. A layer's forward product.
void symlab_gemm_nn_double(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                           double *c, long ldc, double alpha, const double *bias, int relu, int accumulate);
void symlab_gemm_nn_float(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                          float *c, long ldc, float alpha, const float *bias, int relu, int accumulate);

// C[m, n] = α·Aᵀ·B (+ C if `accumulate`) for A [k, m] (lda), B [k, n] (ldb), k long: a weight gradient.
void symlab_gemm_tn_double(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                           double *c, long ldc, double alpha, int accumulate);
void symlab_gemm_tn_avx2_double(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                                double *c, long ldc, double alpha, int accumulate);
void symlab_gemm_tn_base_double(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                                double *c, long ldc, double alpha, int accumulate);
void symlab_gemm_tn_float(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                          float *c, long ldc, float alpha, int accumulate);
void symlab_gemm_tn_avx2_float(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                               float *c, long ldc, float alpha, int accumulate);
void symlab_gemm_tn_base_float(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                               float *c, long ldc, float alpha, int accumulate);

// MARK: - Direct circular convolution (CircularConvolution.c)

// Forward over samples [b0, b1) of x [B, L, Cin] with w [K·Cin, Cout]: y = σ(α·conv + bias)
// [B, L, Cout], and pooled[b, :] = poolScale · Σ_t y[b, t, :] when `pooled` is not NULL.
// `pad` holds (L + K − 1)·Cin elements.
void symlab_circular_conv_forward_double(long b0, long b1, long l, long cin, long kw, long cout, const double *x, const double *w,
                                         double alpha, const double *bias, int relu, double *y, double *pooled, double poolScale, double *pad);
void symlab_circular_conv_forward_avx2_double(long b0, long b1, long l, long cin, long kw, long cout, const double *x, const double *w,
                                              double alpha, const double *bias, int relu, double *y, double *pooled, double poolScale, double *pad);
void symlab_circular_conv_forward_base_double(long b0, long b1, long l, long cin, long kw, long cout, const double *x, const double *w,
                                              double alpha, const double *bias, int relu, double *y, double *pooled, double poolScale, double *pad);
void symlab_circular_conv_forward_float(long b0, long b1, long l, long cin, long kw, long cout, const float *x, const float *w,
                                        float alpha, const float *bias, int relu, float *y, float *pooled, float poolScale, float *pad);
void symlab_circular_conv_forward_avx2_float(long b0, long b1, long l, long cin, long kw, long cout, const float *x, const float *w,
                                             float alpha, const float *bias, int relu, float *y, float *pooled, float poolScale, float *pad);
void symlab_circular_conv_forward_base_float(long b0, long b1, long l, long cin, long kw, long cout, const float *x, const float *w,
                                             float alpha, const float *bias, int relu, float *y, float *pooled, float poolScale, float *pad);
// Its backward: dw and db accumulate, dx (optional) is overwritten; `pad` holds
// (L + K − 1)·(Cin + Cout) elements. See CircularConvolution.c.
void symlab_circular_conv_backward_double(long b0, long b1, long l, long cin, long kw, long cout, const double *x, const double *wflip,
                                          double alpha, const double *y, int relu, const double *g, int pooled, double poolScale,
                                          double *dw, double *db, double *dx, double *pad);
void symlab_circular_conv_backward_avx2_double(long b0, long b1, long l, long cin, long kw, long cout, const double *x, const double *wflip,
                                               double alpha, const double *y, int relu, const double *g, int pooled, double poolScale,
                                               double *dw, double *db, double *dx, double *pad);
void symlab_circular_conv_backward_base_double(long b0, long b1, long l, long cin, long kw, long cout, const double *x, const double *wflip,
                                               double alpha, const double *y, int relu, const double *g, int pooled, double poolScale,
                                               double *dw, double *db, double *dx, double *pad);
void symlab_circular_conv_backward_float(long b0, long b1, long l, long cin, long kw, long cout, const float *x, const float *wflip,
                                         float alpha, const float *y, int relu, const float *g, int pooled, float poolScale,
                                         float *dw, float *db, float *dx, float *pad);
void symlab_circular_conv_backward_avx2_float(long b0, long b1, long l, long cin, long kw, long cout, const float *x, const float *wflip,
                                              float alpha, const float *y, int relu, const float *g, int pooled, float poolScale,
                                              float *dw, float *db, float *dx, float *pad);
void symlab_circular_conv_backward_base_float(long b0, long b1, long l, long cin, long kw, long cout, const float *x, const float *wflip,
                                              float alpha, const float *y, int relu, const float *g, int pooled, float poolScale,
                                              float *dw, float *db, float *dx, float *pad);

// MARK: - Optimizer update (Adam.c)

// Adam (or AdamW: l2 = 0, shrink = 1 − η·wd) over p[0..<n], bit for bit SymLabOptim's scalar loop.
void symlab_adam_double(double *p, const double *g, double *m, double *v, long n, double l2, double b1, double omb1,
                        double b2, double omb2, double c1, double c2, double eta, double e, double shrink);
void symlab_adam_float(float *p, const float *g, float *m, float *v, long n, float l2, float b1, float omb1,
                       float b2, float omb2, float c1, float c2, float eta, float e, float shrink);

// MARK: - Benchmark probe (FMAPeak.c)

// `iterations` rounds of 12 independent AVX2 FMA chains; call only when symlab_cpu_has_avx2_fma().
float symlab_fma_peak_avx2_float(long iterations);
double symlab_fma_peak_avx2_double(long iterations);

#endif
