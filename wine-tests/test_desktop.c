/*
 * test_desktop.c - the desktop extensions (cews2.h) and the desktop
 * behaviours programs written for Windows rely on, each seen from outside:
 * what the peer receives, what select/poll report, the last error.
 */
#include "testutil.h"
#include <mswsock.h>
#include <stdlib.h>
#include <string.h>

/* ---- last error ---------------------------------------------------------- */

/* A success clears the last error, as on Windows: programs check it after. */
static void success_clears_last_error(void **state)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    int value = 0, len = sizeof(value);
    (void)state;
    assert_true(s != INVALID_SOCKET);
    WSASetLastError(12345);
    assert_int_equal(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&value, &len), 0);
    assert_int_equal(WSAGetLastError(), 0);
    assert_int_equal(value, SOCK_STREAM);
    WSASetLastError(12345);
    value = 1;
    assert_int_equal(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (char *)&value, sizeof(value)), 0);
    assert_int_equal(WSAGetLastError(), 0);
    WSASetLastError(12345);
    SOCKET u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    assert_true(u != INVALID_SOCKET);
    assert_int_equal(WSAGetLastError(), 0);
    closesocket(u);
    closesocket(s);
}

/* ---- select and poll ------------------------------------------------------ */

/* TCP and UDP, IPv4 and IPv6 in one select: the commonest server loop. */
static void select_mixes_catalog_entries(void **state)
{
    unsigned short tport, uport;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &tport);
    SOCKET u = tu_udp(AF_INET, &uport);
    SOCKET c, sender = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    struct sockaddr_storage to;
    struct timeval tv = { 5, 0 };
    fd_set r;
    (void)state;

    assert_true(l != INVALID_SOCKET && u != INVALID_SOCKET && sender != INVALID_SOCKET);
    /* nothing ready yet: a short select times out with both in the set */
    FD_ZERO(&r);
    FD_SET(l, &r);
    FD_SET(u, &r);
    struct timeval short_tv = { 0, 100000 };
    assert_int_equal(select(0, &r, NULL, NULL, &short_tv), 0);
    /* a datagram makes the UDP socket (only) readable */
    int tolen = tu_loopback(AF_INET, uport, &to);
    assert_int_equal(sendto(sender, "x", 1, 0, (struct sockaddr *)&to, tolen), 1);
    FD_ZERO(&r);
    FD_SET(l, &r);
    FD_SET(u, &r);
    assert_int_equal(select(0, &r, NULL, NULL, &tv), 1);
    assert_true(FD_ISSET(u, &r));
    assert_false(FD_ISSET(l, &r));
    /* a connection makes the listener readable too */
    c = tu_connect(AF_INET, tport);
    assert_true(c != INVALID_SOCKET);
    FD_ZERO(&r);
    FD_SET(l, &r);
    FD_SET(u, &r);
    assert_int_equal(select(0, &r, NULL, NULL, &tv), 2);
    closesocket(c);
    closesocket(sender);
    closesocket(u);
    closesocket(l);
}

/* An application may define FD_SETSIZE above 64: fd_count is what counts. */
#define BIG_SET 100
struct big_fd_set {
    u_int fd_count;
    SOCKET fd_array[BIG_SET];
};

static void select_takes_more_than_64(void **state)
{
    struct big_fd_set r;
    SOCKET socks[BIG_SET];
    unsigned short ports[BIG_SET];
    struct timeval tv = { 5, 0 };
    struct sockaddr_storage to;
    SOCKET sender = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    int i, n;
    (void)state;

    for (i = 0; i < BIG_SET; i++) {
        socks[i] = tu_udp(AF_INET, &ports[i]);
        assert_true(socks[i] != INVALID_SOCKET);
    }
    /* datagrams to the 1st and the 100th */
    n = tu_loopback(AF_INET, ports[0], &to);
    assert_int_equal(sendto(sender, "a", 1, 0, (struct sockaddr *)&to, n), 1);
    n = tu_loopback(AF_INET, ports[BIG_SET - 1], &to);
    assert_int_equal(sendto(sender, "b", 1, 0, (struct sockaddr *)&to, n), 1);
    Sleep(100);
    r.fd_count = BIG_SET;
    memcpy(r.fd_array, socks, sizeof(socks));
    assert_int_equal(select(0, (fd_set *)&r, NULL, NULL, &tv), 2);
    assert_int_equal(r.fd_count, 2);
    assert_true(__WSAFDIsSet(socks[BIG_SET - 1], (fd_set *)&r));
    assert_true(__WSAFDIsSet(socks[0], (fd_set *)&r));
    for (i = 0; i < BIG_SET; i++)
        closesocket(socks[i]);
    closesocket(sender);
}

