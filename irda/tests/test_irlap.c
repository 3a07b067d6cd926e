/*
 * test_irlap.c - the IrLAP station. Two stations in memory on a simulated
 * clock: discovery (IrLAP 1.1 6.11.1 and the XID formats of 6.3.2/6.4.2),
 * connection with negotiation (6.11.2, 6.6), NRM information transfer with
 * a window, checkpointing and REJ recovery after injected loss (6.13,
 * 6.7.x poll/final), disconnect (DISC/UA) and link loss (threshold timer).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>
#include "irlap.h"
#include "sim.h"

#define QMAX 512
struct frame_q { int from; size_t len; uint8_t b[IRLAP_MAX_FRAME]; };

struct station;
struct world {
    uint64_t now;
    struct frame_q q[QMAX];
    unsigned qh, qn;
    struct station *st[3];
    unsigned nst;
    /* loss injection: drop frames of a kind from a station */
    int drop_from;          /* -1 = none */
    enum irlap_kind drop_kind;
    bool drop_pf_only;
    int drop_count;         /* how many more to drop */
    int drop_skip;          /* let this many matching frames pass first */
    bool cut;               /* out of range: nothing gets through */
    unsigned long aired;
    /* trace of the first frames on the air */
    size_t tlen[16];
    uint8_t trace[16][64];
};

struct station {
    struct world *w;
    int idx;
    struct irlap lap;
    struct sim_timers tm;
    uint32_t seed;
    /* upper layer log */
    bool disc_done;
    unsigned ndev;
    struct irda_device_info devs[IRLAP_LOG_MAX];
    bool was_discovered;
    struct irda_device_info discovered_by;
    bool connect_ind, connect_cnf, accept;
    int disc_reason;
    size_t rx_total;
    unsigned rx_frames;
    uint8_t rx_next;        /* expected first byte of next frame */
    bool rx_order_ok;
    unsigned aired;         /* frames this station put on the air */
    uint64_t lost_at;       /* when the last disconnect was indicated */
};

static void xmit(void *ctx, const uint8_t *f, size_t len, unsigned xbofs)
{
    (void)xbofs;
    struct station *s = ctx;
    struct world *w = s->w;
    s->aired++;
    if (w->aired < 16 && len <= 64) {
        memcpy(w->trace[w->aired], f, len);
        w->tlen[w->aired] = len;
    }
    w->aired++;
    if (w->cut)
        return;
    if (w->drop_from == s->idx && w->drop_count > 0) {
        struct irlap_frame fr;
        if (irlap_frame_decode(f, len, &fr) == 0 && fr.kind == w->drop_kind &&
            (!w->drop_pf_only || fr.pf)) {
            if (w->drop_skip > 0) {
                w->drop_skip--;
            } else {
                w->drop_count--;
                return;
            }
        }
    }
    assert_true(w->qn < QMAX);
    struct frame_q *e = &w->q[(w->qh + w->qn++) % QMAX];
    e->from = s->idx;
    e->len = len;
    memcpy(e->b, f, len);
}

static void up_disc_cnf(void *ctx, const struct irda_device_info *log, unsigned n)
{
    struct station *s = ctx;
    s->disc_done = true;
    s->ndev = n;
    memcpy(s->devs, log, n * sizeof *log);
}
static void up_disc_ind(void *ctx, const struct irda_device_info *p)
{
    struct station *s = ctx;
    s->was_discovered = true;
    s->discovered_by = *p;
}
static void up_conn_ind(void *ctx, uint32_t daddr)
{
    struct station *s = ctx;
    (void)daddr;
    s->connect_ind = true;
    if (s->accept)
        assert_int_equal(irlap_connect_response(&s->lap), 0);   /* from inside the callback */
}
static void up_conn_cnf(void *ctx, uint32_t daddr)
{
    struct station *s = ctx;
    (void)daddr;
    s->connect_cnf = true;
}
static void up_data(void *ctx, const uint8_t *d, size_t len)
{
    struct station *s = ctx;
    if (len && d[0] != s->rx_next)
        s->rx_order_ok = false;
    s->rx_next = (uint8_t)(d[0] + 1);
    s->rx_total += len;
    s->rx_frames++;
}
static void up_disc(void *ctx, enum irlap_reason r)
{
    struct station *s = ctx;
    s->disc_reason = (int)r;
    s->lost_at = s->w->now;
}

