/*
 * w5b_cancel_many.c - 5(b). cancellation at scale over many sockets: N
 * connections (N = 1,000 and 5,000; 10,000 would need 20,000 descriptors,
 * this machine's limit) whose receiving ends, all bound to one completion
 * port, each have one pending receive; then all N closed in a burst.
 * Times: issuing the N receives; the burst of N closesocket calls; from the
 * burst's start to the last completion dequeued (all N, each once).
 */
#include "cancel.h"

#include <stdlib.h>

enum { COLLECT_TIMEOUT_MS = 60000 };
static const int sizes[2] = { 1000, 5000 };

static int one(const bench_api *api, int n, double *values, char *note, size_t note_size)
{
    struct sockaddr_in addr;
    struct cancel_tally tally;
    struct cancel_op *ops = calloc((size_t)n, sizeof(*ops));
    SOCKET *rx = calloc((size_t)n, sizeof(SOCKET)), *tx = calloc((size_t)n, sizeof(SOCKET));
    SOCKET ls;
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    int i, opened = 0, posted = 0, rc = -1;
    double t0, t1, t2;

    ls = bench_listen(api, &addr, SOMAXCONN);
    if (!ops || !rx || !tx || !port || ls == INVALID_SOCKET)
        goto out;
    for (; opened < n; opened++) {
        if (bench_connect_pair(api, ls, &addr, &rx[opened], &tx[opened]))
            goto out;
        if (!CreateIoCompletionPort((HANDLE)rx[opened], port, 0, 0)) {
            bench_fail("%s: CreateIoCompletionPort: %lu", api->name, GetLastError());
            opened++;
            goto out;
        }
    }
    t0 = bench_now_ms();
    for (; posted < n; posted++)
        if (cancel_post(api, rx[posted], &ops[posted]))
            goto out;
    t1 = bench_now_ms();
    for (i = 0; i < n; i++) {
        if (api->closesocket(rx[i])) {
            bench_fail("%s: closesocket: %d", api->name, api->WSAGetLastError());
            goto out;
        }
        rx[i] = INVALID_SOCKET;
    }
    t2 = bench_now_ms();
    if (cancel_collect(port, n, COLLECT_TIMEOUT_MS, &tally)) {
        bench_fail("%s: N=%d: only %d of %d completions", api->name, n, tally.total, n);
        posted = 0;                     /* not freeing ops below */
        goto out;
    }
    posted = 0;
    values[0] = t1 - t0;
    values[1] = t2 - t1;
    values[2] = tally.last_ms - t1;
    cancel_describe(&tally, n, note, note_size);
    rc = 0;
out:
    for (i = 0; i < opened; i++) {
        if (rx[i] != INVALID_SOCKET) api->closesocket(rx[i]);
        if (tx[i] != INVALID_SOCKET) api->closesocket(tx[i]);
    }
    if (posted)
        cancel_collect(port, posted, 5000, &tally);
    if (ls != INVALID_SOCKET) api->closesocket(ls);
    if (port) CloseHandle(port);
    if (!rc)
        free(ops);                      /* else leaked on purpose: completions may still come */
    free(rx);
    free(tx);
    return rc;
}

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    int k;
    for (k = 0; k < 2; k++) {
        if (k)
            bench_note(note, note_size, "; ");
        if (one(api, sizes[k], values + 3 * k, note, note_size))
            return -1;
    }
    values[6] = (values[4] / sizes[1]) / (values[1] / sizes[0]);
    values[7] = (values[5] / sizes[1]) / (values[2] / sizes[0]);
    return 0;
}

static const bench_metric metrics[] = {
    { "cancelN_issue_1k", "5b N=1k sockets: issue 1 WSARecv each", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancelN_burst_1k", "5b N=1k sockets: closesocket burst", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancelN_last_1k", "5b N=1k sockets: burst -> last abort", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancelN_issue_5k", "5b N=5k sockets: issue 1 WSARecv each", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancelN_burst_5k", "5b N=5k sockets: closesocket burst", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancelN_last_5k", "5b N=5k sockets: burst -> last abort", "ms", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancelN_burst_growth", "5b burst: us/socket at 5k / at 1k", "x", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
    { "cancelN_last_growth", "5b abort: us/socket at 5k / at 1k", "x", LOWER_IS_BETTER,
      TARGET_NOT_SLOWER, 0 },
};

static void derive(const bench_workload *w, bench_row *rows, int n_rows)
{
    int g;
    (void)w; (void)n_rows;
    for (g = 0; g < 2; g++) {
        const bench_row *small = &rows[1 + g], *large = &rows[4 + g];
        if (small->have[BENCH_DIRECT] && small->have[BENCH_OURS])
            snprintf(rows[6 + g].note, sizeof(rows[6 + g].note),
                     "us/socket at 1k -> 5k: direct %.1f -> %.1f, ours %.1f -> %.1f",
                     small->st[0].median * 1000 / sizes[0], large->st[0].median * 1000 / sizes[1],
                     small->st[1].median * 1000 / sizes[0], large->st[1].median * 1000 / sizes[1]);
    }
}

const bench_workload w5b_cancel_many = {
    .id = "cancel-many",
    .title = "5b. one pending receive on each of N sockets, closed in a burst",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .run = run,
    .derive = derive,
};
