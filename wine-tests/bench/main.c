/*
 * main.c - bench.exe [--rounds N] [--json FILE] [WORKLOAD...]
 *
 * Runs the workloads (all, or those named: bulk pingpong churn iocp
 * cancel-one cancel-many linger irda memory trace) through both stacks, alternating
 * them round by round, prints the table and writes FILE (default
 * results.json in the current directory).  Exit 0 when every workload ran,
 * whatever the verdicts (a MISS is a finding, not a failure); 1 when a
 * workload broke; 2 on bad usage or when a stack cannot be loaded.
 *
 * bench.exe --mem-child direct|ours N is the memory workload's child;
 * bench.exe --trace-child untraced|off|on|direct the trace workload's;
 * bench.exe --irda-child recv|send ... the IrDA workload's stations.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

static const bench_workload *const workloads[] = {
    &w1_bulk, &w2_pingpong, &w3_churn, &w4_iocp, &w5a_cancel_one, &w5b_cancel_many,
    &w6_linger, &w7_irda, &w8_memory, &w9_trace,
};
enum { N_WORKLOADS = sizeof(workloads) / sizeof(workloads[0]), MAX_METRICS = 16 };

static bench_api apis[BENCH_STACKS];

/* The socket of ours must really be one of celsp's chains, or we measure nothing. */
static int check_ours_is_layered(void)
{
    bench_api *a = &apis[BENCH_OURS];
    WSAPROTOCOL_INFOW info;
    int len = sizeof(info);
    SOCKET s = a->socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    if (s == INVALID_SOCKET)
        return bench_fail("ours: socket: %d", a->WSAGetLastError());
    if (a->getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len)) {
        a->closesocket(s);
        return bench_fail("ours: getsockopt(SO_PROTOCOL_INFOW): %d", a->WSAGetLastError());
    }
    a->closesocket(s);
    printf("ours:   %s, TCP socket from \"%ls\" (chain length %d)\n", a->path, info.szProtocol,
           info.ProtocolChain.ChainLen);
    if (info.ProtocolChain.ChainLen < 2)
        return bench_fail("ours: the TCP socket is not layered (chain length %d): "
                          "is CeLayered registered?", info.ProtocolChain.ChainLen);
    return 0;
}

static int run_workload(const bench_workload *w, int rounds)
{
    bench_row rows[MAX_METRICS];
    char notes[BENCH_STACKS][192];
    int r, k, m, broken = 0;

    if (w->min_rounds > rounds)
        rounds = w->min_rounds;
    if (rounds > 64)
        rounds = 64;
    ZeroMemory(rows, sizeof(rows));
    ZeroMemory(notes, sizeof(notes));
    fprintf(stderr, "== %s (%d rounds)\n", w->title, rounds);
    for (r = 0; r < rounds && !broken; r++) {
        for (k = 0; k < BENCH_STACKS && !broken; k++) {
            int stack = r % 2 == 0 ? k : BENCH_STACKS - 1 - k;
            double values[MAX_METRICS];
            char note[192] = "";
            double t0;

            if (w->ours_only && stack == BENCH_DIRECT)
                continue;
            t0 = bench_now_ms();
            if (w->run(&apis[stack], values, note, sizeof(note))) {
                broken = 1;
                fprintf(stderr, "   %-6s round %d: BROKEN: %s\n", bench_stack_name(stack), r + 1,
                        bench_failure());
                break;
            }
            fprintf(stderr, "   %-6s round %d (%.1f s):", bench_stack_name(stack), r + 1,
                    (bench_now_ms() - t0) / 1000);
            for (m = 0; m < w->n_metrics - w->n_derived; m++) {
                bench_stats *st = &rows[m].st[stack];
                st->samples[st->n++] = values[m];
                rows[m].have[stack] = 1;
                fprintf(stderr, " %s=%.4g", w->metrics[m].key, values[m]);
            }
            fprintf(stderr, "\n");
            if (note[0]) {
                snprintf(notes[stack], sizeof(notes[stack]), "%s", note);
                fprintf(stderr, "      %s\n", note);
            }
        }
    }
    for (m = 0; m < w->n_metrics; m++) {
        const bench_metric *me = &w->metrics[m];
        snprintf(rows[m].key, sizeof(rows[m].key), "%s", me->key);
        snprintf(rows[m].label, sizeof(rows[m].label), "%s", me->label);
        snprintf(rows[m].unit, sizeof(rows[m].unit), "%s", me->unit);
        for (k = 0; k < BENCH_STACKS; k++)
            bench_stats_compute(&rows[m].st[k]);
        bench_row_judge(&rows[m], me);
        if (broken)
            rows[m].verdict = "BROKEN";
    }
    if (broken)
        snprintf(rows[0].note, sizeof(rows[0].note), "broken: %s", bench_failure());
    else {
        for (k = 0; k < BENCH_STACKS; k++)
            if (notes[k][0])
                bench_note(rows[0].note, sizeof(rows[0].note), "%s%s: %s",
                           rows[0].note[0] ? "; " : "", bench_stack_name(k), notes[k]);
        if (w->derive)
            w->derive(w, rows, w->n_metrics);
    }
    for (m = 0; m < w->n_metrics; m++)
        bench_report_add(&rows[m]);
    bench_clear_failure();
    return broken ? -1 : 0;
}

static int usage(void)
{
    int i;
    fprintf(stderr, "usage: bench.exe [--rounds N] [--json FILE] [WORKLOAD...]\nworkloads:");
    for (i = 0; i < N_WORKLOADS; i++)
        fprintf(stderr, " %s", workloads[i]->id);
    fprintf(stderr, "\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *json = "results.json";
    int rounds = 5, selected[N_WORKLOADS] = { 0 }, any_selected = 0, failures = 0, i, k;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 4 && !strcmp(argv[1], "--mem-child"))
        return w8_memory_child(strcmp(argv[2], "ours") ? BENCH_DIRECT : BENCH_OURS,
                               atoi(argv[3]));
    if (argc == 3 && !strcmp(argv[1], "--trace-child"))
        return w9_trace_child(argv[2]);
    if (argc >= 2 && !strcmp(argv[1], "--irda-child"))
        return w7_irda_child(argc - 2, argv + 2);
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
            rounds = atoi(argv[++i]);
            if (rounds < 1 || rounds > 64)
                return usage();
        } else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
            json = argv[++i];
        } else {
            for (k = 0; k < N_WORKLOADS; k++)
                if (!strcmp(argv[i], workloads[k]->id))
                    break;
            if (k == N_WORKLOADS)
                return usage();
            selected[k] = any_selected = 1;
        }
    }
    for (k = 0; k < BENCH_STACKS; k++)
        if (bench_api_load(&apis[k], k)) {
            fprintf(stderr, "bench: %s\n", bench_failure());
            return 2;
        }
    printf("direct: %s\n", apis[BENCH_DIRECT].path);
    if (check_ours_is_layered()) {
        fprintf(stderr, "bench: %s\n", bench_failure());
        return 2;
    }
    printf("%d rounds, alternating direct and ours\n", rounds);
    for (i = 0; i < N_WORKLOADS; i++) {
        if (any_selected && !selected[i])
            continue;
        if (run_workload(workloads[i], rounds))
            failures++;
    }
    bench_report_print(stdout);
    if (bench_report_json(json, rounds))
        fprintf(stderr, "bench: cannot write %s\n", json), failures++;
    else
        printf("\nfigures: %s\n", json);
    return failures ? 1 : 0;
}
