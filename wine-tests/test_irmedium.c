/*
 * test_irmedium.c - the loopback air's hub under Wine (irda/medium,
 * irair.exe): stations hear every piece of every other station in order
 * and never their own, the hub starts on demand and leaves when idle, a
 * second hub on a taken port exits, two processes racing to start it share
 * one, and a hub killed or frozen mid-traffic costs the stations their air
 * only for a while.  The medium's other suites: test_irmedium_conditions
 * (loss, range, line rate), _serial (the COM backend), _hostile (clients
 * that misbehave), _config (settings) and _path (the ring and the hub
 * relay).  Each test has a private port (irmedium/station.h).
 *
 * The program is also its own child station: `test_irmedium.exe
 * --irmed-child PORT INDEX` (used by the start race test), and a station
 * that starts the hub and leaves at once: `test_irmedium.exe --irmed-first
 * PORT IDLE_S MS close|exit|terminate` (wine-tests/irda_hub.sh: the hub it
 * started must not hold its output open or outlive its idle time).
 */
#include "irmedium/station.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- air: fan-out, order, never back to the sender ------------------------- */

#define FAN_N      4
#define FAN_PIECES 300


static void air_fanout(void **state)
{
    (void)state;
    unsigned short port = test_port(1);
    static struct station st[FAN_N];
    struct irmed_config c;
    uint8_t b[256];
    for (int k = 0; k < FAN_N; k++) {
        air_config(&c, port, 0x1000u + (uint32_t)k);
        assert_int_equal(st_open(&st[k], &c), 0);
    }
    wait_ready_all(st, FAN_N);
    assert_true(wait_stations(port, FAN_N, 10000));

    HANDLE th[FAN_N];
    static struct sender_arg args[FAN_N];
    for (int k = 0; k < FAN_N; k++) {
        args[k] = (struct sender_arg){ &st[k], (unsigned)k, FAN_PIECES, 0, NULL };
        th[k] = CreateThread(NULL, 0, sender_main, &args[k], 0, NULL);
    }
    WaitForMultipleObjects(FAN_N, th, TRUE, 30000);
    for (int k = 0; k < FAN_N; k++) CloseHandle(th[k]);

    size_t total[FAN_N] = { 0 }, all = 0;
    for (int k = 0; k < FAN_N; k++) {
        for (uint32_t i = 0; i < FAN_PIECES; i++)
            total[k] += make_piece(b, (unsigned)k, i);
        all += total[k];
    }
    for (int k = 0; k < FAN_N; k++) {
        size_t want = all - total[k];
        if (!st_wait_bytes(&st[k], want, 30000))
            fail_msg("station %d heard %lu of %lu bytes", k, (unsigned long)st_bytes(&st[k]), (unsigned long)want);
    }
    Sleep(300);     /* anything extra (an echo) would show now */
    for (int k = 0; k < FAN_N; k++) {
        size_t np;
        uint8_t *copy;
        struct piece *v = st_pieces(&st[k], &np, &copy);
        uint32_t next[FAN_N] = { 0 };
        for (size_t i = 0; i < np; i++) {
            unsigned from;
            uint32_t seq;
            if (!check_piece(v[i].p, v[i].n, &from, &seq) || from >= FAN_N)
                fail_msg("station %d: piece %lu (%lu bytes) is corrupt", k, (unsigned long)i, (unsigned long)v[i].n);
            if ((int)from == k)
                fail_msg("station %d heard its own piece %lu", k, (unsigned long)seq);
            if (seq != next[from])
                fail_msg("station %d: from %u got seq %lu, expected %lu", k, from,
                         (unsigned long)seq, (unsigned long)next[from]);
            next[from]++;
        }
        for (int f = 0; f < FAN_N; f++)
            assert_int_equal(next[f], f == k ? 0 : FAN_PIECES);
        tu_log("station %d heard %lu pieces, %lu bytes", k, (unsigned long)np, (unsigned long)st_bytes(&st[k]));
        free(v);
        free(copy);
    }
    for (int k = 0; k < FAN_N; k++) {
        struct irmed_stats s;
        irmed_get_stats(st[k].m, &s);
        assert_int_equal(s.tx_dropped, 0);
        assert_int_equal(s.tx_bytes, total[k]);
        st_close(&st[k]);
    }
}

/* ---- air: the hub starts on demand and exits when idle --------------------- */

