/*
 * test_irlmp_access.c - IrLMP access mode (LM_AccessMode, irlmp_access.c)
 * between two stations in memory: the request and confirm PDUs byte by
 * byte, both sides holding the link while exclusive (a local connect fails
 * IRDA_ERR_EXCLUSIVE, a peer's connect, IAS included, is answered with a
 * disconnect of reason 0xFF and IRLMP_EXCLUSIVE_TEXT), data frames
 * unchanged, the mode given back by a multiplexed request and by the end
 * of the connection; refused when the link is shared (locally at once,
 * and by the peer with status 0x01).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "pair.h"

struct user {
    struct irlmp_lsap *conn;
    bool connected, disconnected;
    int reason, cnf_status, cnf_mode, ind_mode, ncnf, nind;
    size_t rx;
    char rxbuf[256];
};
static struct pair P;
static struct user UA_, UB;

static void u_connect_ind(void *ctx, struct irlmp_lsap *lis, struct irlmp_lsap *c, const uint8_t *ud, size_t n)
{
    (void)lis; (void)ud; (void)n;
    struct user *u = ctx;
    u->conn = c;
    assert_int_equal(irlmp_connect_response(c, NULL, 0), 0);
    u->connected = true;
}
static void u_connect_cnf(void *ctx, struct irlmp_lsap *l, const uint8_t *ud, size_t n)
{
    (void)l; (void)ud; (void)n;
    ((struct user *)ctx)->connected = true;
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
    (void)l; (void)ud; (void)n;
    u->disconnected = true;
    u->connected = false;
    u->reason = (int)r;
    u->conn = NULL;
}
static void u_access_cnf(void *ctx, struct irlmp_lsap *l, uint8_t status, uint8_t mode)
{
    struct user *u = ctx;
    (void)l;
    u->ncnf++;
    u->cnf_status = status;
    u->cnf_mode = mode;
}
static void u_access_ind(void *ctx, struct irlmp_lsap *l, uint8_t mode)
{
    struct user *u = ctx;
    (void)l;
    u->nind++;
    u->ind_mode = mode;
}

static const struct irlmp_lsap_ops ops_a = { &UA_, u_connect_ind, u_connect_cnf, u_data, u_disc,
                                             NULL, u_access_cnf, u_access_ind };
static const struct irlmp_lsap_ops ops_b = { &UB, u_connect_ind, u_connect_cnf, u_data, u_disc,
                                             NULL, u_access_cnf, u_access_ind };

static int setup(void **s)
{
    (void)s;
    pair_init(&P);
    memset(&UA_, 0, sizeof UA_);
    memset(&UB, 0, sizeof UB);
    return 0;
}

/* A new LSAP of A connected to B's listener on dlsap. */
static struct irlmp_lsap *connect_a_to_b(uint8_t dlsap, struct user *ua, struct user *ub)
{
    struct irlmp_lsap *a = irlmp_open(&P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a);
    assert_non_null(a);
    a->ops.ctx = ua;
    assert_int_equal(irlmp_connect_request(a, 0x22222222, dlsap, NULL, 0), 0);
    pair_run(&P, 500);
    assert_true(ua->connected);
    assert_true(ub->connected);
    return a;
}

static struct irlmp_lsap *listen_b(uint8_t lsap, struct user *u)
{
    struct irlmp_lsap *lis = irlmp_open(&P.st[1].lmp, lsap, &ops_b);
    assert_non_null(lis);
    lis->ops.ctx = u;
    assert_int_equal(irlmp_listen(lis), 0);
    return lis;
}

/* Whether station `from` sent exactly these LM-PDU bytes since PDU `since`. */
static bool sent(int from, unsigned since, const uint8_t *b, size_t n)
{
    for (unsigned i = since; i < P.npdu; i++)
        if (P.pdu_from[i] == from && P.pdu_len[i] == n && !memcmp(P.pdu[i], b, n))
            return true;
    return false;
}

