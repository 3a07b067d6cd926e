/*
 * test_close_races.c - calls racing closesocket on one handle, observed
 * from outside:
 *
 *   - two closesockets racing on one handle: exactly one wins;
 *   - an overlapped WSARecv / WSASend / WSAIoctl issued while another
 *     thread closes the socket (hundreds of rounds per mechanism): it fails
 *     at once (WSAENOTSOCK or WSAEINTR) and then nothing ever completes, or
 *     it is started and completes exactly once, never both, never neither
 *     (issue 12; wine-tests/ovrace.c).
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
#include "ovrace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- closesocket racing closesocket ----------------------------------------------------------- */

struct racer {
    HANDLE go;
    SOCKET s;
    int result, err;
};

static DWORD WINAPI racer_main(void *arg)
{
    struct racer *r = arg;
    WaitForSingleObject(r->go, INFINITE);
    WSASetLastError(0);
    r->result = closesocket(r->s);
    r->err = WSAGetLastError();
    return 0;
}

static void close_races_close(void **state)
{
    (void)state;
    for (int round = 0; round < 50; round++) {
        SOCKET c, s;
        int e = tu_tcp_pair(AF_INET, &c, &s);
        if (e) fail_msg("round %d: pair: %d", round, e);
        HANDLE go = CreateEventW(NULL, TRUE, FALSE, NULL);
        struct racer r[2] = { { go, c, -7, 0 }, { go, c, -7, 0 } };
        HANDLE t[2];
        for (int i = 0; i < 2; i++) {
            t[i] = CreateThread(NULL, 0, racer_main, &r[i], 0, NULL);
            assert_non_null(t[i]);
        }
        Sleep(20);
        SetEvent(go);
        if (WaitForMultipleObjects(2, t, TRUE, THREAD_WAIT) != WAIT_OBJECT_0)
            fail_msg("round %d: a racing closesocket did not return", round);
        int wins = 0, notsock = 0;
        for (int i = 0; i < 2; i++) {
            if (r[i].result == 0) wins++;
            else if (r[i].result == SOCKET_ERROR && r[i].err == WSAENOTSOCK) notsock++;
            CloseHandle(t[i]);
        }
        CloseHandle(go);
        if (wins != 1 || notsock != 1)
            fail_msg("round %d: results %d/%d and %d/%d; expected one 0 and one SOCKET_ERROR/WSAENOTSOCK",
                     round, r[0].result, r[0].err, r[1].result, r[1].err);
        assert_handle_dead(c);
        /* the peer of the closed socket sees the end of stream */
        char b[8];
        assert_int_equal(tu_set_timeouts(s, 10000), 0);
        int n = recv(s, b, sizeof(b), 0);
        if (n != 0)
            fail_msg("round %d: the other end got %d (error %d), expected end of stream", round, n,
                     WSAGetLastError());
        assert_int_equal(closesocket(s), 0);
    }
}

/* ---- overlapped calls racing closesocket: one outcome each ------------------------------- */

#define RACE_ROUNDS 500

/* RACE_ROUNDS rounds of one call through one mechanism, each on a fresh
 * socket closed by another thread at the moment the call is made. */