static void air_hub_on_demand(void **state)
{
    (void)state;
    unsigned short port = test_port(2);
    char text[512];
    static struct station s;
    struct irmed_config c;
    struct irmed_stats stats;

    assert_int_not_equal(irmed_air_status(NULL, port, text, sizeof(text)), 0);  /* nothing there */
    air_config(&c, port, 0x2001);
    c.hub_idle_s = 2;
    assert_int_equal(st_open(&s, &c), 0);
    assert_int_equal(irmed_wait_ready(s.m, 30000), 0);
    irmed_get_stats(s.m, &stats);
    assert_int_equal(stats.hub_starts, 1);
    assert_int_not_equal(stats.hub_pid, 0);
    assert_int_equal(stats.connects, 1);
    assert_int_equal(stats.up, 1);
    assert_int_equal(s.ups, 1);
    assert_int_equal(irmed_air_status(NULL, port, text, sizeof(text)), 0);
    tu_log("status: %s", text);
    assert_non_null(strstr(text, "addr=0x00002001"));
    assert_non_null(strstr(text, "nick=st-00002001"));

    HANDLE hub = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, stats.hub_pid);
    assert_non_null(hub);
    assert_int_equal(WaitForSingleObject(hub, 0), WAIT_TIMEOUT);
    double t0 = tu_now_ms();
    st_close(&s);
    /* idle 2 s, then gone */
    assert_int_equal(WaitForSingleObject(hub, 20000), WAIT_OBJECT_0);
    double idle = tu_now_ms() - t0;
    DWORD code = 99;
    GetExitCodeProcess(hub, &code);
    CloseHandle(hub);
    tu_log("hub exited %lu after %.0f ms idle", (unsigned long)code, idle);
    assert_int_equal(code, 0);
    assert_true(idle >= 1500);
    assert_int_not_equal(irmed_air_status(NULL, port, text, sizeof(text)), 0);
}

/* ---- air: a second hub on a taken port exits at once ---------------------- */

/* The whole of a small text file ("" if there is none). */
static void read_text(const char *path, char *text, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(text, 1, size - 1, f) : 0;
    text[n] = 0;
    if (f)
        fclose(f);
}

/* Both hubs log to one file: under Wine the hub keeps the port to itself
 * with SO_REUSEADDR (irair.c says why; SO_EXCLUSIVEADDRUSE is Windows'
 * choice, which cannot be seen here). */
static void air_second_hub_exits(void **state)
{
    (void)state;
    unsigned short port = test_port(3);
    HANDLE a, b;
    char text[512];
    static char log[4096];
    const char *log_path = "air_second_hub.log";
    DeleteFileA(log_path);
    assert_int_equal(start_hub_proc(port, "--idle 3 --log air_second_hub.log", &a), 0);
    double end = tu_now_ms() + 20000;
    while (irmed_air_status(NULL, port, text, sizeof(text)) != 0) {
        assert_true(tu_now_ms() < end);
        Sleep(50);
    }
    assert_int_equal(start_hub_proc(port, "--idle 3 --log air_second_hub.log", &b), 0);
    assert_int_equal(WaitForSingleObject(b, 20000), WAIT_OBJECT_0);
    DWORD code = 0;
    GetExitCodeProcess(b, &code);
    assert_int_equal(code, 3);          /* AIR_EXIT_PORT_BUSY */
    assert_int_equal(WaitForSingleObject(a, 0), WAIT_TIMEOUT);   /* the first one is unharmed */
    assert_int_equal(irmed_air_quit(NULL, port), 0);
    assert_int_equal(WaitForSingleObject(a, 10000), WAIT_OBJECT_0);
    CloseHandle(a);
    CloseHandle(b);
    read_text(log_path, log, sizeof(log));
    tu_print_indented("hub log", log);
    assert_non_null(strstr(log, "with SO_REUSEADDR (Wine)"));
    assert_non_null(strstr(log, "busy"));
    assert_null(strstr(log, "SO_EXCLUSIVEADDRUSE"));
    DeleteFileA(log_path);
}

/* ---- air: kill the hub mid-traffic ------------------------------------------ */