static void station_init(struct world *w, struct station *s, int idx, uint32_t addr, const char *nick)
{
    memset(s, 0, sizeof *s);
    s->w = w;
    s->idx = idx;
    s->seed = 0x1234567u + (uint32_t)idx * 77u;
    s->tm.now = &w->now;
    s->rx_order_ok = true;
    s->accept = true;
    struct irlap_config cfg = { .saddr = addr };
    irlap_qos_default(&cfg.qos);
    cfg.qos.baud = 0x3E;
    cfg.qos.data_size = 0x3F;
    cfg.qos.window = idx == 0 ? 0x7F : 0x0F;   /* A receives 7, B receives 4 */
    cfg.qos.link_disc = 0x07;                  /* 3, 8, 12 s */
    cfg.info.nhints = 2;
    cfg.info.hints[0] = 0x84;
    cfg.info.hints[1] = 0x20;
    cfg.info.nick_len = (uint8_t)strlen(nick);
    memcpy(cfg.info.nick, nick, cfg.info.nick_len);
    struct irlap_lower_ops lo = { s, xmit, NULL };
    struct irlap_upper_ops up = { s, up_disc_cnf, up_disc_ind, up_conn_ind, up_conn_cnf,
                                  up_data, up_disc, NULL };
    struct irda_timer_ops to = { &s->tm, sim_timer_start, sim_timer_stop };
    struct irda_rng_ops ro = { &s->seed, sim_rand };
    irlap_init(&s->lap, &cfg, &lo, &up, &to, &ro);
    w->st[idx] = s;
    if (w->nst < (unsigned)idx + 1)
        w->nst = (unsigned)idx + 1;
}

/* Deliver frames; when the air is quiet advance the clock to the next timer. */
static void run(struct world *w, uint64_t until)
{
    while (w->now <= until) {
        if (w->qn) {
            struct frame_q *e = &w->q[w->qh];
            w->qh = (w->qh + 1) % QMAX;
            w->qn--;
            struct frame_q copy = *e;
            /* the air is shared: every other station hears the frame */
            for (unsigned i = 0; i < w->nst; i++)
                if ((int)i != copy.from)
                    irlap_frame_received(&w->st[i]->lap, copy.b, copy.len);
            continue;
        }
        struct station *s = NULL;
        unsigned id = 0;
        uint64_t d = UINT64_MAX;
        for (unsigned i = 0; i < w->nst; i++) {
            unsigned idi = 0;
            uint64_t di = sim_next_deadline(&w->st[i]->tm, &idi);
            if (di < d) {
                d = di;
                id = idi;
                s = w->st[i];
            }
        }
        if (!s)
            return;
        if (d > until) {
            w->now = until;
            return;
        }
        w->now = d;
        s->tm.armed[id] = false;
        irlap_timer_expired(&s->lap, id);
    }
}

static struct world W;
static struct station A, B, C;

static int setup(void **state)
{
    (void)state;
    memset(&W, 0, sizeof W);
    W.drop_from = -1;
    station_init(&W, &A, 0, 0x11111111, "alpha");
    station_init(&W, &B, 1, 0x22222222, "beta");
    return 0;
}

