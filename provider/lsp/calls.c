/*
 * calls.c - the WSP functions celsp passes down, with the bookkeeping the
 * closesocket contract needs around them.
 *
 * Every call on a socket holds a reference to its context for its whole
 * length, which is what lets closesocket wait for the last one to leave
 * before the lower socket goes (CE's "last reference").  A call that can
 * block and fails because closesocket cancelled it reports WSAEINTR, as
 * the reference page requires, whatever the provider below said; an
 * overlapped call that is pending stays pending and completes once
 * (interrupted_if_closing in celsp.h).
 */
#include "celsp.h"

/* Calls that only need the socket to be ours and open. */
#define PASS_DOWN(name, member, params, args)                                  \
    static int WSPAPI name params                                              \
    {                                                                          \
        struct lsp_socket *so = socket_context_lookup(s, err);                 \
        int result;                                                            \
        if (!so)                                                               \
            return SOCKET_ERROR;                                               \
        result = so->lower->procs.member args;                                 \
        socket_context_dereference(so);                                        \
        return result;                                                         \
    }

/* Calls that may block or pend: a blocking one interrupted by closesocket
 * means WSAEINTR; a pending overlapped one is left to complete. */
#define PASS_DOWN_BLOCKING(name, member, params, args)                         \
    static int WSPAPI name params                                              \
    {                                                                          \
        struct lsp_socket *so = socket_context_lookup(s, err);                 \
        int result;                                                            \
        if (!so)                                                               \
            return SOCKET_ERROR;                                               \
        note_io(so);                                                           \
        result = interrupted_if_closing(so, so->lower->procs.member args, err);\
        socket_context_dereference(so);                                        \
        return result;                                                         \
    }

/* The same for the two calls that answer BOOL. */
#define PASS_DOWN_RESULT(name, member, params, args)                           \
    static BOOL WSPAPI name params                                             \
    {                                                                          \
        struct lsp_socket *so = socket_context_lookup(s, err);                 \
        BOOL ok;                                                               \
        if (!so)                                                               \
            return FALSE;                                                      \
        ok = so->lower->procs.member args;                                     \
        socket_context_dereference(so);                                        \
        return ok;                                                             \
    }

PASS_DOWN(lsp_bind, lpWSPBind,
          (SOCKET s, const struct sockaddr *name, int len, LPINT err), (s, name, len, err))
PASS_DOWN(lsp_listen, lpWSPListen, (SOCKET s, int backlog, LPINT err), (s, backlog, err))
PASS_DOWN(lsp_shutdown, lpWSPShutdown, (SOCKET s, int how, LPINT err), (s, how, err))
PASS_DOWN(lsp_get_peer_name, lpWSPGetPeerName,
          (SOCKET s, struct sockaddr *name, LPINT len, LPINT err), (s, name, len, err))
PASS_DOWN(lsp_get_sock_name, lpWSPGetSockName,
          (SOCKET s, struct sockaddr *name, LPINT len, LPINT err), (s, name, len, err))
PASS_DOWN(lsp_enum_network_events, lpWSPEnumNetworkEvents,
          (SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS events, LPINT err),
          (s, event, events, err))
PASS_DOWN(lsp_recv_disconnect, lpWSPRecvDisconnect, (SOCKET s, LPWSABUF data, LPINT err),
          (s, data, err))
PASS_DOWN(lsp_send_disconnect, lpWSPSendDisconnect, (SOCKET s, LPWSABUF data, LPINT err),
          (s, data, err))
PASS_DOWN_BLOCKING(lsp_connect, lpWSPConnect,
          (SOCKET s, const struct sockaddr *name, int len, LPWSABUF caller, LPWSABUF callee,
           LPQOS sqos, LPQOS gqos, LPINT err),
          (s, name, len, caller, callee, sqos, gqos, err))
PASS_DOWN_BLOCKING(lsp_recv, lpWSPRecv,
          (SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD got, LPDWORD flags, LPWSAOVERLAPPED ov,
           LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err),
          (s, bufs, count, got, flags, ov, routine, thread, err))
PASS_DOWN_BLOCKING(lsp_recv_from, lpWSPRecvFrom,
          (SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD got, LPDWORD flags,
           struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
           LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err),
          (s, bufs, count, got, flags, from, fromlen, ov, routine, thread, err))
