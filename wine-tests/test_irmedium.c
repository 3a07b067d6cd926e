/*
 * test_irmedium.c - the IrDA medium (irda/medium) under Wine: the loopback
 * air through its hub irair.exe, and the serial backend over a socat pty
 * pair.  Every air test uses a private port of its own, so hubs of earlier
 * tests (which linger a few seconds) never interfere.
 *
 * The program is also its own child station: `test_irmedium.exe
 * --irmed-child PORT INDEX` (used by the start race test), and a station
 * that starts the hub and leaves at once: `test_irmedium.exe --irmed-first
 * PORT IDLE_S MS close|exit` (wine-tests/irda_hub.sh: the hub it started
 * must not hold its output open or outlive its idle time).
 */
#include "testutil.h"
#include "serialcable.h"
#include "medium.h"
#include "airproto.h"
#include "airkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a station with a recording receive callback -------------------------- */

struct station {
    irmed_t *m;
    CRITICAL_SECTION lock;
    HANDLE got;                 /* auto reset: something arrived */
    uint8_t *buf;               /* pieces as [u16 len][bytes]... */
    size_t len, cap;
    size_t bytes, pieces;
    int ups, downs;
};

static void st_rx(void *ctx, const uint8_t *p, size_t n)
{
    struct station *s = ctx;
    EnterCriticalSection(&s->lock);
    if (s->len + n + 2 > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->len + n + 2) cap *= 2;
        s->buf = realloc(s->buf, cap);
        s->cap = cap;
    }
    s->buf[s->len] = (uint8_t)(n >> 8);
    s->buf[s->len + 1] = (uint8_t)n;
    memcpy(s->buf + s->len + 2, p, n);
    s->len += n + 2;
    s->bytes += n;
    s->pieces++;
    LeaveCriticalSection(&s->lock);
    SetEvent(s->got);
}

static void st_event(void *ctx, int ev, uint32_t detail)
{
    struct station *s = ctx;
    (void)detail;
    EnterCriticalSection(&s->lock);
    if (ev == IRMED_EV_UP) s->ups++; else s->downs++;
    LeaveCriticalSection(&s->lock);
}

static unsigned short test_port(int k)
{
    /* distinct per process (and program path: tu_program_hash) and per
     * test, away from 6417 */
    return (unsigned short)(20000 + (GetCurrentProcessId() * 37u + tu_program_hash() + (unsigned)k * 1009u) % 30000u);
}

static void air_config(struct irmed_config *c, unsigned short port, uint32_t addr)
{
    irmed_config_default(c);
    c->air_port = port;
    c->device_address = addr;
    snprintf(c->nickname, sizeof(c->nickname), "st-%08lx", (unsigned long)addr);
    c->hub_idle_s = 3;
    /* the medium is linked into this program, whose folder has no hub: the
     * prefix's one, by full path (stations never search for it) */
    UINT n = GetSystemDirectoryW(c->hub_path, MAX_PATH);
    if (n && n + 11 < MAX_PATH)
        wcscat(c->hub_path, L"\\irair.exe");
}

/* Stations still open when a test fails are closed by the teardown (they
 * live in static storage, so their threads never see a dead stack frame). */
static struct station *open_stations[32];
static volatile LONG stop_senders;

static DWORD st_open(struct station *s, const struct irmed_config *c)
{
    memset(s, 0, sizeof(*s));
    InitializeCriticalSection(&s->lock);
    s->got = CreateEventW(NULL, FALSE, FALSE, NULL);
    for (int i = 0; i < 32; i++)
        if (!open_stations[i]) { open_stations[i] = s; break; }
    struct irmed_callbacks cb = { s, st_rx, st_event };
    return irmed_open(c, &cb, &s->m);
}

static void st_close(struct station *s)
{
    for (int i = 0; i < 32; i++)
        if (open_stations[i] == s) open_stations[i] = NULL;
    if (s->m) irmed_close(s->m);
    s->m = NULL;
    CloseHandle(s->got);
    DeleteCriticalSection(&s->lock);
    free(s->buf);
    s->buf = NULL;
}

static size_t st_bytes(struct station *s)
{
    EnterCriticalSection(&s->lock);
    size_t n = s->bytes;
    LeaveCriticalSection(&s->lock);
    return n;
}

/* Waits until the station has heard at least n bytes; 1 if so. */
/* Up and down events seen by a station (under its lock). */
static int st_ups(struct station *s)
{
    EnterCriticalSection(&s->lock);
    int n = s->ups;
    LeaveCriticalSection(&s->lock);
    return n;
}
static int st_downs(struct station *s)
{
    EnterCriticalSection(&s->lock);
    int n = s->downs;
    LeaveCriticalSection(&s->lock);
    return n;
}

static int st_wait_bytes(struct station *s, size_t n, DWORD ms)
{
    double end = tu_now_ms() + ms;
    while (st_bytes(s) < n) {
        double left = end - tu_now_ms();
        if (left <= 0) return 0;
        WaitForSingleObject(s->got, left > 100 ? 100 : (DWORD)left + 1);
    }
    return 1;
}

/* Copies out the pieces heard so far; *count gets their number. */
struct piece { const uint8_t *p; size_t n; };
static struct piece *st_pieces(struct station *s, size_t *count, uint8_t **copy)
{
    EnterCriticalSection(&s->lock);
    *copy = malloc(s->len + 1);
    memcpy(*copy, s->buf, s->len);
    size_t len = s->len, np = s->pieces;
    LeaveCriticalSection(&s->lock);
    struct piece *v = calloc(np + 1, sizeof(*v));
    size_t k = 0;
    for (size_t off = 0; off + 2 <= len && k < np; k++) {
        size_t n = (size_t)(*copy)[off] << 8 | (*copy)[off + 1];
        v[k].p = *copy + off + 2;
        v[k].n = n;
        off += 2 + n;
    }
    *count = k;
    return v;
}

