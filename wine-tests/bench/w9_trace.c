/*
 * w9_trace.c - 9. the cost of the trace switch (ws2/diag.c).
 *
 * The switch is read once per process, so every variant runs in a child
 * process of its own (bench.exe --trace-child VARIANT), one child per
 * variant and round, the variants' order rotating from round to round:
 *
 *   untraced  untraced\ws2.dll beside bench.exe: our ws2.dll built with
 *             -DCEWS2_TRACE_BUILD=0, every trace call compiled out (the
 *             Makefile builds it), loaded by path; the providers, which look
 *             for "ws2.dll", find that one loaded; the baseline
 *   off       ws2.dll as shipped, the switch off (CEWS2_TRACE unset)
 *   on        ws2.dll with CEWS2_TRACE=<bench dir>\trace-cost.log
 *   direct    the host's ws2_32, for scale
 *
 * Each child measures two things through its Winsock:
 *   getsockopt(SO_LINGER) per second: celsp answers it from its own state,
 *             so the call costs ws2.dll's own path and little else: the
 *             worst case for the trace's overhead (two lines a call when on);
 *   1-byte ping-pong round trips per second (TCP_NODELAY, an echo thread).
 *
 * The ratios (off/untraced, on/off) are taken round by round, each from
 * children run back to back; "within noise" compares off/untraced with the
 * spread of the untraced baseline itself.  Ours only: the direct column of
 * the table stays empty and direct figures have rows of their own.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

enum { GSO_CALLS = 40000, GSO_WARM = 2000, PP_TRIPS = 3000 };
enum { V_UNTRACED, V_OFF, V_ON, V_DIRECT, VARIANTS };
static const char *const variant_name[VARIANTS] = { "untraced", "off", "on", "direct" };

/* ---- the child ------------------------------------------------------------- */

