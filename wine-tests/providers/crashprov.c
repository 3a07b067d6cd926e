/*
 * crashprov.c - a provider whose registration succeeds but whose SPI does
 * not start, for test_faults only (never installed by ws2inst).
 *
 *   InstallProvider  installs two base entries (WSCInstallProvider, one
 *                    provider GUID): family CRASHPROV_AF_CRASH and
 *                    CRASHPROV_AF_FAIL, SOCK_STREAM protocol 0
 *   WSPStartup       for the AF_CRASH entry: crashes (writes through NULL);
 *                    for the AF_FAIL entry: returns WSAEPROVIDERFAILEDINIT
 *
 * So WSAStartup builds a catalog with both entries, and the failure comes
 * only when a socket of one of those families is asked for (or when
 * `ws2inst verify` starts every provider).  Built as
 * build/<arch>/tests/crashprov.dll; the test registers it by full path.
 */
#include <cews2.h>
#include <string.h>

/* far from mingw-w64's AF_* (up to 33) and from loopprov's 0x7C4C */
#define CRASHPROV_AF_CRASH  0x7C4E
#define CRASHPROV_AF_FAIL   0x7C4F

typedef int (WSPAPI *install_fn)(LPGUID, const WCHAR *, const LPWSAPROTOCOL_INFOW, DWORD, LPINT);

/* {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0020} */
static GUID provider_guid = { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x20 } };

static void protocol_info(WSAPROTOCOL_INFOW *info, int family, const WCHAR *name)
{
    memset(info, 0, sizeof(*info));
    info->dwServiceFlags1 = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_IFS_HANDLES;
    info->ProviderId = provider_guid;
    info->ProtocolChain.ChainLen = BASE_PROTOCOL;
    info->iVersion = 2;
    info->iAddressFamily = family;
    info->iMaxSockAddr = 16;
    info->iMinSockAddr = 16;
    info->iSocketType = SOCK_STREAM;
    info->iProtocol = 0;
    info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info->iNetworkByteOrder = BIGENDIAN;
    wcscpy(info->szProtocol, name);
}

__declspec(dllexport) INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    HMODULE ws2 = GetModuleHandleW(L"ws2.dll");
    install_fn install = ws2 ? (install_fn)(void *)GetProcAddress(ws2, "WSCInstallProvider") : NULL;
    WSAPROTOCOL_INFOW info[2];
    int err = 0;

    if (!install)
        return WSASYSNOTREADY;
    protocol_info(&info[0], CRASHPROV_AF_CRASH, L"ce-winsock crashprov (WSPStartup crashes)");
    protocol_info(&info[1], CRASHPROV_AF_FAIL, L"ce-winsock crashprov (WSPStartup fails)");
    if (install(&provider_guid, dll_path, info, 2, &err))
        return err ? err : WSAEINVAL;
    return 0;
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                                            WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE procs)
{
    (void)version; (void)data; (void)upcalls; (void)procs;
    if (info && info->iAddressFamily == CRASHPROV_AF_FAIL)
        return WSAEPROVIDERFAILEDINIT;
    *(volatile int *)0 = 0;
    return 0;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
