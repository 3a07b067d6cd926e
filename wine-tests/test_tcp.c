/*
 * test_tcp.c - TCP through our stack over loopback: echo with an
 * independent host peer and between two of our own sockets, bulk transfers
 * with a byte-pattern check, the three overlapped completion styles,
 * select(), WSAEventSelect(), names, shutdown, IPv6.
 */
#include "closeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BULK (4u << 20)           /* 4 MiB */

static int group_setup(void **state)
{
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return -1;
    }
    return tu_group_startup(state);
}

static void need_ipv6(void)
{
    if (!hostpeer_have_ipv6()) {
        printf("    (the host cannot bind ::1: skipped)\n");
        skip();
    }
}

/* Our accepted socket *a, connected to a host-side client *h (closeutil.c),
 * with the suite's I/O time limits. */
static void timed_host_pair(SOCKET *a, hostpeer_sock *h)
{
    host_pair(a, h);
    assert_int_equal(tu_set_timeouts(*a, IO_TIMEOUT), 0);
}

/* Send total pattern bytes in chunks, reading each chunk's echo back. */
static void echo_roundtrip(SOCKET c, size_t total, size_t chunk)
{
    char *out = malloc(chunk), *in = malloc(chunk);
    for (size_t off = 0; off < total; off += chunk) {
        size_t n = total - off < chunk ? total - off : chunk;
        tu_fill(out, off, n);
        int e = tu_send_all(c, out, n);
        if (e) fail_msg("send at %lu: %d", (unsigned long)off, e);
        e = tu_recv_all(c, in, n);
        if (e) fail_msg("recv of echo at %lu: %d", (unsigned long)off, e);
        size_t bad = tu_check(in, off, n);
        if (bad != (size_t)-1) fail_msg("echo differs at offset %lu", (unsigned long)(off + bad));
    }
    free(out);
    free(in);
}

/* ---- echo with the host peer ------------------------------------------------------ */

static void echo_with_host_peer(int family)
{
    hostpeer_tcp_opts o = { .family = family, .echo = 1, .check_pattern = 1 };
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);
    SOCKET c = tu_connect(family, hostpeer_listener_port(hl));
    if (c == INVALID_SOCKET)
        fail_msg("connect: %d", WSAGetLastError());
    assert_int_equal(tu_set_timeouts(c, IO_TIMEOUT), 0);
    tu_log("connected to the host echo peer on %s port %u", family == AF_INET6 ? "[::1]" : "127.0.0.1",
           hostpeer_listener_port(hl));

    double t0 = tu_now_ms();
    echo_roundtrip(c, 256 * 1024, 8192);
    tu_log("256 KiB echoed back in 8 KiB chunks, pattern ok (%.0f ms)", tu_now_ms() - t0);
    assert_int_equal(shutdown(c, SD_SEND), 0);
    char b[16];
    /* The echo peer answers our FIN with its own after echoing everything. */
    assert_int_equal(recv(c, b, sizeof(b), 0), 0);
    assert_int_equal(closesocket(c), 0);

    hostpeer_result r;
    assert_true(hostpeer_listener_wait(hl, 10000, &r));
    assert_int_equal(r.end, HOSTPEER_FIN);
    assert_int_equal(r.bytes, 256 * 1024);
    assert_int_equal(r.echoed, 256 * 1024);
    assert_true(r.pattern_ok);
    tu_log("host peer: received %.0f bytes, echoed %.0f, ended with %s", (double)r.bytes, (double)r.echoed,
           hostpeer_end_name(r.end));
    hostpeer_listener_free(hl);
}

static void echo_client_to_host_peer_v4(void **state) { (void)state; echo_with_host_peer(AF_INET); }
static void echo_client_to_host_peer_v6(void **state) { (void)state; need_ipv6(); echo_with_host_peer(AF_INET6); }

/* ---- bulk to the host peer ----------------------------------------------------------- */

