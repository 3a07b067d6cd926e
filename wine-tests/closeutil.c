/*
 * closeutil.c - helpers of the closesocket suites (closeutil.h).
 */
#include "closeutil.h"

#include <stdio.h>

int close_group_setup(void **state)
{
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return -1;
    }
    return tu_group_startup(state);
}

void host_pair(SOCKET *a, hostpeer_sock *h)
{
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    if (l == INVALID_SOCKET)
        fail_msg("listener: %d", WSAGetLastError());
    *h = hostpeer_tcp_connect(AF_INET, port);
    if (*h == HOSTPEER_BAD)
        fail_msg("host connect to our listener failed: %d", hostpeer_last_error());
    *a = accept(l, NULL, NULL);
    if (*a == INVALID_SOCKET)
        fail_msg("accept: %d", WSAGetLastError());
    assert_int_equal(closesocket(l), 0);
}

unsigned long long fill_send_window(SOCKET s)
{
    static char chunk[65536];
    unsigned long long total = 0;
    u_long on = 1;
    if (ioctlsocket(s, FIONBIO, &on))
        fail_msg("FIONBIO 1: %d", WSAGetLastError());
    tu_fill(chunk, 0, sizeof(chunk));
    for (int quiet = 0; quiet < 3;) {
        int n = send(s, chunk, sizeof(chunk), 0);
        if (n > 0) {
            total += (unsigned long long)n;
            quiet = 0;
            if (total > (512ull << 20))
                fail_msg("the send window never filled (512 MiB queued)");
            continue;
        }
        int e = WSAGetLastError();
        if (n != SOCKET_ERROR || e != WSAEWOULDBLOCK)
            fail_msg("filling send: %d, error %d", n, e);
        /* the host may still grow its buffers: insist a few times */
        quiet++;
        Sleep(50);
    }
    tu_log("send window full after %llu bytes", total);
    return total;
}

void assert_handle_dead(SOCKET s)
{
    char b[4];
    int v, len = sizeof(v);
    assert_wsa_fail(send(s, "x", 1, 0), SOCKET_ERROR, WSAENOTSOCK);
    assert_wsa_fail(recv(s, b, sizeof(b), 0), SOCKET_ERROR, WSAENOTSOCK);
    assert_wsa_fail(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, &len), SOCKET_ERROR, WSAENOTSOCK);
    assert_wsa_fail(closesocket(s), SOCKET_ERROR, WSAENOTSOCK);
}
