/*
 * test_upcall.c - the WPU upcall table is real: a non-IFS provider
 * (loopprov.dll, wine-tests/providers/loopprov.c) that uses every upcall,
 * driven through ws2.dll (harness: loopharness.c).  This suite: its socket
 * handles, and overlapped receives completed later or aborted by
 * closesocket.  Notifications and blocking: test_upcall_notify.c; the
 * other handle upcalls: test_upcall_handles.c.
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

/* ---- the socket and its handle -------------------------------------------------- */

static void loop_catalog_entry_is_non_ifs(void **state)
{
    (void)state;
    DWORD len = 0;
    WSAEnumProtocolsW(NULL, NULL, &len);
    WSAPROTOCOL_INFOW *p = malloc(len ? len : 1);
    int n = WSAEnumProtocolsW(NULL, p, &len), found = 0;
    for (int i = 0; i < n; i++) {
        if (p[i].iAddressFamily != AF_LOOPPROV)
            continue;
        found++;
        assert_int_equal(p[i].iSocketType, SOCK_DGRAM);
        assert_int_equal(p[i].dwServiceFlags1 & XP1_IFS_HANDLES, 0);
    }
    free(p);
    if (found != 1)
        fail_msg("%d AF_LOOPPROV catalog entries (expected 1): loopprov.dll not registered?", found);
}

static void loop_handle_is_kernel_object(void **state)
{
    (void)state;
    struct loopprov_stats before = loop_stats_now();
    SOCKET s = loop_socket();
    assert_int_equal(loop_stats_now().handles_open, before.handles_open + 1);

    HANDLE dup = NULL;
    if (!DuplicateHandle(GetCurrentProcess(), (HANDLE)s, GetCurrentProcess(), &dup, 0, FALSE,
                         DUPLICATE_SAME_ACCESS))
        fail_msg("DuplicateHandle(socket): %lu", GetLastError());
    assert_true(CloseHandle(dup));

    HANDLE port = CreateIoCompletionPort((HANDLE)s, NULL, 1, 0);
    if (!port)
        fail_msg("CreateIoCompletionPort(socket): %lu", GetLastError());
    CloseHandle(port);

    int type = 0, tlen = sizeof(type);
    assert_wsa_ok(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &tlen));
    assert_int_equal(type, SOCK_DGRAM);
    close_loop(s);
    assert_int_equal(loop_stats_now().handles_open, before.handles_open);
    /* the handle is gone, for ws2.dll and for the provider */
    assert_wsa_fail(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &tlen), SOCKET_ERROR,
                    WSAENOTSOCK);
}

static void loop_sendto_recvfrom(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    u_long ida = loop_id_of(a), idb = loop_id_of(b);
    assert_true(ida != idb);

    struct sockaddr_loop to, from;
    const char msg[] = "hello through loopprov";
    assert_int_equal(sendto(a, msg, sizeof(msg), 0, (struct sockaddr *)&to, loop_addr(idb, &to)),
                     sizeof(msg));
    char buf[100];
    int flen = sizeof(from);
    memset(&from, 0, sizeof(from));
    assert_int_equal(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), sizeof(msg));
    assert_memory_equal(buf, msg, sizeof(msg));
    assert_int_equal(flen, sizeof(from));
    assert_int_equal(from.sloop_family, AF_LOOPPROV);
    assert_int_equal(from.sloop_id, ida);

    /* connected form, the other way */
    assert_wsa_ok(connect(b, (struct sockaddr *)&to, loop_addr(ida, &to)));
    assert_int_equal(send(b, "pong", 4, 0), 4);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 4);
    assert_memory_equal(buf, "pong", 4);

    /* datagram boundaries: a short buffer truncates with WSAEMSGSIZE */
    assert_int_equal(send(b, "0123456789", 10, 0), 10);
    assert_wsa_fail(recv(a, buf, 4, 0), SOCKET_ERROR, WSAEMSGSIZE);
    assert_memory_equal(buf, "0123", 4);

    /* nothing queued: non-blocking says so */
    u_long nb = 1;
    assert_wsa_ok(ioctlsocket(a, FIONBIO, &nb));
    assert_wsa_fail(recv(a, buf, sizeof(buf), 0), SOCKET_ERROR, WSAEWOULDBLOCK);
    close_loop(a);
    close_loop(b);
}

