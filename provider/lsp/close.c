/*
 * close.c - WSPCloseSocket: the CE 5.0 closesocket contract.
 *
 * The order of the steps is the contract:
 *   1. choose the row of the linger table (linger_policy.c) from the
 *      socket's settings and the bytes still queued for the peer; a
 *      non-blocking lingering socket with data queued fails WSAEWOULDBLOCK
 *      here, before anything has changed;
 *   2. take the socket out of the table: from now on every use of the
 *      handle fails with WSAENOTSOCK, and a racing closesocket loses;
 *   3. stop notifications, so no FD_CLOSE is posted for this socket;
 *   4. cancel every pending call on it (unless another handle of this
 *      process still refers to the socket: shared_socket.c): CancelIoEx
 *      completes overlapped
 *      operations with WSA_OPERATION_ABORTED through their own event,
 *      routine or port, and wakes blocking calls, which then report
 *      WSAEINTR (interrupted_if_closing, which leaves a pending overlapped
 *      call pending: it has one outcome, its completion);
 *   5. wait for the calls still inside the socket to leave: the lower
 *      socket, with its naming information and unread data, goes with the
 *      last reference;
 *   6. close as the row says: at once, gracefully (the host sends what is
 *      queued, then FIN); at once, hard (reset); after waiting for the
 *      queue to drain (graceful) or the interval to end (reset before
 *      return); or, with the note option, the same wait in the background.
 *
 * "Queued data" is what the peer has not acknowledged yet, as the provider
 * below reports it (SIO_CEWS_SEND_BACKLOG): a peer that keeps reading
 * drains it, a peer that stops reading leaves it full.  A provider below
 * that cannot report it makes rows 3 and 4 an approximation, said once per
 * process (diagnostic.c), unless its own close lingers (Windows): then
 * those rows are its own (linger_native.c), row 4 asked of it in step 1
 * and row 3 in step 6.
 */
#include "celsp.h"

static LONG background_closes;
static HANDLE background_idle;      /* set while no background close runs */
static INIT_ONCE idle_once = INIT_ONCE_STATIC_INIT;

enum { DRAIN_POLL_MS = 5, CALLS_LEAVE_MS = 5000 };

/* Bytes the peer has not acknowledged; 0 for sockets with no connection. */
static DWORD send_backlog(struct lsp_socket *so)
{
    DWORD queued = 0, returned = 0;
    struct sockaddr_storage peer;
    int err, len = sizeof(peer), ready;
    fd_set writable;
    TIMEVAL zero = { 0, 0 };

    if (so->lower->procs.lpWSPIoctl(so->link.handle, SIO_CEWS_SEND_BACKLOG, NULL, 0, &queued,
                                    sizeof(queued), &returned, NULL, NULL, NULL, &err) == 0)
        return queued;
    /* a provider below that cannot tell (SIO_CEWS_LINGER_MECHANISM NONE):
     * a connected socket that cannot take more data has data queued; one
     * that can is taken as drained.  Never silently: diagnostic.c says so. */
    if (so->lower->procs.lpWSPGetPeerName(so->link.handle, (struct sockaddr *)&peer, &len, &err))
        return 0;
    diagnostic_linger_approximate();
    FD_ZERO(&writable);
    FD_SET(so->link.handle, &writable);
    ready = so->lower->procs.lpWSPSelect(0, NULL, &writable, NULL, &zero, &err);
    return ready == 1 ? 0 : 1;
}

static void silence_notifications(struct lsp_socket *so)
{
    int err;
    if (so->event_selected)
        so->lower->procs.lpWSPEventSelect(so->link.handle, NULL, 0, &err);
    if (so->async_selected)
        so->lower->procs.lpWSPAsyncSelect(so->link.handle, NULL, 0, 0, &err);
}

/*
 * Cancels everything pending and waits for the calls inside to leave.
 * Each CancelIoEx is a server round trip that Wine makes longer the more
 * operations the process has pending anywhere, so it is skipped when this
 * socket never issued anything that could pend, and repeated only when a
 * call was inside the socket when the close began.  Such a call may start
 * its operation in the provider below just after a cancel, and then leave:
 * so once the last one has left, one more cancel catches what it started.
 * (The socket is out of the table by now, so no call can enter any more:
 * the count taken before the first cancel is the whole story.)
 */
