/*
 * test_opentype.c - SO_OPENTYPE as Windows answers it (issue 12, part B),
 * observed from outside through our stack: the calling thread's, for any
 * handle (INVALID_SOCKET included); lengths compared unsigned (-1 is big
 * enough); socket() made afterwards on that thread is non-overlapped:
 * WSARecv given an OVERLAPPED blocks until the data is there, returns 0,
 * signals no event, runs no routine; such a socket cannot join a completion
 * port; closing it under a blocked call gives WSAEINTR and nothing
 * completes; other threads and WSASocket are unaffected.
 *
 * The Windows results are those of Wine's own conformance tests of ws2_32
 * (which pass on Windows) and of the documentation.  The other options and
 * ioctls of part B are in test_options.c.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <mswsock.h>
#include <mstcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_DELAY_MS 300       /* the peer sends this long after the call began */
#define WAIT_MS       10000

static int group_setup(void **state)
{
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return -1;
    }
    return tu_group_startup(state);
}

/* Back to the default after every test, whatever it did. */
static int reset_open_type(void **state)
{
    int zero = 0;
    (void)state;
    setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&zero, sizeof(zero));
    return 0;
}

static int open_type(void)
{
    int v = -1, len = sizeof(v);
    if (getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, &len))
        fail_msg("getsockopt(SO_OPENTYPE): %d", WSAGetLastError());
    assert_int_equal(len, sizeof(int));
    return v;
}

static void set_open_type(int v)
{
    assert_wsa_ok(setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, sizeof(v)));
}

/* A client socket made by socket() (so under the thread's SO_OPENTYPE)
 * connected to a host peer that sends 5 bytes DATA_DELAY_MS after accepting. */
static SOCKET client_of_late_sender(hostpeer_listener **hl)
{
    hostpeer_tcp_opts o = { .send_bytes = 5, .send_delay_ms = DATA_DELAY_MS };
    struct sockaddr_storage ss;
    SOCKET s;

    *hl = hostpeer_tcp_listen(&o);
    if (!*hl)
        fail_msg("host listener: %s", hostpeer_error_text());
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        fail_msg("socket: %d", WSAGetLastError());
    int len = tu_loopback(AF_INET, hostpeer_listener_port(*hl), &ss);
    if (connect(s, (struct sockaddr *)&ss, len))
        fail_msg("connect: %d", WSAGetLastError());
    return s;
}

/* ---- SO_OPENTYPE ----------------------------------------------------------------------------- */

static void open_type_belongs_to_the_thread(void **state)
{
    int v = 0x1234, len;
    (void)state;

    assert_int_equal(open_type(), 0);
    /* any handle value will do, and every value is kept as given */
    set_open_type(0x100);
    len = sizeof(v);
    assert_wsa_ok(getsockopt((SOCKET)0x12344, SOL_SOCKET, SO_OPENTYPE, (char *)&v, &len));
    assert_int_equal(v, 0x100);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s != INVALID_SOCKET);
    v = SO_SYNCHRONOUS_ALERT;
    assert_wsa_ok(setsockopt(s, SOL_SOCKET, SO_OPENTYPE, (char *)&v, sizeof(v)));
    assert_int_equal(open_type(), SO_SYNCHRONOUS_ALERT);
    assert_int_equal(closesocket(s), 0);
    /* the handle was closed: SO_OPENTYPE still answers, other options do not */
    assert_int_equal(open_type(), SO_SYNCHRONOUS_ALERT);
    len = sizeof(v);
    assert_wsa_fail(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, &len), SOCKET_ERROR, WSAENOTSOCK);
}

/* Lengths are compared unsigned, as Windows does: -1 is a large buffer. */
static void open_type_lengths(void **state)
{
    int v = SO_SYNCHRONOUS_NONALERT, len;
    (void)state;

    assert_wsa_fail(setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, 2), SOCKET_ERROR,
                    WSAEFAULT);
    assert_wsa_fail(setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, 0), SOCKET_ERROR,
                    WSAEFAULT);
    assert_wsa_fail(setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, NULL, 4), SOCKET_ERROR,
                    WSAEFAULT);
    assert_int_equal(open_type(), 0);
    assert_wsa_ok(setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, -1));
    assert_int_equal(open_type(), SO_SYNCHRONOUS_NONALERT);

    v = 77;
    len = 2;
    assert_wsa_fail(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, &len),
                    SOCKET_ERROR, WSAEFAULT);
    assert_int_equal(len, 2);
    assert_int_equal(v, 77);
    len = -1;
    assert_wsa_ok(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, &len));
    assert_int_equal(len, sizeof(int));
    assert_int_equal(v, SO_SYNCHRONOUS_NONALERT);
    len = sizeof(v);
    assert_wsa_fail(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, NULL, &len), SOCKET_ERROR,
                    WSAEFAULT);
    assert_wsa_fail(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, NULL),
                    SOCKET_ERROR, WSAEFAULT);
}

