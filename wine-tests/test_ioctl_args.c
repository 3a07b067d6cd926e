/*
 * test_ioctl_args.c - argument checks of ioctls, receives and WSASocket
 * as Windows makes them (issue 12, the conformance entries of
 * test_fionbio, test_keepalive_vals, test_write_watch, test_WSASocket,
 * test_address_list_query and test_get_interface_list), observed from
 * outside through our stack:
 *
 *   - WSAIoctl checks only the buffers the code's direction bits name:
 *     FIONBIO with an output buffer nobody may touch succeeds, and the
 *     socket is then non-blocking;
 *   - SIO_KEEPALIVE_VALS without its input: WSAEFAULT and a count of 0;
 *   - WSARecvFrom on a TCP socket ignores from and fromlen: with a
 *     fromlen that is garbage and a from nobody may touch, the overlapped
 *     receive is pending and completes with the peer's bytes, into
 *     write-watched memory;
 *   - WSASocket with a protocol description whose family is none
 *     (AF_UNSPEC, or -1) and no family given: WSAEAFNOSUPPORT, whatever
 *     the type and protocol;
 *   - SIO_ADDRESS_LIST_QUERY into a buffer shorter than the count:
 *     WSAEINVAL and a count of 0; into one that holds the count only:
 *     WSAEFAULT and the size needed; SIO_GET_INTERFACE_LIST into a buffer
 *     shorter than one entry: WSAEFAULT and a count of 0;
 *   - FIONREAD and SIOCATMARK into a short buffer, SIO_ROUTING_INTERFACE_QUERY
 *     with no buffer but a length: WSAEFAULT, the count left alone; a
 *     short routing buffer: WSAEFAULT and the size needed;
 *   - setsockopt with optlen -1 (test_set_getsockopt): taken for a
 *     four-byte SOL_SOCKET option, WSAENOBUFS for the others;
 *   - a WSABUF count whose array size would wrap on 32 bits: WSAEFAULT.
 *
 * The Windows results are those of Wine's conformance tests of ws2_32
 * (dlls/ws2_32/tests/sock.c, which pass on Windows).
 */
#include "testutil.h"

#include <mswsock.h>
#include <mstcpip.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define WAIT_MS 10000

static void *no_access_page(void)
{
    void *p = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
    assert_non_null(p);
    return p;
}

/* FIONBIO answers nothing: an output buffer, however bad, is not looked at. */
static void fionbio_ignores_its_output_buffer(void **state)
{
    SOCKET c, s;
    u_long on = 1;
    DWORD returned = 0xdeadbeef;
    char b[8];
    void *bad = no_access_page();
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &c, &s), 0);
    assert_wsa_ok(WSAIoctl(s, FIONBIO, &on, sizeof(on) + 1, bad, 4, &returned, NULL, NULL));
    assert_int_equal(returned, 0);
    /* and it took: the socket no longer blocks */
    assert_wsa_fail(recv(s, b, sizeof(b), 0), SOCKET_ERROR, WSAEWOULDBLOCK);
    /* an input it needs is still checked */
    assert_wsa_fail(WSAIoctl(s, FIONBIO, bad, sizeof(on), NULL, 0, &returned, NULL, NULL),
                    SOCKET_ERROR, WSAEFAULT);
    VirtualFree(bad, 0, MEM_RELEASE);
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(s), 0);
}

static void keepalive_without_input_counts_zero(void **state)
{
    SOCKET c, s;
    DWORD returned = 0xdeadbeef;
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &c, &s), 0);
    assert_wsa_fail(WSAIoctl(s, SIO_KEEPALIVE_VALS, NULL, sizeof(struct tcp_keepalive), NULL, 0,
                             &returned, NULL, NULL),
                    SOCKET_ERROR, WSAEFAULT);
    assert_int_equal(returned, 0);
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(s), 0);
}

/* The test_write_watch case: the buffers are write-watched, fromlen is
 * whatever the stack held. */
static void stream_recvfrom_ignores_from(void **state)
{
    static const char msg[] = "test message";
    SOCKET c, s;
    WSABUF bufs[2];
    WSAOVERLAPPED ov;
    DWORD flags = 0, got = 0;
    int fromlen = -5;
    void *bad = no_access_page();
    char *base = VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH,
                              PAGE_READWRITE);
    (void)state;

    assert_non_null(base);
    assert_int_equal(tu_tcp_pair(AF_INET, &c, &s), 0);
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    bufs[0].len = 5;
    bufs[0].buf = base;
    bufs[1].len = 0x4000;
    bufs[1].buf = base + 0x2000;
    assert_wsa_fail(WSARecvFrom(s, bufs, 2, NULL, &flags, bad, &fromlen, &ov, NULL),
                    SOCKET_ERROR, WSA_IO_PENDING);
    assert_int_equal(send(c, msg, sizeof(msg), 0), (int)sizeof(msg));
    assert_true(WSAGetOverlappedResult(s, &ov, &got, TRUE, &flags));
    assert_int_equal(got, sizeof(msg));
    assert_memory_equal(base, "test ", 5);
    assert_memory_equal(base + 0x2000, "message", 8);
    assert_int_equal(fromlen, -5);

    /* the BSD form too, blocking */
    assert_int_equal(send(c, msg, sizeof(msg), 0), (int)sizeof(msg));
    assert_int_equal(recvfrom(s, base, 0x100, 0, bad, &fromlen), (int)sizeof(msg));
    assert_memory_equal(base, msg, sizeof(msg));

    CloseHandle(ov.hEvent);
    VirtualFree(bad, 0, MEM_RELEASE);
    VirtualFree(base, 0, MEM_RELEASE);
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(s), 0);
}

