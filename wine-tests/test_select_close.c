/*
 * test_select_close.c - the sets of a select that another thread's
 * closesocket ends (issue 12; Wine's test_select, sock.c:4538).
 *
 * CE 5.0 fails the select with WSAEINTR (the closesocket page: pending
 * blocking calls are cancelled; docs/closesocket.md), where Windows gives
 * WSAENOTSOCK, or 1 with the socket readable when it was in the read set.
 * The page says nothing of the sets, so they are written as Windows
 * writes them: the closed socket in the read set if it was there, in no
 * except (or write) set.  A select refused before it waits (a handle
 * closed beforehand) leaves the sets as given, as on Windows.
 */
#include "testutil.h"

#include <string.h>

#define CLOSE_AFTER_MS 200

static DWORD WINAPI close_later(void *arg)
{
    Sleep(CLOSE_AFTER_MS);
    closesocket(*(SOCKET *)arg);
    return 0;
}

/* The except set (then the read set too), a socket closed by another thread
 * during the wait: -1, WSAEINTR, the wait ended by the close (well before
 * the timeout), the except set empty, the read set holding the socket. */
static void close_ends_select_sets_as_windows(void **state)
{
    (void)state;
    for (int with_read = 0; with_read < 2; with_read++) {
        SOCKET client, server;
        fd_set readfds, exceptfds;
        struct timeval timeout = { 5, 0 };
        assert_int_equal(tu_tcp_pair(AF_INET, &client, &server), 0);
        FD_ZERO(&readfds);
        FD_ZERO(&exceptfds);
        FD_SET(client, &readfds);
        FD_SET(client, &exceptfds);
        HANDLE t = CreateThread(NULL, 0, close_later, &client, 0, NULL);
        assert_non_null(t);
        double start = tu_now_ms();
        WSASetLastError(0xdeadbeef);
        int ret = select(0, with_read ? &readfds : NULL, NULL, &exceptfds, &timeout);
        double took = tu_now_ms() - start;
        int err = WSAGetLastError();
        assert_int_equal(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
        CloseHandle(t);
        assert_int_equal(ret, SOCKET_ERROR);
        assert_int_equal(err, WSAEINTR);
        assert_true(took < 3000);
        assert_int_equal(exceptfds.fd_count, 0);
        if (with_read) {
            assert_int_equal(readfds.fd_count, 1);
            assert_true(readfds.fd_array[0] == client);
        }
        assert_int_equal(closesocket(server), 0);
    }
}

/* A handle closed before the call: WSAENOTSOCK and the sets untouched. */
static void closed_before_select_keeps_sets(void **state)
{
    SOCKET client, server;
    fd_set readfds, exceptfds;
    struct timeval timeout = { 1, 0 };
    (void)state;
    assert_int_equal(tu_tcp_pair(AF_INET, &client, &server), 0);
    assert_int_equal(closesocket(client), 0);
    FD_ZERO(&readfds);
    FD_ZERO(&exceptfds);
    FD_SET(server, &readfds);
    FD_SET(client, &readfds);
    FD_SET(server, &exceptfds);
    FD_SET(client, &exceptfds);
    assert_wsa_fail(select(0, &readfds, NULL, &exceptfds, &timeout), SOCKET_ERROR, WSAENOTSOCK);
    assert_int_equal(readfds.fd_count, 2);
    assert_int_equal(exceptfds.fd_count, 2);
    assert_int_equal(closesocket(server), 0);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(close_ends_select_sets_as_windows),
        cmocka_unit_test(closed_before_select_keeps_sets),
    };
    return cmocka_run_group_tests_name("select_close", tests, tu_group_startup, tu_group_cleanup);
}
