/*
 * test_irda_modes.c - the SOL_IRLMP mode options and IRLMP_LAZY_DISCOVERY
 * (issue 14), two stations on a private loopback air.
 *
 * The modes (IrLPT, 9-wire, Sharp, exclusive) are not implemented yet:
 * what is asserted is that asking for one fails WSAENOPROTOOPT before and
 * after bind (never accepted and ignored), that getsockopt reports it off,
 * and that turning one off is accepted before bind, WSAEINVAL after.
 *
 * Lazy discovery: a second station ("--idle" child) is discovered; it is
 * then killed, so only the discovery log still knows it.  A lazy discovery
 * at once answers from that log (the child is listed, and the call did not
 * wait for a discovery); one made after the log's 3 s have passed
 * discovers (the child is gone).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned short air_port;
static char my_nick[24], idle_nick[24];
static unsigned long my_addr, idle_addr;

static void identities(DWORD ppid)
{
    air_port = (unsigned short)(30000 + (ppid * 137u + 7u) % 20000u);
    snprintf(my_nick, sizeof(my_nick), "cews-M%lu", (unsigned long)(ppid % 100000));
    snprintf(idle_nick, sizeof(idle_nick), "cews-L%lu", (unsigned long)(ppid % 100000));
    my_addr   = 0x6D000000ul | ((ppid & 0xFFFFul) << 8) | 0x11;
    idle_addr = 0x6D000000ul | ((ppid & 0xFFFFul) << 8) | 0x44;
}

/* This station on our air, never capturing (the modes need no capture). */
static void station_env(const char *nick, unsigned long addr)
{
    tu_station_env(air_port, nick, addr);
    tu_set_env("CEWS2_IRDA_CAPTURE", NULL);
}

static SOCKET irda_socket(void) { return socket(AF_IRDA, SOCK_STREAM, 0); }

static int close_irda(SOCKET s) { return closesocket(s) ? WSAGetLastError() : 0; }
#define assert_close_ok(s) assert_int_equal(close_irda(s), 0)

static int irda_addr(SOCKADDR_IRDA *a, const char *service)
{
    memset(a, 0, sizeof(*a));
    a->irdaAddressFamily = AF_IRDA;
    snprintf(a->irdaServiceName, sizeof(a->irdaServiceName), "%s", service);
    return (int)sizeof(*a);
}

static char list_buf[sizeof(ULONG) + 16 * sizeof(IRDA_DEVICE_INFO)];

/* Lists devices with option opt; -error on failure, else whether nick is in it. */
static int listed(SOCKET s, int opt, const char *nick)
{
    DEVICELIST *dl = (DEVICELIST *)list_buf;
    int len = sizeof(list_buf);
    if (getsockopt(s, SOL_IRLMP, opt, list_buf, &len) == SOCKET_ERROR)
        return -WSAGetLastError();
    for (ULONG i = 0; i < dl->numDevice; i++)
        if (!strncmp(dl->Device[i].irdaDeviceName, nick, sizeof(dl->Device[i].irdaDeviceName)))
            return 1;
    return 0;
}

/* ---- the idle child station ------------------------------------------------- */

static int idle_main(DWORD ppid)
{
    char evname[64];
    SOCKADDR_IRDA a;
    identities(ppid);
    station_env(idle_nick, idle_addr);
    if (tu_startup()) return 10;
    SOCKET l = irda_socket();
    if (l == INVALID_SOCKET || bind(l, (struct sockaddr *)&a, irda_addr(&a, "CeLazySvc")) ||
        listen(l, 1))
        return 11;
    snprintf(evname, sizeof(evname), "cews2-irda-modes-ready-%lu", (unsigned long)ppid);
    HANDLE ev = OpenEventA(EVENT_MODIFY_STATE, FALSE, evname);
    if (ev) { SetEvent(ev); CloseHandle(ev); }
    HANDLE parent = OpenProcess(SYNCHRONIZE, FALSE, ppid);
    WaitForSingleObject(parent ? parent : GetCurrentProcess(), 120000);
    return 0;
}

static HANDLE start_idle(void)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 64];
    char evname[64];
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    snprintf(evname, sizeof(evname), "cews2-irda-modes-ready-%lu",
             (unsigned long)GetCurrentProcessId());
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, evname);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" --idle %lu", exe,
               (unsigned long)GetCurrentProcessId());
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        CloseHandle(ev);
        return NULL;
    }
    CloseHandle(pi.hThread);
    HANDLE both[2] = { ev, pi.hProcess };
    DWORD w = WaitForMultipleObjects(2, both, FALSE, 60000);
    CloseHandle(ev);
    if (w != WAIT_OBJECT_0) {
        TerminateProcess(pi.hProcess, 9);
        CloseHandle(pi.hProcess);
        return NULL;
    }
    return pi.hProcess;
}

/* ---- tests ----------------------------------------------------------------------- */

