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
#include "loopprov.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PENDING_STATUS 0x103    /* STATUS_PENDING: Internal of a request still pending */
#define MAX_QUEUED     256
#define MAX_DGRAM      65507u

typedef int (WSPAPI *complete_fn)(SOCKET, LPWSAOVERLAPPED, DWORD, DWORD, LPINT);
typedef int (WSPAPI *install_fn)(LPGUID, const WCHAR *, const LPWSAPROTOCOL_INFOW, DWORD, LPINT);

struct dgram {
    struct dgram *next;
    u_long from;
    DWORD len;
    char data[];
};

struct request {
    struct request *next;
    SOCKET handle;
    WSABUF *bufs;               /* a copy: the caller's array may be gone after the call */
    DWORD nbufs;
    struct sockaddr *from;
    LPINT fromlen;
    LPWSAOVERLAPPED ov;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    LPWSATHREADID thread;       /* where the routine runs: &own_thread or ws2's */
    WSATHREADID own_thread;     /* opened with WPUOpenCurrentThread, kept while pending */
    BOOL have_own_thread;
    DWORD error, bytes;
};

struct lsock {
    struct lsock *next;
    LONG refs;
    SOCKET handle;
    u_long id, peer;
    BOOL closed, nonblocking;
    DWORD rcvtimeo;
    struct dgram *q_head, *q_tail;
    int q_count;
    struct request *r_head, *r_tail;
    WSAEVENT data_event;        /* WPUCreateEvent: set when a datagram arrives or on close */
    WSAEVENT select_event;
    LONG select_mask, recorded;
    HWND hwnd;
    UINT msg;
    LONG async_mask;
};

static CRITICAL_SECTION lock;
static struct lsock *sockets;
static u_long next_id = 1;
static WSPUPCALLTABLE up;
static complete_fn complete_request;
static DWORD startup_catalog_id;
static GUID provider_guid = LOOPPROV_GUID;
static struct loopprov_stats stats;

/* ---- sockets ------------------------------------------------------------- */

static void free_socket(struct lsock *ls)
{
    int err;
    while (ls->q_head) {
        struct dgram *d = ls->q_head;
        ls->q_head = d->next;
        free(d);
    }
    if (ls->data_event != WSA_INVALID_EVENT)
        up.lpWPUCloseEvent(ls->data_event, &err);
    free(ls);
}

/* The socket behind handle s (referenced), through WPUQuerySocketHandleContext. */
static struct lsock *get_socket(SOCKET s, int *err)
{
    DWORD_PTR context = 0;
    struct lsock *ls = NULL;

    EnterCriticalSection(&lock);
    if (up.lpWPUQuerySocketHandleContext(s, &context, err) == 0) {
        ls = (struct lsock *)context;
        if (ls->closed) {
            *err = WSAENOTSOCK;
            ls = NULL;
        } else {
            ls->refs++;
        }
    }
    LeaveCriticalSection(&lock);
    return ls;
}

static void put_socket(struct lsock *ls)
{
    BOOL last;
    EnterCriticalSection(&lock);
    last = --ls->refs == 0;
    LeaveCriticalSection(&lock);
    if (last)
        free_socket(ls);
}

static struct lsock *find_id(u_long id)
{
    struct lsock *ls;
    for (ls = sockets; ls && ls->id != id; ls = ls->next)
        ;
    return ls;
}

static void fill_address(struct sockaddr_loop *a, u_long id)
{
    memset(a, 0, sizeof(*a));
    a->sloop_family = AF_LOOPPROV;
    a->sloop_id = id;
}

static int read_address(const struct sockaddr *name, int namelen, u_long *id)
{
    const struct sockaddr_loop *a = (const struct sockaddr_loop *)name;
    if (!name || namelen < (int)sizeof(*a))
        return WSAEFAULT;
    if (a->sloop_family != AF_LOOPPROV)
        return WSAEAFNOSUPPORT;
    *id = a->sloop_id;
    return 0;
}

/* FD_READ became true (under the lock): event select, async select. */
static void record_read(struct lsock *ls)
{
    int err;
    if (ls->select_event && (ls->select_mask & FD_READ)) {
        ls->recorded |= FD_READ;
        up.lpWPUSetEvent(ls->select_event, &err);
    }
    if (ls->hwnd && (ls->async_mask & FD_READ))
        up.lpWPUPostMessage(ls->hwnd, ls->msg, (WPARAM)ls->handle, WSAMAKESELECTREPLY(FD_READ, 0));
}

