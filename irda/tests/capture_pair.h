/*
 * capture_pair.h - two complete stations on an in-memory medium with a
 * simulated clock, each writing a pcap capture to memory, for the mode
 * tests that read back byte by byte what a station sent (test_irlpt.c,
 * test_ircomm.c) and for test_stack_exclusive.c, which needs only the two
 * stations (their captures go unread there).  Each test file that includes
 * it gets its own copy (static functions and state), as with pair.h and
 * stack_pair.h; it names the second station with CAPTURE_PAIR_PEER_NICK
 * before the include.  The stations' device addresses are
 * CAPTURE_PAIR_ADDR_A and CAPTURE_PAIR_ADDR_B, for the tests that connect
 * by address instead of through discovery.
 */
#ifndef IRDA_TEST_CAPTURE_PAIR_H
#define IRDA_TEST_CAPTURE_PAIR_H

#ifndef CAPTURE_PAIR_PEER_NICK
#define CAPTURE_PAIR_PEER_NICK "peer"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <cmocka.h>
#include "stack.h"
#include "sim.h"

#define CAPTURE_PAIR_ADDR_A 0xA1A1A1A1u
#define CAPTURE_PAIR_ADDR_B 0xB2B2B2B2u

#define AIRQ 4096
struct chunk { int to; size_t len; uint8_t b[2 * (IRLAP_MAX_FRAME + 2) + 64]; };

struct capture { uint8_t *buf; size_t len, cap; struct irda_pcap pc; };

struct node {
    struct irda_stack st;
    int idx;
    uint32_t seed;
    bool ias_done, connected, connect_failed, incoming, disconnected;
    int reason;
    struct ias_result ias;
    struct capture cap;
};

static struct { uint64_t now; struct chunk *q; unsigned qh, qn; struct node *n[2]; } air;
static struct node NA, NB;

static inline void medium_write(void *ctx, const uint8_t *b, size_t len)
{
    struct node *nd = ctx;
    assert_true(air.qn < AIRQ && len <= sizeof air.q[0].b);
    struct chunk *c = &air.q[(air.qh + air.qn++) % AIRQ];
    c->to = 1 - nd->idx;
    c->len = len;
    memcpy(c->b, b, len);
}

static inline void on_event(void *ctx, const struct irda_stack_event *ev)
{
    struct node *nd = ctx;
    switch (ev->kind) {
    case IRDA_EV_IAS_DONE:
        nd->ias_done = true;
        if (ev->ias) nd->ias = *ev->ias;
        break;
    case IRDA_EV_CONNECTED: nd->connected = true; break;
    case IRDA_EV_CONNECT_FAILED: nd->connect_failed = true; nd->reason = ev->reason; break;
    case IRDA_EV_INCOMING: nd->incoming = true; break;
    case IRDA_EV_DISCONNECTED: nd->disconnected = true; nd->reason = ev->reason; break;
    default: break;
    }
}

static inline uint32_t node_rand(void *ctx)
{
    struct node *nd = ctx;
    return sim_rand(&nd->seed);
}

static inline int cap_write(void *ctx, const void *b, size_t n)
{
    struct capture *c = ctx;
    if (c->len + n > c->cap) {
        c->cap = (c->len + n) * 2;
        c->buf = realloc(c->buf, c->cap);
    }
    memcpy(c->buf + c->len, b, n);
    c->len += n;
    return 0;
}

static inline void node_init(struct node *nd, int idx, uint32_t addr, const char *nick)
{
    memset(nd, 0, sizeof *nd);
    nd->idx = idx;
    nd->seed = 0x1F7u + (uint32_t)idx;
    air.n[idx] = nd;
    struct irda_stack_config cfg = { .saddr = addr, .nickname = nick };
    struct irda_stack_ops ops = { nd, medium_write, NULL, on_event, node_rand };
    assert_int_equal(irda_stack_init(&nd->st, &cfg, &ops), 0);
    assert_int_equal(irda_pcap_open(&nd->cap.pc, cap_write, &nd->cap), 0);
    irda_stack_set_capture(&nd->st, &nd->cap.pc, 0);
}

/* Delivers what is on the air; when quiet, moves the clock to the next timer. */
static inline void run(uint64_t ms)
{
    uint64_t until = air.now + ms;
    for (;;) {
        if (air.qn) {
            struct chunk *c = &air.q[air.qh];
            air.qh = (air.qh + 1) % AIRQ;
            air.qn--;
            irda_stack_set_time(&air.n[c->to]->st, air.now);
            irda_stack_input(&air.n[c->to]->st, c->b, c->len);
            continue;
        }
        uint64_t d0 = UINT64_MAX, d1 = UINT64_MAX;
        irda_stack_next_deadline(&NA.st, &d0);
        irda_stack_next_deadline(&NB.st, &d1);
        uint64_t d = d0 < d1 ? d0 : d1;
        air.now = d > until ? until : d > air.now ? d : air.now;
        irda_stack_set_time(&NA.st, air.now);
        irda_stack_set_time(&NB.st, air.now);
        if (d > until)
            return;
    }
}

static inline int setup(void **s)
{
    (void)s;
    memset(&air, 0, sizeof air);
    air.q = calloc(AIRQ, sizeof *air.q);
    node_init(&NA, 0, CAPTURE_PAIR_ADDR_A, "client");
    node_init(&NB, 1, CAPTURE_PAIR_ADDR_B, CAPTURE_PAIR_PEER_NICK);
    return 0;
}

static inline int teardown(void **s)
{
    (void)s;
    free(air.q);
    free(NA.cap.buf);
    free(NB.cap.buf);
    return 0;
}

/* ---- reading a station's capture -------------------------------------------- */

/* Calls back for every frame the station sent (LINKTYPE_LINUX_IRDA packet
 * type 4, "sent by us"); returns how many matched `want` (NULL: all). */
typedef bool (*frame_fn)(const uint8_t *f, size_t len, void *arg);
static inline unsigned sent_frames(const struct capture *c, frame_fn fn, void *arg)
{
    unsigned n = 0;
    for (size_t o = 24; o + 32 <= c->len;) {
        uint32_t incl;
        memcpy(&incl, c->buf + o + 8, 4);
        const uint8_t *ph = c->buf + o + 16;
        if (ph[0] == 0x00 && ph[1] == 0x04 && fn(ph + 16, incl - 16, arg))
            n++;
        o += 16 + incl;
    }
    return n;
}

struct lm_want { const uint8_t *pdu; size_t len; };
/* An I frame whose information field (the LM-PDU) is exactly want. */
static inline bool is_lm_pdu(const uint8_t *f, size_t len, void *arg)
{
    const struct lm_want *w = arg;
    return len == 2 + w->len && (f[1] & 1) == 0 && !memcmp(f + 2, w->pdu, w->len);
}

static inline unsigned count_pdu(const struct node *nd, const uint8_t *pdu, size_t len)
{
    struct lm_want w = { pdu, len };
    return sent_frames(&nd->cap, is_lm_pdu, &w);
}

#endif