static void poll_reports_read_hup_and_nval(void **state)
{
    SOCKET c, a;
    WSAPOLLFD fds[3];
    double t0;
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &c, &a), 0);
    fds[0].fd = c;
    fds[0].events = POLLRDNORM | POLLWRNORM;
    fds[1].fd = a;
    fds[1].events = POLLRDNORM;
    fds[2].fd = (SOCKET)0x7ff0;   /* no socket of ours */
    fds[2].events = POLLRDNORM;
    /* the bad handle is reported (not counted, as on Windows); c is writable */
    assert_int_equal(WSAPoll(fds, 3, 1000), 1);
    assert_int_equal(fds[0].revents, POLLWRNORM);
    assert_int_equal(fds[1].revents, 0);
    assert_int_equal(fds[2].revents, POLLNVAL);
    /* nothing to read: a 200 ms poll waits about 200 ms */
    fds[0].events = POLLRDNORM;
    t0 = tu_now_ms();
    assert_int_equal(WSAPoll(fds, 2, 200), 0);
    assert_true(tu_now_ms() - t0 >= 150);
    /* data, then the peer's FIN */
    assert_int_equal(send(c, "hi", 2, 0), 2);
    assert_int_equal(WSAPoll(&fds[1], 1, 5000), 1);
    assert_int_equal(fds[1].revents, POLLRDNORM);
    char buf[4];
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 2);
    /* out-of-band data is POLLRDBAND (not POLLRDNORM) */
    assert_int_equal(send(c, "!", 1, MSG_OOB), 1);
    fds[1].events = POLLRDNORM | POLLRDBAND;
    assert_int_equal(WSAPoll(&fds[1], 1, 5000), 1);
    assert_int_equal(fds[1].revents, POLLRDBAND);
    assert_int_equal(recv(a, buf, 1, MSG_OOB), 1);
    fds[1].events = POLLRDNORM;
    assert_int_equal(shutdown(c, SD_SEND), 0);
    assert_int_equal(WSAPoll(&fds[1], 1, 5000), 1);
    assert_true(fds[1].revents & POLLHUP);
    /* a hang-up is reported whatever was asked (events 0), and the socket
     * stays writable, with no POLLRDNORM when nothing is left to read */
    fds[1].events = 0;
    assert_int_equal(WSAPoll(&fds[1], 1, 5000), 1);
    assert_int_equal(fds[1].revents, POLLHUP);
    fds[1].events = POLLRDNORM | POLLWRNORM;
    assert_int_equal(WSAPoll(&fds[1], 1, 5000), 1);
    assert_int_equal(fds[1].revents, POLLHUP | POLLWRNORM);
    /* bad arguments */
    assert_wsa_fail(WSAPoll(fds, 0, 0), SOCKET_ERROR, WSAEINVAL);
    fds[0].events = 0x4000;
    assert_wsa_fail(WSAPoll(fds, 1, 0), SOCKET_ERROR, WSAEINVAL);
    /* Windows' order: with a socket among them, events outside poll's set
     * fail the call and every revents is 0, even a non-socket's... */
    fds[0].events = POLLRDNORM;
    fds[0].revents = fds[2].revents = 0x5555;
    fds[2].events = POLLERR;
    assert_wsa_fail(WSAPoll(&fds[1], 2, 0), SOCKET_ERROR, WSAEINVAL);
    assert_int_equal(fds[1].revents, 0);
    assert_int_equal(fds[2].revents, 0);
    /* ...with no socket at all it is WSAENOTSOCK and each is POLLNVAL */
    fds[1].fd = INVALID_SOCKET;
    assert_wsa_fail(WSAPoll(&fds[1], 2, 0), SOCKET_ERROR, WSAENOTSOCK);
    assert_int_equal(fds[1].revents, POLLNVAL);
    assert_int_equal(fds[2].revents, POLLNVAL);
    closesocket(c);
    closesocket(a);
}

/* ---- ANSI forms ------------------------------------------------------------ */

