/*
 * test_badinput.c - table-driven invalid arguments: every export that takes
 * a socket, given things that are not sockets of ours, fails with
 * WSAENOTSOCK; NULL or short address/option/length arguments give
 * WSAEFAULT; unknown options WSAENOPROTOOPT; select() with no sets
 * WSAEINVAL.  Nothing may crash, and a non-socket kernel handle passed in
 * must survive (the stack must not close or use it).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- WSAENOTSOCK for every socket-taking export ---------------------------- */

typedef long long (*sock_fn)(SOCKET s);

static char buf[64];

static struct sockaddr_in lo4(void)
{
    struct sockaddr_storage ss;
    tu_loopback(AF_INET, 9, &ss);
    return *(struct sockaddr_in *)&ss;
}

static long long f_closesocket(SOCKET s) { return closesocket(s); }
static long long f_bind(SOCKET s) { struct sockaddr_in a = lo4(); a.sin_port = 0; return bind(s, (struct sockaddr *)&a, sizeof(a)); }
static long long f_connect(SOCKET s) { struct sockaddr_in a = lo4(); return connect(s, (struct sockaddr *)&a, sizeof(a)); }
static long long f_wsaconnect(SOCKET s) { struct sockaddr_in a = lo4(); return WSAConnect(s, (struct sockaddr *)&a, sizeof(a), NULL, NULL, NULL, NULL); }
static long long f_listen(SOCKET s) { return listen(s, 1); }
static long long f_accept(SOCKET s) { return (long long)accept(s, NULL, NULL); }
static long long f_wsaaccept(SOCKET s) { return (long long)WSAAccept(s, NULL, NULL, NULL, 0); }
static long long f_send(SOCKET s) { return send(s, buf, 1, 0); }
static long long f_recv(SOCKET s) { return recv(s, buf, 1, 0); }
static long long f_sendto(SOCKET s) { struct sockaddr_in a = lo4(); return sendto(s, buf, 1, 0, (struct sockaddr *)&a, sizeof(a)); }
static long long f_recvfrom(SOCKET s) { struct sockaddr_storage f; int l = sizeof(f); return recvfrom(s, buf, 1, 0, (struct sockaddr *)&f, &l); }
static long long f_wsasend(SOCKET s) { WSABUF b = { 1, buf }; DWORD n; return WSASend(s, &b, 1, &n, 0, NULL, NULL); }
static long long f_wsarecv(SOCKET s) { WSABUF b = { 1, buf }; DWORD n, fl = 0; return WSARecv(s, &b, 1, &n, &fl, NULL, NULL); }
static long long f_wsasend_ov(SOCKET s)
{
    WSABUF b = { 1, buf }; DWORD n; WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    int r = WSASend(s, &b, 1, &n, 0, &ov, NULL);
    int e = WSAGetLastError();
    WSACloseEvent(ov.hEvent);
    WSASetLastError(e);
    return r;
}
static long long f_wsarecv_ov(SOCKET s)
{
    WSABUF b = { 1, buf }; DWORD n, fl = 0; WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    int r = WSARecv(s, &b, 1, &n, &fl, &ov, NULL);
    int e = WSAGetLastError();
    WSACloseEvent(ov.hEvent);
    WSASetLastError(e);
    return r;
}
static long long f_wsasendto(SOCKET s) { WSABUF b = { 1, buf }; DWORD n; struct sockaddr_in a = lo4(); return WSASendTo(s, &b, 1, &n, 0, (struct sockaddr *)&a, sizeof(a), NULL, NULL); }
static long long f_wsarecvfrom(SOCKET s) { WSABUF b = { 1, buf }; DWORD n, fl = 0; return WSARecvFrom(s, &b, 1, &n, &fl, NULL, NULL, NULL, NULL); }
static long long f_shutdown(SOCKET s) { return shutdown(s, SD_SEND); }
static long long f_setsockopt(SOCKET s) { int v = 1; return setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (char *)&v, sizeof(v)); }
static long long f_getsockopt(SOCKET s) { int v, l = sizeof(v); return getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, &l); }
static long long f_ioctlsocket(SOCKET s) { u_long v = 0; return ioctlsocket(s, FIONREAD, &v); }
static long long f_wsaioctl(SOCKET s) { u_long v = 0; DWORD n; return WSAIoctl(s, FIONREAD, NULL, 0, &v, sizeof(v), &n, NULL, NULL); }
static long long f_getpeername(SOCKET s) { struct sockaddr_storage a; int l = sizeof(a); return getpeername(s, (struct sockaddr *)&a, &l); }
static long long f_getsockname(SOCKET s) { struct sockaddr_storage a; int l = sizeof(a); return getsockname(s, (struct sockaddr *)&a, &l); }
static long long f_eventselect(SOCKET s)
{
    WSAEVENT ev = WSACreateEvent();
    int r = WSAEventSelect(s, ev, FD_READ);
    int e = WSAGetLastError();
    WSACloseEvent(ev);
    WSASetLastError(e);
    return r;
}
static long long f_enumnetworkevents(SOCKET s) { WSANETWORKEVENTS ne; return WSAEnumNetworkEvents(s, NULL, &ne); }
static long long f_getoverlapped(SOCKET s)
{
    WSAOVERLAPPED ov; DWORD n, fl;
    memset(&ov, 0, sizeof(ov));
    return WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl);
}
static long long f_htonl(SOCKET s) { u_long o; return WSAHtonl(s, 1, &o); }
static long long f_htons(SOCKET s) { u_short o; return WSAHtons(s, 1, &o); }
static long long f_ntohl(SOCKET s) { u_long o; return WSANtohl(s, 1, &o); }
static long long f_ntohs(SOCKET s) { u_short o; return WSANtohs(s, 1, &o); }
static long long f_select_read(SOCKET s)
{
    fd_set rd; struct timeval tv = { 0, 0 };
    FD_ZERO(&rd); rd.fd_array[0] = s; rd.fd_count = 1;
    return select(0, &rd, NULL, NULL, &tv);
}
static long long f_select_write(SOCKET s)
{
    fd_set wr; struct timeval tv = { 0, 0 };
    FD_ZERO(&wr); wr.fd_array[0] = s; wr.fd_count = 1;
    return select(0, NULL, &wr, NULL, &tv);
}