/* ---- completing requests -------------------------------------------------- */

static void free_request(struct request *r)
{
    int err;
    if (r->have_own_thread)
        up.lpWPUCloseThread(&r->own_thread, &err);
    free(r->bufs);
    free(r);
}

static void CALLBACK request_apc(DWORD_PTR context)
{
    struct request *r = (struct request *)context;
    InterlockedIncrement(&stats.apcs_run);
    r->routine(r->error, r->bytes, r->ov, 0);
    free_request(r);
}

/* Delivers r's result (and frees r): a completion routine through
 * WPUQueueApc, anything else through WPUCompleteOverlappedRequest. */
static void finish_request(struct request *r, DWORD error, DWORD bytes)
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
        if (up.lpWPUQueueApc(r->thread, request_apc, (DWORD_PTR)r, &err) == 0)
            return;     /* request_apc frees it */
    } else {
        complete_request(r->handle, ov, error, bytes, &err);
    }
    free_request(r);
}

static DWORD copy_out(const struct dgram *d, const WSABUF *bufs, DWORD n, DWORD *error)
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

static void copy_from(const struct dgram *d, struct sockaddr *from, LPINT fromlen)
{
    struct sockaddr_loop a;
    if (!from || !fromlen || *fromlen < (int)sizeof(a))
        return;
    fill_address(&a, d->from);
    memcpy(from, &a, sizeof(a));
    *fromlen = sizeof(a);
}

/* ---- the SPI --------------------------------------------------------------- */

static SOCKET WSPAPI lp_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
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
    ls->data_event = up.lpWPUCreateEvent(err);
    if (ls->data_event == WSA_INVALID_EVENT) {
        free(ls);
        return INVALID_SOCKET;
    }
    s = up.lpWPUCreateSocketHandle(info ? info->dwCatalogEntryId : startup_catalog_id,
                                   (DWORD_PTR)ls, err);
    if (s == INVALID_SOCKET) {
        free_socket(ls);
        return INVALID_SOCKET;
    }
    InterlockedIncrement(&stats.handles_open);
    EnterCriticalSection(&lock);
    ls->handle = s;
    ls->id = next_id++;
    ls->next = sockets;
    sockets = ls;
    LeaveCriticalSection(&lock);
    return s;
}

