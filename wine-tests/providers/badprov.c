/*
 * badprov.c - a deliberately broken provider registration DLL, for
 * test_registration only (never installed by ws2inst).
 *
 *   InstallProvider  crashes (writes through a NULL pointer)
 *   FailProvider     returns WSAEPROVIDERFAILEDINIT without installing anything
 *
 * Both have the CEWS2_REGISTER_ENTRY signature.  Built as
 * build/<arch>/tests/badprov.dll; the test registers it by full path.
 */
#include <cews2.h>

__declspec(dllexport) INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    (void)dll_path;
    *(volatile int *)0 = 0;
    return 0;
}

__declspec(dllexport) INT WINAPI FailProvider(LPCWSTR dll_path)
{
    (void)dll_path;
    return WSAEPROVIDERFAILEDINIT;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
