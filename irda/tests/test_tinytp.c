/*
 * test_tinytp.c - TinyTP 1.1: connect TTP-PDU with the MaxSduSize parameter
 * (section 2.2.x: P bit, initial credit, parameter list PI 0x01), data
 * TTP-PDU header (M bit + delta credit), credit flow control and SAR between
 * two stations, and a graceful disconnect that delivers queued data first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "pair.h"
#include "tinytp.h"

static void test_connect_pdu(void **s)
{
    (void)s;
    uint8_t out[32];
    /* initial credit 7, MaxSduSize 1024: 87 | 04 | 01 02 04 00 */
    const uint8_t want[] = { 0x87, 0x04, 0x01, 0x02, 0x04, 0x00 };
    assert_int_equal(ttp_connect_pdu_encode(out, sizeof out, 7, true, 1024, NULL, 0), sizeof want);
    assert_memory_equal(out, want, sizeof want);
    struct ttp_params p;
    const uint8_t *ud;
    size_t ul;
    assert_int_equal(ttp_connect_pdu_decode(want, sizeof want, &p, &ud, &ul), 0);
    assert_int_equal(p.credit, 7);
    assert_true(p.has_max_sdu);
    assert_int_equal(p.max_sdu, 1024);
    assert_int_equal(ul, 0);
    /* no parameters, credit 14, user data "x": 0E 'x' */
    const uint8_t plain[] = { 0x0E, 'x' };
    assert_int_equal(ttp_connect_pdu_encode(out, sizeof out, 14, false, 0, (const uint8_t *)"x", 1), 2);
    assert_memory_equal(out, plain, 2);
    assert_int_equal(ttp_connect_pdu_decode(plain, 2, &p, &ud, &ul), 0);
    assert_false(p.has_max_sdu);
    assert_int_equal(ul, 1);
    assert_int_equal(ud[0], 'x');
    /* 4-byte PV, an unknown parameter skipped, user data after the list */
    const uint8_t four[] = { 0x81, 0x09, 0x7E, 0x01, 0xAA, 0x01, 0x04, 0x00, 0x01, 0x00, 0x00, 'u' };
    assert_int_equal(ttp_connect_pdu_decode(four, sizeof four, &p, &ud, &ul), 0);
    assert_int_equal(p.max_sdu, 0x10000);
    assert_int_equal(ul, 1);
    /* malformed */
    const uint8_t noplen[] = { 0x81 };
    assert_int_equal(ttp_connect_pdu_decode(noplen, 1, &p, &ud, &ul), IRDA_ERR_SHORT);
    const uint8_t over[] = { 0x81, 0x05, 0x01, 0x01, 0x10 };
    assert_int_equal(ttp_connect_pdu_decode(over, sizeof over, &p, &ud, &ul), IRDA_ERR_SHORT);
    const uint8_t pl0[] = { 0x81, 0x02, 0x01, 0x00 };
    assert_int_equal(ttp_connect_pdu_decode(pl0, sizeof pl0, &p, &ud, &ul), IRDA_ERR_FORMAT);
    const uint8_t pl5[] = { 0x81, 0x07, 0x01, 0x05, 1, 2, 3, 4, 5 };
    assert_int_equal(ttp_connect_pdu_decode(pl5, sizeof pl5, &p, &ud, &ul), IRDA_ERR_FORMAT);
    const uint8_t cut[] = { 0x81, 0x03, 0x01, 0x02, 0x04 };
    assert_int_equal(ttp_connect_pdu_decode(cut, sizeof cut, &p, &ud, &ul), IRDA_ERR_SHORT);
    assert_int_equal(ttp_connect_pdu_decode(cut, 0, &p, &ud, &ul), IRDA_ERR_SHORT);
}

/* ---- two stations ---- */
static struct pair P;
static struct ttp TA, TL, TB;      /* A's connection, B's listener, B's accepted connection */
struct sink { size_t sdus, bytes; bool ok, connected, closed; int reason; uint8_t next; size_t sdu_len; };
static struct sink SA, SB;
static uint32_t b_max_sdu;

