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
#define SPI_UNSUPPORTED_DEFINE
#include "../spi_calls.h"

/*
 * The forwards, one per call on an existing socket (spi_calls.h): the
 * socket must be ours and open, and its context is held for the whole
 * call.  A call that may block or pend and fails because closesocket
 * cancelled it means WSAEINTR; a pending overlapped one is left to
 * complete.  Calls celsp does more for replace their forward in
 * calls_fill_table.
 */
#define FORWARD_BODY_ON_SOCKET(name, args)                                     \
    value = so->lower->procs.lpWSP##name args;
#define FORWARD_BODY_MAY_BLOCK(name, args)                                     \
    value = interrupted_if_closing(so, so->lower->procs.lpWSP##name args, err);
#define FORWARD_BODY_MAY_PEND(name, args)                                      \
    if (ov)                                                                    \
        note_io(so);                                                           \
    value = interrupted_if_closing(so, so->lower->procs.lpWSP##name args, err);
#define FORWARD_ON_SOCKET(result, name, kind, params, args)                    \
    static result WSPAPI forward_##name params __attribute__((unused));        \
    static result WSPAPI forward_##name params                                 \
    {                                                                          \
        struct lsp_socket *so = socket_context_lookup(s, err);                 \
        result value;                                                          \
        if (!so)                                                               \
            return SPI_FAILED_##result;                                        \
        FORWARD_BODY_##kind(name, args)                                        \
        socket_context_dereference(so);                                        \
        return value;                                                          \
    }
#define FORWARD_MAY_BLOCK FORWARD_ON_SOCKET
#define FORWARD_MAY_PEND FORWARD_ON_SOCKET
#define FORWARD_NEW_SOCKET(result, name, kind, params, args)
#define FORWARD_NO_SOCKET(result, name, kind, params, args)
#define FORWARD(result, name, kind, params, args, trace)                       \
    FORWARD_##kind(result, name, kind, params, args)
SPI_CALLS(FORWARD)

#define SET_FORWARD_ON_SOCKET(name) t->lpWSP##name = forward_##name;
#define SET_FORWARD_MAY_BLOCK(name) t->lpWSP##name = forward_##name;
#define SET_FORWARD_MAY_PEND(name) t->lpWSP##name = forward_##name;
#define SET_FORWARD_NEW_SOCKET(name)
#define SET_FORWARD_NO_SOCKET(name)
#define SET_FORWARD(result, name, kind, params, args, trace) SET_FORWARD_##kind(name)

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
        so->async_selected = FALSE;     /* the two cancel each other */
        if (events)
            so->nonblocking = TRUE;
        ReleaseSRWLockExclusive(&so->lock);
    }
    socket_context_dereference(so);
    return result;
}

/* WHY: the same, and closesocket must know to stop the messages (close.c). */
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
        so->event_selected = FALSE;
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

/*
 * WHY: what celsp does not do itself goes down unchanged; a call it has no
 * answer for at all (a procedure added to spi_calls.h that no one has
 * written yet) fails WSAEOPNOTSUPP rather than leaving the table NULL.
 */
void calls_fill_table(WSPPROC_TABLE *t)
{
    spi_unsupported_table(t);
    SPI_CALLS(SET_FORWARD)
    t->lpWSPAccept = lsp_accept;
    t->lpWSPAddressToString = lsp_address_to_string;
    t->lpWSPAsyncSelect = lsp_async_select;
    t->lpWSPCancelBlockingCall = lsp_cancel_blocking_call;
    t->lpWSPCleanup = WSPCleanup;
    t->lpWSPCloseSocket = lsp_close_socket;
    t->lpWSPDuplicateSocket = lsp_duplicate_socket;
    t->lpWSPEventSelect = lsp_event_select;
    t->lpWSPGetSockOpt = lsp_get_sock_opt;
    t->lpWSPIoctl = lsp_ioctl;
    t->lpWSPJoinLeaf = lsp_join_leaf;
    t->lpWSPSelect = lsp_select;
    t->lpWSPSetSockOpt = lsp_set_sock_opt;
    t->lpWSPSocket = lsp_socket;
    t->lpWSPStringToAddress = lsp_string_to_address;
}