static int WSPAPI lp_closesocket(SOCKET s, LPINT err)
{
    struct lsock *ls, **link;
    struct request *pending;
    DWORD_PTR context;

    EnterCriticalSection(&lock);
    if (up.lpWPUQuerySocketHandleContext(s, &context, err)) {
        LeaveCriticalSection(&lock);
        return SOCKET_ERROR;
    }
    ls = (struct lsock *)context;
    if (ls->closed) {
        LeaveCriticalSection(&lock);
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    ls->closed = TRUE;
    for (link = &sockets; *link; link = &(*link)->next)
        if (*link == ls) {
            *link = ls->next;
            break;
        }
    pending = ls->r_head;
    ls->r_head = ls->r_tail = NULL;
    up.lpWPUSetEvent(ls->data_event, err);      /* wakes blocking receives */
    LeaveCriticalSection(&lock);

    /* pending requests end before the handle does */
    while (pending) {
        struct request *next = pending->next;
        InterlockedIncrement(&stats.aborted);
        finish_request(pending, WSA_OPERATION_ABORTED, 0);
        pending = next;
    }
    if (up.lpWPUCloseSocketHandle(s, err) == 0)
        InterlockedDecrement(&stats.handles_open);
    put_socket(ls);
    return 0;
}

static int WSPAPI lp_bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT err)
{
    struct lsock *ls = get_socket(s, err), *other;
    u_long id;
    int e;

    if (!ls)
        return SOCKET_ERROR;
    e = read_address(name, namelen, &id);
    if (!e && id) {
        EnterCriticalSection(&lock);
        other = find_id(id);
        if (other && other != ls)
            e = WSAEADDRINUSE;
        else
            ls->id = id;
        LeaveCriticalSection(&lock);
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}

static int WSPAPI lp_connect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller,
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

static int WSPAPI lp_getsockname(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
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

static int WSPAPI lp_getpeername(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
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

/* Sends one datagram from ls to id; completes an overlapped send at once. */
static int do_send(SOCKET s, struct lsock *ls, LPWSABUF bufs, DWORD n, LPDWORD sent, u_long to,
                   LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                   LPWSATHREADID thread, LPINT err)
{
    struct dgram *d;
    struct lsock *target;
    struct request *r = NULL;
    DWORD total = 0, i, off = 0;
    int e = 0;

    for (i = 0; i < n; i++)
        total += bufs[i].len;
    if (total > MAX_DGRAM) { *err = WSAEMSGSIZE; return SOCKET_ERROR; }
    d = malloc(sizeof(*d) + total);
    if (!d) { *err = WSAENOBUFS; return SOCKET_ERROR; }
    d->next = NULL;
    d->from = ls->id;
    d->len = total;
    for (i = 0; i < n; i++) {
        memcpy(d->data + off, bufs[i].buf, bufs[i].len);
        off += bufs[i].len;
    }

    EnterCriticalSection(&lock);
    target = find_id(to);
    if (!target) {
        e = WSAEHOSTUNREACH;
    } else if (target->r_head) {
        /* an overlapped receive is waiting: it takes this datagram */
        r = target->r_head;
        target->r_head = r->next;
        if (!target->r_head)
            target->r_tail = NULL;
    } else if (target->q_count >= MAX_QUEUED) {
        e = WSAENOBUFS;
    } else {
        if (target->q_tail)
            target->q_tail->next = d;
        else
            target->q_head = d;
        target->q_tail = d;
        target->q_count++;
        d = NULL;
        record_read(target);
        up.lpWPUSetEvent(target->data_event, err);
    }
    LeaveCriticalSection(&lock);

    if (r) {
        DWORD error, bytes = copy_out(d, r->bufs, r->nbufs, &error);
        copy_from(d, r->from, r->fromlen);
        finish_request(r, error, bytes);        /* completed from this (the sender's) thread */
    }
    free(d);
    if (e) { *err = e; return SOCKET_ERROR; }
    if (sent)
        *sent = total;
    if (ov) {
        struct request *done = calloc(1, sizeof(*done));
        if (!done) { *err = WSAENOBUFS; return SOCKET_ERROR; }
        done->handle = s;
        done->ov = ov;
        done->routine = routine;
        done->thread = thread;
        finish_request(done, 0, total);
    }
    return 0;
}

static int WSPAPI lp_sendto(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
                            const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                            LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    u_long id;
    int result, e;
    (void)flags;

    if (!ls)
        return SOCKET_ERROR;
    id = ls->peer;
    e = to ? read_address(to, tolen, &id) : id ? 0 : WSAENOTCONN;
    if (e) {
        put_socket(ls);
        *err = e;
        return SOCKET_ERROR;
    }
    result = do_send(s, ls, bufs, n, sent, id, ov, routine, thread, err);
    put_socket(ls);
    return result;
}

static int WSPAPI lp_send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
                          LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID thread, LPINT err)
{
    return lp_sendto(s, bufs, n, sent, flags, NULL, 0, ov, routine, thread, err);
}

static int WSPAPI lp_recvfrom(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD received, LPDWORD flags,
                              struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                              LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    struct dgram *d = NULL;
    DWORD error = 0, bytes, start = GetTickCount();
    LPBLOCKINGCALLBACK callback = NULL;
    DWORD_PTR callback_context = 0;
    int e;

    if (!ls)
        return SOCKET_ERROR;
    if (ov) {
        struct request *r = calloc(1, sizeof(*r));
        if (!r) { put_socket(ls); *err = WSAENOBUFS; return SOCKET_ERROR; }
        r->handle = s;
        r->ov = ov;
        r->routine = routine;
        r->thread = thread;
        EnterCriticalSection(&lock);
        if ((d = ls->q_head) != NULL) {
            ls->q_head = d->next;
            if (!ls->q_head)
                ls->q_tail = NULL;
            ls->q_count--;
            if (ls->q_head)
                record_read(ls);
        } else {
            /* nothing yet: keep it pending, completed by a later sender */
            r->bufs = malloc(n * sizeof(WSABUF));
            if (!r->bufs) {
                LeaveCriticalSection(&lock);
                free(r);
                put_socket(ls);
                *err = WSAENOBUFS;
                return SOCKET_ERROR;
            }
            memcpy(r->bufs, bufs, n * sizeof(WSABUF));
            r->nbufs = n;
            r->from = from;
            r->fromlen = fromlen;
            if (routine && up.lpWPUOpenCurrentThread(&r->own_thread, &e) == 0) {
                r->have_own_thread = TRUE;
                r->thread = &r->own_thread;
            }
            ov->Offset = ov->OffsetHigh = 0;
            ov->InternalHigh = 0;
            ov->Internal = PENDING_STATUS;
            if (ls->r_tail)
                ls->r_tail->next = r;
            else
                ls->r_head = r;
            ls->r_tail = r;
            LeaveCriticalSection(&lock);
            put_socket(ls);
            *err = WSA_IO_PENDING;
            return SOCKET_ERROR;
        }
        LeaveCriticalSection(&lock);
        /* data was there: complete at once, and still notify (event, port, routine) */
        bytes = copy_out(d, bufs, n, &error);
        copy_from(d, from, fromlen);
        free(d);
        if (received)
            *received = bytes;
        *flags = 0;
        finish_request(r, error, bytes);
        put_socket(ls);
        if (error) { *err = (int)error; return SOCKET_ERROR; }
        return 0;
    }

    /* blocking (or non-blocking) receive */
    if (up.lpWPUQueryBlockingCallback(startup_catalog_id, &callback, &callback_context, &e))
        callback = NULL;
    for (;;) {
        DWORD wait = 50;
        if (callback && !callback(callback_context)) {
            InterlockedIncrement(&stats.callback_interrupts);
            e = WSAEINTR;
            break;
        }
        EnterCriticalSection(&lock);
        if ((d = ls->q_head) != NULL) {
            ls->q_head = d->next;
            if (!ls->q_head)
                ls->q_tail = NULL;
            ls->q_count--;
            if (ls->q_head)
                record_read(ls);
            LeaveCriticalSection(&lock);
            e = 0;
            break;
        }
        if (ls->closed) {
            LeaveCriticalSection(&lock);
            InterlockedIncrement(&stats.close_interrupts);
            e = WSAEINTR;
            break;
        }
        if (ls->nonblocking) {
            LeaveCriticalSection(&lock);
            e = WSAEWOULDBLOCK;
            break;
        }
        up.lpWPUResetEvent(ls->data_event, &e);
        LeaveCriticalSection(&lock);
        if (ls->rcvtimeo) {
            DWORD spent = GetTickCount() - start;
            if (spent >= ls->rcvtimeo) {
                e = WSAETIMEDOUT;
                break;
            }
            if (ls->rcvtimeo - spent < wait)
                wait = ls->rcvtimeo - spent;
        }
        WaitForSingleObject(ls->data_event, wait);
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    bytes = copy_out(d, bufs, n, &error);
    copy_from(d, from, fromlen);
    free(d);
    if (received)
        *received = bytes;
    if (flags)
        *flags = 0;
    if (error) { *err = (int)error; return SOCKET_ERROR; }
    return 0;
}

static int WSPAPI lp_recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD received, LPDWORD flags,
                          LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID thread, LPINT err)
{
    return lp_recvfrom(s, bufs, n, received, flags, NULL, NULL, ov, routine, thread, err);
}

/* Reads the result the way WPUCompleteOverlappedRequest stores it:
 * Offset = bytes, OffsetHigh = Winsock error; Internal leaves "pending". */
static BOOL WSPAPI lp_getoverlappedresult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD transferred,
                                          BOOL wait, LPDWORD flags, LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    volatile ULONG_PTR *internal = &ov->Internal;

    if (!ls)
        return FALSE;
    put_socket(ls);
    if (*internal == PENDING_STATUS) {
        HANDLE event = (HANDLE)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1);
        if (!wait) { *err = WSA_IO_INCOMPLETE; return FALSE; }
        while (*internal == PENDING_STATUS) {
            if (event)
                WaitForSingleObject(event, INFINITE);
            else
                Sleep(10);
        }
    }
    MemoryBarrier();
    *transferred = ov->Offset;
    *flags = 0;
    if (ov->OffsetHigh) {
        *err = (int)ov->OffsetHigh;
        return FALSE;
    }
    return TRUE;
}