static void bulk_to_host_peer(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { .family = AF_INET, .check_pattern = 1 };
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);
    SOCKET c = tu_connect(AF_INET, hostpeer_listener_port(hl));
    assert_true(c != INVALID_SOCKET);
    assert_int_equal(tu_set_timeouts(c, IO_TIMEOUT), 0);
    char *buf = malloc(BULK);
    tu_fill(buf, 0, BULK);
    double t0 = tu_now_ms();
    assert_int_equal(tu_send_all(c, buf, BULK), 0);
    assert_int_equal(shutdown(c, SD_SEND), 0);
    hostpeer_result r;
    assert_true(hostpeer_listener_wait(hl, 60000, &r));
    tu_log("4 MiB to host peer in %.0f ms", r.end_ms - t0);
    assert_int_equal(r.end, HOSTPEER_FIN);
    assert_int_equal(r.bytes, BULK);
    if (!r.pattern_ok)
        fail_msg("host peer saw wrong byte at offset %.0f", (double)r.first_bad);
    assert_int_equal(closesocket(c), 0);
    free(buf);
    hostpeer_listener_free(hl);
}

/* ---- our server <-> our client ----------------------------------------------------------- */

typedef struct bulk_client {
    SOCKET s;
    size_t send_bytes;
    int send_err;
    long long received;
    int pattern_ok;
} bulk_client;

static DWORD WINAPI bulk_client_thread(void *arg)
{
    bulk_client *b = arg;
    char *buf = malloc(b->send_bytes);
    tu_fill(buf, 0, b->send_bytes);
    b->send_err = tu_send_all(b->s, buf, b->send_bytes);
    if (!b->send_err && shutdown(b->s, SD_SEND))
        b->send_err = WSAGetLastError();
    free(buf);
    b->received = tu_recv_to_eof(b->s, 0, &b->pattern_ok);
    return 0;
}

static void our_server_our_client(int family)
{
    SOCKET c, a;
    int e = tu_tcp_pair(family, &c, &a);
    if (e) fail_msg("tcp pair: %d", e);
    assert_int_equal(tu_set_timeouts(c, IO_TIMEOUT), 0);
    assert_int_equal(tu_set_timeouts(a, IO_TIMEOUT), 0);

    /* small echo first: client -> server -> client */
    char msg[] = "ping through ce-winsock", got[sizeof(msg)];
    assert_int_equal(send(c, msg, sizeof(msg), 0), sizeof(msg));
    assert_int_equal(tu_recv_all(a, got, sizeof(msg)), 0);
    assert_memory_equal(got, msg, sizeof(msg));
    assert_int_equal(send(a, got, sizeof(got), 0), sizeof(got));
    memset(got, 0, sizeof(got));
    assert_int_equal(tu_recv_all(c, got, sizeof(msg)), 0);
    assert_memory_equal(got, msg, sizeof(msg));

    /* bulk both ways: client sends 4 MiB then FIN; server checks, answers 3 MiB */
    tu_log("small echo through our client and our server ok");
    double t0 = tu_now_ms();
    bulk_client b = { .s = c, .send_bytes = BULK };
    HANDLE th = CreateThread(NULL, 0, bulk_client_thread, &b, 0, NULL);
    int ok;
    long long n = tu_recv_to_eof(a, 0, &ok);
    if (n != BULK || !ok) {
        WaitForSingleObject(th, 60000);
        fail_msg("server received %.0f bytes (pattern %s), expected %u", (double)n, ok ? "ok" : "BAD", BULK);
    }
    size_t back = 3u << 20;
    char *buf = malloc(back);
    tu_fill(buf, 0, back);
    assert_int_equal(tu_send_all(a, buf, back), 0);
    free(buf);
    assert_int_equal(shutdown(a, SD_SEND), 0);
    assert_int_equal(WaitForSingleObject(th, 60000), WAIT_OBJECT_0);
    CloseHandle(th);
    assert_int_equal(b.send_err, 0);
    assert_int_equal(b.received, (long long)back);
    assert_true(b.pattern_ok);
    tu_log("client -> server %u bytes, server -> client %u bytes, both pattern-checked, FIN both ways (%.0f ms)",
           BULK, (unsigned)back, tu_now_ms() - t0);
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(a), 0);
}