/* ---- overlapped receives completed later, from the sender's thread ------------------ */

static void loop_overlapped_event_completed_later(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov;
    static char buf[64];
    static struct loop_sender snd;
    SOCKET a = loop_socket(), b = loop_socket();
    WSABUF wb = { sizeof(buf), buf };
    DWORD got = 0, flags = 0;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    assert_false(WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags));
    assert_int_equal(WSAGetLastError(), WSA_IO_INCOMPLETE);

    HANDLE t = loop_send_later(&snd, a, b, 100, "later, by event");
    assert_int_equal(WaitForSingleObject(ov.hEvent, 10000), WAIT_OBJECT_0);
    loop_join(t, &snd);
    got = 0;
    if (!WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags))
        fail_msg("WSAGetOverlappedResult: %d", WSAGetLastError());
    assert_int_equal(got, strlen("later, by event"));
    assert_memory_equal(buf, "later, by event", got);
    /* what kernel32 sees in the OVERLAPPED agrees */
    DWORD k32 = 0;
    assert_true(HasOverlappedIoCompleted((LPOVERLAPPED)&ov));
    assert_true(GetOverlappedResult(ov.hEvent, (LPOVERLAPPED)&ov, &k32, FALSE));
    assert_int_equal(k32, got);
    WSACloseEvent(ov.hEvent);
    close_loop(a);
    close_loop(b);
}

static struct {
    int calls;
    DWORD thread, error, bytes;
    LPWSAOVERLAPPED ov;
} routine_seen;

static void CALLBACK recv_routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    (void)flags;
    routine_seen.calls++;
    routine_seen.thread = GetCurrentThreadId();
    routine_seen.error = error;
    routine_seen.bytes = bytes;
    routine_seen.ov = ov;
}

/* Alertable waits until the routine ran or timeout_ms passed. */
static void alertable_wait(DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    while (!routine_seen.calls && GetTickCount() - start < timeout_ms)
        SleepEx(50, TRUE);
}

static void loop_overlapped_routine_completed_later(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov;
    static char buf[64];
    static struct loop_sender snd;
    SOCKET a = loop_socket(), b = loop_socket();
    WSABUF wb = { sizeof(buf), buf };
    DWORD got = 0, flags = 0;
    struct loopprov_stats before = loop_stats_now();

    memset(&ov, 0, sizeof(ov));
    memset(&routine_seen, 0, sizeof(routine_seen));
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, recv_routine), SOCKET_ERROR,
                    WSA_IO_PENDING);
    HANDLE t = loop_send_later(&snd, a, b, 50, "later, by routine");
    loop_join(t, &snd);          /* not alertable: the routine must wait for us */
    Sleep(100);
    assert_int_equal(routine_seen.calls, 0);

    alertable_wait(10000);
    assert_int_equal(routine_seen.calls, 1);
    assert_int_equal(routine_seen.thread, GetCurrentThreadId());
    assert_true(routine_seen.thread != snd.thread_id);
    assert_int_equal(routine_seen.error, 0);
    assert_int_equal(routine_seen.bytes, strlen("later, by routine"));
    assert_ptr_equal(routine_seen.ov, &ov);
    assert_memory_equal(buf, "later, by routine", routine_seen.bytes);
    assert_int_equal(loop_stats_now().apcs_run, before.apcs_run + 1);

    SleepEx(200, TRUE);     /* exactly once */
    assert_int_equal(routine_seen.calls, 1);
    close_loop(a);
    close_loop(b);
}