static void cancel_pending(struct lsp_socket *so)
{
    DWORD returned;
    int err;

    /* an IFS handle is a kernel file: the kernel cancels its I/O; a handle
     * of a non-IFS provider only that provider can cancel (cews2.h) */
    if (so->lower->info.dwServiceFlags1 & XP1_IFS_HANDLES)
        CancelIoEx((HANDLE)so->link.handle, NULL);
    else
        so->lower->procs.lpWSPIoctl(so->link.handle, SIO_CEWS_CANCEL, NULL, 0, NULL, 0, &returned,
                                    NULL, NULL, NULL, &err);
}

/*
 * others: another handle of this process still refers to the socket
 * (shared_socket.c).  Then nothing is cancelled, as on Windows: a cancel
 * is by socket and would abort what is pending through the others; what
 * this handle issued ends with the last handle's close.  A call blocked
 * inside this very handle is still woken (contract 3), which may abort
 * the others' operations too: that case is rare and said in the docs.
 */
static void cancel_and_drain(struct lsp_socket *so, BOOL others)
{
    ULONGLONG deadline = GetTickCount64() + CALLS_LEAVE_MS;
    /* our own reference is the one left when no call is inside */
    BOOL calls_inside = socket_context_refs(so) > 1;

    if (!calls_inside && (others || !shared_socket_io_issued(so)))
        return;
    cancel_pending(so);
    while (socket_context_refs(so) > 1 && GetTickCount64() < deadline) {
        Sleep(1);
        /* a call that had not reached the provider below at the last cancel */
        cancel_pending(so);
    }
    /* what the calls started between the last cancel and their leaving */
    if (calls_inside)
        cancel_pending(so);
}

/* After a close the provider below did itself (row 4 over a NATIVE
 * provider, nothing queued): its handle value may already name another
 * socket, so nothing is asked of it any more; calls inside only leave. */
static void drain_only(struct lsp_socket *so)
{
    ULONGLONG deadline = GetTickCount64() + CALLS_LEAVE_MS;
    while (socket_context_refs(so) > 1 && GetTickCount64() < deadline)
        Sleep(1);
}

static int close_graceful(struct lsp_socket *so, LPINT err)
{
    return so->lower->procs.lpWSPCloseSocket(so->link.handle, err);
}

/* A zero linger below us asks the provider below for an abortive close. */
static int close_hard(struct lsp_socket *so, LPINT err)
{
    struct linger abort_now = { 1, 0 };
    so->lower->procs.lpWSPSetSockOpt(so->link.handle, SOL_SOCKET, SO_LINGER,
                                     (const char *)&abort_now, sizeof(abort_now), err);
    return so->lower->procs.lpWSPCloseSocket(so->link.handle, err);
}

/* Waits until the peer has everything (graceful) or the interval ends (reset). */
static int close_after_linger(struct lsp_socket *so, unsigned interval_s, BOOL native, LPINT err)
{
    ULONGLONG deadline = GetTickCount64() + (ULONGLONG)interval_s * 1000;

    /* the provider below waits and resets itself */
    if (native)
        return native_close_lingering(so, interval_s, err);
    for (;;) {
        ULONGLONG now;
        if (send_backlog(so) == 0)
            return close_graceful(so, err);
        now = GetTickCount64();
        if (now >= deadline)
            return close_hard(so, err);
        Sleep((DWORD)(deadline - now < DRAIN_POLL_MS ? deadline - now : DRAIN_POLL_MS));
    }
}

static BOOL CALLBACK init_idle(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once; (void)param; (void)ctx;
    background_idle = CreateEventW(NULL, TRUE, TRUE, NULL);
    return background_idle != NULL;
}

struct background_close {
    struct lsp_socket *so;
    unsigned interval;
    BOOL native;
};

static DWORD WINAPI background_close_thread(void *arg)
{
    struct background_close *job = arg;
    int err;

    close_after_linger(job->so, job->interval, job->native, &err);
    socket_context_dereference(job->so);
    free(job);
    if (InterlockedDecrement(&background_closes) == 0)
        SetEvent(background_idle);
    return 0;
}

