/*
 * test_irlmp.c - IrLMP 1.1: LM-PDU formats (section 4.2, the connect,
 * disconnect and access-mode control PDUs of 4.2.x) byte by byte, and LSAP
 * multiplexing between two stations (connect/disconnect with user data,
 * refusal with reason 0x08, data on a disconnected LSAP answered with reason
 * 0x06, link loss reported as 0x02, the idle link closed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "pair.h"

static void test_pdu_formats(void **s)
{
    (void)s;
    struct irlmp_pdu p;
    uint8_t out[32];
    /* connect request from SLSAP 0x12 to DLSAP 0x05, user data "hi" */
    const uint8_t con[] = { 0x85, 0x12, 0x01, 0x00, 'h', 'i' };
    assert_int_equal(irlmp_pdu_decode(con, sizeof con, &p), 0);
    assert_true(p.control);
    assert_int_equal(p.dlsap, 0x05);
    assert_int_equal(p.slsap, 0x12);
    assert_int_equal(p.opcode, IRLMP_OP_CONNECT);
    assert_false(p.confirm);
    assert_int_equal(p.len, 2);
    assert_int_equal(irlmp_pdu_encode(out, sizeof out, &p), sizeof con);
    assert_memory_equal(out, con, sizeof con);
    /* connect confirm */
    const uint8_t cnf[] = { 0x92, 0x05, 0x81, 0x00 };
    assert_int_equal(irlmp_pdu_decode(cnf, sizeof cnf, &p), 0);
    assert_true(p.confirm);
    assert_int_equal(p.len, 0);
    /* disconnect, reason 0x01 user request */
    const uint8_t dis[] = { 0x85, 0x12, 0x02, 0x01 };
    assert_int_equal(irlmp_pdu_decode(dis, sizeof dis, &p), 0);
    assert_int_equal(p.opcode, IRLMP_OP_DISCONNECT);
    assert_int_equal(p.param, IRLMP_R_USER);
    /* access mode request (exclusive) and its confirm (status 0, mode 1) */
    const uint8_t acc[] = { 0x85, 0x12, 0x03, 0x00, 0x01 };
    assert_int_equal(irlmp_pdu_decode(acc, sizeof acc, &p), 0);
    assert_int_equal(p.mode, 1);
    assert_int_equal(irlmp_pdu_encode(out, sizeof out, &p), sizeof acc);
    assert_memory_equal(out, acc, sizeof acc);
    const uint8_t accc[] = { 0x92, 0x05, 0x83, 0x00, 0x01 };
    assert_int_equal(irlmp_pdu_decode(accc, sizeof accc, &p), 0);
    assert_true(p.confirm);
    /* data PDU */
    const uint8_t dat[] = { 0x05, 0x12, 'd', 'a', 't', 'a' };
    assert_int_equal(irlmp_pdu_decode(dat, sizeof dat, &p), 0);
    assert_false(p.control);
    assert_int_equal(p.len, 4);
    /* malformed */
    const uint8_t rbit[] = { 0x05, 0x92 };
    assert_int_equal(irlmp_pdu_decode(rbit, 2, &p), IRDA_ERR_FORMAT);
    const uint8_t op4[] = { 0x85, 0x12, 0x04, 0x00 };
    assert_int_equal(irlmp_pdu_decode(op4, 4, &p), IRDA_ERR_FORMAT);
    const uint8_t dcnf[] = { 0x85, 0x12, 0x82, 0x00 };
    assert_int_equal(irlmp_pdu_decode(dcnf, 4, &p), IRDA_ERR_FORMAT);
    const uint8_t mode2[] = { 0x85, 0x12, 0x03, 0x00, 0x02 };
    assert_int_equal(irlmp_pdu_decode(mode2, 5, &p), IRDA_ERR_FORMAT);
    assert_int_equal(irlmp_pdu_decode(con, 3, &p), IRDA_ERR_SHORT);
    assert_int_equal(irlmp_pdu_decode(con, 1, &p), IRDA_ERR_SHORT);
}

/* ---- two stations ---- */
struct user {
    struct irlmp_lsap *conn;
    bool accept, connected, disconnected;
    int reason;
    char ud[64];
    size_t rx;
    char rxbuf[4096];
};
static struct pair P;
static struct user UA_, UB;

