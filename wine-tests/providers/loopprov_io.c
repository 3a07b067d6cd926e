/*
 * loopprov_io.c - datagrams out and in: sendto/send, recvfrom/recv (blocking, non-blocking, overlapped), WSPGetOverlappedResult (loopprov.dll: loopprov_internal.h).
 */
#include "loopprov_internal.h"

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

    EnterCriticalSection(&loop_lock);
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
        loop_up.lpWPUSetEvent(target->data_event, err);
    }
    LeaveCriticalSection(&loop_lock);

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

int WSPAPI lp_sendto(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
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

int WSPAPI lp_send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
                          LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID thread, LPINT err)
{
    return lp_sendto(s, bufs, n, sent, flags, NULL, 0, ov, routine, thread, err);
}

int WSPAPI lp_recvfrom(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD received, LPDWORD flags,
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
        EnterCriticalSection(&loop_lock);
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
                LeaveCriticalSection(&loop_lock);
                free(r);
                put_socket(ls);
                *err = WSAENOBUFS;
                return SOCKET_ERROR;
            }
            memcpy(r->bufs, bufs, n * sizeof(WSABUF));
            r->nbufs = n;
            r->from = from;
            r->fromlen = fromlen;
            if (routine && loop_up.lpWPUOpenCurrentThread(&r->own_thread, &e) == 0) {
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
            LeaveCriticalSection(&loop_lock);
            put_socket(ls);
            *err = WSA_IO_PENDING;
            return SOCKET_ERROR;
        }
        LeaveCriticalSection(&loop_lock);
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
    if (loop_up.lpWPUQueryBlockingCallback(loop_catalog_id, &callback, &callback_context, &e))
        callback = NULL;
    for (;;) {
        DWORD wait = 50;
        if (callback && !callback(callback_context)) {
            InterlockedIncrement(&loop_stats.callback_interrupts);
            e = WSAEINTR;
            break;
        }
        EnterCriticalSection(&loop_lock);
        if ((d = ls->q_head) != NULL) {
            ls->q_head = d->next;
            if (!ls->q_head)
                ls->q_tail = NULL;
            ls->q_count--;
            if (ls->q_head)
                record_read(ls);
            LeaveCriticalSection(&loop_lock);
            e = 0;
            break;
        }
        if (ls->closed) {
            LeaveCriticalSection(&loop_lock);
            InterlockedIncrement(&loop_stats.close_interrupts);
            e = WSAEINTR;
            break;
        }
        if (ls->nonblocking) {
            LeaveCriticalSection(&loop_lock);
            e = WSAEWOULDBLOCK;
            break;
        }
        loop_up.lpWPUResetEvent(ls->data_event, &e);
        LeaveCriticalSection(&loop_lock);
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

int WSPAPI lp_recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD received, LPDWORD flags,
                          LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID thread, LPINT err)
{
    return lp_recvfrom(s, bufs, n, received, flags, NULL, NULL, ov, routine, thread, err);
}

/* Reads the result the way WPUCompleteOverlappedRequest stores it:
 * Offset = bytes, OffsetHigh = Winsock error; Internal leaves "pending". */
BOOL WSPAPI lp_getoverlappedresult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD transferred,
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
