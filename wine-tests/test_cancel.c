/*
 * test_cancel.c - closesocket interrupts blocking calls and lets the lower
 * socket go with the last reference (the closesocket contract in
 * DESIGN.md, points 1 and 3, and the "last reference" sentence of the CE
 * 5.0 page), observed from outside:
 *
 *   - blocking recv / send / accept / select / WSARecv in another thread
 *     return SOCKET_ERROR with WSAEINTR within 1 s of the closesocket;
 *   - the lower socket goes with the last reference (an accepted socket
 *     outlives its listener; the peer sees the end only after a recv that
 *     was blocked in another thread has returned).
 *
 * Overlapped calls cancelled: test_cancel_overlapped.c; no FD_CLOSE:
 * test_close_fdclose.c; calls racing closesocket: test_close_races.c.
 *
 * After closesocket every use of the handle fails with WSAENOTSOCK, even
 * WSAGetOverlappedResult, so the result of a cancelled overlapped operation
 * is read from the OVERLAPPED itself (Internal == STATUS_CANCELLED) or with
 * kernel32's GetOverlappedResult on the (IFS) handle.
 *
 * No fixed ports; every wait is bounded, so a broken stack fails the test
 * instead of hanging it (a call that never returns is left behind in its
 * thread; the process exit ends it).  Shared helpers: closeutil.c.
 */
#include "closeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Our client connected to a host listener with options o. */
static SOCKET connect_to_peer(const hostpeer_tcp_opts *o, hostpeer_listener **hl)
{
    *hl = hostpeer_tcp_listen(o);
    if (!*hl)
        fail_msg("host listener: %s", hostpeer_error_text());
    SOCKET c = tu_connect(AF_INET, hostpeer_listener_port(*hl));
    if (c == INVALID_SOCKET)
        fail_msg("connect to the host peer: %d", WSAGetLastError());
    return c;
}

/* ---- blocking calls in another thread -------------------------------------------------------- */

enum blk_kind { BLK_RECV, BLK_SEND, BLK_ACCEPT, BLK_SELECT, BLK_WSARECV };
static const char *const blk_name[] = { "recv", "send", "accept", "select", "WSARecv" };

struct blocker {
    enum blk_kind kind;
    SOCKET s;               /* the socket the call is on (the one we close) */
    SOCKET first;           /* select: another socket placed BEFORE s in the set */
    char *buf;
    int len;
    volatile LONG entered;
    double done_ms;
    long long result;
    int err;
};

static DWORD WINAPI blocker_main(void *arg)
{
    struct blocker *b = arg;
    InterlockedExchange(&b->entered, 1);
    WSASetLastError(0);
    switch (b->kind) {
    case BLK_RECV:
        b->result = recv(b->s, b->buf, b->len, 0);
        break;
    case BLK_SEND:
        b->result = send(b->s, b->buf, b->len, 0);
        break;
    case BLK_ACCEPT: {
        SOCKET a = accept(b->s, NULL, NULL);
        b->result = a == INVALID_SOCKET ? SOCKET_ERROR : (long long)a;
        break;
    }
    case BLK_SELECT: {
        fd_set rd;
        struct timeval tv = { 20, 0 };     /* a broken stack returns 0 after 20 s */
        FD_ZERO(&rd);
        if (b->first != INVALID_SOCKET)
            FD_SET(b->first, &rd);
        FD_SET(b->s, &rd);
        b->result = select(0, &rd, NULL, NULL, &tv);
        break;
    }
    case BLK_WSARECV: {
        WSABUF wb = { (ULONG)b->len, b->buf };
        DWORD n = 0, flags = 0;
        int r = WSARecv(b->s, &wb, 1, &n, &flags, NULL, NULL);
        b->result = r == 0 ? (long long)n : SOCKET_ERROR;
        break;
    }
    }
    b->err = WSAGetLastError();
    b->done_ms = tu_now_ms();
    return 0;
}

/* Blockers live on the heap: when a test fails, the call may still be
 * pending in its thread, so the memory it writes to must outlive the test
 * (a failing test leaks it on purpose). */
static struct blocker *new_blocker(enum blk_kind kind, int len)
{
    struct blocker *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    b->kind = kind;
    b->first = INVALID_SOCKET;
    b->len = len;
    if (len) {
        b->buf = malloc((size_t)len);
        assert_non_null(b->buf);
    }
    return b;
}

static void free_blocker(struct blocker *b)
{
    free(b->buf);
    free(b);
}

/* Starts the call in a thread, lets it block, closes b->s from this thread
 * and checks the call came back with WSAEINTR within PROMPT_MS. */