static void ansi_forms_match_unicode(void **state)
{
    DWORD wlen = 0, alen = 0;
    WSAPROTOCOL_INFOA *infos;
    WSAPROTOCOL_INFOW wide;
    struct sockaddr_in sa;
    char text[64];
    DWORD text_len = sizeof(text);
    int n, len = sizeof(sa), i, found = -1;
    (void)state;

    /* the same entries, the ANSI size for the ANSI form */
    assert_wsa_fail(WSAEnumProtocolsW(NULL, NULL, &wlen), SOCKET_ERROR, WSAENOBUFS);
    assert_wsa_fail(WSAEnumProtocolsA(NULL, NULL, &alen), SOCKET_ERROR, WSAENOBUFS);
    assert_int_equal(alen / sizeof(WSAPROTOCOL_INFOA), wlen / sizeof(WSAPROTOCOL_INFOW));
    infos = malloc(alen);
    assert_non_null(infos);
    n = WSAEnumProtocolsA(NULL, infos, &alen);
    assert_true(n > 0);
    for (i = 0; i < n; i++)
        if (infos[i].iAddressFamily == AF_INET && infos[i].iSocketType == SOCK_STREAM)
            found = i;
    assert_true(found >= 0);
    assert_true(strlen(infos[found].szProtocol) > 0);
    /* WSASocketA with an ANSI protocol info makes a socket of that entry */
    SOCKET s = WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                          &infos[found], 0, WSA_FLAG_OVERLAPPED);
    assert_true(s != INVALID_SOCKET);
    int ptype = 0, plen = sizeof(ptype);
    assert_int_equal(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&ptype, &plen), 0);
    assert_int_equal(ptype, SOCK_STREAM);
    /* WSADuplicateSocketA describes it with the same entry, in ANSI */
    WSAPROTOCOL_INFOA dup;
    assert_int_equal(WSADuplicateSocketA(s, GetCurrentProcessId(), &dup), 0);
    assert_int_equal(dup.iAddressFamily, AF_INET);
    assert_int_equal(dup.iSocketType, SOCK_STREAM);
    assert_int_equal(WSADuplicateSocketW(s, GetCurrentProcessId(), &wide), 0);
    assert_int_equal(wide.dwCatalogEntryId, dup.dwCatalogEntryId);
    closesocket(s);
    free(infos);
    /* text <-> address, both ways */
    assert_int_equal(WSAStringToAddressA((char *)"127.0.0.1:4321", AF_INET, NULL,
                                         (struct sockaddr *)&sa, &len), 0);
    assert_int_equal(ntohs(sa.sin_port), 4321);
    assert_int_equal(ntohl(sa.sin_addr.s_addr), 0x7f000001);
    assert_int_equal(WSAAddressToStringA((struct sockaddr *)&sa, sizeof(sa), NULL, text,
                                         &text_len), 0);
    assert_string_equal(text, "127.0.0.1:4321");
    assert_int_equal(text_len, strlen("127.0.0.1:4321") + 1);
    /* too small: WSAEFAULT and the size needed */
    text_len = 4;
    assert_wsa_fail(WSAAddressToStringA((struct sockaddr *)&sa, sizeof(sa), NULL, text,
                                        &text_len), SOCKET_ERROR, WSAEFAULT);
    assert_int_equal(text_len, strlen("127.0.0.1:4321") + 1);
}

/* ---- disconnects and connect by name --------------------------------------- */

/* WSASendDisconnect on TCP is shutdown(SD_SEND): the peer reads the data, then FIN. */
static void send_disconnect_sends_fin(void **state)
{
    SOCKET c, a;
    char buf[16];
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &c, &a), 0);
    tu_set_timeouts(a, 5000);
    assert_int_equal(send(c, "data", 4, 0), 4);
    assert_int_equal(WSASendDisconnect(c, NULL), 0);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 4);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 0);   /* FIN */
    /* sending after it fails as after shutdown */
    assert_wsa_fail(send(c, "x", 1, 0), SOCKET_ERROR, WSAESHUTDOWN);
    assert_int_equal(WSARecvDisconnect(a, NULL), 0);
    closesocket(c);
    closesocket(a);
}