static const struct { int opt; const char *name; } modes[] = {
    { IRLMP_EXCLUSIVE_MODE, "IRLMP_EXCLUSIVE_MODE" }, { IRLMP_IRLPT_MODE, "IRLMP_IRLPT_MODE" },
    { IRLMP_9WIRE_MODE, "IRLMP_9WIRE_MODE" }, { IRLMP_SHARP_MODE, "IRLMP_SHARP_MODE" },
};

static void expect_set(SOCKET s, int opt, BOOL v, int want, const char *name, const char *when)
{
    WSASetLastError(0);
    int r = setsockopt(s, SOL_IRLMP, opt, (char *)&v, sizeof(v));
    int e = r ? WSAGetLastError() : 0;
    if (e != want)
        fail_msg("%s=%d %s: expected error %d, got %d (rc %d)", name, v, when, want, e, r);
}

/* Never accepted and ignored: on fails, the socket reports off, off is fine. */
static void modes_on_fail_noprotoopt(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAYSIZE(modes); i++) {
        SOCKADDR_IRDA a;
        int v = -1, len = sizeof(v);
        SOCKET s = irda_socket();
        assert_true(s != INVALID_SOCKET);
        expect_set(s, modes[i].opt, TRUE, WSAENOPROTOOPT, modes[i].name, "before bind");
        assert_wsa_ok(getsockopt(s, SOL_IRLMP, modes[i].opt, (char *)&v, &len));
        if (v != 0 || len != sizeof(int))
            fail_msg("%s reads %d (len %d) after a refused set", modes[i].name, v, len);
        expect_set(s, modes[i].opt, FALSE, 0, modes[i].name, "before bind");
        assert_wsa_ok(bind(s, (struct sockaddr *)&a, irda_addr(&a, "CeModesSvc")));
        expect_set(s, modes[i].opt, TRUE, WSAENOPROTOOPT, modes[i].name, "after bind");
        expect_set(s, modes[i].opt, FALSE, WSAEINVAL, modes[i].name, "after bind");
        assert_close_ok(s);
    }
}

static void lazy_discovery_answers_from_recent_log(void **state)
{
    (void)state;
    SOCKET s = irda_socket();
    assert_true(s != INVALID_SOCKET);
    HANDLE child = start_idle();
    if (!child) fail_msg("the idle station did not start");
    int found = 0;
    for (double end = tu_now_ms() + 30000; !found && tu_now_ms() < end; ) {
        found = listed(s, IRLMP_ENUMDEVICES, idle_nick);
        if (found < 0) fail_msg("ENUMDEVICES: error %d", -found);
        if (!found) Sleep(200);
    }
    double t_enum0 = tu_now_ms();
    int again = listed(s, IRLMP_ENUMDEVICES, idle_nick);
    double t_enum = tu_now_ms() - t_enum0;
    TerminateProcess(child, 0);
    WaitForSingleObject(child, 10000);
    CloseHandle(child);
    if (!found || again != 1) fail_msg("\"%s\" not discovered (%d, %d)", idle_nick, found, again);

    double t0 = tu_now_ms();
    int lazy = listed(s, IRLMP_LAZY_DISCOVERY, idle_nick);
    double t_lazy = tu_now_ms() - t0;
    print_message("a discovery took %.1f ms; the lazy one after it %.1f ms, listed %d\n",
                  t_enum, t_lazy, lazy);
    assert_int_equal(lazy, 1);               /* only the log still knows the child */
    assert_true(t_lazy < t_enum / 4);        /* and nobody waited for slots */

    Sleep(3300);                             /* the log is no longer recent */
    t0 = tu_now_ms();
    lazy = listed(s, IRLMP_LAZY_DISCOVERY, idle_nick);
    t_lazy = tu_now_ms() - t0;
    print_message("after 3.3 s: lazy discovery %.1f ms, listed %d\n", t_lazy, lazy);
    assert_int_equal(lazy, 0);               /* it discovered: the child is gone */
    /* a short buffer is refused as for IRLMP_ENUMDEVICES */
    int len = 2;
    assert_wsa_fail(getsockopt(s, SOL_IRLMP, IRLMP_LAZY_DISCOVERY, list_buf, &len),
                    SOCKET_ERROR, WSAEFAULT);
    assert_close_ok(s);
}

static int group_setup(void **state)
{
    (void)state;
    if (tu_startup()) return -1;
    SOCKET s = irda_socket();
    if (s == INVALID_SOCKET) {
        printf("socket(AF_IRDA) failed: %d\n", WSAGetLastError());
        return -1;
    }
    closesocket(s);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    WSACleanup();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--idle"))
        return idle_main((DWORD)strtoul(argv[2], NULL, 10));
    identities(GetCurrentProcessId());
    station_env(my_nick, my_addr);
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(modes_on_fail_noprotoopt),
        cmocka_unit_test(lazy_discovery_answers_from_recent_log),
    };
    return cmocka_run_group_tests_name("irda_modes", tests, group_setup, group_teardown);
}
