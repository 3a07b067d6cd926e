/*
 * test_startup.c - WSAStartup / WSACleanup and the per-thread last error.
 *
 * The tests run in order in one process; the first one needs the process
 * never to have called WSAStartup, so keep it first.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <string.h>

#define FAKE_SOCKET ((SOCKET)0x1234)

/* ---- every export fails with WSANOTINITIALISED ------------------------------ */

typedef struct call {
    const char *name;
    long long (*fn)(void);
    long long failval;      /* the documented failure return value */
    int by_return;          /* error is the return value, not WSAGetLastError() */
} call;

static struct sockaddr_in any4(void)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    return sin;
}

static char buf[64];
static WSABUF wbuf = { sizeof(buf), buf };

static long long c_socket(void) { return (long long)socket(AF_INET, SOCK_STREAM, 0); }
static long long c_wsasocket(void) { return (long long)WSASocketW(AF_INET, SOCK_DGRAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED); }
static long long c_closesocket(void) { return closesocket(FAKE_SOCKET); }
static long long c_bind(void) { struct sockaddr_in a = any4(); return bind(FAKE_SOCKET, (struct sockaddr *)&a, sizeof(a)); }
static long long c_connect(void) { struct sockaddr_in a = any4(); return connect(FAKE_SOCKET, (struct sockaddr *)&a, sizeof(a)); }
static long long c_wsaconnect(void) { struct sockaddr_in a = any4(); return WSAConnect(FAKE_SOCKET, (struct sockaddr *)&a, sizeof(a), NULL, NULL, NULL, NULL); }
static long long c_listen(void) { return listen(FAKE_SOCKET, 1); }
static long long c_accept(void) { return (long long)accept(FAKE_SOCKET, NULL, NULL); }
static long long c_wsaaccept(void) { return (long long)WSAAccept(FAKE_SOCKET, NULL, NULL, NULL, 0); }
static long long c_send(void) { return send(FAKE_SOCKET, buf, 1, 0); }
static long long c_recv(void) { return recv(FAKE_SOCKET, buf, 1, 0); }
static long long c_sendto(void) { struct sockaddr_in a = any4(); return sendto(FAKE_SOCKET, buf, 1, 0, (struct sockaddr *)&a, sizeof(a)); }
static long long c_recvfrom(void) { return recvfrom(FAKE_SOCKET, buf, 1, 0, NULL, NULL); }
static long long c_wsasend(void) { DWORD n; return WSASend(FAKE_SOCKET, &wbuf, 1, &n, 0, NULL, NULL); }
static long long c_wsarecv(void) { DWORD n, f = 0; return WSARecv(FAKE_SOCKET, &wbuf, 1, &n, &f, NULL, NULL); }
static long long c_wsasendto(void) { DWORD n; struct sockaddr_in a = any4(); return WSASendTo(FAKE_SOCKET, &wbuf, 1, &n, 0, (struct sockaddr *)&a, sizeof(a), NULL, NULL); }
static long long c_wsarecvfrom(void) { DWORD n, f = 0; return WSARecvFrom(FAKE_SOCKET, &wbuf, 1, &n, &f, NULL, NULL, NULL, NULL); }
static long long c_shutdown(void) { return shutdown(FAKE_SOCKET, SD_BOTH); }
static long long c_setsockopt(void) { int v = 1; return setsockopt(FAKE_SOCKET, SOL_SOCKET, SO_KEEPALIVE, (char *)&v, sizeof(v)); }
static long long c_getsockopt(void) { int v, l = sizeof(v); return getsockopt(FAKE_SOCKET, SOL_SOCKET, SO_TYPE, (char *)&v, &l); }
static long long c_ioctlsocket(void) { u_long v = 1; return ioctlsocket(FAKE_SOCKET, FIONBIO, &v); }
static long long c_wsaioctl(void) { u_long v = 1; DWORD n; return WSAIoctl(FAKE_SOCKET, FIONBIO, &v, sizeof(v), NULL, 0, &n, NULL, NULL); }
static long long c_select(void)
{
    fd_set rd; struct timeval tv = { 0, 0 };
    FD_ZERO(&rd); rd.fd_array[0] = FAKE_SOCKET; rd.fd_count = 1;
    return select(0, &rd, NULL, NULL, &tv);
}
static long long c_getpeername(void) { struct sockaddr_storage ss; int l = sizeof(ss); return getpeername(FAKE_SOCKET, (struct sockaddr *)&ss, &l); }
static long long c_getsockname(void) { struct sockaddr_storage ss; int l = sizeof(ss); return getsockname(FAKE_SOCKET, (struct sockaddr *)&ss, &l); }
static long long c_eventselect(void)
{
    WSAEVENT ev = WSACreateEvent();
    int r = WSAEventSelect(FAKE_SOCKET, ev, FD_READ);
    int e = WSAGetLastError();
    WSACloseEvent(ev);
    WSASetLastError(e);
    return r;
}
static long long c_enumnetworkevents(void) { WSANETWORKEVENTS ne; return WSAEnumNetworkEvents(FAKE_SOCKET, NULL, &ne); }
static long long c_getoverlapped(void)
{
    WSAOVERLAPPED ov; DWORD n, f;
    memset(&ov, 0, sizeof(ov));
    return WSAGetOverlappedResult(FAKE_SOCKET, &ov, &n, FALSE, &f);
}
static long long c_enumprotocols(void) { DWORD len = 0; return WSAEnumProtocolsW(NULL, NULL, &len); }
static long long c_addrtostring(void)
{
    struct sockaddr_in a = any4(); WCHAR s[64]; DWORD l = 64;
    return WSAAddressToStringW((struct sockaddr *)&a, sizeof(a), NULL, s, &l);
}
static long long c_stringtoaddr(void)
{
    struct sockaddr_storage ss; int l = sizeof(ss);
    return WSAStringToAddressW((LPWSTR)L"127.0.0.1", AF_INET, NULL, (struct sockaddr *)&ss, &l);
}
static long long c_wsahtonl(void) { u_long o; return WSAHtonl(FAKE_SOCKET, 1, &o); }
static long long c_wsahtons(void) { u_short o; return WSAHtons(FAKE_SOCKET, 1, &o); }
static long long c_wsantohl(void) { u_long o; return WSANtohl(FAKE_SOCKET, 1, &o); }
static long long c_wsantohs(void) { u_short o; return WSANtohs(FAKE_SOCKET, 1, &o); }
static long long c_gethostbyname(void) { return (long long)(INT_PTR)gethostbyname("localhost"); }
static long long c_gethostbyaddr(void) { char a[4] = { 127, 0, 0, 1 }; return (long long)(INT_PTR)gethostbyaddr(a, 4, AF_INET); }
static long long c_gethostname(void) { char n[256]; return gethostname(n, sizeof(n)); }
static long long c_getaddrinfo(void)
{
    struct addrinfo *res = NULL;
    int r = getaddrinfo("127.0.0.1", "80", NULL, &res);
    if (r == 0 && res) freeaddrinfo(res);
    return r;
}
static long long c_getaddrinfow(void)
{
    ADDRINFOW *res = NULL;
    int r = GetAddrInfoW(L"127.0.0.1", L"80", NULL, &res);
    if (r == 0 && res) FreeAddrInfoW(res);
    return r;
}
static long long c_getnameinfo(void)
{
    struct sockaddr_in a = any4(); char h[64], s[16];
    return getnameinfo((struct sockaddr *)&a, sizeof(a), h, sizeof(h), s, sizeof(s), NI_NUMERICHOST | NI_NUMERICSERV);
}
static long long c_getnameinfow(void)
{
    struct sockaddr_in a = any4(); WCHAR h[64], s[16];
    return GetNameInfoW((struct sockaddr *)&a, sizeof(a), h, 64, s, 16, NI_NUMERICHOST | NI_NUMERICSERV);
}
static long long c_wsacleanup(void) { return WSACleanup(); }

