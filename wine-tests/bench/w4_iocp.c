/*
 * w4_iocp.c - 4. overlapped receive throughput on a completion port:
 * 64 connections, 4 outstanding WSARecv of 16 KiB on each receiving end,
 * all on one port served by this thread; 4 sender threads feed 2 MiB into
 * each connection with blocking 64 KiB sends, then shut down their side.
 * MiB/s from the first send to the last byte's completion.
 */
#include "bench.h"

#include <stdlib.h>

enum {
    SOCKETS = 64, OUTSTANDING = 4, RECV_SIZE = 16 << 10, SEND_CHUNK = 64 << 10,
    SENDERS = 4, BATCH = 64, STALL_MS = 10000,
};
static const unsigned long long PER_SOCKET = 2ull << 20;

struct op {
    WSAOVERLAPPED ov;
    int conn;
    char buf[RECV_SIZE];
};

struct conn {
    SOCKET rx, tx;
    int pending;
};

struct sender {
    const bench_api *api;
    struct conn *conns;
    int first;
};

static DWORD WINAPI feed(void *arg)
{
    struct sender *s = arg;
    char *buf = calloc(1, SEND_CHUNK);
    unsigned long long sent;
    int i;

    for (sent = 0; buf && sent < PER_SOCKET; sent += SEND_CHUNK)
        for (i = s->first; i < SOCKETS; i += SENDERS)
            if (bench_send_all(s->api, s->conns[i].tx, buf, SEND_CHUNK))
                goto out;
    for (i = s->first; i < SOCKETS; i += SENDERS)
        s->api->shutdown(s->conns[i].tx, SD_SEND);
out:
    free(buf);
    return 0;
}

static int post(const bench_api *api, struct conn *c, struct op *op)
{
    WSABUF b = { RECV_SIZE, op->buf };
    DWORD flags = 0;

    ZeroMemory(&op->ov, sizeof(op->ov));
    if (api->WSARecv(c->rx, &b, 1, NULL, &flags, &op->ov, NULL) &&
        api->WSAGetLastError() != WSA_IO_PENDING)
        return bench_fail("%s: WSARecv: %d", api->name, api->WSAGetLastError());
    c->pending++;
    return 0;
}

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    struct sockaddr_in addr;
    struct conn conns[SOCKETS];
    struct sender senders[SENDERS];
    HANDLE threads[SENDERS] = { 0 }, port = NULL;
    struct op *ops = calloc(SOCKETS * OUTSTANDING, sizeof(*ops));
    unsigned long long total = 0, want = PER_SOCKET * SOCKETS;
    int i, pending = 0, rc = -1, started = 0;
    double t0 = 0, t1 = 0;
    SOCKET ls;

    (void)note; (void)note_size;
    for (i = 0; i < SOCKETS; i++)
        conns[i].rx = conns[i].tx = INVALID_SOCKET, conns[i].pending = 0;
    ls = bench_listen(api, &addr, SOMAXCONN);
    if (!ops || ls == INVALID_SOCKET)
        goto out;
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    for (i = 0; i < SOCKETS; i++) {
        if (bench_connect_pair(api, ls, &addr, &conns[i].tx, &conns[i].rx))
            goto out;
        if (!CreateIoCompletionPort((HANDLE)conns[i].rx, port, (ULONG_PTR)i, 0)) {
            bench_fail("%s: CreateIoCompletionPort: %lu", api->name, GetLastError());
            goto out;
        }
    }
    for (i = 0; i < SOCKETS * OUTSTANDING; i++) {
        ops[i].conn = i / OUTSTANDING;
        if (post(api, &conns[ops[i].conn], &ops[i]))
            goto out;
    }
    t0 = bench_now_ms();
    for (i = 0; i < SENDERS; i++) {
        senders[i].api = api;
        senders[i].conns = conns;
        senders[i].first = i;
        threads[i] = CreateThread(NULL, 0, feed, &senders[i], 0, NULL);
        if (!threads[i]) {
            bench_fail("CreateThread: %lu", GetLastError());
            goto out;
        }
        started++;
    }
    /* until every byte arrived and every receive came back (the last ones with 0: FIN) */
    for (pending = SOCKETS * OUTSTANDING; pending > 0;) {
        OVERLAPPED_ENTRY done[BATCH];
        ULONG n = 0, k;
        if (!GetQueuedCompletionStatusEx(port, done, BATCH, &n, STALL_MS, FALSE)) {
            bench_fail("%s: stalled at %llu of %llu bytes (%lu)", api->name, total, want,
                       GetLastError());
            goto out;
        }
        for (k = 0; k < n; k++) {
            struct op *op = CONTAINING_RECORD(done[k].lpOverlapped, struct op, ov);
            struct conn *c = &conns[op->conn];
            c->pending--;
            pending--;
            /* the status is the OVERLAPPED's (the entry's own Internal is reserved) */
            if (op->ov.Internal != 0) {
                bench_fail("%s: receive completed with status 0x%lx", api->name,
                           (unsigned long)op->ov.Internal);
                goto out;
            }
            if (done[k].dwNumberOfBytesTransferred == 0)
                continue;                       /* end of stream */
            total += done[k].dwNumberOfBytesTransferred;
            if (total == want)
                t1 = bench_now_ms();
            if (post(api, c, op))
                goto out;
            pending++;
        }
    }
    if (total == want) {
        values[0] = (double)want / (1 << 20) / ((t1 - t0) / 1000);
        rc = 0;
    } else {
        bench_fail("%s: %llu of %llu bytes", api->name, total, want);
    }
out:
    for (i = 0; i < SOCKETS; i++) {
        if (conns[i].tx != INVALID_SOCKET) api->closesocket(conns[i].tx);
        if (conns[i].rx != INVALID_SOCKET) api->closesocket(conns[i].rx);
    }
    for (i = 0; i < started; i++) {
        WaitForSingleObject(threads[i], INFINITE);
        CloseHandle(threads[i]);
    }
    /* receives cut short by a failure complete (aborted) before ops goes */
    if (rc && port) {
        OVERLAPPED_ENTRY done[BATCH];
        ULONG n;
        while (pending > 0 && GetQueuedCompletionStatusEx(port, done, BATCH, &n, 2000, FALSE))
            pending -= (int)n;
    }
    if (port)
        CloseHandle(port);
    if (ls != INVALID_SOCKET)
        api->closesocket(ls);
    if (!rc || pending <= 0)
        free(ops);                      /* else leaked on purpose: the host may still write */
    return rc;
}

static const bench_metric metrics[] = {
    { "iocp_recv", "4 IOCP recv, 64 sockets x 4 x 16 KiB", "MiB/s", HIGHER_IS_BETTER,
      TARGET_RATIO_MIN, 0.85 },
};

const bench_workload w4_iocp = {
    .id = "iocp",
    .title = "4. overlapped receive on a completion port",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .run = run,
};
