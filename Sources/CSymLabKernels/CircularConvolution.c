// The direct circular convolution of the cyclic CNNs, forward and backward, as small products
// over a ring-padded copy of each sample (SmallGemm.h).
#include "Vectors.h"
#include "SmallGemm.h"

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
    __attribute__((target("avx2,fma"))) void symlab_circular_conv_forward_avx2_##T SYMLAB_CONV_FORWARD_PARAMS(T) { \
        SYMLAB_CONV_FORWARD_BODY(T, V, W, symlab_small_gemm_ex_avx2_##T)                             \
    }                                                                                                \
    void symlab_circular_conv_forward_base_##T SYMLAB_CONV_FORWARD_PARAMS(T) {                       \
        _Pragma("clang fp contract(off)")                                                            \
        SYMLAB_CONV_FORWARD_BODY(T, V, W, symlab_small_gemm_ex_base_##T)                             \
    }                                                                                                \
    void symlab_circular_conv_forward_##T SYMLAB_CONV_FORWARD_PARAMS(T) {                            \
        if (symlab_cpu_has_avx2_fma()) symlab_circular_conv_forward_avx2_##T SYMLAB_CONV_FORWARD_ARGS; \
        else symlab_circular_conv_forward_base_##T SYMLAB_CONV_FORWARD_ARGS;                         \
    }                                                                                                \
    __attribute__((target("avx2,fma"))) void symlab_circular_conv_backward_avx2_##T SYMLAB_CONV_BACKWARD_PARAMS(T) { \
        SYMLAB_CONV_BACKWARD_BODY(T, V, W, IV, symlab_small_gemm_ex_avx2_##T)                        \
    }                                                                                                \
    void symlab_circular_conv_backward_base_##T SYMLAB_CONV_BACKWARD_PARAMS(T) {                     \
        _Pragma("clang fp contract(off)")                                                            \
        SYMLAB_CONV_BACKWARD_BODY(T, V, W, IV, symlab_small_gemm_ex_base_##T)                        \
    }                                                                                                \
    void symlab_circular_conv_backward_##T SYMLAB_CONV_BACKWARD_PARAMS(T) {                          \
        if (symlab_cpu_has_avx2_fma()) symlab_circular_conv_backward_avx2_##T SYMLAB_CONV_BACKWARD_ARGS; \
        else symlab_circular_conv_backward_base_##T SYMLAB_CONV_BACKWARD_ARGS;                       \
    }

SYMLAB_CIRCULAR_CONV(double, symlab_double4u, 4, symlab_long4)
SYMLAB_CIRCULAR_CONV(float, symlab_float8u, 8, symlab_int8)