static void u_connect_ind(void *ctx, struct irlmp_lsap *lis, struct irlmp_lsap *c, const uint8_t *ud, size_t n)
{
    (void)lis;
    struct user *u = ctx;
    u->conn = c;
    if (n) memcpy(u->ud, ud, n);
    u->ud[n] = 0;
    if (u->accept) {
        assert_int_equal(irlmp_connect_response(c, (const uint8_t *)"ok", 2), 0);
        u->connected = true;
    } else {
        assert_int_equal(irlmp_disconnect_request(c, NULL, 0), 0);
    }
}
static void u_connect_cnf(void *ctx, struct irlmp_lsap *l, const uint8_t *ud, size_t n)
{
    struct user *u = ctx;
    (void)l;
    u->connected = true;
    if (n) memcpy(u->ud, ud, n);
    u->ud[n] = 0;
}
static void u_data(void *ctx, struct irlmp_lsap *l, const uint8_t *d, size_t n)
{
    struct user *u = ctx;
    (void)l;
    assert_true(u->rx + n <= sizeof u->rxbuf);
    memcpy(u->rxbuf + u->rx, d, n);
    u->rx += n;
}
static void u_disc(void *ctx, struct irlmp_lsap *l, enum irlmp_reason r, const uint8_t *ud, size_t n)
{
    struct user *u = ctx;
    (void)l;
    u->disconnected = true;
    u->connected = false;
    u->reason = (int)r;
    u->conn = NULL;
    if (n) memcpy(u->ud, ud, n);
    u->ud[n] = 0;
}

static int setup(void **s)
{
    (void)s;
    pair_init(&P);
    memset(&UA_, 0, sizeof UA_);
    memset(&UB, 0, sizeof UB);
    UB.accept = true;
    return 0;
}

static const struct irlmp_lsap_ops ops_a = { &UA_, NULL, u_connect_cnf, u_data, u_disc, NULL, NULL, NULL };
static const struct irlmp_lsap_ops ops_b = { &UB, u_connect_ind, NULL, u_data, u_disc, NULL, NULL, NULL };

static void connect_pair(void)
{
    struct irlmp_lsap *lis = irlmp_open(&P.st[1].lmp, 0x05, &ops_b);
    assert_non_null(lis);
    assert_int_equal(irlmp_listen(lis), 0);
    struct irlmp_lsap *a = irlmp_open(&P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a);
    assert_non_null(a);
    assert_int_equal(a->slsap, IRLMP_LSAP_MIN);
    UA_.conn = a;
    assert_int_equal(irlmp_connect_request(a, 0x22222222, 0x05, (const uint8_t *)"hi", 2), 0);
    pair_run(&P, 500);
    assert_true(UA_.connected);
    assert_true(UB.connected);
    assert_string_equal(UB.ud, "hi");
    assert_string_equal(UA_.ud, "ok");
    /* the first LM-PDU on the air is the connect request (IrLMP 4.2.x) */
    const uint8_t con[] = { 0x85, 0x01, 0x01, 0x00, 'h', 'i' };
    assert_int_equal(P.pdu_len[0], sizeof con);
    assert_memory_equal(P.pdu[0], con, sizeof con);
    const uint8_t cnf[] = { 0x81, 0x05, 0x81, 0x00, 'o', 'k' };
    assert_int_equal(P.pdu_len[1], sizeof cnf);
    assert_memory_equal(P.pdu[1], cnf, sizeof cnf);
}

static void test_connect_data_disconnect(void **s)
{
    (void)s;
    connect_pair();
    /* data both ways; B only takes 256-byte IrLAP frames: 254-byte SDUs */
    assert_int_equal(irlmp_max_sdu(UA_.conn), 254);
    assert_int_equal(irlmp_max_sdu(UB.conn), 2046);
    assert_int_equal(irlmp_data_request(UA_.conn, (const uint8_t *)"hello", 5), 0);
    assert_int_equal(irlmp_data_request(UB.conn, (const uint8_t *)"world", 5), 0);
    uint8_t big[255] = {0};
    assert_int_equal(irlmp_data_request(UA_.conn, big, sizeof big), IRDA_ERR_RANGE);
    pair_run(&P, 500);
    assert_int_equal(UB.rx, 5);
    assert_memory_equal(UB.rxbuf, "hello", 5);
    assert_int_equal(UA_.rx, 5);
    assert_memory_equal(UA_.rxbuf, "world", 5);
    /* disconnect with user data */
    struct irlmp_lsap *a = UA_.conn;
    assert_int_equal(irlmp_disconnect_request(a, (const uint8_t *)"bye", 3), 0);
    pair_run(&P, 300);
    assert_true(UB.disconnected);
    assert_int_equal(UB.reason, IRLMP_R_USER);
    assert_string_equal(UB.ud, "bye");
    assert_false(UA_.disconnected);          /* a local disconnect is not indicated */
    /* the unused link is closed by IrLMP after its idle time */
    assert_true(irlap_is_connected(&P.st[0].lap));
    pair_run(&P, 5000);
    assert_false(irlap_is_connected(&P.st[0].lap));
    assert_false(irlap_is_connected(&P.st[1].lap));
}

