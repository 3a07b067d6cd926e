/*
 * nativeprov.c - a test base provider (never installed by ws2inst) that
 * behaves as a Windows host does at closesocket, so that celsp's handing
 * of linger rows 3 and 4 to such a provider (CEWS_LINGER_MECHANISM_NATIVE,
 * provider/lsp/linger_native.c) runs here under Wine.
 *
 * One TCP/IPv4 base entry of its own.  Every call is hostprov's (its
 * WSPStartup fills our table), except these, which are what Windows'
 * kernel does and Wine's does not:
 *
 *   SO_LINGER set        kept here; only a zero linger reaches hostprov (its
 *                        abortive close), never an interval: Wine's host
 *                        must not linger itself
 *   FIONBIO, WSAEventSelect, WSAAsyncSelect
 *                        watched: a non-blocking socket's lingering close
 *                        does not wait
 *   SIO_CEWS_LINGER_MECHANISM   NATIVE
 *   SIO_CEWS_SEND_BACKLOG       WSAEOPNOTSUPP (Windows has no such ioctl)
 *   WSPCloseSocket       with SO_LINGER {1, N>0} and data queued (asked of
 *                        hostprov's backlog, which stands in for the
 *                        kernel's): WSAEWOULDBLOCK and the socket kept if
 *                        non-blocking, else wait until drained or N seconds,
 *                        then reset.  Pending I/O is cancelled before the
 *                        host close, so it completes with
 *                        WSA_OPERATION_ABORTED as on Windows.
 *
 * Built as build/<arch>/tests/nativeprov.dll; test_linger_native registers
 * it by full path ahead of hostprov.
 */
#include "nativeprov.h"
#include <string.h>

#define MAX_SOCKETS 256
#define DRAIN_POLL_MS 5

typedef int (WSPAPI *install_fn)(LPGUID, const WCHAR *, const LPWSAPROTOCOL_INFOW, DWORD, LPINT);
typedef int (WSPAPI *provider_path_fn)(LPGUID, WCHAR *, LPINT, LPINT);

struct watched {
    SOCKET handle;              /* 0: free */
    struct linger linger;
    BOOL nonblocking;
};

static WSPPROC_TABLE below;
static HMODULE hostprov;
static LONG starts;
static SRWLOCK lock = SRWLOCK_INIT;
static struct watched sockets[MAX_SOCKETS];
static struct nativeprov_stats stats;

/* The socket's record, made if asked to; NULL if none (or no room). */
static struct watched *watched_of(SOCKET s, BOOL make)
{
    struct watched *free_slot = NULL;
    int i;

    for (i = 0; i < MAX_SOCKETS; i++) {
        if (sockets[i].handle == s)
            return &sockets[i];
        if (!sockets[i].handle && !free_slot)
            free_slot = &sockets[i];
    }
    if (!make || !free_slot)
        return NULL;
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->handle = s;
    return free_slot;
}

static void forget(SOCKET s)
{
    struct watched *w;
    AcquireSRWLockExclusive(&lock);
    if ((w = watched_of(s, FALSE)))
        w->handle = 0;
    ReleaseSRWLockExclusive(&lock);
}

static int WSPAPI np_setsockopt(SOCKET s, int level, int name, const char *value, int length,
                                LPINT err)
{
    struct linger keep, pass = { 0, 0 };
    struct watched *w;
    int result;

    if (level != SOL_SOCKET || (name != SO_LINGER && name != SO_DONTLINGER))
        return below.lpWSPSetSockOpt(s, level, name, value, length, err);
    if (!value || length < (name == SO_LINGER ? (int)sizeof(struct linger) : 1)) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (name == SO_LINGER) {
        memcpy(&keep, value, sizeof(keep));
    } else {
        keep.l_onoff = *value == 0;
        keep.l_linger = 0;
    }
    /* only the abortive close is hostprov's to know */
    if (keep.l_onoff && keep.l_linger == 0)
        pass.l_onoff = 1;
    result = below.lpWSPSetSockOpt(s, SOL_SOCKET, SO_LINGER, (const char *)&pass, sizeof(pass),
                                   err);
    if (result == 0) {
        AcquireSRWLockExclusive(&lock);
        if ((w = watched_of(s, TRUE))) {
            if (name == SO_DONTLINGER)
                keep.l_linger = w->linger.l_linger;
            w->linger = keep;
        }
        ReleaseSRWLockExclusive(&lock);
    }
    return result;
}