static void our_server_our_client_v4(void **state) { (void)state; our_server_our_client(AF_INET); }
static void our_server_our_client_v6(void **state) { (void)state; need_ipv6(); our_server_our_client(AF_INET6); }

/* ---- host client -> our server ---------------------------------------------------------------- */

static void host_client_to_our_server(void **state)
{
    (void)state;
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    assert_true(l != INVALID_SOCKET);
    hostpeer_sock h = hostpeer_tcp_connect(AF_INET, port);
    assert_true(h != HOSTPEER_BAD);
    struct sockaddr_storage from, hname;
    int flen = sizeof(from), hlen = sizeof(hname);
    SOCKET a = accept(l, (struct sockaddr *)&from, &flen);
    if (a == INVALID_SOCKET)
        fail_msg("accept: %d", WSAGetLastError());
    assert_int_equal(hostpeer_getsockname(h, (struct sockaddr *)&hname, &hlen), 0);
    /* accept reports the host client's own address */
    assert_int_equal(flen, sizeof(struct sockaddr_in));
    assert_int_equal(from.ss_family, AF_INET);
    assert_true(tu_is_loopback((struct sockaddr *)&from));
    assert_int_equal(tu_port_of((struct sockaddr *)&from), tu_port_of((struct sockaddr *)&hname));
    assert_int_equal(tu_set_timeouts(a, IO_TIMEOUT), 0);

    char out[3000], in[3000];
    tu_fill(out, 0, sizeof(out));
    assert_int_equal(hostpeer_send(h, out, sizeof(out)), 0);
    assert_int_equal(tu_recv_all(a, in, sizeof(in)), 0);
    assert_memory_equal(in, out, sizeof(out));
    assert_int_equal(tu_send_all(a, in, sizeof(in)), 0);
    size_t got = 0;
    while (got < sizeof(in)) {
        int n = hostpeer_recv(h, in + got, (int)(sizeof(in) - got), 10000);
        if (n <= 0) fail_msg("host recv: %d (error %d)", n, hostpeer_last_error());
        got += (size_t)n;
    }
    assert_memory_equal(in, out, sizeof(out));
    /* closing our side: the host client sees the end of stream */
    assert_int_equal(closesocket(a), 0);
    assert_int_equal(hostpeer_recv(h, in, sizeof(in), 10000), 0);
    hostpeer_close(h);
    assert_int_equal(closesocket(l), 0);
}

/* ---- names ---------------------------------------------------------------------------------- */

static void sockname_and_peername(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { .family = AF_INET };
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);
    unsigned short lport = hostpeer_listener_port(hl);
    SOCKET c = tu_connect(AF_INET, lport);
    assert_true(c != INVALID_SOCKET);

    struct sockaddr_storage ss;
    int len = sizeof(ss);
    assert_int_equal(getpeername(c, (struct sockaddr *)&ss, &len), 0);
    assert_int_equal(len, sizeof(struct sockaddr_in));
    assert_int_equal(ss.ss_family, AF_INET);
    assert_true(tu_is_loopback((struct sockaddr *)&ss));
    assert_int_equal(tu_port_of((struct sockaddr *)&ss), lport);

    len = sizeof(ss);
    assert_int_equal(getsockname(c, (struct sockaddr *)&ss, &len), 0);
    assert_int_equal(len, sizeof(struct sockaddr_in));
    assert_true(tu_is_loopback((struct sockaddr *)&ss));
    unsigned short myport = tu_port_of((struct sockaddr *)&ss);
    assert_true(myport != 0);

    /* the host peer saw a connection from exactly that address */
    hostpeer_result r;
    double t0 = tu_now_ms();
    do { hostpeer_listener_peek(hl, &r); if (r.accepted) break; Sleep(10); } while (tu_now_ms() - t0 < 10000);
    assert_true(r.accepted);
    assert_int_equal(tu_port_of((struct sockaddr *)&r.remote), myport);

    /* an unconnected socket has no peer name */
    SOCKET u = socket(AF_INET, SOCK_STREAM, 0);
    len = sizeof(ss);
    assert_wsa_fail(getpeername(u, (struct sockaddr *)&ss, &len), SOCKET_ERROR, WSAENOTCONN);
    closesocket(u);
    assert_int_equal(closesocket(c), 0);
    hostpeer_listener_free(hl);
}