static void test_refused_and_no_client(void **s)
{
    (void)s;
    /* nobody listens on 0x09: reason 0x08 (no available LM-MUX client) */
    struct irlmp_lsap *a = irlmp_open(&P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a);
    assert_int_equal(irlmp_connect_request(a, 0x22222222, 0x09, NULL, 0), 0);
    pair_run(&P, 500);
    assert_true(UA_.disconnected);
    assert_int_equal(UA_.reason, IRLMP_R_NO_CLIENT);
    /* a listener refusing: reason user request */
    UB.accept = false;
    struct irlmp_lsap *lis = irlmp_open(&P.st[1].lmp, 0x05, &ops_b);
    assert_int_equal(irlmp_listen(lis), 0);
    struct irlmp_lsap *lis2 = irlmp_open(&P.st[1].lmp, 0x05, &ops_b);
    assert_int_equal(irlmp_listen(lis2), IRDA_ERR_INUSE);
    irlmp_close(lis2);
    UA_.disconnected = false;
    a = irlmp_open(&P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a);
    assert_int_equal(irlmp_connect_request(a, 0x22222222, 0x05, NULL, 0), 0);
    pair_run(&P, 500);
    assert_true(UA_.disconnected);
    assert_int_equal(UA_.reason, IRLMP_R_USER);
    /* nobody at that device address: the IrLAP connection fails (0x03) */
    pair_run(&P, 5000);
    UA_.disconnected = false;
    a = irlmp_open(&P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a);
    assert_int_equal(irlmp_connect_request(a, 0x33333333, 0x05, NULL, 0), 0);
    pair_run(&P, 10000);
    assert_true(UA_.disconnected);
    assert_int_equal(UA_.reason, IRLMP_R_LAP_CONNFAIL);
}

static void test_data_on_disconnected_lsap(void **s)
{
    (void)s;
    connect_pair();
    unsigned before = P.npdu;
    const uint8_t stray[] = { 0x33, 0x44, 'x' };   /* to B's LSAP 0x33 from 0x44: not connected */
    assert_int_equal(irlap_data_request(&P.st[0].lap, stray, sizeof stray), 0);
    pair_run(&P, 500);
    const uint8_t ans[] = { 0xC4, 0x33, 0x02, 0x06 };
    bool found = false;
    for (unsigned i = before; i < P.npdu; i++)
        if (P.pdu_from[i] == 1 && P.pdu_len[i] == 4 && !memcmp(P.pdu[i], ans, 4))
            found = true;
    assert_true(found);
    assert_true(UA_.connected);
}

static void test_link_loss(void **s)
{
    (void)s;
    connect_pair();
    P.cut = true;
    pair_run(&P, 20000);
    assert_true(UA_.disconnected);
    assert_int_equal(UA_.reason, IRLMP_R_LAP_DISC);
    assert_true(UB.disconnected);
    assert_int_equal(UB.reason, IRLMP_R_LAP_DISC);
    assert_int_equal(P.st[0].link_down, IRLAP_R_LINK_LOST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdu_formats),
        cmocka_unit_test_setup(test_connect_data_disconnect, setup),
        cmocka_unit_test_setup(test_refused_and_no_client, setup),
        cmocka_unit_test_setup(test_data_on_disconnected_lsap, setup),
        cmocka_unit_test_setup(test_link_loss, setup),
    };
    return cmocka_run_group_tests_name("irlmp", tests, NULL, NULL);
}
