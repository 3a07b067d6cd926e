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
#include "shared/testprov.h"

/* far from mingw-w64's AF_* (up to 33) and from loopprov's 0x7C4C */
#define CRASHPROV_AF_CRASH  0x7C4E
#define CRASHPROV_AF_FAIL   0x7C4F
#define CRASHPROV_AF_AFTER  0x7C50
#define CRASHPROV_AF_OK     0x7C52

/* what every WSPStartup holds while it works (see the header); an SRW lock
 * has no owner, so a later thread cannot take it again even if it gets the
 * crashed thread's id (a critical section would let it in) */
static SRWLOCK startup_lock = SRWLOCK_INIT;

/* {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0020} */
static GUID provider_guid = { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x20 } };

__declspec(dllexport) INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    WSAPROTOCOL_INFOW info[4];

    testprov_stream_entry(&info[0], &provider_guid, CRASHPROV_AF_CRASH,
                          L"ce-winsock crashprov (WSPStartup crashes)");
    testprov_stream_entry(&info[1], &provider_guid, CRASHPROV_AF_FAIL,
                          L"ce-winsock crashprov (WSPStartup fails)");
    testprov_stream_entry(&info[2], &provider_guid, CRASHPROV_AF_AFTER,
                          L"ce-winsock crashprov (started after a crash)");
    testprov_stream_entry(&info[3], &provider_guid, CRASHPROV_AF_OK,
                          L"ce-winsock crashprov (WSPStartup succeeds)");
    return testprov_install(&provider_guid, dll_path, info, 4);
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
        testprov_startup(data, version, NULL, procs);
        procs->lpWSPSocket = ok_socket;
        procs->lpWSPCleanup = ok_cleanup;
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