static void discover_and_connect(void)
{
    assert_int_equal(irlap_discovery_request(&A.lap, 6), 0);
    assert_int_equal(irlap_discovery_request(&A.lap, 6), IRDA_ERR_BUSY);
    run(&W, W.now + 2000);
    assert_true(A.disc_done);
    assert_int_equal(A.ndev, 1);
    assert_int_equal(A.devs[0].daddr, 0x22222222);
    assert_string_equal(A.devs[0].nick, "beta");
    assert_int_equal(A.devs[0].hints[0], 0x84);
    assert_true(B.was_discovered);
    assert_string_equal(B.discovered_by.nick, "alpha");
    assert_int_equal(B.lap.state, IRLAP_NDM);

    assert_int_equal(irlap_connect_request(&A.lap, 0x22222222), 0);
    run(&W, W.now + 50);
    assert_true(B.connect_ind);
    assert_true(A.connect_cnf);
    assert_true(irlap_is_connected(&A.lap));
    assert_true(irlap_is_connected(&B.lap));
    assert_true(irlap_is_primary(&A.lap));
    assert_false(irlap_is_primary(&B.lap));
}

static void test_discovery_frames_on_air(void **state)
{
    (void)state;
    assert_int_equal(irlap_discovery_request(&A.lap, 6), 0);
    run(&W, W.now + 2000);
    /* IrLAP 6.3.2: slot 0 of 6 from 0x11111111 */
    const uint8_t xid0[] = { 0xFF, 0x3F, 0x01, 0x11, 0x11, 0x11, 0x11, 0xFF, 0xFF, 0xFF, 0xFF,
                             0x01, 0x00, 0x00 };
    assert_int_equal(W.tlen[0], sizeof xid0);
    assert_memory_equal(W.trace[0], xid0, sizeof xid0);
    /* then slots 1..5, B's response somewhere in between, and the final frame
       (slot FF) carrying A's own discovery info 84 20 00 "alpha" */
    int final = -1, rsp = -1;
    for (int i = 0; i < 16; i++) {
        if (W.tlen[i] >= 14 && W.trace[i][1] == 0x3F && W.trace[i][12] == 0xFF) final = i;
        if (W.tlen[i] >= 14 && W.trace[i][1] == 0xBF) rsp = i;
    }
    assert_true(rsp > 0);
    assert_int_equal(final, 7);              /* 6 slots + 1 response, then final */
    const uint8_t tail[] = { 0x84, 0x20, 0x00, 'a', 'l', 'p', 'h', 'a' };
    assert_int_equal(W.tlen[final], 14 + sizeof tail);
    assert_memory_equal(W.trace[final] + 14, tail, sizeof tail);
    /* the response: address FE, control BF, from B to A, B's info */
    assert_int_equal(W.trace[rsp][0], 0xFE);
    assert_int_equal(irda_get_le32(W.trace[rsp] + 3), 0x22222222);
    assert_int_equal(irda_get_le32(W.trace[rsp] + 7), 0x11111111);
    assert_true(A.disc_done);
}

static void test_connect_negotiation(void **state)
{
    (void)state;
    discover_and_connect();
    /* the SNRM is the first frame after the discovery: address FF, control 93 */
    unsigned i = 0;
    while (i < 16 && !(W.tlen[i] > 2 && W.trace[i][1] == 0x93)) i++;
    assert_true(i < 16);
    assert_int_equal(W.trace[i][0], 0xFF);
    assert_int_equal(irda_get_le32(W.trace[i] + 2), 0x11111111);
    assert_int_equal(irda_get_le32(W.trace[i] + 6), 0x22222222);
    assert_int_equal(W.trace[i][10] >> 1, A.lap.caddr);
    /* and the UA answers on the new connection address with the F bit */
    assert_int_equal(W.trace[i + 1][0], (uint8_t)(A.lap.caddr << 1));
    assert_int_equal(W.trace[i + 1][1], 0x73);
    assert_int_equal(A.lap.neg.baud, 115200);
    assert_int_equal(A.lap.neg.tx_window, 4);   /* B accepts 4 */
    assert_int_equal(B.lap.neg.tx_window, 7);   /* A accepts 7 */
    assert_int_equal(A.lap.neg.tx_data_size, 2048);
    assert_int_equal(A.lap.neg.link_disc_ms, 12000);
}