static void test_exclusive_holds_the_link(void **s)
{
    (void)s;
    listen_b(0x05, &UB);
    struct irlmp_lsap *a = connect_a_to_b(0x05, &UA_, &UB);
    unsigned mark = P.npdu;
    assert_int_equal(irlmp_access_request(a, IRLMP_MODE_EXCLUSIVE), 0);
    pair_run(&P, 500);
    const uint8_t req[] = { 0x85, 0x01, 0x03, 0x00, 0x01 };
    const uint8_t cnf[] = { 0x81, 0x05, 0x83, 0x00, 0x01 };
    assert_true(sent(0, mark, req, sizeof req));
    assert_true(sent(1, mark, cnf, sizeof cnf));
    assert_int_equal(UA_.ncnf, 1);
    assert_int_equal(UA_.cnf_status, IRLMP_ACCESS_SUCCESS);
    assert_int_equal(UA_.cnf_mode, IRLMP_MODE_EXCLUSIVE);
    assert_int_equal(UB.nind, 1);
    assert_int_equal(UB.ind_mode, IRLMP_MODE_EXCLUSIVE);
    assert_ptr_equal(irlmp_exclusive_holder(&P.st[0].lmp), a);
    assert_ptr_equal(irlmp_exclusive_holder(&P.st[1].lmp), UB.conn);

    /* data frames keep their LM header */
    mark = P.npdu;
    assert_int_equal(irlmp_data_request(a, (const uint8_t *)"x", 1), 0);
    pair_run(&P, 300);
    const uint8_t dat[] = { 0x05, 0x01, 'x' };
    assert_true(sent(0, mark, dat, sizeof dat));
    assert_int_equal(UB.rx, 1);

    /* a second local connection, on either side, is refused at once */
    struct irlmp_lsap *a2 = irlmp_open(&P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a);
    assert_int_equal(irlmp_connect_request(a2, 0x22222222, 0x05, NULL, 0), IRDA_ERR_EXCLUSIVE);
    assert_int_equal(irlmp_connect_request(a2, 0x22222222, IRLMP_LSAP_IAS, NULL, 0),
                     IRDA_ERR_EXCLUSIVE);
    struct irlmp_lsap *b2 = irlmp_open(&P.st[1].lmp, IRLMP_LSAP_ANY, &ops_b);
    assert_int_equal(irlmp_connect_request(b2, 0x11111111, 0x07, NULL, 0), IRDA_ERR_EXCLUSIVE);
    irlmp_close(b2);
    /* a connect PDU from the peer is answered with a disconnect, 0xFF + text */
    struct user ub2 = { 0 };
    listen_b(0x06, &ub2);
    mark = P.npdu;
    const uint8_t con[] = { 0x86, 0x02, 0x01, 0x00 };
    assert_int_equal(irlap_data_request(&P.st[0].lap, con, sizeof con), 0);
    const uint8_t ias[] = { 0x80, 0x03, 0x01, 0x00 };
    assert_int_equal(irlap_data_request(&P.st[0].lap, ias, sizeof ias), 0);
    pair_run(&P, 500);
    uint8_t dis[4 + sizeof IRLMP_EXCLUSIVE_TEXT - 1] = { 0x82, 0x06, 0x02, 0xFF };
    memcpy(dis + 4, IRLMP_EXCLUSIVE_TEXT, sizeof IRLMP_EXCLUSIVE_TEXT - 1);
    assert_true(sent(1, mark, dis, sizeof dis));
    dis[0] = 0x83;
    dis[1] = 0x00;
    assert_true(sent(1, mark, dis, sizeof dis));
    assert_false(ub2.connected);
    assert_int_equal(P.st[1].lmp.exclusive_refused, 3);   /* b2's connect and the two PDUs */

    /* multiplexed again: the link is shared once more */
    mark = P.npdu;
    assert_int_equal(irlmp_access_request(a, IRLMP_MODE_MULTIPLEXED), 0);
    pair_run(&P, 500);
    const uint8_t req0[] = { 0x85, 0x01, 0x03, 0x00, 0x00 };
    const uint8_t cnf0[] = { 0x81, 0x05, 0x83, 0x00, 0x00 };
    assert_true(sent(0, mark, req0, sizeof req0));
    assert_true(sent(1, mark, cnf0, sizeof cnf0));
    assert_int_equal(UA_.cnf_mode, IRLMP_MODE_MULTIPLEXED);
    assert_int_equal(UB.ind_mode, IRLMP_MODE_MULTIPLEXED);
    assert_null(irlmp_exclusive_holder(&P.st[0].lmp));
    assert_null(irlmp_exclusive_holder(&P.st[1].lmp));
    assert_int_equal(irlmp_connect_request(a2, 0x22222222, 0x06, NULL, 0), 0);
    pair_run(&P, 500);
    assert_true(ub2.connected);
    irlmp_disconnect_request(a2, NULL, 0);
    pair_run(&P, 300);

    /* exclusive again, then the connection ends: so does the mode */
    assert_int_equal(irlmp_access_request(a, IRLMP_MODE_EXCLUSIVE), 0);
    pair_run(&P, 500);
    assert_ptr_equal(irlmp_exclusive_holder(&P.st[1].lmp), UB.conn);
    assert_int_equal(irlmp_disconnect_request(a, NULL, 0), 0);
    pair_run(&P, 300);
    assert_true(UB.disconnected);
    assert_null(irlmp_exclusive_holder(&P.st[0].lmp));
    assert_null(irlmp_exclusive_holder(&P.st[1].lmp));
    struct user ua3 = { 0 }, ub3 = { 0 };
    listen_b(0x07, &ub3);
    a = irlmp_open(&P.st[0].lmp, IRLMP_LSAP_ANY, &ops_a);
    a->ops.ctx = &ua3;
    assert_int_equal(irlmp_connect_request(a, 0x22222222, 0x07, NULL, 0), 0);
    pair_run(&P, 500);
    assert_true(ua3.connected);
    assert_true(P.npdu < 64);                 /* every PDU above was in the log */
}