static int WSPAPI lp_eventselect(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    if (!ls)
        return SOCKET_ERROR;
    EnterCriticalSection(&lock);
    ls->hwnd = NULL;
    ls->async_mask = 0;
    ls->select_event = event;
    ls->select_mask = event ? events : 0;
    ls->recorded = 0;
    if (ls->q_head)
        record_read(ls);
    LeaveCriticalSection(&lock);
    put_socket(ls);
    return 0;
}

static int WSPAPI lp_enumnetworkevents(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS out,
                                       LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    int e;
    if (!ls)
        return SOCKET_ERROR;
    memset(out, 0, sizeof(*out));
    EnterCriticalSection(&lock);
    out->lNetworkEvents = ls->recorded & ls->select_mask;
    ls->recorded = 0;
    if (event)
        up.lpWPUResetEvent(event, &e);
    LeaveCriticalSection(&lock);
    put_socket(ls);
    return 0;
}

static int WSPAPI lp_asyncselect(SOCKET s, HWND hwnd, unsigned int msg, __LONG32 events,
                                 LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    if (!ls)
        return SOCKET_ERROR;
    EnterCriticalSection(&lock);
    ls->select_event = NULL;
    ls->select_mask = 0;
    ls->hwnd = hwnd;
    ls->msg = msg;
    ls->async_mask = hwnd ? events : 0;
    if (ls->q_head)
        record_read(ls);
    LeaveCriticalSection(&lock);
    put_socket(ls);
    return 0;
}