static void loop_overlapped_port_completed_later(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov, ov_now;
    static char buf[64], buf_now[64];
    static struct loop_sender snd;
    SOCKET a = loop_socket(), b = loop_socket();
    WSABUF wb = { sizeof(buf), buf }, wb_now = { sizeof(buf_now), buf_now };
    DWORD got = 0, flags = 0, bytes[4], error[4];
    ULONG_PTR key[4];
    LPOVERLAPPED pov[4];
    BOOL ok[4];

    HANDLE port = CreateIoCompletionPort((HANDLE)b, NULL, 0x5150, 0);
    assert_non_null(port);
    memset(&ov, 0, sizeof(ov));
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_int_equal(loop_take_packets(port, 100, bytes, key, pov, ok, error, 4), 0);

    HANDLE t = loop_send_later(&snd, a, b, 100, "later, by port");
    int n = loop_take_packets(port, 10000, bytes, key, pov, ok, error, 4);
    loop_join(t, &snd);
    assert_int_equal(n, 1);
    assert_true(ok[0]);
    assert_ptr_equal(pov[0], &ov);
    assert_int_equal(key[0], 0x5150);
    assert_int_equal(bytes[0], strlen("later, by port"));
    assert_memory_equal(buf, "later, by port", bytes[0]);
    got = 0;
    assert_true(WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags));
    assert_int_equal(got, bytes[0]);

    /* data already queued: WSARecv completes at once, and the port still
     * gets its one packet (as for a socket with no skip-on-success mode) */
    loop_send_now(a, b, "at once");
    memset(&ov_now, 0, sizeof(ov_now));
    got = 0;
    assert_wsa_ok(WSARecv(b, &wb_now, 1, &got, &flags, &ov_now, NULL));
    assert_int_equal(got, 7);
    n = loop_take_packets(port, 5000, bytes, key, pov, ok, error, 4);
    assert_int_equal(n, 1);
    assert_true(ok[0]);
    assert_ptr_equal(pov[0], &ov_now);
    assert_int_equal(bytes[0], 7);

    /* a datagram longer than the buffer: the port says ERROR_MORE_DATA with
     * the bytes delivered, WSAGetOverlappedResult says WSAEMSGSIZE */
    static char small[4];
    WSABUF wsmall = { sizeof(small), small };
    memset(&ov, 0, sizeof(ov));
    assert_wsa_fail(WSARecv(b, &wsmall, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    t = loop_send_later(&snd, a, b, 50, "too long for four");
    n = loop_take_packets(port, 10000, bytes, key, pov, ok, error, 4);
    loop_join(t, &snd);
    assert_int_equal(n, 1);
    assert_false(ok[0]);
    assert_int_equal(error[0], ERROR_MORE_DATA);
    assert_ptr_equal(pov[0], &ov);
    assert_int_equal(bytes[0], 4);
    assert_memory_equal(small, "too ", 4);
    assert_false(WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags));
    assert_int_equal(WSAGetLastError(), WSAEMSGSIZE);
    assert_int_equal(got, 4);
    /* and the pipe under the handle was left clean: the next one is exact */
    memset(&ov, 0, sizeof(ov));
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    loop_send_now(a, b, "next");
    n = loop_take_packets(port, 5000, bytes, key, pov, ok, error, 4);
    assert_int_equal(n, 1);
    assert_true(ok[0]);
    assert_int_equal(bytes[0], 4);

    close_loop(a);
    close_loop(b);
    CloseHandle(port);
}

/* ---- closesocket with overlapped receives pending: 995, once, each way ---------- */

