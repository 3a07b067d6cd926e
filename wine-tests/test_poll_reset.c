/*
 * test_poll_reset.c - WSAPoll on a connection the peer reset (issue 12;
 * Wine's test_tcp_reset, sock.c:13328).
 *
 * Windows reports POLLERR | POLLHUP | POLLWRNORM for a reset connection
 * for as long as the socket lives, also after a recv was told
 * WSAECONNRESET and while SO_ERROR is 0; a connection the peer closed with
 * a FIN is POLLHUP | POLLWRNORM, no POLLERR.  Under Wine only the host's
 * poll still tells the two apart once the reset was reported, so ws2.dll
 * asks the provider's own poll (SIO_CEWS_POLL_STATE, cews2.h).  The peer
 * is a host socket (hostpeer), its reset a real one (SO_LINGER {1,0}).
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>

static int group_setup(void **state)
{
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return -1;
    }
    return tu_group_startup(state);
}

/* Ours accepts a host client; a receive is pending on ours when the host
 * side ends (reset or FIN), and its outcome is returned in *recv_error. */
static SOCKET peer_ends_under_pending_recv(int reset, int *recv_error)
{
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    assert_true(l != INVALID_SOCKET);
    hostpeer_sock peer = hostpeer_tcp_connect(AF_INET, port);
    assert_true(peer != HOSTPEER_BAD);
    SOCKET s = accept(l, NULL, NULL);
    assert_true(s != INVALID_SOCKET);
    assert_int_equal(closesocket(l), 0);

    char buffer[8];
    WSABUF b = { sizeof(buffer), buffer };
    DWORD flags = 0, size = 0;
    WSAOVERLAPPED ov = { 0 };
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    int ret = WSARecv(s, &b, 1, NULL, &flags, &ov, NULL);
    assert_true(ret == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING);
    if (reset)
        hostpeer_close_reset(peer);
    else
        hostpeer_close(peer);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 5000), WAIT_OBJECT_0);
    *recv_error = WSAGetOverlappedResult(s, &ov, &size, FALSE, &flags) ? 0 : WSAGetLastError();
    CloseHandle(ov.hEvent);
    return s;
}

static SHORT poll_now(SOCKET s)
{
    WSAPOLLFD fd = { s, POLLRDNORM | POLLWRNORM, 0 };
    assert_int_equal(WSAPoll(&fd, 1, 0), 1);
    return fd.revents;
}

/* After a reset: POLLERR | POLLHUP | POLLWRNORM, still so after the reset
 * was reported and with SO_ERROR 0. */
static void reset_is_pollerr(void **state)
{
    (void)state;
    int recv_error, so_error = -1, len = sizeof(so_error);
    SOCKET s = peer_ends_under_pending_recv(1, &recv_error);
    assert_int_equal(recv_error, WSAECONNRESET);
    assert_wsa_ok(getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&so_error, &len));
    assert_int_equal(so_error, 0);
    for (int i = 0; i < 2; i++) {
        SHORT revents = poll_now(s);
        if (revents != (POLLERR | POLLHUP | POLLWRNORM))
            fail_msg("poll %d after the reset: revents %#x, expected %#x", i, revents,
                     POLLERR | POLLHUP | POLLWRNORM);
    }
    assert_int_equal(closesocket(s), 0);
}

/* After a FIN: POLLHUP | POLLWRNORM, no POLLERR. */
static void fin_is_no_pollerr(void **state)
{
    (void)state;
    int recv_error;
    SOCKET s = peer_ends_under_pending_recv(0, &recv_error);
    assert_int_equal(recv_error, 0);
    SHORT revents = poll_now(s);
    if (revents != (POLLHUP | POLLWRNORM))
        fail_msg("poll after the FIN: revents %#x, expected %#x", revents, POLLHUP | POLLWRNORM);
    assert_int_equal(closesocket(s), 0);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reset_is_pollerr),
        cmocka_unit_test(fin_is_no_pollerr),
    };
    return cmocka_run_group_tests_name("poll_reset", tests, group_setup, tu_group_cleanup);
}