static int WSPAPI lp_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                            const PTIMEVAL timeout, LPINT err)
{
    fd_set in_r, in_w, out_r, out_w;
    fd_set *sets[3] = { readfds, writefds, exceptfds };
    DWORD start = GetTickCount(), limit = INFINITE;
    LPBLOCKINGCALLBACK callback = NULL;
    DWORD_PTR callback_context = 0;
    int k, count;
    u_int i;
    (void)nfds;

    /* every handle must be one of this provider's */
    for (k = 0; k < 3; k++)
        for (i = 0; sets[k] && i < sets[k]->fd_count; i++) {
            struct lsock *ls = get_socket(sets[k]->fd_array[i], err);
            if (!ls)
                return SOCKET_ERROR;
            put_socket(ls);
        }
    FD_ZERO(&in_r);
    FD_ZERO(&in_w);
    if (readfds) in_r = *readfds;
    if (writefds) in_w = *writefds;
    if (timeout)
        limit = (DWORD)timeout->tv_sec * 1000 + (DWORD)timeout->tv_usec / 1000;
    if (up.lpWPUQueryBlockingCallback(startup_catalog_id, &callback, &callback_context, err))
        callback = NULL;
    for (;;) {
        struct lsock *ls;
        FD_ZERO(&out_r);
        FD_ZERO(&out_w);
        count = 0;
        EnterCriticalSection(&lock);
        for (ls = sockets; ls; ls = ls->next) {
            if (ls->q_head && up.lpWPUFDIsSet(ls->handle, &in_r)) {
                out_r.fd_array[out_r.fd_count++] = ls->handle;
                count++;
            }
            if (up.lpWPUFDIsSet(ls->handle, &in_w)) {
                out_w.fd_array[out_w.fd_count++] = ls->handle;
                count++;
            }
        }
        LeaveCriticalSection(&lock);
        if (count || (limit != INFINITE && GetTickCount() - start >= limit))
            break;
        if (callback && !callback(callback_context)) {
            *err = WSAEINTR;
            return SOCKET_ERROR;
        }
        Sleep(5);
    }
    if (readfds) *readfds = out_r;
    if (writefds) *writefds = out_w;
    if (exceptfds) FD_ZERO(exceptfds);
    return count;
}

