/*
 * linger_policy.h - the CE 5.0 closesocket linger table, as a pure decision.
 *
 * Portable C with no Windows types, so that the table can be unit-tested
 * natively row by row (wine-tests covers the same rows on the wire).
 */
#ifndef LINGER_POLICY_H
#define LINGER_POLICY_H

enum close_action {
    CLOSE_GRACEFUL_NOW,         /* close now; what is queued is sent, then FIN */
    CLOSE_HARD_NOW,             /* reset now; queued data is dropped */
    CLOSE_WAIT_THEN_DECIDE,     /* block until drained (graceful) or timeout (hard) */
    CLOSE_WOULD_BLOCK,          /* fail with WSAEWOULDBLOCK; handle stays valid */
    CLOSE_IN_BACKGROUND,        /* return 0 now; drain or reset in the background */
};

struct linger_state {
    int stream;                 /* connection-oriented: linger applies */
    int onoff;                  /* SO_LINGER's l_onoff (SO_DONTLINGER is its inverse) */
    unsigned interval;          /* l_linger, seconds */
    int nonblocking;
    int note;                   /* SO_CEWS_LINGER_NOTE: the page's contradicting note */
};

/* queued: bytes sent but not yet acknowledged by the peer at this moment. */
enum close_action linger_decide(const struct linger_state *state, unsigned long queued);

const char *close_action_name(enum close_action action);

#endif