/* The last seq heard from sender 0 (pieces must come in increasing order). */
static uint32_t last_seq(struct station *s, int *ordered)
{
    size_t np;
    uint8_t *copy;
    struct piece *v = st_pieces(s, &np, &copy);
    uint32_t last = 0;
    int have = 0;
    *ordered = 1;
    for (size_t i = 0; i < np; i++) {
        unsigned from;
        uint32_t seq;
        if (!check_piece(v[i].p, v[i].n, &from, &seq) || from != 0) { *ordered = 0; continue; }
        if (have && seq <= last) *ordered = 0;
        last = seq;
        have = 1;
    }
    free(v);
    free(copy);
    return have ? last : 0;
}

static void air_hub_killed(void **state)
{
    (void)state;
    unsigned short port = test_port(4);
    static struct station st[3];
    struct irmed_config c;
    struct irmed_stats s0, s1;
    int ordered;

    for (int k = 0; k < 3; k++) {
        air_config(&c, port, 0x4000u + (uint32_t)k);
        assert_int_equal(st_open(&st[k], &c), 0);
    }
    wait_ready_all(st, 3);
    assert_true(wait_stations(port, 3, 10000));
    irmed_get_stats(st[1].m, &s0);

    static volatile LONG stop;
    static struct sender_arg arg;
    stop = 0;
    arg = (struct sender_arg){ &st[0], 0, 0, 5, &stop };
    HANDLE th = CreateThread(NULL, 0, sender_main, &arg, 0, NULL);
    assert_true(st_wait_bytes(&st[1], 2000, 10000));
    assert_true(st_wait_bytes(&st[2], 2000, 10000));

    HANDLE hub = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, s0.hub_pid);
    assert_non_null(hub);
    assert_true(TerminateProcess(hub, 9));
    assert_int_equal(WaitForSingleObject(hub, 10000), WAIT_OBJECT_0);
    CloseHandle(hub);
    double t_kill = tu_now_ms();
    uint32_t at_kill1 = last_seq(&st[1], &ordered), at_kill2 = last_seq(&st[2], &ordered);

    /* traffic resumes: both hear pieces well past the kill */
    double end = t_kill + 30000;
    for (;;) {
        uint32_t l1 = last_seq(&st[1], &ordered);
        assert_true(ordered);
        uint32_t l2 = last_seq(&st[2], &ordered);
        assert_true(ordered);
        if (l1 > at_kill1 + 50 && l2 > at_kill2 + 50)
            break;
        if (tu_now_ms() > end)
            fail_msg("no traffic after the hub was killed (%lu/%lu -> %lu/%lu)",
                     (unsigned long)at_kill1, (unsigned long)at_kill2, (unsigned long)l1, (unsigned long)l2);
        Sleep(50);
    }
    tu_log("traffic resumed %.0f ms after the kill", tu_now_ms() - t_kill);
    stop = 1;
    WaitForSingleObject(th, 10000);
    CloseHandle(th);
    irmed_get_stats(st[1].m, &s1);
    assert_true(s1.connects >= 2);
    assert_int_not_equal(s1.hub_pid, 0);
    assert_int_not_equal(s1.hub_pid, s0.hub_pid);
    assert_true(st[1].downs >= 1);
    for (int k = 0; k < 3; k++)
        st_close(&st[k]);
}

/* ---- air: the hub frozen ------------------------------------------------------ */

/*
 * A frozen hub (all its threads suspended: it holds the port and reads
 * nothing): a sender must not block for good (the station's own thread
 * sends on the unshaped air).  Each irmed_send returns within the send
 * timeout (2 s) + slack, the station reports the air down, and once the
 * hub runs again the stations are back and bytes flow.  On the hub path
 * (Path=hub), where the sends go to the hub: on the ring they never touch
 * it (test_irmedium_path.c, ring_hub_frozen).
 */
