/*
 * test_options.c - socket options and ioctls as Windows answers them
 * (issue 12, part B), observed from outside through our stack:
 *
 *   - SO_PROTOCOL_INFOA/W, on a socket of the layered chain and on one of
 *     the base entry: a short buffer fails WSAEFAULT and *optlen says the
 *     size needed; a big enough one succeeds and keeps its *optlen;
 *   - WSAIoctl without an output buffer (or a short one) where the answer
 *     needs one: WSAEFAULT and *lpcbBytesReturned the size needed, never a
 *     crash; ioctls that answer nothing work without one;
 *   - BOOL options given 0 to 3 bytes: taken as Windows takes them (the
 *     bytes given are the value: SO_DONTLINGER set from one zero byte makes
 *     the close reset, as the peer sees), given back in 1 or 4 bytes.
 *
 * The Windows results are those of Wine's own conformance tests of
 * ws2_32 (which pass on Windows) and of the documentation; the cases where
 * this stack differs from Wine's ws2_32 are exactly the ones Wine gets
 * wrong (a crash, a count left unset, a short BOOL refused).
 *
 * SO_OPENTYPE, the other part of B, is test_opentype.c.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <mswsock.h>
#include <mstcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SIO_IDEAL_SEND_BACKLOG_QUERY
#define SIO_IDEAL_SEND_BACKLOG_QUERY _IOR('t', 123, ULONG)
#endif

#define WAIT_MS       10000

static int group_setup(void **state)
{
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return -1;
    }
    return tu_group_startup(state);
}

/* ---- SO_PROTOCOL_INFOA/W ---------------------------------------------------------------------- */

/* A TCP socket of the layered chain (socket()) or of the base entry below it. */
static SOCKET tcp_socket(BOOL base_entry)
{
    DWORD len = 0;
    WSAPROTOCOL_INFOW *all, pick;
    int n, i, found = 0;

    if (!base_entry)
        return socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    WSAEnumProtocolsW(NULL, NULL, &len);
    all = malloc(len);
    assert_non_null(all);
    n = WSAEnumProtocolsW(NULL, all, &len);
    assert_true(n > 0);
    for (i = 0; i < n && !found; i++)
        if (all[i].iAddressFamily == AF_INET && all[i].iSocketType == SOCK_STREAM &&
            all[i].ProtocolChain.ChainLen == BASE_PROTOCOL) {
            pick = all[i];
            found = 1;
        }
    free(all);
    if (!found)
        fail_msg("no base TCP/IPv4 entry in the catalog");
    return WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &pick, 0,
                      WSA_FLAG_OVERLAPPED);
}

static void check_protocol_info(BOOL base_entry, BOOL wide)
{
    int option = wide ? SO_PROTOCOL_INFOW : SO_PROTOCOL_INFOA;
    int needed = wide ? (int)sizeof(WSAPROTOCOL_INFOW) : (int)sizeof(WSAPROTOCOL_INFOA);
    const char *what = wide ? "SO_PROTOCOL_INFOW" : "SO_PROTOCOL_INFOA";
    char *buf = calloc(2, (size_t)needed);
    int len;

    assert_non_null(buf);
    SOCKET s = tcp_socket(base_entry);
    if (s == INVALID_SOCKET)
        fail_msg("socket: %d", WSAGetLastError());

    int shorts[] = { 0, 1, needed / 2, needed - 1 };
    for (unsigned i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++) {
        len = shorts[i];
        assert_wsa_fail(getsockopt(s, SOL_SOCKET, option, buf, &len), SOCKET_ERROR, WSAEFAULT);
        if (len != needed)
            fail_msg("%s (%s entry), buffer of %d: *optlen %d, expected the size needed, %d", what,
                     base_entry ? "base" : "layered", shorts[i], len, needed);
    }
    /* exactly the size, and more: success, *optlen as it was */
    len = needed;
    assert_wsa_ok(getsockopt(s, SOL_SOCKET, option, buf, &len));
    assert_int_equal(len, needed);
    len = 2 * needed;
    memset(buf, 0xcc, 2 * (size_t)needed);
    assert_wsa_ok(getsockopt(s, SOL_SOCKET, option, buf, &len));
    assert_int_equal(len, 2 * needed);
    /* what it says is this socket */
    WSAPROTOCOL_INFOW w;
    memcpy(&w, buf, FIELD_OFFSET(WSAPROTOCOL_INFOW, szProtocol));
    assert_int_equal(w.iAddressFamily, AF_INET);
    assert_int_equal(w.iSocketType, SOCK_STREAM);
    assert_int_equal(w.iProtocol, IPPROTO_TCP);
    assert_int_equal(w.ProtocolChain.ChainLen == BASE_PROTOCOL, base_entry);
    if (wide)
        assert_true(((WSAPROTOCOL_INFOW *)buf)->szProtocol[0] != 0);
    else
        assert_true(((WSAPROTOCOL_INFOA *)buf)->szProtocol[0] != 0);
    /* the bytes after the structure are untouched */
    assert_int_equal((unsigned char)buf[needed], 0xcc);
    /* no buffer: WSAEFAULT */
    len = needed;
    assert_wsa_fail(getsockopt(s, SOL_SOCKET, option, NULL, &len), SOCKET_ERROR, WSAEFAULT);
    assert_wsa_fail(getsockopt(s, SOL_SOCKET, option, buf, NULL), SOCKET_ERROR, WSAEFAULT);
    assert_int_equal(closesocket(s), 0);
    /* a dead handle: WSAENOTSOCK, *optlen untouched */
    len = needed / 2;
    assert_wsa_fail(getsockopt(s, SOL_SOCKET, option, buf, &len), SOCKET_ERROR, WSAENOTSOCK);
    assert_int_equal(len, needed / 2);
    free(buf);
}

