/*
 * test_upcall_handles.c - the WPU upcalls about handles, through
 * loopprov.dll (wine-tests/providers/loopprov.c; harness: loopharness.c):
 * the context of a handle that is not the provider's, the provider's path,
 * WSAJoinLeaf's new leaf (the provider's socket, known to ws2.dll),
 * and WPUCompleteOverlappedRequest on a foreign handle (fields and event
 * only) and on the provider's own handle (every completion kind).
 *
 * Completions are checked exactly once through each channel: the event
 * (WSAGetOverlappedResult), the completion routine (on the issuing thread,
 * at an alertable wait) and a completion port the test associates with
 * the socket handle (a WPUCreateSocketHandle handle: ws2.dll completes the
 * request through that handle's own I/O so that the port gets its packet).
 *
 * OVERLAPPED structures and buffers given to pending operations are
 * static: a failed assertion leaves the test function, and the per-test
 * teardown's closesocket then completes those requests (aborted) into
 * memory that is still there.
 */
#include "loopharness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- the other upcalls ------------------------------------------------------- */

static void loop_query_context_foreign_handle(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    INT result = -1;
    DWORD ret = 0;
    SOCKET target;

    /* its own handle: the context WPUCreateSocketHandle was given */
    target = a;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, 0);
    /* another loopprov socket's handle */
    target = b;
    result = -1;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, 0);

    /* a kernel object ws2.dll did not create */
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    target = (SOCKET)ev;
    result = -1;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, WSAENOTSOCK);
    CloseHandle(ev);

    /* an IFS provider's socket (the host provider's UDP) */
    unsigned short port = 0;
    SOCKET u = tu_udp(AF_INET, &port);
    assert_true(u != INVALID_SOCKET);
    target = u;
    result = -1;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, WSAENOTSOCK);
    closesocket(u);

    /* a loopprov handle after WPUCloseSocketHandle */
    close_loop(b);
    target = b;
    result = -1;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, WSAENOTSOCK);
    close_loop(a);
}

static void loop_provider_path(void **state)
{
    (void)state;
    SOCKET s = loop_socket();
    WCHAR path[MAX_PATH + 1];
    int len = sizeof(path);
    memset(path, 0, sizeof(path));
    assert_wsa_ok(getsockopt(s, LOOPPROV_SOL, LOOPPROV_SO_PROVIDER_PATH, (char *)path, &len));
    assert_int_equal(len, (int)((wcslen(path) + 1) * sizeof(WCHAR)));
    if (_wcsicmp(path, loopprov_path))
        fail_msg("WPUGetProviderPath gave '%ls', registered '%ls'", path, loopprov_path);
    close_loop(s);
}

/* WSAJoinLeaf reaches the socket's provider, and the new leaf it returns
 * is a socket of ws2.dll's (send through it, close it once). */
