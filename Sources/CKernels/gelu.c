// The exact (erf) GELU over an array.
#include <math.h>

#include "CKernels.h"
#include "vector8.h"

/// GELU(x) = x·Φ(x) = x·(1 + erf(x/√2))/2. erf is glibc's (correctly rounded to within 1 ulp);
/// only the arithmetic around it takes the variant's width. Written as x·0.5·(1 + erf) in that
/// order in every variant, so all variants agree with the plain loop bit for bit.
CK_INLINE void gelu_body(const double *x, double *out, size_t n) {
    const double invSqrt2 = 0.70710678118654752440;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        out[i] = v * 0.5 * (1.0 + erf(v * invSqrt2));
    }
}

CK_VARIANTS(gelu, void, (const double *x, double *out, size_t n), (x, out, n))

void ck_gelu(ck_variant variant, const double *x, double *out, size_t n) { CK_DISPATCH(gelu, variant, (x, out, n)); }
