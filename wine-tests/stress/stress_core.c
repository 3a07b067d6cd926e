/*
 * stress_core.c - see stress_core.h.  #included by stress.c and by
 * test_stress_short.c (one translation unit each), so that the long and the
 * short profile run the same code without extra build rules.
 */
#include "stress_core.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEND_MAX        32768
#define WAIT_MS         10000       /* a completion, a blocked call or a peer later than this: a hang */
#define OP_MAGIC        0x5354524fu
#define RING            4096        /* overlapped requests kept alive to catch late duplicates */

static unsigned char send_pattern[SEND_MAX];

/*
 * A socket handle value is free for reuse the moment closesocket returns.
 * A blocked-call scenario whose other thread had not yet entered its call
 * at the close would then call into whatever socket another worker just
 * opened under the same value (a test artefact that looks like a stack bug:
 * a recv that steals another connection's data).  So sockets of our stack
 * are created under this lock held shared, and a blocked-call scenario holds
 * it exclusively from its closesocket until the blocked call has returned.
 */
static SRWLOCK creation_lock = SRWLOCK_INIT;
static INIT_ONCE pattern_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK fill_pattern(PINIT_ONCE o, PVOID p, PVOID *c)
{
    (void)o; (void)p; (void)c;
    tu_fill(send_pattern, 0, sizeof(send_pattern));
    return TRUE;
}

/* Wine 8 answers GetProcessHandleCount with 0; then count the handles
 * themselves: Wine hands out the lowest free slot of the process's handle
 * table (values 4, 8, 12, ...), so a scan that stops after a long run of
 * invalid values sees them all. */
static long scan_handles(void)
{
    long n = 0, gap = 0;
    for (UINT_PTR v = 4; gap < 4096; v += 4) {
        DWORD flags;
        if (GetHandleInformation((HANDLE)v, &flags)) {
            n++;
            gap = 0;
        } else {
            gap++;
        }
    }
    return n;
}

static int handle_count_scanned;

long stress_handle_count(void)
{
    DWORD n = 0;
    if (GetProcessHandleCount(GetCurrentProcess(), &n) && n > 0)
        return (long)n;
    handle_count_scanned = 1;
    return scan_handles();
}

unsigned long long stress_private_bytes(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    unsigned long long sum = 0;
    const char *p = NULL;

    while (VirtualQuery(p, &mbi, sizeof(mbi)) == sizeof(mbi)) {
        if (mbi.State == MEM_COMMIT && mbi.Type == MEM_PRIVATE)
            sum += mbi.RegionSize;
        p = (const char *)mbi.BaseAddress + mbi.RegionSize;
        if (p < (const char *)mbi.BaseAddress)
            break;
    }
    return sum;
}

/* ---- per-thread state ----------------------------------------------------------- */

struct op {
    WSAOVERLAPPED ov;
    unsigned magic;
    volatile LONG count;        /* completions seen */
    DWORD err, bytes;
    int is_send;
    DWORD expect_bytes;
    char buf[64];
};

struct blocker {
    HANDLE thread, go, done;
    SOCKET s;
    int op;                     /* 0 recv, 1 select, 2 WSARecv (not overlapped) */
    int result, err;
    volatile LONG quit;
};

struct worker {
    const struct stress_tcp_cfg *cfg;
    struct stress_tcp_result r;     /* this thread's counts, summed at the end */
    unsigned rng;
    int index;
    SOCKET listener;
    unsigned short port;
    HANDLE port_handle;             /* completion port */
    struct op *ring[RING];
    size_t ring_next;
    struct blocker b;
    struct ovrace race;             /* OV_RACE: the closing thread */
    struct ovrace_op *race_ring[RING];
    size_t race_next;
};

static unsigned rnd(struct worker *w)
{
    unsigned x = w->rng;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return w->rng = x ? x : 0x9e3779b9u;
}