static void close_interrupts(struct blocker *b)
{
    HANDLE t = CreateThread(NULL, 0, blocker_main, b, 0, NULL);
    assert_non_null(t);
    while (!b->entered)
        Sleep(1);
    Sleep(BLOCK_SETTLE);
    if (WaitForSingleObject(t, 0) != WAIT_TIMEOUT)
        fail_msg("blocking %s returned before closesocket: %lld, error %d",
                 blk_name[b->kind], b->result, b->err);

    double t0 = tu_now_ms();
    int r = closesocket(b->s);
    int e = WSAGetLastError();
    double t1 = tu_now_ms();
    if (r != 0)
        fail_msg("closesocket during a blocking %s: %d, error %d", blk_name[b->kind], r, e);
    if (WaitForSingleObject(t, THREAD_WAIT) != WAIT_OBJECT_0)
        fail_msg("blocking %s still blocked %d ms after closesocket (which took %.0f ms)",
                 blk_name[b->kind], THREAD_WAIT, t1 - t0);
    CloseHandle(t);
    tu_log("%s: back %.1f ms after closesocket began; closesocket took %.1f ms; result %lld error %d",
           blk_name[b->kind], b->done_ms - t0, t1 - t0, b->result, b->err);
    if (b->result != SOCKET_ERROR || b->err != WSAEINTR)
        fail_msg("blocking %s after closesocket: expected SOCKET_ERROR/WSAEINTR (%d), got %lld/error %d",
                 blk_name[b->kind], WSAEINTR, b->result, b->err);
    if (b->done_ms - t0 > PROMPT_MS)
        fail_msg("blocking %s came back %.0f ms after closesocket (limit %.0f ms)",
                 blk_name[b->kind], b->done_ms - t0, PROMPT_MS);
    assert_handle_dead(b->s);
}

static void blocking_recv_interrupted(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { .probe_reset = 1 };
    hostpeer_listener *hl;
    struct blocker *b = new_blocker(BLK_RECV, 256);
    b->s = connect_to_peer(&o, &hl);
    close_interrupts(b);
    free_blocker(b);
    /* default SO_DONTLINGER: a graceful close */
    hostpeer_result res;
    assert_int_equal(hostpeer_listener_wait(hl, 10000, &res), 1);
    if (res.end != HOSTPEER_FIN)
        fail_msg("peer saw %s (error %d), expected FIN", hostpeer_end_name(res.end), res.error);
    hostpeer_listener_free(hl);
}

static void blocking_send_interrupted(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { .no_read = 1 };
    hostpeer_listener *hl;
    struct blocker *b = new_blocker(BLK_SEND, 64 << 20);
    tu_fill(b->buf, 0, (size_t)b->len);
    b->s = connect_to_peer(&o, &hl);   /* the peer never reads: a 64 MiB send blocks */
    close_interrupts(b);
    free_blocker(b);
    hostpeer_listener_free(hl);
}

static void blocking_accept_interrupted(void **state)
{
    (void)state;
    unsigned short port;
    struct blocker *b = new_blocker(BLK_ACCEPT, 0);
    b->s = tu_listener(AF_INET, SOCK_STREAM, &port);
    if (b->s == INVALID_SOCKET)
        fail_msg("listener: %d", WSAGetLastError());
    close_interrupts(b);
    free_blocker(b);
    /* and the port no longer takes connections */
    hostpeer_sock h = hostpeer_tcp_connect(AF_INET, port);
    if (h != HOSTPEER_BAD) {
        hostpeer_close(h);
        fail_msg("port %u still accepts connections after the listener was closed", port);
    }
}

static void blocking_select_interrupted(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { 0 };
    hostpeer_listener *hl;
    struct blocker *b = new_blocker(BLK_SELECT, 0);
    b->s = connect_to_peer(&o, &hl);
    close_interrupts(b);
    free_blocker(b);
    hostpeer_listener_free(hl);
}

/* The closed socket is the second of two in the set: a select that waits
 * on the first socket's handle only would not notice the close. */
static void blocking_select_second_of_two_interrupted(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { 0 };
    hostpeer_listener *hl1, *hl2;
    struct blocker *b = new_blocker(BLK_SELECT, 0);
    b->first = connect_to_peer(&o, &hl1);
    b->s = connect_to_peer(&o, &hl2);
    close_interrupts(b);
    SOCKET first = b->first;
    free_blocker(b);
    /* the other socket is untouched */
    int v, len = sizeof(v);
    assert_wsa_ok(getsockopt(first, SOL_SOCKET, SO_TYPE, (char *)&v, &len));
    assert_int_equal(v, SOCK_STREAM);
    assert_int_equal(closesocket(first), 0);
    hostpeer_listener_free(hl1);
    hostpeer_listener_free(hl2);
}

static void blocking_wsarecv_interrupted(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { 0 };
    hostpeer_listener *hl;
    struct blocker *b = new_blocker(BLK_WSARECV, 256);
    b->s = connect_to_peer(&o, &hl);
    close_interrupts(b);
    free_blocker(b);
    hostpeer_listener_free(hl);
}

/* ---- the last reference ------------------------------------------------------------------------ */