#define SE SOCKET_ERROR
#define IS ((long long)INVALID_SOCKET)
static const call calls[] = {
    { "socket", c_socket, IS, 0 },
    { "WSASocketW", c_wsasocket, IS, 0 },
    { "closesocket", c_closesocket, SE, 0 },
    { "bind", c_bind, SE, 0 },
    { "connect", c_connect, SE, 0 },
    { "WSAConnect", c_wsaconnect, SE, 0 },
    { "listen", c_listen, SE, 0 },
    { "accept", c_accept, IS, 0 },
    { "WSAAccept", c_wsaaccept, IS, 0 },
    { "send", c_send, SE, 0 },
    { "recv", c_recv, SE, 0 },
    { "sendto", c_sendto, SE, 0 },
    { "recvfrom", c_recvfrom, SE, 0 },
    { "WSASend", c_wsasend, SE, 0 },
    { "WSARecv", c_wsarecv, SE, 0 },
    { "WSASendTo", c_wsasendto, SE, 0 },
    { "WSARecvFrom", c_wsarecvfrom, SE, 0 },
    { "shutdown", c_shutdown, SE, 0 },
    { "setsockopt", c_setsockopt, SE, 0 },
    { "getsockopt", c_getsockopt, SE, 0 },
    { "ioctlsocket", c_ioctlsocket, SE, 0 },
    { "WSAIoctl", c_wsaioctl, SE, 0 },
    { "select", c_select, SE, 0 },
    { "getpeername", c_getpeername, SE, 0 },
    { "getsockname", c_getsockname, SE, 0 },
    { "WSAEventSelect", c_eventselect, SE, 0 },
    { "WSAEnumNetworkEvents", c_enumnetworkevents, SE, 0 },
    { "WSAGetOverlappedResult", c_getoverlapped, FALSE, 0 },
    { "WSAEnumProtocolsW", c_enumprotocols, SE, 0 },
    { "WSAAddressToStringW", c_addrtostring, SE, 0 },
    { "WSAStringToAddressW", c_stringtoaddr, SE, 0 },
    { "WSAHtonl", c_wsahtonl, SE, 0 },
    { "WSAHtons", c_wsahtons, SE, 0 },
    { "WSANtohl", c_wsantohl, SE, 0 },
    { "WSANtohs", c_wsantohs, SE, 0 },
    { "gethostbyname", c_gethostbyname, 0, 0 },
    { "gethostbyaddr", c_gethostbyaddr, 0, 0 },
    { "gethostname", c_gethostname, SE, 0 },
    { "getaddrinfo", c_getaddrinfo, WSANOTINITIALISED, 1 },
    { "GetAddrInfoW", c_getaddrinfow, WSANOTINITIALISED, 1 },
    { "getnameinfo", c_getnameinfo, WSANOTINITIALISED, 1 },
    { "GetNameInfoW", c_getnameinfow, WSANOTINITIALISED, 1 },
    { "WSACleanup", c_wsacleanup, SE, 0 },
};