static void send_n(struct station *s, int n, size_t len, uint8_t *first)
{
    uint8_t buf[2048];
    for (int i = 0; i < n; i++) {
        memset(buf, 0x5A, len);
        buf[0] = (*first)++;
        int rc;
        while ((rc = irlap_data_request(&s->lap, buf, len)) == IRDA_ERR_AGAIN) {
            irlap_flush(&s->lap);
            run(&W, W.now + 20);
        }
        assert_int_equal(rc, 0);
        irlap_flush(&s->lap);
    }
}

static void test_data_both_ways(void **state)
{
    (void)state;
    discover_and_connect();
    uint8_t a_first = 0, b_first = 0;
    send_n(&A, 40, 1000, &a_first);
    send_n(&B, 25, 700, &b_first);
    run(&W, W.now + 3000);
    assert_int_equal(B.rx_frames, 40);
    assert_int_equal(B.rx_total, 40000);
    assert_true(B.rx_order_ok);
    assert_int_equal(A.rx_frames, 25);
    assert_true(A.rx_order_ok);
    assert_int_equal(A.lap.stats.retransmits, 0);
    assert_true(irlap_is_connected(&A.lap));
}

static void test_loss_and_retransmission(void **state)
{
    (void)state;
    discover_and_connect();
    uint8_t a_first = 0, b_first = 0;
    /* drop A's third I frame (not the P frame): B answers REJ / checkpoint */
    W.drop_from = 0; W.drop_kind = IRLAP_K_I; W.drop_skip = 2; W.drop_count = 1;
    send_n(&A, 12, 300, &a_first);
    run(&W, W.now + 3000);
    assert_int_equal(B.rx_frames, 12);
    assert_true(B.rx_order_ok);
    assert_true(A.lap.stats.retransmits > 0);
    assert_true(B.lap.stats.rej_sent > 0);

    /* drop a frame carrying the P bit: the F timer fires and the primary polls again */
    W.drop_from = 0; W.drop_kind = IRLAP_K_I; W.drop_pf_only = true; W.drop_skip = 0; W.drop_count = 1;
    unsigned long fto = A.lap.stats.f_timeouts;
    send_n(&A, 5, 300, &a_first);
    run(&W, W.now + 3000);
    assert_int_equal(B.rx_frames, 17);
    assert_true(B.rx_order_ok);
    assert_true(A.lap.stats.f_timeouts > fto);

    /* lose the secondary's F response twice: recovered by the primary's poll */
    W.drop_from = 1; W.drop_kind = IRLAP_K_I; W.drop_pf_only = true; W.drop_skip = 0; W.drop_count = 2;
    send_n(&B, 9, 500, &b_first);
    run(&W, W.now + 5000);
    assert_int_equal(A.rx_frames, 9);
    assert_true(A.rx_order_ok);
    assert_true(irlap_is_connected(&A.lap));
    assert_true(irlap_is_connected(&B.lap));
}

static void test_disconnect(void **state)
{
    (void)state;
    discover_and_connect();
    uint8_t a_first = 0;
    send_n(&A, 3, 100, &a_first);
    assert_int_equal(irlap_disconnect_request(&A.lap), 0);
    irlap_flush(&A.lap);
    run(&W, W.now + 2000);
    assert_int_equal(B.rx_frames, 3);
    assert_int_equal(A.lap.state, IRLAP_NDM);
    assert_int_equal(B.lap.state, IRLAP_NDM);
    assert_int_equal(A.disc_reason, IRLAP_R_USER);
    assert_int_equal(B.disc_reason, IRLAP_R_PEER);
    assert_int_equal(irlap_data_request(&A.lap, (const uint8_t *)"x", 1), IRDA_ERR_STATE);

    /* the secondary asks: RD, then the primary's DISC */
    setup(NULL);
    discover_and_connect();
    assert_int_equal(irlap_disconnect_request(&B.lap), 0);
    run(&W, W.now + 2000);
    assert_int_equal(A.lap.state, IRLAP_NDM);
    assert_int_equal(B.lap.state, IRLAP_NDM);
    assert_int_equal(B.disc_reason, IRLAP_R_USER);
    assert_int_equal(A.disc_reason, IRLAP_R_USER);
}

