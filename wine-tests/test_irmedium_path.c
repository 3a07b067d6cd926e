/*
 * test_irmedium_path.c - the air's two paths for DATA (irda/medium/airring.h):
 * the shared-memory ring (the default, irair --path ring) and the hub's TCP
 * relay (Path=hub).  What the air promised through the hub must hold on
 * the ring: a third station hears both others, nobody hears itself, range
 * is applied by the hub's word, a station that leaves is let go and one
 * that takes its place hears only what comes after it; and only a process
 * with the hub's key can name the ring.  Each test has a private port.
 */
#include "testutil.h"
#include "medium.h"
#include "airkey.h"
#include "airring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct station {
    irmed_t *m;
    CRITICAL_SECTION lock;
    char heard[4096];           /* pieces heard, each followed by '|' */
    size_t len;
};

static void st_rx(void *ctx, const uint8_t *p, size_t n)
{
    struct station *s = ctx;
    EnterCriticalSection(&s->lock);
    if (s->len + n + 2 < sizeof(s->heard)) {
        memcpy(s->heard + s->len, p, n);
        s->len += n;
        s->heard[s->len++] = '|';
        s->heard[s->len] = 0;
    }
    LeaveCriticalSection(&s->lock);
}

static unsigned short test_port(int k)
{
    return (unsigned short)(20000 + (GetCurrentProcessId() * 53u + (unsigned)k * 1013u) % 30000u);
}

static struct station *open_stations[8];

static void st_open(struct station *s, unsigned short port, uint32_t addr, int ring)
{
    struct irmed_config c;
    irmed_config_default(&c);
    c.air_port = port;
    c.device_address = addr;
    c.air_ring = ring;
    c.hub_idle_s = 3;
    snprintf(c.nickname, sizeof(c.nickname), "path-%08lx", (unsigned long)addr);
    UINT n = GetSystemDirectoryW(c.hub_path, MAX_PATH);
    if (n && n + 11 < MAX_PATH)
        wcscat(c.hub_path, L"\\irair.exe");
    memset(s, 0, sizeof(*s));
    InitializeCriticalSection(&s->lock);
    for (int i = 0; i < 8; i++)
        if (!open_stations[i]) { open_stations[i] = s; break; }
    struct irmed_callbacks cb = { s, st_rx, NULL };
    assert_int_equal(irmed_open(&c, &cb, &s->m), 0);
    assert_int_equal(irmed_wait_ready(s->m, 30000), 0);
}

static void st_close(struct station *s)
{
    for (int i = 0; i < 8; i++)
        if (open_stations[i] == s) open_stations[i] = NULL;
    if (s->m) irmed_close(s->m);
    s->m = NULL;
    DeleteCriticalSection(&s->lock);
}

static int has(struct station *s, const char *piece)
{
    char want[64];
    snprintf(want, sizeof(want), "%s|", piece);
    EnterCriticalSection(&s->lock);
    int found = strstr(s->heard, want) != NULL;
    LeaveCriticalSection(&s->lock);
    return found;
}

static int wait_has(struct station *s, const char *piece, DWORD ms)
{
    double end = tu_now_ms() + ms;
    while (!has(s, piece)) {
        if (tu_now_ms() > end) return 0;
        Sleep(10);
    }
    return 1;
}

static void say(struct station *s, const char *piece)
{
    assert_int_equal(irmed_send(s->m, piece, strlen(piece)), 0);
}

/* The hub's STATUS header has stations=K and path=P. */
static int wait_status(unsigned short port, int stations, const char *path, DWORD ms)
{
    char text[4096], want[64];
    double end = tu_now_ms() + ms;
    snprintf(want, sizeof(want), "stations=%d ", stations);
    for (;;) {
        if (irmed_air_status(NULL, port, text, sizeof(text)) == 0 && strstr(text, want) &&
            strstr(text, path))
            return 1;
        if (tu_now_ms() > end) {
            print_message("hub on %u: %s (wanted %s %s)\n", port, text, want, path);
            return 0;
        }
        Sleep(50);
    }
}

static void three_hear_each_other(int ring, int k)
{
    unsigned short port = test_port(k);
    static struct station a, b, c;
    st_open(&a, port, 0x7101, ring);
    st_open(&b, port, 0x7102, ring);
    st_open(&c, port, 0x7103, ring);
    assert_true(wait_status(port, 3, ring ? "path=ring" : "path=hub", 10000));
    say(&a, "from-a");
    say(&b, "from-b");
    assert_true(wait_has(&c, "from-a", 5000));
    assert_true(wait_has(&c, "from-b", 5000));
    assert_true(wait_has(&b, "from-a", 5000));
    assert_true(wait_has(&a, "from-b", 5000));
    Sleep(200);                 /* an echo would have come by now */
    assert_false(has(&a, "from-a"));
    assert_false(has(&b, "from-b"));
    st_close(&a);
    st_close(&b);
    st_close(&c);
}

/* The ring: a third station hears both (every listener is woken, every
 * slot is read), and no station hears itself. */
static void ring_third_station_hears_both(void **state)
{
    (void)state;
    three_hear_each_other(1, 1);
}

/* Path=hub: the hub's TCP relay, as before the ring. */
static void hub_path_still_relays(void **state)
{
    (void)state;
    three_hear_each_other(0, 2);
}

/* Range is the hub's word, written into the ring: out of range, a station
 * neither hears nor is heard; back in, it does both again. */