static void fail_note(struct worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_note(struct worker *w, const char *fmt, ...)
{
    char text[320];
    va_list ap;
    int n = snprintf(text, sizeof(text), "thread %d: ", w->index);

    va_start(ap, fmt);
    vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
    va_end(ap);
    /* the first few of each thread, as they happen */
    if (w->r.errors < 10)
        fprintf(stderr, "stress: %s\n", text);
    w->r.errors++;
    if (!w->r.first_error[0])
        memcpy(w->r.first_error, text, sizeof(text));
}

/* 0 default, 1 SO_DONTLINGER, 2 SO_LINGER {1,0}, 3 SO_LINGER {1,1..2}; returns 1 if graceful */
static int set_linger(struct worker *w, SOCKET s, int *kind)
{
    int k = (int)(rnd(w) % 4);
    *kind = k;
    if (k == 1) {
        BOOL on = TRUE;
        if (setsockopt(s, SOL_SOCKET, SO_DONTLINGER, (char *)&on, sizeof(on)))
            fail_note(w, "setsockopt(SO_DONTLINGER): %d", WSAGetLastError());
    } else if (k >= 2) {
        struct linger lg = { 1, (u_short)(k == 2 ? 0 : 1 + rnd(w) % 2) };
        if (setsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&lg, sizeof(lg)))
            fail_note(w, "setsockopt(SO_LINGER): %d", WSAGetLastError());
    }
    return k != 2;
}

static int own_pair(struct worker *w, SOCKET *c, SOCKET *a)
{
    AcquireSRWLockShared(&creation_lock);
    *c = tu_connect(AF_INET, w->port);
    if (*c == INVALID_SOCKET) {
        ReleaseSRWLockShared(&creation_lock);
        fail_note(w, "connect: %d", WSAGetLastError());
        return -1;
    }
    *a = accept(w->listener, NULL, NULL);
    ReleaseSRWLockShared(&creation_lock);
    if (*a == INVALID_SOCKET) {
        fail_note(w, "accept: %d", WSAGetLastError());
        closesocket(*c);
        return -1;
    }
    tu_set_timeouts(*a, WAIT_MS);
    return 0;
}

/* The peer's view after our close: graceful must give exactly `sent_ok..sent_max`
 * bytes then FIN (sent_ok = bytes whose send completed); hard: pattern only. */
static void judge_peer(struct worker *w, int graceful, long long got, int pattern_ok, int fin,
                       long long sent_ok, long long sent_max, const char *who)
{
    if (got > 0)
        w->r.bytes_peer += got;
    if (graceful) {
        w->r.graceful++;
        if (fin && pattern_ok && got >= sent_ok && got <= sent_max)
            w->r.graceful_ok++;
        else
            fail_note(w, "%s: graceful close: peer got %lld bytes (completed %lld, issued %lld), %s, pattern %s",
                      who, got, sent_ok, sent_max, fin ? "FIN" : "no FIN", pattern_ok ? "ok" : "BAD");
    } else {
        w->r.hard++;
        if (pattern_ok && got <= sent_max)
            w->r.hard_ok++;
        else
            fail_note(w, "%s: hard close: peer got %lld bytes of %lld, pattern %s", who, got, sent_max,
                      pattern_ok ? "ok" : "BAD");
    }
}

static void read_own_peer(struct worker *w, SOCKET a, int graceful, long long sent_ok, long long sent_max,
                          const char *who)
{
    int pattern_ok = 1;
    long long got = 0;
    static __thread char buf[16384];
    int fin = 0;

    for (;;) {
        int n = recv(a, buf, sizeof(buf), 0);
        if (n == 0) { fin = 1; break; }
        if (n == SOCKET_ERROR) {
            int e = WSAGetLastError();
            if (e == WSAETIMEDOUT)
                fail_note(w, "%s: peer recv timed out after %lld bytes (a hang)", who, got);
            else if (graceful || (e != WSAECONNRESET && e != WSAECONNABORTED))
                fail_note(w, "%s: peer recv failed %d after %lld bytes", who, e, got);
            break;
        }
        if (pattern_ok && tu_check(buf, (unsigned long long)got, (size_t)n) != (size_t)-1)
            pattern_ok = 0;
        got += n;
    }
    if (closesocket(a))
        fail_note(w, "%s: closesocket(peer): %d", who, WSAGetLastError());
    judge_peer(w, graceful, got, pattern_ok, fin || !graceful, sent_ok, sent_max, who);
}

