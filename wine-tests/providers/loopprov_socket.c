/*
 * loopprov_socket.c - sockets found through WPUQuerySocketHandleContext, requests completed, and the calls that make, close, bind, connect and name a socket (loopprov.dll: loopprov_internal.h).
 */
#include "loopprov_internal.h"

/* ---- loop_sockets ------------------------------------------------------------- */

static void free_socket(struct lsock *ls)
{
    int err;
    while (ls->q_head) {
        struct dgram *d = ls->q_head;
        ls->q_head = d->next;
        free(d);
    }
    if (ls->data_event != WSA_INVALID_EVENT)
        loop_up.lpWPUCloseEvent(ls->data_event, &err);
    free(ls);
}

/* The socket behind handle s (referenced), through WPUQuerySocketHandleContext. */
struct lsock *get_socket(SOCKET s, int *err)
{
    DWORD_PTR context = 0;
    struct lsock *ls = NULL;

    EnterCriticalSection(&loop_lock);
    if (loop_up.lpWPUQuerySocketHandleContext(s, &context, err) == 0) {
        ls = (struct lsock *)context;
        if (ls->closed) {
            *err = WSAENOTSOCK;
            ls = NULL;
        } else {
            ls->refs++;
        }
    }
    LeaveCriticalSection(&loop_lock);
    return ls;
}

void put_socket(struct lsock *ls)
{
    BOOL last;
    EnterCriticalSection(&loop_lock);
    last = --ls->refs == 0;
    LeaveCriticalSection(&loop_lock);
    if (last)
        free_socket(ls);
}

struct lsock *find_id(u_long id)
{
    struct lsock *ls;
    for (ls = loop_sockets; ls && ls->id != id; ls = ls->next)
        ;
    return ls;
}

static void fill_address(struct sockaddr_loop *a, u_long id)
{
    memset(a, 0, sizeof(*a));
    a->sloop_family = AF_LOOPPROV;
    a->sloop_id = id;
}

int read_address(const struct sockaddr *name, int namelen, u_long *id)
{
    const struct sockaddr_loop *a = (const struct sockaddr_loop *)name;
    if (!name || namelen < (int)sizeof(*a))
        return WSAEFAULT;
    if (a->sloop_family != AF_LOOPPROV)
        return WSAEAFNOSUPPORT;
    *id = a->sloop_id;
    return 0;
}

/* FD_READ became true (under the loop_lock): event select, async select. */
void record_read(struct lsock *ls)
{
    int err;
    if (ls->select_event && (ls->select_mask & FD_READ)) {
        ls->recorded |= FD_READ;
        loop_up.lpWPUSetEvent(ls->select_event, &err);
    }
    if (ls->hwnd && (ls->async_mask & FD_READ))
        loop_up.lpWPUPostMessage(ls->hwnd, ls->msg, (WPARAM)ls->handle, WSAMAKESELECTREPLY(FD_READ, 0));
}

/* ---- completing requests -------------------------------------------------- */

static void free_request(struct request *r)
{
    int err;
    if (r->have_own_thread)
        loop_up.lpWPUCloseThread(&r->own_thread, &err);
    free(r->bufs);
    free(r);
}

static void CALLBACK request_apc(DWORD_PTR context)
{
    struct request *r = (struct request *)context;
    InterlockedIncrement(&loop_stats.apcs_run);
    r->routine(r->error, r->bytes, r->ov, 0);
    free_request(r);
}

/* Delivers r's result (and frees r): a completion routine through
 * WPUQueueApc, anything else through WPUCompleteOverlappedRequest. */
void finish_request(struct request *r, DWORD error, DWORD bytes)
{
    int err;
    LPWSAOVERLAPPED ov = r->ov;

    r->error = error;
    r->bytes = bytes;
    if (r->routine) {
        ov->Offset = bytes;
        ov->OffsetHigh = error;
        ov->InternalHigh = bytes;
        ov->Internal = error;
        if (loop_up.lpWPUQueueApc(r->thread, request_apc, (DWORD_PTR)r, &err) == 0)
            return;     /* request_apc frees it */
    } else {
        loop_complete(r->handle, ov, error, bytes, &err);
    }
    free_request(r);
}

DWORD copy_out(const struct dgram *d, const WSABUF *bufs, DWORD n, DWORD *error)
{
    DWORD done = 0, i;
    for (i = 0; i < n && done < d->len; i++) {
        DWORD k = bufs[i].len < d->len - done ? bufs[i].len : d->len - done;
        memcpy(bufs[i].buf, d->data + done, k);
        done += k;
    }
    *error = done < d->len ? WSAEMSGSIZE : 0;
    return done;
}

void copy_from(const struct dgram *d, struct sockaddr *from, LPINT fromlen)
{
    struct sockaddr_loop a;
    if (!from || !fromlen || *fromlen < (int)sizeof(a))
        return;
    fill_address(&a, d->from);
    memcpy(from, &a, sizeof(a));
    *fromlen = sizeof(a);
}

/* ---- the SPI --------------------------------------------------------------- */

