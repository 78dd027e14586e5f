// Why this file exists: stepmark links FoundationEssentials, not Foundation (issue 13). Full
// Foundation carries ICU and its data, which made the static binary 64 MB; nothing stepmark does
// needs ICU. Foundation used to re-export the C library (open, read, errno, exp, …) to every file
// that imported it; FoundationEssentials does not, so the C library is re-exported from here, once,
// for StepmarkCore and every module built on it.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#endif
