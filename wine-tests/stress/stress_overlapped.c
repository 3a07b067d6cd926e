/*
 * stress_overlapped.c - the scenarios of pending calls closed under:
 * overlapped requests completing exactly once (OV_EVENT, OV_ROUTINE,
 * OV_PORT), blocked calls returning (BLOCKED), overlapped calls racing
 * closesocket (OV_RACE).
 */
#include "stress_worker.h"

static void CALLBACK routine(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    struct op *o = CONTAINING_RECORD(ov, struct op, ov);
    (void)flags;
    if (o->magic != OP_MAGIC)
        return;
    o->err = err;
    o->bytes = bytes;
    InterlockedIncrement(&o->count);
}

static struct op *op_new(struct worker *w)
{
    struct op *o = calloc(1, sizeof(*o));
    size_t slot = w->ring_next++ % RING;
    if (!o)
        return NULL;
    o->magic = OP_MAGIC;
    /* the oldest request leaves the ring: it must have completed exactly once */
    if (w->ring[slot]) {
        if (w->ring[slot]->count > 1)
            w->r.ov_duplicate++;
        w->ring[slot]->magic = 0;
        free(w->ring[slot]);
    }
    w->ring[slot] = o;
    return o;
}

static struct op *op_find(struct worker *w, LPOVERLAPPED ov)
{
    for (size_t i = 0; i < RING; i++)
        if (w->ring[i] && &w->ring[i]->ov == ov)
            return w->ring[i];
    return NULL;
}

void drain_port(struct worker *w, DWORD ms)
{
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;

    for (;;) {
        ov = NULL;
        BOOL ok = GetQueuedCompletionStatus(w->port_handle, &bytes, &key, &ov, ms);
        if (!ov)
            return;
        struct op *o = op_find(w, ov);
        if (!o) {
            fail_note(w, "completion port: a packet for an unknown request");
            continue;
        }
        o->err = ok ? 0 : GetLastError();
        o->bytes = bytes;
        InterlockedIncrement(&o->count);
    }
}

void sc_overlapped(struct worker *w, int mode)
{
    static const char *names[] = { "event", "routine", "port" };
    SOCKET c, a;
    int lk, graceful;
    DWORD len = rnd(w) % (unsigned)w->cfg->max_send + 1, n, flags = 0;
    struct op *r, *s;
    WSABUF rb, sb;

    if (own_pair(w, &c, &a))
        return;
    r = op_new(w);
    s = op_new(w);
    if (!r || !s) {
        fail_note(w, "out of memory");
        closesocket(c);
        closesocket(a);
        return;
    }
    graceful = set_linger(w, c, &lk);
    if (mode == 0) {
        r->ov.hEvent = WSACreateEvent();
        s->ov.hEvent = WSACreateEvent();
    } else if (mode == 2) {
        if (!CreateIoCompletionPort((HANDLE)c, w->port_handle, 0x57, 0))
            fail_note(w, "CreateIoCompletionPort: %lu", GetLastError());
    }
    rb.buf = r->buf; rb.len = sizeof(r->buf);
    sb.buf = (char *)stress_send_pattern; sb.len = len;
    s->is_send = 1;
    s->expect_bytes = len;
    if (WSARecv(c, &rb, 1, &n, &flags, &r->ov, mode == 1 ? routine : NULL) == 0)
        fail_note(w, "overlapped %s: WSARecv completed at once with nothing sent", names[mode]);
    else if (WSAGetLastError() != WSA_IO_PENDING)
        fail_note(w, "overlapped %s: WSARecv: %d", names[mode], WSAGetLastError());
    int send_issued = WSASend(c, &sb, 1, &n, 0, &s->ov, mode == 1 ? routine : NULL) == 0
                      || WSAGetLastError() == WSA_IO_PENDING;
    if (!send_issued)
        fail_note(w, "overlapped %s: WSASend: %d", names[mode], WSAGetLastError());
    w->r.ov_issued += 1 + send_issued;
    w->r.bytes_sent += len;

    /* a random moment: at once, after yielding, or after a millisecond or two */
    DWORD d = rnd(w) % 4;
    if (d)
        SleepEx(d - 1, mode == 1);
    close_ok(w, c, "overlapped");

    /* every request completes, exactly once */
    double end = tu_now_ms() + WAIT_MS;
    struct op *ops[2] = { r, s };
    int want = 1 + send_issued;
    for (;;) {
        int done = 0;
        if (mode == 0) {
            for (int i = 0; i < want; i++)
                if (WaitForSingleObject(ops[i]->ov.hEvent, 0) == WAIT_OBJECT_0) {
                    if (!ops[i]->count) {
                        DWORD b = 0;
                        ops[i]->count = 1;
                        ops[i]->err = GetOverlappedResult((HANDLE)c, &ops[i]->ov, &b, FALSE) ? 0 : GetLastError();
                        ops[i]->bytes = b;
                    }
                }
        } else if (mode == 1) {
            SleepEx(0, TRUE);
        } else {
            drain_port(w, 0);
        }
        for (int i = 0; i < want; i++)
            done += ops[i]->count > 0;
        if (done == want || tu_now_ms() > end)
            break;
        if (mode == 1)
            SleepEx(5, TRUE);
        else if (mode == 2)
            drain_port(w, 5);
        else
            Sleep(1);
    }
    long long sent_ok = 0;
    for (int i = 0; i < want; i++) {
        struct op *o = ops[i];
        if (o->count == 0) {
            w->r.ov_missing++;
            fail_note(w, "overlapped %s: %s never completed", names[mode], o->is_send ? "WSASend" : "WSARecv");
            continue;
        }
        if (o->count > 1) {
            w->r.ov_duplicate++;
            fail_note(w, "overlapped %s: %s completed %ld times", names[mode], o->is_send ? "WSASend" : "WSARecv",
                      (long)o->count);
            continue;
        }
        int valid = o->is_send ? ((o->err == 0 && o->bytes == o->expect_bytes) || o->err == WSA_OPERATION_ABORTED)
                               : o->err == WSA_OPERATION_ABORTED;
        if (!valid) {
            w->r.ov_bad_code++;
            fail_note(w, "overlapped %s: %s completed with %lu (%lu bytes)", names[mode],
                      o->is_send ? "WSASend" : "WSARecv", o->err, o->bytes);
            continue;
        }
        w->r.ov_once++;
        if (o->is_send && o->err == 0)
            sent_ok = o->bytes;
    }
    read_own_peer(w, a, graceful, sent_ok, (long long)len, names[mode]);
    if (mode == 0) {
        WSACloseEvent(r->ov.hEvent);
        WSACloseEvent(s->ov.hEvent);
        r->ov.hEvent = s->ov.hEvent = NULL;
    }
}