static void t_connect_ind(void *ctx, struct ttp *lis, struct irlmp_lsap *conn,
                          const struct ttp_params *peer, const uint8_t *ud, size_t len)
{
    (void)lis; (void)ud; (void)len;
    struct sink *s = ctx;
    s->connected = true;
    struct ttp_ops ops = TL.ops;
    assert_int_equal(ttp_accept(&TB, conn, &ops, b_max_sdu, 2, peer, NULL, 0), 0);
}
static void t_connect_cnf(void *ctx, struct ttp *t, const uint8_t *ud, size_t len)
{
    (void)t; (void)ud; (void)len;
    ((struct sink *)ctx)->connected = true;
}
static void t_data(void *ctx, struct ttp *t, const uint8_t *d, size_t len)
{
    (void)t;
    struct sink *s = ctx;
    if (len != s->sdu_len)
        s->ok = false;
    for (size_t i = 0; i < len; i++)
        if (d[i] != (uint8_t)(s->next + i))
            s->ok = false;
    s->next++;
    s->sdus++;
    s->bytes += len;
}
static void t_disc(void *ctx, struct ttp *t, enum irlmp_reason r, const uint8_t *ud, size_t len)
{
    (void)t; (void)ud; (void)len;
    struct sink *s = ctx;
    s->closed = true;
    s->reason = (int)r;
}

static const struct ttp_ops ops_a = { &SA, NULL, t_connect_cnf, t_data, t_disc, NULL };
static const struct ttp_ops ops_b = { &SB, t_connect_ind, NULL, t_data, t_disc, NULL };

static int setup(void **s)
{
    (void)s;
    pair_init(&P);
    memset(&SA, 0, sizeof SA);
    memset(&SB, 0, sizeof SB);
    SA.ok = SB.ok = true;
    b_max_sdu = 4096;
    return 0;
}

static void connect_ab(uint32_t a_max_sdu)
{
    assert_int_equal(ttp_open(&TL, &P.st[1].lmp, 0x10, &ops_b, b_max_sdu, 2), 0);
    assert_int_equal(ttp_listen(&TL), 0);
    assert_int_equal(ttp_open(&TA, &P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a, a_max_sdu, 3), 0);
    assert_int_equal(ttp_connect(&TA, 0x22222222, 0x10, NULL, 0), 0);
    pair_run(&P, 500);
    assert_true(SA.connected);
    assert_true(SB.connected);
    assert_int_equal(TA.state, TTP_OPEN);
    assert_int_equal(TB.state, TTP_OPEN);
    assert_int_equal(TA.send_credit, 2);      /* B's initial credit */
    assert_int_equal(TB.send_credit, 3);
    /* connect PDU: A offers credit 3 and its MaxSduSize */
    assert_int_equal(P.pdu[0][4] & 0x7F, 3);
}

static void send_sdus(struct ttp *t, int n, size_t len)
{
    uint8_t buf[4096];
    static uint8_t first;
    first = 0;
    for (int k = 0; k < n; k++) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)(first + i);
        int rc;
        while ((rc = ttp_send(t, buf, len)) == IRDA_ERR_AGAIN)
            pair_run(&P, 50);
        assert_int_equal(rc, 0);
        first++;
    }
}

static void test_credit_and_sar(void **s)
{
    (void)s;
    connect_ab(8192);
    /* B takes 256-byte frames: 253 user bytes per PDU; a 1000-byte SDU is 4 PDUs */
    assert_int_equal(ttp_max_pdu_data(&TA), 253);
    SB.sdu_len = 1000;
    send_sdus(&TA, 30, 1000);
    pair_run(&P, 3000);
    assert_int_equal(SB.sdus, 30);
    assert_true(SB.ok);
    assert_int_equal(TA.tx_pdus, 120);
    assert_true(TB.credit_pdus > 0);          /* B hands out credit without data */
    assert_int_equal(TB.protocol_errors, 0);
    /* and the other way, with a bigger window */
    ttp_set_rx_window(&TA, 10);
    SA.sdu_len = 3000;
    send_sdus(&TB, 10, 3000);
    pair_run(&P, 3000);
    assert_int_equal(SA.sdus, 10);
    assert_true(SA.ok);
    assert_int_equal(TA.protocol_errors, 0);
    /* an SDU beyond the peer's MaxSduSize */
    uint8_t big[4097] = {0};
    assert_int_equal(ttp_send(&TA, big, sizeof big), IRDA_ERR_RANGE);
}

