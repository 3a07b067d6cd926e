/*
 * defaults.c - the default set of registrations that "ws2inst reset"
 * installs.  One line per provider ce-winsock ships; a provider whose DLL is
 * not next to ws2inst.exe is skipped (and reported), so a line can be added
 * here before its provider is built.
 */
#include "installer.h"

const struct default_registration default_registrations[] = {
    /* name          DLL file next to ws2inst.exe   Order */
    { L"HostBase",   CEWS2_HOST_PROVIDER_DLL,       100 },  /* TCP/UDP over the host's ws2_32 */
    { L"IrdaBase",   L"irdaprov.dll",               150 },  /* AF_IRDA */
    { L"CeLayered",  L"celsp.dll",                  200 },  /* CE closesocket semantics, layered over both */
};

const size_t default_registration_count = ARRAYSIZE(default_registrations);
