/*
 * test_udp.c - UDP through our stack over loopback: echo with a host peer
 * (IPv4, IPv6), between our own sockets, message boundaries (sizes kept,
 * truncation with WSAEMSGSIZE, scatter), overlapped WSASendTo/WSARecvFrom.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int group_setup(void **state)
{
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return -1;
    }
    return tu_group_startup(state);
}

static const int sizes[] = { 1, 100, 1400, 9000, 3 };
#define NSIZES ((int)(sizeof(sizes) / sizeof(sizes[0])))

static int addr_len(int family)
{
    return family == AF_INET6 ? (int)sizeof(struct sockaddr_in6) : (int)sizeof(struct sockaddr_in);
}

static void echo_with_host(int family)
{
    if (family == AF_INET6 && !hostpeer_have_ipv6()) {
        printf("    (the host cannot bind ::1: skipped)\n");
        skip();
    }
    hostpeer_udp *echo = hostpeer_udp_echo(family);
    assert_non_null(echo);
    unsigned short eport = hostpeer_udp_port(echo), myport;
    SOCKET u = tu_udp(family, &myport);
    if (u == INVALID_SOCKET) fail_msg("udp socket: %d", WSAGetLastError());
    assert_int_equal(tu_set_timeouts(u, 10000), 0);

    struct sockaddr_storage to;
    int tolen = tu_loopback(family, eport, &to);
    char *buf = malloc(65536);
    /* all datagrams first, then all echoes: boundaries must survive queueing */
    for (int i = 0; i < NSIZES; i++) {
        tu_fill(buf, (unsigned long long)i * 7919, (size_t)sizes[i]);
        int n = sendto(u, buf, sizes[i], 0, (struct sockaddr *)&to, tolen);
        if (n != sizes[i]) fail_msg("sendto %d bytes: %d (error %d)", sizes[i], n, WSAGetLastError());
    }
    for (int i = 0; i < NSIZES; i++) {
        struct sockaddr_storage from;
        int flen = sizeof(from);
        memset(buf, 0, 65536);
        int n = recvfrom(u, buf, 65536, 0, (struct sockaddr *)&from, &flen);
        if (n == SOCKET_ERROR) fail_msg("recvfrom #%d: %d", i, WSAGetLastError());
        if (n != sizes[i]) fail_msg("echo #%d: %d bytes, sent %d", i, n, sizes[i]);
        assert_true(tu_check(buf, (unsigned long long)i * 7919, (size_t)n) == (size_t)-1);
        assert_int_equal(flen, addr_len(family));
        assert_int_equal(from.ss_family, family);
        assert_true(tu_is_loopback((struct sockaddr *)&from));
        assert_int_equal(tu_port_of((struct sockaddr *)&from), eport);
    }
    tu_log("%d datagrams (1 to 9000 bytes) echoed by the host peer, sizes and contents kept", NSIZES);
    /* the host saw the same datagram sizes */
    assert_int_equal(hostpeer_udp_count(echo), NSIZES);
    for (int i = 0; i < NSIZES; i++)
        assert_int_equal(hostpeer_udp_size(echo, (unsigned)i), sizes[i]);
    free(buf);
    assert_int_equal(closesocket(u), 0);
    hostpeer_udp_free(echo);
}

static void udp_echo_host_v4(void **state) { (void)state; echo_with_host(AF_INET); }
static void udp_echo_host_v6(void **state) { (void)state; echo_with_host(AF_INET6); }

static void udp_host_sees_our_address(void **state)
{
    (void)state;
    unsigned short hport, myport, from_port = 0;
    hostpeer_sock hs = hostpeer_udp_socket(AF_INET, &hport);
    assert_true(hs != HOSTPEER_BAD);
    SOCKET u = tu_udp(AF_INET, &myport);
    assert_true(u != INVALID_SOCKET);
    struct sockaddr_storage to;
    int tolen = tu_loopback(AF_INET, hport, &to);
    assert_int_equal(sendto(u, "datagram", 8, 0, (struct sockaddr *)&to, tolen), 8);
    char b[64];
    assert_int_equal(hostpeer_recvfrom(hs, b, sizeof(b), 10000, &from_port), 8);
    assert_memory_equal(b, "datagram", 8);
    assert_int_equal(from_port, myport);
    /* and the host's reply reaches us */
    assert_int_equal(hostpeer_sendto(hs, "reply", 5, AF_INET, myport), 5);
    assert_int_equal(tu_set_timeouts(u, 10000), 0);
    assert_int_equal(recv(u, b, sizeof(b), 0), 5);
    assert_memory_equal(b, "reply", 5);
    closesocket(u);
    hostpeer_close(hs);
}