static void check_all_not_initialised(const char *when)
{
    int bad = 0;
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        const call *c = &calls[i];
        WSASetLastError(0xbeef);
        long long r = c->fn();
        int e = WSAGetLastError();
        int ok = r == c->failval && (c->by_return || e == WSANOTINITIALISED);
        if (!ok) {
            printf("    %s %s: returned %lld (expected %lld), error %d (expected %d)\n",
                   when, c->name, r, c->failval, e, WSANOTINITIALISED);
            bad++;
        } else {
            tu_log("%s %s -> %lld / %d", when, c->name, r, e);
        }
    }
    if (bad)
        fail_msg("%d export(s) did not fail with WSANOTINITIALISED %s", bad, when);
}

static void not_initialised_before_startup(void **state)
{
    (void)state;
    check_all_not_initialised("before WSAStartup:");
}

static void not_initialised_after_last_cleanup(void **state)
{
    (void)state;
    WSADATA wd;
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s != INVALID_SOCKET);
    assert_int_equal(closesocket(s), 0);
    assert_int_equal(WSACleanup(), 0);
    check_all_not_initialised("after last WSACleanup:");
}

/* ---- versions ------------------------------------------------------------------ */

static void startup_versions(void **state)
{
    (void)state;
    WSADATA wd;

    memset(&wd, 0xcc, sizeof(wd));
    assert_int_equal(WSAStartup(MAKEWORD(1, 1), &wd), 0);
    assert_int_equal(wd.wVersion, MAKEWORD(1, 1));
    assert_int_equal(wd.wHighVersion, MAKEWORD(2, 2));
    assert_int_equal(WSACleanup(), 0);

    memset(&wd, 0xcc, sizeof(wd));
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    assert_int_equal(wd.wVersion, MAKEWORD(2, 2));
    assert_int_equal(wd.wHighVersion, MAKEWORD(2, 2));
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s != INVALID_SOCKET);
    closesocket(s);
    assert_int_equal(WSACleanup(), 0);

    /* Higher than supported: succeeds, offers the highest (2.2). */
    memset(&wd, 0xcc, sizeof(wd));
    assert_int_equal(WSAStartup(MAKEWORD(3, 0), &wd), 0);
    assert_int_equal(wd.wVersion, MAKEWORD(2, 2));
    assert_int_equal(wd.wHighVersion, MAKEWORD(2, 2));
    assert_int_equal(WSACleanup(), 0);
}

