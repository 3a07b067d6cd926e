/*
 * test_notsock.c - every export that takes a socket (notsock_calls.c),
 * given things that are not sockets of ours (a made-up value,
 * INVALID_SOCKET, a closed socket, an event handle), fails with its
 * documented failure value and WSAENOTSOCK; nothing may crash, and a
 * non-socket kernel handle passed in must survive (the stack must not close
 * or use it).  The other bad inputs, one row per (export, input), are
 * test_badinput.c.
 */
#include "notsock_calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_not_socket(const char *what, SOCKET (*make)(void), void (*after)(SOCKET))
{
    int bad = 0;
    for (size_t i = 0; i < NSOCK_CALLS; i++) {
        SOCKET s = make();
        WSASetLastError(0xbeef);
        long long r = sock_calls[i].fn(s);
        int e = WSAGetLastError();
        if (r != sock_calls[i].failval || e != WSAENOTSOCK) {
            printf("    %s(%s): returned %lld (expected %lld), error %d (expected WSAENOTSOCK %d)\n",
                   sock_calls[i].name, what, r, sock_calls[i].failval, e, WSAENOTSOCK);
            bad++;
        }
        if (after) after(s);
    }
    return bad;
}

static SOCKET make_fake(void) { return (SOCKET)0x1234; }
static SOCKET make_invalid(void) { return INVALID_SOCKET; }
static SOCKET make_closed(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET || closesocket(s))
        fail_msg("could not make a closed socket: %d", WSAGetLastError());
    return s;
}
static SOCKET make_event_handle(void)
{
    return (SOCKET)CreateEventW(NULL, TRUE, FALSE, NULL);
}
static void check_event_alive(SOCKET s)
{
    /* the stack must not have closed (or otherwise used up) the handle */
    if (!SetEvent((HANDLE)s) || WaitForSingleObject((HANDLE)s, 0) != WAIT_OBJECT_0)
        fail_msg("a non-socket event handle passed to Winsock was closed or damaged");
    CloseHandle((HANDLE)s);
}

static void not_a_socket_fake_value(void **state)
{
    (void)state;
    int bad = run_not_socket("(SOCKET)0x1234", make_fake, NULL);
    if (bad) fail_msg("%d export(s) did not report WSAENOTSOCK", bad);
}

static void not_a_socket_invalid_socket(void **state)
{
    (void)state;
    int bad = run_not_socket("INVALID_SOCKET", make_invalid, NULL);
    if (bad) fail_msg("%d export(s) did not report WSAENOTSOCK", bad);
}

static void not_a_socket_closed_handle(void **state)
{
    (void)state;
    int bad = run_not_socket("closed socket", make_closed, NULL);
    if (bad) fail_msg("%d export(s) did not report WSAENOTSOCK", bad);
}

static void not_a_socket_event_handle(void **state)
{
    (void)state;
    int bad = run_not_socket("event handle", make_event_handle, check_event_alive);
    if (bad) fail_msg("%d export(s) did not report WSAENOTSOCK", bad);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(not_a_socket_fake_value),
        cmocka_unit_test(not_a_socket_invalid_socket),
        cmocka_unit_test(not_a_socket_closed_handle),
        cmocka_unit_test(not_a_socket_event_handle),
    };
    return cmocka_run_group_tests_name("notsock", tests, tu_group_startup, tu_group_cleanup);
}