static int WSPAPI lp_getsockopt(SOCKET s, int level, int optname, char *optval, LPINT optlen,
                                LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    int e = 0;

    if (!ls)
        return SOCKET_ERROR;
    if (level == LOOPPROV_SOL && optname == LOOPPROV_SO_PROVIDER_PATH) {
        WCHAR path[MAX_PATH];
        int len = MAX_PATH;
        if (up.lpWPUGetProviderPath(&provider_guid, path, &len, &e) == 0) {
            int size = (int)((wcslen(path) + 1) * sizeof(WCHAR));
            if (*optlen < size) {
                e = WSAEFAULT;
            } else {
                memcpy(optval, path, size);
                *optlen = size;
            }
        }
    } else if (level == SOL_SOCKET && optname == SO_TYPE && *optlen >= (int)sizeof(int)) {
        *(int *)optval = SOCK_DGRAM;
        *optlen = sizeof(int);
    } else if (level == SOL_SOCKET && optname == SO_RCVTIMEO && *optlen >= (int)sizeof(DWORD)) {
        *(DWORD *)optval = ls->rcvtimeo;
        *optlen = sizeof(DWORD);
    } else if (level == SOL_SOCKET && (optname == SO_TYPE || optname == SO_RCVTIMEO)) {
        e = WSAEFAULT;
    } else {
        e = WSAENOPROTOOPT;
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}

static int WSPAPI lp_setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen,
                                LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    int e = 0;

    if (!ls)
        return SOCKET_ERROR;
    if (level == SOL_SOCKET && optname == SO_RCVTIMEO) {
        if (optlen < (int)sizeof(DWORD))
            e = WSAEFAULT;
        else
            ls->rcvtimeo = *(const DWORD *)optval;
    } else {
        e = WSAENOPROTOOPT;
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}

static int WSPAPI lp_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out,
                           DWORD out_len, LPDWORD returned, LPWSAOVERLAPPED ov,
                           LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                           LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    int e = 0;
    (void)ov; (void)routine; (void)thread;

    if (!ls)
        return SOCKET_ERROR;
    if (returned)
        *returned = 0;
    if (code == (DWORD)FIONBIO) {
        if (in_len < sizeof(u_long)) e = WSAEFAULT;
        else ls->nonblocking = *(u_long *)in != 0;
    } else if (code == (DWORD)FIONREAD) {
        if (out_len < sizeof(u_long)) {
            e = WSAEFAULT;
        } else {
            EnterCriticalSection(&lock);
            *(u_long *)out = ls->q_head ? ls->q_head->len : 0;
            LeaveCriticalSection(&lock);
            if (returned) *returned = sizeof(u_long);
        }
    } else if (code == SIO_LOOPPROV_QUERY_CONTEXT) {
        if (in_len < sizeof(SOCKET) || out_len < sizeof(INT)) {
            e = WSAEFAULT;
        } else {
            SOCKET other = *(SOCKET *)in;
            DWORD_PTR context = 0;
            int result = 0;
            if (up.lpWPUQuerySocketHandleContext(other, &context, &result) == 0) {
                struct lsock *x;
                EnterCriticalSection(&lock);
                for (x = sockets; x && (DWORD_PTR)x != context; x = x->next)
                    ;
                LeaveCriticalSection(&lock);
                result = (other == s ? context == (DWORD_PTR)ls : x != NULL) ? 0 : WSAEINVAL;
            }
            *(INT *)out = result;
            if (returned) *returned = sizeof(INT);
        }
    } else if (code == SIO_LOOPPROV_ASYNC_SELECT) {
        if (in_len < sizeof(struct loopprov_async_select)) {
            e = WSAEFAULT;
        } else {
            const struct loopprov_async_select *a = in;
            put_socket(ls);
            return lp_asyncselect(s, a->hwnd, a->msg, a->events, err);
        }
    } else {
        e = WSAEOPNOTSUPP;
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}

/* ---- what a datagram loopback does not do ----------------------------------- */

static SOCKET WSPAPI lp_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                               LPCONDITIONPROC condition, DWORD_PTR data, LPINT err)
{
    (void)s; (void)addr; (void)addrlen; (void)condition; (void)data;
    *err = WSAEOPNOTSUPP;
    return INVALID_SOCKET;
}

