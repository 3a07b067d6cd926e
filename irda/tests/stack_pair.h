/*
 * stack_pair.h - two complete stations (SIR + IrLAP + IrLMP + IAS + TinyTP)
 * on an in-memory medium with a simulated clock, for test_stack.c and
 * test_stack_flow.c.  Each test file that includes it gets its own copy
 * (static functions and state), as with pair.h.
 *
 * The medium delivers each station's bytes to the other in uneven pieces,
 * can cut the link, destroy every n-th frame of station 0, and pace frames
 * at a line rate; run() moves the clock to the next timer when quiet.
 * discover_query_connect() gets the two to a TinyTP connection (conn_a,
 * conn_b) through discovery and IAS; transfer() pushes patterned data both
 * ways at once and checks every byte.
 */
#ifndef IRDA_TEST_STACK_PAIR_H
#define IRDA_TEST_STACK_PAIR_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <cmocka.h>
#include "stack.h"
#include "sim.h"

#define AIRQ 4096
struct chunk { int to; size_t len; uint64_t at; uint8_t b[2 * (IRLAP_MAX_FRAME + 2) + 64]; };

struct node {
    struct irda_stack st;
    int idx;
    uint32_t seed;
    /* events */
    bool disc_done, ias_done, connected, connect_failed, incoming, disconnected;
    unsigned ndev;
    int ias_status;
    struct ias_result ias;
    int disc_reason;
    unsigned writable;
};

static struct {
    uint64_t now;
    struct chunk *q;
    unsigned qh, qn;
    bool cut;
    unsigned corrupt_every;   /* destroy every n-th frame sent by station 0 (0 = never) */
    unsigned sent0, corrupted;
    unsigned bytes_per_ms;    /* medium rate (0 = instant); one frame at a time on the air */
    uint64_t busy_until;
    struct node *n[2];
} air;

static inline void medium_write(void *ctx, const uint8_t *b, size_t len)
{
    struct node *nd = ctx;
    if (air.cut)
        return;
    assert_true(air.qn < AIRQ);
    assert_true(len <= sizeof air.q[0].b);
    struct chunk *c = &air.q[(air.qh + air.qn++) % AIRQ];
    c->to = 1 - nd->idx;
    c->len = len;
    c->at = air.now;
    if (air.bytes_per_ms) {
        uint64_t start = air.busy_until > air.now ? air.busy_until : air.now;
        c->at = air.busy_until = start + (len + air.bytes_per_ms - 1) / air.bytes_per_ms;
    }
    memcpy(c->b, b, len);
    if (nd->idx == 0 && air.corrupt_every && ++air.sent0 % air.corrupt_every == 0 && len > 8) {
        c->b[len / 2] ^= 0x01;          /* one bit: the FCS catches it */
        if (c->b[len / 2] == 0xC0 || c->b[len / 2] == 0xC1 || c->b[len / 2] == 0x7D)
            c->b[len / 2] ^= 0x03;
        air.corrupted++;
    }
}

static inline void on_event(void *ctx, const struct irda_stack_event *ev)
{
    struct node *nd = ctx;
    switch (ev->kind) {
    case IRDA_EV_DISCOVERY_DONE: nd->disc_done = true; nd->ndev = ev->ndevices; break;
    case IRDA_EV_IAS_DONE:
        nd->ias_done = true;
        nd->ias_status = ev->status;
        if (ev->ias) nd->ias = *ev->ias;
        break;
    case IRDA_EV_CONNECTED: nd->connected = true; break;
    case IRDA_EV_CONNECT_FAILED: nd->connect_failed = true; nd->disc_reason = ev->reason; break;
    case IRDA_EV_INCOMING: nd->incoming = true; break;
    case IRDA_EV_DISCONNECTED: nd->disconnected = true; nd->disc_reason = ev->reason; break;
    case IRDA_EV_WRITABLE: nd->writable++; break;
    case IRDA_EV_READABLE: break;
    }
}

