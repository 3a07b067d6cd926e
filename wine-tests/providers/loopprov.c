/*
 * loopprov.c - a non-IFS base provider for test_upcall only (never
 * installed by ws2inst): the WPU upcall table exercised end to end.
 *
 * Family AF_LOOPPROV, SOCK_DGRAM protocol 0: a loopback inside the process.
 * Every socket has a 32-bit id (getsockname) and its own datagram queue;
 * sendto(A, id of B) queues the datagram on B, or hands it straight to an
 * overlapped receive pending on B, completing that one from the sender's
 * thread.  Handles come from WPUCreateSocketHandle (the protocol entry
 * lacks XP1_IFS_HANDLES), and every call finds its socket through
 * WPUQuerySocketHandleContext.
 *
 *   overlapped completion   WPUCompleteOverlappedRequest (event / port), or
 *                           WPUQueueApc to the issuing thread (completion
 *                           routine), with WPUOpenCurrentThread/WPUCloseThread
 *                           for a request kept pending
 *   blocking recv           waits on a WPUCreateEvent event, polling the
 *                           WPUQueryBlockingCallback callback: WSAEINTR once
 *                           it says stop (the process's last WSACleanup)
 *   closesocket             pending requests end with WSA_OPERATION_ABORTED
 *   WSPEventSelect          WPUSetEvent / WPUResetEvent; WPUCloseEvent at the end
 *   WSPAsyncSelect          WPUPostMessage (reached via SIO_LOOPPROV_ASYNC_SELECT)
 *   WSPSelect               WPUFDIsSet
 *   getsockopt              LOOPPROV_SO_PROVIDER_PATH: WPUGetProviderPath
 *
 * Everything else answers WSAEOPNOTSUPP.  Built as
 * build/<arch>/tests/loopprov.dll; the test registers it by full path.
 */
#include "loopprov_internal.h"
#include "shared/testprov.h"

CRITICAL_SECTION loop_lock;
struct lsock *loop_sockets;
u_long loop_next_id = 1;
WSPUPCALLTABLE loop_up;
complete_fn loop_complete;
DWORD loop_catalog_id;
GUID loop_provider_guid = LOOPPROV_GUID;
struct loopprov_stats loop_stats;

static int WSPAPI lp_cleanup(LPINT err)
{
    (void)err;
    InterlockedIncrement(&loop_stats.cleanups);
    return 0;
}

/* ---- exports ----------------------------------------------------------------- */

static void protocol_info(WSAPROTOCOL_INFOW *info)
{
    memset(info, 0, sizeof(*info));
    /* no XP1_IFS_HANDLES: handles come from WPUCreateSocketHandle */
    info->dwServiceFlags1 = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED;
    info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info->ProviderId = loop_provider_guid;
    info->ProtocolChain.ChainLen = BASE_PROTOCOL;
    info->iVersion = 2;
    info->iAddressFamily = AF_LOOPPROV;
    info->iMaxSockAddr = sizeof(struct sockaddr_loop);
    info->iMinSockAddr = sizeof(struct sockaddr_loop);
    info->iSocketType = SOCK_DGRAM;
    info->iProtocol = 0;
    info->iNetworkByteOrder = LITTLEENDIAN;
    info->dwMessageSize = MAX_DGRAM;
    wcscpy(info->szProtocol, L"ce-winsock loopprov (WPU upcall test)");
}

__declspec(dllexport) INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    WSAPROTOCOL_INFOW info;

    protocol_info(&info);
    return testprov_install(&loop_provider_guid, dll_path, &info, 1);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcalls,
                                            LPWSPPROC_TABLE procs)
{
    HMODULE ws2 = GetModuleHandleW(L"ws2.dll");

    if (LOBYTE(version) < 2)
        return WSAVERNOTSUPPORTED;
    if (!data || !procs)
        return WSAEFAULT;
    loop_complete = ws2 ? (complete_fn)(void *)GetProcAddress(ws2, "WPUCompleteOverlappedRequest")
                           : NULL;
    if (!loop_complete)
        return WSAEPROVIDERFAILEDINIT;
    loop_up = upcalls;
    if (info)
        loop_catalog_id = info->dwCatalogEntryId;
    /* what a datagram loopback does not do (accept, listen, shutdown,
     * duplication, QOS, ...) answers WSAEOPNOTSUPP */
    testprov_startup(data, MAKEWORD(2, 2), L"ce-winsock loopprov", procs);
    procs->lpWSPAsyncSelect = lp_asyncselect;
    procs->lpWSPBind = lp_bind;
    procs->lpWSPCleanup = lp_cleanup;
    procs->lpWSPCloseSocket = lp_closesocket;
    procs->lpWSPConnect = lp_connect;
    procs->lpWSPEnumNetworkEvents = lp_enumnetworkevents;
    procs->lpWSPEventSelect = lp_eventselect;
    procs->lpWSPGetOverlappedResult = lp_getoverlappedresult;
    procs->lpWSPGetPeerName = lp_getpeername;
    procs->lpWSPGetSockName = lp_getsockname;
    procs->lpWSPGetSockOpt = lp_getsockopt;
    procs->lpWSPJoinLeaf = lp_joinleaf;
    procs->lpWSPIoctl = lp_ioctl;
    procs->lpWSPRecv = lp_recv;
    procs->lpWSPRecvFrom = lp_recvfrom;
    procs->lpWSPSelect = lp_select;
    procs->lpWSPSend = lp_send;
    procs->lpWSPSendTo = lp_sendto;
    procs->lpWSPSetSockOpt = lp_setsockopt;
    procs->lpWSPSocket = lp_socket;
    InterlockedIncrement(&loop_stats.startups);
    return 0;
}

__declspec(dllexport) void WINAPI LoopprovStats(struct loopprov_stats *out)
{
    EnterCriticalSection(&loop_lock);
    *out = loop_stats;
    LeaveCriticalSection(&loop_lock);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        InitializeCriticalSection(&loop_lock);
    return TRUE;
}