static int hub_stations(unsigned short port)
{
    char text[4096];
    int n;
    if (irmed_air_status(NULL, port, text, sizeof(text)) != 0)
        return -1;
    const char *p = strstr(text, "stations=");
    return p && sscanf(p, "stations=%d", &n) == 1 ? n : -1;
}

static int wait_stations(unsigned short port, int n, DWORD ms)
{
    double end = tu_now_ms() + ms;
    for (;;) {
        int k = hub_stations(port);
        if (k == n) return 1;
        if (tu_now_ms() > end) {
            print_message("hub on %u has %d stations, wanted %d\n", port, k, n);
            return 0;
        }
        Sleep(50);
    }
}

static void wait_ready_all(struct station *s, int n)
{
    for (int i = 0; i < n; i++)
        if (irmed_wait_ready(s[i].m, 30000) != 0)
            fail_msg("station %d: air not ready after 30 s", i);
}

/* A piece: [u8 sender][u32 seq] then bytes derived from both. */
static size_t make_piece(uint8_t *b, unsigned sender, uint32_t seq)
{
    size_t n = 5 + (seq * 37u + sender * 11u) % 180u;
    b[0] = (uint8_t)sender;
    b[1] = (uint8_t)(seq >> 24); b[2] = (uint8_t)(seq >> 16); b[3] = (uint8_t)(seq >> 8); b[4] = (uint8_t)seq;
    for (size_t i = 5; i < n; i++)
        b[i] = (uint8_t)(sender * 31u + seq * 7u + i);
    return n;
}

static int check_piece(const uint8_t *b, size_t n, unsigned *sender, uint32_t *seq)
{
    uint8_t want[256];
    if (n < 5) return 0;
    *sender = b[0];
    *seq = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
    size_t wn = make_piece(want, *sender, *seq);
    return wn == n && !memcmp(want, b, n);
}

/* ---- air: fan-out, order, never back to the sender ------------------------- */

#define FAN_N      4
#define FAN_PIECES 300

struct sender_arg { struct station *s; unsigned id; uint32_t count; DWORD gap_ms; volatile LONG *stop; };

static DWORD WINAPI sender_main(void *p)
{
    struct sender_arg *a = p;
    uint8_t b[256];
    for (uint32_t i = 0; (!a->count || i < a->count) && !(a->stop && *a->stop) && !stop_senders; i++) {
        size_t n = make_piece(b, a->id, i);
        if (irmed_send(a->s->m, b, n) != 0)
            return 1;
        if (a->gap_ms) Sleep(a->gap_ms);
        else if (i % 50 == 49) Sleep(1);
    }
    return 0;
}

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

static DWORD start_hub_proc(unsigned short port, const char *extra, HANDLE *proc)
{
    WCHAR path[MAX_PATH], cmd[MAX_PATH + 200];
    if (!SearchPathW(NULL, L"irair.exe", NULL, MAX_PATH, path, NULL))
        return ERROR_FILE_NOT_FOUND;
    _snwprintf(cmd, sizeof(cmd) / sizeof(WCHAR), L"\"%ls\" --port %u %hs", path, port, extra);
    STARTUPINFOW si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(path, cmd, NULL, NULL, FALSE, DETACHED_PROCESS, NULL, NULL, &si, &pi))
        return GetLastError();
    CloseHandle(pi.hThread);
    *proc = pi.hProcess;
    return 0;
}

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

/* ---- air: loss ------------------------------------------------------------------ */

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

static void air_loss(void **state)
{
    (void)state;
    unsigned short port = test_port(5);
    static struct station a, b1, b2, b3;
    struct irmed_config c;
    struct irmed_stats s1, s2, s3;
    const uint32_t n = 2000;

    air_config(&c, port, 0x5001);
    assert_int_equal(st_open(&a, &c), 0);
    air_config(&c, port, 0x5002);
    c.loss = 0.25; c.seed = 12345;
    assert_int_equal(st_open(&b1, &c), 0);
    c.device_address = 0x5003;
    assert_int_equal(st_open(&b2, &c), 0);     /* same seed: the same drops */
    air_config(&c, port, 0x5004);
    c.loss = 0.10; c.loss_bytes = 1; c.seed = 99;
    assert_int_equal(st_open(&b3, &c), 0);
    assert_int_equal(irmed_wait_ready(a.m, 30000), 0);
    assert_int_equal(irmed_wait_ready(b1.m, 30000), 0);
    assert_int_equal(irmed_wait_ready(b2.m, 30000), 0);
    assert_int_equal(irmed_wait_ready(b3.m, 30000), 0);
    assert_true(wait_stations(port, 4, 10000));

    uint8_t buf[16];
    size_t sent = 0;
    for (uint32_t i = 0; i < n; i++) {
        memset(buf, 0, sizeof(buf));
        buf[0] = 0;
        buf[1] = (uint8_t)(i >> 24); buf[2] = (uint8_t)(i >> 16); buf[3] = (uint8_t)(i >> 8); buf[4] = (uint8_t)i;
        assert_int_equal(irmed_send(a.m, buf, 10), 0);
        sent += 10;
        if (i % 100 == 99) Sleep(1);
    }
    double end = tu_now_ms() + 30000;
    for (;;) {
        irmed_get_stats(b1.m, &s1);
        irmed_get_stats(b2.m, &s2);
        irmed_get_stats(b3.m, &s3);
        if (s1.rx_bytes + s1.rx_lost == sent && s2.rx_bytes + s2.rx_lost == sent &&
            s3.rx_bytes + s3.rx_lost == sent)
            break;
        if (tu_now_ms() > end)
            fail_msg("not everything arrived: %llu+%llu, %llu+%llu, %llu+%llu of %lu",
                     (unsigned long long)s1.rx_bytes, (unsigned long long)s1.rx_lost,
                     (unsigned long long)s2.rx_bytes, (unsigned long long)s2.rx_lost,
                     (unsigned long long)s3.rx_bytes, (unsigned long long)s3.rx_lost, (unsigned long)sent);
        Sleep(50);
    }
    double f1 = (double)s1.rx_lost / (double)sent, f3 = (double)s3.rx_lost / (double)sent;
    tu_log("chunk loss %.3f (want 0.25), byte loss %.3f (want 0.10)", f1, f3);
    assert_true(f1 > 0.20 && f1 < 0.30);
    assert_true(f3 > 0.08 && f3 < 0.12);
    assert_true(s1.rx_lost % 10 == 0);      /* whole pieces */
    /* the same seed dropped the same pieces */
    assert_int_equal(s1.rx_bytes, s2.rx_bytes);
    size_t n1, n2;
    uint8_t *c1, *c2;
    struct piece *v1 = st_pieces(&b1, &n1, &c1), *v2 = st_pieces(&b2, &n2, &c2);
    assert_int_equal(n1, n2);
    for (size_t i = 0; i < n1; i++)
        assert_memory_equal(v1[i].p, v2[i].p, 10);
    free(v1); free(v2); free(c1); free(c2);
    st_close(&a); st_close(&b1); st_close(&b2); st_close(&b3);
}

