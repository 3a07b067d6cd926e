/*
 * test_irda_linger.c - the linger table over IrDA (celsp over irdaprov),
 * two stations on a private loopback air: SO_LINGER {1,10} waits for
 * delivery, {1,0} discards and resets, non-blocking {1,5} WSAEWOULDBLOCK
 * until delivered; close after send to a reader that pauses between recv
 * calls; a peer moved out of range (irair range ... out): the blocked recv
 * fails with a reset or a timeout within the link-disconnect time.
 *
 * The two stations (this program and a copy of itself as the child, on a
 * private loopback air) and the watchdog are irda_peer.c and
 * irda_peer_child.c.
 */
#include "irda_peer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tests: the linger table over IrDA (celsp over irdaprov) -------------------- */

/* Non-blocking: sends pattern bytes until the send queue stays full (the
 * peer is not reading); 0 or the error.  *sent: bytes accepted. */
static int fill_until_full(SOCKET s, unsigned long long *sent)
{
    static char buf[8192];
    u_long nb = 1;
    double full_since = 0, end = tu_now_ms() + 20000;
    if (ioctlsocket(s, FIONBIO, &nb)) return WSAGetLastError();
    *sent = 0;
    while (tu_now_ms() < end) {
        tu_fill(buf, *sent, sizeof(buf));
        int n = send(s, buf, sizeof(buf), 0);
        if (n == SOCKET_ERROR) {
            int e = WSAGetLastError();
            if (e != WSAEWOULDBLOCK) return e;
            if (!full_since) full_since = tu_now_ms();
            else if (tu_now_ms() - full_since > 500) return 0;
            Sleep(50);
            continue;
        }
        full_since = 0;
        *sent += (unsigned long long)n;
    }
    return -1;
}

/* The three SO_LINGER cases start alike: a connection to the child, which
 * is told to pause 2.5 s and then read to the end into slot, and the send
 * queue filled meanwhile (the socket left non-blocking), under the
 * watchdog (what).  *sent: the bytes accepted; *t_cmd (if asked): the
 * time just after the command went out. */
static SOCKET fill_for_paused_reader(unsigned slot, const char *what, unsigned long long *sent,
                                     double *t_cmd)
{
    SOCKET s = connect_child(SVC_TEST);
    assert_int_equal(send_cmd(s, 'P', 0, 2500, slot, 0), 0);
    wd_arm(60, "%s", what);
    if (t_cmd) *t_cmd = tu_now_ms();
    assert_int_equal(fill_until_full(s, sent), 0);
    return s;
}

static void set_linger(SOCKET s, u_short onoff, u_short seconds)
{
    struct linger l = { onoff, seconds };
    assert_wsa_ok(setsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&l, sizeof(l)));
}

/* A sender thread with a deadline: a stalled send is cancelled by closing
 * the socket (the CE contract: closesocket cancels blocked calls). */
struct tsend { SOCKET s; unsigned long long len; volatile LONG64 done; int err; };
static DWORD WINAPI tsend_thread(void *arg)
{
    static __thread char buf[32768];
    struct tsend *t = arg;
    unsigned long long off = 0;
    while (off < t->len) {
        size_t n = t->len - off > sizeof(buf) ? sizeof(buf) : (size_t)(t->len - off);
        tu_fill(buf, off, n);
        int e = tu_send_all(t->s, buf, n);
        if (e) { t->err = e; return 0; }
        off += n;
        InterlockedExchange64(&t->done, (LONG64)off);
    }
    return 0;
}

static void close_after_send_slow_reader(void **state)
{
    (void)state;
    need_child();
    unsigned long bytes, ok;
    long end;
    const unsigned long piece = 8000, pause_ms = 10, total = 300000;
    SOCKET s = connect_child(SVC_TEST);
    assert_int_equal(send_cmd(s, 'L', 0, piece, 20, pause_ms), 0);
    struct tsend t = { s, total, 0, 0 };
    wd_arm(120, "send to a slow reader");
    HANDLE th = CreateThread(NULL, 0, tsend_thread, &t, 0, NULL);
    if (WaitForSingleObject(th, 30000) != WAIT_OBJECT_0) {
        unsigned long long done = (unsigned long long)t.done;
        close_irda(s);                         /* cancels the blocked send */
        WaitForSingleObject(th, 10000);
        CloseHandle(th);
        wd_off();
        fail_msg("a reader taking %lu bytes then pausing %lu ms: the sender stalled for good "
                 "after %llu of %lu bytes (send blocked 30 s)", piece, pause_ms, done, total);
    }
    CloseHandle(th);
    assert_int_equal(t.err, 0);
    assert_close_ok(s);
    wd_off();
    Sleep(1000);
    query_slot(20, &bytes, &ok, &end);
    if (bytes != total || !ok || end != 0)
        fail_msg("slow reader: got %lu of %lu bytes (pattern %s), end %ld", bytes, total,
                 ok ? "ok" : "BAD", end);
}