/* ---- shutdown(SD_SEND) --------------------------------------------------------------------------- */

static void shutdown_send_peer_sees_fin(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { .family = AF_INET, .check_pattern = 1 };
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);
    SOCKET c = tu_connect(AF_INET, hostpeer_listener_port(hl));
    assert_true(c != INVALID_SOCKET);
    char buf[1000];
    tu_fill(buf, 0, sizeof(buf));
    assert_int_equal(send(c, buf, sizeof(buf), 0), sizeof(buf));
    assert_int_equal(shutdown(c, SD_SEND), 0);
    /* The FIN arrives while our socket is still open. */
    hostpeer_result r;
    if (!hostpeer_listener_wait(hl, 10000, &r))
        fail_msg("no FIN at the peer 10 s after shutdown(SD_SEND) (%.0f bytes seen)", (double)r.bytes);
    assert_int_equal(r.end, HOSTPEER_FIN);
    assert_int_equal(r.bytes, sizeof(buf));
    assert_true(r.pattern_ok);
    /* sending after shutdown(SD_SEND) fails */
    assert_wsa_fail(send(c, buf, 1, 0), SOCKET_ERROR, WSAESHUTDOWN);
    assert_int_equal(closesocket(c), 0);
    hostpeer_listener_free(hl);
}

/* ---- overlapped: event ----------------------------------------------------------------------------- */

static void host_recv_exact(hostpeer_sock h, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        int r = hostpeer_recv(h, buf + got, (int)(n - got), 10000);
        if (r <= 0) fail_msg("host recv after %lu of %lu bytes: %d (error %d)", (unsigned long)got, (unsigned long)n, r, hostpeer_last_error());
        got += (size_t)r;
    }
}

static void overlapped_event(void **state)
{
    (void)state;
    SOCKET a; hostpeer_sock h;
    timed_host_pair(&a, &h);

    char rbuf[100];
    WSABUF wb = { sizeof(rbuf), rbuf };
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    DWORD n = 0, flags = 0;
    assert_wsa_fail(WSARecv(a, &wb, 1, &n, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_wsa_fail(WSAGetOverlappedResult(a, &ov, &n, FALSE, &flags), FALSE, WSA_IO_INCOMPLETE);
    Sleep(100);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);

    const char msg[] = "hello, overlapped";
    assert_int_equal(hostpeer_send(h, msg, sizeof(msg)), 0);
    assert_int_equal(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 10000, FALSE), WSA_WAIT_EVENT_0);
    n = 0; flags = 0xff;
    if (!WSAGetOverlappedResult(a, &ov, &n, FALSE, &flags))
        fail_msg("WSAGetOverlappedResult: %d", WSAGetLastError());
    assert_int_equal(n, sizeof(msg));
    assert_int_equal(flags, 0);
    assert_memory_equal(rbuf, msg, sizeof(msg));

    /* overlapped send of 64 KiB, waited for with fWait = TRUE */
    size_t big = 65536;
    char *sbuf = malloc(big), *hbuf = malloc(big);
    tu_fill(sbuf, 0, big);
    WSABUF sb = { (ULONG)big, sbuf };
    WSAResetEvent(ov.hEvent);
    int r = WSASend(a, &sb, 1, &n, 0, &ov, NULL);
    if (r == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING)
        fail_msg("WSASend: %d", WSAGetLastError());
    host_recv_exact(h, hbuf, big);
    assert_memory_equal(hbuf, sbuf, big);
    n = 0;
    if (!WSAGetOverlappedResult(a, &ov, &n, TRUE, &flags))
        fail_msg("WSAGetOverlappedResult(send): %d", WSAGetLastError());
    assert_int_equal(n, big);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    free(sbuf); free(hbuf);
    WSACloseEvent(ov.hEvent);
    assert_int_equal(closesocket(a), 0);
    hostpeer_close(h);
}