static void startup_bad_version_and_null(void **state)
{
    (void)state;
    WSADATA wd;

    /* Lower than the lowest supported version (1.0+): refused, and the
     * failed call does not count as a startup. */
    assert_int_equal(WSAStartup(MAKEWORD(0, 0), &wd), WSAVERNOTSUPPORTED);
    assert_int_equal(WSAStartup(MAKEWORD(0, 9), &wd), WSAVERNOTSUPPORTED);
    assert_wsa_fail(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET, WSANOTINITIALISED);

    assert_int_equal(WSAStartup(MAKEWORD(2, 2), NULL), WSAEFAULT);
    assert_wsa_fail(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET, WSANOTINITIALISED);
    assert_wsa_fail(WSACleanup(), SOCKET_ERROR, WSANOTINITIALISED);
}

static void nested_startup_cleanup(void **state)
{
    (void)state;
    WSADATA wd;
    for (int i = 0; i < 3; i++)
        assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(WSACleanup(), 0);
        SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
        if (s == INVALID_SOCKET)
            fail_msg("socket failed (%d) with %d startup(s) outstanding", WSAGetLastError(), 2 - i);
        assert_int_equal(closesocket(s), 0);
    }
    assert_int_equal(WSACleanup(), 0);
    assert_wsa_fail(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET, WSANOTINITIALISED);
    assert_wsa_fail(WSACleanup(), SOCKET_ERROR, WSANOTINITIALISED);
}

/* ---- WSACleanup closes what is still open ---------------------------------- */