static void note_nonblocking(SOCKET s, BOOL on)
{
    struct watched *w;
    AcquireSRWLockExclusive(&lock);
    if ((w = watched_of(s, TRUE)))
        w->nonblocking = on;
    ReleaseSRWLockExclusive(&lock);
}

static int WSPAPI np_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out,
                           DWORD out_len, LPDWORD returned, LPWSAOVERLAPPED ov,
                           LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                           LPINT err)
{
    int result;

    if (code == SIO_CEWS_LINGER_MECHANISM) {
        DWORD mechanism = CEWS_LINGER_MECHANISM_NATIVE;
        if (!out || out_len < sizeof(mechanism)) {
            *err = WSAEFAULT;
            return SOCKET_ERROR;
        }
        memcpy(out, &mechanism, sizeof(mechanism));
        if (returned)
            *returned = sizeof(mechanism);
        return 0;
    }
    if (code == SIO_CEWS_SEND_BACKLOG) {
        *err = WSAEOPNOTSUPP;
        return SOCKET_ERROR;
    }
    result = below.lpWSPIoctl(s, code, in, in_len, out, out_len, returned, ov, routine, thread,
                              err);
    if (result == 0 && code == (DWORD)FIONBIO && in && in_len >= sizeof(u_long))
        note_nonblocking(s, *(u_long *)in != 0);
    return result;
}

static int WSPAPI np_eventselect(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err)
{
    int result = below.lpWSPEventSelect(s, event, events, err);
    /* selecting makes a socket non-blocking; deselecting leaves it so */
    if (result == 0 && events)
        note_nonblocking(s, TRUE);
    return result;
}

static int WSPAPI np_asyncselect(SOCKET s, HWND hwnd, unsigned int msg, __LONG32 events,
                                 LPINT err)
{
    int result = below.lpWSPAsyncSelect(s, hwnd, msg, events, err);
    if (result == 0 && events)
        note_nonblocking(s, TRUE);
    return result;
}

/* The kernel's count of bytes the peer has not acknowledged. */
static DWORD backlog(SOCKET s)
{
    DWORD queued = 0, returned = 0;
    int err;
    if (below.lpWSPIoctl(s, SIO_CEWS_SEND_BACKLOG, NULL, 0, &queued, sizeof(queued), &returned,
                         NULL, NULL, NULL, &err) != 0)
        return 0;
    return queued;
}

static int host_close(SOCKET s, LPINT err)
{
    /* Windows' close aborts pending I/O with WSA_OPERATION_ABORTED; Wine's
     * completes it with another status, so cancel first */
    CancelIoEx((HANDLE)s, NULL);
    forget(s);
    return below.lpWSPCloseSocket(s, err);
}

static int WSPAPI np_closesocket(SOCKET s, LPINT err)
{
    struct watched copy = { 0 }, *w;
    struct linger hard = { 1, 0 };
    ULONGLONG deadline;

    AcquireSRWLockShared(&lock);
    if ((w = watched_of(s, FALSE)))
        copy = *w;
    ReleaseSRWLockShared(&lock);
    if (!copy.linger.l_onoff || copy.linger.l_linger == 0)
        return host_close(s, err);
    InterlockedIncrement(&stats.lingering_closes);
    if (backlog(s) == 0)
        return host_close(s, err);
    if (copy.nonblocking) {
        InterlockedIncrement(&stats.would_block);
        *err = WSAEWOULDBLOCK;
        return SOCKET_ERROR;
    }
    deadline = GetTickCount64() + (ULONGLONG)copy.linger.l_linger * 1000;
    while (backlog(s) != 0) {
        if (GetTickCount64() >= deadline) {
            InterlockedIncrement(&stats.timed_out);
            below.lpWSPSetSockOpt(s, SOL_SOCKET, SO_LINGER, (const char *)&hard, sizeof(hard),
                                  err);
            return host_close(s, err);
        }
        Sleep(DRAIN_POLL_MS);
    }
    InterlockedIncrement(&stats.drained);
    return host_close(s, err);
}