/* the hub's own --loss (all deliveries) */
static void air_hub_loss(void **state)
{
    (void)state;
    unsigned short port = test_port(6);
    HANDLE hub;
    char text[256];
    static struct station a, b;
    struct irmed_config c;
    struct irmed_stats s;
    assert_int_equal(start_hub_proc(port, "--idle 3 --loss 0.5 --seed 7", &hub), 0);
    double end = tu_now_ms() + 20000;
    while (irmed_air_status(NULL, port, text, sizeof(text)) != 0) {
        assert_true(tu_now_ms() < end);
        Sleep(50);
    }
    air_config(&c, port, 0x6001);
    assert_int_equal(st_open(&a, &c), 0);
    air_config(&c, port, 0x6002);
    assert_int_equal(st_open(&b, &c), 0);
    assert_int_equal(irmed_wait_ready(a.m, 30000), 0);
    assert_int_equal(irmed_wait_ready(b.m, 30000), 0);
    assert_true(wait_stations(port, 2, 10000));
    uint8_t p[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    for (int i = 0; i < 1000; i++)
        assert_int_equal(irmed_send(a.m, p, 8), 0);
    /* wait until the hub has relayed everything: its status shows tx of a */
    end = tu_now_ms() + 20000;
    for (;;) {
        assert_int_equal(irmed_air_status(NULL, port, text, sizeof(text)), 0);
        if (strstr(text, "tx=8000 "))
            break;
        assert_true(tu_now_ms() < end);
        Sleep(50);
    }
    Sleep(500);
    irmed_get_stats(b.m, &s);
    tu_log("hub loss 0.5: heard %llu of 8000 bytes", (unsigned long long)s.rx_bytes);
    assert_true(s.rx_bytes >= 3200 && s.rx_bytes <= 4800);
    assert_true(s.rx_bytes % 8 == 0);
    st_close(&a);
    st_close(&b);
    assert_int_equal(WaitForSingleObject(hub, 20000), WAIT_OBJECT_0);
    CloseHandle(hub);
}

/* ---- air: out of range -------------------------------------------------------- */

static int heard(struct station *s, const char *what)
{
    size_t np;
    uint8_t *copy;
    struct piece *v = st_pieces(s, &np, &copy);
    int found = 0;
    for (size_t i = 0; i < np; i++)
        if (v[i].n == strlen(what) && !memcmp(v[i].p, what, v[i].n)) found = 1;
    free(v);
    free(copy);
    return found;
}

static void air_out_of_range(void **state)
{
    (void)state;
    unsigned short port = test_port(7);
    static struct station st[3];
    struct irmed_config c;
    for (int k = 0; k < 3; k++) {
        air_config(&c, port, 0x7000u + (uint32_t)k);
        assert_int_equal(st_open(&st[k], &c), 0);
    }
    wait_ready_all(st, 3);
    assert_true(wait_stations(port, 3, 10000));
    struct station *A = &st[0], *B = &st[1], *C = &st[2];

    assert_int_equal(irmed_set_in_range(C->m, 0), 0);       /* acknowledged by the hub */
    assert_int_equal(irmed_send(A->m, "A1", 2), 0);
    assert_int_equal(irmed_send(C->m, "C1", 2), 0);
    assert_int_equal(irmed_send(B->m, "B1", 2), 0);
    assert_true(st_wait_bytes(B, 2, 10000));                /* B hears A1 */
    assert_true(st_wait_bytes(A, 2, 10000));                /* A hears B1 */
    Sleep(500);
    assert_true(heard(B, "A1"));
    assert_true(heard(A, "B1"));
    assert_int_equal(st_bytes(C), 0);                       /* C hears nothing */
    assert_false(heard(A, "C1"));                           /* nobody hears C */
    assert_false(heard(B, "C1"));
    char text[1024];
    assert_int_equal(irmed_air_status(NULL, port, text, sizeof(text)), 0);
    assert_non_null(strstr(text, "addr=0x00007002 range=out"));

    /* back in range, by address, from outside (a test or `irair range`) */
    uint32_t changed = 0;
    assert_int_equal(irmed_air_range(NULL, port, 0x7002, 1, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(irmed_send(A->m, "A2", 2), 0);
    assert_int_equal(irmed_send(C->m, "C2", 2), 0);
    assert_true(st_wait_bytes(C, 2, 10000));
    assert_true(st_wait_bytes(B, 6, 10000));
    assert_true(st_wait_bytes(A, 4, 10000));
    assert_true(heard(C, "A2"));
    assert_false(heard(C, "A1"));
    assert_true(heard(B, "C2"));
    assert_true(heard(A, "C2"));
    assert_false(heard(B, "C1"));

    /* and out again by address: the station's own sends are then discarded */
    assert_int_equal(irmed_air_range(NULL, port, 0x7000, 0, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(irmed_send(A->m, "A3", 2), 0);
    assert_int_equal(irmed_send(B->m, "B3", 2), 0);
    assert_true(st_wait_bytes(C, 4, 10000));
    Sleep(300);
    assert_true(heard(C, "B3"));
    assert_false(heard(C, "A3"));
    assert_false(heard(B, "A3"));
    assert_false(heard(A, "B3"));
    for (int k = 0; k < 3; k++)
        st_close(&st[k]);
}

/* ---- air: line rate emulation ------------------------------------------------- */

static double timed_transfer(struct station *a, struct station *b, size_t total, size_t piece)
{
    uint8_t buf[1024];
    size_t before = st_bytes(b);
    memset(buf, 0x5a, sizeof(buf));
    double t0 = tu_now_ms();
    for (size_t off = 0; off < total; off += piece)
        assert_int_equal(irmed_send(a->m, buf, piece), 0);
    if (!st_wait_bytes(b, before + total, 60000))
        fail_msg("transfer incomplete");
    return tu_now_ms() - t0;
}

static void air_line_rate(void **state)
{
    (void)state;
    unsigned short port = test_port(8);
    static struct station a, b;
    struct irmed_config c;
    air_config(&c, port, 0x8001);
    c.rate = IRMED_RATE_LINK;        /* pace at the link's rate, 9600 to start */
    assert_int_equal(st_open(&a, &c), 0);
    air_config(&c, port, 0x8002);
    assert_int_equal(st_open(&b, &c), 0);
    assert_int_equal(irmed_wait_ready(a.m, 30000), 0);
    assert_int_equal(irmed_wait_ready(b.m, 30000), 0);
    assert_true(wait_stations(port, 2, 10000));

    /* 2400 bytes at 9600 bit/s, 10 bits a byte: 2.5 s */
    double ms = timed_transfer(&a, &b, 2400, 100);
    tu_log("2400 B at 9600: %.0f ms (2500 expected)", ms);
    assert_true(ms > 2000 && ms < 3000);

    /* the rate IrLAP negotiated: 57600 -> 14400 bytes in 2.5 s */
    assert_int_equal(irmed_set_baud(a.m, 57600), 0);
    ms = timed_transfer(&a, &b, 14400, 400);
    tu_log("14400 B at 57600: %.0f ms (2500 expected)", ms);
    assert_true(ms > 2000 && ms < 3000);
    st_close(&a);
    st_close(&b);

    /* without emulation the same 2400 bytes take a fraction of that */
    air_config(&c, port, 0x8003);
    assert_int_equal(st_open(&a, &c), 0);
    air_config(&c, port, 0x8004);
    assert_int_equal(st_open(&b, &c), 0);
    assert_int_equal(irmed_wait_ready(a.m, 30000), 0);
    assert_int_equal(irmed_wait_ready(b.m, 30000), 0);
    assert_true(wait_stations(port, 2, 10000));
    ms = timed_transfer(&a, &b, 2400, 100);
    tu_log("2400 B unpaced: %.0f ms", ms);
    assert_true(ms < 1500);
    st_close(&a);
    st_close(&b);
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

/* ---- configuration and identity ---------------------------------------------- */

/* The medium's settings below the machine root (under HKLM) and the
 * per-user root (under HKCU): cews2.h. */
#define IRDA_KEY           CEWS2_REGISTRY_ROOT L"\\" CEWS2_IRDA_SUBKEY
#define IRDA_AIR_KEY       IRDA_KEY L"\\Air"
#define USER_IRDA_KEY      CEWS2_USER_REGISTRY_ROOT L"\\" CEWS2_IRDA_SUBKEY

static void config_and_identity(void **state)
{
    (void)state;
    struct irmed_config c;
    char nick[IRMED_NICK_MAX], want[64];
    HKEY k;

    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_AIR);
    assert_int_equal(c.air_port, 6417);
    assert_int_equal(c.baud, 9600);
    assert_int_equal(c.rate, 0);
    irmed_nickname(nick, sizeof(nick));
    snprintf(want, sizeof(want), "ce-winsock-%lu", (unsigned long)GetCurrentProcessId());
    assert_string_equal(nick, want);
    uint32_t a1 = irmed_device_address(), a2 = irmed_device_address();
    assert_int_equal(a1, a2);
    assert_true(a1 != 0 && a1 != 0xFFFFFFFFu);

    /* the registry (only the values set here are removed afterwards, and
     * the keys only if this test created them) */
    DWORD disp_air = 0, disp_irda = 0;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, IRDA_AIR_KEY, 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &k, &disp_air), 0);
    DWORD port = 7123, loss = 250000;
    RegSetValueExW(k, L"Port", 0, REG_DWORD, (const BYTE *)&port, sizeof(port));
    RegSetValueExW(k, L"Loss", 0, REG_DWORD, (const BYTE *)&loss, sizeof(loss));
    RegSetValueExW(k, L"Rate", 0, REG_SZ, (const BYTE *)L"link", 10);
    RegCloseKey(k);
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, IRDA_KEY, 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &k, &disp_irda), 0);
    DWORD addr = 0x12345678;
    RegSetValueExW(k, L"Medium", 0, REG_SZ, (const BYTE *)L"COM5", 10);
    RegSetValueExW(k, L"DeviceAddress", 0, REG_DWORD, (const BYTE *)&addr, sizeof(addr));
    RegSetValueExW(k, L"Nickname", 0, REG_SZ, (const BYTE *)L"regnick", 16);
    RegCloseKey(k);
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_SERIAL);
    assert_true(!wcscmp(c.serial_port, L"COM5"));
    assert_int_equal(c.air_port, 7123);
    assert_int_equal(c.rate, IRMED_RATE_LINK);
    assert_true(c.loss > 0.2499 && c.loss < 0.2501);
    assert_int_equal(c.device_address, 0x12345678);
    assert_int_equal(irmed_device_address(), 0x12345678);
    irmed_nickname(nick, sizeof(nick));
    assert_string_equal(nick, "regnick");

    /* a per-user value wins over the machine's, value by value; one that
     * cannot be used (a DWORD nickname) is not replaced by the machine's */
    DWORD disp_user = 0, bad_nick = 7;
    assert_int_equal(RegCreateKeyExW(HKEY_CURRENT_USER, USER_IRDA_KEY, 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &k, &disp_user), 0);
    RegSetValueExW(k, L"Medium", 0, REG_SZ, (const BYTE *)L"air", 8);
    RegSetValueExW(k, L"Nickname", 0, REG_DWORD, (const BYTE *)&bad_nick, sizeof(bad_nick));
    RegCloseKey(k);
    irmed_config_load(&c);
    irmed_nickname(nick, sizeof(nick));
    if (RegOpenKeyExW(HKEY_CURRENT_USER, USER_IRDA_KEY, 0, KEY_ALL_ACCESS, &k) == 0) {
        RegDeleteValueW(k, L"Medium");
        RegDeleteValueW(k, L"Nickname");
        RegCloseKey(k);
    }
    if (disp_user == REG_CREATED_NEW_KEY)
        RegDeleteKeyW(HKEY_CURRENT_USER, USER_IRDA_KEY);
    assert_int_equal(c.kind, IRMED_AIR);                /* the user's */
    assert_int_equal(c.air_port, 7123);                 /* the machine's: the user has none */
    assert_int_equal(c.device_address, 0x12345678);
    assert_string_equal(nick, want);                    /* neither: the default */

    /* the environment wins */
    SetEnvironmentVariableW(L"CEWS2_IRDA_MEDIUM", L"air");
    SetEnvironmentVariableW(L"CEWS2_IRDA_AIR_PORT", L"7200");
    SetEnvironmentVariableW(L"CEWS2_IRDA_AIR_RATE", L"115200");
    SetEnvironmentVariableW(L"CEWS2_IRDA_AIR_LOSS", L"0.5");
    SetEnvironmentVariableW(L"CEWS2_IRDA_AIR_LOSS_MODE", L"byte");
    SetEnvironmentVariableW(L"CEWS2_IRDA_NICKNAME", L"envnick");
    SetEnvironmentVariableW(L"CEWS2_IRDA_DEVICE_ADDRESS", L"0xCAFE0001");
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_AIR);
    assert_int_equal(c.air_port, 7200);
    assert_int_equal(c.rate, 115200);
    assert_true(c.loss > 0.49 && c.loss < 0.51);
    assert_int_equal(c.loss_bytes, 1);
    assert_int_equal(c.device_address, 0xCAFE0001u);
    irmed_nickname(nick, sizeof(nick));
    assert_string_equal(nick, "envnick");
    SetEnvironmentVariableW(L"CEWS2_IRDA_MEDIUM", L"com12");
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_SERIAL);
    assert_true(!wcscmp(c.serial_port, L"COM12"));
    SetEnvironmentVariableW(L"CEWS2_IRDA_MEDIUM", L"COM340");
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_SERIAL);
    assert_true(!wcscmp(c.serial_port, L"COM340"));
    /* a mistake is not the air: the medium cannot be opened */
    SetEnvironmentVariableW(L"CEWS2_IRDA_MEDIUM", L"serial-port-one");
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_SERIAL);
    assert_int_equal(c.serial_port[0], 0);
    {
        irmed_t *bad = NULL;
        assert_int_not_equal(irmed_open(&c, NULL, &bad), 0);
        assert_null(bad);
    }

    static const WCHAR *vars[] = { L"CEWS2_IRDA_MEDIUM", L"CEWS2_IRDA_AIR_PORT", L"CEWS2_IRDA_AIR_RATE",
                                   L"CEWS2_IRDA_AIR_LOSS", L"CEWS2_IRDA_AIR_LOSS_MODE",
                                   L"CEWS2_IRDA_NICKNAME", L"CEWS2_IRDA_DEVICE_ADDRESS" };
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        SetEnvironmentVariableW(vars[i], NULL);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, IRDA_AIR_KEY, 0, KEY_ALL_ACCESS, &k) == 0) {
        RegDeleteValueW(k, L"Port");
        RegDeleteValueW(k, L"Loss");
        RegDeleteValueW(k, L"Rate");
        RegCloseKey(k);
    }
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, IRDA_KEY, 0, KEY_ALL_ACCESS, &k) == 0) {
        RegDeleteValueW(k, L"Medium");
        RegDeleteValueW(k, L"DeviceAddress");
        RegDeleteValueW(k, L"Nickname");
        RegCloseKey(k);
    }
    if (disp_air == REG_CREATED_NEW_KEY)
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, IRDA_AIR_KEY);
    if (disp_irda == REG_CREATED_NEW_KEY)
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, IRDA_KEY);
    assert_int_equal(irmed_device_address(), a1);   /* back to the process's random one */
}

