/*
 * pair.h - two IrLAP + IrLMP stations in memory with a simulated clock.
 * Each test file that includes it gets its own copy (static functions).
 */
#ifndef IRDA_TEST_PAIR_H
#define IRDA_TEST_PAIR_H

#include <string.h>
#include "irlmp.h"
#include "sim.h"

#define PAIR_QMAX 256
struct pair_frame { int from; size_t len; uint8_t b[IRLAP_MAX_FRAME]; };

struct pair_station {
    struct irlap lap;
    struct irlmp lmp;
    struct sim_timers tm;
    uint32_t seed;
    bool disc_done;
    unsigned ndev;
    struct irda_device_info devs[IRLAP_LOG_MAX];
    int link_down;
};

struct pair {
    uint64_t now;
    struct pair_station st[2];
    struct pair_frame q[PAIR_QMAX];
    unsigned qh, qn;
    bool cut;
    /* every LM-PDU seen on the air (IrLAP I-frame payloads), for byte checks */
    unsigned npdu;
    size_t pdu_len[64];
    int pdu_from[64];
    uint8_t pdu[64][128];
};

static struct pair *pair_of(struct pair_station *s, int *idx);
static struct pair *g_pair;

static inline void pair_xmit(void *ctx, const uint8_t *f, size_t len, unsigned xbofs)
{
    (void)xbofs;
    int idx;
    struct pair *p = pair_of(ctx, &idx);
    if (len > 2 && (f[1] & 1) == 0 && p->npdu < 64) {
        size_t n = len - 2 < 128 ? len - 2 : 128;
        memcpy(p->pdu[p->npdu], f + 2, n);
        p->pdu_len[p->npdu] = len - 2;
        p->pdu_from[p->npdu++] = idx;
    }
    if (p->cut || p->qn >= PAIR_QMAX)
        return;
    struct pair_frame *e = &p->q[(p->qh + p->qn++) % PAIR_QMAX];
    e->from = idx;
    e->len = len;
    memcpy(e->b, f, len);
}

static struct pair *pair_of(struct pair_station *s, int *idx)
{
    *idx = s == &g_pair->st[0] ? 0 : 1;
    return g_pair;
}

static inline void pair_disc_cnf(void *ctx, const struct irda_device_info *log, unsigned n)
{
    struct pair_station *s = ctx;
    s->disc_done = true;
    s->ndev = n;
    memcpy(s->devs, log, n * sizeof *log);
}

static inline void pair_link_down(void *ctx, enum irlap_reason r)
{
    struct pair_station *s = ctx;
    s->link_down = (int)r;
}

static inline void pair_init(struct pair *p)
{
    memset(p, 0, sizeof *p);
    g_pair = p;
    static const char *const nick[2] = { "alpha", "beta" };
    for (int i = 0; i < 2; i++) {
        struct pair_station *s = &p->st[i];
        s->seed = 0xBEEF + (uint32_t)i;
        s->tm.now = &p->now;
        struct irlap_config cfg = { .saddr = i ? 0x22222222u : 0x11111111u };
        irlap_qos_default(&cfg.qos);
        cfg.qos.baud = 0x3E;
        cfg.qos.data_size = i ? 0x07 : 0x3F;    /* B receives at most 256-byte frames */
        cfg.qos.window = 0x7F;
        cfg.qos.link_disc = 0x07;
        cfg.info.nhints = 1;
        cfg.info.hints[0] = 0x04;
        cfg.info.nick_len = (uint8_t)strlen(nick[i]);
        memcpy(cfg.info.nick, nick[i], cfg.info.nick_len);
        struct irlap_lower_ops lo = { s, pair_xmit, NULL };
        struct irda_timer_ops to = { &s->tm, sim_timer_start, sim_timer_stop };
        struct irda_rng_ops ro = { &s->seed, sim_rand };
        struct irlmp_upper_ops lu = { s, pair_disc_cnf, pair_link_down };
        irlmp_init(&s->lmp, &s->lap, &to, &lu);
        struct irlap_upper_ops up = irlmp_lap_upper(&s->lmp);
        irlap_init(&s->lap, &cfg, &lo, &up, &to, &ro);
    }
}

static inline void pair_fire(struct pair_station *s, unsigned id)
{
    s->tm.armed[id] = false;
    if (id <= IRDA_T_WD)
        irlap_timer_expired(&s->lap, id);
    else if (id == IRDA_T_LMP)
        irlmp_timer_expired(&s->lmp, id);
}

static inline void pair_run(struct pair *p, uint64_t ms)
{
    uint64_t until = p->now + ms;
    for (;;) {
        irlap_flush(&p->st[0].lap);
        irlap_flush(&p->st[1].lap);
        if (p->qn) {
            struct pair_frame e = p->q[p->qh];
            p->qh = (p->qh + 1) % PAIR_QMAX;
            p->qn--;
            irlap_frame_received(&p->st[1 - e.from].lap, e.b, e.len);
            continue;
        }
        unsigned i0 = 0, i1 = 0;
        uint64_t d0 = sim_next_deadline(&p->st[0].tm, &i0);
        uint64_t d1 = sim_next_deadline(&p->st[1].tm, &i1);
        uint64_t d = d0 <= d1 ? d0 : d1;
        if (d == UINT64_MAX || d > until) {
            p->now = until;
            return;
        }
        p->now = d;
        pair_fire(d0 <= d1 ? &p->st[0] : &p->st[1], d0 <= d1 ? i0 : i1);
    }
}

#endif