PASS_DOWN_BLOCKING(lsp_send, lpWSPSend,
          (SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags, LPWSAOVERLAPPED ov,
           LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err),
          (s, bufs, count, sent, flags, ov, routine, thread, err))
PASS_DOWN_BLOCKING(lsp_send_to, lpWSPSendTo,
          (SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
           const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
           LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err),
          (s, bufs, count, sent, flags, to, tolen, ov, routine, thread, err))

PASS_DOWN_RESULT(lsp_get_overlapped_result, lpWSPGetOverlappedResult,
          (SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes, BOOL wait, LPDWORD flags, LPINT err),
          (s, ov, bytes, wait, flags, err))
PASS_DOWN_RESULT(lsp_get_qos_by_name, lpWSPGetQOSByName,
          (SOCKET s, LPWSABUF name, LPQOS qos, LPINT err), (s, name, qos, err))

/*
 * WHY: WSAEventSelect and WSAAsyncSelect make the socket non-blocking, which
 * changes which row of the linger table a later closesocket takes.
 */
static int WSPAPI lsp_event_select(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    int result;

    if (!so)
        return SOCKET_ERROR;
    result = so->lower->procs.lpWSPEventSelect(s, event, events, err);
    if (result == 0) {
        AcquireSRWLockExclusive(&so->lock);
        so->event_selected = events != 0;
        if (events)
            so->nonblocking = TRUE;
        ReleaseSRWLockExclusive(&so->lock);
    }
    socket_context_dereference(so);
    return result;
}

static int WSPAPI lsp_async_select(SOCKET s, HWND hwnd, unsigned int msg, __LONG32 events,
                                   LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    int result;

    if (!so)
        return SOCKET_ERROR;
    result = so->lower->procs.lpWSPAsyncSelect(s, hwnd, msg, events, err);
    if (result == 0) {
        AcquireSRWLockExclusive(&so->lock);
        so->async_selected = events != 0;
        if (events)
            so->nonblocking = TRUE;
        ReleaseSRWLockExclusive(&so->lock);
    }
    socket_context_dereference(so);
    return result;
}

/* Takes a fresh lower socket as ours: a context, and ws2.dll told it is ours. */
SOCKET lsp_adopt(SOCKET lower_socket, struct lower *lower, DWORD catalog_id, int type,
                    const struct lsp_socket *parent, LPINT err)
{
    struct lsp_socket *so;
    SOCKET handle;
    int ignored;

    so = socket_context_create(lower_socket, lower, catalog_id, type, parent);
    if (!so) {
        lower->procs.lpWSPCloseSocket(lower_socket, &ignored);
        *err = WSAENOBUFS;
        return INVALID_SOCKET;
    }
    handle = upcalls.lpWPUModifyIFSHandle(catalog_id, lower_socket, err);
    if (handle != lower_socket) {
        if (socket_context_begin_close(so))
            lower->procs.lpWSPCloseSocket(lower_socket, &ignored);
        if (handle != INVALID_SOCKET)
            *err = WSAEINVALIDPROVIDER;
        return INVALID_SOCKET;
    }
    return handle;
}

/*
 * WHY: a socket of one of our chains is a lower socket plus our state; the
 * handle stays the lower one (IFS) so kernel32 can complete I/O on it.
 */
static SOCKET WSPAPI lsp_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                                GROUP group, DWORD flags, LPINT err)
{
    struct lower *lower = lower_for_chain(info, err);
    WSAPROTOCOL_INFOW lower_info;
    SOCKET s;

    if (!lower)
        return INVALID_SOCKET;
    /* a description from WSADuplicateSocket: the socket already exists */
    if (duplicate_is_ours(info))
        return duplicate_import(lower, info, group, flags, err);
    lower_info = lower->info;
    s = lower->procs.lpWSPSocket(af, type, protocol, &lower_info, group, flags, err);
    if (s == INVALID_SOCKET)
        return INVALID_SOCKET;
    return lsp_adopt(s, lower, info->dwCatalogEntryId,
                 type == FROM_PROTOCOL_INFO ? info->iSocketType : type, NULL, err);
}