static void air_hub_frozen(void **state)
{
    (void)state;
    typedef LONG (WINAPI *process_fn)(HANDLE);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    process_fn suspend = (process_fn)(void *)GetProcAddress(ntdll, "NtSuspendProcess");
    process_fn resume = (process_fn)(void *)GetProcAddress(ntdll, "NtResumeProcess");
    if (!suspend || !resume) {
        print_message("no NtSuspendProcess: skipped\n");
        skip();
    }
    unsigned short port = test_port(10);
    static struct station st[2];
    struct irmed_config c;
    struct irmed_stats s0;
    for (int k = 0; k < 2; k++) {
        air_config(&c, port, 0x4900u + (uint32_t)k);
        c.air_ring = 0;
        assert_int_equal(st_open(&st[k], &c), 0);
    }
    wait_ready_all(st, 2);
    assert_true(wait_stations(port, 2, 10000));
    irmed_get_stats(st[0].m, &s0);
    {
        char text[1024];
        if (irmed_air_status(NULL, port, text, sizeof(text)) == 0)
            print_message("hub on %u (station says pid %lu): %s", port, (unsigned long)s0.hub_pid, text);
    }
    HANDLE hub = OpenProcess(PROCESS_SUSPEND_RESUME | PROCESS_TERMINATE, FALSE, s0.hub_pid);
    assert_non_null(hub);
    assert_int_equal(suspend(hub), 0);

    static uint8_t piece[65000];
    memset(piece, 0x5A, sizeof(piece));
    double t0 = tu_now_ms(), longest = 0;
    unsigned sent = 0;
    while (st_downs(&st[0]) < 1 && tu_now_ms() - t0 < 30000 && sent < 2000) {
        double a = tu_now_ms();
        irmed_send(st[0].m, piece, sizeof(piece));
        double took = tu_now_ms() - a;
        if (took > longest) longest = took;
        sent++;
    }
    while (st_downs(&st[0]) < 1 && tu_now_ms() - t0 < 30000)
        Sleep(20);
    print_message("frozen hub: %u pieces of 65000 bytes sent, the air down after %.0f ms, longest send %.0f ms\n",
                  sent, tu_now_ms() - t0, longest);
    assert_int_equal(resume(hub), 0);
    assert_true(st_downs(&st[0]) >= 1);
    assert_true(longest < 4000);

    /* the hub runs again: the stations come back and hear each other */
    double end = tu_now_ms() + 20000;
    while (st_ups(&st[0]) < 2 && tu_now_ms() < end)
        Sleep(50);
    assert_true(st_ups(&st[0]) >= 2);
    assert_true(wait_stations(port, 2, 10000));
    size_t had = st_bytes(&st[1]);
    assert_int_equal(irmed_send(st[0].m, "thawed", 6), 0);
    assert_true(st_wait_bytes(&st[1], had + 6, 10000));
    CloseHandle(hub);
    for (int k = 0; k < 2; k++)
        st_close(&st[k]);
}

/* ---- air: several processes race to start the hub -------------------------- */

#define RACE_PIECES 50

static int child_main(unsigned short port, unsigned idx)
{
    static struct station s;
    struct irmed_config c;
    air_config(&c, port, 0x9000u + idx);
    if (tu_startup() != 0) return 10;
    if (st_open(&s, &c) != 0) return 11;
    if (irmed_wait_ready(s.m, 30000) != 0) return 12;
    /* wait for the parent's GO (a piece from sender 0xFF, seq 0xFFFFFFFF) */
    double end = tu_now_ms() + 30000;
    for (;;) {
        size_t np;
        uint8_t *copy;
        struct piece *v = st_pieces(&s, &np, &copy);
        int go = 0;
        for (size_t i = 0; i < np; i++)
            if (v[i].n == 2 && !memcmp(v[i].p, "GO", 2)) go = 1;
        free(v); free(copy);
        if (go) break;
        if (tu_now_ms() > end) return 13;
        WaitForSingleObject(s.got, 100);
    }
    uint8_t b[256];
    for (uint32_t i = 0; i < RACE_PIECES; i++)
        if (irmed_send(s.m, b, make_piece(b, idx, i)) != 0) return 14;
    /* hear the other child's and the parent's pieces, in order */
    size_t want = 2;
    for (uint32_t i = 0; i < RACE_PIECES; i++)
        want += make_piece(b, 3 - idx, i) + make_piece(b, 0, i);
    if (!st_wait_bytes(&s, want, 30000)) return 15;
    size_t np;
    uint8_t *copy;
    struct piece *v = st_pieces(&s, &np, &copy);
    uint32_t next[4] = { 0 };
    for (size_t i = 0; i < np; i++) {
        unsigned from;
        uint32_t seq;
        if (v[i].n == 2) continue;     /* GO */
        if (!check_piece(v[i].p, v[i].n, &from, &seq) || from > 3 || from == idx) return 16;
        if (seq != next[from]++) return 17;
    }
    free(v); free(copy);
    Sleep(500);     /* let the parent hear us before the air goes */
    st_close(&s);
    WSACleanup();
    return 0;
}

