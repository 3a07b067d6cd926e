/*
 * crashprov.c - a provider whose registration succeeds but whose SPI does
 * not start, for test_faults only (never installed by ws2inst).
 *
 *   InstallProvider  installs four base entries (WSCInstallProvider, one
 *                    provider GUID): families CRASHPROV_AF_OK,
 *                    CRASHPROV_AF_CRASH, CRASHPROV_AF_FAIL and
 *                    CRASHPROV_AF_AFTER, SOCK_STREAM protocol 0
 *   WSPStartup       takes the DLL's one lock (as celsp's lower_for_chain
 *                    takes lowers_lock), then
 *                    for the AF_CRASH entry: crashes (writes through NULL)
 *                    with the lock held, as a provider crashing inside a
 *                    lower provider's start would;
 *                    for the AF_FAIL and AF_AFTER entries: returns
 *                    WSAEPROVIDERFAILEDINIT (releasing the lock);
 *                    for the AF_OK entry: starts, with a table whose
 *                    WSPSocket fails with WSAESOCKTNOSUPPORT and whose
 *                    WSPCleanup takes the lock too.  A started entry keeps
 *                    the DLL loaded, so its lock outlives a crash, as
 *                    celsp's does when one of its chains crashed
 *
 * After the crash the lock stays held forever: a later WSPStartup of the
 * AF_AFTER entry (first asked for after the crash) would block, which is
 * what ws2's guard must never let happen (it does not call a crashed DLL
 * again).
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
#define CRASHPROV_AF_AFTER  0x7C50
#define CRASHPROV_AF_OK     0x7C52

/* what every WSPStartup holds while it works (see the header); an SRW lock
 * has no owner, so a later thread cannot take it again even if it gets the
 * crashed thread's id (a critical section would let it in) */
static SRWLOCK startup_lock = SRWLOCK_INIT;

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
    WSAPROTOCOL_INFOW info[4];
    int err = 0;

    if (!install)
        return WSASYSNOTREADY;
    protocol_info(&info[0], CRASHPROV_AF_CRASH, L"ce-winsock crashprov (WSPStartup crashes)");
    protocol_info(&info[1], CRASHPROV_AF_FAIL, L"ce-winsock crashprov (WSPStartup fails)");
    protocol_info(&info[2], CRASHPROV_AF_AFTER, L"ce-winsock crashprov (started after a crash)");
    protocol_info(&info[3], CRASHPROV_AF_OK, L"ce-winsock crashprov (WSPStartup succeeds)");
    if (install(&provider_guid, dll_path, info, 4, &err))
        return err ? err : WSAEINVAL;
    return 0;
}

static int WSPAPI refuse(void)
{
    return SOCKET_ERROR;
}

static SOCKET WSPAPI ok_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                               DWORD flags, LPINT err)
{
    (void)af; (void)type; (void)protocol; (void)info; (void)g; (void)flags;
    *err = WSAESOCKTNOSUPPORT;
    return INVALID_SOCKET;
}

static int WSPAPI ok_cleanup(LPINT err)
{
    (void)err;
    AcquireSRWLockExclusive(&startup_lock);
    ReleaseSRWLockExclusive(&startup_lock);
    return 0;
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                                            WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE procs)
{
    (void)upcalls;
    AcquireSRWLockExclusive(&startup_lock);
    if (info && info->iAddressFamily == CRASHPROV_AF_OK) {
        void **slot = (void **)procs;
        for (size_t i = 0; i < sizeof(*procs) / sizeof(void *); i++)
            slot[i] = (void *)refuse;
        procs->lpWSPSocket = ok_socket;
        procs->lpWSPCleanup = ok_cleanup;
        data->wVersion = version;
        data->wHighVersion = MAKEWORD(2, 2);
        ReleaseSRWLockExclusive(&startup_lock);
        return 0;
    }
    if (!info || info->iAddressFamily != CRASHPROV_AF_CRASH) {
        ReleaseSRWLockExclusive(&startup_lock);
        return WSAEPROVIDERFAILEDINIT;
    }
    *(volatile int *)0 = 0;
    ReleaseSRWLockExclusive(&startup_lock);
    return 0;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
