/*
 * test_irserial.c - AF_IRDA sockets over a COM port, and the port unplugged.
 *
 * Two stations whose medium is a serial port (CEWS2_IRDA_MEDIUM=COMn): this
 * program on one end of a socat pty pair (serialcable.h), a copy of itself
 * ("--serial-child") on the other, serving "SerialSvc" (it reads and checks
 * every byte until the connection ends).  The test discovers the child over
 * the cable, connects, and sends without pause; then the cable is pulled:
 * the sender must fail with a reset or timeout code within the
 * link-disconnect time (no hang); with the cable back, discovery must list
 * the child again and a new connection must carry data (issue 5, "a COM
 * port unplugged").
 *
 * Skipped when socat is missing or WINEPREFIX is unset (run it through
 * wine-tests/run.sh).  A watchdog turns a hang into a failure (exit 3).
 */
#include "testutil.h"
#include "serialcable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SVC_SERIAL      "SerialSvc"
#define LINK_DISC_MS    12000.0     /* what two ce-winsock stations negotiate */
#define SLACK_MS        3000.0

static struct tu_cable cable;
static int cable_ok;
static char child_nick[24];
static HANDLE child;
static unsigned char child_id[4];


static void station_env(unsigned com, const char *nick, unsigned long addr)
{
    char v[32];
    snprintf(v, sizeof(v), "COM%u", com);
    tu_set_env("CEWS2_IRDA_MEDIUM", v);
    tu_set_env("CEWS2_IRDA_NICKNAME", nick);
    snprintf(v, sizeof(v), "0x%08lX", addr);
    tu_set_env("CEWS2_IRDA_DEVICE_ADDRESS", v);
}

/* ---- watchdog ------------------------------------------------------------- */

static volatile double wd_deadline;
static char wd_what[160];

static DWORD WINAPI wd_thread(void *arg)
{
    (void)arg;
    for (;;) {
        Sleep(250);
        if (wd_deadline > 0 && tu_now_ms() > wd_deadline) {
            printf("WATCHDOG: no progress: %s\n", wd_what);
            fflush(stdout);
            if (child) TerminateProcess(child, 0);
            tu_cable_done(&cable);
            TerminateProcess(GetCurrentProcess(), 3);
        }
    }
    return 0;
}

static void wd_arm(double seconds, const char *what)
{
    snprintf(wd_what, sizeof(wd_what), "%s", what);
    wd_deadline = tu_now_ms() + seconds * 1000;
}

/* ---- the child: a station serving SerialSvc ----------------------------------- */

static DWORD WINAPI child_serve(void *arg)
{
    SOCKET s = (SOCKET)(ULONG_PTR)arg;
    static __thread char buf[8192];
    unsigned long long got = 0;
    for (;;) {
        int n = recv(s, buf, sizeof(buf), 0);
        if (n <= 0)
            break;
        if (tu_check(buf, got, (size_t)n) != (size_t)-1) {
            printf("serial child: pattern broken at %llu\n", got);
            break;
        }
        got += (unsigned long long)n;
    }
    closesocket(s);
    return 0;
}

static int child_main(DWORD ppid)
{
    SOCKADDR_IRDA a;
    char evname[64];
    if (tu_startup()) return 10;
    SOCKET l = socket(AF_IRDA, SOCK_STREAM, 0);
    if (l == INVALID_SOCKET) { printf("serial child: socket: %d\n", WSAGetLastError()); return 11; }
    memset(&a, 0, sizeof(a));
    a.irdaAddressFamily = AF_IRDA;
    strcpy(a.irdaServiceName, SVC_SERIAL);
    if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4)) {
        printf("serial child: bind/listen: %d\n", WSAGetLastError());
        return 12;
    }
    snprintf(evname, sizeof(evname), "cews2-irserial-%lu", (unsigned long)ppid);
    HANDLE ev = OpenEventA(EVENT_MODIFY_STATE, FALSE, evname);
    if (ev) { SetEvent(ev); CloseHandle(ev); }
    for (;;) {
        SOCKET s = accept(l, NULL, NULL);
        if (s == INVALID_SOCKET) { Sleep(50); continue; }
        HANDLE t = CreateThread(NULL, 0, child_serve, (void *)(ULONG_PTR)s, 0, NULL);
        if (t) CloseHandle(t); else closesocket(s);
    }
}

