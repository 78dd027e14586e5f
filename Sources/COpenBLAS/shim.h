// Debian's OpenBLAS (pthread flavour): the CBLAS interface and thread control.
#include <cblas.h>