static inline uint32_t node_rand(void *ctx)
{
    struct node *nd = ctx;
    return sim_rand(&nd->seed);
}

static struct node NA, NB;

static inline void node_init(struct node *nd, int idx, uint32_t addr, const char *nick)
{
    memset(nd, 0, sizeof *nd);
    nd->idx = idx;
    nd->seed = 0xC0FFEEu + (uint32_t)idx;
    air.n[idx] = nd;
    struct irda_stack_config cfg = { .saddr = addr, .nickname = nick };
    struct irda_stack_ops ops = { nd, medium_write, NULL, on_event, node_rand };
    assert_int_equal(irda_stack_init(&nd->st, &cfg, &ops), 0);
}

/* Deliver bytes (in uneven pieces); when quiet, move the clock to the next timer. */
static inline void run(uint64_t ms)
{
    uint64_t until = air.now + ms;
    unsigned piece = 1;
    for (;;) {
        if (air.qn && air.q[air.qh].at <= air.now) {
            struct chunk *c = &air.q[air.qh];
            air.qh = (air.qh + 1) % AIRQ;
            air.qn--;
            struct irda_stack *dst = &air.n[c->to]->st;
            irda_stack_set_time(dst, air.now);
            for (size_t off = 0; off < c->len;) {
                size_t n = c->len - off < piece ? c->len - off : piece;
                irda_stack_input(dst, c->b + off, n);
                off += n;
                piece = piece % 97 + 13;
            }
            continue;
        }
        uint64_t d0 = UINT64_MAX, d1 = UINT64_MAX;
        irda_stack_next_deadline(&NA.st, &d0);
        irda_stack_next_deadline(&NB.st, &d1);
        uint64_t d = d0 < d1 ? d0 : d1;
        if (air.qn && air.q[air.qh].at < d)
            d = air.q[air.qh].at;
        if (d > until) {
            air.now = until;
            irda_stack_set_time(&NA.st, air.now);
            irda_stack_set_time(&NB.st, air.now);
            return;
        }
        if (d > air.now)
            air.now = d;
        irda_stack_set_time(&NA.st, air.now);
        irda_stack_set_time(&NB.st, air.now);
    }
}

static inline int setup(void **s)
{
    (void)s;
    memset(&air, 0, sizeof air);
    air.q = calloc(AIRQ, sizeof *air.q);
    node_init(&NA, 0, 0xA0A0A0A0, "alpha");
    node_init(&NB, 1, 0xB0B0B0B0, "bravo");
    return 0;
}

static inline int teardown(void **s)
{
    (void)s;
    free(air.q);
    return 0;
}

/* pcap written to memory */
static uint8_t *cap_buf;
static size_t cap_len, cap_cap;
static inline int cap_write(void *ctx, const void *b, size_t n)
{
    (void)ctx;
    if (cap_len + n > cap_cap) {
        cap_cap = (cap_len + n) * 2;
        cap_buf = realloc(cap_buf, cap_cap);
    }
    memcpy(cap_buf + cap_len, b, n);
    cap_len += n;
    return 0;
}

static int lsap_b, listener_b, conn_a, conn_b;

