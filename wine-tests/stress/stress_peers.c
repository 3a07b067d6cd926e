/*
 * stress_peers.c - a worker's helpers (random numbers, failure notes, linger
 * settings, a pair of our own sockets, the peer's verdict), and the
 * scenarios judged by what a peer received: HOST_PEER, host only, OWN_PEER.
 */
#include "stress_worker.h"

unsigned rnd(struct worker *w)
{
    unsigned x = w->rng;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return w->rng = x ? x : 0x9e3779b9u;
}

void fail_note(struct worker *w, const char *fmt, ...)
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
int set_linger(struct worker *w, SOCKET s, int *kind)
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

int own_pair(struct worker *w, SOCKET *c, SOCKET *a)
{
    AcquireSRWLockShared(&stress_creation_lock);
    *c = tu_connect(AF_INET, w->port);
    if (*c == INVALID_SOCKET) {
        ReleaseSRWLockShared(&stress_creation_lock);
        fail_note(w, "connect: %d", WSAGetLastError());
        return -1;
    }
    *a = accept(w->listener, NULL, NULL);
    ReleaseSRWLockShared(&stress_creation_lock);
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

void read_own_peer(struct worker *w, SOCKET a, int graceful, long long sent_ok, long long sent_max,
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

int close_ok(struct worker *w, SOCKET s, const char *who)
{
    if (closesocket(s) == 0)
        return 1;
    fail_note(w, "%s: closesocket: %d", who, WSAGetLastError());
    return 0;
}

/* ---- scenarios -------------------------------------------------------------------- */

void sc_host_peer(struct worker *w)
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
    AcquireSRWLockShared(&stress_creation_lock);
    SOCKET s = tu_connect(AF_INET, hostpeer_listener_port(l));
    ReleaseSRWLockShared(&stress_creation_lock);
    if (s == INVALID_SOCKET) {
        fail_note(w, "connect to host peer: %d", WSAGetLastError());
        hostpeer_listener_free(l);
        return;
    }
    graceful = set_linger(w, s, &lk);
    if (tu_send_all(s, stress_send_pattern, (size_t)len))
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
void sc_host_only(struct worker *w)
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
    if (s == HOSTPEER_BAD || hostpeer_send(s, stress_send_pattern, len) < 0)
        fail_note(w, "host only: connect/send: %d", hostpeer_last_error());
    w->r.bytes_sent += len;
    if (s != HOSTPEER_BAD)
        hostpeer_close(s);
    if (!hostpeer_listener_wait(l, WAIT_MS, &res))
        fail_note(w, "host only: no end of stream within %d ms", WAIT_MS);
    judge_peer(w, 1, (long long)res.bytes, res.pattern_ok, res.end == HOSTPEER_FIN, len, len, "host only");
    hostpeer_listener_free(l);
}

void sc_own_peer(struct worker *w)
{
    SOCKET c, a;
    int lk, graceful;
    int len = (int)(rnd(w) % (unsigned)w->cfg->max_send) + 1;

    if (own_pair(w, &c, &a))
        return;
    graceful = set_linger(w, c, &lk);
    if (tu_send_all(c, stress_send_pattern, (size_t)len))
        fail_note(w, "own peer: send: %d", WSAGetLastError());
    w->r.bytes_sent += len;
    close_ok(w, c, "own peer");
    read_own_peer(w, a, graceful, len, len, "own peer");
}