static void air_start_race(void **state)
{
    (void)state;
    unsigned short port = test_port(9);
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 64];
    HANDLE child[2];
    char text[256];
    assert_int_not_equal(irmed_air_status(NULL, port, text, sizeof(text)), 0);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    for (int i = 0; i < 2; i++) {
        STARTUPINFOW si;
        memset(&si, 0, sizeof(si));
        si.cb = sizeof(si);
        PROCESS_INFORMATION pi;
        _snwprintf(cmd, sizeof(cmd) / sizeof(WCHAR), L"\"%ls\" --irmed-child %u %d", exe, port, i + 1);
        assert_true(CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        CloseHandle(pi.hThread);
        child[i] = pi.hProcess;
    }
    static struct station s;
    struct irmed_config c;
    air_config(&c, port, 0x9000);
    assert_int_equal(st_open(&s, &c), 0);
    assert_int_equal(irmed_wait_ready(s.m, 30000), 0);
    assert_true(wait_stations(port, 3, 30000));
    assert_int_equal(irmed_send(s.m, "GO", 2), 0);
    uint8_t b[256];
    for (uint32_t i = 0; i < RACE_PIECES; i++)
        assert_int_equal(irmed_send(s.m, b, make_piece(b, 0, i)), 0);
    assert_int_equal(WaitForMultipleObjects(2, child, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 2; i++) {
        DWORD code = 99;
        GetExitCodeProcess(child[i], &code);
        CloseHandle(child[i]);
        if (code != 0)
            fail_msg("child %d failed with %lu", i + 1, (unsigned long)code);
    }
    size_t want = 0;
    for (uint32_t i = 0; i < RACE_PIECES; i++)
        want += make_piece(b, 1, i) + make_piece(b, 2, i);
    assert_true(st_wait_bytes(&s, want, 10000));
    struct irmed_stats st;
    irmed_get_stats(s.m, &st);
    assert_int_equal(st.connects, 1);        /* nobody lost the hub in the race */
    st_close(&s);
}

/* A first station that leaves MS ms after opening the medium (which starts
 * the hub on a free port), with irmed_close ("close"), straight out of
 * the process ("exit", as a program that never calls WSACleanup) or killed
 * ("terminate": TerminateProcess, as a watchdog or a debugger ends it). */
static int first_station_main(unsigned short port, unsigned idle_s, DWORD ms, int close_it)
{
    static struct station s;
    struct irmed_config c;
    air_config(&c, port, 0x7100u + (GetCurrentProcessId() & 0xFF));
    c.hub_idle_s = idle_s;
    if (tu_startup() != 0) return 10;
    if (st_open(&s, &c) != 0) return 11;
    DWORD up = irmed_wait_ready(s.m, ms);
    struct irmed_stats st;
    irmed_get_stats(s.m, &st);
    printf("first station: port %u, %s after %lu ms, hub pid %lu, hubs started %lu\n", (unsigned)port,
           up == 0 ? "up" : "not up", (unsigned long)ms, (unsigned long)st.hub_pid,
           (unsigned long)st.hub_starts);
    fflush(stdout);
    if (close_it == 2)
        TerminateProcess(GetCurrentProcess(), 0);  /* as a killed station: no loader lock taken */
    if (!close_it)
        ExitProcess(0);
    st_close(&s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && !strcmp(argv[1], "--irmed-first")) {
        setvbuf(stdout, NULL, _IONBF, 0);
        return first_station_main((unsigned short)atoi(argv[2]), (unsigned)atoi(argv[3]),
                                  (DWORD)atoi(argv[4]),
                                  !strcmp(argv[5], "close") ? 1 : !strcmp(argv[5], "terminate") ? 2 : 0);
    }
    if (argc >= 4 && !strcmp(argv[1], "--irmed-child")) {
        setvbuf(stdout, NULL, _IONBF, 0);
        int rc = child_main((unsigned short)atoi(argv[2]), (unsigned)atoi(argv[3]));
        if (rc) printf("irmedium child %s: failed with %d\n", argv[3], rc);
        return rc;
    }
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(air_fanout, station_teardown),
        cmocka_unit_test_teardown(air_hub_on_demand, station_teardown),
        cmocka_unit_test_teardown(air_second_hub_exits, station_teardown),
        cmocka_unit_test_teardown(air_start_race, station_teardown),
        cmocka_unit_test_teardown(air_hub_killed, station_teardown),
        cmocka_unit_test_teardown(air_hub_frozen, station_teardown),
    };
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
