/*
 * cancel.h - what the two cancellation workloads (w5a, w5b) share: one
 * pending overlapped receive, and counting the completions a close brings.
 */
#ifndef BENCH_CANCEL_H
#define BENCH_CANCEL_H

#include "bench.h"

struct cancel_op {
    WSAOVERLAPPED ov;
    LONG completions;       /* must end at exactly 1 */
    char buf[16];
};

/* Issues one overlapped receive on s; it must pend.  0 or -1. */
int cancel_post(const bench_api *api, SOCKET s, struct cancel_op *op);

struct cancel_tally {
    int total;              /* completions dequeued */
    int aborted;            /* ... with STATUS_CANCELLED (WSA_OPERATION_ABORTED) */
    int duplicates;         /* ops completed more than once */
    unsigned long codes[4]; /* the first distinct statuses seen */
    int code_counts[4];
    double last_ms;         /* when the last one was dequeued */
};

/* Dequeues from port until n completions arrived or timeout_ms passed
 * without one.  0 when all n arrived, -1 otherwise (tally still filled). */
int cancel_collect(HANDLE port, int n, DWORD timeout_ms, struct cancel_tally *t);
/* "N aborted" or the statuses seen, for the row's note. */
void cancel_describe(const struct cancel_tally *t, int n, char *note, size_t note_size);

#endif
