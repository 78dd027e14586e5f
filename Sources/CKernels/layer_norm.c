// Layer norm of each row, with an optional per-column weight and bias.
#include <math.h>

#include "CKernels.h"
#include "vector8.h"

/// Sum of n doubles in eight lanes (every eighth entry per lane), then pairwise across lanes.
CK_INLINE double lane_sum(const double *x, size_t n, double shift, int squared) {
    v8d acc = v8_splat(0.0);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8d d = v8_load(x + i) - shift;
        acc += squared ? d * d : d;
    }
    double total = v8_sum(acc);
    for (; i < n; i++) {
        double d = x[i] - shift;
        total += squared ? d * d : d;
    }
    return total;
}

/// μ = Σx/n; σ² = Σ(x − μ)²/n (the two-pass form: no cancellation from Σx² − nμ²);
/// out = (x − μ)·(1/√(σ² + eps))·w + b.
CK_INLINE void layer_norm_body(const double *x, double *out, size_t rows, size_t cols, const double *weight,
                               const double *bias, double eps) {
    for (size_t r = 0; r < rows; r++) {
        const double *row = x + r * cols;
        double *o = out + r * cols;
        double mean = lane_sum(row, cols, 0.0, 0) / (double)cols;
        double variance = lane_sum(row, cols, mean, 1) / (double)cols;
        double inverse = 1.0 / sqrt(variance + eps);
        for (size_t j = 0; j < cols; j++) {
            double v = (row[j] - mean) * inverse;
            if (weight) v *= weight[j];
            if (bias) v += bias[j];
            o[j] = v;
        }
    }
}

CK_VARIANTS(layer_norm, void,
            (const double *x, double *out, size_t rows, size_t cols, const double *weight, const double *bias, double eps),
            (x, out, rows, cols, weight, bias, eps))

void ck_layer_norm(ck_variant variant, const double *x, double *out, size_t rows, size_t cols, const double *weight,
                   const double *bias, double eps) {
    CK_DISPATCH(layer_norm, variant, (x, out, rows, cols, weight, bias, eps));
}
