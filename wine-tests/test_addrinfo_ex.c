/*
 * test_addrinfo_ex.c - GetAddrInfoExW, GetAddrInfoExOverlappedResult,
 * GetAddrInfoExCancel, FreeAddrInfoExW: desktop extensions, answered by the
 * same resolver as GetAddrInfoW (ws2/hostnames.c), observed from outside:
 *
 *   - synchronous: "localhost" resolves to the loopback address, last
 *     error 0; no name at all is WSAHOST_NOT_FOUND with *ppResult NULL;
 *   - overlapped with an event: WSA_IO_PENDING (ERROR_IO_PENDING), the
 *     event is signalled when the look-up ends, the result is where
 *     ppResult pointed and GetAddrInfoExOverlappedResult says 0;
 *   - overlapped with a completion routine and no event: the routine runs
 *     once, in this thread's alertable wait, with error 0 and the caller's
 *     OVERLAPPED; a routine together with an event is WSAEINVAL;
 *   - GetAddrInfoExOverlappedResult(NULL) is WSAEINVAL; before WSAStartup
 *     GetAddrInfoExW is WSANOTINITIALISED.
 * These are Windows' results (Wine's test_GetAddrInfoExW, protocol.c).
 */
#include "testutil.h"

#include <cews2.h>
#include <string.h>

/* Whether the list holds 127.0.0.1 or ::1. */
static int has_loopback(const ADDRINFOEXW *list)
{
    /* (const void *): mingw-w64 spells ai_next's struct addrinfoexW */
    for (; list; list = (const void *)list->ai_next)
        if (list->ai_addr && tu_is_loopback(list->ai_addr))
            return 1;
    return 0;
}

static void synchronous_lookups(void **state)
{
    (void)state;
    ADDRINFOEXW *result = (ADDRINFOEXW *)0xdeadbeef;
    WSASetLastError(0xdeadbeef);
    assert_int_equal(GetAddrInfoExW(NULL, NULL, NS_DNS, NULL, NULL, &result, NULL, NULL, NULL, NULL),
                     WSAHOST_NOT_FOUND);
    assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
    assert_null(result);

    result = NULL;
    WSASetLastError(0xdeadbeef);
    assert_int_equal(GetAddrInfoExW(L"localhost", NULL, NS_DNS, NULL, NULL, &result, NULL, NULL, NULL,
                                    NULL), 0);
    assert_int_equal(WSAGetLastError(), 0);
    assert_non_null(result);
    assert_true(has_loopback(result));
    FreeAddrInfoExW(result);
    FreeAddrInfoExW(NULL);
}

static void overlapped_with_event(void **state)
{
    (void)state;
    ADDRINFOEXW *result = (ADDRINFOEXW *)0xdeadbeef;
    OVERLAPPED ov;
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    memset(&ov, 0xcc, sizeof(ov));
    ov.hEvent = event;
    assert_int_equal(GetAddrInfoExOverlappedResult(NULL), WSAEINVAL);
    int ret = GetAddrInfoExW(L"localhost", NULL, NS_DNS, NULL, NULL, &result, NULL, &ov, NULL, NULL);
    assert_int_equal(ret, ERROR_IO_PENDING);
    assert_int_equal(WaitForSingleObject(event, 5000), WAIT_OBJECT_0);
    assert_int_equal(GetAddrInfoExOverlappedResult(&ov), 0);
    assert_true(ov.hEvent == event);
    assert_non_null(result);
    assert_true(result != (ADDRINFOEXW *)0xdeadbeef);
    assert_true(has_loopback(result));
    FreeAddrInfoExW(result);
    CloseHandle(event);
}

static struct {
    int calls;
    DWORD error;
    LPWSAOVERLAPPED overlapped;
} routine_seen;

static void CALLBACK lookup_done(DWORD error, DWORD bytes, LPWSAOVERLAPPED overlapped)
{
    (void)bytes;
    routine_seen.calls++;
    routine_seen.error = error;
    routine_seen.overlapped = overlapped;
}

static void overlapped_with_routine(void **state)
{
    (void)state;
    ADDRINFOEXW *result = NULL;
    OVERLAPPED ov;
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);

    /* a routine and an event together: refused */
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = event;
    assert_int_equal(GetAddrInfoExW(L"localhost", NULL, NS_DNS, NULL, NULL, &result, NULL, &ov,
                                    (LPLOOKUPSERVICE_COMPLETION_ROUTINE)lookup_done, NULL), WSAEINVAL);

    memset(&ov, 0, sizeof(ov));
    memset(&routine_seen, 0, sizeof(routine_seen));
    int ret = GetAddrInfoExW(L"localhost", NULL, NS_DNS, NULL, NULL, &result, NULL, &ov,
                             (LPLOOKUPSERVICE_COMPLETION_ROUTINE)lookup_done, NULL);
    assert_int_equal(ret, ERROR_IO_PENDING);
    double until = tu_now_ms() + 5000;
    while (!routine_seen.calls && tu_now_ms() < until)
        SleepEx(50, TRUE);
    SleepEx(100, TRUE);         /* a second call would come now */
    assert_int_equal(routine_seen.calls, 1);
    assert_int_equal(routine_seen.error, 0);
    assert_true(routine_seen.overlapped == (LPWSAOVERLAPPED)&ov);
    assert_int_equal(GetAddrInfoExOverlappedResult(&ov), 0);
    assert_true(has_loopback(result));
    FreeAddrInfoExW(result);
    CloseHandle(event);
}

static void needs_startup(void **state)
{
    (void)state;
    ADDRINFOEXW *result = NULL;
    assert_int_equal(WSACleanup(), 0);
    int ret = GetAddrInfoExW(L"localhost", NULL, NS_DNS, NULL, NULL, &result, NULL, NULL, NULL, NULL);
    int err = WSAGetLastError();
    assert_int_equal(tu_startup(), 0);
    assert_int_equal(ret, WSANOTINITIALISED);
    assert_int_equal(err, WSANOTINITIALISED);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(synchronous_lookups),
        cmocka_unit_test(overlapped_with_event),
        cmocka_unit_test(overlapped_with_routine),
        cmocka_unit_test(needs_startup),
    };
    return cmocka_run_group_tests_name("addrinfo_ex", tests, tu_group_startup, tu_group_cleanup);
}
