/*
 * w2_pingpong.c - 2. request/response: 1-byte ping-pong over one loopback
 * connection (TCP_NODELAY both ends), an echo thread on the accepted end.
 * Round trips per second.
 */
#include "bench.h"

enum { ROUND_TRIPS = 8000 };

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    struct sockaddr_in addr;
    SOCKET ls, c = INVALID_SOCKET, s = INVALID_SOCKET;
    struct bench_echo e = { api, INVALID_SOCKET };
    HANDLE thread = NULL;
    double t0, t1;
    int i, rc = -1;
    char b = 'x';

    (void)note; (void)note_size;
    ls = bench_listen(api, &addr, 1);
    if (ls == INVALID_SOCKET || bench_connect_pair(api, ls, &addr, &c, &s))
        goto out;
    bench_nodelay(api, c);
    bench_nodelay(api, s);
    e.s = s;
    thread = CreateThread(NULL, 0, bench_echo_bytes, &e, 0, NULL);
    if (!thread) {
        bench_fail("CreateThread: %lu", GetLastError());
        goto out;
    }
    t0 = bench_now_ms();
    for (i = 0; i < ROUND_TRIPS; i++) {
        if (api->send(c, &b, 1, 0) != 1 || api->recv(c, &b, 1, 0) != 1) {
            bench_fail("%s: ping-pong stopped at %d: %d", api->name, i, api->WSAGetLastError());
            break;
        }
    }
    t1 = bench_now_ms();
    api->shutdown(c, SD_SEND);          /* the echo thread sees the end */
    WaitForSingleObject(thread, INFINITE);
    if (i == ROUND_TRIPS) {
        values[0] = ROUND_TRIPS / ((t1 - t0) / 1000);
        rc = 0;
    }
out:
    if (thread)
        CloseHandle(thread);
    if (c != INVALID_SOCKET) api->closesocket(c);
    if (s != INVALID_SOCKET) api->closesocket(s);
    if (ls != INVALID_SOCKET) api->closesocket(ls);
    return rc;
}

static const bench_metric metrics[] = {
    { "pingpong", "2 ping-pong, 1 byte each way", "RT/s", HIGHER_IS_BETTER,
      TARGET_RATIO_MIN, 0.85 },
};

const bench_workload w2_pingpong = {
    .id = "pingpong",
    .title = "2. 1-byte ping-pong",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .min_rounds = 7,
    .run = run,
};
