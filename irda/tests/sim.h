/*
 * sim.h - helpers for in-memory tests: a simulated clock with one timer
 * table per station, and a deterministic random number generator.
 */
#ifndef IRDA_TEST_SIM_H
#define IRDA_TEST_SIM_H

#include <stdint.h>
#include <stdbool.h>
#include "irda_common.h"

struct sim_timers {
    const uint64_t *now;
    bool armed[IRDA_T_COUNT];
    uint64_t deadline[IRDA_T_COUNT];
    unsigned long starts[IRDA_T_COUNT];
};

static inline void sim_timer_start(void *ctx, unsigned id, uint32_t ms)
{
    struct sim_timers *t = ctx;
    t->armed[id] = true;
    t->deadline[id] = *t->now + ms;
    t->starts[id]++;
}

static inline void sim_timer_stop(void *ctx, unsigned id)
{
    struct sim_timers *t = ctx;
    t->armed[id] = false;
}

/* Earliest armed deadline, or UINT64_MAX. */
static inline uint64_t sim_next_deadline(const struct sim_timers *t, unsigned *id)
{
    uint64_t best = UINT64_MAX;
    for (unsigned i = 0; i < IRDA_T_COUNT; i++)
        if (t->armed[i] && t->deadline[i] < best) {
            best = t->deadline[i];
            *id = i;
        }
    return best;
}

static inline uint32_t sim_rand(void *ctx)
{
    uint32_t *s = ctx;             /* xorshift32 */
    uint32_t x = *s;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return *s = x;
}

#endif
