/*
 * w8_memory.c - 8. memory per idle socket.  A child process per stack and
 * round (bench.exe --mem-child STACK N), so that neither stack's heap
 * reuses what the other freed: it starts its stack, opens and closes a few
 * sockets (libraries, catalog and first-use allocations out of the way),
 * reads its private bytes, opens 10,000 idle TCP sockets, reads them again
 * and prints both.  Bytes per socket for each stack, the provider's own
 * (ours - direct, paired by round), and the private bytes with 10,000 open.
 *
 * Private bytes: K32GetProcessMemoryInfo's PrivateUsage where it is filled
 * in; Wine 8 leaves it 0, so then the process's committed private memory,
 * summed over VirtualQuery (the same quantity: private commit).  The
 * working set (VmRSS under Wine) is reported beside it, as a check that
 * catches memory allocated on the Unix side, outside the Windows view.
 */
#include "bench.h"

#include <psapi.h>
#include <stdlib.h>

enum { SOCKETS = 10000, WARM_UP = 16 };

struct memory {
    unsigned long long private_bytes;   /* PrivateUsage, or private commit */
    unsigned long long working_set;
};

static unsigned long long private_commit(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    unsigned long long sum = 0;
    const char *p = NULL;

    while (VirtualQuery(p, &mbi, sizeof(mbi)) == sizeof(mbi)) {
        if (mbi.State == MEM_COMMIT && mbi.Type == MEM_PRIVATE)
            sum += mbi.RegionSize;
        p = (const char *)mbi.BaseAddress + mbi.RegionSize;
        if (p < (const char *)mbi.BaseAddress)
            break;
    }
    return sum;
}

static void measure(struct memory *m)
{
    PROCESS_MEMORY_COUNTERS_EX pmc;
    ZeroMemory(&pmc, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    GetProcessMemoryInfo(GetCurrentProcess(), (PPROCESS_MEMORY_COUNTERS)&pmc, sizeof(pmc));
    m->private_bytes = pmc.PrivateUsage ? pmc.PrivateUsage : private_commit();
    m->working_set = pmc.WorkingSetSize;
}

int w8_memory_child(int stack, int count)
{
    bench_api api;
    SOCKET *s = calloc((size_t)count, sizeof(SOCKET));
    struct memory before, after;
    int i;

    if (!s || count <= 0 || bench_api_load(&api, stack)) {
        fprintf(stderr, "mem-child: %s\n", bench_failure() ? bench_failure() : "bad arguments");
        return 1;
    }
    for (i = 0; i < WARM_UP; i++)
        s[i] = api.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    for (i = 0; i < WARM_UP; i++)
        api.closesocket(s[i]);
    measure(&before);
    for (i = 0; i < count; i++) {
        s[i] = api.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (s[i] == INVALID_SOCKET) {
            fprintf(stderr, "mem-child: %s: socket %d: %d\n", api.name, i, api.WSAGetLastError());
            return 1;
        }
    }
    measure(&after);
    printf("%llu %llu %llu %llu\n", before.private_bytes, after.private_bytes,
           before.working_set, after.working_set);
    fflush(stdout);
    for (i = 0; i < count; i++)
        api.closesocket(s[i]);
    return 0;
}

/* Runs the child, reads "before after" from its stdout. */
static int child(int stack, struct memory *before, struct memory *after)
{
    char args[64], out[256];
    DWORD code;

    snprintf(args, sizeof(args), "--mem-child %s %d", bench_stack_name(stack), SOCKETS);
    code = bench_child_run(args, out, sizeof(out));
    if (code == (DWORD)-1)
        return -1;
    if (code != 0 || sscanf(out, "%llu %llu %llu %llu", &before->private_bytes,
                            &after->private_bytes, &before->working_set,
                            &after->working_set) != 4)
        return bench_fail("%s memory child failed (exit %lu, output \"%s\")",
                          bench_stack_name(stack), code, out);
    return 0;
}

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    struct memory before, after;

    if (child(api->stack, &before, &after))
        return -1;
    values[0] = ((double)after.private_bytes - (double)before.private_bytes) / SOCKETS;
    values[1] = ((double)after.working_set - (double)before.working_set) / SOCKETS;
    values[2] = (double)after.private_bytes / (1 << 20);
    bench_note(note, note_size, "private bytes before the 10k: %.1f MiB",
               (double)before.private_bytes / (1 << 20));
    return 0;
}

static const bench_metric metrics[] = {
    { "mem_per_socket", "8 memory: private bytes per idle socket", "B", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "mem_ws_per_socket", "8 memory: working set per idle socket", "B", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "mem_total_10k", "8 memory: private bytes, 10k sockets open", "MiB", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "mem_provider_per_socket", "8 memory: ours beyond the base, per socket", "B",
      LOWER_IS_BETTER, TARGET_OURS_MAX, 1024 },
};

/* ours - direct, paired round by round */
static void derive(const bench_workload *w, bench_row *rows, int n_rows)
{
    bench_row *out = &rows[3];
    const bench_stats *d = &rows[0].st[BENCH_DIRECT], *o = &rows[0].st[BENCH_OURS];
    int i;

    (void)n_rows;
    out->st[BENCH_OURS].n = d->n < o->n ? d->n : o->n;
    for (i = 0; i < out->st[BENCH_OURS].n; i++)
        out->st[BENCH_OURS].samples[i] = o->samples[i] - d->samples[i];
    out->have[BENCH_OURS] = out->st[BENCH_OURS].n > 0;
    bench_stats_compute(&out->st[BENCH_OURS]);
    bench_row_judge(out, &w->metrics[3]);
}

const bench_workload w8_memory = {
    .id = "memory",
    .title = "8. memory per idle socket (a child process per stack and round)",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .run = run,
    .derive = derive,
    .n_derived = 1,
};