/* Before WSAStartup (and after the last WSACleanup) it is not answered. */
static void open_type_needs_startup(void **state)
{
    int v = 0, len = sizeof(v);
    (void)state;

    assert_int_equal(WSACleanup(), 0);
    WSASetLastError(0);
    int r1 = getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, &len);
    int e1 = WSAGetLastError();
    int r2 = setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, sizeof(v));
    int e2 = WSAGetLastError();
    assert_int_equal(tu_startup(), 0);
    assert_int_equal(r1, SOCKET_ERROR);
    assert_int_equal(e1, WSANOTINITIALISED);
    assert_int_equal(r2, SOCKET_ERROR);
    assert_int_equal(e2, WSANOTINITIALISED);
}

static volatile LONG routine_runs;

static void CALLBACK count_routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    (void)error; (void)bytes; (void)ov; (void)flags;
    InterlockedIncrement(&routine_runs);
}

/*
 * Both values make socket() non-overlapped: WSARecv ignores the OVERLAPPED
 * and the routine (blocks until the data comes, returns 0 with the count,
 * signals nothing, queues nothing) and the socket cannot join a port.
 */
static void check_non_overlapped(int value)
{
    hostpeer_listener *hl;
    char buf[16];
    WSABUF wb = { sizeof(buf), buf };
    DWORD n = 0, flags = 0;

    set_open_type(value);
    SOCKET s = client_of_late_sender(&hl);

    SetLastError(0);
    HANDLE port = CreateIoCompletionPort((HANDLE)s, NULL, 1, 0);
    DWORD port_error = GetLastError();
    if (port) {
        CloseHandle(port);
        fail_msg("SO_OPENTYPE %#x: a completion port took the socket", value);
    }
    assert_int_equal(port_error, ERROR_INVALID_PARAMETER);

    static WSAOVERLAPPED ov;        /* static: nothing may write to it later, but if it did... */
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    double t0 = tu_now_ms();
    int r = WSARecv(s, &wb, 1, &n, &flags, &ov, NULL);
    int e = WSAGetLastError();
    double took = tu_now_ms() - t0;
    tu_log("SO_OPENTYPE %#x: WSARecv(event) %d/%d, %lu bytes after %.0f ms", value, r, e,
           (unsigned long)n, took);
    if (r != 0)
        fail_msg("SO_OPENTYPE %#x: WSARecv with an OVERLAPPED: %d, error %d (expected a blocking 0)",
                 value, r, e);
    assert_int_equal(n, 5);
    if (took < DATA_DELAY_MS - 50)
        fail_msg("SO_OPENTYPE %#x: WSARecv came back after %.0f ms, before the data was sent", value,
                 took);
    Sleep(100);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    WSACloseEvent(ov.hEvent);

    /* the routine too: never queued */
    hostpeer_listener_free(hl);
    assert_int_equal(closesocket(s), 0);
    s = client_of_late_sender(&hl);
    routine_runs = 0;
    memset(&ov, 0, sizeof(ov));
    n = 0;
    r = WSARecv(s, &wb, 1, &n, &flags, &ov, count_routine);
    e = WSAGetLastError();
    if (r != 0)
        fail_msg("SO_OPENTYPE %#x: WSARecv with a routine: %d, error %d", value, r, e);
    assert_int_equal(n, 5);
    SleepEx(300, TRUE);
    assert_int_equal(routine_runs, 0);
    assert_int_equal(closesocket(s), 0);
    hostpeer_listener_free(hl);
}

static void open_type_nonalert_sockets_ignore_overlapped(void **state)
{
    (void)state;
    check_non_overlapped(SO_SYNCHRONOUS_NONALERT);
}

static void open_type_alert_sockets_ignore_overlapped(void **state)
{
    (void)state;
    check_non_overlapped(SO_SYNCHRONOUS_ALERT);
}

/* The option does not reach WSASocket, whose flags say it, nor other threads. */
struct other_thread {
    int open_type;
    int recv_result, recv_error;
};

static DWORD WINAPI other_thread_main(void *arg)
{
    struct other_thread *o = arg;
    int len = sizeof(o->open_type);
    getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&o->open_type, &len);
    /* an overlapped socket: the receive pends */
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    unsigned short port;
    SOCKET u = tu_udp(AF_INET, &port);
    static char buf[16];
    static WSAOVERLAPPED ov;
    WSABUF wb = { sizeof(buf), buf };
    DWORD n = 0, flags = 0;
    o->recv_result = WSARecv(u, &wb, 1, &n, &flags, &ov, NULL);
    o->recv_error = WSAGetLastError();
    closesocket(u);
    closesocket(s);
    return 0;
}

