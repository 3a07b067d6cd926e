/*
 * test_stack_exclusive.c - exclusive mode as the provider uses it
 * (stack_exclusive.c) between two complete stations on an in-memory
 * medium: irda_stack_request_exclusive on a TinyTP connection, its state
 * while the peer has not answered and once it granted, irda_stack_can_connect
 * answering IRDA_ERR_INUSE on both stations while the link is held (and
 * IAS queries refused), a moment's IRDA_ERR_BUSY while the closed holder
 * still sends its last data, free again after; refused (IRDA_ERR_BUSY)
 * when a second connection shares the link, "not yet" (IRDA_ERR_AGAIN)
 * while that one is closed but still sending.
 */
#include "capture_pair.h"

#define ADDR_A CAPTURE_PAIR_ADDR_A
#define ADDR_B CAPTURE_PAIR_ADDR_B

static int listener_b;

/* A TinyTP connection from A to B's listener; B accepts it. */
static int connect_a(int *accepted_b)
{
    int h = 0;
    NA.connected = NB.incoming = false;
    assert_int_equal(irda_stack_connect(&NA.st, ADDR_B, (uint8_t)irda_stack_lsap_of(&NB.st, listener_b),
                                        &h), 0);
    run(1000);
    assert_true(NA.connected);
    assert_true(NB.incoming);
    assert_int_equal(irda_stack_accept(&NB.st, listener_b, accepted_b), 0);
    return h;
}

static void test_holds_and_releases_the_link(void **s)
{
    (void)s;
    int b1 = 0;
    assert_true(irda_stack_listen(&NB.st, IRLMP_LSAP_ANY, 4, &listener_b) > 0);
    int a1 = connect_a(&b1);
    assert_int_equal(irda_stack_can_connect(&NA.st, ADDR_B), IRDA_OK);
    assert_int_equal(irda_stack_exclusive_state(&NA.st, a1), IRDA_ERR_INUSE);   /* not asked */
    assert_int_equal(irda_stack_request_exclusive(&NA.st, a1), 0);
    assert_int_equal(irda_stack_exclusive_state(&NA.st, a1), 0);                /* asked */
    assert_int_equal(irda_stack_can_connect(&NA.st, ADDR_B), IRDA_ERR_INUSE);   /* pending holds */
    run(500);
    assert_int_equal(irda_stack_exclusive_state(&NA.st, a1), 1);
    assert_int_equal(irda_stack_exclusive_state(&NB.st, b1), 1);                /* the peer's view */
    assert_int_equal(irda_stack_request_exclusive(&NA.st, a1), 0);              /* held: no-op */
    /* both stations: no new connection, to any device; no IAS query */
    assert_int_equal(irda_stack_can_connect(&NA.st, ADDR_B), IRDA_ERR_INUSE);
    assert_int_equal(irda_stack_can_connect(&NA.st, 0x12345678), IRDA_ERR_INUSE);
    assert_int_equal(irda_stack_can_connect(&NB.st, ADDR_A), IRDA_ERR_INUSE);
    int h = 0;
    assert_int_equal(irda_stack_connect(&NA.st, ADDR_B, 0x05, &h), IRDA_ERR_EXCLUSIVE);
    assert_true(irda_stack_ias_query(&NB.st, ADDR_A, "Device", "DeviceName") < 0);
    /* data still flows */
    static uint8_t big[20000];
    memset(big, 0x5A, sizeof big);
    assert_int_equal(irda_stack_send(&NA.st, a1, big, 100), 100);
    run(500);
    uint8_t rx[256];
    assert_int_equal(irda_stack_recv(&NB.st, b1, rx, sizeof rx), 100);

    /* closed with data queued: a moment's wait, then free */
    int sent = irda_stack_send(&NA.st, a1, big, sizeof big);
    assert_true(sent > 4096);
    assert_int_equal(irda_stack_close(&NA.st, a1, true), 0);
    assert_int_equal(irda_stack_can_connect(&NA.st, ADDR_B), IRDA_ERR_BUSY);
    for (int i = 0; i < 400 && !NB.disconnected; i++) {
        while (irda_stack_recv(&NB.st, b1, big, sizeof big) > 0)
            ;                                   /* B reads, so A's last data can go */
        run(20);
    }
    run(300);
    assert_true(NB.disconnected);
    assert_int_equal(irda_stack_can_connect(&NA.st, ADDR_B), IRDA_OK);
    assert_int_equal(irda_stack_can_connect(&NB.st, ADDR_A), IRDA_OK);
    irda_stack_close(&NB.st, b1, false);
    int b2 = 0;
    int a2 = connect_a(&b2);
    assert_int_equal(irda_stack_exclusive_state(&NA.st, a2), IRDA_ERR_INUSE);
}

static void test_refused_when_shared(void **s)
{
    (void)s;
    int b1 = 0, b2 = 0;
    assert_true(irda_stack_listen(&NB.st, IRLMP_LSAP_ANY, 4, &listener_b) > 0);
    int a1 = connect_a(&b1);
    int a2 = connect_a(&b2);
    assert_int_equal(irda_stack_request_exclusive(&NA.st, a1), IRDA_ERR_BUSY);
    assert_int_equal(irda_stack_exclusive_state(&NA.st, a1), IRDA_ERR_INUSE);
    assert_int_equal(irda_stack_can_connect(&NA.st, ADDR_B), IRDA_OK);
    assert_int_equal(irda_stack_request_exclusive(&NA.st, 99), IRDA_ERR_STATE);
    assert_int_equal(irda_stack_exclusive_state(&NA.st, 99), IRDA_ERR_STATE);
    assert_int_equal(irda_stack_request_exclusive(&NB.st, listener_b), IRDA_ERR_STATE);
    /* the other connection closed but still sending: not yet, then granted */
    static uint8_t big[20000];
    assert_true(irda_stack_send(&NA.st, a2, big, sizeof big) > 4096);
    assert_int_equal(irda_stack_close(&NA.st, a2, true), 0);
    assert_int_equal(irda_stack_request_exclusive(&NA.st, a1), IRDA_ERR_AGAIN);
    assert_int_equal(irda_stack_exclusive_state(&NA.st, a1), IRDA_ERR_INUSE);  /* nothing asked */
    for (int i = 0; i < 400 && irda_stack_request_exclusive(&NA.st, a1) == IRDA_ERR_AGAIN; i++) {
        while (irda_stack_recv(&NB.st, b2, big, sizeof big) > 0)
            ;
        run(20);
    }
    run(500);
    assert_int_equal(irda_stack_exclusive_state(&NA.st, a1), 1);
    assert_int_equal(irda_stack_exclusive_state(&NB.st, b1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_holds_and_releases_the_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_when_shared, setup, teardown),
    };
    return cmocka_run_group_tests_name("stack_exclusive", tests, NULL, NULL);
}
