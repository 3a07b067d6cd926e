/*
 * test_irmedium_conditions.c - the loopback air's conditions under Wine:
 * loss (the station's own, seeded, by piece or by byte; and the hub's
 * --loss), a station out of range (by its own word and by address from
 * outside), and line-rate emulation (the link's rate, and the rate IrLAP
 * negotiated).  Each test has a private port (station.h, test_port).
 */
#include "irmedium/station.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    struct irmed_stats s;
    assert_int_equal(start_hub_proc(port, "--idle 3 --loss 0.5 --seed 7", &hub), 0);
    double end = tu_now_ms() + 20000;
    while (irmed_air_status(NULL, port, text, sizeof(text)) != 0) {
        assert_true(tu_now_ms() < end);
        Sleep(50);
    }
    st_open_pair(&a, &b, port, 0x6001, 0x6002);
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
    assert_true(st_heard(B, "A1"));
    assert_true(st_heard(A, "B1"));
    assert_int_equal(st_bytes(C), 0);                       /* C hears nothing */
    assert_false(st_heard(A, "C1"));                           /* nobody hears C */
    assert_false(st_heard(B, "C1"));
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
    assert_true(st_heard(C, "A2"));
    assert_false(st_heard(C, "A1"));
    assert_true(st_heard(B, "C2"));
    assert_true(st_heard(A, "C2"));
    assert_false(st_heard(B, "C1"));

    /* and out again by address: the station's own sends are then discarded */
    assert_int_equal(irmed_air_range(NULL, port, 0x7000, 0, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(irmed_send(A->m, "A3", 2), 0);
    assert_int_equal(irmed_send(B->m, "B3", 2), 0);
    assert_true(st_wait_bytes(C, 4, 10000));
    Sleep(300);
    assert_true(st_heard(C, "B3"));
    assert_false(st_heard(C, "A3"));
    assert_false(st_heard(B, "A3"));
    assert_false(st_heard(A, "B3"));
    for (int k = 0; k < 3; k++)
        st_close(&st[k]);
}

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
    st_open_pair(&a, &b, port, 0x8003, 0x8004);
    ms = timed_transfer(&a, &b, 2400, 100);
    tu_log("2400 B unpaced: %.0f ms", ms);
    assert_true(ms < 1500);
    st_close(&a);
    st_close(&b);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(air_loss, station_teardown),
        cmocka_unit_test_teardown(air_hub_loss, station_teardown),
        cmocka_unit_test_teardown(air_out_of_range, station_teardown),
        cmocka_unit_test_teardown(air_line_rate, station_teardown),
    };
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
