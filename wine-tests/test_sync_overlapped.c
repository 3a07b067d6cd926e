/*
 * test_sync_overlapped.c - an OVERLAPPED given to WSARecv/WSASend on a
 * socket made without WSA_FLAG_OVERLAPPED and set non-blocking (issue 12;
 * Wine's test_nonblocking_async_recv, which passes on Windows).
 *
 * Windows: without an OVERLAPPED such a WSARecv fails WSAEWOULDBLOCK at
 * once; with one it blocks until data is there even though the socket is
 * non-blocking, returns 0 and leaves the result in the OVERLAPPED
 * (Internal STATUS_SUCCESS, InternalHigh the count), so
 * GetOverlappedResult reads it without waiting.  As everywhere for such a
 * socket, no event is signalled (docs/closesocket.md).  A closesocket from
 * another thread interrupts the blocked call with WSAEINTR (CE 5.0) and
 * leaves the OVERLAPPED as it was.
 */
#include "testutil.h"

#include <string.h>

#define BLOCK_MS 300

/* A connected pair, both non-blocking, whose first socket (*sync) is not
 * overlapped: a client made without WSA_FLAG_OVERLAPPED or, accepted set,
 * the socket accepted by a listener made without it (an accepted socket is
 * opened as its listener was). */
static void sync_pair_made(SOCKET *sync, SOCKET *peer, BOOL accepted)
{
    struct sockaddr_storage ss;
    struct sockaddr_in any = tu_loopback4(0);
    int any_len = sizeof(any);
    u_long on = 1;
    SOCKET l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, accepted ? 0 : WSA_FLAG_OVERLAPPED);
    assert_true(l != INVALID_SOCKET);
    assert_wsa_ok(bind(l, (struct sockaddr *)&any, sizeof(any)));
    assert_wsa_ok(getsockname(l, (struct sockaddr *)&any, &any_len));
    assert_wsa_ok(listen(l, 1));
    int len = tu_loopback(AF_INET, ntohs(any.sin_port), &ss);
    SOCKET client = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, accepted ? WSA_FLAG_OVERLAPPED : 0);
    assert_true(client != INVALID_SOCKET);
    assert_wsa_ok(connect(client, (struct sockaddr *)&ss, len));
    SOCKET server = accept(l, NULL, NULL);
    assert_true(server != INVALID_SOCKET);
    assert_int_equal(closesocket(l), 0);
    *sync = accepted ? server : client;
    *peer = accepted ? client : server;
    assert_wsa_ok(ioctlsocket(*sync, FIONBIO, &on));
    assert_wsa_ok(ioctlsocket(*peer, FIONBIO, &on));
}

static void sync_pair(SOCKET *client, SOCKET *server)
{
    sync_pair_made(client, server, FALSE);
}

struct receiver {
    SOCKET s;
    WSAOVERLAPPED ov;
    char buffer[8];
    int result, error;
    double took;
};

static DWORD WINAPI receive_overlapped(void *arg)
{
    struct receiver *r = arg;
    WSABUF b = { sizeof(r->buffer), r->buffer };
    DWORD flags = 0;
    double start = tu_now_ms();
    WSASetLastError(0xdeadbeef);
    r->result = WSARecv(r->s, &b, 1, NULL, &flags, &r->ov, NULL);
    r->error = WSAGetLastError();
    r->took = tu_now_ms() - start;
    return 0;
}

static HANDLE start_receiver(struct receiver *r, SOCKET s, HANDLE event)
{
    memset(r, 0, sizeof(*r));
    r->s = s;
    r->ov.hEvent = event;
    r->ov.Internal = 0xdeadbeef;
    r->ov.InternalHigh = 0xdeadbeef;
    HANDLE t = CreateThread(NULL, 0, receive_overlapped, r, 0, NULL);
    assert_non_null(t);
    return t;
}

