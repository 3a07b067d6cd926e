/* ovrace.c - an overlapped call racing closesocket; see ovrace.h. */
#include "ovrace.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#define OVRACE_MAGIC     0x4f565243u
#define COMPLETION_WAIT  10000      /* ms a started call may take to complete */
#define MAX_DELAY_US     150.0      /* the random head start of one side, at first */
#define WIDEST_DELAY_US  20000.0    /* ... and at most */
#define ADAPT_ROUNDS     32
#define SEND_SIZE        (8u << 20) /* more than loopback takes at once: the send pends */

const char *const ovrace_call_name[3] = { "WSARecv", "WSASend", "WSAIoctl" };
const char *const ovrace_via_name[3] = { "event", "routine", "port" };

static char send_buffer[SEND_SIZE];

static unsigned next_random(struct ovrace *r)
{
    unsigned x = r->rng;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return r->rng = x ? x : 0x2545f491u;
}

static void spin_us(double us)
{
    double end = tu_now_ms() + us / 1000.0;
    while (tu_now_ms() < end)
        YieldProcessor();
}

static void note(struct ovrace_tally *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct ovrace_tally *t, const char *fmt, ...)
{
    va_list ap;
    if (t->first_problem[0])
        return;
    va_start(ap, fmt);
    vsnprintf(t->first_problem, sizeof(t->first_problem), fmt, ap);
    va_end(ap);
}

/* The closing side: meets the issuing thread at the barrier, waits its
 * share of the head start, closes. */
static DWORD WINAPI closer_main(void *arg)
{
    struct ovrace *r = arg;

    for (;;) {
        WaitForSingleObject(r->wake, INFINITE);
        if (r->quit)
            return 0;
        InterlockedExchange(&r->ready, 1);
        while (!r->go)
            YieldProcessor();
        spin_us(r->close_delay_us);
        r->close_result = closesocket(r->victim);
        r->close_err = r->close_result ? WSAGetLastError() : 0;
        SetEvent(r->done);
    }
}

int ovrace_start(struct ovrace *r, unsigned seed)
{
    memset(r, 0, sizeof(*r));
    r->rng = seed * 2654435761u + 1;
    r->issue_head_us = r->close_head_us = MAX_DELAY_US;
    r->wake = CreateEventW(NULL, FALSE, FALSE, NULL);
    r->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    r->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (r->wake && r->done && r->port)
        r->thread = CreateThread(NULL, 0, closer_main, r, 0, NULL);
    return r->thread ? 0 : -1;
}

void ovrace_stop(struct ovrace *r)
{
    if (r->thread) {
        r->quit = 1;
        SetEvent(r->wake);
        WaitForSingleObject(r->thread, COMPLETION_WAIT);
        CloseHandle(r->thread);
    }
    if (r->wake) CloseHandle(r->wake);
    if (r->done) CloseHandle(r->done);
    if (r->port) CloseHandle(r->port);
    memset(r, 0, sizeof(*r));
}

static struct ovrace_op *op_of(LPOVERLAPPED ov)
{
    struct ovrace_op *op = CONTAINING_RECORD((WSAOVERLAPPED *)ov, struct ovrace_op, ov);
    return op->magic == OVRACE_MAGIC ? op : NULL;
}

static void CALLBACK routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    struct ovrace_op *op = op_of((LPOVERLAPPED)ov);
    (void)bytes; (void)flags;
    if (!op)
        return;
    if (InterlockedIncrement(&op->completions) == 1)
        op->completion_error = error;
}

/* Takes one completion packet off the port (waiting at most ms) and counts
 * it against its op; FALSE when none came. */
static BOOL take_packet(struct ovrace *r, DWORD ms)
{
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov = NULL;
    BOOL ok = GetQueuedCompletionStatus(r->port, &bytes, &key, &ov, ms);
    struct ovrace_op *op;

    if (!ov)
        return FALSE;
    op = op_of(ov);
    if (op && InterlockedIncrement(&op->completions) == 1)
        op->completion_error = ok ? 0 : GetLastError();
    return TRUE;
}