static void our_to_our(int family)
{
    unsigned short pa, pb;
    SOCKET a = tu_udp(family, &pa), b = tu_udp(family, &pb);
    assert_true(a != INVALID_SOCKET && b != INVALID_SOCKET);
    assert_int_equal(tu_set_timeouts(b, 10000), 0);
    assert_int_equal(tu_set_timeouts(a, 10000), 0);
    struct sockaddr_storage to;
    int tolen = tu_loopback(family, pb, &to);
    char buf[9000];
    for (int i = 0; i < NSIZES; i++) {
        tu_fill(buf, (unsigned long long)i, (size_t)sizes[i]);
        assert_int_equal(sendto(a, buf, sizes[i], 0, (struct sockaddr *)&to, tolen), sizes[i]);
    }
    for (int i = 0; i < NSIZES; i++) {
        struct sockaddr_storage from;
        int flen = sizeof(from);
        int n = recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
        if (n != sizes[i]) fail_msg("datagram #%d: %d bytes (error %d), sent %d", i, n, WSAGetLastError(), sizes[i]);
        assert_true(tu_check(buf, (unsigned long long)i, (size_t)n) == (size_t)-1);
        assert_int_equal(tu_port_of((struct sockaddr *)&from), pa);
    }
    /* connected UDP: send/recv, getpeername */
    struct sockaddr_storage bto;
    int blen = tu_loopback(family, pb, &bto);
    assert_int_equal(connect(a, (struct sockaddr *)&bto, blen), 0);
    struct sockaddr_storage pn;
    int pnlen = sizeof(pn);
    assert_int_equal(getpeername(a, (struct sockaddr *)&pn, &pnlen), 0);
    assert_int_equal(tu_port_of((struct sockaddr *)&pn), pb);
    assert_int_equal(send(a, "connected", 9, 0), 9);
    assert_int_equal(recv(b, buf, sizeof(buf), 0), 9);
    assert_memory_equal(buf, "connected", 9);
    closesocket(a);
    closesocket(b);
}

static void udp_our_to_our_v4(void **state) { (void)state; our_to_our(AF_INET); }
static void udp_our_to_our_v6(void **state)
{
    (void)state;
    if (!hostpeer_have_ipv6()) { printf("    (no ::1: skipped)\n"); skip(); }
    our_to_our(AF_INET6);
}

static void udp_truncation_keeps_boundaries(void **state)
{
    (void)state;
    unsigned short pa, pb;
    SOCKET a = tu_udp(AF_INET, &pa), b = tu_udp(AF_INET, &pb);
    assert_true(a != INVALID_SOCKET && b != INVALID_SOCKET);
    assert_int_equal(tu_set_timeouts(b, 10000), 0);
    struct sockaddr_storage to;
    int tolen = tu_loopback(AF_INET, pb, &to);
    char big[100], small[10];
    tu_fill(big, 0, sizeof(big));
    assert_int_equal(sendto(a, big, sizeof(big), 0, (struct sockaddr *)&to, tolen), sizeof(big));
    assert_int_equal(sendto(a, "seven!!", 7, 0, (struct sockaddr *)&to, tolen), 7);
    Sleep(100);
    /* a 10-byte buffer for a 100-byte datagram: WSAEMSGSIZE, buffer filled,
     * the rest of that datagram discarded */
    memset(small, 0, sizeof(small));
    assert_wsa_fail(recv(b, small, sizeof(small), 0), SOCKET_ERROR, WSAEMSGSIZE);
    assert_memory_equal(small, big, sizeof(small));
    char next[100];
    assert_int_equal(recv(b, next, sizeof(next), 0), 7);
    assert_memory_equal(next, "seven!!", 7);

    /* scatter: one 12-byte datagram over a 5-byte and a 100-byte buffer */
    assert_int_equal(sendto(a, "hello world!", 12, 0, (struct sockaddr *)&to, tolen), 12);
    char s1[5], s2[100];
    WSABUF wb[2] = { { sizeof(s1), s1 }, { sizeof(s2), s2 } };
    DWORD n = 0, flags = 0;
    assert_int_equal(WSARecv(b, wb, 2, &n, &flags, NULL, NULL), 0);
    assert_int_equal(n, 12);
    assert_memory_equal(s1, "hello", 5);
    assert_memory_equal(s2, " world!", 7);
    closesocket(a);
    closesocket(b);
}