/* The note's behaviour: the caller returns at once; the linger goes on here. */
static int close_in_background(struct lsp_socket *so, unsigned interval, BOOL native, LPINT err)
{
    struct background_close *job = malloc(sizeof(*job));
    HANDLE thread;

    InitOnceExecuteOnce(&idle_once, init_idle, NULL, NULL);
    if (!job)
        return close_after_linger(so, interval, native, err);
    job->so = so;
    job->interval = interval;
    job->native = native;
    socket_context_reference(so);
    if (InterlockedIncrement(&background_closes) == 1)
        ResetEvent(background_idle);
    thread = CreateThread(NULL, 0, background_close_thread, job, 0, NULL);
    if (!thread) {
        if (InterlockedDecrement(&background_closes) == 0)
            SetEvent(background_idle);
        socket_context_dereference(so);
        free(job);
        return close_after_linger(so, interval, native, err);
    }
    CloseHandle(thread);
    *err = 0;
    return 0;
}

void close_wait_background(void)
{
    InitOnceExecuteOnce(&idle_once, init_idle, NULL, NULL);
    WaitForSingleObject(background_idle, INFINITE);
}

/*
 * WHY: the reason celsp exists.  The host closes without linger, without
 * reset, and cancels pending calls with the wrong codes or not at all; this
 * function gives the reference page's behaviour over any provider below.
 */
int WSPAPI lsp_close_socket(SOCKET s, LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    struct linger_state state;
    enum close_action action;
    DWORD queued = 0;
    BOOL lingers, native = FALSE, closed_below = FALSE, others;
    int result;

    if (!so)
        return SOCKET_ERROR;
    /* 1. the row of the table */
    AcquireSRWLockShared(&so->lock);
    state.stream = so->type == SOCK_STREAM;
    state.onoff = so->linger.l_onoff != 0;
    state.interval = so->linger.l_linger;
    state.nonblocking = so->nonblocking;
    state.note = so->linger_note;
    ReleaseSRWLockShared(&so->lock);
    lingers = state.stream && state.onoff && state.interval;
    if (lingers)
        native = native_linger_mechanism(so) == CEWS_LINGER_MECHANISM_NATIVE;
    /* over a NATIVE provider the backlog is its own to judge: the row is
     * chosen as if data were queued, and CLOSE_WOULD_BLOCK then means "ask
     * the provider below" (native_close_nonblocking) */
    if (native)
        queued = 1;
    else if (lingers)
        queued = send_backlog(so);
    action = linger_decide(&state, queued);
    if (action == CLOSE_WOULD_BLOCK && native) {
        /* row 4 is the provider's own answer, asked before anything changed */
        result = native_close_nonblocking(so, state.interval, err);
        if (result == SOCKET_ERROR && *err == WSAEWOULDBLOCK) {
            socket_context_dereference(so);
            return SOCKET_ERROR;
        }
        closed_below = result == 0;
        action = CLOSE_GRACEFUL_NOW;
    }
    if (action == CLOSE_WOULD_BLOCK) {
        socket_context_dereference(so);
        *err = WSAEWOULDBLOCK;
        return SOCKET_ERROR;
    }
    /* 2. the handle dies for everyone else */
    if (!socket_context_begin_close(so)) {
        socket_context_dereference(so);
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    /* 3-5. no notification, nothing pending, nobody inside (closed below:
     * its own close aborted what was pending, as Windows' close does) */
    others = shared_socket_leave(so);
    if (closed_below) {
        drain_only(so);
        socket_context_dereference(so);
        *err = 0;
        return 0;
    }
    silence_notifications(so);
    cancel_and_drain(so, others);
    /* 6. close as the row says */
    switch (action) {
    case CLOSE_HARD_NOW:
        result = close_hard(so, err);
        break;
    case CLOSE_WAIT_THEN_DECIDE:
        result = close_after_linger(so, state.interval, native, err);
        break;
    case CLOSE_IN_BACKGROUND:
        result = close_in_background(so, state.interval, native, err);
        break;
    default:
        result = close_graceful(so, err);
        break;
    }
    socket_context_dereference(so);
    return result;
}