static void open_type_is_per_thread_and_socket_only(void **state)
{
    struct other_thread o = { -1, 0, 0 };
    (void)state;

    set_open_type(SO_SYNCHRONOUS_NONALERT);
    HANDLE t = CreateThread(NULL, 0, other_thread_main, &o, 0, NULL);
    assert_non_null(t);
    assert_int_equal(WaitForSingleObject(t, WAIT_MS), WAIT_OBJECT_0);
    CloseHandle(t);
    assert_int_equal(o.open_type, 0);
    assert_int_equal(o.recv_result, SOCKET_ERROR);
    assert_int_equal(o.recv_error, WSA_IO_PENDING);
    assert_int_equal(open_type(), SO_SYNCHRONOUS_NONALERT);

    /* WSASocket with WSA_FLAG_OVERLAPPED is overlapped whatever the thread says */
    SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    assert_true(s != INVALID_SOCKET);
    HANDLE port = CreateIoCompletionPort((HANDLE)s, NULL, 1, 0);
    if (!port)
        fail_msg("an overlapped WSASocket could not join a port: %lu", GetLastError());
    CloseHandle(port);
    assert_int_equal(closesocket(s), 0);
    /* and WSASocket without it is not, whatever the thread says */
    set_open_type(0);
    s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, 0);
    assert_true(s != INVALID_SOCKET);
    SetLastError(0);
    port = CreateIoCompletionPort((HANDLE)s, NULL, 1, 0);
    assert_null(port);
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_int_equal(closesocket(s), 0);
}

/* A non-overlapped WSARecv given an OVERLAPPED is a blocking call: closing
 * the socket interrupts it with WSAEINTR and nothing completes. */
struct blocked_recv {
    SOCKET s;
    WSAOVERLAPPED ov;
    char buf[16];
    volatile LONG entered;
    int result, err;
    double done_ms;
};

static DWORD WINAPI blocked_recv_main(void *arg)
{
    struct blocked_recv *b = arg;
    WSABUF wb = { sizeof(b->buf), b->buf };
    DWORD n = 0, flags = 0;
    InterlockedExchange(&b->entered, 1);
    b->result = WSARecv(b->s, &wb, 1, &n, &flags, &b->ov, NULL);
    b->err = WSAGetLastError();
    b->done_ms = tu_now_ms();
    return 0;
}

static void open_type_blocked_call_interrupted_once(void **state)
{
    hostpeer_tcp_opts o = { 0 };
    hostpeer_listener *hl;
    struct sockaddr_storage ss;
    struct blocked_recv *b = calloc(1, sizeof(*b));    /* leaked if the test fails */
    (void)state;

    assert_non_null(b);
    hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);
    set_open_type(SO_SYNCHRONOUS_NONALERT);
    b->s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(b->s != INVALID_SOCKET);
    int len = tu_loopback(AF_INET, hostpeer_listener_port(hl), &ss);
    assert_wsa_ok(connect(b->s, (struct sockaddr *)&ss, len));
    b->ov.hEvent = WSACreateEvent();
    HANDLE t = CreateThread(NULL, 0, blocked_recv_main, b, 0, NULL);
    assert_non_null(t);
    while (!b->entered)
        Sleep(1);
    Sleep(300);
    assert_int_equal(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    double t0 = tu_now_ms();
    assert_int_equal(closesocket(b->s), 0);
    assert_int_equal(WaitForSingleObject(t, WAIT_MS), WAIT_OBJECT_0);
    CloseHandle(t);
    tu_log("blocked WSARecv back %.1f ms after closesocket: %d/%d", b->done_ms - t0, b->result, b->err);
    if (b->result != SOCKET_ERROR || b->err != WSAEINTR)
        fail_msg("blocked non-overlapped WSARecv: %d, error %d (expected WSAEINTR)", b->result, b->err);
    assert_true(b->done_ms - t0 < 1000.0);
    /* one outcome: the event is never signalled */
    assert_int_equal(WaitForSingleObject(b->ov.hEvent, 500), WAIT_TIMEOUT);
    WSACloseEvent(b->ov.hEvent);
    free(b);
    hostpeer_listener_free(hl);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(open_type_belongs_to_the_thread, reset_open_type),
        cmocka_unit_test_teardown(open_type_lengths, reset_open_type),
        cmocka_unit_test_teardown(open_type_needs_startup, reset_open_type),
        cmocka_unit_test_teardown(open_type_nonalert_sockets_ignore_overlapped, reset_open_type),
        cmocka_unit_test_teardown(open_type_alert_sockets_ignore_overlapped, reset_open_type),
        cmocka_unit_test_teardown(open_type_is_per_thread_and_socket_only, reset_open_type),
        cmocka_unit_test_teardown(open_type_blocked_call_interrupted_once, reset_open_type),
    };
    return cmocka_run_group_tests_name("opentype", tests, group_setup, tu_group_cleanup);
}