static void protocol_info_sizes_layered(void **state)
{
    (void)state;
    check_protocol_info(FALSE, FALSE);
    check_protocol_info(FALSE, TRUE);
}

static void protocol_info_sizes_base(void **state)
{
    (void)state;
    check_protocol_info(TRUE, FALSE);
    check_protocol_info(TRUE, TRUE);
}

/* ---- WSAIoctl without an output buffer ---------------------------------------------------------- */

/* A connected pair over our stack with `pending` bytes waiting at *server. */
static void pair_with_data(SOCKET *client, SOCKET *server, int pending)
{
    char data[64];
    assert_int_equal(tu_tcp_pair(AF_INET, client, server), 0);
    tu_fill(data, 0, sizeof(data));
    assert_true(pending <= (int)sizeof(data));
    if (pending)
        assert_int_equal(tu_send_all(*client, data, (size_t)pending), 0);
    Sleep(100);
}

/* out/out_len as given must fail WSAEFAULT with *returned == needed. */
static void expect_needs(SOCKET s, DWORD code, const char *name, void *in, DWORD in_len, void *out,
                         DWORD out_len, DWORD needed)
{
    DWORD returned = 0xdeadbeef;
    WSASetLastError(0);
    int r = WSAIoctl(s, code, in, in_len, out, out_len, &returned, NULL, NULL);
    int e = WSAGetLastError();
    if (r != SOCKET_ERROR || e != WSAEFAULT || returned != needed)
        fail_msg("%s with an output buffer %p of %lu bytes: %d, error %d, *returned %lu (expected "
                 "SOCKET_ERROR, WSAEFAULT, %lu)", name, out, (unsigned long)out_len, r, e,
                 (unsigned long)returned, (unsigned long)needed);
}

static void ioctl_fixed_answers_say_their_size(void **state)
{
    SOCKET c, s;
    (void)state;

    pair_with_data(&c, &s, 37);
    expect_needs(s, FIONREAD, "FIONREAD", NULL, 0, NULL, 0, sizeof(u_long));
    expect_needs(s, FIONREAD, "FIONREAD", NULL, 0, NULL, 64, sizeof(u_long));
    /* short buffers: test_ioctl_args.c */
    expect_needs(s, SIOCATMARK, "SIOCATMARK", NULL, 0, NULL, 0, sizeof(u_long));
    expect_needs(s, SIO_IDEAL_SEND_BACKLOG_QUERY, "SIO_IDEAL_SEND_BACKLOG_QUERY", NULL, 0, NULL, 0,
                 sizeof(ULONG));
    expect_needs(s, SIO_BASE_HANDLE, "SIO_BASE_HANDLE", NULL, 0, NULL, 0, sizeof(SOCKET));
    /* the same calls with room answer, and the answers are right */
    u_long pending = 0;
    DWORD returned = 0;
    assert_wsa_ok(WSAIoctl(s, FIONREAD, NULL, 0, &pending, sizeof(pending), &returned, NULL, NULL));
    assert_int_equal(returned, sizeof(u_long));
    assert_int_equal(pending, 37);
    SOCKET base = INVALID_SOCKET;
    assert_wsa_ok(WSAIoctl(s, SIO_BASE_HANDLE, NULL, 0, &base, sizeof(base), &returned, NULL, NULL));
    assert_int_equal(returned, sizeof(SOCKET));
    assert_true(base == s);     /* IFS all the way down */

    struct sockaddr_in to;
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    expect_needs(s, SIO_ROUTING_INTERFACE_QUERY, "SIO_ROUTING_INTERFACE_QUERY", &to, sizeof(to), NULL,
                 0, sizeof(struct sockaddr_in));
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(s), 0);
}