static void wsasocket_needs_a_family(void **state)
{
    WSAPROTOCOL_INFOA info[32];
    DWORD len = sizeof(info);
    int n, i, udp = -1;
    (void)state;

    n = WSAEnumProtocolsA(NULL, info, &len);
    assert_true(n > 0);
    for (i = 0; i < n && udp < 0; i++)
        if (info[i].iAddressFamily == AF_INET && info[i].iProtocol == IPPROTO_UDP)
            udp = i;
    assert_true(udp >= 0);

    info[udp].iAddressFamily = info[udp].iSocketType = info[udp].iProtocol = -1;
    assert_wsa_fail(WSASocketA(0, 0, IPPROTO_UDP, &info[udp], 0, 0), INVALID_SOCKET,
                    WSAEAFNOSUPPORT);
    info[udp].iAddressFamily = info[udp].iSocketType = info[udp].iProtocol = 0;
    assert_wsa_fail(WSASocketA(0, 0, IPPROTO_UDP, &info[udp], 0, 0), INVALID_SOCKET,
                    WSAEAFNOSUPPORT);
    /* a family given in either place is enough */
    SOCKET s = WSASocketA(AF_INET, SOCK_DGRAM, IPPROTO_UDP, &info[udp], 0, 0);
    assert_true(s != INVALID_SOCKET);
    assert_int_equal(closesocket(s), 0);
    info[udp].iAddressFamily = AF_INET;
    info[udp].iSocketType = SOCK_DGRAM;
    info[udp].iProtocol = IPPROTO_UDP;
    s = WSASocketA(0, 0, 0, &info[udp], 0, 0);
    assert_true(s != INVALID_SOCKET);
    assert_int_equal(closesocket(s), 0);
}

static void expect_list_error(SOCKET s, DWORD code, const char *name, DWORD out_len, int err,
                              DWORD want_count)
{
    char buffer[4096];
    DWORD returned = 0xdeadbeef;

    memset(buffer, 0xcc, sizeof(buffer));
    WSASetLastError(0);
    int r = WSAIoctl(s, code, NULL, 0, buffer, out_len, &returned, NULL, NULL);
    int e = WSAGetLastError();
    if (r != SOCKET_ERROR || e != err || returned != want_count)
        fail_msg("%s into %lu bytes: %d, error %d, *returned %lu (expected SOCKET_ERROR, %d, %lu)",
                 name, (unsigned long)out_len, r, e, (unsigned long)returned, err,
                 (unsigned long)want_count);
    /* nothing written on failure */
    assert_int_equal((unsigned char)buffer[0], 0xcc);
}

static void short_list_buffers(void **state)
{
    DWORD needed = 0;
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    (void)state;

    assert_true(s != INVALID_SOCKET);
    assert_wsa_fail(WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, NULL, 0, NULL, 0, &needed, NULL, NULL),
                    SOCKET_ERROR, WSAEFAULT);
    assert_true(needed > offsetof(SOCKET_ADDRESS_LIST, Address));
    expect_list_error(s, SIO_ADDRESS_LIST_QUERY, "SIO_ADDRESS_LIST_QUERY", 1, WSAEINVAL, 0);
    expect_list_error(s, SIO_ADDRESS_LIST_QUERY, "SIO_ADDRESS_LIST_QUERY",
                      offsetof(SOCKET_ADDRESS_LIST, Address), WSAEFAULT, needed);
    expect_list_error(s, SIO_GET_INTERFACE_LIST, "SIO_GET_INTERFACE_LIST",
                      sizeof(INTERFACE_INFO) - 1, WSAEFAULT, 0);
    assert_int_equal(closesocket(s), 0);
}

static void expect_count(SOCKET s, DWORD code, const char *name, void *in, DWORD in_len, void *out,
                         DWORD out_len, DWORD want_count)
{
    DWORD returned = 0xdeadbeef;
    WSASetLastError(0);
    int r = WSAIoctl(s, code, in, in_len, out, out_len, &returned, NULL, NULL);
    int e = WSAGetLastError();
    if (r != SOCKET_ERROR || e != WSAEFAULT || returned != want_count)
        fail_msg("%s with an output buffer %p of %lu bytes: %d, error %d, *returned %lu (expected "
                 "SOCKET_ERROR, WSAEFAULT, %lu)", name, out, (unsigned long)out_len, r, e,
                 (unsigned long)returned, (unsigned long)want_count);
}