static void linger_blocking_waits_for_delivery(void **state)
{
    (void)state;
    need_child();
    unsigned long long sent;
    unsigned long bytes, ok;
    long end;
    double t_start;
    SOCKET s = fill_for_paused_reader(10, "fill the send queue", &sent, &t_start);
    print_message("queue full after %llu bytes, %.0f ms\n", sent, tu_now_ms() - t_start);
    u_long nb = 0;
    assert_wsa_ok(ioctlsocket(s, FIONBIO, &nb));
    set_linger(s, 1, 10);
    double t0 = tu_now_ms();
    assert_close_ok(s);
    double took = tu_now_ms() - t0;
    wd_off();
    print_message("SO_LINGER {1,10}: closesocket took %.0f ms\n", took);
    /* the child starts reading 2.5 s after the command: closesocket waited for it */
    assert_true(tu_now_ms() - t_start > 2000);
    assert_true(took > 300 && took < 10500);
    query_slot(10, &bytes, &ok, &end);
    assert_int_equal(bytes, sent);
    assert_int_equal(ok, 1);
    assert_int_equal(end, 0);
}

static void linger_zero_discards(void **state)
{
    (void)state;
    need_child();
    unsigned long long sent;
    unsigned long bytes, ok;
    long end;
    SOCKET s = fill_for_paused_reader(11, "fill the send queue, then a hard close", &sent, NULL);
    set_linger(s, 1, 0);
    double t0 = tu_now_ms();
    assert_close_ok(s);
    double took = tu_now_ms() - t0;
    wd_off();
    print_message("SO_LINGER {1,0}: closesocket took %.0f ms with %llu bytes accepted\n", took, sent);
    assert_true(took < 1000);
    query_slot(11, &bytes, &ok, &end);
    assert_int_equal(ok, 1);
    assert_true(bytes < sent);                 /* queued data lost */
    if (end != WSAECONNRESET)
        fail_msg("after a hard close the peer's recv ended with %ld, expected WSAECONNRESET (%d)",
                 end, WSAECONNRESET);
}

static void linger_nonblocking_would_block(void **state)
{
    (void)state;
    need_child();
    unsigned long long sent;
    unsigned long bytes, ok;
    long end;
    SOCKET s = fill_for_paused_reader(12, "non-blocking lingering close with data queued", &sent, NULL);
    set_linger(s, 1, 5);
    assert_wsa_fail(closesocket(s), SOCKET_ERROR, WSAEWOULDBLOCK);
    /* the handle is still valid; call again until the peer has read it all */
    double t0 = tu_now_ms();
    int tries = 1, r;
    while ((r = closesocket(s)) == SOCKET_ERROR) {
        int e = WSAGetLastError();
        if (e != WSAEWOULDBLOCK) fail_msg("closesocket retry: error %d", e);
        if (tu_now_ms() - t0 > 20000) fail_msg("still WSAEWOULDBLOCK after 20 s");
        tries++;
        Sleep(100);
    }
    wd_off();
    print_message("non-blocking SO_LINGER {1,5}: 0 after %d calls, %.0f ms\n", tries, tu_now_ms() - t0);
    query_slot(12, &bytes, &ok, &end);
    assert_int_equal(bytes, sent);
    assert_int_equal(ok, 1);
    assert_int_equal(end, 0);
}

/* irair.exe --port P range 0xADDR in|out: 0 or the exit code */
static int air_range(unsigned long addr, int in)
{
    WCHAR cmd[128];
    char *out = NULL;
    _snwprintf(cmd, ARRAYSIZE(cmd), L"irair.exe --port %u range 0x%08lX %ls", air_port, addr,
               in ? L"in" : L"out");
    int code = tu_run_capture(cmd, NULL, NULL, &out, 20000);
    free(out);
    return code;
}

static void peer_out_of_range_resets(void **state)
{
    (void)state;
    need_child();
    SOCKET s = connect_child(SVC_TEST);
    assert_int_equal(send_cmd(s, 'H', 0, 0, 0, 0), 0);
    Sleep(500);
    wd_arm(90, "recv while the peer is out of range");
    assert_int_equal(air_range(child_addr, 0), 0);
    double t0 = tu_now_ms();
    char b[64];
    WSASetLastError(0);
    int r = recv(s, b, sizeof(b), 0);
    int e = WSAGetLastError();
    double took = tu_now_ms() - t0;
    wd_off();
    print_message("recv with the peer out of range: %d, error %d, after %.0f ms\n", r, e, took);
    air_range(child_addr, 1);
    if (r != SOCKET_ERROR)
        fail_msg("recv returned %d (expected SOCKET_ERROR with WSAECONNRESET or WSAETIMEDOUT)", r);
    if (e != WSAECONNRESET && e != WSAETIMEDOUT)
        fail_msg("recv failed with %d (expected WSAECONNRESET or WSAETIMEDOUT)", e);
    assert_true(took < 30000);     /* the link-disconnect time (at most 12 s here) and a margin */
    /* send fails too, and closesocket is still fine */
    WSASetLastError(0);
    assert_int_equal(send(s, b, 1, 0), SOCKET_ERROR);
    print_message("send afterwards: error %d\n", WSAGetLastError());
    assert_close_ok(s);
    /* the child is reachable again */
    assert_true(discover(child_nick, NULL, 30000));
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "--irda-child"))
        return child_main(argc, argv);
    identities(GetCurrentProcessId());
    tu_station_env(air_port, parent_nick, parent_addr);
    wd_start();
    tu_set_env("CEWS2_IRDA_CAPTURE", NULL);
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(linger_blocking_waits_for_delivery),
        cmocka_unit_test(linger_zero_discards),
        cmocka_unit_test(linger_nonblocking_would_block),
        cmocka_unit_test(close_after_send_slow_reader),
        cmocka_unit_test(peer_out_of_range_resets),
    };
    return cmocka_run_group_tests_name("irda_linger", tests, irda_group_setup, irda_group_teardown);
}