/* Wine's own ws2_32 faults on these with no output buffer; ours must not. */
static void ioctl_extension_pointer_without_buffer(void **state)
{
    GUID connectex = WSAID_CONNECTEX;
    LPFN_CONNECTEX connect_ex = NULL;
    DWORD returned = 0;
    (void)state;

    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s != INVALID_SOCKET);
    expect_needs(s, SIO_GET_EXTENSION_FUNCTION_POINTER, "SIO_GET_EXTENSION_FUNCTION_POINTER",
                 &connectex, sizeof(connectex), NULL, 0, sizeof(void *));
    expect_needs(s, SIO_GET_EXTENSION_FUNCTION_POINTER, "SIO_GET_EXTENSION_FUNCTION_POINTER",
                 &connectex, sizeof(connectex), NULL, sizeof(void *), sizeof(void *));
    expect_needs(s, SIO_GET_EXTENSION_FUNCTION_POINTER, "SIO_GET_EXTENSION_FUNCTION_POINTER",
                 &connectex, sizeof(connectex), &connect_ex, 4, sizeof(void *));
    assert_null(connect_ex);
    /* with room, the pointer works: ConnectEx reaches a listener */
    assert_wsa_ok(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &connectex, sizeof(connectex),
                           &connect_ex, sizeof(connect_ex), &returned, NULL, NULL));
    assert_int_equal(returned, sizeof(void *));
    assert_non_null(connect_ex);
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    assert_true(l != INVALID_SOCKET);
    struct sockaddr_storage any, to;
    int len = tu_loopback(AF_INET, 0, &any);
    assert_wsa_ok(bind(s, (struct sockaddr *)&any, len));
    len = tu_loopback(AF_INET, port, &to);
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    DWORD sent = 0;
    if (!connect_ex(s, (struct sockaddr *)&to, len, NULL, 0, &sent, &ov) &&
        WSAGetLastError() != WSA_IO_PENDING)
        fail_msg("ConnectEx: %d", WSAGetLastError());
    assert_int_equal(WaitForSingleObject(ov.hEvent, WAIT_MS), WAIT_OBJECT_0);
    SOCKET a = accept(l, NULL, NULL);
    assert_true(a != INVALID_SOCKET);
    WSACloseEvent(ov.hEvent);
    assert_int_equal(closesocket(a), 0);
    assert_int_equal(closesocket(l), 0);
    assert_int_equal(closesocket(s), 0);
}

/* The address and interface lists: the size needed, for no buffer and for
 * a short one, and that size is enough. */
static void check_list(SOCKET s, DWORD code, const char *name)
{
    DWORD needed = 0xdeadbeef, returned = 0;

    WSASetLastError(0);
    int r = WSAIoctl(s, code, NULL, 0, NULL, 0, &needed, NULL, NULL);
    if (r != SOCKET_ERROR || WSAGetLastError() != WSAEFAULT || needed == 0 || needed == 0xdeadbeef)
        fail_msg("%s without a buffer: %d, error %d, *returned %lu (expected WSAEFAULT and a size)",
                 name, r, WSAGetLastError(), (unsigned long)needed);
    /* a short buffer is answered differently per list: test_ioctl_args.c */
    expect_needs(s, code, name, NULL, 0, NULL, needed, needed);
    char *list = malloc(needed);
    assert_non_null(list);
    assert_wsa_ok(WSAIoctl(s, code, NULL, 0, list, needed, &returned, NULL, NULL));
    assert_int_equal(returned, needed);
    if (code == SIO_ADDRESS_LIST_QUERY) {
        SOCKET_ADDRESS_LIST *a = (SOCKET_ADDRESS_LIST *)list;
        assert_true(a->iAddressCount >= 1);
        assert_int_equal(a->Address[0].lpSockaddr->sa_family, AF_INET);
    } else {
        assert_int_equal(needed % sizeof(INTERFACE_INFO), 0);
    }
    free(list);
}