static void test_link_lost(void **state)
{
    (void)state;
    discover_and_connect();
    uint64_t t0 = W.now;
    W.cut = true;                            /* B moves out of range */
    run(&W, W.now + 20000);
    assert_int_equal(A.lap.state, IRLAP_NDM);
    assert_int_equal(B.lap.state, IRLAP_NDM);
    assert_int_equal(A.disc_reason, IRLAP_R_LINK_LOST);
    assert_int_equal(B.disc_reason, IRLAP_R_LINK_LOST);
    assert_true(W.now - t0 >= 12000);        /* the negotiated 12 s, not before */
    assert_true(A.lap.stats.f_timeouts > 0);
}

/* The same with full windows in flight at 9600 bit/s: the F timer grows by
 * the window's air time once, not at every retry, so the link is still
 * given up about the negotiated 12 s after the peer went silent. */
static void test_link_lost_while_sending(void **state)
{
    (void)state;
    discover_and_connect();
    uint8_t a_first = 0;
    uint64_t t0 = W.now;
    W.cut = true;                            /* B goes out of range as A sends */
    send_n(&A, 6, 1000, &a_first);
    assert_true(A.lap.vs != A.lap.va);       /* a window in flight, unacknowledged */
    run(&W, W.now + 40000);
    assert_int_equal(A.disc_reason, IRLAP_R_LINK_LOST);
    uint64_t took = A.lost_at - t0;
    print_message("link lost after %llu ms\n", (unsigned long long)took);
    assert_true(took >= 12000);
    assert_true(took <= 12000 + 1000);       /* one more F timer at most (was 14 s) */
}

static void test_connect_refused_and_unanswered(void **state)
{
    (void)state;
    B.accept = false;
    assert_int_equal(irlap_connect_request(&A.lap, 0x22222222), 0);
    run(&W, W.now + 10);
    assert_true(B.connect_ind);
    assert_int_equal(irlap_disconnect_request(&B.lap), 0);   /* refuse: DM */
    run(&W, W.now + 1000);
    assert_int_equal(A.disc_reason, IRLAP_R_REFUSED);
    assert_int_equal(A.lap.state, IRLAP_NDM);
    /* nobody at that address: SNRM retried, then given up */
    assert_int_equal(irlap_connect_request(&A.lap, 0x33333333), 0);
    run(&W, W.now + 10000);
    assert_int_equal(A.disc_reason, IRLAP_R_NO_ANSWER);
    assert_int_equal(irlap_connect_request(&A.lap, IRDA_BROADCAST_DADDR), IRDA_ERR_RANGE);
}

static void test_ndm_answers_dm(void **state)
{
    (void)state;
    /* a DISC for a connection B does not have: DM with F (IrLAP 6.7) */
    const uint8_t disc[] = { 0x55, 0x53 };
    irlap_frame_received(&B.lap, disc, 2);
    assert_int_equal(W.qn, 1);
    assert_int_equal(W.q[W.qh].b[0], 0x54);
    assert_int_equal(W.q[W.qh].b[1], 0x1F);
    /* a polled RR (ca 0x2A, Nr 0) or I frame of someone else's link: silence,
     * or a shared air's bystanders would break that link */
    const uint8_t rr[] = { 0x55, 0x11 }, info[] = { 0x55, 0x10, 'x' };
    irlap_frame_received(&B.lap, rr, 2);
    irlap_frame_received(&B.lap, info, 3);
    assert_int_equal(W.qn, 1);
    /* malformed frames are counted and ignored */
    const uint8_t junk[] = { 0x55 };
    irlap_frame_received(&B.lap, junk, 1);
    assert_int_equal(B.lap.stats.rx_bad, 1);
}