static int WSPAPI np_cleanup(LPINT err)
{
    int result = below.lpWSPCleanup(err);
    if (InterlockedDecrement(&starts) == 0) {
        FreeLibrary(hostprov);
        hostprov = NULL;
    }
    return result;
}

/* hostprov.dll, where the catalog says it is. */
static HMODULE load_hostprov(void)
{
    GUID host = CEWS2_HOST_PROVIDER_GUID;
    WCHAR raw[MAX_PATH], path[MAX_PATH];
    int len = MAX_PATH, err = 0;
    provider_path_fn provider_path = (provider_path_fn)(void *)GetProcAddress(
        GetModuleHandleW(L"ws2.dll"), "WSCGetProviderPath");

    if (!provider_path || provider_path(&host, raw, &len, &err) != 0)
        return NULL;
    if (!ExpandEnvironmentStringsW(raw, path, MAX_PATH))
        return NULL;
    return LoadLibraryW(path);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW entry, WSPUPCALLTABLE upcalls,
                                            LPWSPPROC_TABLE procs)
{
    LPWSPSTARTUP host_startup;
    HMODULE module;
    int result;

    if (!procs)
        return WSAEFAULT;
    module = load_hostprov();
    if (!module)
        return WSAEPROVIDERFAILEDINIT;
    host_startup = (LPWSPSTARTUP)(void *)GetProcAddress(module, "WSPStartup");
    result = host_startup ? host_startup(version, data, entry, upcalls, procs)
                          : WSAEPROVIDERFAILEDINIT;
    if (result != 0) {
        FreeLibrary(module);
        return result;
    }
    /* one module reference for all our starts */
    if (InterlockedIncrement(&starts) == 1)
        hostprov = module;
    else
        FreeLibrary(module);
    below = *procs;
    procs->lpWSPSetSockOpt = np_setsockopt;
    procs->lpWSPIoctl = np_ioctl;
    procs->lpWSPEventSelect = np_eventselect;
    procs->lpWSPAsyncSelect = np_asyncselect;
    procs->lpWSPCloseSocket = np_closesocket;
    procs->lpWSPCleanup = np_cleanup;
    return 0;
}

__declspec(dllexport) INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    install_fn install = (install_fn)(void *)GetProcAddress(GetModuleHandleW(L"ws2.dll"),
                                                             "WSCInstallProvider");
    GUID id = NATIVEPROV_GUID;
    WSAPROTOCOL_INFOW info;
    int err = 0;

    if (!install)
        return WSASYSCALLFAILURE;
    memset(&info, 0, sizeof(info));
    info.dwServiceFlags1 = XP1_IFS_HANDLES | XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER |
                           XP1_GRACEFUL_CLOSE | XP1_EXPEDITED_DATA;
    info.dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info.ProviderId = id;
    info.ProtocolChain.ChainLen = BASE_PROTOCOL;
    info.iVersion = 2;
    info.iAddressFamily = AF_INET;
    info.iMaxSockAddr = info.iMinSockAddr = sizeof(struct sockaddr_in);
    info.iSocketType = SOCK_STREAM;
    info.iProtocol = IPPROTO_TCP;
    info.iNetworkByteOrder = BIGENDIAN;
    wcsncpy(info.szProtocol, NATIVEPROV_PROTOCOL_NAME, WSAPROTOCOL_LEN);
    if (install(&id, dll_path, &info, 1, &err) != 0)
        return err ? err : WSASYSCALLFAILURE;
    return 0;
}

__declspec(dllexport) void WINAPI NativeprovStats(struct nativeprov_stats *out)
{
    out->lingering_closes = InterlockedCompareExchange(&stats.lingering_closes, 0, 0);
    out->would_block = InterlockedCompareExchange(&stats.would_block, 0, 0);
    out->drained = InterlockedCompareExchange(&stats.drained, 0, 0);
    out->timed_out = InterlockedCompareExchange(&stats.timed_out, 0, 0);
}
