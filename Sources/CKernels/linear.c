// A linear layer whose weights stay as the float32 a model file holds: y = x·Wᵀ + b in double.
//
// Why not OpenBLAS: a sentence has a handful of token rows, so each product is nearly a
// matrix-vector product. dgemm would first need W widened to double (twice the memory, written
// once per model) and then spends most of its time packing W into its own layout on every call,
// with its threads spinning in sched_yield between calls. Reading W in place, a panel at a time,
// needs neither; stacking a block of sentences (BertModel.encode(tokenized:)) then makes the
// multiply-adds, not the reads, set the pace.
#include "CKernels.h"
#include "vector8.h"

// Every multiply-add is written out: fused (one rounding) in the AVX2 and AVX-512 builds, which
// therefore give bit-identical results, and a multiplication then an addition in the baseline
// build (SSE2 has no FMA, and libm's fma per lane is 60× slower), whose last bits may differ.
// Nothing else may be contracted behind our back.
#pragma clang fp contract(off)

typedef float v8f __attribute__((vector_size(32)));

/// Eight weights widened to double (exact).
CK_INLINE v8d v8_load_widened(const float *p) {
    v8f v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, v8d);
}

/// Rows i0 … i0+R−1 of y (R ≤ 4), J outputs at a time (J ≤ 4): each weight vector is loaded
/// once for R rows and each row vector once for J outputs, so that with R·J = 16 accumulators
/// (AVX-512 has 32 registers) the multiplications, not the loads, set the pace. Lane l of an
/// accumulator sums the terms p ≡ l (mod 8), in order of p; a k that is not a multiple of 8 ends
/// with one zero-padded block. The eight lanes are then added pairwise (v8_sum), and the bias
/// last. The blocking changes which sums are computed together, never the order within one, so
/// every R and J gives the same bits.
CK_INLINE void linear_block(const double *x, const float *w, const double *bias, double *y,
                            size_t i0, size_t R, size_t j0, size_t J, size_t k, size_t ldy, int fused) {
#define MULTIPLY_ADD(acc, a, b) ((acc) = fused ? __builtin_elementwise_fma((a), (b), (acc)) : (acc) + (a) * (b))
    const size_t full = k & ~(size_t)7;
    v8d acc[4][4];
    for (size_t r = 0; r < R; r++) for (size_t c = 0; c < J; c++) acc[r][c] = v8_splat(0);
    for (size_t p = 0; p < full; p += 8) {
        v8d wv[4];
        for (size_t c = 0; c < J; c++) wv[c] = v8_load_widened(w + (j0 + c) * k + p);
        for (size_t r = 0; r < R; r++) {
            v8d xv = v8_load(x + (i0 + r) * k + p);
            for (size_t c = 0; c < J; c++) MULTIPLY_ADD(acc[r][c], xv, wv[c]);
        }
    }
    if (full < k) {
        double xTail[8], wTail[8];
        for (size_t c = 0; c < J; c++) {
            for (size_t l = 0; l < 8; l++) wTail[l] = full + l < k ? (double)w[(j0 + c) * k + full + l] : 0.0;
            v8d wv = v8_load(wTail);
            for (size_t r = 0; r < R; r++) {
                for (size_t l = 0; l < 8; l++) xTail[l] = full + l < k ? x[(i0 + r) * k + full + l] : 0.0;
                MULTIPLY_ADD(acc[r][c], v8_load(xTail), wv);
            }
        }
    }
    for (size_t r = 0; r < R; r++) {
        for (size_t c = 0; c < J; c++) {
            double s = v8_sum(acc[r][c]);
            y[(i0 + r) * ldy + j0 + c] = bias ? s + bias[j0 + c] : s;
        }
    }
#undef MULTIPLY_ADD
}

/// Outputs j0 … j1−1 for rows i0 … i0+R−1, J at a time and the rest one by one. R and J are
/// constants where this is inlined, so the accumulators live in registers.
CK_INLINE void linear_rows(const double *x, const float *w, const double *bias, double *y,
                           size_t i0, size_t R, size_t j0, size_t j1, size_t J, size_t k, size_t ldy, int fused) {
    size_t j = j0;
    for (; j + J <= j1; j += J) linear_block(x, w, bias, y, i0, R, j, J, k, ldy, fused);
    for (; j < j1; j++) linear_block(x, w, bias, y, i0, R, j, 1, k, ldy, fused);
}

/// The weights are taken a panel of outputs at a time, a panel small enough (256 KB) to stay
/// in the L2 cache while every block of four rows passes over it: W then comes from memory once
/// per call, not once per four rows (a layer of MiniLM is 7 MB, more than the cache holds).
/// Within a panel: four rows at a time, then the last one to three rows together (a sentence's
/// rows are seldom a multiple of four, and one row at a time reads each widened weight vector
/// for a single multiply-add); J outputs at a time, as many
/// as the variant's registers hold (4 with AVX-512's 32, 2 with AVX2's 16, 1 with SSE2).
#define LINEAR_BODY(J, FUSED)                                                                      \
    size_t panel = (65536 / (k ? k : 1)) / 4 * 4;                                                  \
    if (panel < 4) panel = 4;                                                                      \
    for (size_t j0 = 0; j0 < n; j0 += panel) {                                                     \
        size_t j1 = j0 + panel < n ? j0 + panel : n;                                               \
        size_t i = 0;                                                                              \
        for (; i + 4 <= m; i += 4) linear_rows(x, w, bias, y, i, 4, j0, j1, J, k, ldy, FUSED);       \
        if (m - i == 3) linear_rows(x, w, bias, y, i, 3, j0, j1, J, k, ldy, FUSED);                  \
        else if (m - i == 2) linear_rows(x, w, bias, y, i, 2, j0, j1, J, k, ldy, FUSED);             \
        else if (m - i == 1) linear_rows(x, w, bias, y, i, 1, j0, j1, J, k, ldy, FUSED);             \
    }

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void linear_f32_avx512(const double *x, const float *w, const double *bias,
                                                                 double *y, size_t m, size_t k, size_t n, size_t ldy) {
    LINEAR_BODY(4, 1)
}
__attribute__((target("avx2,fma"))) static void linear_f32_avx2(const double *x, const float *w, const double *bias,
                                                                double *y, size_t m, size_t k, size_t n, size_t ldy) {
    LINEAR_BODY(2, 1)
}
#endif
static void linear_f32_baseline(const double *x, const float *w, const double *bias, double *y, size_t m, size_t k,
                                size_t n, size_t ldy) {
#if defined(__x86_64__)
    LINEAR_BODY(1, 0)
#else
    LINEAR_BODY(1, 1)  // the only build elsewhere; AArch64 always has FMA
#endif
}

void ck_linear_f32(ck_variant variant, const double *x, const float *w, const double *bias, double *y,
                   size_t m, size_t k, size_t n, size_t ldy) {
    CK_DISPATCH(linear_f32, variant, (x, w, bias, y, m, k, n, ldy));
}
