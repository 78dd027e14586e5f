// exp over an array and the softmax row built on it.
#include <math.h>

#include "CKernels.h"
#include "vector8.h"

/// exp(x) for eight lanes, within 2 ulp of glibc's exp.
///
/// x = k·ln 2 + r with k = round(x·log₂e) and |r| ≤ ln2/2, so exp(x) = 2ᵏ·exp(r). exp(r) is the
/// Taylor polynomial of degree 13 (truncation error r¹⁴/14! < 3·10⁻¹⁸) by Horner's rule; 2ᵏ is
/// built from its exponent bits. ln 2 is split in two (ln2Hi has its low 32 bits cleared) so
/// that k·ln2Hi is exact and r keeps its low bits. The polynomial is valid for x in [−708, 709];
/// lanes below −746 (−∞ included: a masked entry) are exactly 0, as exp underflows there; any
/// other lane (NaN, overflow, a subnormal result) goes to glibc's exp.
CK_INLINE v8d exp8(v8d x) {
    const double log2e = 1.4426950408889634, ln2Hi = 0.6931471803691238, ln2Lo = 1.9082149292705877e-10;
    const double shifter = 0x1.8p52;  // adding 1.5·2⁵² rounds to an integer held in the low bits
    v8d kShifted = x * log2e + shifter;
    v8d k = kShifted - shifter;
    v8d r = (x - k * ln2Hi) - k * ln2Lo;
    v8d p = v8_splat(1.0 / 6227020800.0);  // 1/13!
    p = p * r + 1.0 / 479001600.0;         // 1/12!
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    v8i kBits = (v8i)kShifted - (v8i)v8_splat(shifter);
    v8d scale = (v8d)((kBits + 1023) << 52);
    v8d result = p * scale;

    v8i zero = x < -746.0;
    v8i inRange = (x >= -708.0) & (x <= 709.0);  // false for NaN
    result = v8_select(zero, v8_splat(0.0), result);
    if (__builtin_reduce_and(zero | inRange) == 0) {
        for (int lane = 0; lane < 8; lane++) {
            if (!(zero[lane] | inRange[lane])) result[lane] = exp(x[lane]);
        }
    }
    return result;
}

CK_INLINE void exp_body(double *x, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) v8_store(x + i, exp8(v8_load(x + i)));
    if (i < n) {
        // The tail goes through the same vector code, padded with zeros.
        double tail[8] = {0};
        memcpy(tail, x + i, (n - i) * sizeof(double));
        v8_store(tail, exp8(v8_load(tail)));
        memcpy(x + i, tail, (n - i) * sizeof(double));
    }
}

CK_VARIANTS(exp, void, (double *x, size_t n), (x, n))

void ck_exp(ck_variant variant, double *x, size_t n) { CK_DISPATCH(exp, variant, (x, n)); }

/// Softmax of one row in three passes: the maximum (and a check for NaN and +∞); the shift, its
/// exp and eight partial sums; the division. Each lane of the partial sums adds every eighth
/// entry, so the sum's rounding error grows with n/8, not n.
CK_INLINE ck_softmax_status softmax_row_body(const double *x, double *shifted, double *e, double *out, size_t n,
                                             double temperature, double *sumOut) {
    v8d maxima = v8_splat(-INFINITY);
    v8i nan = {0}, posInf = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8d v = v8_load(x + i);
        nan |= v != v;
        posInf |= v == INFINITY;
        maxima = v8_select(v > maxima, v, maxima);
    }
    int hasNaN = __builtin_reduce_or(nan) != 0, hasPosInf = __builtin_reduce_or(posInf) != 0;
    double m = -INFINITY;
    for (int lane = 0; lane < 8; lane++) if (maxima[lane] > m) m = maxima[lane];
    for (size_t j = i; j < n; j++) {
        double v = x[j];
        if (v != v) hasNaN = 1;
        if (v == INFINITY) hasPosInf = 1;
        if (v > m) m = v;
    }
    if (hasNaN) return CK_SOFTMAX_NAN;
    if (hasPosInf) return CK_SOFTMAX_POS_INF;
    if (m == -INFINITY) return CK_SOFTMAX_ALL_NEG_INF;

    v8d sums = v8_splat(0.0);
    const int scaled = temperature != 1.0;
    for (i = 0; i + 8 <= n; i += 8) {
        v8d s = v8_load(x + i) - m;
        if (scaled) s = s / temperature;
        v8_store(shifted + i, s);
        v8d ex = exp8(s);
        v8_store(e + i, ex);
        sums += ex;
    }
    if (i < n) {
        size_t rest = n - i;
        double tail[8];
        for (int lane = 0; lane < 8; lane++) tail[lane] = -INFINITY;  // exp(−∞) = 0 adds nothing
        memcpy(tail, x + i, rest * sizeof(double));
        v8d s = v8_load(tail) - m;
        if (scaled) s = s / temperature;
        v8d ex = exp8(s);
        sums += ex;
        v8_store(tail, s);
        memcpy(shifted + i, tail, rest * sizeof(double));
        v8_store(tail, ex);
        memcpy(e + i, tail, rest * sizeof(double));
    }
    double sum = v8_sum(sums);
    *sumOut = sum;
    for (i = 0; i + 8 <= n; i += 8) v8_store(out + i, v8_load(e + i) / sum);
    for (; i < n; i++) out[i] = e[i] / sum;
    return CK_SOFTMAX_OK;
}

CK_VARIANTS(softmax_row, ck_softmax_status,
            (const double *x, double *shifted, double *e, double *out, size_t n, double temperature, double *sum),
            (x, shifted, e, out, n, temperature, sum))

ck_softmax_status ck_softmax_row(ck_variant variant, const double *x, double *shifted, double *e, double *out,
                                 size_t n, double temperature, double *sum) {
    return CK_DISPATCH(softmax_row, variant, (x, shifted, e, out, n, temperature, sum));
}