/* ---- overlapped: completion routine ---------------------------------------------------------------- */

static struct {
    volatile LONG calls;
    DWORD error, bytes, flags, thread;
    LPWSAOVERLAPPED ov;
} cr;

static void CALLBACK completion_routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    InterlockedIncrement(&cr.calls);
    cr.error = error;
    cr.bytes = bytes;
    cr.ov = ov;
    cr.flags = flags;
    cr.thread = GetCurrentThreadId();
}

static void wait_alertable_for_calls(LONG want, DWORD ms)
{
    double t0 = tu_now_ms();
    while (cr.calls < want && tu_now_ms() - t0 < ms)
        SleepEx(50, TRUE);
    /* give a duplicate call a chance to show up */
    SleepEx(300, TRUE);
}

static void overlapped_completion_routine(void **state)
{
    (void)state;
    SOCKET a; hostpeer_sock h;
    timed_host_pair(&a, &h);
    memset(&cr, 0, sizeof(cr));

    char rbuf[64];
    WSABUF wb = { sizeof(rbuf), rbuf };
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    DWORD n = 0, flags = 0;
    assert_wsa_fail(WSARecv(a, &wb, 1, &n, &flags, &ov, completion_routine), SOCKET_ERROR, WSA_IO_PENDING);

    assert_int_equal(hostpeer_send(h, "0123456789", 10), 0);
    /* not alertable: the routine must not run yet */
    Sleep(500);
    assert_int_equal(cr.calls, 0);
    wait_alertable_for_calls(1, 10000);
    assert_int_equal(cr.calls, 1);
    assert_int_equal(cr.error, 0);
    assert_int_equal(cr.bytes, 10);
    assert_ptr_equal(cr.ov, &ov);
    assert_int_equal(cr.thread, GetCurrentThreadId());
    assert_memory_equal(rbuf, "0123456789", 10);

    /* a send with a completion routine: also exactly once, in this thread */
    memset(&cr, 0, sizeof(cr));
    char sbuf[5000];
    tu_fill(sbuf, 0, sizeof(sbuf));
    WSABUF sb = { sizeof(sbuf), sbuf };
    memset(&ov, 0, sizeof(ov));
    int r = WSASend(a, &sb, 1, &n, 0, &ov, completion_routine);
    if (r == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING)
        fail_msg("WSASend: %d", WSAGetLastError());
    wait_alertable_for_calls(1, 10000);
    assert_int_equal(cr.calls, 1);
    assert_int_equal(cr.error, 0);
    assert_int_equal(cr.bytes, sizeof(sbuf));
    assert_int_equal(cr.thread, GetCurrentThreadId());
    char hb[5000];
    host_recv_exact(h, hb, sizeof(hb));
    assert_memory_equal(hb, sbuf, sizeof(sbuf));

    assert_int_equal(closesocket(a), 0);
    hostpeer_close(h);
}

/* ---- overlapped: completion port --------------------------------------------------------------------- */

