/*
 * io.c - send and receive, blocking and overlapped.
 *
 * Overlapped operations always pend and are moved along by the worker
 * (io_pump), which completes each exactly once through the mechanism it was
 * issued with: WPUCompleteOverlappedRequest (event and completion port) or
 * the issuing thread's APC queue (completion routine).  The result is
 * carried as ws2.dll's upcall stores it: Offset = bytes, OffsetHigh = error.
 */
#include "irdaprov.h"

#define OV_PENDING ((ULONG_PTR)0x103)  /* STATUS_PENDING */

struct routine_call {
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    LPWSAOVERLAPPED ov;
    DWORD error, bytes;
};

static void CALLBACK run_routine(DWORD_PTR context)
{
    struct routine_call *c = (struct routine_call *)context;
    c->routine(c->error, c->bytes, c->ov, 0);
    free(c);
}

typedef int (WSPAPI *complete_fn)(SOCKET, LPWSAOVERLAPPED, DWORD, DWORD, LPINT);

/* WPUCompleteOverlappedRequest is an export of ws2.dll, not an upcall-table entry. */
static int complete_request(SOCKET s, LPWSAOVERLAPPED ov, DWORD error, DWORD bytes, LPINT err)
{
    static complete_fn complete;
    if (!complete)
        complete = (complete_fn)(void *)GetProcAddress(GetModuleHandleW(L"ws2.dll"),
                                                       "WPUCompleteOverlappedRequest");
    if (!complete) {
        *err = WSASYSCALLFAILURE;
        return SOCKET_ERROR;
    }
    return complete(s, ov, error, bytes, err);
}

void io_complete(struct irsock *so, struct irop *op, DWORD error)
{
    int err = 0;

    op->ov->Offset = op->done;
    op->ov->OffsetHigh = error;
    if (op->routine) {
        struct routine_call *c = malloc(sizeof(*c));
        op->ov->Internal = error ? (ULONG_PTR)0xC0000120 : 0;   /* STATUS_CANCELLED or SUCCESS */
        op->ov->InternalHigh = op->done;
        if (c) {
            c->routine = op->routine;
            c->ov = op->ov;
            c->error = error;
            c->bytes = op->done;
            if (upcalls.lpWPUQueueApc(&op->thread, run_routine, (DWORD_PTR)c, &err) != 0)
                free(c);
        }
        upcalls.lpWPUCloseThread(&op->thread, &err);
    } else {
        complete_request(so->handle, op->ov, error, op->done, &err);
    }
    free(op->bufs);
    free(op);
}

/*
 * How a connection's end reads to the application: 0 for the peer's close
 * (user request), WSAECONNABORTED when this station ended it because the
 * peer broke the protocol (data beyond credit, ...: the stack's local
 * reason), WSAECONNRESET for anything else (the link lost, the peer's hard
 * close or its verdict on us).
 */
int irda_end_error(int reason)
{
    if (reason == 0 || reason == IRLMP_R_USER)
        return 0;
    return reason == IRLMP_R_LOCAL_VIOLATION ? WSAECONNABORTED : WSAECONNRESET;
}

/* The error a connection ended with (lock held); 0 for a clean end. */
static int stream_end_error(struct irsock *so)
{
    const struct irda_conn *c = irda_stack_conn(&station.stack, so->conn);
    return c ? irda_end_error(c->reason) : 0;
}

/* A call that found the connection gone: its end's error, never "clean". */
static int broken_error(struct irsock *so)
{
    int e = so->conn ? stream_end_error(so) : 0;
    return e ? e : WSAECONNRESET;
}

/* IrLPT mode: at most one frame, scattered over the buffers (a read ends
 * where a frame does, however the buffers are cut). */
static int recv_frame(struct irsock *so, const WSABUF *bufs, DWORD count, DWORD *got)
{
    uint8_t frame[IRLAP_MAX_DATA];
    DWORD i, want = 0, off = 0;
    int rc;

    for (i = 0; i < count && want < sizeof(frame); i++)
        want += bufs[i].len < sizeof(frame) - want ? bufs[i].len : (ULONG)sizeof(frame) - want;
    *got = 0;
    if (!want)
        return IRDA_ERR_AGAIN;
    rc = irda_stack_recv(&station.stack, so->conn, frame, want);
    for (i = 0; rc > 0 && i < count && off < (DWORD)rc; i++) {
        DWORD n = bufs[i].len < (DWORD)rc - off ? bufs[i].len : (DWORD)rc - off;
        memcpy(bufs[i].buf, frame + off, n);
        off += n;
    }
    if (rc > 0)
        *got = (DWORD)rc;
    return rc;
}

