// Eight doubles as one value, in the compiler's generic vector type: the same source becomes
// four SSE2, two AVX2 or one AVX-512 operation depending on the target of the function it is
// inlined into. Everything here is always inlined, so no vector crosses a call (no ABI mixing).
#ifndef CKERNELS_VECTOR8_H
#define CKERNELS_VECTOR8_H

#include <stdint.h>
#include <string.h>

// The warning is about passing a 64-byte vector to a real call in a function compiled without
// AVX-512 (the ABI differs). Every helper taking or returning one is always inlined, so no such
// call exists; the warning fires on the source form only. Silenced for the files that include
// this header, on purpose.
#pragma clang diagnostic ignored "-Wpsabi"

typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8i __attribute__((vector_size(64)));

#define CK_INLINE static inline __attribute__((always_inline))

CK_INLINE v8d v8_load(const double *p) { v8d v; memcpy(&v, p, sizeof v); return v; }
CK_INLINE void v8_store(double *p, v8d v) { memcpy(p, &v, sizeof v); }
CK_INLINE v8d v8_splat(double x) { return (v8d){x, x, x, x, x, x, x, x}; }

/// Lanes of `a` where `mask` is all ones, of `b` elsewhere.
CK_INLINE v8d v8_select(v8i mask, v8d a, v8d b) {
    return (v8d)((mask & (v8i)a) | (~mask & (v8i)b));
}

CK_INLINE double v8_sum(v8d v) {
    // Pairwise: (0+4, 1+5, 2+6, 3+7), then halves again.
    double a = (v[0] + v[4]) + (v[2] + v[6]), b = (v[1] + v[5]) + (v[3] + v[7]);
    return a + b;
}

/// Stamps out one function per variant from an always-inlined body `NAME##_body`: the same
/// source compiled for AVX-512F, for AVX2 + FMA, and for the baseline target.
#if defined(__x86_64__)
#define CK_VARIANTS(NAME, RET, PARAMS, ARGS)                                               \
    __attribute__((target("avx512f"))) static RET NAME##_avx512 PARAMS { return NAME##_body ARGS; } \
    __attribute__((target("avx2,fma"))) static RET NAME##_avx2 PARAMS { return NAME##_body ARGS; }  \
    static RET NAME##_baseline PARAMS { return NAME##_body ARGS; }
#define CK_DISPATCH(NAME, VARIANT, ARGS)                                \
    ((VARIANT) == CK_AVX512 ? NAME##_avx512 ARGS                      \
     : (VARIANT) == CK_AVX2 ? NAME##_avx2 ARGS : NAME##_baseline ARGS)
#else
#define CK_VARIANTS(NAME, RET, PARAMS, ARGS) static RET NAME##_baseline PARAMS { return NAME##_body ARGS; }
#define CK_DISPATCH(NAME, VARIANT, ARGS) ((void)(VARIANT), NAME##_baseline ARGS)
#endif

#endif