static int close_ok(struct worker *w, SOCKET s, const char *who)
{
    if (closesocket(s) == 0)
        return 1;
    fail_note(w, "%s: closesocket: %d", who, WSAGetLastError());
    return 0;
}

/* ---- scenarios -------------------------------------------------------------------- */

static void sc_host_peer(struct worker *w)
{
    hostpeer_tcp_opts o;
    hostpeer_result res;
    int lk, graceful;
    int len = (int)(rnd(w) % (unsigned)w->cfg->max_send) + 1;

    memset(&o, 0, sizeof(o));
    o.family = AF_INET;
    o.check_pattern = 1;
    o.probe_reset = 1;
    hostpeer_listener *l = hostpeer_tcp_listen(&o);
    if (!l) {
        fail_note(w, "hostpeer_tcp_listen: %s", hostpeer_error_text());
        return;
    }
    AcquireSRWLockShared(&creation_lock);
    SOCKET s = tu_connect(AF_INET, hostpeer_listener_port(l));
    ReleaseSRWLockShared(&creation_lock);
    if (s == INVALID_SOCKET) {
        fail_note(w, "connect to host peer: %d", WSAGetLastError());
        hostpeer_listener_free(l);
        return;
    }
    graceful = set_linger(w, s, &lk);
    if (tu_send_all(s, send_pattern, (size_t)len))
        fail_note(w, "host peer: send: %d", WSAGetLastError());
    w->r.bytes_sent += len;
    close_ok(w, s, "host peer");
    if (!hostpeer_listener_wait(l, WAIT_MS, &res))
        fail_note(w, "host peer: no end of stream within %d ms (a hang)", WAIT_MS);
    judge_peer(w, graceful, (long long)res.bytes, res.pattern_ok, res.end == HOSTPEER_FIN, len, len,
               "host peer");
    /* a reset can take a connection out of the peer's accept queue before
     * the peer accepts it: it then sees no connection at all */
    if (!graceful && res.end != HOSTPEER_RESET && res.end != HOSTPEER_FIN && res.end != HOSTPEER_NOCONN)
        fail_note(w, "host peer: hard close ended %s (error %d)", hostpeer_end_name(res.end), res.error);
    hostpeer_listener_free(l);
}

/* Attribution only (scenario mask STRESS_MASK_HOST_ONLY): the host-peer
 * scenario with the client side on the host's ws2_32 too, none of our
 * stack involved; what it costs in handles and memory is Wine's and the
 * host peer's, not ours. */
static void sc_host_only(struct worker *w)
{
    hostpeer_tcp_opts o;
    hostpeer_result res;
    int len = (int)(rnd(w) % (unsigned)w->cfg->max_send) + 1;

    memset(&o, 0, sizeof(o));
    o.family = AF_INET;
    o.check_pattern = 1;
    o.probe_reset = 1;
    hostpeer_listener *l = hostpeer_tcp_listen(&o);
    if (!l) {
        fail_note(w, "hostpeer_tcp_listen: %s", hostpeer_error_text());
        return;
    }
    hostpeer_sock s = hostpeer_tcp_connect(AF_INET, hostpeer_listener_port(l));
    if (s == HOSTPEER_BAD || hostpeer_send(s, send_pattern, len) < 0)
        fail_note(w, "host only: connect/send: %d", hostpeer_last_error());
    w->r.bytes_sent += len;
    if (s != HOSTPEER_BAD)
        hostpeer_close(s);
    if (!hostpeer_listener_wait(l, WAIT_MS, &res))
        fail_note(w, "host only: no end of stream within %d ms", WAIT_MS);
    judge_peer(w, 1, (long long)res.bytes, res.pattern_ok, res.end == HOSTPEER_FIN, len, len, "host only");
    hostpeer_listener_free(l);
}

static void sc_own_peer(struct worker *w)
{
    SOCKET c, a;
    int lk, graceful;
    int len = (int)(rnd(w) % (unsigned)w->cfg->max_send) + 1;

    if (own_pair(w, &c, &a))
        return;
    graceful = set_linger(w, c, &lk);
    if (tu_send_all(c, send_pattern, (size_t)len))
        fail_note(w, "own peer: send: %d", WSAGetLastError());
    w->r.bytes_sent += len;
    close_ok(w, c, "own peer");
    read_own_peer(w, a, graceful, len, len, "own peer");
}

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

