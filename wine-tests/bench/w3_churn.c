/*
 * w3_churn.c - 3. connection churn: socket + connect + accept + close of
 * both ends, default linger, one thread (a loopback connect completes
 * before accept is called).  Connections per second.  A new listener per
 * run, so no run meets the TIME_WAIT of another's four-tuples.
 */
#include "bench.h"

enum { CONNECTIONS = 3000 };

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    struct sockaddr_in addr;
    SOCKET ls, c, s;
    double t0, t1;
    int i, rc = -1;

    (void)note; (void)note_size;
    ls = bench_listen(api, &addr, SOMAXCONN);
    if (ls == INVALID_SOCKET)
        return -1;
    t0 = bench_now_ms();
    for (i = 0; i < CONNECTIONS; i++) {
        if (bench_connect_pair(api, ls, &addr, &c, &s))
            break;
        if (api->closesocket(s) || api->closesocket(c)) {
            bench_fail("%s: closesocket: %d", api->name, api->WSAGetLastError());
            break;
        }
    }
    t1 = bench_now_ms();
    if (i == CONNECTIONS) {
        values[0] = CONNECTIONS / ((t1 - t0) / 1000);
        rc = 0;
    }
    api->closesocket(ls);
    return rc;
}

static const bench_metric metrics[] = {
    { "churn", "3 churn: socket+connect+accept+close", "conn/s", HIGHER_IS_BETTER,
      TARGET_RATIO_MIN, 0.80 },
};

const bench_workload w3_churn = {
    .id = "churn",
    .title = "3. connection churn",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .min_rounds = 7,
    .run = run,
};
