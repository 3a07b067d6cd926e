/*
 * test_cancel_overlapped.c - closesocket cancels the overlapped calls
 * pending on the socket (the closesocket contract in DESIGN.md, point 4),
 * observed from outside: overlapped WSARecv / WSASend complete exactly once
 * with WSA_OPERATION_ABORTED through their event, completion routine (on
 * the issuing thread, at its next alertable wait) or completion port, and
 * nothing else arrives afterwards; 200 sockets x 2 receives in a burst; and
 * a close racing completions: receives completing with the peer's data
 * while closesocket aborts the rest, each one exactly once, either way.
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

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what every case does: pend receives, read packets off a port ----------------------------- */

/* An overlapped receive into buf that must pend (routine: NULL, or its
 * completion routine). */
static void recv_pending(SOCKET s, char *buf, ULONG size, WSAOVERLAPPED *ov,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    WSABUF wb = { size, buf };
    DWORD n = 0, flags = 0;
    assert_wsa_fail(WSARecv(s, &wb, 1, &n, &flags, ov, routine), SOCKET_ERROR, WSA_IO_PENDING);
}

/* One packet off a completion port: ov is NULL when none came within the
 * wait; error is GetLastError() right after (0 when none was set). */
struct packet {
    BOOL ok;
    DWORD error, bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
};

static struct packet next_packet(HANDLE port, DWORD wait_ms)
{
    struct packet p = { FALSE, 0, 0, 0, NULL };
    SetLastError(0);
    p.ok = GetQueuedCompletionStatus(port, &p.bytes, &p.key, &p.ov, wait_ms);
    p.error = GetLastError();
    return p;
}

/* Nothing on the port for wait_ms (before the close, or after the last
 * packet expected); the failure says when, as a printf format. */
static __attribute__((format(gnu_printf, 3, 4))) struct packet
assert_port_quiet(HANDLE port, DWORD wait_ms, const char *when, ...)
{
    struct packet p = next_packet(port, wait_ms);
    if (p.ok || p.ov) {
        char text[160];
        va_list args;
        va_start(args, when);
        vsnprintf(text, sizeof(text), when, args);
        va_end(args);
        fail_msg("a packet %s (overlapped %p, ok %d)", text, (void *)p.ov, p.ok);
    }
    return p;
}

/* Which of the count OVERLAPPEDs at ov a packet is for; any other fails. */
static int request_of(const WSAOVERLAPPED *ov, int count, LPOVERLAPPED pov)
{
    ptrdiff_t idx = (const WSAOVERLAPPED *)pov - ov;
    if (idx < 0 || idx >= count || (LPOVERLAPPED)&ov[idx] != pov)
        fail_msg("completion with an unknown OVERLAPPED %p", (void *)pov);
    return (int)idx;
}

/* ---- overlapped: event ------------------------------------------------------------------------- */

/* The outcome of a cancelled operation, read without the (dead) socket API. */
static void assert_ov_aborted(SOCKET s, WSAOVERLAPPED *ov, const char *what)
{
    if ((DWORD)ov->Internal != STATUS_CANCELLED)
        fail_msg("%s: OVERLAPPED.Internal %#lx, expected STATUS_CANCELLED %#lx", what,
                 (unsigned long)ov->Internal, (unsigned long)STATUS_CANCELLED);
    DWORD n = 12345;
    SetLastError(0);
    BOOL ok = GetOverlappedResult((HANDLE)s, (LPOVERLAPPED)ov, &n, FALSE);
    DWORD e = GetLastError();
    if (ok || e != ERROR_OPERATION_ABORTED)
        fail_msg("%s: GetOverlappedResult %d, error %lu (expected FALSE, %d)", what, ok,
                 (unsigned long)e, (int)ERROR_OPERATION_ABORTED);
    assert_int_equal(n, 0);
}

