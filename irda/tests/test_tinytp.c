/*
 * test_tinytp.c - TinyTP 1.1: connect TTP-PDU with the MaxSduSize parameter
 * (section 2.2.x: P bit, initial credit, parameter list PI 0x01), data
 * TTP-PDU header (M bit + delta credit), credit flow control and SAR between
 * two stations, and a graceful disconnect that delivers queued data first.
 * A hostile peer (a bare IrLMP user speaking TinyTP by hand) breaks each
 * rule in turn: the receiver ends the connection, the disconnect LM-PDU it
 * sends is checked byte by byte (reason 0xFF, the rule as user data), and
 * both users are told.
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
struct sink { size_t sdus, bytes; bool ok, connected, closed; int reason; uint8_t next; size_t sdu_len;
              bool budget; size_t space; /* budget: an application that never reads */ };
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
    if (s->budget) {
        s->space -= len < s->space ? len : s->space;
        ttp_set_rx_space(t, s->space);
    }
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

/* ---- a hostile peer: a bare IrLMP LSAP on A that writes TinyTP PDUs itself ---- */
struct raw { bool connected, closed; int reason; uint8_t slsap; size_t ud_len; uint8_t ud[64]; uint8_t peer_credit; };
static struct raw RH;
static struct irlmp_lsap *HL;

static void h_connect_cnf(void *ctx, struct irlmp_lsap *l, const uint8_t *ud, size_t len)
{
    (void)l;
    struct raw *r = ctx;
    r->connected = true;
    r->peer_credit = len ? ud[0] & 0x7F : 0;
}
static void h_data(void *ctx, struct irlmp_lsap *l, const uint8_t *d, size_t len)
{
    (void)ctx; (void)l; (void)d; (void)len;
}
static void h_disc(void *ctx, struct irlmp_lsap *l, enum irlmp_reason r, const uint8_t *ud, size_t len)
{
    (void)l;
    struct raw *h = ctx;
    h->closed = true;
    h->reason = (int)r;
    h->ud_len = len < sizeof h->ud ? len : sizeof h->ud;
    memcpy(h->ud, ud, h->ud_len);
}
static const struct irlmp_lsap_ops ops_h = { &RH, NULL, h_connect_cnf, h_data, h_disc,
                                             NULL, NULL, NULL };

/* The hostile LSAP connects to B's TinyTP listener with a hand-made connect
 * PDU (initial credit 3, no parameters: it takes no segments). */
static void hostile_connect(unsigned b_window)
{
    memset(&RH, 0, sizeof RH);
    assert_int_equal(ttp_open(&TL, &P.st[1].lmp, 0x10, &ops_b, b_max_sdu, 2), 0);
    assert_int_equal(ttp_listen(&TL), 0);
    HL = irlmp_open(&P.st[0].lmp, IRLMP_LSAP_ANY, &ops_h);
    assert_non_null(HL);
    const uint8_t conn_pdu[] = { 0x03 };
    assert_int_equal(irlmp_connect_request(HL, 0x22222222, 0x10, conn_pdu, 1), 0);
    pair_run(&P, 500);
    assert_true(RH.connected);
    RH.slsap = HL->slsap;                      /* HL is freed with the connection */
    assert_int_equal(RH.peer_credit, 2);       /* B's initial credit */
    if (b_window)
        ttp_set_rx_window(&TB, b_window);
    pair_run(&P, 300);
}

static void hostile_send(const uint8_t *pdu, size_t len)
{
    assert_int_equal(irlmp_data_request(HL, pdu, len), 0);
    pair_run(&P, 300);
}

/* B ended the connection for rule v: its user was told (local reason),
 * the hostile peer got reason 0xFF with the rule as user data, and the last
 * LM-PDU B put on the air is that disconnect, byte for byte. */
static void expect_violation(enum ttp_violation v)
{
    const char *why = ttp_violation_text(v);
    assert_true(SB.closed);
    assert_int_equal(SB.reason, IRLMP_R_LOCAL_VIOLATION);
    assert_int_equal(TB.violation, v);
    assert_int_equal(TB.state, TTP_CLOSED);
    assert_true(RH.closed);
    assert_int_equal(RH.reason, IRLMP_R_UNSPECIFIED);
    assert_int_equal(RH.ud_len, strlen(why));
    assert_memory_equal(RH.ud, why, strlen(why));
    int last = -1;
    for (unsigned i = 0; i < P.npdu; i++)
        if (P.pdu_from[i] == 1)
            last = (int)i;
    assert_true(last >= 0);
    uint8_t want[80] = { (uint8_t)(0x80 | RH.slsap), 0x10, 0x02, 0xFF };
    memcpy(want + 4, why, strlen(why));
    assert_int_equal(P.pdu_len[last], 4 + strlen(why));
    assert_memory_equal(P.pdu[last], want, 4 + strlen(why));
}