static void drain_port(struct worker *w, DWORD ms)
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

static void sc_overlapped(struct worker *w, int mode)
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
    sb.buf = (char *)send_pattern; sb.len = len;
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

static DWORD WINAPI blocker_main(void *arg)
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

static int sc_blocked(struct worker *w)
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
    AcquireSRWLockExclusive(&creation_lock);
    close_ok(w, c, "blocked");
    w->r.blocked++;
    DWORD waited = WaitForSingleObject(w->b.done, WAIT_MS);
    ReleaseSRWLockExclusive(&creation_lock);
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

static void race_judge_all(struct worker *w)
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

static void sc_ov_race(struct worker *w)
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
    AcquireSRWLockExclusive(&creation_lock);
    ovrace_round(&w->race, call, via, c, op, &w->r.race);
    ReleaseSRWLockExclusive(&creation_lock);
    /* the peer: whatever the send got out, then the end of the stream */
    while ((n = recv(a, buf, sizeof(buf), 0)) > 0)
        ;
    if (n == SOCKET_ERROR && WSAGetLastError() == WSAETIMEDOUT)
        fail_note(w, "race: the peer saw no end of stream within %d ms", WAIT_MS);
    close_ok(w, a, "race peer");
}

/* ---- workers ---------------------------------------------------------------------- */

static DWORD WINAPI worker_main(void *arg)
{
    struct worker *w = arg;
    int n = w->cfg->sockets_per_thread;

    AcquireSRWLockShared(&creation_lock);
    w->listener = tu_listener(AF_INET, SOCK_STREAM, &w->port);
    ReleaseSRWLockShared(&creation_lock);
    w->port_handle = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    w->b.go = CreateEventW(NULL, FALSE, FALSE, NULL);
    w->b.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    w->b.thread = CreateThread(NULL, 0, blocker_main, &w->b, 0, NULL);
    if (w->listener == INVALID_SOCKET || !w->port_handle || !w->b.thread ||
        ovrace_start(&w->race, w->rng)) {
        fail_note(w, "worker set-up failed: %d / %lu", WSAGetLastError(), GetLastError());
        return 1;
    }
    int stuck = 0;
    for (int i = 0; i < n && !stuck; i++) {
        enum stress_scenario sc = (enum stress_scenario)(rnd(w) % SC_COUNT);
        if (w->cfg->scenario_mask == STRESS_MASK_HOST_ONLY) {
            w->r.connections++;
            sc_host_only(w);
            continue;
        }
        if (w->cfg->scenario_mask && !(w->cfg->scenario_mask & (1u << sc)))
            continue;
        w->r.by_scenario[sc]++;
        w->r.connections++;
        switch (sc) {
        case SC_HOST_PEER:  sc_host_peer(w); break;
        case SC_OWN_PEER:   sc_own_peer(w); break;
        case SC_OV_EVENT:   sc_overlapped(w, 0); break;
        case SC_OV_ROUTINE: sc_overlapped(w, 1); break;
        case SC_OV_PORT:    sc_overlapped(w, 2); break;
        case SC_BLOCKED:    stuck = sc_blocked(w) != 0; break;
        case SC_OV_RACE:    sc_ov_race(w); break;
        case SC_COUNT:      break;
        }
        if (w->cfg->progress && (i + 1) % w->cfg->progress == 0) {
            printf("  thread %d: %d/%d connections, %lld errors\n", w->index, i + 1, n, w->r.errors);
            fflush(stdout);
        }
    }
    /* late duplicates: give routines and the port a last chance to misbehave */
    SleepEx(50, TRUE);
    drain_port(w, 50);
    for (size_t i = 0; i < RING; i++) {
        if (!w->ring[i])
            continue;
        if (w->ring[i]->count > 1)
            w->r.ov_duplicate++;
        w->ring[i]->magic = 0;
        free(w->ring[i]);
        w->ring[i] = NULL;
    }
    race_judge_all(w);
    ovrace_stop(&w->race);
    closesocket(w->listener);
    CloseHandle(w->port_handle);
    if (!stuck) {
        w->b.quit = 1;
        SetEvent(w->b.go);
        WaitForSingleObject(w->b.thread, WAIT_MS);
    }
    CloseHandle(w->b.thread);
    CloseHandle(w->b.go);
    CloseHandle(w->b.done);
    return 0;
}