static void overlapped_event_cancelled(void **state)
{
    (void)state;
    SOCKET a; hostpeer_sock h;
    host_pair(&a, &h);
    /* static: if the test fails, the operation may complete later */
    static char rbuf[128];
    static WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    recv_pending(a, rbuf, sizeof(rbuf), &ov, NULL);
    Sleep(200);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);

    double t0 = tu_now_ms();
    assert_int_equal(closesocket(a), 0);
    DWORD w = WaitForSingleObject(ov.hEvent, THREAD_WAIT);
    double t1 = tu_now_ms();
    if (w != WAIT_OBJECT_0)
        fail_msg("event not signalled %d ms after closesocket (Internal %#lx)", THREAD_WAIT,
                 (unsigned long)ov.Internal);
    tu_log("event signalled %.1f ms after closesocket began", t1 - t0);
    if (t1 - t0 > PROMPT_MS)
        fail_msg("event signalled %.0f ms after closesocket (limit %.0f)", t1 - t0, PROMPT_MS);
    assert_ov_aborted(a, &ov, "WSARecv");
    /* exactly once: nothing signals the event again */
    assert_true(WSAResetEvent(ov.hEvent));
    assert_int_equal(WaitForSingleObject(ov.hEvent, 1000), WAIT_TIMEOUT);
    assert_true((DWORD)ov.Internal == STATUS_CANCELLED);

    assert_handle_dead(a);
    DWORD n = 0, flags = 0;
    assert_wsa_fail(WSAGetOverlappedResult(a, &ov, &n, FALSE, &flags), FALSE, WSAENOTSOCK);
    WSACloseEvent(ov.hEvent);
    hostpeer_close(h);
}

/* ---- overlapped: completion routine ------------------------------------------------------------ */

static volatile LONG routine_calls;
static DWORD routine_error, routine_bytes, routine_thread;
static LPWSAOVERLAPPED routine_ov;

static void CALLBACK recv_routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    (void)flags;
    routine_error = error;
    routine_bytes = bytes;
    routine_ov = ov;
    routine_thread = GetCurrentThreadId();
    InterlockedIncrement(&routine_calls);
}

static void overlapped_routine_cancelled(void **state)
{
    (void)state;
    SOCKET a; hostpeer_sock h;
    host_pair(&a, &h);
    static char rbuf[128];
    static WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    routine_calls = 0;
    routine_error = 0xdead;
    routine_thread = 0;
    recv_pending(a, rbuf, sizeof(rbuf), &ov, recv_routine);
    Sleep(200);
    assert_int_equal(routine_calls, 0);

    assert_int_equal(closesocket(a), 0);
    /* the routine runs only in an alertable wait of the issuing thread */
    Sleep(300);
    assert_int_equal(routine_calls, 0);
    double t0 = tu_now_ms();
    DWORD r = SleepEx(THREAD_WAIT, TRUE);
    double t1 = tu_now_ms();
    if (r != WAIT_IO_COMPLETION)
        fail_msg("no completion routine ran in %d ms of alertable sleep after closesocket (SleepEx %lu)",
                 THREAD_WAIT, (unsigned long)r);
    tu_log("routine ran %.1f ms into the alertable sleep", t1 - t0);
    assert_int_equal(routine_calls, 1);
    if (routine_error != WSA_OPERATION_ABORTED)
        fail_msg("routine dwError %lu, expected WSA_OPERATION_ABORTED (%d)",
                 (unsigned long)routine_error, (int)WSA_OPERATION_ABORTED);
    assert_int_equal(routine_bytes, 0);
    assert_ptr_equal(routine_ov, &ov);
    if (routine_thread != GetCurrentThreadId())
        fail_msg("routine ran on thread %lu, not on the issuing thread %lu",
                 (unsigned long)routine_thread, (unsigned long)GetCurrentThreadId());
    /* and never again */
    assert_int_equal(SleepEx(1000, TRUE), 0);
    assert_int_equal(routine_calls, 1);
    assert_handle_dead(a);
    hostpeer_close(h);
}