static void connect_by_name_connects(void **state)
{
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), a;
    WCHAR service[8];
    struct sockaddr_in local, remote, peer;
    DWORD local_len = sizeof(local), remote_len = sizeof(remote);
    int peer_len = sizeof(peer);
    struct timeval tv = { 5, 0 };
    char buf[8];
    (void)state;

    assert_true(l != INVALID_SOCKET && c != INVALID_SOCKET);
    wsprintfW(service, L"%u", port);
    assert_true(WSAConnectByNameW(c, (LPWSTR)L"127.0.0.1", service, &local_len,
                                  (struct sockaddr *)&local, &remote_len,
                                  (struct sockaddr *)&remote, &tv, NULL));
    assert_int_equal(WSAGetLastError(), 0);
    assert_int_equal(ntohs(remote.sin_port), port);
    a = accept(l, (struct sockaddr *)&peer, &peer_len);
    assert_true(a != INVALID_SOCKET);
    /* the peer saw the connection from the local address reported */
    assert_int_equal(peer.sin_port, local.sin_port);
    /* and the socket is blocking again: a 1-byte echo works */
    assert_int_equal(send(c, "z", 1, 0), 1);
    assert_int_equal(recv(a, buf, 1, 0), 1);
    closesocket(a);
    closesocket(c);
    /* the ANSI form, and a refused port */
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    char aservice[8];
    wsprintfA(aservice, "%u", port);
    closesocket(l);
    WSASetLastError(0);
    assert_false(WSAConnectByNameA(c, (LPSTR)"127.0.0.1", aservice, NULL, NULL, NULL, NULL, &tv,
                                   NULL));
    assert_int_equal(WSAGetLastError(), WSAECONNREFUSED);
    assert_wsa_fail(WSAConnectByNameA(c, NULL, aservice, NULL, NULL, NULL, NULL, NULL, NULL),
                    FALSE, WSAEINVAL);
    closesocket(c);
    /* the arguments are judged before the socket, as on Windows */
    assert_wsa_fail(WSAConnectByNameA(c, (LPSTR)"127.0.0.1", NULL, NULL, NULL, NULL, NULL, NULL,
                                      NULL), FALSE, WSAEINVAL);
    /* an address without its length is not wanted: left alone, no WSAEFAULT */
    l = tu_listener(AF_INET, SOCK_STREAM, &port);
    wsprintfA(aservice, "%u", port);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&local, 0, sizeof(local));
    memset(&remote, 0, sizeof(remote));
    assert_true(WSAConnectByNameA(c, (LPSTR)"127.0.0.1", aservice, NULL, (struct sockaddr *)&local,
                                  NULL, (struct sockaddr *)&remote, &tv, NULL));
    assert_int_equal(local.sin_family, 0);
    assert_int_equal(remote.sin_family, 0);
    closesocket(c);
    closesocket(l);
}

/* ---- the import library's static part ---------------------------------------- */

/* AcceptEx from libws2.a asks the listener's provider, through ws2.dll */
static void accept_ex_through_the_stack(void **state)
{
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    SOCKET acc = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), c;
    char buf[2 * (sizeof(struct sockaddr_in) + 16) + 8];
    DWORD got = 0, flags = 0;
    WSAOVERLAPPED ov;
    struct sockaddr *local, *remote;
    int local_len, remote_len;
    (void)state;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    if (!AcceptEx(l, acc, buf, 4, sizeof(struct sockaddr_in) + 16,
                  sizeof(struct sockaddr_in) + 16, &got, &ov))
        assert_int_equal(WSAGetLastError(), WSA_IO_PENDING);
    c = tu_connect(AF_INET, port);
    assert_true(c != INVALID_SOCKET);
    assert_int_equal(send(c, "abcd", 4, 0), 4);
    assert_int_equal(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 5000, FALSE), WSA_WAIT_EVENT_0);
    assert_true(WSAGetOverlappedResult(l, &ov, &got, FALSE, &flags));
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "abcd", 4);
    GetAcceptExSockaddrs(buf, 4, sizeof(struct sockaddr_in) + 16, sizeof(struct sockaddr_in) + 16,
                         &local, &local_len, &remote, &remote_len);
    assert_non_null(local);
    assert_int_equal(ntohs(((struct sockaddr_in *)local)->sin_port), port);
    assert_true(tu_is_loopback(remote));
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(acc);
    closesocket(l);
    /* the IPv6 constants of the import library */
    assert_true(IN6_IS_ADDR_LOOPBACK(&in6addr_loopback));
    assert_true(IN6_IS_ADDR_UNSPECIFIED(&in6addr_any));
}

/* ---- arguments as Windows takes them --------------------------------------- */