static void add_result(struct stress_tcp_result *to, const struct stress_tcp_result *from)
{
    to->connections += from->connections;
    for (int i = 0; i < SC_COUNT; i++)
        to->by_scenario[i] += from->by_scenario[i];
    to->bytes_sent += from->bytes_sent;
    to->bytes_peer += from->bytes_peer;
    to->graceful += from->graceful;
    to->graceful_ok += from->graceful_ok;
    to->hard += from->hard;
    to->hard_ok += from->hard_ok;
    to->ov_issued += from->ov_issued;
    to->ov_once += from->ov_once;
    to->ov_missing += from->ov_missing;
    to->ov_duplicate += from->ov_duplicate;
    to->ov_bad_code += from->ov_bad_code;
    to->blocked += from->blocked;
    to->blocked_returned += from->blocked_returned;
    to->blocked_hung += from->blocked_hung;
    to->blocked_bad_code += from->blocked_bad_code;
    to->codes_eintr += from->codes_eintr;
    to->codes_enotsock += from->codes_enotsock;
    to->errors += from->errors;
    ovrace_tally_add(&to->race, &from->race);
    if (!to->first_error[0] && from->first_error[0])
        memcpy(to->first_error, from->first_error, sizeof(to->first_error));
}

static int run_workers(const struct stress_tcp_cfg *cfg, struct stress_tcp_result *r)
{
    int t = cfg->threads;
    struct worker *w = calloc((size_t)t, sizeof(*w));
    HANDLE *h = calloc((size_t)t, sizeof(HANDLE));
    int hung = 0;

    if (!w || !h) {
        free(w);
        free(h);
        return -1;
    }
    for (int i = 0; i < t; i++) {
        w[i].cfg = cfg;
        w[i].index = i;
        w[i].rng = cfg->seed * 2654435761u + (unsigned)i * 40503u + 1;
        h[i] = CreateThread(NULL, 0, worker_main, &w[i], 0, NULL);
    }
    for (int i = 0; i < t; i++) {
        if (!h[i])
            continue;
        /* a generous bound: the slowest worker of a long run takes minutes */
        if (WaitForSingleObject(h[i], INFINITE) != WAIT_OBJECT_0)
            hung++;
        CloseHandle(h[i]);
        add_result(r, &w[i].r);
    }
    free(w);
    free(h);
    return hung;
}

int stress_tcp(const struct stress_tcp_cfg *cfg_in, struct stress_tcp_result *r)
{
    struct stress_tcp_cfg cfg = *cfg_in, warm;
    struct stress_tcp_result scratch;

    InitOnceExecuteOnce(&pattern_once, fill_pattern, NULL, NULL);
    memset(r, 0, sizeof(*r));
    if (cfg.max_send <= 0 || cfg.max_send > SEND_MAX)
        cfg.max_send = SEND_MAX;
    if (hostpeer_init()) {
        snprintf(r->first_error, sizeof(r->first_error), "hostpeer: %s", hostpeer_error_text());
        r->errors = 1;
        return -1;
    }
    /* warm-up: every scenario once or more, so that libraries, thread pools
     * and first-use allocations are in place before the baseline */
    warm = cfg;
    warm.sockets_per_thread = 24;
    warm.progress = 0;
    memset(&scratch, 0, sizeof(scratch));
    run_workers(&warm, &scratch);
    Sleep(300);

    r->handles_before = stress_handle_count();
    r->private_before = stress_private_bytes();
    double t0 = tu_now_ms();
    run_workers(&cfg, r);
    r->seconds = (tu_now_ms() - t0) / 1000.0;
    /* background closes and the providers' own clean-up settle */
    Sleep(500);
    r->handles_after = stress_handle_count();
    r->private_after = stress_private_bytes();
    if (scratch.errors && !r->first_error[0]) {
        r->errors += scratch.errors;
        snprintf(r->first_error, sizeof(r->first_error), "warm-up: %s", scratch.first_error);
    }
    return r->errors ? -1 : 0;
}