static int load_dll(bench_api *api, const WCHAR *dll, const char *name, int stack)
{
    WSADATA wd;

    ZeroMemory(api, sizeof(*api));
    api->stack = stack;
    api->name = name;
    api->dll = LoadLibraryW(dll);
    if (!api->dll)
        return bench_fail("%s: LoadLibrary(%ls) failed: %lu", name, dll, GetLastError());
    GetModuleFileNameA(api->dll, api->path, sizeof(api->path));
#define GET(fn) do { \
        api->fn = (void *)GetProcAddress(api->dll, #fn); \
        if (!api->fn) return bench_fail("%s: %ls has no %s", name, dll, #fn); \
    } while (0)
    GET(WSAStartup); GET(WSACleanup); GET(WSAGetLastError); GET(socket); GET(bind);
    GET(listen); GET(accept); GET(connect); GET(send); GET(recv); GET(closesocket);
    GET(shutdown); GET(setsockopt); GET(getsockopt); GET(getsockname); GET(ioctlsocket);
    GET(WSARecv);
#undef GET
    if (api->WSAStartup(MAKEWORD(2, 2), &wd))
        return bench_fail("%s: WSAStartup failed", name);
    return 0;
}

static int measure(const bench_api *api, double *gso_rate, double *pp_rate)
{
    struct sockaddr_in addr;
    struct linger lg;
    SOCKET ls, c = INVALID_SOCKET, s = INVALID_SOCKET;
    struct bench_echo e = { api, INVALID_SOCKET };
    HANDLE thread = NULL;
    double t0 = 0, t1;
    int i, len, rc = -1;
    char b = 'x';

    ls = bench_listen(api, &addr, 1);
    if (ls == INVALID_SOCKET || bench_connect_pair(api, ls, &addr, &c, &s))
        goto out;
    for (i = 0; i < GSO_WARM + GSO_CALLS; i++) {
        if (i == GSO_WARM)
            t0 = bench_now_ms();
        len = sizeof(lg);
        if (api->getsockopt(c, SOL_SOCKET, SO_LINGER, (char *)&lg, &len)) {
            bench_fail("%s: getsockopt: %d", api->name, api->WSAGetLastError());
            goto out;
        }
    }
    t1 = bench_now_ms();
    *gso_rate = GSO_CALLS / ((t1 - t0) / 1000);
    bench_nodelay(api, c);
    bench_nodelay(api, s);
    e.s = s;
    thread = CreateThread(NULL, 0, bench_echo_bytes, &e, 0, NULL);
    if (!thread) {
        bench_fail("CreateThread: %lu", GetLastError());
        goto out;
    }
    for (i = 0; i < 100 + PP_TRIPS; i++) {
        if (i == 100)
            t0 = bench_now_ms();
        if (api->send(c, &b, 1, 0) != 1 || api->recv(c, &b, 1, 0) != 1) {
            bench_fail("%s: ping-pong stopped at %d: %d", api->name, i, api->WSAGetLastError());
            break;
        }
    }
    t1 = bench_now_ms();
    api->shutdown(c, SD_SEND);
    WaitForSingleObject(thread, INFINITE);
    if (i == 100 + PP_TRIPS) {
        *pp_rate = PP_TRIPS / ((t1 - t0) / 1000);
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

int w9_trace_child(const char *variant)
{
    bench_api api;
    double gso = 0, pp = 0;
    WCHAR untraced[MAX_PATH], *slash;
    int v;

    GetModuleFileNameW(NULL, untraced, MAX_PATH);
    slash = wcsrchr(untraced, L'\\');
    if (slash && slash - untraced + 20 < MAX_PATH)
        wcscpy(slash + 1, L"untraced\\ws2.dll");

    for (v = 0; v < VARIANTS && strcmp(variant, variant_name[v]); v++)
        ;
    if (v == VARIANTS)
        return 2;
    if (load_dll(&api, v == V_DIRECT ? L"ws2_32.dll" : v == V_UNTRACED ? untraced : L"ws2.dll",
                 variant, v == V_DIRECT ? BENCH_DIRECT : BENCH_OURS) ||
        measure(&api, &gso, &pp)) {
        fprintf(stderr, "trace-child %s: %s\n", variant, bench_failure());
        return 1;
    }
    printf("%.1f %.1f\n", gso, pp);
    fflush(stdout);
    api.WSACleanup();
    return 0;
}

/* ---- the parent ------------------------------------------------------------ */

static char trace_path[MAX_PATH];

static int child(int v, double *gso, double *pp)
{
    char args[64], out[256];
    DWORD code;

    snprintf(args, sizeof(args), "--trace-child %s", variant_name[v]);
    /* the children inherit the switch; this process read its own long ago */
    if (v == V_ON) {
        DeleteFileA(trace_path);
        SetEnvironmentVariableA("CEWS2_TRACE", trace_path);
    } else {
        SetEnvironmentVariableA("CEWS2_TRACE", NULL);
    }
    code = bench_child_run(args, out, sizeof(out));
    SetEnvironmentVariableA("CEWS2_TRACE", NULL);
    if (code == (DWORD)-1)
        return -1;
    if (code != 0 || sscanf(out, "%lf %lf", gso, pp) != 2)
        return bench_fail("trace child %s failed (exit %lu, output \"%s\")", variant_name[v],
                          code, out);
    return 0;
}

static int round_no;

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    double gso[VARIANTS], pp[VARIANTS];
    int k, v;
    HANDLE h;

    (void)api;
    if (!trace_path[0]) {
        char *slash;
        GetModuleFileNameA(NULL, trace_path, sizeof(trace_path));
        slash = strrchr(trace_path, '\\');
        snprintf(slash ? slash + 1 : trace_path, sizeof(trace_path) - (size_t)(slash ? slash + 1 - trace_path : 0),
                 "trace-cost.log");
    }
    /* rotate the order: each variant runs first, second... in turn */
    for (k = 0; k < VARIANTS; k++) {
        v = (k + round_no) % VARIANTS;
        if (child(v, &gso[v], &pp[v]))
            return -1;
    }
    round_no++;
    values[0] = gso[V_UNTRACED];
    values[1] = gso[V_OFF];
    values[2] = gso[V_ON];
    values[3] = gso[V_DIRECT];
    values[4] = gso[V_OFF] / gso[V_UNTRACED];
    values[5] = gso[V_ON] / gso[V_OFF];
    values[6] = pp[V_UNTRACED];
    values[7] = pp[V_OFF];
    values[8] = pp[V_ON];
    values[9] = pp[V_DIRECT];
    values[10] = pp[V_OFF] / pp[V_UNTRACED];
    values[11] = pp[V_ON] / pp[V_OFF];
    h = CreateFileA(trace_path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                    OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return bench_fail("trace on: no %s written", trace_path);
    bench_note(note, note_size, "trace on wrote %.1f MB", (double)GetFileSize(h, NULL) / 1e6);
    CloseHandle(h);
    DeleteFileA(trace_path);
    return 0;
}

/* A robust spread of a variant's rounds: 1.4826 x the median absolute
 * deviation, relative to the median (a standard deviation, outliers aside). */
static double robust_spread(const bench_stats *st)
{
    bench_stats dev;
    int i;

    if (st->n < 2 || st->median <= 0)
        return 0;
    dev.n = st->n;
    for (i = 0; i < st->n; i++)
        dev.samples[i] = st->samples[i] > st->median ? st->samples[i] - st->median
                                                     : st->median - st->samples[i];
    bench_stats_compute(&dev);
    return 1.4826 * dev.median / st->median;
}

/* The verdict: off/untraced (the median of the per-round ratios) against the
 * untraced baseline's own round-to-round spread. */
static void derive(const bench_workload *w, bench_row *rows, int n_rows)
{
    static const int pairs[2][2] = { { 0, 4 }, { 6, 10 } };     /* baseline row, ratio row */
    int i;

    (void)w;
    (void)n_rows;
    for (i = 0; i < 2; i++) {
        bench_row *ratio_row = &rows[pairs[i][1]];
        double noise = robust_spread(&rows[pairs[i][0]].st[BENCH_OURS]);
        double allowed = 2 * noise > 0.02 ? 2 * noise : 0.02;
        double off = ratio_row->st[BENCH_OURS].median - 1;
        ratio_row->verdict = off >= -allowed ? "PASS" : "MISS";
        snprintf(ratio_row->target, sizeof(ratio_row->target), ">=%.3f (noise)", 1 - allowed);
        bench_note(ratio_row->note, sizeof(ratio_row->note),
                   "off/untraced %+.1f%% (median of the per-round ratios); the untraced "
                   "baseline's own spread %.1f%% (1.4826 MAD); PASS when not below 1 - "
                   "max(2 x spread, 2%%)", off * 100, noise * 100);
    }
}

static const bench_metric metrics[] = {
    { "trace_gso_untraced", "9 trace: getsockopt/s, untraced build", "calls/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_gso_off", "9 trace: getsockopt/s, trace off", "calls/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_gso_on", "9 trace: getsockopt/s, trace on (file)", "calls/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_gso_direct", "9 trace: getsockopt/s, host ws2_32", "calls/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_gso_off_ratio", "9 trace: getsockopt, off/untraced", "x", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_gso_on_ratio", "9 trace: getsockopt, on/off", "x", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_pp_untraced", "9 trace: ping-pong, untraced build", "RT/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_pp_off", "9 trace: ping-pong, trace off", "RT/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_pp_on", "9 trace: ping-pong, trace on (file)", "RT/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_pp_direct", "9 trace: ping-pong, host ws2_32", "RT/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_pp_off_ratio", "9 trace: ping-pong, off/untraced", "x", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "trace_pp_on_ratio", "9 trace: ping-pong, on/off", "x", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
};

const bench_workload w9_trace = {
    .id = "trace",
    .title = "9. trace switch cost (untraced build / off / on / host)",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .ours_only = 1,
    .min_rounds = 7,
    .run = run,
    .derive = derive,
};
