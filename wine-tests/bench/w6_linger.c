/*
 * w6_linger.c - 6. linger accuracy: SO_LINGER {1, 1} on a blocking socket
 * whose peer has stopped reading.  The send queue is filled with
 * non-blocking sends until WSAEWOULDBLOCK, the socket made blocking again,
 * and closesocket timed: by the CE table it waits the whole interval, then
 * resets.  Error = |duration - 1000 ms|.  Ours only: the host's closesocket
 * does not linger (docs/closesocket.md).
 */
#include "bench.h"

#include <math.h>
#include <stdlib.h>

enum { CHUNK = 64 << 10 };

static int fill(const bench_api *api, SOCKET s)
{
    char *buf = calloc(1, CHUNK);
    u_long on = 1, off = 0;
    int n, err = 0, chunks = 0;

    if (!buf)
        return bench_fail("out of memory");
    if (api->ioctlsocket(s, FIONBIO, &on)) {
        free(buf);
        return bench_fail("%s: FIONBIO 1: %d", api->name, api->WSAGetLastError());
    }
    while ((n = api->send(s, buf, CHUNK, 0)) > 0 && ++chunks < 100000)
        ;
    if (n <= 0)
        err = api->WSAGetLastError();
    free(buf);
    if (err != WSAEWOULDBLOCK)
        return bench_fail("%s: filling the send queue ended with %d", api->name, err);
    if (api->ioctlsocket(s, FIONBIO, &off))
        return bench_fail("%s: FIONBIO 0: %d", api->name, api->WSAGetLastError());
    return 0;
}

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    struct sockaddr_in addr;
    struct linger lg = { 1, 1 };
    SOCKET ls, c = INVALID_SOCKET, s = INVALID_SOCKET;
    double t0, t1;
    int rc = -1, r;

    (void)note; (void)note_size;
    ls = bench_listen(api, &addr, 1);
    if (ls == INVALID_SOCKET || bench_connect_pair(api, ls, &addr, &c, &s))
        goto out;
    if (fill(api, c))
        goto out;
    if (api->setsockopt(c, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof(lg))) {
        bench_fail("%s: SO_LINGER: %d", api->name, api->WSAGetLastError());
        goto out;
    }
    t0 = bench_now_ms();
    r = api->closesocket(c);
    t1 = bench_now_ms();
    if (r) {
        bench_fail("%s: lingering closesocket: %d", api->name, api->WSAGetLastError());
        goto out;
    }
    c = INVALID_SOCKET;
    values[0] = t1 - t0;
    values[1] = fabs(values[0] - 1000);
    rc = 0;
out:
    if (c != INVALID_SOCKET) api->closesocket(c);
    if (s != INVALID_SOCKET) api->closesocket(s);
    if (ls != INVALID_SOCKET) api->closesocket(ls);
    return rc;
}

static const bench_metric metrics[] = {
    { "linger_duration", "6 linger {1,1}, peer not reading: close", "ms", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "linger_error", "6 linger: |close - 1000 ms|", "ms", LOWER_IS_BETTER,
      TARGET_OURS_MAX, 20 },
};

const bench_workload w6_linger = {
    .id = "linger",
    .title = "6. linger accuracy (ours only)",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .ours_only = 1,
    .min_rounds = 7,
    .run = run,
};
