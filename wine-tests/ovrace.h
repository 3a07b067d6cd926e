/*
 * ovrace.h - an overlapped call racing closesocket from another thread
 * (issue 12), shared by test_cancel.c and the stress run (stress_core.c).
 *
 * The rule under test: a call either fails at once (and then nothing ever
 * completes: no event, no routine, no completion packet) or is started
 * (WSA_IO_PENDING, or 0 when it completed at once) and then completes
 * exactly once, through the mechanism it was issued with.  One OVERLAPPED,
 * one outcome: a call reported failed whose OVERLAPPED still completes is a
 * use-after-free in any real server.
 *
 * A round: this thread and a closing thread meet at a spin barrier, one of
 * the two waits a random few microseconds (so that the close lands before,
 * during and after the call), then this thread issues the call on s while
 * the other closes s.  If 32 rounds in a row land on one side (the closing
 * thread late to run on a loaded machine, say), the other side's head
 * start doubles, up to 20 ms.  The round waits for the started call's
 * completion; ovrace_judge, later, checks that nothing else arrived.
 * Completion routines run on the issuing thread, so rounds, ovrace_pump
 * and ovrace_judge of one run must all be called from the same thread.
 */
#ifndef OVRACE_H
#define OVRACE_H

#include <cews2.h>

enum ovrace_call { OVRACE_RECV, OVRACE_SEND, OVRACE_IOCTL };
enum ovrace_via { OVRACE_EVENT, OVRACE_ROUTINE, OVRACE_PORT };

extern const char *const ovrace_call_name[3];
extern const char *const ovrace_via_name[3];

/* One call; it must stay allocated until ovrace_judge has seen it. */
struct ovrace_op {
    WSAOVERLAPPED ov;
    unsigned magic;
    enum ovrace_call call;
    enum ovrace_via via;
    SOCKET s;                   /* the (closed) handle, for GetOverlappedResult */
    int result, err;            /* what the call returned at once */
    volatile LONG completions;  /* events seen signalled, routines run, packets */
    DWORD completion_error;     /* of the first completion */
    DWORD sent;                 /* WSASend: bytes asked for */
};

struct ovrace_tally {
    long long rounds;
    long long failed_at_once, failed_enotsock, failed_eintr;   /* and nothing completed */
    long long started, completed_once;                         /* pended or done at once */
    long long both;             /* failed at once AND completed: two outcomes */
    long long none;             /* started, never completed */
    long long duplicate;        /* completed more than once */
    long long bad_code;         /* an unexpected error at once or in the completion */
    long long close_failed;     /* the racing closesocket did not return 0 */
    char first_problem[256];
};

struct ovrace {
    HANDLE thread, wake, done;
    volatile LONG ready, go, quit;
    SOCKET victim;
    double close_delay_us;
    int close_result, close_err;
    HANDLE port;                /* for OVRACE_PORT */
    unsigned rng;
    /* the largest head start of each side, widened when the rounds keep
     * landing on one side of the close (a loaded machine) */
    double issue_head_us, close_head_us;
    int recent_rounds, recent_failed, recent_started;
};

/* Starts the closing thread (and a completion port); 0 or -1. */
int ovrace_start(struct ovrace *r, unsigned seed);
void ovrace_stop(struct ovrace *r);

/* One round on s (connected, with a peer that sends nothing and, for
 * OVRACE_SEND, reads nothing; any socket for OVRACE_IOCTL): s is closed
 * when it returns.  A started call's completion is waited for (10 s). */
void ovrace_round(struct ovrace *r, enum ovrace_call call, enum ovrace_via via, SOCKET s,
                  struct ovrace_op *op, struct ovrace_tally *t);

/* Runs due completion routines and drains the port for ms; every packet
 * or routine is counted against its own op. */
void ovrace_pump(struct ovrace *r, DWORD ms);

/* Final verdict on one op (call after the round, once late completions
 * have had their chance: ovrace_pump); releases its event. */
void ovrace_judge(struct ovrace_op *op, struct ovrace_tally *t);

/* Sum of b into a. */
void ovrace_tally_add(struct ovrace_tally *a, const struct ovrace_tally *b);
/* Every promise kept: no two outcomes, none missing, no duplicates, only
 * expected codes, every close returned 0. */
int ovrace_tally_ok(const struct ovrace_tally *t);

#endif /* OVRACE_H */