static void cleanup_closes_open_sockets(void **state)
{
    (void)state;
    if (hostpeer_init())
        fail_msg("hostpeer: %s", hostpeer_error_text());
    hostpeer_tcp_opts o = { .family = AF_INET };
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);

    assert_int_equal(tu_startup(), 0);
    SOCKET c = tu_connect(AF_INET, hostpeer_listener_port(hl));
    if (c == INVALID_SOCKET)
        fail_msg("connect to host peer failed: %d", WSAGetLastError());
    assert_int_equal(send(c, "0123456789", 10, 0), 10);
    unsigned short lport;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &lport);
    assert_true(l != INVALID_SOCKET);

    hostpeer_result r;
    double t0 = tu_now_ms();
    do {
        hostpeer_listener_peek(hl, &r);
        if (r.bytes >= 10) break;
        Sleep(10);
    } while (tu_now_ms() - t0 < 10000);
    assert_int_equal(r.bytes, 10);
    assert_int_equal(r.end, HOSTPEER_PENDING);

    /* The last WSACleanup with both sockets still open. */
    assert_int_equal(WSACleanup(), 0);

    int ended = hostpeer_listener_wait(hl, 15000, &r);
    tu_log("peer saw %s after %.0f ms", hostpeer_end_name(r.end), r.end_ms - t0);
    if (!ended)
        fail_msg("the host peer still sees the connection open 15 s after the last WSACleanup");
    assert_true(r.end == HOSTPEER_FIN || r.end == HOSTPEER_RESET);
    assert_int_equal(r.bytes, 10);
    hostpeer_listener_free(hl);

    /* Our listener is gone too: a host connect to its port is refused. */
    hostpeer_sock hs = hostpeer_tcp_connect(AF_INET, lport);
    if (hs != HOSTPEER_BAD) {
        hostpeer_close(hs);
        fail_msg("our listener on port %u still accepts connections after the last WSACleanup", lport);
    }

    /* After a new WSAStartup the old handles are not sockets. */
    assert_int_equal(tu_startup(), 0);
    assert_wsa_fail(send(c, "x", 1, 0), SOCKET_ERROR, WSAENOTSOCK);
    assert_wsa_fail(closesocket(c), SOCKET_ERROR, WSAENOTSOCK);
    assert_wsa_fail(closesocket(l), SOCKET_ERROR, WSAENOTSOCK);
    assert_int_equal(WSACleanup(), 0);
}

/* ---- per-thread last error ---------------------------------------------------- */

typedef struct thread_err {
    HANDLE set, go;
    int seen_after_set;
    int seen_after_call;
    int seen_at_end;
} thread_err;

static DWORD WINAPI other_thread(void *arg)
{
    thread_err *t = arg;
    WSASetLastError(2222);
    t->seen_after_set = WSAGetLastError();
    SetEvent(t->set);
    WaitForSingleObject(t->go, 10000);
    /* The main thread has just set its own error and made a failing call. */
    t->seen_at_end = WSAGetLastError();
    closesocket(FAKE_SOCKET);              /* WSAENOTSOCK in this thread only */
    t->seen_after_call = WSAGetLastError();
    return 0;
}

static void last_error_is_per_thread(void **state)
{
    (void)state;
    assert_int_equal(tu_startup(), 0);
    thread_err t = { CreateEventW(NULL, FALSE, FALSE, NULL), CreateEventW(NULL, FALSE, FALSE, NULL), 0, 0, 0 };
    WSASetLastError(1111);
    HANDLE th = CreateThread(NULL, 0, other_thread, &t, 0, NULL);
    assert_int_equal(WaitForSingleObject(t.set, 10000), WAIT_OBJECT_0);
    assert_int_equal(WSAGetLastError(), 1111);
    assert_int_equal(t.seen_after_set, 2222);
    /* A failing call here does not change the other thread's error. */
    shutdown(FAKE_SOCKET, SD_BOTH);
    assert_int_equal(WSAGetLastError(), WSAENOTSOCK);
    WSASetLastError(3333);
    SetEvent(t.go);
    assert_int_equal(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    assert_int_equal(t.seen_at_end, 2222);
    assert_int_equal(t.seen_after_call, WSAENOTSOCK);
    assert_int_equal(WSAGetLastError(), 3333);
    CloseHandle(th); CloseHandle(t.set); CloseHandle(t.go);
    assert_int_equal(WSACleanup(), 0);
}

/* Leave the process not started whatever a failed test left behind. */
static int drain(void **state)
{
    (void)state;
    for (int i = 0; i < 16 && WSACleanup() == 0; i++)
        ;
    return 0;
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(not_initialised_before_startup, drain),   /* must stay first */
        cmocka_unit_test_teardown(startup_versions, drain),
        cmocka_unit_test_teardown(startup_bad_version_and_null, drain),
        cmocka_unit_test_teardown(nested_startup_cleanup, drain),
        cmocka_unit_test_teardown(not_initialised_after_last_cleanup, drain),
        cmocka_unit_test_teardown(cleanup_closes_open_sockets, drain),
        cmocka_unit_test_teardown(last_error_is_per_thread, drain),
    };
    return cmocka_run_group_tests_name("startup", tests, NULL, NULL);
}
