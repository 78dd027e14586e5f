// A linear layer whose weights stay as the float32 a model file holds: y = x·Wᵀ + b in double.
//
// Why not OpenBLAS: a sentence has a handful of token rows, so each product is nearly a
// matrix-vector product. dgemm would first need W widened to double (twice the memory, written
// once per model) and then spends most of its time packing W into its own layout on every call,
// with its threads spinning in sched_yield between calls. Reading W in place once per block of
// rows is memory-bound and needs neither.
#include "CKernels.h"
#include "vector8.h"

// Multiplications and additions stay separate (no fused multiply-add), so that the baseline,
// AVX2 and AVX-512 builds round every step alike and give bit-identical results.
#pragma clang fp contract(off)

typedef float v8f __attribute__((vector_size(32)));

/// Eight weights widened to double (exact).
CK_INLINE v8d v8_load_widened(const float *p) {
    v8f v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, v8d);
}

/// Rows i0 … i0+R−1 of y, for every output j, with W read once for the R rows. Lane l of an
/// accumulator sums the terms p ≡ l (mod 8), in order of p; a k that is not a multiple of 8
/// ends with one zero-padded block. The eight lanes are then added pairwise (v8_sum), and the
/// bias last.
CK_INLINE void linear_rows(const double *x, const float *w, const double *bias, double *y,
                           size_t i0, size_t R, size_t k, size_t n) {
    const size_t full = k & ~(size_t)7;
    double xTail[4][8], wTail[8];
    for (size_t r = 0; r < R; r++) {
        for (size_t l = 0; l < 8; l++) xTail[r][l] = full + l < k ? x[(i0 + r) * k + full + l] : 0.0;
    }
    for (size_t j = 0; j < n; j++) {
        const float *wj = w + j * k;
        v8d acc[4] = {v8_splat(0), v8_splat(0), v8_splat(0), v8_splat(0)};
        for (size_t p = 0; p < full; p += 8) {
            v8d wv = v8_load_widened(wj + p);
            for (size_t r = 0; r < R; r++) acc[r] += v8_load(x + (i0 + r) * k + p) * wv;
        }
        if (full < k) {
            for (size_t l = 0; l < 8; l++) wTail[l] = full + l < k ? (double)wj[full + l] : 0.0;
            v8d wv = v8_load(wTail);
            for (size_t r = 0; r < R; r++) acc[r] += v8_load(xTail[r]) * wv;
        }
        for (size_t r = 0; r < R; r++) {
            double s = v8_sum(acc[r]);
            y[(i0 + r) * n + j] = bias ? s + bias[j] : s;
        }
    }
}

CK_INLINE void linear_f32_body(const double *x, const float *w, const double *bias, double *y,
                               size_t m, size_t k, size_t n) {
    size_t i = 0;
    // Four rows at a time (the constant R lets the compiler keep the accumulators in registers),
    // then the rest one by one: the same sums either way.
    for (; i + 4 <= m; i += 4) linear_rows(x, w, bias, y, i, 4, k, n);
    for (; i < m; i++) linear_rows(x, w, bias, y, i, 1, k, n);
}

CK_VARIANTS(linear_f32, void,
            (const double *x, const float *w, const double *bias, double *y, size_t m, size_t k, size_t n),
            (x, w, bias, y, m, k, n))

void ck_linear_f32(ck_variant variant, const double *x, const float *w, const double *bias, double *y,
                   size_t m, size_t k, size_t n) {
    CK_DISPATCH(linear_f32, variant, (x, w, bias, y, m, k, n));
}