static INT WSPAPI lp_addresstostring(LPSOCKADDR a, DWORD len, LPWSAPROTOCOL_INFOW info,
                                     LPWSTR str, LPDWORD strlen_, LPINT err)
{
    (void)a; (void)len; (void)info; (void)str; (void)strlen_;
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static INT WSPAPI lp_stringtoaddress(LPWSTR str, INT af, LPWSAPROTOCOL_INFOW info, LPSOCKADDR a,
                                     LPINT len, LPINT err)
{
    (void)str; (void)af; (void)info; (void)a; (void)len;
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static int WSPAPI lp_cancelblockingcall(LPINT err)
{
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static int WSPAPI lp_duplicatesocket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err)
{
    (void)s; (void)pid; (void)info;
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static BOOL WSPAPI lp_getqosbyname(SOCKET s, LPWSABUF name, LPQOS qos, LPINT err)
{
    (void)s; (void)name; (void)qos;
    *err = WSAEOPNOTSUPP;
    return FALSE;
}

static SOCKET WSPAPI lp_joinleaf(SOCKET s, const struct sockaddr *name, int namelen,
                                 LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
                                 DWORD flags, LPINT err)
{
    (void)s; (void)name; (void)namelen; (void)caller; (void)callee; (void)sqos; (void)gqos;
    (void)flags;
    *err = WSAEOPNOTSUPP;
    return INVALID_SOCKET;
}

static int WSPAPI lp_listen(SOCKET s, int backlog, LPINT err)
{
    (void)s; (void)backlog;
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static int WSPAPI lp_recvdisconnect(SOCKET s, LPWSABUF data, LPINT err)
{
    (void)s; (void)data;
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static int WSPAPI lp_senddisconnect(SOCKET s, LPWSABUF data, LPINT err)
{
    (void)s; (void)data;
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static int WSPAPI lp_shutdown(SOCKET s, int how, LPINT err)
{
    (void)s; (void)how;
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static int WSPAPI lp_cleanup(LPINT err)
{
    (void)err;
    InterlockedIncrement(&stats.cleanups);
    return 0;
}

/* ---- exports ----------------------------------------------------------------- */

static void protocol_info(WSAPROTOCOL_INFOW *info)
{
    memset(info, 0, sizeof(*info));
    /* no XP1_IFS_HANDLES: handles come from WPUCreateSocketHandle */
    info->dwServiceFlags1 = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED;
    info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info->ProviderId = provider_guid;
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
    HMODULE ws2 = GetModuleHandleW(L"ws2.dll");
    install_fn install = ws2 ? (install_fn)(void *)GetProcAddress(ws2, "WSCInstallProvider") : NULL;
    WSAPROTOCOL_INFOW info;
    int err = 0;

    if (!install)
        return WSASYSNOTREADY;
    protocol_info(&info);
    if (install(&provider_guid, dll_path, &info, 1, &err))
        return err ? err : WSAEINVAL;
    return 0;
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
    complete_request = ws2 ? (complete_fn)(void *)GetProcAddress(ws2, "WPUCompleteOverlappedRequest")
                           : NULL;
    if (!complete_request)
        return WSAEPROVIDERFAILEDINIT;
    up = upcalls;
    if (info)
        startup_catalog_id = info->dwCatalogEntryId;
    memset(data, 0, sizeof(*data));
    data->wVersion = MAKEWORD(2, 2);
    data->wHighVersion = MAKEWORD(2, 2);
    wcscpy(data->szDescription, L"ce-winsock loopprov");

    procs->lpWSPAccept = lp_accept;
    procs->lpWSPAddressToString = lp_addresstostring;
    procs->lpWSPAsyncSelect = lp_asyncselect;
    procs->lpWSPBind = lp_bind;
    procs->lpWSPCancelBlockingCall = lp_cancelblockingcall;
    procs->lpWSPCleanup = lp_cleanup;
    procs->lpWSPCloseSocket = lp_closesocket;
    procs->lpWSPConnect = lp_connect;
    procs->lpWSPDuplicateSocket = lp_duplicatesocket;
    procs->lpWSPEnumNetworkEvents = lp_enumnetworkevents;
    procs->lpWSPEventSelect = lp_eventselect;
    procs->lpWSPGetOverlappedResult = lp_getoverlappedresult;
    procs->lpWSPGetPeerName = lp_getpeername;
    procs->lpWSPGetSockName = lp_getsockname;
    procs->lpWSPGetSockOpt = lp_getsockopt;
    procs->lpWSPGetQOSByName = lp_getqosbyname;
    procs->lpWSPIoctl = lp_ioctl;
    procs->lpWSPJoinLeaf = lp_joinleaf;
    procs->lpWSPListen = lp_listen;
    procs->lpWSPRecv = lp_recv;
    procs->lpWSPRecvDisconnect = lp_recvdisconnect;
    procs->lpWSPRecvFrom = lp_recvfrom;
    procs->lpWSPSelect = lp_select;
    procs->lpWSPSend = lp_send;
    procs->lpWSPSendDisconnect = lp_senddisconnect;
    procs->lpWSPSendTo = lp_sendto;
    procs->lpWSPSetSockOpt = lp_setsockopt;
    procs->lpWSPShutdown = lp_shutdown;
    procs->lpWSPSocket = lp_socket;
    procs->lpWSPStringToAddress = lp_stringtoaddress;
    InterlockedIncrement(&stats.startups);
    return 0;
}

__declspec(dllexport) void WINAPI LoopprovStats(struct loopprov_stats *out)
{
    EnterCriticalSection(&lock);
    *out = stats;
    LeaveCriticalSection(&lock);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        InitializeCriticalSection(&lock);
    return TRUE;
}
