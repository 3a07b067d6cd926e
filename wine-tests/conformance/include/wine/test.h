/* wine-tests/conformance/include/wine/test.h - the harness's wrapper around
 * Wine's own include/wine/test.h.  The sources include "wine/test.h" after
 * their Windows headers; this file comes first on the include path, pulls
 * in Wine's (next on the path: a folder of the build holding links to the
 * fetched wine/test.h and wine/debug.h only), then the harness's hooks,
 * which need the Windows declarations already seen. */
#include_next <wine/test.h>
#include "../../harness.h"
