/*
 * linger_policy.c - the reference page's linger table as one decision
 * (linger_decide), one branch per row.
 */
#include "linger_policy.h"

/*
 *  option         interval  blocking      close                 waits?
 *  SO_DONTLINGER  any       any           graceful, background  no
 *  SO_LINGER      0         any           hard (reset)          no
 *  SO_LINGER      > 0       blocking      graceful, or reset    until sent or timeout
 *                                         at the timeout
 *  SO_LINGER      > 0       non-blocking  WSAEWOULDBLOCK while  no
 *                                         data is queued
 *                                         (note option: return 0, finish in background)
 *
 * With nothing queued a lingering close can complete at once, so it is
 * graceful and immediate in every blocking mode.
 */
enum close_action linger_decide(const struct linger_state *s, unsigned long queued)
{
    if (!s->stream || !s->onoff)
        return CLOSE_GRACEFUL_NOW;
    if (s->interval == 0)
        return CLOSE_HARD_NOW;
    if (queued == 0)
        return CLOSE_GRACEFUL_NOW;
    if (!s->nonblocking)
        return CLOSE_WAIT_THEN_DECIDE;
    return s->note ? CLOSE_IN_BACKGROUND : CLOSE_WOULD_BLOCK;
}

const char *close_action_name(enum close_action action)
{
    switch (action) {
    case CLOSE_GRACEFUL_NOW:     return "graceful";
    case CLOSE_HARD_NOW:         return "hard";
    case CLOSE_WAIT_THEN_DECIDE: return "wait";
    case CLOSE_WOULD_BLOCK:      return "would-block";
    case CLOSE_IN_BACKGROUND:    return "background";
    }
    return "?";
}