static void test_exclusive_refused_when_shared(void **s)
{
    (void)s;
    struct user ub2 = { 0 }, ua2 = { 0 };
    listen_b(0x05, &UB);
    listen_b(0x06, &ub2);
    struct irlmp_lsap *a = connect_a_to_b(0x05, &UA_, &UB);
    connect_a_to_b(0x06, &ua2, &ub2);
    /* the requester's own IrLMP refuses: not the link's only connection */
    unsigned mark = P.npdu;
    assert_int_equal(irlmp_access_request(a, IRLMP_MODE_EXCLUSIVE), IRDA_ERR_BUSY);
    assert_int_equal(irlmp_access_request(a, 0x02), IRDA_ERR_RANGE);
    pair_run(&P, 300);
    assert_int_equal(P.npdu, mark);
    /* and so does the peer's, for a request that arrives anyway */
    const uint8_t req[] = { 0x85, 0x01, 0x03, 0x00, 0x01 };
    assert_int_equal(irlap_data_request(&P.st[0].lap, req, sizeof req), 0);
    /* a request for LSAPs not connected: failure too */
    const uint8_t stray[] = { 0x8A, 0x0B, 0x03, 0x00, 0x01 };
    assert_int_equal(irlap_data_request(&P.st[0].lap, stray, sizeof stray), 0);
    pair_run(&P, 500);
    const uint8_t fail[] = { 0x81, 0x05, 0x83, 0x01, 0x00 };
    const uint8_t fail_stray[] = { 0x8B, 0x0A, 0x83, 0x01, 0x00 };
    assert_true(sent(1, mark, fail, sizeof fail));
    assert_true(sent(1, mark, fail_stray, sizeof fail_stray));
    assert_null(irlmp_exclusive_holder(&P.st[1].lmp));
    assert_int_equal(UB.nind, 0);
    /* one connection left: now it is granted */
    assert_int_equal(irlmp_disconnect_request(ub2.conn, NULL, 0), 0);
    pair_run(&P, 300);
    assert_true(ua2.disconnected);
    assert_int_equal(irlmp_access_request(a, IRLMP_MODE_EXCLUSIVE), 0);
    assert_int_equal(irlmp_access_request(a, IRLMP_MODE_EXCLUSIVE), IRDA_ERR_STATE);  /* pending */
    pair_run(&P, 500);
    assert_int_equal(UA_.cnf_status, IRLMP_ACCESS_SUCCESS);
    assert_ptr_equal(irlmp_exclusive_holder(&P.st[0].lmp), a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_exclusive_holds_the_link, setup),
        cmocka_unit_test_setup(test_exclusive_refused_when_shared, setup),
    };
    return cmocka_run_group_tests_name("irlmp_access", tests, NULL, NULL);
}