static void accepted_outlives_listener(void **state)
{
    (void)state;
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    if (l == INVALID_SOCKET)
        fail_msg("listener: %d", WSAGetLastError());
    SOCKET c = tu_connect(AF_INET, port);
    if (c == INVALID_SOCKET)
        fail_msg("connect: %d", WSAGetLastError());
    SOCKET a = accept(l, NULL, NULL);
    if (a == INVALID_SOCKET)
        fail_msg("accept: %d", WSAGetLastError());
    assert_int_equal(closesocket(l), 0);
    assert_int_equal(tu_set_timeouts(a, IO_TIMEOUT), 0);
    assert_int_equal(tu_set_timeouts(c, IO_TIMEOUT), 0);

    /* the listener is gone ... */
    hostpeer_sock h = hostpeer_tcp_connect(AF_INET, port);
    if (h != HOSTPEER_BAD) {
        hostpeer_close(h);
        fail_msg("port %u still accepts connections after its listener was closed", port);
    }
    /* ... the accepted socket works both ways */
    enum { SZ = 256 * 1024 };
    char *out = malloc(SZ), *in = malloc(SZ);
    tu_fill(out, 0, SZ);
    assert_int_equal(tu_send_all(a, out, SZ), 0);
    assert_int_equal(tu_recv_all(c, in, SZ), 0);
    assert_int_equal(tu_check(in, 0, SZ), (size_t)-1);
    tu_fill(out, 77, SZ);
    assert_int_equal(tu_send_all(c, out, SZ), 0);
    assert_int_equal(tu_recv_all(a, in, SZ), 0);
    assert_int_equal(tu_check(in, 77, SZ), (size_t)-1);
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    assert_wsa_ok(getsockname(a, (struct sockaddr *)&ss, &len));
    assert_int_equal(tu_port_of((struct sockaddr *)&ss), port);
    assert_int_equal(closesocket(a), 0);
    assert_int_equal(recv(c, in, 1, 0), 0);
    assert_int_equal(closesocket(c), 0);
    free(out);
    free(in);
}

/* A recv blocked in another thread holds a reference: the connection ends
 * (the peer sees it) only after that recv has left. */
static void lower_closes_with_last_reference(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { .probe_reset = 1, .check_pattern = 1 };
    hostpeer_listener *hl;
    SOCKET c = connect_to_peer(&o, &hl);
    enum { SZ = 100000 };
    char *data = malloc(SZ);
    tu_fill(data, 0, SZ);
    assert_int_equal(tu_send_all(c, data, SZ), 0);

    struct blocker *b = new_blocker(BLK_RECV, 64);
    b->s = c;
    HANDLE t = CreateThread(NULL, 0, blocker_main, b, 0, NULL);
    assert_non_null(t);
    while (!b->entered)
        Sleep(1);
    Sleep(BLOCK_SETTLE);
    assert_int_equal(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    hostpeer_result res;
    hostpeer_listener_peek(hl, &res);
    assert_int_equal(res.end, HOSTPEER_PENDING);

    double t0 = tu_now_ms();
    assert_int_equal(closesocket(c), 0);
    double t1 = tu_now_ms();
    assert_int_equal(WaitForSingleObject(t, THREAD_WAIT), WAIT_OBJECT_0);
    CloseHandle(t);
    assert_int_equal(hostpeer_listener_wait(hl, 10000, &res), 1);
    tu_log("close began %.1f, closesocket returned %+.1f, recv returned %+.1f, peer saw %s at %+.1f ms",
           t0, t1 - t0, b->done_ms - t0, hostpeer_end_name(res.end), res.end_ms - t0);
    if (b->result != SOCKET_ERROR || b->err != WSAEINTR)
        fail_msg("blocked recv: %lld error %d, expected WSAEINTR", b->result, b->err);
    if (res.end != HOSTPEER_FIN)
        fail_msg("peer saw %s (error %d), expected FIN (graceful default)", hostpeer_end_name(res.end),
                 res.error);
    assert_int_equal(res.bytes, SZ);
    assert_true(res.pattern_ok);
    if (res.end_ms < b->done_ms)
        fail_msg("the peer saw the end (%.1f ms) before the blocked recv returned (%.1f ms)",
                 res.end_ms - t0, b->done_ms - t0);
    free_blocker(b);
    hostpeer_listener_free(hl);
    free(data);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocking_recv_interrupted),
        cmocka_unit_test(blocking_send_interrupted),
        cmocka_unit_test(blocking_accept_interrupted),
        cmocka_unit_test(blocking_select_interrupted),
        cmocka_unit_test(blocking_select_second_of_two_interrupted),
        cmocka_unit_test(blocking_wsarecv_interrupted),
        cmocka_unit_test(accepted_outlives_listener),
        cmocka_unit_test(lower_closes_with_last_reference),
    };
    return cmocka_run_group_tests_name("cancel", tests, close_group_setup, tu_group_cleanup);
}
