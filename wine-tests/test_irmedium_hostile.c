/*
 * test_irmedium_hostile.c - the air hub against clients that misbehave:
 * a control client flooding STATUS requests it never reads is dropped at
 * the per-client bound while the stations go on hearing each other, and a
 * station's air-wide orders (QUIT, DOWN, RANGE for another address) are
 * ignored.  Both pass the hub's owner check first (airkey.h), as a
 * process of the same user could.
 */
#include "irmedium/station.h"
#include "irmedium/hub_client.h"
#include "airproto.h"
#include "airkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    char text[4096];
    st_open_pair(&a, &b, port, 0xF1, 0xF2);

    SOCKET f = hub_client_open(port, HUB_KEY_OWNER, 0, 5000);
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
    char text[4096];
    st_open_pair(&a, &b, port, 0xE1, 0xE2);

    SOCKET h = hub_client_open(port, HUB_KEY_OWNER, 0, 5000);
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

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(air_control_flood_bounded, station_teardown),
        cmocka_unit_test_teardown(air_station_orders_ignored, station_teardown),
    };
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