/* ---- the parent --------------------------------------------------------------- */

/* Discovers the child over the cable (up to ms). */
static int discover_child(DWORD ms)
{
    char buf[sizeof(DEVICELIST) + 8 * sizeof(IRDA_DEVICE_INFO)];
    DEVICELIST *dl = (DEVICELIST *)buf;
    double end = tu_now_ms() + ms;
    SOCKET s = socket(AF_IRDA, SOCK_STREAM, 0);
    int found = 0;
    while (!found && tu_now_ms() < end) {
        int len = sizeof(buf);
        if (getsockopt(s, SOL_IRLMP, IRLMP_ENUMDEVICES, buf, &len) == 0)
            for (ULONG d = 0; d < dl->numDevice && !found; d++)
                if (!strncmp(dl->Device[d].irdaDeviceName, child_nick, sizeof(dl->Device[d].irdaDeviceName))) {
                    memcpy(child_id, dl->Device[d].irdaDeviceID, 4);
                    found = 1;
                }
        if (!found) Sleep(200);
    }
    closesocket(s);
    return found;
}

static SOCKET connect_child(int *err)
{
    SOCKADDR_IRDA a;
    SOCKET s = socket(AF_IRDA, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.irdaAddressFamily = AF_IRDA;
    memcpy(a.irdaDeviceID, child_id, 4);
    strcpy(a.irdaServiceName, SVC_SERIAL);
    if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
        *err = WSAGetLastError();
        closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

static int group_setup(void **state)
{
    (void)state;
    char evname[64];
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 64];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD pid = GetCurrentProcessId();

    CloseHandle(CreateThread(NULL, 0, wd_thread, NULL, 0, NULL));
    if (tu_cable_init(&cable, 140) != 0) {
        printf("socat or WINEPREFIX missing: the serial tests are skipped\n");
        return 0;
    }
    tu_cable_plug(&cable);
    wd_arm(60, "plug the cable, start the child station");
    /* the ports exist once socat has made the links */
    char link[MAX_PATH];
    snprintf(link, sizeof(link), "\\\\.\\COM%u", cable.b);
    for (double end = tu_now_ms() + 15000; tu_now_ms() < end; Sleep(100)) {
        HANDLE h = CreateFileA(link, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (h != INVALID_HANDLE_VALUE) { CloseHandle(h); break; }
    }
    snprintf(child_nick, sizeof(child_nick), "cews-S%lu", (unsigned long)(pid % 100000));
    snprintf(evname, sizeof(evname), "cews2-irserial-%lu", (unsigned long)pid);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, evname);
    char capture[MAX_PATH] = "";
    GetEnvironmentVariableA("CEWS2_IRDA_CAPTURE", capture, sizeof(capture));
    tu_set_env("CEWS2_IRDA_CAPTURE", NULL);        /* only this station captures */
    station_env(cable.b, child_nick, 0x5F000000ul | ((pid & 0xFFFFul) << 8) | 0x22);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" --serial-child %lu", exe, (unsigned long)pid);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        CloseHandle(pi.hThread);
        child = pi.hProcess;
        HANDLE both[2] = { ev, child };
        if (WaitForMultipleObjects(2, both, FALSE, 30000) != WAIT_OBJECT_0)
            printf("the child station did not come up\n");
        else
            cable_ok = 1;
    }
    CloseHandle(ev);
    if (capture[0]) tu_set_env("CEWS2_IRDA_CAPTURE", capture);
    /* this station: the other end of the cable */
    char nick[24];
    snprintf(nick, sizeof(nick), "cews-T%lu", (unsigned long)(pid % 100000));
    station_env(cable.a, nick, 0x5F000000ul | ((pid & 0xFFFFul) << 8) | 0x11);
    if (tu_startup()) return -1;
    wd_deadline = 0;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (child) { TerminateProcess(child, 0); WaitForSingleObject(child, 5000); CloseHandle(child); }
    WSACleanup();
    tu_cable_done(&cable);
    return 0;
}