static void ioctl_lists_say_their_size(void **state)
{
    (void)state;
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s != INVALID_SOCKET);
    check_list(s, SIO_ADDRESS_LIST_QUERY, "SIO_ADDRESS_LIST_QUERY");
    check_list(s, SIO_GET_INTERFACE_LIST, "SIO_GET_INTERFACE_LIST");
    assert_int_equal(closesocket(s), 0);
}

/* Ioctls that answer nothing need no output buffer, whatever its length says. */
static void ioctl_without_answer_needs_no_buffer(void **state)
{
    SOCKET c, s;
    u_long on = 1;
    DWORD returned = 0xdeadbeef;
    char b[8];
    struct tcp_keepalive ka = { 1, 60000, 1000 };
    (void)state;

    pair_with_data(&c, &s, 0);
    assert_wsa_ok(WSAIoctl(s, FIONBIO, &on, sizeof(on), NULL, 64, &returned, NULL, NULL));
    /* and it took: the socket no longer blocks */
    assert_wsa_fail(recv(s, b, sizeof(b), 0), SOCKET_ERROR, WSAEWOULDBLOCK);
    assert_wsa_ok(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka), NULL, 64, &returned, NULL, NULL));
    assert_int_equal(closesocket(c), 0);
    assert_int_equal(closesocket(s), 0);
}

/* ---- BOOL options given odd lengths ---------------------------------------------------------------- */

/* Set from `len` bytes of `bytes`, read back into a 4-byte buffer: the
 * value and the length the read says. */
static void set_then_get(SOCKET s, int level, int name, const char *what, const void *bytes, int len,
                         int want_len, DWORD want_value)
{
    DWORD got = 0xeeeeeeee;
    int got_len = sizeof(got);

    if (setsockopt(s, level, name, (const char *)bytes, len))
        fail_msg("%s: setsockopt with %d bytes: error %d", what, len, WSAGetLastError());
    assert_wsa_ok(getsockopt(s, level, name, (char *)&got, &got_len));
    if (got_len != want_len || (want_len == 1 ? (got & 0xff) : got) != want_value)
        fail_msg("%s set from %d bytes: read back %d bytes, value %#lx (expected %d bytes, %#lx)", what,
                 len, got_len, (unsigned long)got, want_len, (unsigned long)want_value);
}

