/*
 * badinput_fixture.c - the sockets test_badinput's rows are run on
 * (badinput_fixture.h).
 */
#include "badinput_fixture.h"

#include <string.h>

fixture fx;

int badinput_fixture_setup(void **state)
{
    (void)state;
    unsigned short port;
    u_long on = 1;
    memset(&fx, 0xff, sizeof(fx));
    fx.tcp = socket(AF_INET, SOCK_STREAM, 0);
    fx.tcp6 = socket(AF_INET6, SOCK_STREAM, 0);
    fx.bound = tu_listener(AF_INET, SOCK_DGRAM, NULL); /* bound only (UDP keeps it simple) */
    fx.listener = tu_listener(AF_INET, SOCK_STREAM, &port);
    if (fx.tcp == INVALID_SOCKET || fx.tcp6 == INVALID_SOCKET || fx.bound == INVALID_SOCKET ||
        fx.listener == INVALID_SOCKET)
        return -1;
    fx.pending_client = tu_connect(AF_INET, port);
    if (fx.pending_client == INVALID_SOCKET) return -1;
    if (tu_tcp_pair(AF_INET, &fx.client, &fx.server)) return -1;
    fx.udp = tu_udp(AF_INET, &fx.udp_port);
    if (fx.udp == INVALID_SOCKET) return -1;
    struct sockaddr_storage to;
    int tolen = tu_loopback(AF_INET, fx.udp_port, &to);
    if (sendto(fx.udp, "queued", 6, 0, (struct sockaddr *)&to, tolen) != 6) return -1;
    /* a row whose check is missing must fail, not block the suite */
    if (ioctlsocket(fx.listener, FIONBIO, &on) || ioctlsocket(fx.server, FIONBIO, &on) ||
        ioctlsocket(fx.tcp, FIONBIO, &on))
        return -1;
    fx.irda = socket(AF_IRDA, SOCK_STREAM, 0);
    Sleep(50);
    return 0;
}

int badinput_fixture_teardown(void **state)
{
    (void)state;
    SOCKET *all[] = { &fx.tcp, &fx.bound, &fx.tcp6, &fx.listener, &fx.pending_client,
                      &fx.client, &fx.server, &fx.udp, &fx.irda };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (*all[i] != INVALID_SOCKET) closesocket(*all[i]);
    return 0;
}