static void unplugged_port_resets_then_recovers(void **state)
{
    (void)state;
    if (!cable_ok) {
        print_message("no serial cable (socat) or no child station: skipped\n");
        skip();
    }
    wd_arm(60, "discover the child over the cable");
    assert_true(discover_child(30000));
    int e = 0;
    struct tu_pusher p;
    memset(&p, 0, sizeof(p));
    p.chunk = 2048;
    wd_arm(60, "connect over the cable");
    p.s = connect_child(&e);
    if (p.s == INVALID_SOCKET) fail_msg("connect over the cable: %d", e);
    HANDLE t = CreateThread(NULL, 0, tu_push_thread, &p, 0, NULL);
    Sleep(1500);
    unsigned long long before = p.sent;
    assert_true(before > 0);
    assert_int_equal(p.err, 0);

    /* pull the cable */
    wd_arm(LINK_DISC_MS / 1000 + 30, "the sender after the cable was pulled");
    double t0 = tu_now_ms();
    assert_int_equal(tu_cable_unplug(&cable), 0);
    DWORD w = WaitForSingleObject(t, (DWORD)(LINK_DISC_MS + SLACK_MS + 10000));
    if (w != WAIT_OBJECT_0) {
        p.stop = 1;
        closesocket(p.s);
        WaitForSingleObject(t, 10000);
        fail_msg("the sender neither failed nor returned %.0f s after the cable was pulled",
                 (tu_now_ms() - t0) / 1000);
    }
    CloseHandle(t);
    double took = p.failed_at - t0;
    print_message("cable pulled after %llu bytes: send failed with %d after %.0f ms\n", before, p.err, took);
    if (p.err != WSAECONNRESET && p.err != WSAETIMEDOUT && p.err != WSAECONNABORTED)
        fail_msg("send failed with %d: expected a reset or timeout code", p.err);
    assert_true(took < LINK_DISC_MS + SLACK_MS);
    assert_int_equal(closesocket(p.s), 0);

    /* plug it back in */
    wd_arm(90, "discover and connect again with the cable back");
    t0 = tu_now_ms();
    assert_int_equal(tu_cable_plug(&cable), 0);
    assert_true(discover_child(60000));
    print_message("cable back: the child listed again after %.0f ms\n", tu_now_ms() - t0);
    SOCKET s = connect_child(&e);
    if (s == INVALID_SOCKET) fail_msg("connect with the cable back: %d", e);
    static char data[32768];
    tu_fill(data, 0, sizeof(data));
    assert_int_equal(tu_send_all(s, data, sizeof(data)), 0);
    assert_int_equal(closesocket(s), 0);
    wd_deadline = 0;
}

/* A Medium that names neither the air nor a COM port: the station does not
 * start, so no AF_IRDA socket can be made (it does not go on the air). */
static int bogus_medium_main(void)
{
    tu_set_env("CEWS2_IRDA_MEDIUM", "serial-port-one");
    if (tu_startup()) return 10;
    SOCKET s = socket(AF_IRDA, SOCK_STREAM, 0);
    int e = s == INVALID_SOCKET ? WSAGetLastError() : 0;
    printf("socket(AF_IRDA) with Medium \"serial-port-one\": %s, error %d\n",
           s == INVALID_SOCKET ? "INVALID_SOCKET" : "a socket", e);
    if (s != INVALID_SOCKET) closesocket(s);
    WSACleanup();
    return e;
}

static void medium_misspelt_is_an_error(void **state)
{
    (void)state;
    char *out = NULL;
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 32];
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" --bogus-medium", exe);
    int code = tu_run_capture(cmd, NULL, NULL, &out, 60000);
    print_message("%s", out ? out : "");
    free(out);
    assert_int_equal(code, WSAENETDOWN);        /* the provider could not start its medium */
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--serial-child"))
        return child_main((DWORD)strtoul(argv[2], NULL, 10));
    if (argc >= 2 && !strcmp(argv[1], "--bogus-medium"))
        return bogus_medium_main();
    tu_main_init(argc, argv);
    setvbuf(stdout, NULL, _IONBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(medium_misspelt_is_an_error),
        cmocka_unit_test(unplugged_port_resets_then_recovers),
    };
    return cmocka_run_group_tests_name("irserial", tests, group_setup, group_teardown);
}