/* ---- overlapped: completion port, a receive and a send ---------------------------------------- */

static void overlapped_port_recv_send_cancelled(void **state)
{
    (void)state;
    SOCKET a; hostpeer_sock h;
    host_pair(&a, &h);                 /* h never reads */
    const ULONG_PTR key = 0xC105E;
    HANDLE port = CreateIoCompletionPort((HANDLE)a, NULL, key, 0);
    if (!port)
        fail_msg("CreateIoCompletionPort on the SOCKET: %lu", GetLastError());

    fill_send_window(a);
    u_long off = 0;
    assert_wsa_ok(ioctlsocket(a, FIONBIO, &off));

    size_t big = 1u << 20;
    char *sbuf = malloc(big);         /* leaked if the test fails */
    static char rbuf[128];
    static WSAOVERLAPPED ovr, ovs;
    assert_non_null(sbuf);
    tu_fill(sbuf, 0, big);
    WSABUF sb = { (ULONG)big, sbuf };
    memset(&ovr, 0, sizeof(ovr));
    memset(&ovs, 0, sizeof(ovs));
    recv_pending(a, rbuf, sizeof(rbuf), &ovr, NULL);
    DWORD n = 0;
    int r = WSASend(a, &sb, 1, &n, 0, &ovs, NULL);
    int e = WSAGetLastError();
    if (r != SOCKET_ERROR || e != WSA_IO_PENDING)
        fail_msg("the 1 MiB WSASend did not pend (%d, error %d): cannot test its cancellation", r, e);
    Sleep(200);
    assert_port_quiet(port, 0, "before closesocket");

    double t0 = tu_now_ms();
    assert_int_equal(closesocket(a), 0);
    int got_r = 0, got_s = 0;
    for (int i = 0; i < 2; i++) {
        struct packet p = next_packet(port, THREAD_WAIT);
        double t = tu_now_ms();
        if (!p.ov)
            fail_msg("packet %d: none within %d ms of closesocket (error %lu; recv %d send %d seen)",
                     i, THREAD_WAIT, (unsigned long)p.error, got_r, got_s);
        const char *which = p.ov == (LPOVERLAPPED)&ovr ? "WSARecv" : p.ov == (LPOVERLAPPED)&ovs ? "WSASend" : "?";
        tu_log("packet %d (%s) %.1f ms after closesocket: ok %d error %lu bytes %lu", i, which, t - t0,
               p.ok, (unsigned long)p.error, (unsigned long)p.bytes);
        if (p.ok || p.error != ERROR_OPERATION_ABORTED)
            fail_msg("%s packet: ok %d, error %lu (expected failure with %d)", which, p.ok,
                     (unsigned long)p.error, (int)ERROR_OPERATION_ABORTED);
        assert_true(p.key == key);
        if (p.ov == (LPOVERLAPPED)&ovr) got_r++;
        else if (p.ov == (LPOVERLAPPED)&ovs) got_s++;
        else fail_msg("packet with an unknown OVERLAPPED %p", (void *)p.ov);
        if (t - t0 > PROMPT_MS)
            fail_msg("%s packet came %.0f ms after closesocket (limit %.0f)", which, t - t0, PROMPT_MS);
    }
    assert_int_equal(got_r, 1);
    assert_int_equal(got_s, 1);
    assert_true((DWORD)ovr.Internal == STATUS_CANCELLED);
    assert_true((DWORD)ovs.Internal == STATUS_CANCELLED);
    /* then nothing more */
    assert_int_equal(assert_port_quiet(port, 1000, "after the two").error, WAIT_TIMEOUT);
    assert_handle_dead(a);
    CloseHandle(port);
    free(sbuf);
    hostpeer_close(h);
}

/* ---- scale: 200 sockets x 2 receives on one port, closed in a burst --------------------------- */