/* Blocks until the data comes, then the OVERLAPPED holds the result. */
static void recv_blocks_and_reports(BOOL accepted)
{
    SOCKET client, server;
    char buffer[8];
    DWORD size = 0;
    struct receiver r;
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    sync_pair_made(&client, &server, accepted);

    /* without an OVERLAPPED the non-blocking mode holds */
    assert_wsa_fail(recv(client, buffer, sizeof(buffer), 0), SOCKET_ERROR, WSAEWOULDBLOCK);

    for (int with_event = 0; with_event < 2; with_event++) {
        HANDLE t = start_receiver(&r, client, with_event ? event : NULL);
        assert_int_equal(WaitForSingleObject(t, BLOCK_MS), WAIT_TIMEOUT);
        assert_int_equal(send(server, "data", 4, 0), 4);
        assert_int_equal(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
        CloseHandle(t);
        assert_int_equal(r.result, 0);
        assert_true(r.took >= BLOCK_MS - 20);
        assert_memory_equal(r.buffer, "data", 4);
        assert_int_equal((DWORD)r.ov.Internal, 0);
        assert_int_equal(r.ov.InternalHigh, 4);
        assert_true(GetOverlappedResult((HANDLE)client, &r.ov, &size, FALSE));
        assert_int_equal(size, 4);
        assert_int_equal(WaitForSingleObject(event, 0), WAIT_TIMEOUT);
    }

    /* data already there: at once, the same result */
    assert_int_equal(send(server, "more", 4, 0), 4);
    Sleep(100);
    HANDLE t = start_receiver(&r, client, NULL);
    assert_int_equal(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CloseHandle(t);
    assert_int_equal(r.result, 0);
    assert_memory_equal(r.buffer, "more", 4);
    assert_int_equal((DWORD)r.ov.Internal, 0);
    assert_int_equal(r.ov.InternalHigh, 4);

    assert_int_equal(closesocket(client), 0);
    assert_int_equal(closesocket(server), 0);
    CloseHandle(event);
}

static void overlapped_recv_blocks_and_reports(void **state)
{
    (void)state;
    recv_blocks_and_reports(FALSE);
}

/* The same on the socket a listener made without WSA_FLAG_OVERLAPPED
 * accepted: hostprov takes its mode from the listener, not the kernel. */
static void accepted_from_synchronous_listener_too(void **state)
{
    (void)state;
    recv_blocks_and_reports(TRUE);
}

/* WSASend with an OVERLAPPED: done when it returns, the count in it. */
static void overlapped_send_reports(void **state)
{
    (void)state;
    SOCKET client, server;
    char buffer[8];
    WSABUF b = { 5, "hello" };
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.Internal = 0xdeadbeef;
    ov.InternalHigh = 0xdeadbeef;
    sync_pair(&client, &server);
    assert_int_equal(WSASend(client, &b, 1, NULL, 0, &ov, NULL), 0);
    assert_int_equal((DWORD)ov.Internal, 0);
    assert_int_equal(ov.InternalHigh, 5);
    Sleep(100);
    assert_int_equal(recv(server, buffer, sizeof(buffer), 0), 5);
    assert_memory_equal(buffer, "hello", 5);
    assert_int_equal(closesocket(client), 0);
    assert_int_equal(closesocket(server), 0);
}

/* A closesocket from another thread ends the blocked call: WSAEINTR, the
 * OVERLAPPED untouched. */
static void close_interrupts_blocked_overlapped_recv(void **state)
{
    (void)state;
    SOCKET client, server;
    struct receiver r;
    sync_pair(&client, &server);
    HANDLE t = start_receiver(&r, client, NULL);
    assert_int_equal(WaitForSingleObject(t, BLOCK_MS), WAIT_TIMEOUT);
    assert_int_equal(closesocket(client), 0);
    assert_int_equal(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CloseHandle(t);
    assert_int_equal(r.result, SOCKET_ERROR);
    assert_int_equal(r.error, WSAEINTR);
    assert_int_equal((DWORD)r.ov.Internal, 0xdeadbeef);
    assert_int_equal(r.ov.InternalHigh, 0xdeadbeef);
    assert_int_equal(closesocket(server), 0);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overlapped_recv_blocks_and_reports),
        cmocka_unit_test(accepted_from_synchronous_listener_too),
        cmocka_unit_test(overlapped_send_reports),
        cmocka_unit_test(close_interrupts_blocked_overlapped_recv),
    };
    return cmocka_run_group_tests_name("sync_overlapped", tests, tu_group_startup, tu_group_cleanup);
}