/* Scatters what the connection has into the buffers; the stack's result. */
static int recv_into(struct irsock *so, const WSABUF *bufs, DWORD count, DWORD *got)
{
    DWORD i;
    int rc = IRDA_ERR_AGAIN;

    if (so->irlpt)
        return recv_frame(so, bufs, count, got);
    *got = 0;
    for (i = 0; i < count; i++) {
        if (!bufs[i].len)
            continue;
        rc = irda_stack_recv(&station.stack, so->conn, (uint8_t *)bufs[i].buf, bufs[i].len);
        if (rc <= 0)
            break;
        *got += (DWORD)rc;
        if ((ULONG)rc < bufs[i].len)
            break;
    }
    return *got ? (int)*got : rc;
}

/* IrLPT mode: the whole send is one IrLMP frame; IRDA_ERR_RANGE beyond
 * IRLMP_SEND_PDU_LEN (nothing sent). */
static int send_frame(struct irsock *so, const WSABUF *bufs, DWORD count)
{
    uint8_t frame[IRLAP_MAX_DATA];
    DWORD i, len = 0;

    for (i = 0; i < count; i++) {
        if (bufs[i].len > sizeof(frame) - len)
            return IRDA_ERR_RANGE;
        memcpy(frame + len, bufs[i].buf, bufs[i].len);
        len += bufs[i].len;
    }
    return len ? irda_stack_send(&station.stack, so->conn, frame, len) : 0;
}

/* Gathers from the buffers, starting at skip bytes in; bytes taken or the stack's result. */
static int send_from(struct irsock *so, const WSABUF *bufs, DWORD count, DWORD skip)
{
    DWORD i, taken = 0;

    if (so->irlpt)
        return skip ? 0 : send_frame(so, bufs, count);

    for (i = 0; i < count; i++) {
        int rc;
        if (skip >= bufs[i].len) {
            skip -= bufs[i].len;
            continue;
        }
        rc = irda_stack_send(&station.stack, so->conn, (const uint8_t *)bufs[i].buf + skip,
                             bufs[i].len - skip);
        if (rc < 0)
            return taken ? (int)taken : rc;
        taken += (DWORD)rc;
        if ((ULONG)rc < bufs[i].len - skip)
            break;
        skip = 0;
    }
    return (int)taken;
}

static DWORD total_of(const WSABUF *bufs, DWORD count)
{
    DWORD i, n = 0;
    for (i = 0; i < count; i++)
        n += bufs[i].len;
    return n;
}

/* One pending operation: TRUE when it has completed (and was freed). */
static BOOL io_step(struct irsock *so, struct irop *op)
{
    int rc;

    if (!so->conn) {
        io_complete(so, op, WSAECONNRESET);
        return TRUE;
    }
    if (!op->is_send) {
        DWORD got;
        rc = recv_into(so, op->bufs, op->count, &got);
        if (rc == IRDA_ERR_AGAIN)
            return FALSE;
        op->done = rc > 0 ? (DWORD)rc : 0;
        io_complete(so, op, rc > 0 ? 0 : rc == 0 ? (DWORD)stream_end_error(so) : (DWORD)broken_error(so));
        return TRUE;
    }
    rc = send_from(so, op->bufs, op->count, op->done);
    if (rc == IRDA_ERR_AGAIN)
        return FALSE;
    if (rc < 0) {
        io_complete(so, op, rc == IRDA_ERR_RANGE ? WSAEMSGSIZE : (DWORD)broken_error(so));
        return TRUE;
    }
    op->done += (DWORD)rc;
    if (op->done < total_of(op->bufs, op->count))
        return FALSE;
    io_complete(so, op, 0);
    return TRUE;
}

void io_pump(void)
{
    int i;

    for (i = 1; i <= IRDA_STACK_MAX_CONN; i++) {
        struct irsock *so = station.by_conn[i];
        struct irop **link;
        if (!so)
            continue;
        /* in order: a later operation waits for the earlier ones of its kind */
        for (link = &so->ops; *link;) {
            struct irop *op = *link;
            struct irop *next = op->next;
            if (io_step(so, op))
                *link = next;
            else
                link = &op->next;
        }
        notify_update(so);
    }
}

