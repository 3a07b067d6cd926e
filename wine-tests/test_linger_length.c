/*
 * test_linger_length.c - SO_LINGER and SO_DONTLINGER set with optlen -1
 * (issue 12; Wine's test_set_getsockopt, sock.c:1495).
 *
 * Windows compares a setsockopt length unsigned, so -1 is a buffer long
 * enough for any option: SO_DONTLINGER takes its four bytes, SO_LINGER its
 * struct linger, and both succeed.  celsp keeps these options itself
 * (provider/lsp/linger.c), so what the setting did is seen where it
 * matters, at the peer when the socket is closed: {1,0} through -1 resets
 * the connection, SO_DONTLINGER TRUE through -1 closes it with a FIN.
 * Read back with *optlen -1 is still WSAEFAULT, *optlen untouched.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <string.h>

#define WAIT_MS 10000

static int group_setup(void **state)
{
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return -1;
    }
    return tu_group_startup(state);
}

/* Connect to a host peer, apply set(s), send a little, close; what the
 * peer saw at the end of the stream. */
static hostpeer_end close_after(void (*set)(SOCKET))
{
    hostpeer_tcp_opts o = { .probe_reset = 1 };
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    hostpeer_result res;
    assert_non_null(hl);
    SOCKET s = tu_connect(AF_INET, hostpeer_listener_port(hl));
    assert_true(s != INVALID_SOCKET);
    set(s);
    assert_int_equal(tu_send_all(s, "abc", 3), 0);
    Sleep(100);
    assert_int_equal(closesocket(s), 0);
    assert_int_equal(hostpeer_listener_wait(hl, WAIT_MS, &res), 1);
    assert_int_equal(res.bytes, 3);
    hostpeer_listener_free(hl);
    return res.end;
}

static void set_hard_linger_length_minus_one(SOCKET s)
{
    struct linger l = { 1, 0 };
    struct linger back = { 7, 7 };
    int len = sizeof(back);

    WSASetLastError(0xdeadbeef);
    assert_int_equal(setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&l, -1), 0);
    assert_int_equal(WSAGetLastError(), 0);
    assert_wsa_ok(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&back, &len));
    assert_int_equal(len, sizeof(back));
    assert_int_equal(back.l_onoff, 1);
    assert_int_equal(back.l_linger, 0);
}

/* SO_LINGER {1,0} given with optlen -1 is taken: the close resets. */
static void linger_minus_one_is_taken(void **state)
{
    (void)state;
    hostpeer_end end = close_after(set_hard_linger_length_minus_one);
    if (end != HOSTPEER_RESET)
        fail_msg("SO_LINGER {1,0} with optlen -1: the peer saw %s, expected a reset", hostpeer_end_name(end));
}

static void set_dontlinger_length_minus_one(SOCKET s)
{
    struct linger l = { 1, 0 };
    DWORD on = 1, back = 0xdeadbeef;
    int len = sizeof(back);

    /* first a hard linger the ordinary way, so only the -1 call can undo it */
    assert_wsa_ok(setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&l, sizeof(l)));
    WSASetLastError(0xdeadbeef);
    assert_int_equal(setsockopt(s, SOL_SOCKET, SO_DONTLINGER, (const char *)&on, -1), 0);
    assert_int_equal(WSAGetLastError(), 0);
    assert_wsa_ok(getsockopt(s, SOL_SOCKET, SO_DONTLINGER, (char *)&back, &len));
    assert_int_equal(back, 1);
}

/* SO_DONTLINGER TRUE given with optlen -1 is taken: the close is graceful. */
static void dontlinger_minus_one_is_taken(void **state)
{
    (void)state;
    hostpeer_end end = close_after(set_dontlinger_length_minus_one);
    if (end != HOSTPEER_FIN)
        fail_msg("SO_DONTLINGER TRUE with optlen -1: the peer saw %s, expected a FIN", hostpeer_end_name(end));
}

/* Read back into a buffer said to be -1 long: WSAEFAULT, nothing written. */
static void get_minus_one_is_refused(void **state)
{
    (void)state;
    static const int names[] = { SO_LINGER, SO_DONTLINGER };
    for (int i = 0; i < 2; i++) {
        SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
        DWORD value = 0xdeadbeef;
        int len = -1;
        assert_true(s != INVALID_SOCKET);
        assert_wsa_fail(getsockopt(s, SOL_SOCKET, names[i], (char *)&value, &len), SOCKET_ERROR, WSAEFAULT);
        assert_int_equal(len, -1);
        assert_int_equal(value, 0xdeadbeef);
        assert_int_equal(closesocket(s), 0);
    }
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(linger_minus_one_is_taken),
        cmocka_unit_test(dontlinger_minus_one_is_taken),
        cmocka_unit_test(get_minus_one_is_refused),
    };
    return cmocka_run_group_tests_name("linger_length", tests, group_setup, tu_group_cleanup);
}