#define SE SOCKET_ERROR
#define IS ((long long)INVALID_SOCKET)
static const struct { const char *name; sock_fn fn; long long failval; } sock_calls[] = {
    { "bind", f_bind, SE },
    { "connect", f_connect, SE },
    { "WSAConnect", f_wsaconnect, SE },
    { "listen", f_listen, SE },
    { "accept", f_accept, IS },
    { "WSAAccept", f_wsaaccept, IS },
    { "send", f_send, SE },
    { "recv", f_recv, SE },
    { "sendto", f_sendto, SE },
    { "recvfrom", f_recvfrom, SE },
    { "WSASend", f_wsasend, SE },
    { "WSARecv", f_wsarecv, SE },
    { "WSASend(overlapped)", f_wsasend_ov, SE },
    { "WSARecv(overlapped)", f_wsarecv_ov, SE },
    { "WSASendTo", f_wsasendto, SE },
    { "WSARecvFrom", f_wsarecvfrom, SE },
    { "shutdown", f_shutdown, SE },
    { "setsockopt", f_setsockopt, SE },
    { "getsockopt", f_getsockopt, SE },
    { "ioctlsocket", f_ioctlsocket, SE },
    { "WSAIoctl", f_wsaioctl, SE },
    { "getpeername", f_getpeername, SE },
    { "getsockname", f_getsockname, SE },
    { "WSAEventSelect", f_eventselect, SE },
    { "WSAEnumNetworkEvents", f_enumnetworkevents, SE },
    { "WSAGetOverlappedResult", f_getoverlapped, FALSE },
    { "WSAHtonl", f_htonl, SE },
    { "WSAHtons", f_htons, SE },
    { "WSANtohl", f_ntohl, SE },
    { "WSANtohs", f_ntohs, SE },
    { "select(readfds)", f_select_read, SE },
    { "select(writefds)", f_select_write, SE },
    { "closesocket", f_closesocket, SE },    /* last: must not close handles */
};
#define NSOCK_CALLS (sizeof(sock_calls) / sizeof(sock_calls[0]))

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

/* ---- pointers and lengths -------------------------------------------------------- */