#define SCALE_SOCKETS 200
#define SCALE_RECVS   2

static void scale_burst_close(void **state)
{
    (void)state;
    enum { N = SCALE_SOCKETS, M = SCALE_RECVS, TOTAL = N * M };
    SOCKET *a = calloc(N, sizeof(*a));
    hostpeer_sock *h = calloc(N, sizeof(*h));
    WSAOVERLAPPED *ov = calloc(TOTAL, sizeof(*ov));
    char (*bufs)[64] = calloc(TOTAL, 64);
    int *seen = calloc(TOTAL, sizeof(*seen));
    assert_true(a && h && ov && bufs && seen);

    unsigned short lport;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &lport);
    if (l == INVALID_SOCKET)
        fail_msg("listener: %d", WSAGetLastError());
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    assert_non_null(port);
    for (int i = 0; i < N; i++) {
        h[i] = hostpeer_tcp_connect(AF_INET, lport);
        if (h[i] == HOSTPEER_BAD)
            fail_msg("host connect %d: %d", i, hostpeer_last_error());
        a[i] = accept(l, NULL, NULL);
        if (a[i] == INVALID_SOCKET)
            fail_msg("accept %d: %d", i, WSAGetLastError());
        if (CreateIoCompletionPort((HANDLE)a[i], port, (ULONG_PTR)i, 0) != port)
            fail_msg("associate socket %d: %lu", i, GetLastError());
        for (int j = 0; j < M; j++)
            recv_pending(a[i], bufs[i * M + j], 64, &ov[i * M + j], NULL);
    }
    assert_int_equal(closesocket(l), 0);
    Sleep(200);
    assert_port_quiet(port, 0, "before the closes");

    double t0 = tu_now_ms();
    for (int i = 0; i < N; i++)
        if (closesocket(a[i]) != 0)
            fail_msg("closesocket %d: %d", i, WSAGetLastError());
    double t1 = tu_now_ms();
    int count = 0;
    double last = t1;
    while (count < TOTAL) {
        struct packet p = next_packet(port, THREAD_WAIT);
        if (!p.ov)
            fail_msg("only %d of %d completions within %d ms (last error %lu)", count, TOTAL,
                     THREAD_WAIT, (unsigned long)p.error);
        int idx = request_of(ov, TOTAL, p.ov);
        if (seen[idx]++)
            fail_msg("OVERLAPPED %d (socket %d) completed twice", idx, idx / M);
        if (p.ok || p.error != ERROR_OPERATION_ABORTED)
            fail_msg("completion %d (socket %d): ok %d error %lu, expected %d", idx, idx / M, p.ok,
                     (unsigned long)p.error, (int)ERROR_OPERATION_ABORTED);
        if (p.key != (ULONG_PTR)(idx / M))
            fail_msg("completion %d came with key %lu, expected %d", idx, (unsigned long)p.key, idx / M);
        count++;
        last = tu_now_ms();
    }
    printf("    %d closesockets took %.0f ms; last of %d completions %.0f ms after the first close\n",
           N, t1 - t0, TOTAL, last - t0);
    /* nothing more within 1 s */
    assert_port_quiet(port, 1000, "after all %d", TOTAL);
    for (int i = 0; i < N; i++)
        hostpeer_close(h[i]);
    CloseHandle(port);
    free(a); free(h); free(ov); free(bufs); free(seen);
}

/* ---- a close racing completions: every receive ends once, with data or aborted ----------------- */

#define RACE_RECVS  256
#define RACE_CHUNK  16

struct race_pusher {
    hostpeer_sock h;
    volatile LONG stop;
    volatile LONG sent;
};

static DWORD WINAPI race_push(void *arg)
{
    struct race_pusher *p = arg;
    char chunk[RACE_CHUNK];
    memset(chunk, 'x', sizeof(chunk));
    while (!p->stop && hostpeer_send(p->h, chunk, sizeof(chunk)) == 0)
        InterlockedIncrement(&p->sent);
    return 0;
}