static void bool_options_take_short_lengths(void **state)
{
    static const unsigned char one[4] = { 1, 0, 0, 0 }, high[4] = { 0, 1, 0, 0 };
    (void)state;
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s != INVALID_SOCKET);

    /* TCP_NODELAY, SO_KEEPALIVE: one byte read, one byte given back */
    for (int len = 1; len <= 4; len++) {
        set_then_get(s, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY", one, len, 1, 1);
        set_then_get(s, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY", high, len, 1, 0);
        set_then_get(s, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", one, len, 1, 1);
        set_then_get(s, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", high, len, 1, 0);
    }
    /* SO_REUSEADDR and SO_DONTLINGER: the bytes given are the value, read back as four */
    set_then_get(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", one, 1, 4, 1);
    set_then_get(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", high, 1, 4, 0);
    set_then_get(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", high, 2, 4, 1);
    set_then_get(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", one, 3, 4, 1);
    set_then_get(s, SOL_SOCKET, SO_DONTLINGER, "SO_DONTLINGER", high, 1, 4, 0);
    set_then_get(s, SOL_SOCKET, SO_DONTLINGER, "SO_DONTLINGER", high, 2, 4, 1);
    set_then_get(s, SOL_SOCKET, SO_DONTLINGER, "SO_DONTLINGER", one, 1, 4, 1);
    set_then_get(s, SOL_SOCKET, SO_DONTLINGER, "SO_DONTLINGER", one, 3, 4, 1);
    set_then_get(s, SOL_SOCKET, SO_CEWS_LINGER_NOTE, "SO_CEWS_LINGER_NOTE", one, 1, 4, 1);
    set_then_get(s, SOL_SOCKET, SO_CEWS_LINGER_NOTE, "SO_CEWS_LINGER_NOTE", high, 1, 4, 0);
    /* no bytes at all: a SOL_SOCKET BOOL takes it (as FALSE), TCP_NODELAY does not */
    set_then_get(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", one, 0, 4, 0);
    set_then_get(s, SOL_SOCKET, SO_DONTLINGER, "SO_DONTLINGER", one, 0, 4, 0);
    assert_wsa_fail(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)one, 0), SOCKET_ERROR,
                    WSAEFAULT);
    assert_wsa_fail(setsockopt(s, SOL_SOCKET, SO_DONTLINGER, NULL, 0), SOCKET_ERROR, WSAEFAULT);
    assert_int_equal(closesocket(s), 0);
}

/* Read back into 1, 2 or 3 bytes: the bytes that fit, *optlen 1. */
static void bool_options_read_into_short_buffers(void **state)
{
    static const unsigned char one[4] = { 1, 0, 0, 0 };
    const struct { int level, name; const char *what; } opts[] = {
        { SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR" },
        { SOL_SOCKET, SO_DONTLINGER, "SO_DONTLINGER" },
        { SOL_SOCKET, SO_CEWS_LINGER_NOTE, "SO_CEWS_LINGER_NOTE" },
    };
    (void)state;
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s != INVALID_SOCKET);
    for (unsigned i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        assert_wsa_ok(setsockopt(s, opts[i].level, opts[i].name, (const char *)one, 4));
        for (int len = 1; len <= 3; len++) {
            unsigned char b[4];
            int l = len;
            memset(b, 0xee, sizeof(b));
            assert_wsa_ok(getsockopt(s, opts[i].level, opts[i].name, (char *)b, &l));
            if (l != 1 || b[0] != 1 || (len > 1 && b[1] != 0) || (len > 2 && b[2] != 0) ||
                (len < 4 && b[len] != 0xee))
                fail_msg("%s read into %d bytes: *optlen %d, bytes %02x %02x %02x %02x", opts[i].what, len,
                         l, b[0], b[1], b[2], b[3]);
        }
        int l = 0;
        unsigned char b[4];
        assert_wsa_fail(getsockopt(s, opts[i].level, opts[i].name, (char *)b, &l), SOCKET_ERROR,
                        WSAEFAULT);
    }
    /* a struct linger into 2 bytes: WSAEFAULT, the 2 bytes zeroed, *optlen kept */
    unsigned char b[4];
    int l = 2;
    memset(b, 0xee, sizeof(b));
    assert_wsa_fail(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)b, &l), SOCKET_ERROR, WSAEFAULT);
    assert_int_equal(l, 2);
    assert_true(b[0] == 0 && b[1] == 0 && b[2] == 0xee);
    assert_int_equal(closesocket(s), 0);
}

/* What the peer sees tells how the byte was read: SO_DONTLINGER set from
 * one zero byte is FALSE (linger on, interval 0: the close resets); from
 * the four bytes of 0x100 it is TRUE (graceful close, FIN). */
static void dontlinger_byte_decides_the_close(void **state)
{
    const DWORD high = 0x100;
    (void)state;
    for (int round = 0; round < 2; round++) {
        hostpeer_tcp_opts o = { .probe_reset = 1 };
        hostpeer_listener *hl = hostpeer_tcp_listen(&o);
        hostpeer_result res;
        assert_non_null(hl);
        SOCKET s = tu_connect(AF_INET, hostpeer_listener_port(hl));
        assert_true(s != INVALID_SOCKET);
        assert_wsa_ok(setsockopt(s, SOL_SOCKET, SO_DONTLINGER, (const char *)&high, round ? 4 : 1));
        assert_int_equal(tu_send_all(s, "abc", 3), 0);
        Sleep(100);
        assert_int_equal(closesocket(s), 0);
        assert_int_equal(hostpeer_listener_wait(hl, WAIT_MS, &res), 1);
        hostpeer_end want = round ? HOSTPEER_FIN : HOSTPEER_RESET;
        if (res.end != want)
            fail_msg("SO_DONTLINGER from %d byte(s) of 0x100: the peer saw %s, expected %s", round ? 4 : 1,
                     hostpeer_end_name(res.end), hostpeer_end_name(want));
        hostpeer_listener_free(hl);
    }
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(protocol_info_sizes_layered),
        cmocka_unit_test(protocol_info_sizes_base),
        cmocka_unit_test(ioctl_fixed_answers_say_their_size),
        cmocka_unit_test(ioctl_extension_pointer_without_buffer),
        cmocka_unit_test(ioctl_lists_say_their_size),
        cmocka_unit_test(ioctl_without_answer_needs_no_buffer),
        cmocka_unit_test(bool_options_take_short_lengths),
        cmocka_unit_test(bool_options_read_into_short_buffers),
        cmocka_unit_test(dontlinger_byte_decides_the_close),
    };
    return cmocka_run_group_tests_name("options", tests, group_setup, tu_group_cleanup);
}