typedef struct fixture {
    SOCKET tcp;          /* unbound TCP */
    SOCKET bound;        /* bound TCP */
    SOCKET tcp6;         /* unbound TCP/IPv6 */
    SOCKET listener;     /* with one pending connection (from pending_client) */
    SOCKET pending_client;
    SOCKET client, server;   /* connected pair */
    SOCKET udp;          /* bound UDP, one datagram queued */
    unsigned short udp_port;
} fixture;

static fixture fx;

static int fixture_setup(void **state)
{
    (void)state;
    unsigned short port;
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
    Sleep(50);
    return 0;
}

static int fixture_teardown(void **state)
{
    (void)state;
    SOCKET *all[] = { &fx.tcp, &fx.bound, &fx.tcp6, &fx.listener, &fx.pending_client,
                      &fx.client, &fx.server, &fx.udp };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (*all[i] != INVALID_SOCKET) closesocket(*all[i]);
    return 0;
}

typedef struct bad_arg {
    const char *name;
    long long (*fn)(void);
    long long failval;
    int err, alt_err;    /* alt_err: a second acceptable code, or 0 */
} bad_arg;

static long long b_bind_null(void) { return bind(fx.tcp, NULL, sizeof(struct sockaddr_in)); }
static long long b_bind_short(void) { struct sockaddr_in a = lo4(); a.sin_port = 0; return bind(fx.tcp, (struct sockaddr *)&a, sizeof(a) - 1); }
static long long b_bind6_v4len(void)
{
    struct sockaddr_storage ss; tu_loopback(AF_INET6, 0, &ss);
    return bind(fx.tcp6, (struct sockaddr *)&ss, sizeof(struct sockaddr_in));
}
static long long b_connect_null(void) { return connect(fx.tcp, NULL, sizeof(struct sockaddr_in)); }
static long long b_connect_short(void) { struct sockaddr_in a = lo4(); return connect(fx.tcp, (struct sockaddr *)&a, 4); }
static long long b_accept_short(void) { struct sockaddr_in a; int l = 4; return (long long)accept(fx.listener, (struct sockaddr *)&a, &l); }
static long long b_getsockname_null(void) { int l = sizeof(struct sockaddr_in); return getsockname(fx.bound, NULL, &l); }
static long long b_getsockname_nulllen(void) { struct sockaddr_in a; return getsockname(fx.bound, (struct sockaddr *)&a, NULL); }
static long long b_getsockname_short(void) { struct sockaddr_in a; int l = 4; return getsockname(fx.bound, (struct sockaddr *)&a, &l); }
static long long b_getpeername_null(void) { int l = sizeof(struct sockaddr_in); return getpeername(fx.client, NULL, &l); }
static long long b_getpeername_short(void) { struct sockaddr_in a; int l = 4; return getpeername(fx.client, (struct sockaddr *)&a, &l); }
static long long b_sendto_short(void) { struct sockaddr_in a = lo4(); return sendto(fx.udp, buf, 1, 0, (struct sockaddr *)&a, 4); }
static long long b_recvfrom_short(void) { struct sockaddr_in a; int l = 4; return recvfrom(fx.udp, buf, sizeof(buf), 0, (struct sockaddr *)&a, &l); }
static long long b_getsockopt_nulllen(void) { int v; return getsockopt(fx.tcp, SOL_SOCKET, SO_TYPE, (char *)&v, NULL); }
static long long b_getsockopt_nullval(void) { int l = sizeof(int); return getsockopt(fx.tcp, SOL_SOCKET, SO_TYPE, NULL, &l); }
static long long b_getsockopt_short(void) { int v, l = 1; return getsockopt(fx.tcp, SOL_SOCKET, SO_TYPE, (char *)&v, &l); }
static long long b_getsockopt_linger_short(void) { struct linger lg; int l = 2; return getsockopt(fx.tcp, SOL_SOCKET, SO_LINGER, (char *)&lg, &l); }
static long long b_setsockopt_nullval(void) { return setsockopt(fx.tcp, SOL_SOCKET, SO_LINGER, NULL, sizeof(struct linger)); }
static long long b_setsockopt_short(void) { struct linger lg = { 1, 1 }; return setsockopt(fx.tcp, SOL_SOCKET, SO_LINGER, (char *)&lg, 2); }
static long long b_getsockopt_unknown(void) { int v, l = sizeof(v); return getsockopt(fx.tcp, SOL_SOCKET, 0x7777, (char *)&v, &l); }
static long long b_setsockopt_unknown(void) { int v = 1; return setsockopt(fx.tcp, SOL_SOCKET, 0x7777, (char *)&v, sizeof(v)); }
static long long b_getsockopt_level(void) { int v, l = sizeof(v); return getsockopt(fx.tcp, 0x4321, SO_TYPE, (char *)&v, &l); }
static long long b_setsockopt_level(void) { int v = 1; return setsockopt(fx.tcp, 0x4321, SO_KEEPALIVE, (char *)&v, sizeof(v)); }
static long long b_select_nosets(void) { struct timeval tv = { 0, 1000 }; return select(0, NULL, NULL, NULL, &tv); }
static long long b_ioctlsocket_null(void) { return ioctlsocket(fx.tcp, FIONBIO, NULL); }
static long long b_wsaioctl_noout(void) { DWORD n; return WSAIoctl(fx.tcp, FIONREAD, NULL, 0, NULL, 0, &n, NULL, NULL); }
static long long b_wsaioctl_unknown(void) { DWORD n; char o[16]; return WSAIoctl(fx.tcp, 0x7f00ul, NULL, 0, o, sizeof(o), &n, NULL, NULL); }
static long long b_enumnetworkevents_null(void) { return WSAEnumNetworkEvents(fx.tcp, NULL, NULL); }
static long long b_enumprotocols_nulllen(void) { return WSAEnumProtocolsW(NULL, NULL, NULL); }
static long long b_stringtoaddr_short(void)
{
    struct sockaddr_storage ss; int l = 4;
    return WSAStringToAddressW((LPWSTR)L"127.0.0.1", AF_INET, NULL, (struct sockaddr *)&ss, &l);
}
static long long b_addrtostring_short(void)
{
    struct sockaddr_in a = lo4(); WCHAR s[2]; DWORD l = 2;
    return WSAAddressToStringW((struct sockaddr *)&a, sizeof(a), NULL, s, &l);
}
static long long b_gethostname_null(void) { return gethostname(NULL, 64); }
static long long b_gethostname_short(void) { char n[1]; return gethostname(n, 1); }
static long long b_htonl_null(void) { return WSAHtonl(fx.tcp, 1, NULL); }

