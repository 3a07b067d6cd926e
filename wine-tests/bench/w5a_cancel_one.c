/*
 * w5a_cancel_one.c - 5(a). cancellation at scale on one socket: N pending
 * overlapped receives (N = 1,000 and 10,000) on one connected socket bound
 * to a completion port, the peer silent.  Times: issuing the N receives;
 * closesocket's own return; from closesocket to the last completion
 * dequeued (every one counted: all N, each once, WSA_OPERATION_ABORTED for
 * ours; the host's own codes are reported as they are).
 */
#include "cancel.h"

#include <stdlib.h>

enum { COLLECT_TIMEOUT_MS = 60000 };
static const int sizes[2] = { 1000, 10000 };

static int one(const bench_api *api, int n, double *values, char *note, size_t note_size)
{
    struct sockaddr_in addr;
    struct cancel_tally tally;
    struct cancel_op *ops = calloc((size_t)n, sizeof(*ops));
    SOCKET ls, c = INVALID_SOCKET, s = INVALID_SOCKET;
    HANDLE port = NULL;
    double t0, t1, t2;
    int i, rc = -1;

    ls = bench_listen(api, &addr, 1);
    if (!ops || ls == INVALID_SOCKET || bench_connect_pair(api, ls, &addr, &c, &s))
        goto out;
    port = CreateIoCompletionPort((HANDLE)c, NULL, 0, 1);
    if (!port) {
        bench_fail("%s: CreateIoCompletionPort: %lu", api->name, GetLastError());
        goto out;
    }
    t0 = bench_now_ms();
    for (i = 0; i < n; i++)
        if (cancel_post(api, c, &ops[i]))
            break;
    t1 = bench_now_ms();
    if (i < n) {
        /* those posted so far complete with the close below */
        api->closesocket(c);
        c = INVALID_SOCKET;
        cancel_collect(port, i, 5000, &tally);
        goto out;
    }
    if (api->closesocket(c)) {
        bench_fail("%s: closesocket: %d", api->name, api->WSAGetLastError());
        goto out;
    }
    c = INVALID_SOCKET;
    t2 = bench_now_ms();
    if (cancel_collect(port, n, COLLECT_TIMEOUT_MS, &tally)) {
        bench_fail("%s: N=%d: only %d of %d completions within %d ms of the last", api->name, n,
                   tally.total, n, COLLECT_TIMEOUT_MS);
        goto out;
    }
    values[0] = t1 - t0;
    values[1] = tally.last_ms - t1;
    values[2] = t2 - t1;
    cancel_describe(&tally, n, note, note_size);
    rc = 0;
out:
    if (c != INVALID_SOCKET) api->closesocket(c);
    if (s != INVALID_SOCKET) api->closesocket(s);
    if (ls != INVALID_SOCKET) api->closesocket(ls);
    if (port) CloseHandle(port);
    if (!rc || !ops)
        free(ops);                      /* else leaked on purpose: completions may still come */
    return rc;
}

/* values: per size, issue / close->last / closesocket return; then the growths */
static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    int k;
    for (k = 0; k < 2; k++) {
        if (k)
            bench_note(note, note_size, "; ");
        if (one(api, sizes[k], values + 3 * k, note, note_size))
            return -1;
    }
    /* per-operation cost at 10k over that at 1k, this run's own */
    values[6] = (values[3] / sizes[1]) / (values[0] / sizes[0]);
    values[7] = (values[4] / sizes[1]) / (values[1] / sizes[0]);
    return 0;
}

static const bench_metric metrics[] = {
    { "cancel1_issue_1k", "5a 1 socket, N=1k: issue N WSARecv", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancel1_last_1k", "5a 1 socket, N=1k: close -> last abort", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancel1_close_1k", "5a 1 socket, N=1k: closesocket returns", "ms", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "cancel1_issue_10k", "5a 1 socket, N=10k: issue N WSARecv", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancel1_last_10k", "5a 1 socket, N=10k: close -> last abort", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancel1_close_10k", "5a 1 socket, N=10k: closesocket returns", "ms", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    /* derived: per-operation cost at 10k over that at 1k (1.0 = linear) */
    { "cancel1_issue_growth", "5a issue: us/op at 10k / us/op at 1k", "x", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancel1_last_growth", "5a abort: us/op at 10k / us/op at 1k", "x", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
};

/* The per-operation figures behind the growth rows. */
static void derive(const bench_workload *w, bench_row *rows, int n_rows)
{
    int g;
    (void)w; (void)n_rows;
    for (g = 0; g < 2; g++) {
        const bench_row *small = &rows[g], *large = &rows[3 + g];
        if (small->have[BENCH_DIRECT] && small->have[BENCH_OURS])
            snprintf(rows[6 + g].note, sizeof(rows[6 + g].note),
                     "us/op at 1k -> 10k: direct %.1f -> %.1f, ours %.1f -> %.1f",
                     small->st[0].median * 1000 / sizes[0], large->st[0].median * 1000 / sizes[1],
                     small->st[1].median * 1000 / sizes[0], large->st[1].median * 1000 / sizes[1]);
    }
}

const bench_workload w5a_cancel_one = {
    .id = "cancel-one",
    .title = "5a. N pending receives on one socket, then closesocket",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .run = run,
    .derive = derive,
};