/* Three stations in range: A's link with B runs while C, in NDM, hears
 * every frame of it; C must stay silent and must not pick the same
 * connection address for a link of its own. */
static int setup3(void **state)
{
    setup(state);
    station_init(&W, &C, 2, 0x33333333, "gamma");
    return 0;
}

static void test_bystander_stays_silent(void **state)
{
    (void)state;
    assert_int_equal(irlap_connect_request(&A.lap, 0x22222222), 0);
    run(&W, W.now + 50);
    assert_true(A.connect_cnf);
    assert_false(C.connect_ind);
    uint8_t a_first = 0, b_first = 0;
    send_n(&A, 30, 1000, &a_first);
    send_n(&B, 20, 500, &b_first);
    run(&W, W.now + 3000);
    assert_int_equal(B.rx_frames, 30);
    assert_int_equal(A.rx_frames, 20);
    assert_true(irlap_is_connected(&A.lap));
    assert_true(irlap_is_connected(&B.lap));
    assert_int_equal(C.aired, 0);
    assert_int_equal(C.lap.state, IRLAP_NDM);
    /* C's own link avoids the address it heard (nobody answers there) */
    assert_int_equal(irlap_connect_request(&C.lap, 0x44444444), 0);
    assert_int_not_equal(C.lap.caddr, A.lap.caddr);
    run(&W, W.now + 5000);
    assert_int_equal(C.disc_reason, IRLAP_R_NO_ANSWER);
    assert_true(irlap_is_connected(&A.lap));
    assert_int_equal(A.lap.stats.f_timeouts, 0);
}

/* The primary restarts (or gave the link up while its frames were lost) and
 * connects again: the secondary, still in NRM, drops the old link and takes
 * the new one instead of ignoring the SNRM until its WD timer runs out. */
static void test_secondary_takes_new_link(void **state)
{
    (void)state;
    discover_and_connect();
    uint8_t old_caddr = A.lap.caddr;
    station_init(&W, &A, 0, 0x11111111, "alpha");
    A.seed = 0xBEEF;
    B.connect_ind = false;
    assert_int_equal(irlap_connect_request(&A.lap, 0x22222222), 0);
    assert_int_not_equal(A.lap.caddr, old_caddr);
    run(&W, W.now + 50);
    assert_int_equal(B.disc_reason, IRLAP_R_LINK_LOST);
    assert_true(B.connect_ind);
    assert_true(A.connect_cnf);
    assert_true(irlap_is_connected(&B.lap));
    assert_int_equal(B.lap.caddr, A.lap.caddr);
    uint8_t a_first = 0;
    B.rx_next = 0;
    B.rx_frames = 0;
    send_n(&A, 5, 200, &a_first);
    run(&W, W.now + 1000);
    assert_int_equal(B.rx_frames, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_discovery_frames_on_air, setup),
        cmocka_unit_test_setup(test_connect_negotiation, setup),
        cmocka_unit_test_setup(test_data_both_ways, setup),
        cmocka_unit_test_setup(test_loss_and_retransmission, setup),
        cmocka_unit_test_setup(test_disconnect, setup),
        cmocka_unit_test_setup(test_link_lost, setup),
        cmocka_unit_test_setup(test_link_lost_while_sending, setup),
        cmocka_unit_test_setup(test_connect_refused_and_unanswered, setup),
        cmocka_unit_test_setup(test_ndm_answers_dm, setup),
        cmocka_unit_test_setup(test_bystander_stays_silent, setup3),
        cmocka_unit_test_setup(test_secondary_takes_new_link, setup),
    };
    return cmocka_run_group_tests_name("irlap", tests, NULL, NULL);
}
