// The three public headers of cmark-gfm. /usr/include/cmark-gfm/ (internal headers with
// generic names such as node.h) must never be on the include path.
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