static void race(enum ovrace_call call, enum ovrace_via via, int rounds)
{
    struct ovrace r;
    struct ovrace_tally t;
    struct ovrace_op *ops = calloc((size_t)rounds, sizeof(*ops));   /* leaked if the test fails */
    unsigned short port = 0;
    SOCKET l = INVALID_SOCKET;

    assert_non_null(ops);
    memset(&t, 0, sizeof(t));
    if (call != OVRACE_IOCTL) {
        l = tu_listener(AF_INET, SOCK_STREAM, &port);
        if (l == INVALID_SOCKET)
            fail_msg("listener: %d", WSAGetLastError());
    }
    if (ovrace_start(&r, 12u + (unsigned)call * 3u + (unsigned)via))
        fail_msg("could not start the closing thread");
    double t0 = tu_now_ms();
    for (int i = 0; i < rounds; i++) {
        SOCKET s, peer = INVALID_SOCKET;
        if (call == OVRACE_IOCTL) {
            s = socket(AF_INET, SOCK_STREAM, 0);
        } else {
            s = tu_connect(AF_INET, port);
            if (s != INVALID_SOCKET)
                peer = accept(l, NULL, NULL);
        }
        if (s == INVALID_SOCKET || (call != OVRACE_IOCTL && peer == INVALID_SOCKET))
            fail_msg("round %d: socket set-up failed: %d", i, WSAGetLastError());
        ovrace_round(&r, call, via, s, &ops[i], &t);
        if (peer != INVALID_SOCKET)
            assert_int_equal(closesocket(peer), 0);
    }
    /* late completions get half a second to show up */
    ovrace_pump(&r, 500);
    for (int i = 0; i < rounds; i++)
        ovrace_judge(&ops[i], &t);
    double t1 = tu_now_ms();
    ovrace_stop(&r);
    if (l != INVALID_SOCKET)
        assert_int_equal(closesocket(l), 0);
    print_message("    %s via %s, %lld rounds in %.1f s: failed at once %lld (WSAENOTSOCK %lld, WSAEINTR %lld); "
                  "started %lld, completed exactly once %lld; failed AND completed %lld, "
                  "never %lld, twice %lld, bad code %lld\n",
                  ovrace_call_name[call], ovrace_via_name[via], t.rounds, (t1 - t0) / 1000.0,
                  t.failed_at_once, t.failed_enotsock, t.failed_eintr, t.started, t.completed_once,
                  t.both, t.none, t.duplicate, t.bad_code);
    if (t.first_problem[0])
        print_message("    first problem: %s\n", t.first_problem);
    assert_int_equal(t.rounds, rounds);
    assert_int_equal(t.both, 0);
    assert_int_equal(t.none, 0);
    assert_int_equal(t.duplicate, 0);
    assert_int_equal(t.bad_code, 0);
    assert_int_equal(t.close_failed, 0);
    assert_true(ovrace_tally_ok(&t));
    /* the rounds must have landed on both sides of the close, or they
     * proved nothing about the race */
    if (!t.failed_at_once || !t.started)
        fail_msg("the closes never raced the calls (%lld failed at once, %lld started)",
                 t.failed_at_once, t.started);
    free(ops);
}

static void race_recv_event(void **state)   { (void)state; race(OVRACE_RECV, OVRACE_EVENT, RACE_ROUNDS); }
static void race_recv_routine(void **state) { (void)state; race(OVRACE_RECV, OVRACE_ROUTINE, RACE_ROUNDS); }
static void race_recv_port(void **state)    { (void)state; race(OVRACE_RECV, OVRACE_PORT, RACE_ROUNDS); }
static void race_send_port(void **state)    { (void)state; race(OVRACE_SEND, OVRACE_PORT, RACE_ROUNDS / 2); }
static void race_send_routine(void **state) { (void)state; race(OVRACE_SEND, OVRACE_ROUTINE, RACE_ROUNDS / 2); }
static void race_ioctl_event(void **state)  { (void)state; race(OVRACE_IOCTL, OVRACE_EVENT, RACE_ROUNDS); }
static void race_ioctl_port(void **state)   { (void)state; race(OVRACE_IOCTL, OVRACE_PORT, RACE_ROUNDS); }

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(close_races_close),
        cmocka_unit_test(race_recv_event),
        cmocka_unit_test(race_recv_routine),
        cmocka_unit_test(race_recv_port),
        cmocka_unit_test(race_send_port),
        cmocka_unit_test(race_send_routine),
        cmocka_unit_test(race_ioctl_event),
        cmocka_unit_test(race_ioctl_port),
    };
    return cmocka_run_group_tests_name("close_races", tests, close_group_setup, tu_group_cleanup);
}