static inline void discover_query_connect(void)
{
    assert_true(irda_stack_listen(&NB.st, IRLMP_LSAP_ANY, 2, &listener_b) > 0);
    lsap_b = irda_stack_lsap_of(&NB.st, listener_b);
    struct ias_value v = { .type = IAS_INTEGER, .integer = lsap_b };
    assert_true(irda_stack_ias_set(&NB.st, "Beam", "IrDA:TinyTP:LsapSel", &v) >= 0);

    assert_int_equal(irda_stack_discover(&NA.st, 6), 0);
    assert_int_equal(irda_stack_discover(&NA.st, 6), IRDA_ERR_BUSY);
    run(2000);
    assert_true(NA.disc_done);
    struct irda_device_info d[4];
    assert_int_equal(irda_stack_devices(&NA.st, d, 4), 1);
    assert_int_equal(d[0].daddr, 0xB0B0B0B0);
    assert_string_equal(d[0].nick, "bravo");

    assert_int_equal(irda_stack_ias_query(&NA.st, 0xB0B0B0B0, "Beam", "IrDA:TinyTP:LsapSel"), 0);
    run(1000);
    assert_true(NA.ias_done);
    assert_int_equal(NA.ias_status, 0);
    assert_int_equal(NA.ias.rc, IAS_SUCCESS);
    assert_int_equal(NA.ias.values[0].type, IAS_INTEGER);
    assert_int_equal(NA.ias.values[0].integer, lsap_b);

    NA.ias_done = false;
    assert_int_equal(irda_stack_ias_query(&NA.st, 0xB0B0B0B0, "Nothing", "IrDA:TinyTP:LsapSel"), 0);
    run(1000);
    assert_true(NA.ias_done);
    assert_int_equal(NA.ias.rc, IAS_NO_SUCH_CLASS);

    assert_int_equal(irda_stack_connect(&NA.st, 0xB0B0B0B0, (uint8_t)lsap_b, &conn_a), 0);
    run(1000);
    assert_true(NA.connected);
    assert_true(NB.incoming);
    assert_int_equal(irda_stack_accept(&NB.st, listener_b, &conn_b), 0);
    assert_int_equal(irda_stack_accept(&NB.st, listener_b, &conn_b), IRDA_ERR_AGAIN);
    assert_int_equal(irda_stack_accept(&NB.st, listener_b, &conn_b), IRDA_ERR_AGAIN);
    conn_b = 0;
    for (int h = 1; h <= IRDA_STACK_MAX_CONN; h++) {
        const struct irda_conn *c = irda_stack_conn(&NB.st, h);
        if (c && c->kind == IRDA_CONN_STREAM) conn_b = h;
    }
    assert_true(conn_b > 0);
    assert_int_equal(irda_stack_send_pdu_len(&NA.st, conn_a), 2048 - 3);
}

static inline uint8_t pattern(size_t i, int who) { return (uint8_t)(i * 31 + (size_t)who * 7 + i / 251); }

/* Pushes len bytes each way at once, checking every received byte. */
static inline void transfer(size_t len_ab, size_t len_ba)
{
    size_t sent[2] = {0}, got[2] = {0};
    const size_t want[2] = { len_ab, len_ba };
    struct node *nd[2] = { &NA, &NB };
    int h[2] = { conn_a, conn_b };
    uint8_t buf[8192];
    uint64_t deadline = air.now + 600000;
    while ((sent[0] < want[0] || sent[1] < want[1] || got[0] < want[1] || got[1] < want[0]) &&
           air.now < deadline) {
        for (int k = 0; k < 2; k++) {
            while (sent[k] < want[k]) {
                size_t n = want[k] - sent[k] < sizeof buf ? want[k] - sent[k] : sizeof buf;
                for (size_t i = 0; i < n; i++) buf[i] = pattern(sent[k] + i, k);
                int rc = irda_stack_send(&nd[k]->st, h[k], buf, n);
                if (rc == IRDA_ERR_AGAIN) break;
                assert_true(rc > 0);
                sent[k] += (size_t)rc;
            }
            int rc;
            while ((rc = irda_stack_recv(&nd[k]->st, h[k], buf, sizeof buf)) > 0) {
                for (int i = 0; i < rc; i++)
                    if (buf[i] != pattern(got[k] + (size_t)i, 1 - k))
                        fail_msg("byte %zu from station %d wrong", got[k] + (size_t)i, 1 - k);
                got[k] += (size_t)rc;
            }
            assert_int_equal(rc, IRDA_ERR_AGAIN);
        }
        run(20);
    }
    assert_int_equal(got[1], len_ab);
    assert_int_equal(got[0], len_ba);
}

#endif