/* Queues an overlapped operation; the worker completes it. */
static int queue_op(struct irsock *so, BOOL is_send, LPWSABUF bufs, DWORD count,
                    LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT err)
{
    struct irop *op = calloc(1, sizeof(*op)), **link;

    if (!op || !(op->bufs = malloc(count * sizeof(WSABUF) + 1))) {
        free(op);
        *err = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    memcpy(op->bufs, bufs, count * sizeof(WSABUF));
    op->count = count;
    op->is_send = is_send;
    op->ov = ov;
    op->routine = routine;
    /* a routine runs on this thread: keep a handle to it */
    if (routine && upcalls.lpWPUOpenCurrentThread(&op->thread, err) != 0) {
        free(op->bufs);
        free(op);
        return SOCKET_ERROR;
    }
    ov->Internal = OV_PENDING;
    ov->InternalHigh = 0;
    station_lock();
    for (link = &so->ops; *link; link = &(*link)->next)
        ;
    *link = op;
    station_unlock();
    station_poke();
    *err = WSA_IO_PENDING;
    return SOCKET_ERROR;
}

int wait_for_socket(struct irsock *so, unsigned gen, DWORD ms)
{
    if (so->closing || so->cancel_gen != gen)
        return WSAEINTR;
    if (!station_wait(ms))
        return WSAETIMEDOUT;
    return so->closing || so->cancel_gen != gen ? WSAEINTR : 0;
}

int WSPAPI irda_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD got, LPDWORD flags,
                     LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                     LPWSATHREADID thread, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);
    int result = SOCKET_ERROR;
    (void)thread;

    if (!so)
        return SOCKET_ERROR;
    if (flags)
        *flags = 0;
    if (so->state != IRS_CONNECTED) {
        *err = WSAENOTCONN;
    } else if (ov) {
        result = queue_op(so, FALSE, bufs, count, ov, routine, err);
    } else {
        unsigned gen;
        station_lock();
        gen = so->cancel_gen;
        for (;;) {
            int rc;
            station_now();
            rc = so->conn ? recv_into(so, bufs, count, got) : IRDA_ERR_NOTFOUND;
            if (rc == 0 && (*err = stream_end_error(so)) != 0)
                break;                      /* the link went away, not the peer */
            if (rc >= 0) {
                *got = (DWORD)rc;
                result = 0;
                *err = 0;
                break;
            }
            if (rc != IRDA_ERR_AGAIN) {
                *err = so->closing ? WSAEINTR : broken_error(so);
                break;
            }
            if (so->nonblocking) {
                *err = WSAEWOULDBLOCK;
                break;
            }
            if ((*err = wait_for_socket(so, gen, INFINITE)) != 0)
                break;
        }
        so->reported &= ~FD_READ;
        notify_update(so);
        station_unlock();
        station_poke();     /* reading opened the window */
    }
    irsock_release(so);
    return result;
}

int WSPAPI irda_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                     LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                     LPWSATHREADID thread, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);
    int result = SOCKET_ERROR;
    DWORD total, done = 0;
    (void)thread; (void)flags;

    if (!so)
        return SOCKET_ERROR;
    total = total_of(bufs, count);
    if (so->state != IRS_CONNECTED) {
        *err = WSAENOTCONN;
    } else if (ov) {
        result = queue_op(so, TRUE, bufs, count, ov, routine, err);
    } else {
        unsigned gen;
        station_lock();
        gen = so->cancel_gen;
        for (;;) {
            int rc;
            station_now();
            rc = so->conn ? send_from(so, bufs, count, done) : IRDA_ERR_NOTFOUND;
            if (rc > 0)
                done += (DWORD)rc;
            if (done == total) {
                result = 0;
                *err = 0;
                break;
            }
            if (rc == IRDA_ERR_RANGE) {
                *err = WSAEMSGSIZE;         /* IrLPT: more than one frame holds */
                break;
            }
            if (rc < 0 && rc != IRDA_ERR_AGAIN) {
                *err = so->closing ? WSAEINTR : broken_error(so);
                break;
            }
            if (so->nonblocking) {
                /* a stream socket reports what it took, or would-block */
                if (done) {
                    result = 0;
                    *err = 0;
                } else {
                    *err = WSAEWOULDBLOCK;
                }
                break;
            }
            if ((*err = wait_for_socket(so, gen, INFINITE)) != 0)
                break;
        }
        *sent = done;
        /* FD_WRITE comes again only after a send that could not take all
         * it was given (Winsock: after WSAEWOULDBLOCK; our stream sockets
         * also take part of a send), not after every send */
        if (done < total)
            so->reported &= ~FD_WRITE;
        notify_update(so);
        station_unlock();
        station_poke();
    }
    irsock_release(so);
    return result;
}

/*
 * WHY: our overlapped results live in the OVERLAPPED as ws2.dll's upcall
 * left them; an operation still pending has STATUS_PENDING in Internal.
 */
BOOL WSPAPI irda_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
                                       BOOL wait, LPDWORD flags, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return FALSE;
    irsock_release(so);
    while (ov->Internal == OV_PENDING) {
        if (!wait) {
            *err = WSA_IO_INCOMPLETE;
            return FALSE;
        }
        if (ov->hEvent)
            WaitForSingleObject(ov->hEvent, 50);
        else
            Sleep(1);
    }
    *bytes = ov->Offset;
    if (flags)
        *flags = 0;
    *err = (int)ov->OffsetHigh;
    return ov->OffsetHigh == 0;
}
