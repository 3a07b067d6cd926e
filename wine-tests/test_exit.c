/*
 * test_exit.c - a graceful close in the background survives the end of the
 * application.
 *
 * The documented bound (docs/closesocket.md): with SO_DONTLINGER, data that
 * closesocket (or WSACleanup, which closes what is still open) leaves queued
 * is delivered, then FIN, even when the process exits at once.  A child
 * process (this program, run with "--child MODE PORT") connects to a host
 * peer living in the parent, sends, closes in the way MODE says and exits
 * immediately; the parent's peer, which starts reading only after the child
 * is gone, must get every byte and a FIN.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOTAL (2u << 20)   /* fits in the host's buffers: queued, not sent, at exit */
#define CHUNK 65536

/* The child: connect, send TOTAL pattern bytes, close as told, exit now. */
static int child_main(const char *mode, unsigned short port)
{
    static char buf[CHUNK];
    unsigned long long off = 0;
    SOCKET s;

    if (tu_startup() != 0)
        return 10;
    s = tu_connect(AF_INET, port);
    if (s == INVALID_SOCKET)
        return 11;
    while (off < TOTAL) {
        tu_fill(buf, off, sizeof(buf));
        if (tu_send_all(s, buf, sizeof(buf)))
            return 12;
        off += sizeof(buf);
    }
    if (!strcmp(mode, "close")) {
        if (closesocket(s))
            return 13;
    } else if (!strcmp(mode, "cleanup")) {
        if (WSACleanup())       /* closes s as the last cleanup */
            return 14;
    }                           /* "exit": neither; the process end closes it */
    ExitProcess(0);
}

static int run_child(const char *mode, unsigned short port, DWORD *exit_code)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 64];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;

    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" --child %hs %u", exe, mode, port);
    if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return -1;
    WaitForSingleObject(pi.hProcess, 60000);
    GetExitCodeProcess(pi.hProcess, exit_code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return 0;
}

static void child_exits_after(const char *mode)
{
    /* the peer reads only after the child has exited: the data is still
     * queued in the host when the process ends */
    hostpeer_tcp_opts opts = { .check_pattern = 1, .probe_reset = 1, .read_delay_ms = 2500 };
    hostpeer_listener *peer = hostpeer_tcp_listen(&opts);
    hostpeer_result r;
    DWORD code = 99;
    double started;

    assert_non_null(peer);
    started = tu_now_ms();
    assert_int_equal(run_child(mode, hostpeer_listener_port(peer), &code), 0);
    assert_int_equal(code, 0);
    tu_log("%s: child gone after %.0f ms", mode, tu_now_ms() - started);
    /* it exited before the peer read anything: the data was still queued */
    assert_true(tu_now_ms() - started < 2500);
    if (!hostpeer_listener_wait(peer, 30000, &r))
        fail_msg("%s: the peer never saw the end (%llu bytes)", mode, r.bytes);
    assert_int_equal(r.bytes, TOTAL);
    assert_true(r.pattern_ok);
    assert_int_equal(r.end, HOSTPEER_FIN);
    hostpeer_listener_free(peer);
}

static void closesocket_then_exit(void **state)
{
    (void)state;
    child_exits_after("close");
}

static void wsacleanup_then_exit(void **state)
{
    (void)state;
    child_exits_after("cleanup");
}

static void exit_with_socket_open(void **state)
{
    (void)state;
    child_exits_after("exit");
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--child"))
        return child_main(argv[2], (unsigned short)atoi(argv[3]));
    tu_main_init(argc, argv);
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closesocket_then_exit),
        cmocka_unit_test(wsacleanup_then_exit),
        cmocka_unit_test(exit_with_socket_open),
    };
    return cmocka_run_group_tests_name("exit", tests, NULL, NULL);
}