/* One round: RACE_RECVS receives pending, the peer streaming, closesocket
 * after delay_ms; adds this round's completions with data and aborts. */
static void race_round(DWORD delay_ms, int *done, int *aborted)
{
    static WSAOVERLAPPED ov[RACE_RECVS];
    static char bufs[RACE_RECVS][RACE_CHUNK];
    int seen[RACE_RECVS];
    struct race_pusher pusher;
    SOCKET a;
    const ULONG_PTR key = 0x5ACE;

    host_pair(&a, &pusher.h);
    HANDLE port = CreateIoCompletionPort((HANDLE)a, NULL, key, 0);
    assert_non_null(port);
    memset(ov, 0, sizeof(ov));
    memset(seen, 0, sizeof(seen));
    for (int i = 0; i < RACE_RECVS; i++)
        recv_pending(a, bufs[i], RACE_CHUNK, &ov[i], NULL);
    pusher.stop = 0;
    pusher.sent = 0;
    HANDLE thread = CreateThread(NULL, 0, race_push, &pusher, 0, NULL);
    assert_non_null(thread);
    /* let some complete with data: the close lands among completions */
    for (double t0 = tu_now_ms(); !pusher.sent; Sleep(0))
        if (tu_now_ms() - t0 > THREAD_WAIT)
            fail_msg("the peer could not send");
    Sleep(delay_ms);
    assert_int_equal(closesocket(a), 0);
    InterlockedExchange(&pusher.stop, 1);

    for (int count = 0; count < RACE_RECVS; count++) {
        struct packet p = next_packet(port, THREAD_WAIT);
        if (!p.ov)
            fail_msg("delay %lu ms: only %d of %d completions (error %lu)", (unsigned long)delay_ms,
                     count, RACE_RECVS, (unsigned long)p.error);
        int idx = request_of(ov, RACE_RECVS, p.ov);
        if (seen[idx]++)
            fail_msg("delay %lu ms: receive %d completed twice", (unsigned long)delay_ms, idx);
        assert_true(p.key == key);
        if (p.ok && p.bytes > 0)
            (*done)++;
        else if (!p.ok && p.error == ERROR_OPERATION_ABORTED && p.bytes == 0)
            (*aborted)++;
        else
            fail_msg("delay %lu ms: receive %d ended ok %d, error %lu, %lu bytes (want data, or "
                     "%d)", (unsigned long)delay_ms, idx, p.ok, (unsigned long)p.error,
                     (unsigned long)p.bytes, (int)ERROR_OPERATION_ABORTED);
    }
    assert_port_quiet(port, 300, "after all %d (delay %lu ms)", RACE_RECVS, (unsigned long)delay_ms);
    WaitForSingleObject(thread, THREAD_WAIT);
    CloseHandle(thread);
    hostpeer_close(pusher.h);
    CloseHandle(port);
}

static void close_racing_completions(void **state)
{
    static const DWORD delays[] = { 0, 1, 2, 5, 10 };
    int done = 0, aborted = 0;
    (void)state;

    for (size_t r = 0; r < sizeof(delays) / sizeof(delays[0]); r++)
        race_round(delays[r], &done, &aborted);
    printf("    %d receives: %d completed with data, %d aborted\n",
           (int)(RACE_RECVS * (sizeof(delays) / sizeof(delays[0]))), done, aborted);
    /* the close must really have raced completions, or nothing was tested */
    assert_true(done > 0);
    assert_true(aborted > 0);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overlapped_event_cancelled),
        cmocka_unit_test(overlapped_routine_cancelled),
        cmocka_unit_test(overlapped_port_recv_send_cancelled),
        cmocka_unit_test(scale_burst_close),
        cmocka_unit_test(close_racing_completions),
    };
    return cmocka_run_group_tests_name("cancel_overlapped", tests, close_group_setup, tu_group_cleanup);
}