static void join_leaf_gives_a_dispatched_socket(void **state)
{
    (void)state;
    SOCKET s = loop_socket(), peer = loop_socket();
    struct sockaddr_loop a;
    char got[16];

    assert_int_equal(loop_addr(loop_id_of(peer), &a), sizeof(a));
    /* dwFlags not one of JL_*: the provider is not asked */
    assert_int_equal(WSAJoinLeaf(s, (struct sockaddr *)&a, sizeof(a), NULL, NULL, NULL, NULL, 0),
                     INVALID_SOCKET);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    SOCKET leaf = WSAJoinLeaf(s, (struct sockaddr *)&a, sizeof(a), NULL, NULL, NULL, NULL, JL_BOTH);
    assert_true(leaf != INVALID_SOCKET);
    assert_true(leaf != s);
    assert_int_equal(send(leaf, "leaf", 4, 0), 4);
    assert_int_equal(recv(peer, got, sizeof(got), 0), 4);
    assert_memory_equal(got, "leaf", 4);
    assert_int_equal(closesocket(leaf), 0);
    assert_int_equal(closesocket(leaf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAENOTSOCK);
    close_loop(peer);
    close_loop(s);
}

static void complete_foreign_handle_fields_and_event_only(void **state)
{
    (void)state;
    unsigned short p = 0;
    SOCKET u = tu_udp(AF_INET, &p);
    assert_true(u != INVALID_SOCKET);
    HANDLE port = CreateIoCompletionPort((HANDLE)u, NULL, 9, 0);
    assert_non_null(port);
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    int err = 0;
    assert_int_equal(WPUCompleteOverlappedRequest(u, &ov, 0, 7, &err), 0);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    assert_int_equal(ov.Offset, 7);
    assert_int_equal(ov.OffsetHigh, 0);
    assert_int_equal(ov.Internal, 0);
    assert_int_equal(ov.InternalHigh, 7);
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov = NULL;
    GetQueuedCompletionStatus(port, &bytes, &key, &pov, 200);
    assert_null(pov);
    WSACloseEvent(ov.hEvent);
    closesocket(u);
    CloseHandle(port);
}

/* WPUCompleteOverlappedRequest on a WPUCreateSocketHandle handle, called
 * directly (as any provider may): every kind of completion gives the port
 * exactly one packet, the event, and the result for WSAGetOverlappedResult. */
static void complete_own_handle_every_kind(void **state)
{
    (void)state;
    static const struct {
        DWORD error, bytes;
        BOOL ok;            /* what GetQueuedCompletionStatus returns */
        DWORD port_error, port_bytes;
    } kinds[] = {
        { 0, 0, TRUE, 0, 0 },                           /* zero-length success */
        { 0, 100000, TRUE, 0, 100000 },                 /* beyond the pipe's buffer quota */
        { WSAEMSGSIZE, 3, FALSE, ERROR_MORE_DATA, 3 },
        { WSA_OPERATION_ABORTED, 0, FALSE, ERROR_OPERATION_ABORTED, 0 },
        { WSAECONNRESET, 0, FALSE, ERROR_OPERATION_ABORTED, 0 },  /* no faithful status: 995 */
        { 0, 5, TRUE, 0, 5 },                           /* and the pipe is still clean */
    };
    static WSAOVERLAPPED ov;
    SOCKET b = loop_socket();
    HANDLE port = CreateIoCompletionPort((HANDLE)b, NULL, 3, 0);
    assert_non_null(port);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        DWORD bytes[4], error[4], got = 0, flags = 0;
        ULONG_PTR key[4];
        LPOVERLAPPED pov[4];
        BOOL ok[4];
        int err = 0;
        memset(&ov, 0, sizeof(ov));
        ov.hEvent = WSACreateEvent();
        if (WPUCompleteOverlappedRequest(b, &ov, kinds[i].error, kinds[i].bytes, &err))
            fail_msg("kind %u: WPUCompleteOverlappedRequest failed: %d", (unsigned)i, err);
        assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
        int n = loop_take_packets(port, 5000, bytes, key, pov, ok, error, 4);
        if (n != 1 || ok[0] != kinds[i].ok || error[0] != kinds[i].port_error ||
            bytes[0] != kinds[i].port_bytes || pov[0] != (LPOVERLAPPED)&ov || key[0] != 3)
            fail_msg("kind %u (error %lu, %lu bytes): %d packets, first ok=%d error=%lu bytes=%lu",
                     (unsigned)i, kinds[i].error, kinds[i].bytes, n, n ? ok[0] : -1,
                     n ? error[0] : 0, n ? bytes[0] : 0);
        BOOL r = WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags);
        int e = r ? 0 : WSAGetLastError();
        assert_int_equal(r, kinds[i].error == 0);
        assert_int_equal(e, kinds[i].error);
        assert_int_equal(got, kinds[i].bytes);
        WSACloseEvent(ov.hEvent);
    }
    close_loop(b);
    CloseHandle(port);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
#define T(f) cmocka_unit_test_teardown(f, loop_test_teardown)
    const struct CMUnitTest tests[] = {
        T(loop_query_context_foreign_handle),
        T(loop_provider_path),
        T(join_leaf_gives_a_dispatched_socket),
        T(complete_foreign_handle_fields_and_event_only),
        T(complete_own_handle_every_kind),
    };
    return cmocka_run_group_tests_name("upcall_handles", tests, loop_group_setup, loop_group_teardown);
}