static void ring_range_applied(void **state)
{
    (void)state;
    unsigned short port = test_port(3);
    static struct station a, b, c;
    uint32_t changed = 0;
    st_open(&a, port, 0x7201, 1);
    st_open(&b, port, 0x7202, 1);
    st_open(&c, port, 0x7203, 1);
    assert_true(wait_status(port, 3, "path=ring", 10000));
    assert_int_equal(irmed_air_range(NULL, port, 0x7203, 0, &changed), 0);
    assert_int_equal(changed, 1);
    say(&a, "while-c-out");
    say(&c, "c-while-out");
    assert_true(wait_has(&b, "while-c-out", 5000));
    Sleep(300);
    assert_false(has(&c, "while-c-out"));
    assert_false(has(&a, "c-while-out"));
    assert_false(has(&b, "c-while-out"));
    assert_int_equal(irmed_air_range(NULL, port, 0x7203, 1, &changed), 0);
    say(&a, "c-back");
    say(&c, "c-speaks");
    assert_true(wait_has(&c, "c-back", 5000));
    assert_true(wait_has(&a, "c-speaks", 5000));
    st_close(&a);
    st_close(&b);
    st_close(&c);
}

/* A station that leaves is let go (the hub's count, its place free), the
 * others go on without it, and a newcomer in its place hears only what is
 * said after it came, and is heard. */
static void ring_leave_and_take_place(void **state)
{
    (void)state;
    unsigned short port = test_port(4);
    static struct station a, b, d;
    st_open(&a, port, 0x7301, 1);
    st_open(&b, port, 0x7302, 1);
    assert_true(wait_status(port, 2, "path=ring", 10000));
    say(&a, "before");
    assert_true(wait_has(&b, "before", 5000));
    st_close(&b);
    assert_true(wait_status(port, 1, "path=ring", 10000));
    say(&a, "while-away");
    Sleep(100);
    st_open(&d, port, 0x7304, 1);
    assert_true(wait_status(port, 2, "path=ring", 10000));
    say(&a, "after");
    say(&d, "from-d");
    assert_true(wait_has(&d, "after", 5000));
    assert_true(wait_has(&a, "from-d", 5000));
    assert_false(has(&d, "before"));
    assert_false(has(&d, "while-away"));
    struct irmed_stats s;
    irmed_get_stats(a.m, &s);
    assert_int_equal(s.tx_dropped, 0);
    st_close(&a);
    st_close(&d);
}

/* The ring's name comes from the hub's key: with the key file's key it
 * opens, with any other key there is no such object. */
static void ring_needs_the_key(void **state)
{
    (void)state;
    unsigned short port = test_port(5);
    static struct station a;
    uint8_t key[AIR_KEY_LEN];
    WCHAR name[96];
    st_open(&a, port, 0x7401, 1);
    assert_true(wait_status(port, 1, "path=ring", 10000));
    assert_int_equal(air_key_read(port, key), 0);
    air_ring_name(key, port, name, 96);
    HANDLE h = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
    assert_non_null(h);
    CloseHandle(h);
    key[0] ^= 1;
    air_ring_name(key, port, name, 96);
    h = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
    assert_null(h);
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
    SecureZeroMemory(key, sizeof(key));
    st_close(&a);
}

/* A frozen hub (suspended: it reads nothing) on the ring path: sends never
 * wait for it and the stations go on hearing each other; the control
 * commands wait for it to run again. */
static void ring_hub_frozen(void **state)
{
    (void)state;
    typedef LONG (WINAPI *process_fn)(HANDLE);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    process_fn suspend = (process_fn)(void *)GetProcAddress(ntdll, "NtSuspendProcess");
    process_fn resume = (process_fn)(void *)GetProcAddress(ntdll, "NtResumeProcess");
    if (!suspend || !resume)
        skip();
    unsigned short port = test_port(6);
    static struct station a, b;
    struct irmed_stats s;
    st_open(&a, port, 0x7501, 1);
    st_open(&b, port, 0x7502, 1);
    assert_true(wait_status(port, 2, "path=ring", 10000));
    irmed_get_stats(a.m, &s);
    HANDLE hub = OpenProcess(PROCESS_SUSPEND_RESUME, FALSE, s.hub_pid);
    assert_non_null(hub);
    assert_int_equal(suspend(hub), 0);
    double t0 = tu_now_ms();
    say(&a, "frozen-1");
    say(&b, "frozen-2");
    double took = tu_now_ms() - t0;
    int heard = wait_has(&b, "frozen-1", 5000) && wait_has(&a, "frozen-2", 5000);
    assert_int_equal(resume(hub), 0);
    CloseHandle(hub);
    print_message("ring, hub frozen: two sends in %.1f ms, heard: %d\n", took, heard);
    assert_true(heard);
    assert_true(took < 100);
    st_close(&a);
    st_close(&b);
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 8; i++)
        if (open_stations[i]) st_close(open_stations[i]);
    return 0;
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(ring_third_station_hears_both, teardown),
        cmocka_unit_test_teardown(hub_path_still_relays, teardown),
        cmocka_unit_test_teardown(ring_range_applied, teardown),
        cmocka_unit_test_teardown(ring_leave_and_take_place, teardown),
        cmocka_unit_test_teardown(ring_needs_the_key, teardown),
        cmocka_unit_test_teardown(ring_hub_frozen, teardown),
    };
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