int stress_tcp_ok(const struct stress_tcp_result *r)
{
    return r->errors == 0 && r->ov_missing == 0 && r->ov_duplicate == 0 && r->ov_bad_code == 0
        && r->blocked_hung == 0 && r->blocked_bad_code == 0 && r->graceful_ok == r->graceful
        && r->hard_ok == r->hard && r->ov_once == r->ov_issued && r->blocked_returned == r->blocked
        && ovrace_tally_ok(&r->race);
}

/* ---- open/close cycles ------------------------------------------------------------ */

static double slope(const double *x, const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i];
    }
    double d = n * sxx - sx * sx;
    return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

int stress_cycles(const struct stress_cycles_cfg *cfg, struct stress_cycles_result *r)
{
    int samples = cfg->samples < 4 ? 4 : cfg->samples;
    double *x = calloc((size_t)samples + 1, sizeof(double));
    double *hy = calloc((size_t)samples + 1, sizeof(double));
    double *my = calloc((size_t)samples + 1, sizeof(double));
    long every = cfg->cycles / samples;
    int k = 0;
    unsigned short port = 0;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);

    memset(r, 0, sizeof(*r));
    if (!x || !hy || !my || l == INVALID_SOCKET || every < 1) {
        snprintf(r->first_error, sizeof(r->first_error), "set-up failed");
        r->errors = 1;
        free(x); free(hy); free(my);
        if (l != INVALID_SOCKET)
            closesocket(l);
        return -1;
    }
    double t0 = tu_now_ms();
    for (long i = 0; i < cfg->cycles; i++) {
        if (i % every == 0 && k <= samples) {
            x[k] = (double)i;
            hy[k] = (double)stress_handle_count();
            my[k] = (double)stress_private_bytes();
            if (k == 0) {
                r->handles_start = (long)hy[0];
                r->private_start = (unsigned long long)my[0];
            }
            k++;
        }
        if (i % 16 == 15) {
            SOCKET c = tu_connect(AF_INET, port), a = INVALID_SOCKET;
            if (c != INVALID_SOCKET)
                a = accept(l, NULL, NULL);
            if (c == INVALID_SOCKET || a == INVALID_SOCKET) {
                r->errors++;
                if (!r->first_error[0])
                    snprintf(r->first_error, sizeof(r->first_error), "cycle %ld: pair: %d", i, WSAGetLastError());
            }
            if (c != INVALID_SOCKET) closesocket(c);
            if (a != INVALID_SOCKET) closesocket(a);
            continue;
        }
        int udp = i % 2;
        SOCKET s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, udp ? IPPROTO_UDP : IPPROTO_TCP);
        if (s == INVALID_SOCKET) {
            r->errors++;
            if (!r->first_error[0])
                snprintf(r->first_error, sizeof(r->first_error), "cycle %ld: socket: %d", i, WSAGetLastError());
            continue;
        }
        if (i % 4 == 0) {
            struct sockaddr_storage ss;
            int len = tu_loopback(AF_INET, 0, &ss);
            if (bind(s, (struct sockaddr *)&ss, len)) {
                r->errors++;
                if (!r->first_error[0])
                    snprintf(r->first_error, sizeof(r->first_error), "cycle %ld: bind: %d", i, WSAGetLastError());
            }
        }
        if (closesocket(s)) {
            r->errors++;
            if (!r->first_error[0])
                snprintf(r->first_error, sizeof(r->first_error), "cycle %ld: closesocket: %d", i, WSAGetLastError());
        }
        r->cycles = i + 1;
    }
    r->cycles = cfg->cycles;
    r->seconds = (tu_now_ms() - t0) / 1000.0;
    closesocket(l);
    Sleep(200);
    r->handles_end = stress_handle_count();
    r->private_end = stress_private_bytes();
    x[k] = (double)cfg->cycles;
    hy[k] = (double)r->handles_end;
    my[k] = (double)r->private_end;
    k++;
    int skip = k / 10;
    r->handles_per_cycle = slope(x + skip, hy + skip, k - skip);
    r->bytes_per_cycle = slope(x + skip, my + skip, k - skip);
    free(x); free(hy); free(my);
    return r->errors ? -1 : 0;
}
