/*
 * cancel.c - pending receives and the completions of their cancellation.
 */
#include "cancel.h"

#ifndef STATUS_CANCELLED
#define STATUS_CANCELLED ((DWORD)0xC0000120)
#endif

int cancel_post(const bench_api *api, SOCKET s, struct cancel_op *op)
{
    WSABUF b = { sizeof(op->buf), op->buf };
    DWORD flags = 0;
    int err;

    ZeroMemory(&op->ov, sizeof(op->ov));
    op->completions = 0;
    if (api->WSARecv(s, &b, 1, NULL, &flags, &op->ov, NULL) == 0)
        return bench_fail("%s: WSARecv completed at once (nothing was sent)", api->name);
    err = api->WSAGetLastError();
    if (err != WSA_IO_PENDING)
        return bench_fail("%s: WSARecv: %d", api->name, err);
    return 0;
}

int cancel_collect(HANDLE port, int n, DWORD timeout_ms, struct cancel_tally *t)
{
    enum { BATCH = 256 };
    OVERLAPPED_ENTRY done[BATCH];

    ZeroMemory(t, sizeof(*t));
    while (t->total < n) {
        ULONG got = 0, k;
        if (!GetQueuedCompletionStatusEx(port, done, BATCH, &got, timeout_ms, FALSE))
            return -1;
        t->last_ms = bench_now_ms();
        for (k = 0; k < got; k++) {
            struct cancel_op *op = CONTAINING_RECORD(done[k].lpOverlapped, struct cancel_op, ov);
            /* the status is the OVERLAPPED's (the entry's own Internal is reserved) */
            unsigned long status = (unsigned long)op->ov.Internal;
            int c;
            if (InterlockedIncrement(&op->completions) > 1)
                t->duplicates++;
            t->total++;
            if (status == STATUS_CANCELLED)
                t->aborted++;
            for (c = 0; c < 4; c++) {
                if (t->code_counts[c] && t->codes[c] == status) {
                    t->code_counts[c]++;
                    break;
                }
                if (!t->code_counts[c]) {
                    t->codes[c] = status;
                    t->code_counts[c] = 1;
                    break;
                }
            }
        }
    }
    return 0;
}

void cancel_describe(const struct cancel_tally *t, int n, char *note, size_t note_size)
{
    int c;

    if (t->aborted == n && t->total == n && !t->duplicates) {
        bench_note(note, note_size, "N=%d: all aborted once", n);
        return;
    }
    bench_note(note, note_size, "N=%d: %d done, %d aborted, %d twice, status", n, t->total,
               t->aborted, t->duplicates);
    for (c = 0; c < 4 && t->code_counts[c]; c++)
        bench_note(note, note_size, " 0x%lx x%d", t->codes[c], t->code_counts[c]);
}
