/* wine-tests/conformance/harness.h - the conformance harness's hooks into
 * Wine's ws2_32 tests (included by include/wine/test.h, after Wine's test.h
 * and the sources' Windows headers).
 *
 * 1. Running one test function.  The build rewrites each START_TEST body
 *    (select.awk) so that every call of a test function reads
 *    `if (conf_select("test_x")) test_x();`, on the same line.  The
 *    generated testlist has one entry per test function, which sets
 *    conf_only and runs the whole START_TEST body: the set-up and clean-up
 *    around the calls (WSAStartup, Init(), Exit(), ...) still run, and only
 *    the named function is called.  The unit's own name (sock, protocol)
 *    runs them all, conf_only being NULL.
 *
 * 2. The ours build (-DCONF_OURS): the tests look up optional exports at run
 *    time with GetProcAddress(GetModuleHandleA("ws2_32"), ...) (WSAPoll,
 *    inet_ntop, GetAddrInfoExW, ...).  The module under test is ws2.dll
 *    there (and the host's ws2_32.dll may be loaded by our host provider),
 *    so these lookups are pointed at ws2.dll: an export ws2.dll lacks then
 *    shows as the test's own skip, never as the host's function tested. */
#ifndef CONFORMANCE_HARNESS_H
#define CONFORMANCE_HARNESS_H

#include <string.h>

extern const char *conf_only;   /* defined in the generated testlist */

static inline int conf_select(const char *name)
{
    return !conf_only || !strcmp(conf_only, name);
}

#ifdef CONF_OURS
static inline HMODULE conf_module_under_test(const char *name)
{
    if (name && (!_stricmp(name, "ws2_32") || !_stricmp(name, "ws2_32.dll")))
        name = "ws2.dll";
    return GetModuleHandleA(name);
}
#define GetModuleHandleA(name) conf_module_under_test(name)
#endif

#endif
