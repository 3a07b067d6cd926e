/*
 * test_upcall_notify.c - the WPU upcalls behind notifications and blocking
 * calls, through loopprov.dll (wine-tests/providers/loopprov.c; harness:
 * loopharness.c): WSAEventSelect's FD_READ (WPUPostMessage / event
 * signalling), select, WSAAsyncSelect's message, and a blocking recv (the
 * blocking callback) interrupted by WSACleanup.
 */
#include "loopharness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void loop_event_select_fd_read(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    WSAEVENT e = WSACreateEvent();
    WSANETWORKEVENTS ne;
    char buf[16];

    assert_wsa_ok(WSAEventSelect(b, e, FD_READ));
    assert_int_equal(WaitForSingleObject(e, 100), WAIT_TIMEOUT);
    loop_send_now(a, b, "ready");
    assert_int_equal(WaitForSingleObject(e, 5000), WAIT_OBJECT_0);
    assert_wsa_ok(WSAEnumNetworkEvents(b, e, &ne));
    assert_true(ne.lNetworkEvents & FD_READ);
    assert_int_equal(ne.iErrorCode[FD_READ_BIT], 0);
    assert_int_equal(WaitForSingleObject(e, 0), WAIT_TIMEOUT);     /* reset by the enum */
    assert_int_equal(recv(b, buf, sizeof(buf), 0), 5);
    assert_int_equal(WaitForSingleObject(e, 100), WAIT_TIMEOUT);    /* nothing left */
    assert_wsa_ok(WSAEventSelect(b, NULL, 0));
    close_loop(a);
    close_loop(b);
    WSACloseEvent(e);
}

static void loop_select_read(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    fd_set r;
    struct timeval tv = { 0, 0 };
    char buf[16];

    FD_ZERO(&r);
    FD_SET(b, &r);
    assert_int_equal(select(0, &r, NULL, NULL, &tv), 0);
    assert_false(FD_ISSET(b, &r));
    loop_send_now(a, b, "sel");
    FD_ZERO(&r);
    FD_SET(a, &r);
    FD_SET(b, &r);
    tv.tv_sec = 2;
    assert_int_equal(select(0, &r, NULL, NULL, &tv), 1);
    assert_true(FD_ISSET(b, &r));
    assert_false(FD_ISSET(a, &r));
    assert_int_equal(recv(b, buf, sizeof(buf), 0), 3);
    close_loop(a);
    close_loop(b);
}

static void loop_async_select_posts_message(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    HWND w = CreateWindowExW(0, L"STATIC", L"loopprov", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL,
                             NULL);
    if (!w)
        fail_msg("CreateWindowExW(HWND_MESSAGE): %lu", GetLastError());
    struct loopprov_async_select as = { w, WM_USER + 7, FD_READ };
    DWORD ret = 0;
    MSG m;

    assert_wsa_ok(WSAIoctl(b, SIO_LOOPPROV_ASYNC_SELECT, &as, sizeof(as), NULL, 0, &ret, NULL, NULL));
    loop_send_now(a, b, "msg");
    DWORD start = GetTickCount();
    BOOL got = FALSE;
    while (!(got = PeekMessageW(&m, w, WM_USER + 7, WM_USER + 7, PM_REMOVE)) &&
           GetTickCount() - start < 5000)
        Sleep(10);
    assert_true(got);
    assert_int_equal(m.wParam, b);
    assert_int_equal(WSAGETSELECTEVENT(m.lParam), FD_READ);
    assert_int_equal(WSAGETSELECTERROR(m.lParam), 0);
    assert_false(PeekMessageW(&m, w, WM_USER + 7, WM_USER + 7, PM_REMOVE));
    close_loop(a);
    close_loop(b);
    DestroyWindow(w);
}

/* WPUCompleteOverlappedRequest on a handle ws2.dll did not create: the
 * OVERLAPPED fields and the event, and nothing on a port. */

/* ---- blocking recv and the blocking callback --------------------------------- */

static int cleanup_result, cleanup_error;

static DWORD WINAPI cleanup_thread(void *arg)
{
    Sleep((DWORD)(ULONG_PTR)arg);
    cleanup_result = WSACleanup();
    cleanup_error = cleanup_result ? WSAGetLastError() : 0;
    return 0;
}

static void loop_blocking_recv_interrupted_by_cleanup(void **state)
{
    (void)state;
    SOCKET b = loop_socket();
    DWORD timeout = 10000;
    char buf[16];
    assert_wsa_ok(setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout)));
    struct loopprov_stats before = loop_stats_now();

    /* this process's only WSAStartup is the group's: the other thread's
     * WSACleanup is the last one, and the blocking callback says stop */
    HANDLE t = CreateThread(NULL, 0, cleanup_thread, (void *)(ULONG_PTR)300, 0, NULL);
    assert_non_null(t);
    DWORD start = GetTickCount();
    int r = recv(b, buf, sizeof(buf), 0);
    int e = WSAGetLastError();
    DWORD took = GetTickCount() - start;
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
    loop_nopened = 0;                    /* WSACleanup closed them all */
    loop_started = tu_startup() == 0;    /* the rest of the group needs Winsock again */
    struct loopprov_stats after = loop_stats_now();

    assert_int_equal(cleanup_result, 0);
    assert_int_equal(r, SOCKET_ERROR);
    assert_int_equal(e, WSAEINTR);
    assert_true(took < 5000);
    assert_int_equal(after.callback_interrupts, before.callback_interrupts + 1);
    assert_int_equal(after.close_interrupts, before.close_interrupts);
    assert_true(loop_started);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
#define T(f) cmocka_unit_test_teardown(f, loop_test_teardown)
    const struct CMUnitTest tests[] = {
        T(loop_event_select_fd_read),
        T(loop_select_read),
        T(loop_async_select_posts_message),
        T(loop_blocking_recv_interrupted_by_cleanup),
    };
    return cmocka_run_group_tests_name("upcall_notify", tests, loop_group_setup, loop_group_teardown);
}
