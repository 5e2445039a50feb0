// The register-blocked small-product kernel's entry points inside this target: SmallGemm.c defines
// them, CircularConvolution.c runs its products through them.
#ifndef SYMLAB_KERNELS_SMALLGEMM_H
#define SYMLAB_KERNELS_SMALLGEMM_H

// C[m, n] = σ(α·op(A)·B (+ C if `accumulate`) + bias), op(A) = A [m, k] or, if transA, Aᵀ for A
// [k, m]; A's rows `lda` apart (lda < k allowed: overlapping rows), B [k, n] and C [m, n] dense.
#define SYMLAB_SMALL_GEMM_PARAMS(T)                                                                  \
    (int transA, long m, long n, long k, const T *a, long lda, const T *b, T *c,                     \
     T alpha, const T *bias, int relu, int accumulate)
// The same with B's and C's row strides given (ldb, ldc ≥ n): a panel of larger matrices.
#define SYMLAB_STRIDED_GEMM_PARAMS(T)                                                                \
    (int transA, long m, long n, long k, const T *a, long lda, const T *b, long ldb, T *c, long ldc, \
     T alpha, const T *bias, int relu, int accumulate)


#define SYMLAB_STRIDED_GEMM_DECLARATIONS(T)                                                          \
    void symlab_strided_gemm_avx2_##T SYMLAB_STRIDED_GEMM_PARAMS(T);                                 \
    void symlab_strided_gemm_base_##T SYMLAB_STRIDED_GEMM_PARAMS(T);                                 \
    static inline void symlab_small_gemm_ex_avx2_##T SYMLAB_SMALL_GEMM_PARAMS(T) {                   \
        symlab_strided_gemm_avx2_##T(transA, m, n, k, a, lda, b, n, c, n, alpha, bias, relu, accumulate); \
    }                                                                                                \
    static inline void symlab_small_gemm_ex_base_##T SYMLAB_SMALL_GEMM_PARAMS(T) {                   \
        symlab_strided_gemm_base_##T(transA, m, n, k, a, lda, b, n, c, n, alpha, bias, relu, accumulate); \
    }
SYMLAB_STRIDED_GEMM_DECLARATIONS(double)
SYMLAB_STRIDED_GEMM_DECLARATIONS(float)

#endif