static const bad_arg bad_args[] = {
    { "bind(NULL name)", b_bind_null, SE, WSAEFAULT, 0 },
    { "bind(namelen too short)", b_bind_short, SE, WSAEFAULT, 0 },
    { "bind(IPv6 socket, IPv4 length)", b_bind6_v4len, SE, WSAEFAULT, 0 },
    { "connect(NULL name)", b_connect_null, SE, WSAEFAULT, 0 },
    { "connect(namelen 4)", b_connect_short, SE, WSAEFAULT, 0 },
    { "accept(addrlen 4)", b_accept_short, IS, WSAEFAULT, 0 },
    { "getsockname(NULL name)", b_getsockname_null, SE, WSAEFAULT, 0 },
    { "getsockname(NULL namelen)", b_getsockname_nulllen, SE, WSAEFAULT, 0 },
    { "getsockname(namelen 4)", b_getsockname_short, SE, WSAEFAULT, 0 },
    { "getpeername(NULL name)", b_getpeername_null, SE, WSAEFAULT, 0 },
    { "getpeername(namelen 4)", b_getpeername_short, SE, WSAEFAULT, 0 },
    { "sendto(tolen 4)", b_sendto_short, SE, WSAEFAULT, 0 },
    { "recvfrom(fromlen 4)", b_recvfrom_short, SE, WSAEFAULT, 0 },
    { "getsockopt(NULL optlen)", b_getsockopt_nulllen, SE, WSAEFAULT, 0 },
    { "getsockopt(NULL optval)", b_getsockopt_nullval, SE, WSAEFAULT, 0 },
    { "getsockopt(SO_TYPE, optlen 1)", b_getsockopt_short, SE, WSAEFAULT, 0 },
    { "getsockopt(SO_LINGER, optlen 2)", b_getsockopt_linger_short, SE, WSAEFAULT, 0 },
    { "setsockopt(SO_LINGER, NULL optval)", b_setsockopt_nullval, SE, WSAEFAULT, 0 },
    { "setsockopt(SO_LINGER, optlen 2)", b_setsockopt_short, SE, WSAEFAULT, 0 },
    { "getsockopt(unknown SOL_SOCKET option)", b_getsockopt_unknown, SE, WSAENOPROTOOPT, 0 },
    { "setsockopt(unknown SOL_SOCKET option)", b_setsockopt_unknown, SE, WSAENOPROTOOPT, 0 },
    { "getsockopt(unknown level)", b_getsockopt_level, SE, WSAEINVAL, WSAENOPROTOOPT },
    { "setsockopt(unknown level)", b_setsockopt_level, SE, WSAEINVAL, WSAENOPROTOOPT },
    { "select(no sets)", b_select_nosets, SE, WSAEINVAL, 0 },
    { "ioctlsocket(FIONBIO, NULL argp)", b_ioctlsocket_null, SE, WSAEFAULT, 0 },
    { "WSAIoctl(FIONREAD, no output buffer)", b_wsaioctl_noout, SE, WSAEFAULT, 0 },
    { "WSAIoctl(unknown code)", b_wsaioctl_unknown, SE, WSAEINVAL, WSAEOPNOTSUPP },
    { "WSAEnumNetworkEvents(NULL result)", b_enumnetworkevents_null, SE, WSAEFAULT, 0 },
    { "WSAEnumProtocolsW(NULL length)", b_enumprotocols_nulllen, SE, WSAEFAULT, 0 },
    { "WSAStringToAddressW(length 4)", b_stringtoaddr_short, SE, WSAEFAULT, 0 },
    { "WSAAddressToStringW(2 characters)", b_addrtostring_short, SE, WSAEFAULT, 0 },
    { "gethostname(NULL)", b_gethostname_null, SE, WSAEFAULT, 0 },
    { "gethostname(namelen 1)", b_gethostname_short, SE, WSAEFAULT, 0 },
    { "WSAHtonl(NULL result)", b_htonl_null, SE, WSAEFAULT, 0 },
};

