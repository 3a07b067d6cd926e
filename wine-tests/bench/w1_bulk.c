/*
 * w1_bulk.c - 1. bulk TCP: 256 MiB over loopback, blocking send/recv of
 * 64 KiB, a sender (this thread) and a receiver thread, both ends through
 * the stack under test.  MiB/s from the first send to the last byte read.
 */
#include "bench.h"

#include <stdlib.h>

enum { CHUNK = 64 << 10 };
static const unsigned long long TOTAL = 256ull << 20;

struct receiver {
    const bench_api *api;
    SOCKET s;
    unsigned long long got;
    double end_ms;
};

static DWORD WINAPI receive_all(void *arg)
{
    struct receiver *r = arg;
    char *buf = malloc(CHUNK);

    while (buf && r->got < TOTAL) {
        int n = r->api->recv(r->s, buf, CHUNK, 0);
        if (n <= 0) {
            bench_fail("%s: recv after %llu bytes: %d", r->api->name, r->got,
                       n ? r->api->WSAGetLastError() : 0);
            break;
        }
        r->got += (unsigned)n;
    }
    r->end_ms = bench_now_ms();
    free(buf);
    return 0;
}

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    struct sockaddr_in addr;
    SOCKET ls, c = INVALID_SOCKET, s = INVALID_SOCKET;
    struct receiver r = { api, INVALID_SOCKET, 0, 0 };
    char *buf = calloc(1, CHUNK);
    unsigned long long sent = 0;
    HANDLE thread = NULL;
    double t0;
    int rc = -1;

    (void)note; (void)note_size;
    ls = bench_listen(api, &addr, 1);
    if (!buf || ls == INVALID_SOCKET || bench_connect_pair(api, ls, &addr, &c, &s))
        goto out;
    r.s = s;
    thread = CreateThread(NULL, 0, receive_all, &r, 0, NULL);
    if (!thread) {
        bench_fail("CreateThread: %lu", GetLastError());
        goto out;
    }
    t0 = bench_now_ms();
    while (sent < TOTAL) {
        if (bench_send_all(api, c, buf, CHUNK))
            break;
        sent += CHUNK;
    }
    if (sent < TOTAL)
        api->shutdown(c, SD_BOTH);      /* let the receiver out */
    WaitForSingleObject(thread, INFINITE);
    if (sent == TOTAL && r.got == TOTAL) {
        values[0] = (double)TOTAL / (1 << 20) / ((r.end_ms - t0) / 1000);
        rc = 0;
    }
out:
    if (thread)
        CloseHandle(thread);
    if (c != INVALID_SOCKET) api->closesocket(c);
    if (s != INVALID_SOCKET) api->closesocket(s);
    if (ls != INVALID_SOCKET) api->closesocket(ls);
    free(buf);
    return rc;
}

static const bench_metric metrics[] = {
    { "bulk_tcp", "1 bulk TCP 256 MiB, 64 KiB send/recv", "MiB/s", HIGHER_IS_BETTER,
      TARGET_RATIO_MIN, 0.90 },
};

const bench_workload w1_bulk = {
    .id = "bulk",
    .title = "1. bulk TCP",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .min_rounds = 7,
    .run = run,
};