static void test_no_sar(void **s)
{
    (void)s;
    b_max_sdu = 0;                             /* B does not reassemble */
    connect_ab(0);
    assert_false(TA.tx_sar);
    uint8_t buf[300] = {0};
    assert_int_equal(ttp_send(&TA, buf, 254), IRDA_ERR_RANGE);
    SB.sdu_len = 253;
    send_sdus(&TA, 5, 253);
    pair_run(&P, 1000);
    assert_int_equal(SB.sdus, 5);
    assert_true(SB.ok);
}

static void test_graceful_disconnect(void **s)
{
    (void)s;
    connect_ab(8192);
    SB.sdu_len = 500;
    send_sdus(&TA, 12, 500);                   /* more than the credit allows at once */
    assert_true(ttp_tx_queued(&TA) > 0);
    assert_int_equal(ttp_disconnect(&TA, true, NULL, 0), 0);
    assert_int_equal(TA.state, TTP_CLOSING);
    pair_run(&P, 3000);
    assert_int_equal(SB.sdus, 12);             /* every byte before the close */
    assert_true(SB.ok);
    assert_true(SB.closed);
    assert_int_equal(SB.reason, IRLMP_R_USER);
    assert_int_equal(TA.state, TTP_CLOSED);
    assert_false(SA.closed);
}

/* A graceful close issued when IrLAP's transmit queue is full (the last
 * data PDUs have just been handed down): the disconnect must still follow
 * the data, not be lost -- otherwise the peer's next credit PDU reaches a
 * freed LSAP and it is reset with "data sent on a disconnected LSAP". A new
 * connection made at once gets another local LSAP number, so PDUs of the
 * old one still in flight cannot reach it. */
static void test_graceful_disconnect_full_queue(void **s)
{
    (void)s;
    connect_ab(8192);
    ttp_set_rx_window(&TB, 20);                /* credit for a whole IrLAP queue and more */
    pair_run(&P, 500);
    assert_true(TA.send_credit >= IRLAP_TXQ_LEN);
    uint8_t old_lsap = TA.lsap->slsap;
    SB.sdu_len = 100;
    send_sdus(&TA, IRLAP_TXQ_LEN, 100);        /* fills IrLAP's queue, nothing sent yet */
    assert_int_equal(irlap_tx_space(&P.st[0].lap), 0);
    assert_int_equal(ttp_disconnect(&TA, true, NULL, 0), 0);
    struct ttp T2;
    assert_int_equal(ttp_open(&T2, &P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a, 8192, 3), 0);
    assert_int_not_equal(T2.lsap->slsap, old_lsap);
    irlmp_close(T2.lsap);
    pair_run(&P, 3000);
    assert_int_equal(SB.sdus, IRLAP_TXQ_LEN);
    assert_true(SB.ok);
    assert_true(SB.closed);
    assert_int_equal(SB.reason, IRLMP_R_USER);
    assert_int_equal(TA.state, TTP_CLOSED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_pdu),
        cmocka_unit_test_setup(test_credit_and_sar, setup),
        cmocka_unit_test_setup(test_no_sar, setup),
        cmocka_unit_test_setup(test_graceful_disconnect, setup),
        cmocka_unit_test_setup(test_graceful_disconnect_full_queue, setup),
    };
    return cmocka_run_group_tests_name("tinytp", tests, NULL, NULL);
}