/* Data beyond the credit B gave: the PDUs within credit arrive whole, the
 * next one ends the connection (it used to be taken anyway, and the stack
 * above cut what did not fit). */
static void test_hostile_no_credit(void **s)
{
    (void)s;
    hostile_connect(0);
    SB.budget = true;                          /* room for two PDUs, never read */
    SB.space = 2 * 253;
    ttp_set_rx_space(&TB, SB.space);
    SB.sdu_len = 253;
    uint8_t pdu[254] = { 0x00 };
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 253; i++) pdu[1 + i] = (uint8_t)(k + i);
        hostile_send(pdu, sizeof pdu);
    }
    assert_int_equal(SB.sdus, 2);
    assert_true(SB.ok);
    assert_false(SB.closed);
    assert_int_equal(TB.remote_credit, 0);
    hostile_send(pdu, sizeof pdu);             /* the third: no credit left */
    assert_int_equal(SB.sdus, 2);              /* not delivered, not cut */
    expect_violation(TTP_V_NO_CREDIT);
}

static void test_hostile_credit_overflow(void **s)
{
    (void)s;
    hostile_connect(0);
    const uint8_t grant[] = { 0x7F };          /* credit only, 127 each */
    /* 3 (initial) + 8 x 127 = 1019: within TTP_SEND_CREDIT_MAX */
    for (int k = 0; k < 8; k++)
        hostile_send(grant, 1);
    assert_false(SB.closed);
    assert_int_equal(TB.send_credit, 3 + 8 * 127);
    hostile_send(grant, 1);
    expect_violation(TTP_V_CREDIT_OVERFLOW);
}

static void test_hostile_empty_pdu(void **s)
{
    (void)s;
    hostile_connect(0);
    hostile_send(NULL, 0);
    expect_violation(TTP_V_EMPTY_PDU);
}

static void test_hostile_unoffered_sar(void **s)
{
    (void)s;
    b_max_sdu = 0;                             /* B offers no SAR */
    hostile_connect(0);
    const uint8_t seg[] = { 0x80, 'x' };       /* M bit: more segments follow */
    hostile_send(seg, sizeof seg);
    expect_violation(TTP_V_UNOFFERED_SAR);
}

static void test_hostile_sdu_too_long(void **s)
{
    (void)s;
    b_max_sdu = 1000;
    hostile_connect(8);
    uint8_t seg[254] = { 0x80 };               /* 253 bytes a segment (B's frames) */
    for (int k = 0; k < 3; k++)
        hostile_send(seg, sizeof seg);         /* 759 of 1000 */
    assert_false(SB.closed);
    hostile_send(seg, sizeof seg);             /* 1012 */
    expect_violation(TTP_V_SDU_TOO_LONG);
    assert_int_equal(SB.sdus, 0);
}

/* A PDU longer than B's negotiated data size cannot leave A's IrLAP, which
 * keeps to it; it is handed to B's TinyTP as IrLMP would deliver it from a
 * peer that ignores the negotiation. */
static void test_hostile_pdu_too_long(void **s)
{
    (void)s;
    hostile_connect(0);
    uint8_t big[300] = { 0x00 };
    struct irlmp_lsap *l = TB.lsap;
    l->ops.data_ind(l->ops.ctx, l, big, sizeof big);
    pair_run(&P, 300);
    expect_violation(TTP_V_PDU_TOO_LONG);
    assert_int_equal(SB.sdus, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_pdu),
        cmocka_unit_test_setup(test_credit_and_sar, setup),
        cmocka_unit_test_setup(test_no_sar, setup),
        cmocka_unit_test_setup(test_graceful_disconnect, setup),
        cmocka_unit_test_setup(test_graceful_disconnect_full_queue, setup),
        cmocka_unit_test_setup(test_hostile_no_credit, setup),
        cmocka_unit_test_setup(test_hostile_credit_overflow, setup),
        cmocka_unit_test_setup(test_hostile_empty_pdu, setup),
        cmocka_unit_test_setup(test_hostile_unoffered_sar, setup),
        cmocka_unit_test_setup(test_hostile_sdu_too_long, setup),
        cmocka_unit_test_setup(test_hostile_pdu_too_long, setup),
    };
    return cmocka_run_group_tests_name("tinytp", tests, NULL, NULL);
}
