/*
 * test_stale_handles.c - a socket handle value given out again carries
 * nothing of the socket that had it before.
 *
 * Every layer keeps a table by handle value (ws2.dll, celsp, hostprov;
 * provider/common/handle_table.c), and a value can come back while a layer
 * still holds a record for it: an application that ends a socket with
 * CloseHandle instead of closesocket (legal for an IFS handle, and common in
 * code that treats sockets as files) leaves every table's record behind,
 * and the host hands the value to the next socket.  The new socket must
 * start clean: in particular a SO_LINGER {1,0} set on the old one must not
 * make the new one's ordinary close a reset (data lost at the peer).
 *
 * Observed from outside: the host peer of the new socket must see all its
 * bytes and a FIN.  Checked for a socket of the host's base entry (hostprov
 * alone) and of the default, layered entry (celsp over hostprov).
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <string.h>

#define WAIT_MS   10000
#define MAX_TRIES 64        /* sockets opened waiting for the value to come back */

static int group_setup(void **state)
{
    if (hostpeer_init()) {
        fprintf(stderr, "hostpeer: %s\n", hostpeer_error_text());
        return -1;
    }
    return tu_group_startup(state);
}

/* A TCP/IPv4 socket of the base entry (chain length 1) or of the first
 * layered one. */
static SOCKET tcp_socket(BOOL base_entry)
{
    if (!base_entry)
        return WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    return tu_base_tcp_socket();
}

/* Opens sockets until one has the value old had; closes the others. */
static SOCKET socket_with_value(BOOL base_entry, SOCKET old)
{
    SOCKET opened[MAX_TRIES], s = INVALID_SOCKET;
    int n = 0, i;

    while (n < MAX_TRIES) {
        SOCKET t = tcp_socket(base_entry);
        assert_true(t != INVALID_SOCKET);
        if (t == old) {
            s = t;
            break;
        }
        opened[n++] = t;
    }
    for (i = 0; i < n; i++)
        assert_int_equal(closesocket(opened[i]), 0);
    return s;
}

static void reused_value_closes_gracefully(BOOL base_entry)
{
    hostpeer_tcp_opts o = { .probe_reset = 1 };
    hostpeer_listener *hl;
    hostpeer_result res;
    struct linger hard = { 1, 0 };
    struct sockaddr_storage ss;
    SOCKET old, s;
    int sslen;

    /* the old socket asks for a reset, then ends without closesocket */
    old = tcp_socket(base_entry);
    assert_true(old != INVALID_SOCKET);
    assert_wsa_ok(setsockopt(old, SOL_SOCKET, SO_LINGER, (const char *)&hard, sizeof(hard)));
    assert_true(CloseHandle((HANDLE)old));

    s = socket_with_value(base_entry, old);
    if (s == INVALID_SOCKET) {
        tu_log("the host did not give the value %#lx out again in %d sockets\n",
               (unsigned long)old, MAX_TRIES);
        skip();
    }

    /* the new socket never asked for anything: an ordinary close is a FIN */
    hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);
    sslen = tu_loopback(AF_INET, hostpeer_listener_port(hl), &ss);
    assert_wsa_ok(connect(s, (struct sockaddr *)&ss, sslen));
    assert_int_equal(tu_send_all(s, "abcdef", 6), 0);
    Sleep(100);
    assert_int_equal(closesocket(s), 0);
    assert_int_equal(hostpeer_listener_wait(hl, WAIT_MS, &res), 1);
    hostpeer_listener_free(hl);
    if (res.end != HOSTPEER_FIN || res.bytes != 6)
        fail_msg("the peer saw %s after %llu of 6 bytes: the reused value kept the old "
                 "socket's SO_LINGER {1,0}", hostpeer_end_name(res.end), res.bytes);
}

static void base_entry_value_reused(void **state)
{
    (void)state;
    reused_value_closes_gracefully(TRUE);
}

static void layered_entry_value_reused(void **state)
{
    (void)state;
    reused_value_closes_gracefully(FALSE);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_entry_value_reused),
        cmocka_unit_test(layered_entry_value_reused),
    };
    tu_main_init(argc, argv);
    return cmocka_run_group_tests_name("stale_handles", tests, group_setup, tu_group_cleanup);
}
