/*
 * startup.c - WSPStartup and WSPCleanup: the provider's session with
 * ws2.dll, the host Winsock session under it, and the procedure table.
 */
#include "hostprov.h"
#include "../spi_calls.h"

#include <string.h>

WSPUPCALLTABLE host_upcalls;

/* Number of WSPStartup calls not yet matched by a WSPCleanup.  ws2.dll
 * starts a provider once per catalog entry it uses (up to four for us), and
 * a layered provider may start us again; each start holds one host
 * WSAStartup reference, so the host session lives exactly as long as ours. */
static LONG starts;
static SRWLOCK starts_lock = SRWLOCK_INIT;

static const WCHAR description[] =
    L"ce-winsock host base provider: TCP and UDP over the host's ws2_32";

/*
 * WHY: ws2.dll calls this once per catalog entry before routing any call of
 * that entry to us.  We only speak SPI 2.2, we need the upcall table to
 * announce our IFS handles, and the host Winsock must be started for as
 * long as anyone above holds a start of ours.
 */
int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW entry,
                      WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE procs)
{
    WSADATA host_data;
    DWORD caller_error;
    int host_error;

    if (!data || !procs)
        return WSAEFAULT;

    data->wVersion = MAKEWORD(2, 2);
    data->wHighVersion = MAKEWORD(2, 2);
    memcpy(data->szDescription, description, sizeof(description));

    if (LOBYTE(version) < 2 || (LOBYTE(version) == 2 && HIBYTE(version) < 2))
        return WSAVERNOTSUPPORTED;
    if (!upcalls.lpWPUModifyIFSHandle)
        return WSAEINVAL;

    caller_error = GetLastError();
    host_error = WSAStartup(MAKEWORD(2, 2), &host_data);
    SetLastError(caller_error);
    if (host_error)
        return host_error;

    AcquireSRWLockExclusive(&starts_lock);
    if (starts++ == 0)
        host_upcalls = upcalls;
    if (entry)
        catalog_remember(entry);
    ReleaseSRWLockExclusive(&starts_lock);

    /* every procedure of ours is WSP<Name>: the list names them all */
    SPI_FILL_TABLE(procs);
    return NO_ERROR;
}

/*
 * WHY: each WSPStartup holds a host WSAStartup reference; this gives it
 * back.  The last one forgets every socket and catalog entry of the
 * session, since the host closes its sockets at its last WSACleanup and
 * their handle values will be reused.
 */
int WSPAPI WSPCleanup(LPINT error)
{
    DWORD caller_error;
    int result;
    BOOL last;

    AcquireSRWLockExclusive(&starts_lock);
    if (starts == 0) {
        ReleaseSRWLockExclusive(&starts_lock);
        *error = WSANOTINITIALISED;
        return SOCKET_ERROR;
    }
    if (--starts == 0) {
        socket_map_clear();
        catalog_forget_all();
    }
    last = starts == 0;
    ReleaseSRWLockExclusive(&starts_lock);
    /* no watcher thread may outlive the session (the DLL may be unloaded) */
    if (last)
        async_relay_stop();

    caller_error = host_call_begin();
    result = WSACleanup();
    return host_call_end(caller_error, result, error);
}

/*
 * WHY: Winsock 2 has no blocking hooks, so there is never a blocking call
 * of ours that this could cancel (closing the socket is the way to end a
 * blocking call).  The SPI still requires the entry point.
 */
int WSPAPI WSPCancelBlockingCall(LPINT error)
{
    *error = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}