/* WHY: an accepted socket is a new underlying socket with the listener's settings. */
static SOCKET WSPAPI lsp_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                LPCONDITIONPROC condition, DWORD_PTR data, LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    SOCKET accepted;

    if (!so)
        return INVALID_SOCKET;
    note_io(so);
    accepted = so->lower->procs.lpWSPAccept(s, addr, addrlen, condition, data, err);
    if (accepted == INVALID_SOCKET) {
        interrupted_if_closing(so, SOCKET_ERROR, err);
    } else {
        accepted = lsp_adopt(accepted, so->lower, so->catalog_id, so->type, so, err);
    }
    socket_context_dereference(so);
    return accepted;
}

static SOCKET WSPAPI lsp_join_leaf(SOCKET s, const struct sockaddr *name, int len,
                                   LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
                                   DWORD flags, LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    SOCKET leaf;

    if (!so)
        return INVALID_SOCKET;
    leaf = so->lower->procs.lpWSPJoinLeaf(s, name, len, caller, callee, sqos, gqos, flags, err);
    if (leaf != INVALID_SOCKET && leaf != s)
        leaf = lsp_adopt(leaf, so->lower, so->catalog_id, so->type, so, err);
    socket_context_dereference(so);
    return leaf;
}

/* Winsock 2 has no blocking hooks to cancel. */
static int WSPAPI lsp_cancel_blocking_call(LPINT err)
{
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

/* Address strings are the base protocol's business. */
static INT WSPAPI lsp_address_to_string(LPSOCKADDR address, DWORD length,
                                        LPWSAPROTOCOL_INFOW info, LPWSTR text,
                                        LPDWORD text_length, LPINT err)
{
    struct lower *lower = lower_for_chain(info, err);
    WSAPROTOCOL_INFOW lower_info;

    if (!lower)
        return SOCKET_ERROR;
    lower_info = lower->info;
    return lower->procs.lpWSPAddressToString(address, length, &lower_info, text, text_length,
                                             err);
}

static INT WSPAPI lsp_string_to_address(LPWSTR text, INT af, LPWSAPROTOCOL_INFOW info,
                                        LPSOCKADDR address, LPINT length, LPINT err)
{
    struct lower *lower = lower_for_chain(info, err);
    WSAPROTOCOL_INFOW lower_info;

    if (!lower)
        return SOCKET_ERROR;
    lower_info = lower->info;
    return lower->procs.lpWSPStringToAddress(text, af, &lower_info, address, length, err);
}

void calls_fill_table(WSPPROC_TABLE *t)
{
    t->lpWSPAccept = lsp_accept;
    t->lpWSPAddressToString = lsp_address_to_string;
    t->lpWSPAsyncSelect = lsp_async_select;
    t->lpWSPBind = lsp_bind;
    t->lpWSPCancelBlockingCall = lsp_cancel_blocking_call;
    t->lpWSPCleanup = WSPCleanup;
    t->lpWSPCloseSocket = lsp_close_socket;
    t->lpWSPConnect = lsp_connect;
    t->lpWSPDuplicateSocket = lsp_duplicate_socket;
    t->lpWSPEnumNetworkEvents = lsp_enum_network_events;
    t->lpWSPEventSelect = lsp_event_select;
    t->lpWSPGetOverlappedResult = lsp_get_overlapped_result;
    t->lpWSPGetPeerName = lsp_get_peer_name;
    t->lpWSPGetSockName = lsp_get_sock_name;
    t->lpWSPGetSockOpt = lsp_get_sock_opt;
    t->lpWSPGetQOSByName = lsp_get_qos_by_name;
    t->lpWSPIoctl = lsp_ioctl;
    t->lpWSPJoinLeaf = lsp_join_leaf;
    t->lpWSPListen = lsp_listen;
    t->lpWSPRecv = lsp_recv;
    t->lpWSPRecvDisconnect = lsp_recv_disconnect;
    t->lpWSPRecvFrom = lsp_recv_from;
    t->lpWSPSelect = lsp_select;
    t->lpWSPSend = lsp_send;
    t->lpWSPSendDisconnect = lsp_send_disconnect;
    t->lpWSPSendTo = lsp_send_to;
    t->lpWSPSetSockOpt = lsp_set_sock_opt;
    t->lpWSPShutdown = lsp_shutdown;
    t->lpWSPSocket = lsp_socket;
    t->lpWSPStringToAddress = lsp_string_to_address;
}
