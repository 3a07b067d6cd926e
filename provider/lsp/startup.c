/*
 * startup.c - WSPStartup and WSPCleanup of celsp.
 *
 * ws2.dll starts us once for each of our catalog entries (one per protocol
 * chain); each start finds and starts the provider below that chain, so a
 * broken chain fails here, at startup, not at the first socket.
 */
#include "celsp.h"
#include "../../ws2/regroot.h"

WSPUPCALLTABLE upcalls;
static LONG start_count;
/* The chain entries we were started for, to describe our sockets. */
static WSAPROTOCOL_INFOW chains[64];
static LONG chain_count;
static SRWLOCK chains_lock = SRWLOCK_INIT;

static void remember_chain(const WSAPROTOCOL_INFOW *info)
{
    LONG i;
    AcquireSRWLockExclusive(&chains_lock);
    for (i = 0; i < chain_count && chains[i].dwCatalogEntryId != info->dwCatalogEntryId; i++)
        ;
    if (i == chain_count && chain_count < (LONG)ARRAYSIZE(chains))
        chains[chain_count++] = *info;
    ReleaseSRWLockExclusive(&chains_lock);
}

BOOL chain_info(DWORD catalog_id, WSAPROTOCOL_INFOW *info)
{
    BOOL found = FALSE;
    LONG i;
    AcquireSRWLockShared(&chains_lock);
    for (i = 0; i < chain_count; i++)
        if (chains[i].dwCatalogEntryId == catalog_id) {
            *info = chains[i];
            found = TRUE;
            break;
        }
    ReleaseSRWLockShared(&chains_lock);
    return found;
}
static BOOL linger_note_default;

static void read_settings(void)
{
    WCHAR value[8];
    DWORD data = 0, size = sizeof(data);

    if (GetEnvironmentVariableW(L"CEWS2_LINGER_NOTE", value, ARRAYSIZE(value)))
        linger_note_default = value[0] == L'1';
    /* Then the setting, per user or else machine-wide (regroot.h). */
    else if (regroot_get_setting(CEWS2_CELSP_SUBKEY, L"LingerNote", RRF_RT_REG_DWORD, NULL,
                                 &data, &size) == ERROR_SUCCESS)
        linger_note_default = data != 0;
}

BOOL settings_linger_note_default(void)
{
    return linger_note_default;
}

/*
 * WHY: the SPI's single entry point.  It hands back our table and makes
 * sure the provider below this chain can be started.
 */
int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                      WSPUPCALLTABLE upcall_table, LPWSPPROC_TABLE procs)
{
    int err = 0;

    if (LOBYTE(version) < 2 || (LOBYTE(version) == 2 && HIBYTE(version) < 2))
        return WSAVERNOTSUPPORTED;
    if (!data || !info || !procs)
        return WSAEFAULT;
    if (InterlockedIncrement(&start_count) == 1) {
        upcalls = upcall_table;
        read_settings();
    }
    if (!lower_for_chain(info, &err)) {
        InterlockedDecrement(&start_count);
        return err;
    }
    remember_chain(info);
    data->wVersion = MAKEWORD(2, 2);
    data->wHighVersion = MAKEWORD(2, 2);
    lstrcpynW(data->szDescription, L"ce-winsock CE 5.0 layered provider", WSPDESCRIPTION_LEN);
    calls_fill_table(procs);
    return 0;
}

/*
 * WHY: the last cleanup of the process must not lose what a background
 * close still owes the peer, and must stop the providers below us.
 */
int WSPAPI WSPCleanup(LPINT err)
{
    LONG left = InterlockedDecrement(&start_count);

    if (left < 0) {
        InterlockedIncrement(&start_count);
        *err = WSANOTINITIALISED;
        return SOCKET_ERROR;
    }
    if (left == 0) {
        close_wait_background();
        lower_cleanup_all();
    }
    return 0;
}