static void loop_close_aborts_event(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov;
    static char buf[16];
    SOCKET b = loop_socket();
    WSABUF wb = { sizeof(buf), buf };
    DWORD got = 0, flags = 0;
    struct loopprov_stats before = loop_stats_now();

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    close_loop(b);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    assert_int_equal(loop_stats_now().aborted, before.aborted + 1);
    /* the OVERLAPPED says 995 to kernel32 and to the WPU convention */
    DWORD k32 = 0;
    assert_false(GetOverlappedResult(ov.hEvent, (LPOVERLAPPED)&ov, &k32, FALSE));
    assert_int_equal(GetLastError(), ERROR_OPERATION_ABORTED);
    assert_int_equal(ov.OffsetHigh, WSA_OPERATION_ABORTED);
    /* once: the event is not set again */
    WSAResetEvent(ov.hEvent);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 300), WAIT_TIMEOUT);
    WSACloseEvent(ov.hEvent);
}

static void loop_close_aborts_routine(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov;
    static char buf[16];
    SOCKET b = loop_socket();
    WSABUF wb = { sizeof(buf), buf };
    DWORD got = 0, flags = 0;

    memset(&ov, 0, sizeof(ov));
    memset(&routine_seen, 0, sizeof(routine_seen));
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, recv_routine), SOCKET_ERROR,
                    WSA_IO_PENDING);
    close_loop(b);
    assert_int_equal(routine_seen.calls, 0);    /* not before an alertable wait */
    alertable_wait(5000);
    assert_int_equal(routine_seen.calls, 1);
    assert_int_equal(routine_seen.error, WSA_OPERATION_ABORTED);
    assert_int_equal(routine_seen.bytes, 0);
    assert_ptr_equal(routine_seen.ov, &ov);
    assert_int_equal(routine_seen.thread, GetCurrentThreadId());
    SleepEx(200, TRUE);
    assert_int_equal(routine_seen.calls, 1);
}

static void loop_close_aborts_port(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov1, ov2;
    static char buf1[16], buf2[16];
    SOCKET b = loop_socket();
    WSABUF wb1 = { sizeof(buf1), buf1 }, wb2 = { sizeof(buf2), buf2 };
    DWORD got = 0, flags = 0, bytes[4], error[4];
    ULONG_PTR key[4];
    LPOVERLAPPED pov[4];
    BOOL ok[4];

    HANDLE port = CreateIoCompletionPort((HANDLE)b, NULL, 77, 0);
    assert_non_null(port);
    memset(&ov1, 0, sizeof(ov1));
    memset(&ov2, 0, sizeof(ov2));
    assert_wsa_fail(WSARecv(b, &wb1, 1, &got, &flags, &ov1, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_wsa_fail(WSARecv(b, &wb2, 1, &got, &flags, &ov2, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    close_loop(b);
    int n = loop_take_packets(port, 5000, bytes, key, pov, ok, error, 4);
    assert_int_equal(n, 2);
    int seen1 = 0, seen2 = 0;
    for (int i = 0; i < n; i++) {
        assert_false(ok[i]);
        assert_int_equal(error[i], ERROR_OPERATION_ABORTED);
        assert_int_equal(bytes[i], 0);
        assert_int_equal(key[i], 77);
        seen1 += pov[i] == (LPOVERLAPPED)&ov1;
        seen2 += pov[i] == (LPOVERLAPPED)&ov2;
    }
    assert_int_equal(seen1, 1);
    assert_int_equal(seen2, 1);
    CloseHandle(port);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
#define T(f) cmocka_unit_test_teardown(f, loop_test_teardown)
    const struct CMUnitTest tests[] = {
        T(loop_catalog_entry_is_non_ifs),
        T(loop_handle_is_kernel_object),
        T(loop_sendto_recvfrom),
        T(loop_overlapped_event_completed_later),
        T(loop_overlapped_routine_completed_later),
        T(loop_overlapped_port_completed_later),
        T(loop_close_aborts_event),
        T(loop_close_aborts_routine),
        T(loop_close_aborts_port),
    };
    return cmocka_run_group_tests_name("upcall", tests, loop_group_setup, loop_group_teardown);
}