void ovrace_pump(struct ovrace *r, DWORD ms)
{
    double end = tu_now_ms() + ms;

    for (;;) {
        double now = tu_now_ms();
        if (now >= end)
            break;
        /* routines run in the alertable wait, packets are taken after it */
        SleepEx((DWORD)(end - now) < 10 ? (DWORD)(end - now) : 10, TRUE);
        while (take_packet(r, 0))
            ;
    }
    SleepEx(0, TRUE);
    while (take_packet(r, 0))
        ;
}

/* The event mechanism: a signalled event is one completion; it is reset so
 * that a second one would show. */
static void take_event(struct ovrace_op *op)
{
    DWORD bytes = 0;
    if (WaitForSingleObject(op->ov.hEvent, 0) != WAIT_OBJECT_0)
        return;
    if (InterlockedIncrement(&op->completions) == 1)
        op->completion_error = GetOverlappedResult((HANDLE)op->s, (LPOVERLAPPED)&op->ov, &bytes, FALSE)
                               ? 0 : GetLastError();
    ResetEvent(op->ov.hEvent);
}

static int issue(struct ovrace_op *op, LPWSAOVERLAPPED_COMPLETION_ROUTINE done)
{
    static char recv_buffer[64];
    WSABUF b;
    DWORD n = 0, flags = 0;

    switch (op->call) {
    case OVRACE_RECV:
        b.buf = recv_buffer; b.len = sizeof(recv_buffer);
        return WSARecv(op->s, &b, 1, &n, &flags, &op->ov, done);
    case OVRACE_SEND:
        b.buf = send_buffer; b.len = SEND_SIZE;
        op->sent = SEND_SIZE;
        return WSASend(op->s, &b, 1, &n, 0, &op->ov, done);
    default:
        /* pends until the host's address list changes: only the close ends it */
        return WSAIoctl(op->s, SIO_ADDRESS_LIST_CHANGE, NULL, 0, NULL, 0, &n, &op->ov, done);
    }
}

void ovrace_round(struct ovrace *r, enum ovrace_call call, enum ovrace_via via, SOCKET s,
                  struct ovrace_op *op, struct ovrace_tally *t)
{
    double share = (next_random(r) % 1000) / 1000.0;
    double issue_delay = 0;

    memset(op, 0, sizeof(*op));
    op->magic = OVRACE_MAGIC;
    op->call = call;
    op->via = via;
    op->s = s;
    if (via == OVRACE_EVENT)
        op->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    else if (via == OVRACE_PORT && !CreateIoCompletionPort((HANDLE)s, r->port, 0x0a, 0))
        note(t, "CreateIoCompletionPort: %lu", GetLastError());
    /* one side or the other gets the head start */
    if (next_random(r) & 1) {
        issue_delay = share * r->issue_head_us;
        r->close_delay_us = 0;
    } else {
        r->close_delay_us = share * r->close_head_us;
    }
    r->victim = s;
    r->ready = r->go = 0;
    ResetEvent(r->done);
    SetEvent(r->wake);
    while (!r->ready)
        YieldProcessor();
    InterlockedExchange(&r->go, 1);
    spin_us(issue_delay);
    WSASetLastError(0);
    op->result = issue(op, via == OVRACE_ROUTINE ? routine : NULL);
    op->err = op->result ? WSAGetLastError() : 0;