DWORD WINAPI blocker_main(void *arg)
{
    struct blocker *b = arg;
    char buf[64];

    for (;;) {
        WaitForSingleObject(b->go, INFINITE);
        if (b->quit)
            return 0;
        WSASetLastError(0);
        if (b->op == 0) {
            b->result = recv(b->s, buf, sizeof(buf), 0);
        } else if (b->op == 1) {
            fd_set rd;
            FD_ZERO(&rd);
            FD_SET(b->s, &rd);
            b->result = select(0, &rd, NULL, NULL, NULL);
        } else {
            WSABUF wb = { sizeof(buf), buf };
            DWORD n, fl = 0;
            b->result = WSARecv(b->s, &wb, 1, &n, &fl, NULL, NULL);
        }
        b->err = WSAGetLastError();
        SetEvent(b->done);
    }
}

static const char *blocked_names[] = { "recv", "select", "WSARecv" };

int sc_blocked(struct worker *w)
{
    SOCKET c, a;
    int lk, graceful;

    if (own_pair(w, &c, &a))
        return 0;
    graceful = set_linger(w, c, &lk);
    w->b.s = c;
    w->b.op = (int)(rnd(w) % 3);
    ResetEvent(w->b.done);
    SetEvent(w->b.go);
    DWORD d = rnd(w) % 4;
    if (d)
        Sleep(d - 1);
    AcquireSRWLockExclusive(&stress_creation_lock);
    close_ok(w, c, "blocked");
    w->r.blocked++;
    DWORD waited = WaitForSingleObject(w->b.done, WAIT_MS);
    ReleaseSRWLockExclusive(&stress_creation_lock);
    if (waited != WAIT_OBJECT_0) {
        w->r.blocked_hung++;
        fail_note(w, "blocked %s did not return within %d ms of closesocket", blocked_names[w->b.op], WAIT_MS);
        closesocket(a);
        return -1;      /* the blocker is stuck: this worker cannot go on */
    }
    w->r.blocked_returned++;
    if (w->b.result == SOCKET_ERROR && w->b.err == WSAEINTR)
        w->r.codes_eintr++;
    else if (w->b.result == SOCKET_ERROR && w->b.err == WSAENOTSOCK)
        w->r.codes_enotsock++;
    else {
        w->r.blocked_bad_code++;
        fail_note(w, "blocked %s returned %d, error %d (linger kind %d, close after %lu ms)", blocked_names[w->b.op],
                  w->b.result, w->b.err, lk, d ? d - 1 : 0);
    }
    read_own_peer(w, a, graceful, 0, 0, "blocked");
    return 0;
}

/* ---- overlapped calls racing closesocket ---------------------------------------- */

/* Race ops stay alive for RING rounds of the scenario, so that a late
 * completion of a call reported failed would still be counted; the one
 * leaving the ring gets its verdict. */
static struct ovrace_op *race_op_new(struct worker *w)
{
    size_t slot = w->race_next++ % RING;
    struct ovrace_op *old = w->race_ring[slot];

    if (old) {
        ovrace_pump(&w->race, 0);
        ovrace_judge(old, &w->r.race);
        free(old);
    }
    w->race_ring[slot] = calloc(1, sizeof(struct ovrace_op));
    return w->race_ring[slot];
}

void race_judge_all(struct worker *w)
{
    ovrace_pump(&w->race, 100);
    for (size_t i = 0; i < RING; i++) {
        if (!w->race_ring[i])
            continue;
        ovrace_judge(w->race_ring[i], &w->r.race);
        free(w->race_ring[i]);
        w->race_ring[i] = NULL;
    }
}

void sc_ov_race(struct worker *w)
{
    enum ovrace_call call = rnd(w) % 2 ? OVRACE_SEND : OVRACE_RECV;
    enum ovrace_via via = (enum ovrace_via)(rnd(w) % 3);
    struct ovrace_op *op = race_op_new(w);
    static __thread char buf[16384];
    SOCKET c, a;
    int n;

    if (!op) {
        fail_note(w, "out of memory");
        return;
    }
    if (own_pair(w, &c, &a))
        return;
    /* the handle value is free the moment the close returns: no socket of
     * ours may be created under it before the call has been made on it */
    AcquireSRWLockExclusive(&stress_creation_lock);
    ovrace_round(&w->race, call, via, c, op, &w->r.race);
    ReleaseSRWLockExclusive(&stress_creation_lock);
    /* the peer: whatever the send got out, then the end of the stream */
    while ((n = recv(a, buf, sizeof(buf), 0)) > 0)
        ;
    if (n == SOCKET_ERROR && WSAGetLastError() == WSAETIMEDOUT)
        fail_note(w, "race: the peer saw no end of stream within %d ms", WAIT_MS);
    close_ok(w, a, "race peer");
}