/* Fixed-size answers: a short buffer for FIONREAD and SIOCATMARK, and no
 * buffer but a length for SIO_ROUTING_INTERFACE_QUERY, are refused
 * without a size; a short routing buffer says the size. */
static void short_fixed_buffers(void **state)
{
    SOCKET c, s;
    char small[2];
    struct sockaddr_in to;
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &c, &s), 0);
    expect_count(s, FIONREAD, "FIONREAD", NULL, 0, small, sizeof(small), 0xdeadbeef);
    expect_count(s, SIOCATMARK, "SIOCATMARK", NULL, 0, small, sizeof(small), 0xdeadbeef);
    expect_count(s, FIONREAD, "FIONREAD", NULL, 0, NULL, 0, sizeof(u_long));
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    expect_count(s, SIO_ROUTING_INTERFACE_QUERY, "SIO_ROUTING_INTERFACE_QUERY", &to, sizeof(to),
                 small, sizeof(small), sizeof(struct sockaddr_in));
    expect_count(s, SIO_ROUTING_INTERFACE_QUERY, "SIO_ROUTING_INTERFACE_QUERY", &to, sizeof(to),
                 NULL, sizeof(to), 0xdeadbeef);
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(s), 0);
}

/* optlen -1, compared unsigned as Windows 10 21H1 does: big enough for a
 * four-byte SOL_SOCKET option (it takes effect: recv times out), too big
 * for a one-byte one and for the other levels (WSAENOBUFS). */
static void setsockopt_minus_one_length(void **state)
{
    SOCKET c, s;
    DWORD timeout = 300, one = 1;
    char b[4];
    double began, took;
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &c, &s), 0);
    assert_wsa_ok(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, -1));
    began = tu_now_ms();
    assert_wsa_fail(recv(s, b, sizeof(b), 0), SOCKET_ERROR, WSAETIMEDOUT);
    took = tu_now_ms() - began;
    if (took < 200 || took > 5000)
        fail_msg("recv after SO_RCVTIMEO 300 ms set with optlen -1 took %.0f ms", took);
    assert_wsa_fail(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, (const char *)&one, -1), SOCKET_ERROR,
                    WSAENOBUFS);
    assert_wsa_fail(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, -1), SOCKET_ERROR,
                    WSAENOBUFS);
    assert_wsa_fail(setsockopt(c, SOL_SOCKET, SO_RCVBUF, NULL, -1), SOCKET_ERROR, WSAEFAULT);
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(s), 0);
}

/* A buffer count whose array size wraps on a 32-bit build (0x20000001
 * eight-byte WSABUFs is 8 bytes there): WSAEFAULT, never a walk off the
 * end of the one WSABUF given.  On x86_64 the array is 8 GiB and the page
 * check refuses it; the i686 build's guard is the size check before it. */
static void buffer_count_cannot_wrap(void **state)
{
    SOCKET c, s;
    char b[4];
    DWORD got = 0, flags = 0, old;
    /* the one WSABUF ends its page; the next page cannot be read, so a
     * walk past it faults instead of finding stack garbage */
    char *pages = VirtualAlloc(NULL, 8192, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    (void)state;

    assert_non_null(pages);
    assert_true(VirtualProtect(pages + 4096, 4096, PAGE_NOACCESS, &old));
    WSABUF *one = (WSABUF *)(pages + 4096 - sizeof(WSABUF));
    one->len = sizeof(b);
    one->buf = b;
    assert_int_equal(tu_tcp_pair(AF_INET, &c, &s), 0);
    assert_wsa_fail(WSARecv(s, one, 0x20000001, &got, &flags, NULL, NULL), SOCKET_ERROR,
                    WSAEFAULT);
    assert_wsa_fail(WSASend(c, one, 0x20000001, &got, 0, NULL, NULL), SOCKET_ERROR, WSAEFAULT);
    /* the socket is unharmed: one buffer's worth still goes through */
    assert_wsa_ok(WSASend(c, one, 1, &got, 0, NULL, NULL));
    assert_int_equal(got, sizeof(b));
    assert_wsa_ok(WSARecv(s, one, 1, &got, &flags, NULL, NULL));
    assert_int_equal(got, sizeof(b));
    VirtualFree(pages, 0, MEM_RELEASE);
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(s), 0);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fionbio_ignores_its_output_buffer),
        cmocka_unit_test(keepalive_without_input_counts_zero),
        cmocka_unit_test(stream_recvfrom_ignores_from),
        cmocka_unit_test(wsasocket_needs_a_family),
        cmocka_unit_test(short_list_buffers),
        cmocka_unit_test(short_fixed_buffers),
        cmocka_unit_test(setsockopt_minus_one_length),
        cmocka_unit_test(buffer_count_cannot_wrap),
    };
    return cmocka_run_group_tests_name("ioctl_args", tests, tu_group_startup, tu_group_cleanup);
}