/* accept(s, addr, NULL) accepts and leaves addr alone; recv(s, NULL, 0)
 * is 0; WSAGetOverlappedResult takes NULL flags. */
static void windows_argument_rules(void **state)
{
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port), c, a;
    struct sockaddr_in untouched;
    (void)state;

    c = tu_connect(AF_INET, port);
    assert_true(c != INVALID_SOCKET);
    memset(&untouched, 0xAB, sizeof(untouched));
    a = accept(l, (struct sockaddr *)&untouched, NULL);
    assert_true(a != INVALID_SOCKET);
    assert_int_equal(((unsigned char *)&untouched)[0], 0xAB);
    assert_int_equal(send(c, "q", 1, 0), 1);
    Sleep(50);
    assert_int_equal(recv(a, NULL, 0, 0), 0);
    char b;
    assert_int_equal(recv(a, &b, 1, 0), 1);   /* the 0-byte recv took nothing */
    /* an overlapped receive completed, asked about with NULL flags */
    WSAOVERLAPPED ov;
    WSABUF buf = { 1, &b };
    DWORD got = 0, flags = 0;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    if (WSARecv(a, &buf, 1, NULL, &flags, &ov, NULL))
        assert_int_equal(WSAGetLastError(), WSA_IO_PENDING);
    assert_int_equal(send(c, "r", 1, 0), 1);
    assert_int_equal(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 5000, FALSE), WSA_WAIT_EVENT_0);
    assert_true(WSAGetOverlappedResult(a, &ov, &got, FALSE, NULL));
    assert_int_equal(got, 1);
    assert_int_equal(b, 'r');
    WSACloseEvent(ov.hEvent);
    closesocket(a);
    closesocket(c);
    closesocket(l);
}

/* socket()'s error names what is wrong in Windows' order (Wine's ws2_32
 * conformance test has the same table). */
static void socket_errors_in_windows_order(void **state)
{
    static const struct { int af, type, protocol, err; } rows[] = {
        { 0x7777, SOCK_STREAM, IPPROTO_TCP, WSAEAFNOSUPPORT },
        { AF_INET, 0x7777, IPPROTO_TCP, WSAESOCKTNOSUPPORT },
        { AF_INET, SOCK_STREAM, 0x7777, WSAEPROTONOSUPPORT },
        { 0x7777, 0x7777, IPPROTO_TCP, WSAESOCKTNOSUPPORT },
        { 0x7777, SOCK_STREAM, 0x7777, WSAEAFNOSUPPORT },
        { AF_INET, SOCK_STREAM, IPPROTO_UDP, WSAEPROTONOSUPPORT },
        { AF_UNSPEC, SOCK_STREAM, 0, WSAEINVAL },
        { AF_UNSPEC, 0x7777, IPPROTO_UDP, WSAESOCKTNOSUPPORT },
        { AF_UNSPEC, 0, 0x7777, WSAEPROTONOSUPPORT },
        { AF_INET, SOCK_RAW, 0, WSAEACCES },
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        WSASetLastError(0);
        SOCKET s = socket(rows[i].af, rows[i].type, rows[i].protocol);
        if (s != INVALID_SOCKET || WSAGetLastError() != rows[i].err)
            fail_msg("socket(%d, %d, %d): got 0x%llx error %d, expected error %d", rows[i].af,
                     rows[i].type, rows[i].protocol, (unsigned long long)s, WSAGetLastError(),
                     rows[i].err);
    }
    /* and what can be made is what was asked for */
    SOCKET s = socket(AF_UNSPEC, 0, IPPROTO_UDP);
    int type = 0, len = sizeof(type);
    assert_true(s != INVALID_SOCKET);
    assert_int_equal(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    assert_int_equal(type, SOCK_DGRAM);
    closesocket(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(success_clears_last_error),
        cmocka_unit_test(select_mixes_catalog_entries),
        cmocka_unit_test(select_takes_more_than_64),
        cmocka_unit_test(poll_reports_read_hup_and_nval),
        cmocka_unit_test(ansi_forms_match_unicode),
        cmocka_unit_test(send_disconnect_sends_fin),
        cmocka_unit_test(connect_by_name_connects),
        cmocka_unit_test(accept_ex_through_the_stack),
        cmocka_unit_test(windows_argument_rules),
        cmocka_unit_test(socket_errors_in_windows_order),
    };
    tu_main_init(argc, argv);
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
