/*
 * test_irmedium_path.c - the air's two paths for DATA (irda/medium/airring.h):
 * the shared-memory ring (the default, irair --path ring) and the hub's TCP
 * relay (Path=hub).  What the air promised through the hub must hold on
 * the ring: a third station hears both others, nobody hears itself, range
 * is applied by the hub's word, a station that leaves is let go and one
 * that takes its place hears only what comes after it; and only a process
 * with the hub's key can name the ring.  Each test has a private port.
 */
#include "irmedium/station.h"
#include "airkey.h"
#include "airring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A station on the air at port: on the ring (ring 1) or the hub's relay. */
static void path_open(struct station *s, unsigned short port, uint32_t addr, int ring)
{
    struct irmed_config c;
    air_config(&c, port, addr);
    c.air_ring = ring;
    assert_int_equal(st_open(s, &c), 0);
    assert_int_equal(irmed_wait_ready(s->m, 30000), 0);
}

/* Waits until the station has heard the piece; 1 if so. */
static int wait_heard(struct station *s, const char *piece, DWORD ms)
{
    double end = tu_now_ms() + ms;
    while (!st_heard(s, piece)) {
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
    path_open(&a, port, 0x7101, ring);
    path_open(&b, port, 0x7102, ring);
    path_open(&c, port, 0x7103, ring);
    assert_true(wait_status(port, 3, ring ? "path=ring" : "path=hub", 10000));
    say(&a, "from-a");
    say(&b, "from-b");
    assert_true(wait_heard(&c, "from-a", 5000));
    assert_true(wait_heard(&c, "from-b", 5000));
    assert_true(wait_heard(&b, "from-a", 5000));
    assert_true(wait_heard(&a, "from-b", 5000));
    Sleep(200);                 /* an echo would have come by now */
    assert_false(st_heard(&a, "from-a"));
    assert_false(st_heard(&b, "from-b"));
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
    path_open(&a, port, 0x7201, 1);
    path_open(&b, port, 0x7202, 1);
    path_open(&c, port, 0x7203, 1);
    assert_true(wait_status(port, 3, "path=ring", 10000));
    assert_int_equal(irmed_air_range(NULL, port, 0x7203, 0, &changed), 0);
    assert_int_equal(changed, 1);
    say(&a, "while-c-out");
    say(&c, "c-while-out");
    assert_true(wait_heard(&b, "while-c-out", 5000));
    Sleep(300);
    assert_false(st_heard(&c, "while-c-out"));
    assert_false(st_heard(&a, "c-while-out"));
    assert_false(st_heard(&b, "c-while-out"));
    assert_int_equal(irmed_air_range(NULL, port, 0x7203, 1, &changed), 0);
    say(&a, "c-back");
    say(&c, "c-speaks");
    assert_true(wait_heard(&c, "c-back", 5000));
    assert_true(wait_heard(&a, "c-speaks", 5000));
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
    path_open(&a, port, 0x7301, 1);
    path_open(&b, port, 0x7302, 1);
    assert_true(wait_status(port, 2, "path=ring", 10000));
    say(&a, "before");
    assert_true(wait_heard(&b, "before", 5000));
    st_close(&b);
    assert_true(wait_status(port, 1, "path=ring", 10000));
    say(&a, "while-away");
    Sleep(100);
    path_open(&d, port, 0x7304, 1);
    assert_true(wait_status(port, 2, "path=ring", 10000));
    say(&a, "after");
    say(&d, "from-d");
    assert_true(wait_heard(&d, "after", 5000));
    assert_true(wait_heard(&a, "from-d", 5000));
    assert_false(st_heard(&d, "before"));
    assert_false(st_heard(&d, "while-away"));
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
    path_open(&a, port, 0x7401, 1);
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
    path_open(&a, port, 0x7501, 1);
    path_open(&b, port, 0x7502, 1);
    assert_true(wait_status(port, 2, "path=ring", 10000));
    irmed_get_stats(a.m, &s);
    HANDLE hub = OpenProcess(PROCESS_SUSPEND_RESUME, FALSE, s.hub_pid);
    assert_non_null(hub);
    assert_int_equal(suspend(hub), 0);
    double t0 = tu_now_ms();
    say(&a, "frozen-1");
    say(&b, "frozen-2");
    double took = tu_now_ms() - t0;
    int heard = wait_heard(&b, "frozen-1", 5000) && wait_heard(&a, "frozen-2", 5000);
    assert_int_equal(resume(hub), 0);
    CloseHandle(hub);
    print_message("ring, hub frozen: two sends in %.1f ms, heard: %d\n", took, heard);
    assert_true(heard);
    assert_true(took < 100);
    st_close(&a);
    st_close(&b);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(ring_third_station_hears_both, station_teardown),
        cmocka_unit_test_teardown(hub_path_still_relays, station_teardown),
        cmocka_unit_test_teardown(ring_range_applied, station_teardown),
        cmocka_unit_test_teardown(ring_leave_and_take_place, station_teardown),
        cmocka_unit_test_teardown(ring_needs_the_key, station_teardown),
        cmocka_unit_test_teardown(ring_hub_frozen, station_teardown),
    };
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