static void bad_pointers_and_lengths(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof(bad_args) / sizeof(bad_args[0]); i++) {
        const bad_arg *b = &bad_args[i];
        WSASetLastError(0xbeef);
        long long r = b->fn();
        int e = WSAGetLastError();
        if (r != b->failval || (e != b->err && (!b->alt_err || e != b->alt_err))) {
            printf("    %s: returned %lld (expected %lld), error %d (expected %d%s)\n",
                   b->name, r, b->failval, e, b->err, b->alt_err ? " or the alternative" : "");
            bad++;
        } else {
            tu_log("%s -> %d", b->name, e);
        }
    }
    if (bad) fail_msg("%d call(s) with bad arguments did not fail as documented", bad);
}

static void sockets_still_work_after_bad_calls(void **state)
{
    (void)state;
    /* the fixture's connected pair is intact */
    assert_int_equal(tu_set_timeouts(fx.server, 10000), 0);
    assert_int_equal(send(fx.client, "still alive", 11, 0), 11);
    char b[16];
    assert_int_equal(tu_recv_all(fx.server, b, 11), 0);
    assert_memory_equal(b, "still alive", 11);
    /* the queued datagram is still readable (or was read by the short
     * recvfrom, which is also allowed): recv must not hang either way */
    u_long nb = 1;
    assert_int_equal(ioctlsocket(fx.udp, FIONBIO, &nb), 0);
    int r = recv(fx.udp, b, sizeof(b), 0);
    assert_true(r == 6 || (r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK));
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(not_a_socket_fake_value),
        cmocka_unit_test(not_a_socket_invalid_socket),
        cmocka_unit_test(not_a_socket_closed_handle),
        cmocka_unit_test(not_a_socket_event_handle),
        cmocka_unit_test_setup_teardown(bad_pointers_and_lengths, fixture_setup, NULL),
        cmocka_unit_test_teardown(sockets_still_work_after_bad_calls, fixture_teardown),
    };
    return cmocka_run_group_tests_name("badinput", tests, tu_group_startup, tu_group_cleanup);
}