SOCKET WSPAPI lp_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                               DWORD flags, LPINT err)
{
    struct lsock *ls;
    SOCKET s;
    (void)g; (void)flags;

    if (af != AF_LOOPPROV) { *err = WSAEAFNOSUPPORT; return INVALID_SOCKET; }
    if (type != SOCK_DGRAM) { *err = WSAESOCKTNOSUPPORT; return INVALID_SOCKET; }
    if (protocol != 0) { *err = WSAEPROTONOSUPPORT; return INVALID_SOCKET; }
    ls = calloc(1, sizeof(*ls));
    if (!ls) { *err = WSAENOBUFS; return INVALID_SOCKET; }
    ls->refs = 1;
    ls->data_event = loop_up.lpWPUCreateEvent(err);
    if (ls->data_event == WSA_INVALID_EVENT) {
        free(ls);
        return INVALID_SOCKET;
    }
    s = loop_up.lpWPUCreateSocketHandle(info ? info->dwCatalogEntryId : loop_catalog_id,
                                   (DWORD_PTR)ls, err);
    if (s == INVALID_SOCKET) {
        free_socket(ls);
        return INVALID_SOCKET;
    }
    InterlockedIncrement(&loop_stats.handles_open);
    EnterCriticalSection(&loop_lock);
    ls->handle = s;
    ls->id = loop_next_id++;
    ls->next = loop_sockets;
    loop_sockets = ls;
    LeaveCriticalSection(&loop_lock);
    return s;
}

int WSPAPI lp_closesocket(SOCKET s, LPINT err)
{
    struct lsock *ls, **link;
    struct request *pending;
    DWORD_PTR context;

    EnterCriticalSection(&loop_lock);
    if (loop_up.lpWPUQuerySocketHandleContext(s, &context, err)) {
        LeaveCriticalSection(&loop_lock);
        return SOCKET_ERROR;
    }
    ls = (struct lsock *)context;
    if (ls->closed) {
        LeaveCriticalSection(&loop_lock);
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    ls->closed = TRUE;
    for (link = &loop_sockets; *link; link = &(*link)->next)
        if (*link == ls) {
            *link = ls->next;
            break;
        }
    pending = ls->r_head;
    ls->r_head = ls->r_tail = NULL;
    loop_up.lpWPUSetEvent(ls->data_event, err);      /* wakes blocking receives */
    LeaveCriticalSection(&loop_lock);

    /* pending requests end before the handle does */
    while (pending) {
        struct request *next = pending->next;
        InterlockedIncrement(&loop_stats.aborted);
        finish_request(pending, WSA_OPERATION_ABORTED, 0);
        pending = next;
    }
    if (loop_up.lpWPUCloseSocketHandle(s, err) == 0)
        InterlockedDecrement(&loop_stats.handles_open);
    put_socket(ls);
    return 0;
}

int WSPAPI lp_bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT err)
{
    struct lsock *ls = get_socket(s, err), *other;
    u_long id;
    int e;

    if (!ls)
        return SOCKET_ERROR;
    e = read_address(name, namelen, &id);
    if (!e && id) {
        EnterCriticalSection(&loop_lock);
        other = find_id(id);
        if (other && other != ls)
            e = WSAEADDRINUSE;
        else
            ls->id = id;
        LeaveCriticalSection(&loop_lock);
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}

int WSPAPI lp_connect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller,
                             LPWSABUF callee, LPQOS sqos, LPQOS gqos, LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    u_long id;
    int e;
    (void)caller; (void)callee; (void)sqos; (void)gqos;

    if (!ls)
        return SOCKET_ERROR;
    e = read_address(name, namelen, &id);
    if (!e)
        ls->peer = id;
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}

/* A rooted multipoint join, as far as a loop can have one: a new socket of
 * s's kind connected to name (what WSAJoinLeaf's dispatch of a new leaf
 * needs to be seen from outside). */
SOCKET WSPAPI lp_joinleaf(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller,
                          LPWSABUF callee, LPQOS sqos, LPQOS gqos, DWORD flags, LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    SOCKET leaf;
    u_long id;
    int e;
    (void)flags;

    if (!ls)
        return INVALID_SOCKET;
    put_socket(ls);
    e = read_address(name, namelen, &id);
    if (e) { *err = e; return INVALID_SOCKET; }
    leaf = lp_socket(AF_LOOPPROV, SOCK_DGRAM, 0, NULL, 0, 0, err);
    if (leaf == INVALID_SOCKET)
        return INVALID_SOCKET;
    if (lp_connect(leaf, name, namelen, caller, callee, sqos, gqos, err)) {
        int ignored;
        lp_closesocket(leaf, &ignored);
        return INVALID_SOCKET;
    }
    return leaf;
}

int WSPAPI lp_getsockname(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    struct sockaddr_loop a;

    if (!ls)
        return SOCKET_ERROR;
    fill_address(&a, ls->id);
    put_socket(ls);
    if (!name || !namelen || *namelen < (int)sizeof(a)) { *err = WSAEFAULT; return SOCKET_ERROR; }
    memcpy(name, &a, sizeof(a));
    *namelen = sizeof(a);
    return 0;
}

int WSPAPI lp_getpeername(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    struct sockaddr_loop a;
    u_long peer;

    if (!ls)
        return SOCKET_ERROR;
    peer = ls->peer;
    put_socket(ls);
    if (!peer) { *err = WSAENOTCONN; return SOCKET_ERROR; }
    if (!name || !namelen || *namelen < (int)sizeof(a)) { *err = WSAEFAULT; return SOCKET_ERROR; }
    fill_address(&a, peer);
    memcpy(name, &a, sizeof(a));
    *namelen = sizeof(a);
    return 0;
}