/* ---- serial: two stations over a socat pty pair ---------------------------- */

static int unix_sh(const char *script)
{
    /* Wine runs a Unix program named by a Unix path; it gives no handle back */
    char cmd[2048];
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    PROCESS_INFORMATION pi;
    snprintf(cmd, sizeof(cmd), "/bin/sh -c \"%s\"", script);
    if (!CreateProcessA("/bin/sh", cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return 0;
    if (pi.hThread) CloseHandle(pi.hThread);
    if (pi.hProcess) CloseHandle(pi.hProcess);
    return 1;
}

/* Opens stations a and b on COMna and COMnb, retrying while socat makes
 * the ports (up to 15 s). */
static void open_serial_pair(struct station *a, struct station *b, unsigned na, unsigned nb)
{
    struct irmed_config c;
    DWORD ea = 1, eb = 1;
    double end = tu_now_ms() + 15000;
    irmed_config_default(&c);
    c.kind = IRMED_SERIAL;
    memset(a, 0, sizeof(*a));
    memset(b, 0, sizeof(*b));
    while (ea || eb) {
        if (ea) {
            _snwprintf(c.serial_port, 16, L"COM%u", na);
            ea = st_open(a, &c);
            if (ea) st_close(a);
        }
        if (eb) {
            _snwprintf(c.serial_port, 16, L"COM%u", nb);
            eb = st_open(b, &c);
            if (eb) st_close(b);
        }
        if (tu_now_ms() > end)
            fail_msg("COM%u/COM%u did not open: %lu/%lu", na, nb, (unsigned long)ea, (unsigned long)eb);
        if (ea || eb) Sleep(100);
    }
}

static void serial_pty_pair(void **state)
{
    (void)state;
    char prefix[MAX_PATH], sh[256], script[MAX_PATH];
    const char *socat = NULL;
    if (GetFileAttributesA("Z:\\usr\\bin\\socat") != INVALID_FILE_ATTRIBUTES) socat = "/usr/bin/socat";
    else if (GetFileAttributesA("Z:\\usr\\local\\bin\\socat") != INVALID_FILE_ATTRIBUTES) socat = "/usr/local/bin/socat";
    if (!socat) {
        print_message("socat not installed (apt-get install socat): serial test skipped\n");
        skip();
    }
    DWORD pl = GetEnvironmentVariableA("WINEPREFIX", prefix, sizeof(prefix));
    if (!pl || pl >= sizeof(prefix)) {
        print_message("WINEPREFIX not set (run through wine-tests/run.sh): serial test skipped\n");
        skip();
    }
    unsigned na = 40 + (GetCurrentProcessId() % 100) * 2, nb = na + 1;
    /* A script, so that no quoting goes through the Windows command line.
     * Closing a pty master hangs up its slave, and wineserver (which opened
     * the slave as a session leader, making it its controlling tty) then
     * gets SIGHUP and dumps its whole object table to its stderr, i.e. into
     * the test log.  So socat lives until this prefix's wineserver is gone
     * (run.sh stops it at the end), and only then is killed. */
    unsigned long pid = (unsigned long)GetCurrentProcessId();
    snprintf(script, sizeof(script), "Z:\\tmp\\irmed-serial-%lu.sh", pid);
    FILE *f = fopen(script, "wb");
    assert_non_null(f);
    fprintf(f,
            "#!/bin/sh\n"
            "# written by test_irmedium.exe: a pty pair for COM%u and COM%u\n"
            "P='%s'\n"
            "rm -f \"$P/dosdevices/com%u\" \"$P/dosdevices/com%u\"\n"
            "%s pty,raw,echo=0,link=\"$P/dosdevices/com%u\" pty,raw,echo=0,link=\"$P/dosdevices/com%u\" &\n"
            "S=$!\n"
            "k=server-$(stat -Lc %%D \"$P\")-$(printf %%x $(stat -Lc %%i \"$P\"))\n"
            "W=\n"
            "for p in /proc/[0-9]*; do\n"
            "  case \"$(readlink $p/exe)\" in *wineserver*)\n"
            "    case \"$(readlink $p/cwd)\" in */$k) W=${p#/proc/} ;; esac ;; esac\n"
            "done\n"
            "if [ -n \"$W\" ]; then\n"
            "  n=0; while kill -0 $W 2>/dev/null && [ $n -lt 3600 ]; do sleep 1; n=$((n+1)); done\n"
            "else sleep 120; fi\n"
            "kill $S 2>/dev/null\n"
            "rm -f \"$0\"\n",
            na, nb, prefix, na, nb, socat, na, nb);
    fclose(f);
    snprintf(sh, sizeof(sh), "/bin/sh /tmp/irmed-serial-%lu.sh </dev/null >/dev/null 2>&1 &", pid);
    assert_true(unix_sh(sh));

    static struct station a, b;
    open_serial_pair(&a, &b, na, nb);
    tu_log("COM%u <-> COM%u open", na, nb);
    assert_int_equal(irmed_wait_ready(a.m, 5000), 0);
    assert_int_equal(a.ups, 1);

    /* both ways at once, 20 KB each; a UART keeps bytes, not pieces */
    const size_t total = 20000;
    uint8_t *buf = malloc(total);
    tu_fill(buf, 0, total);
    for (size_t off = 0; off < total; off += 500) {
        assert_int_equal(irmed_send(a.m, buf + off, 500), 0);
        assert_int_equal(irmed_send(b.m, buf + off, 500), 0);
    }
    assert_true(st_wait_bytes(&b, total, 30000));
    assert_true(st_wait_bytes(&a, total, 30000));
    tu_log("20000 bytes each way");
    struct station *pair[2] = { &a, &b };
    for (int k = 0; k < 2; k++) {
        size_t np, off = 0;
        uint8_t *copy;
        struct piece *v = st_pieces(pair[k], &np, &copy);
        for (size_t i = 0; i < np; i++) {
            assert_true(tu_check(v[i].p, off, v[i].n) == (size_t)-1);
            off += v[i].n;
        }
        assert_int_equal(off, total);
        free(v); free(copy);
    }
    /* IrLAP's negotiated rate reprograms the port; bytes still flow */
    assert_int_equal(irmed_set_baud(a.m, 115200), 0);
    assert_int_equal(irmed_set_baud(b.m, 115200), 0);
    assert_int_equal(irmed_send(a.m, "after", 5), 0);
    assert_true(st_wait_bytes(&b, total + 5, 10000));
    tu_log("115200 bit/s");
    /* out of range: nothing leaves, nothing is heard */
    assert_int_equal(irmed_set_in_range(a.m, 0), 0);
    assert_int_equal(irmed_send(a.m, "lost", 4), 0);
    assert_int_equal(irmed_send(b.m, "lost", 4), 0);
    Sleep(500);
    assert_int_equal(st_bytes(&b), total + 5);
    assert_int_equal(st_bytes(&a), total);
    free(buf);
    st_close(&a);
    st_close(&b);
}


/*
 * The COM port unplugged and plugged back: socat's pty pair is the cable.
 * Killing socat hangs both ptys up (the ports' handles stay, every call on
 * them fails); a new socat makes new ptys under the same COM names.  Each
 * station must report IRMED_EV_DOWN, drop what it sends meanwhile (no
 * hang), open the port again once it is back (IRMED_EV_UP) and carry bytes
 * both ways again.  (Wine's server dumps its object table to its stderr
 * when a pty it holds is hung up: noise in the prefix's first log.)
 */
static void serial_unplug_replug(void **state)
{
    (void)state;
    static struct tu_cable cable;
    int rc = tu_cable_init(&cable, 240);
    if (rc == 77) {
        print_message("socat or WINEPREFIX missing: serial test skipped\n");
        skip();
    }
    assert_int_equal(rc, 0);
    assert_int_equal(tu_cable_plug(&cable), 0);

    static struct station a, b;
    open_serial_pair(&a, &b, cable.a, cable.b);
    assert_int_equal(irmed_send(a.m, "plugged", 7), 0);
    assert_true(st_wait_bytes(&b, 7, 10000));

    /* unplug */
    double t0 = tu_now_ms();
    assert_int_equal(tu_cable_unplug(&cable), 0);
    while ((st_downs(&a) < 1 || st_downs(&b) < 1) && tu_now_ms() - t0 < 10000)
        Sleep(20);
    print_message("unplugged: DOWN on both ports after %.0f ms (a %d, b %d)\n", tu_now_ms() - t0, st_downs(&a),
                  st_downs(&b));
    assert_int_equal(st_downs(&a), 1);
    assert_int_equal(st_downs(&b), 1);
    assert_int_equal(irmed_wait_ready(a.m, 0), WAIT_TIMEOUT);
    /* sending meanwhile neither blocks nor reaches anyone */
    struct irmed_stats st0, st1;
    irmed_get_stats(a.m, &st0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(irmed_send(a.m, "lost", 4), 0);
    Sleep(300);
    irmed_get_stats(a.m, &st1);
    assert_true(st1.tx_dropped >= st0.tx_dropped + 40);

    /* plug back in: new ptys under the same names */
    t0 = tu_now_ms();
    assert_int_equal(tu_cable_plug(&cable), 0);
    while ((st_ups(&a) < 2 || st_ups(&b) < 2) && tu_now_ms() - t0 < 15000)
        Sleep(20);
    print_message("plugged back: UP on both ports after %.0f ms\n", tu_now_ms() - t0);
    assert_int_equal(st_ups(&a), 2);
    assert_int_equal(st_ups(&b), 2);
    assert_int_equal(irmed_wait_ready(a.m, 0), 0);
    size_t had_a = st_bytes(&a), had_b = st_bytes(&b);
    assert_int_equal(had_b, 7);              /* nothing of the unplugged time arrived */
    assert_int_equal(irmed_send(a.m, "again", 5), 0);
    assert_int_equal(irmed_send(b.m, "back", 4), 0);
    assert_true(st_wait_bytes(&b, had_b + 5, 10000));
    assert_true(st_wait_bytes(&a, had_a + 4, 10000));
    st_close(&a);
    st_close(&b);
    tu_cable_done(&cable);
}

/* ---- air: hostile clients cannot grow the hub or give air-wide orders ------- */

/* A raw TCP connection to the hub on port (through our own stack). */
static SOCKET raw_hub(unsigned short port)
{
    struct sockaddr_in a;
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) return s;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    uint8_t chal[AIR_HDR + AIR_CHALLENGE_LEN], auth[AIR_HDR + AIR_AUTH_LEN];
    size_t got = 0;
    if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
        closesocket(s);
        return INVALID_SOCKET;
    }
    /* the owner check (airproto.h): answer the CHALLENGE from the key file */
    while (got < sizeof(chal)) {
        int n = recv(s, (char *)chal + got, (int)(sizeof(chal) - got), 0);
        if (n <= 0) break;
        got += (size_t)n;
    }
    if (got < sizeof(chal) || chal[0] != AIR_CHALLENGE ||
        air_auth_reply(port, chal + AIR_HDR, AIR_CHALLENGE_LEN, auth) || tu_send_all(s, auth, sizeof(auth))) {
        closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

static unsigned long status_number(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtoul(p + strlen(key), NULL, 10) : (unsigned long)-1;
}

/*
 * A control client that sends STATUS requests without end and never reads
 * its replies: the hub drops it once its unread replies pass the per-client
 * bound (4 MiB) instead of growing; the stations go on hearing each other.
 * (Before: every reply was queued, 300,000 requests held ~60 MB.)
 */
static void air_control_flood_bounded(void **state)
{
    (void)state;
    unsigned short port = test_port(11);
    static struct station a, b;
    struct irmed_config c;
    char text[4096];
    air_config(&c, port, 0xF1);
    assert_int_equal(st_open(&a, &c), 0);
    air_config(&c, port, 0xF2);
    assert_int_equal(st_open(&b, &c), 0);
    wait_ready_all(&a, 1);
    wait_ready_all(&b, 1);

    SOCKET f = raw_hub(port);
    assert_true(f != INVALID_SOCKET);
    static uint8_t req[4096 * 4];
    for (int i = 0; i < 4096; i++)
        air_header(req + 4 * i, AIR_STATUS, 0);
    unsigned long requests = 0;
    int dropped = 0;
    double t0 = tu_now_ms();
    DWORD to = 2000;
    setsockopt(f, SOL_SOCKET, SO_SNDTIMEO, (const char *)&to, sizeof(to));
    while (tu_now_ms() - t0 < 30000 && requests < 2000000) {
        if (send(f, (const char *)req, sizeof(req), 0) != (int)sizeof(req)) {
            dropped = 1;                        /* the hub closed it */
            break;
        }
        requests += 4096;
    }
    assert_int_equal(irmed_air_status(NULL, port, text, sizeof(text)), 0);
    unsigned long queued = status_number(text, "queued=");
    print_message("%lu STATUS requests in %.0f ms, never read: flooder %s; hub queued now %lu bytes\n",
                  requests, tu_now_ms() - t0, dropped ? "dropped by the hub" : "still connected", queued);
    tu_log("status: %s", text);
    assert_true(dropped);
    assert_true(queued < (5u << 20));
    closesocket(f);
    /* the air still carries */
    assert_int_equal(irmed_send(a.m, "still", 5), 0);
    assert_true(st_wait_bytes(&b, 5, 10000));
    st_close(&a);
    st_close(&b);
}

/*
 * A station may move only itself in or out of range: its QUIT, DOWN,
 * STATUS and RANGE for another address are ignored (they are control
 * clients' commands), so a station cannot stop the air for the others.
 */
static void air_station_orders_ignored(void **state)
{
    (void)state;
    unsigned short port = test_port(12);
    static struct station a, b;
    struct irmed_config c;
    char text[4096];
    air_config(&c, port, 0xE1);
    assert_int_equal(st_open(&a, &c), 0);
    air_config(&c, port, 0xE2);
    assert_int_equal(st_open(&b, &c), 0);
    wait_ready_all(&a, 1);
    wait_ready_all(&b, 1);

    SOCKET h = raw_hub(port);
    assert_true(h != INVALID_SOCKET);
    uint8_t m[64];
    air_header(m, AIR_HELLO, 9 + 4);
    air_put32(m + 4, AIR_MAGIC);
    air_put32(m + 8, 0xE666);
    m[12] = 0;
    memcpy(m + 13, "evil", 4);
    assert_int_equal(tu_send_all(h, m, 4 + 13), 0);
    air_header(m, AIR_RANGE, 5);                /* move station 0xE2 out */
    air_put32(m + 4, 0xE2);
    m[8] = 0;
    assert_int_equal(tu_send_all(h, m, 9), 0);
    air_header(m, AIR_DOWN, 4);
    air_put32(m + 4, 20000);
    assert_int_equal(tu_send_all(h, m, 8), 0);
    air_header(m, AIR_QUIT, 0);
    assert_int_equal(tu_send_all(h, m, 4), 0);
    Sleep(500);
    assert_int_equal(irmed_air_status(NULL, port, text, sizeof(text)), 0);
    tu_log("status: %s", text);
    assert_int_equal(status_number(text, "stations="), 3);
    assert_non_null(strstr(text, "addr=0x000000e2 range=in"));
    assert_int_equal(irmed_send(a.m, "alive", 5), 0);
    assert_true(st_wait_bytes(&b, 5, 10000));
    closesocket(h);
    st_close(&a);
    st_close(&b);
}

static int teardown(void **state)
{
    (void)state;
    stop_senders = 1;
    Sleep(100);
    for (int i = 0; i < 32; i++)
        if (open_stations[i]) st_close(open_stations[i]);
    stop_senders = 0;
    return 0;
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
        cmocka_unit_test_teardown(config_and_identity, teardown),
        cmocka_unit_test_teardown(air_fanout, teardown),
        cmocka_unit_test_teardown(air_hub_on_demand, teardown),
        cmocka_unit_test_teardown(air_second_hub_exits, teardown),
        cmocka_unit_test_teardown(air_start_race, teardown),
        cmocka_unit_test_teardown(air_hub_killed, teardown),
        cmocka_unit_test_teardown(air_hub_frozen, teardown),
        cmocka_unit_test_teardown(air_loss, teardown),
        cmocka_unit_test_teardown(air_hub_loss, teardown),
        cmocka_unit_test_teardown(air_out_of_range, teardown),
        cmocka_unit_test_teardown(air_line_rate, teardown),
        cmocka_unit_test_teardown(air_control_flood_bounded, teardown),
        cmocka_unit_test_teardown(air_station_orders_ignored, teardown),
        cmocka_unit_test_teardown(serial_pty_pair, teardown),
        cmocka_unit_test_teardown(serial_unplug_replug, teardown),
    };
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