static void overlapped_completion_port(void **state)
{
    (void)state;
    SOCKET a; hostpeer_sock h;
    timed_host_pair(&a, &h);
    HANDLE port = CreateIoCompletionPort((HANDLE)a, NULL, 0x5151, 0);
    if (!port)
        fail_msg("CreateIoCompletionPort on the SOCKET handle failed: %lu", GetLastError());

    char rbuf[64], sbuf[1000];
    tu_fill(sbuf, 0, sizeof(sbuf));
    WSABUF rb = { sizeof(rbuf), rbuf }, sb = { sizeof(sbuf), sbuf };
    WSAOVERLAPPED ovr, ovs;
    memset(&ovr, 0, sizeof(ovr));
    memset(&ovs, 0, sizeof(ovs));
    DWORD n, flags = 0;
    assert_wsa_fail(WSARecv(a, &rb, 1, &n, &flags, &ovr, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    int r = WSASend(a, &sb, 1, &n, 0, &ovs, NULL);
    if (r == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING)
        fail_msg("WSASend: %d", WSAGetLastError());
    char hb[1000];
    host_recv_exact(h, hb, sizeof(hb));
    assert_memory_equal(hb, sbuf, sizeof(sbuf));
    assert_int_equal(hostpeer_send(h, "twenty bytes exactly", 20), 0);

    int got_r = 0, got_s = 0;
    for (int i = 0; i < 2; i++) {
        DWORD bytes = 0; ULONG_PTR key = 0; LPOVERLAPPED pov = NULL;
        if (!GetQueuedCompletionStatus(port, &bytes, &key, &pov, 10000))
            fail_msg("packet %d: GetQueuedCompletionStatus failed: %lu (pov %p)", i, GetLastError(), (void *)pov);
        assert_int_equal(key, 0x5151);
        if (pov == (LPOVERLAPPED)&ovr) { got_r++; assert_int_equal(bytes, 20); }
        else if (pov == (LPOVERLAPPED)&ovs) { got_s++; assert_int_equal(bytes, sizeof(sbuf)); }
        else fail_msg("packet with unknown overlapped %p", (void *)pov);
    }
    assert_int_equal(got_r, 1);
    assert_int_equal(got_s, 1);
    assert_memory_equal(rbuf, "twenty bytes exactly", 20);
    /* and nothing more */
    DWORD bytes; ULONG_PTR key; LPOVERLAPPED pov = NULL;
    assert_false(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 300));
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
    assert_null(pov);

    assert_int_equal(closesocket(a), 0);
    CloseHandle(port);
    hostpeer_close(h);
}

/* ---- select ---------------------------------------------------------------------------------------------- */

static void select_readability_writability(void **state)
{
    (void)state;
    SOCKET a; hostpeer_sock h;
    timed_host_pair(&a, &h);
    SOCKET c, a2;
    assert_int_equal(tu_tcp_pair(AF_INET, &c, &a2), 0);

    fd_set rd, wr;
    struct timeval tv = { 0, 300000 };
    FD_ZERO(&rd); FD_SET(a, &rd);
    double t0 = tu_now_ms();
    assert_int_equal(select(0, &rd, NULL, NULL, &tv), 0);
    double el = tu_now_ms() - t0;
    tu_log("select(read, 300 ms) timed out after %.1f ms", el);
    if (el < 250 || el > 5000)
        fail_msg("select with a 300 ms timeout returned after %.1f ms", el);
    assert_int_equal(rd.fd_count, 0);

    /* writable at once */
    tv.tv_sec = 5; tv.tv_usec = 0;
    FD_ZERO(&wr); FD_SET(a, &wr);
    t0 = tu_now_ms();
    assert_int_equal(select(0, NULL, &wr, NULL, &tv), 1);
    el = tu_now_ms() - t0;
    assert_true(FD_ISSET(a, &wr));
    if (el > 2000) fail_msg("writability took %.1f ms", el);

    /* data from the host: a becomes readable, c (idle) stays out of the set */
    assert_int_equal(hostpeer_send(h, "x", 1), 0);
    tv.tv_sec = 10; tv.tv_usec = 0;
    FD_ZERO(&rd); FD_SET(c, &rd); FD_SET(a, &rd);
    assert_int_equal(select(0, &rd, NULL, NULL, &tv), 1);
    assert_true(FD_ISSET(a, &rd));
    assert_false(FD_ISSET(c, &rd));
    char b;
    assert_int_equal(recv(a, &b, 1, 0), 1);
    assert_int_equal(b, 'x');

    /* FIN from the host: readable, recv returns 0 */
    assert_int_equal(hostpeer_shutdown(h, SD_SEND), 0);
    tv.tv_sec = 10;
    FD_ZERO(&rd); FD_SET(a, &rd);
    assert_int_equal(select(0, &rd, NULL, NULL, &tv), 1);
    assert_int_equal(recv(a, &b, 1, 0), 0);

    closesocket(c); closesocket(a2);
    assert_int_equal(closesocket(a), 0);
    hostpeer_close(h);
}

/* ---- WSAEventSelect ----------------------------------------------------------------------------------------- */

static long wait_events(SOCKET s, WSAEVENT ev, long want, DWORD ms, WSANETWORKEVENTS *all)
{
    long seen = 0;
    double t0 = tu_now_ms();
    memset(all, 0, sizeof(*all));
    while ((seen & want) != want && tu_now_ms() - t0 < ms) {
        DWORD w = WSAWaitForMultipleEvents(1, &ev, TRUE, 200, FALSE);
        if (w != WSA_WAIT_EVENT_0) continue;
        WSANETWORKEVENTS ne;
        if (WSAEnumNetworkEvents(s, ev, &ne)) fail_msg("WSAEnumNetworkEvents: %d", WSAGetLastError());
        seen |= ne.lNetworkEvents;
        all->lNetworkEvents |= ne.lNetworkEvents;
        for (int i = 0; i < FD_MAX_EVENTS; i++)
            if (ne.lNetworkEvents & (1 << i)) all->iErrorCode[i] = ne.iErrorCode[i];
    }
    return seen;
}

static void event_select_read_write_close(void **state)
{
    (void)state;
    SOCKET a; hostpeer_sock h;
    timed_host_pair(&a, &h);
    WSAEVENT ev = WSACreateEvent();
    WSANETWORKEVENTS ne;
    assert_int_equal(WSAEventSelect(a, ev, FD_READ | FD_WRITE | FD_CLOSE), 0);

    long seen = wait_events(a, ev, FD_WRITE, 5000, &ne);
    if (!(seen & FD_WRITE)) fail_msg("no FD_WRITE on a connected socket (seen %#lx)", seen);
    assert_int_equal(ne.iErrorCode[FD_WRITE_BIT], 0);
    /* WSAEnumNetworkEvents reset the event */
    assert_int_equal(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);

    /* WSAEventSelect made the socket non-blocking */
    char buf[16];
    assert_wsa_fail(recv(a, buf, sizeof(buf), 0), SOCKET_ERROR, WSAEWOULDBLOCK);

    assert_int_equal(hostpeer_send(h, "abcde", 5), 0);
    seen = wait_events(a, ev, FD_READ, 10000, &ne);
    if (!(seen & FD_READ)) fail_msg("no FD_READ after the peer sent data (seen %#lx)", seen);
    assert_int_equal(ne.iErrorCode[FD_READ_BIT], 0);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 5);
    assert_memory_equal(buf, "abcde", 5);

    assert_int_equal(hostpeer_shutdown(h, SD_SEND), 0);
    seen = wait_events(a, ev, FD_CLOSE, 10000, &ne);
    if (!(seen & FD_CLOSE)) fail_msg("no FD_CLOSE after the peer's FIN (seen %#lx)", seen);
    assert_int_equal(ne.iErrorCode[FD_CLOSE_BIT], 0);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 0);

    assert_int_equal(WSAEventSelect(a, NULL, 0), 0);
    WSACloseEvent(ev);
    assert_int_equal(closesocket(a), 0);
    hostpeer_close(h);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(echo_client_to_host_peer_v4),
        cmocka_unit_test(echo_client_to_host_peer_v6),
        cmocka_unit_test(bulk_to_host_peer),
        cmocka_unit_test(our_server_our_client_v4),
        cmocka_unit_test(our_server_our_client_v6),
        cmocka_unit_test(host_client_to_our_server),
        cmocka_unit_test(sockname_and_peername),
        cmocka_unit_test(shutdown_send_peer_sees_fin),
        cmocka_unit_test(overlapped_event),
        cmocka_unit_test(overlapped_completion_routine),
        cmocka_unit_test(overlapped_completion_port),
        cmocka_unit_test(select_readability_writability),
        cmocka_unit_test(event_select_read_write_close),
    };
    return cmocka_run_group_tests_name("tcp", tests, group_setup, tu_group_cleanup);
}