    t->rounds++;
    if (WaitForSingleObject(r->done, COMPLETION_WAIT) != WAIT_OBJECT_0) {
        t->close_failed++;
        note(t, "%s/%s: the racing closesocket did not return", ovrace_call_name[call],
             ovrace_via_name[via]);
        return;
    }
    if (r->close_result) {
        t->close_failed++;
        note(t, "%s/%s: the racing closesocket failed with %d", ovrace_call_name[call],
             ovrace_via_name[via], r->close_err);
    }
    if (op->result == SOCKET_ERROR && op->err != WSA_IO_PENDING)
        r->recent_failed++;
    else
        r->recent_started++;
    if (++r->recent_rounds == ADAPT_ROUNDS) {
        if (!r->recent_failed && r->issue_head_us < WIDEST_DELAY_US)
            r->issue_head_us *= 2;      /* let the close get there first */
        if (!r->recent_started && r->close_head_us < WIDEST_DELAY_US)
            r->close_head_us *= 2;      /* let the call get there first */
        r->recent_rounds = r->recent_failed = r->recent_started = 0;
    }
    if (op->result == SOCKET_ERROR && op->err != WSA_IO_PENDING)
        return;     /* failed at once: ovrace_judge makes sure nothing follows */
    /* started: its completion must come */
    double end = tu_now_ms() + COMPLETION_WAIT;
    while (!op->completions && tu_now_ms() < end) {
        if (via == OVRACE_EVENT) {
            WaitForSingleObject(op->ov.hEvent, 50);
            take_event(op);
        } else if (via == OVRACE_ROUTINE) {
            SleepEx(50, TRUE);
        } else {
            take_packet(r, 50);
        }
    }
}

static int completion_code_ok(const struct ovrace_op *op)
{
    if (op->completion_error == ERROR_OPERATION_ABORTED)
        return 1;
    /* a send may get everything out before the close */
    return op->call == OVRACE_SEND && op->completion_error == 0;
}

void ovrace_judge(struct ovrace_op *op, struct ovrace_tally *t)
{
    const char *what;
    int failed_at_once = op->result == SOCKET_ERROR && op->err != WSA_IO_PENDING;

    if (op->via == OVRACE_EVENT) {
        take_event(op);
        CloseHandle(op->ov.hEvent);
        op->ov.hEvent = NULL;
    }
    what = ovrace_call_name[op->call];
    if (failed_at_once) {
        t->failed_at_once++;
        if (op->err == WSAENOTSOCK)
            t->failed_enotsock++;
        else if (op->err == WSAEINTR)
            t->failed_eintr++;
        else {
            t->bad_code++;
            note(t, "%s/%s failed at once with %d", what, ovrace_via_name[op->via], op->err);
        }
        if (op->completions) {
            t->both++;
            note(t, "%s/%s failed at once with %d AND completed (%ld times, first with %lu)", what,
                 ovrace_via_name[op->via], op->err, (long)op->completions,
                 (unsigned long)op->completion_error);
        }
    } else {
        t->started++;
        if (op->completions == 0) {
            t->none++;
            note(t, "%s/%s returned %d/%d and never completed", what, ovrace_via_name[op->via],
                 op->result, op->err);
        } else if (op->completions > 1) {
            t->duplicate++;
            note(t, "%s/%s completed %ld times", what, ovrace_via_name[op->via],
                 (long)op->completions);
        } else if (!completion_code_ok(op)) {
            t->bad_code++;
            note(t, "%s/%s completed with %lu", what, ovrace_via_name[op->via],
                 (unsigned long)op->completion_error);
        } else {
            t->completed_once++;
        }
    }
    op->magic = 0;
}

void ovrace_tally_add(struct ovrace_tally *a, const struct ovrace_tally *b)
{
    a->rounds += b->rounds;
    a->failed_at_once += b->failed_at_once;
    a->failed_enotsock += b->failed_enotsock;
    a->failed_eintr += b->failed_eintr;
    a->started += b->started;
    a->completed_once += b->completed_once;
    a->both += b->both;
    a->none += b->none;
    a->duplicate += b->duplicate;
    a->bad_code += b->bad_code;
    a->close_failed += b->close_failed;
    if (!a->first_problem[0] && b->first_problem[0])
        memcpy(a->first_problem, b->first_problem, sizeof(a->first_problem));
}

int ovrace_tally_ok(const struct ovrace_tally *t)
{
    return t->both == 0 && t->none == 0 && t->duplicate == 0 && t->bad_code == 0 &&
           t->close_failed == 0 && t->failed_at_once + t->completed_once == t->rounds;
}
