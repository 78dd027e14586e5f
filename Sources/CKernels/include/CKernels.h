// Element-wise kernels compiled three times (baseline x86-64, AVX2+FMA, AVX-512) and chosen at
// run time, so that one binary runs on every x86-64 and still uses the wide registers where the
// CPU has them. Every function takes the variant explicitly: the Swift side picks the best one
// once (StepmarkCore/Kernels.swift) and tests call each variant in turn.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

typedef enum {
    CK_BASELINE = 0,  // SSE2 on x86-64; the portable C elsewhere
    CK_AVX2 = 1,      // AVX2 + FMA
    CK_AVX512 = 2,    // AVX-512F
} ck_variant;

/// 1 when this CPU can run `variant` (the baseline always), 0 otherwise.
int ck_supported(ck_variant variant);

/// The OpenBLAS kernel family this CPU can run, from its own feature flags (and the operating
/// system's support for the registers): "SkylakeX" with AVX-512 F, BW, VL and DQ, "Haswell"
/// with AVX2 and FMA, else NULL.
const char *ck_openblas_core(void);

/// x[i] ← exp(x[i]) for i < n, within 2 ulp of glibc's exp; exp(−∞) = 0, NaN stays NaN.
void ck_exp(ck_variant variant, double *x, size_t n);

/// Why a softmax row has no answer.
typedef enum {
    CK_SOFTMAX_OK = 0,
    CK_SOFTMAX_NAN = 1,          // the row holds NaN
    CK_SOFTMAX_POS_INF = 2,      // the row holds +∞ (and no NaN)
    CK_SOFTMAX_ALL_NEG_INF = 3,  // every entry is −∞: fully masked
} ck_softmax_status;

/// One softmax row of n > 0 entries, every intermediate kept, as a lesson shows them:
/// shifted = (x − max x) / temperature, e = exp(shifted), *sum = Σ e, out = e / *sum.
/// On a status other than CK_SOFTMAX_OK nothing is written.
ck_softmax_status ck_softmax_row(ck_variant variant, const double *x, double *shifted, double *e, double *out,
                                 size_t n, double temperature, double *sum);

/// out[i] = x[i]·(1 + erf(x[i]/√2))/2, the exact GELU (glibc's erf in every variant).
void ck_gelu(ck_variant variant, const double *x, double *out, size_t n);

/// Layer norm of each of `rows` rows of `cols` > 0 entries: μ = mean, σ² = the biased variance
/// mean((x − μ)²) (two passes), out = (x − μ)/√(σ² + eps) · weight + bias. `weight` and `bias`
/// (cols entries each) may be NULL: no scale, no shift. `out` may equal `x`.
void ck_layer_norm(ck_variant variant, const double *x, double *out, size_t rows, size_t cols,
                   const double *weight, const double *bias, double eps);

/// y = x·Wᵀ + b for x of m × k (row-major doubles) and W of n × k float32, as PyTorch stores a
/// linear layer: y[i·n + j] = b[j] + Σ_p x[i·k + p]·W[j·k + p], summed in double (each weight
/// widened exactly). `bias` (n entries) may be NULL. The AVX2 and AVX-512 variants fuse each
/// multiply-add and give bit-identical results; the SSE2 baseline rounds the product first.
/// Row i of y starts at y + i·ldy (ldy ≥ n), so that threads can each fill a band of outputs
/// (W's rows j0… with bias + j0 and y + j0). W is read where it lies (a memory-mapped model file).
void ck_linear_f32(ck_variant variant, const double *x, const float *w, const double *bias, double *y,
                   size_t m, size_t k, size_t n, size_t ldy);

#endif