static void udp_overlapped_sendto_recvfrom(void **state)
{
    (void)state;
    unsigned short pa, pb;
    SOCKET a = tu_udp(AF_INET, &pa), b = tu_udp(AF_INET, &pb);
    assert_true(a != INVALID_SOCKET && b != INVALID_SOCKET);

    char rbuf[2000];
    WSABUF rb = { sizeof(rbuf), rbuf };
    struct sockaddr_storage from;
    INT flen = sizeof(from);
    WSAOVERLAPPED ovr;
    memset(&ovr, 0, sizeof(ovr));
    ovr.hEvent = WSACreateEvent();
    DWORD n = 0, flags = 0;
    assert_wsa_fail(WSARecvFrom(b, &rb, 1, &n, &flags, (struct sockaddr *)&from, &flen, &ovr, NULL),
                    SOCKET_ERROR, WSA_IO_PENDING);

    char sbuf[1234];
    tu_fill(sbuf, 99, sizeof(sbuf));
    WSABUF sb = { sizeof(sbuf), sbuf };
    struct sockaddr_storage to;
    int tolen = tu_loopback(AF_INET, pb, &to);
    WSAOVERLAPPED ovs;
    memset(&ovs, 0, sizeof(ovs));
    ovs.hEvent = WSACreateEvent();
    int r = WSASendTo(a, &sb, 1, &n, 0, (struct sockaddr *)&to, tolen, &ovs, NULL);
    if (r == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING)
        fail_msg("WSASendTo: %d", WSAGetLastError());
    assert_int_equal(WSAWaitForMultipleEvents(1, &ovs.hEvent, TRUE, 10000, FALSE), WSA_WAIT_EVENT_0);
    DWORD sent = 0, sflags;
    assert_true(WSAGetOverlappedResult(a, &ovs, &sent, FALSE, &sflags));
    assert_int_equal(sent, sizeof(sbuf));

    assert_int_equal(WSAWaitForMultipleEvents(1, &ovr.hEvent, TRUE, 10000, FALSE), WSA_WAIT_EVENT_0);
    DWORD got = 0;
    if (!WSAGetOverlappedResult(b, &ovr, &got, FALSE, &flags))
        fail_msg("WSAGetOverlappedResult(recvfrom): %d", WSAGetLastError());
    assert_int_equal(got, sizeof(sbuf));
    assert_true(tu_check(rbuf, 99, got) == (size_t)-1);
    assert_int_equal(flen, sizeof(struct sockaddr_in));
    assert_int_equal(tu_port_of((struct sockaddr *)&from), pa);
    assert_true(tu_is_loopback((struct sockaddr *)&from));

    WSACloseEvent(ovr.hEvent);
    WSACloseEvent(ovs.hEvent);
    closesocket(a);
    closesocket(b);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(udp_echo_host_v4),
        cmocka_unit_test(udp_echo_host_v6),
        cmocka_unit_test(udp_host_sees_our_address),
        cmocka_unit_test(udp_our_to_our_v4),
        cmocka_unit_test(udp_our_to_our_v6),
        cmocka_unit_test(udp_truncation_keeps_boundaries),
        cmocka_unit_test(udp_overlapped_sendto_recvfrom),
    };
    return cmocka_run_group_tests_name("udp", tests, group_setup, tu_group_cleanup);
}
