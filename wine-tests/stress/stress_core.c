/*
 * stress_core.c - see stress_core.h: the pattern, handle and memory
 * readings, the workers and the runs.  The scenarios are in
 * stress_peers.c and stress_overlapped.c (stress_worker.h between them);
 * stress.exe and test_stress_short link the same objects.
 */
#include "stress_worker.h"

unsigned char stress_send_pattern[SEND_MAX];

/*
 * A socket handle value is free for reuse the moment closesocket returns.
 * A blocked-call scenario whose other thread had not yet entered its call
 * at the close would then call into whatever socket another worker just
 * opened under the same value (a test artefact that looks like a stack bug:
 * a recv that steals another connection's data).  So sockets of our stack
 * are created under this lock held shared, and a blocked-call scenario holds
 * it exclusively from its closesocket until the blocked call has returned.
 */
SRWLOCK stress_creation_lock = SRWLOCK_INIT;
static INIT_ONCE pattern_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK fill_pattern(PINIT_ONCE o, PVOID p, PVOID *c)
{
    (void)o; (void)p; (void)c;
    tu_fill(stress_send_pattern, 0, sizeof(stress_send_pattern));
    return TRUE;
}

void stress_pattern_ready(void)
{
    InitOnceExecuteOnce(&pattern_once, fill_pattern, NULL, NULL);
}

/* Wine 8 answers GetProcessHandleCount with 0; then count the handles
 * themselves: Wine hands out the lowest free slot of the process's handle
 * table (values 4, 8, 12, ...), so a scan that stops after a long run of
 * invalid values sees them all. */
static long scan_handles(void)
{
    long n = 0, gap = 0;
    for (UINT_PTR v = 4; gap < 4096; v += 4) {
        DWORD flags;
        if (GetHandleInformation((HANDLE)v, &flags)) {
            n++;
            gap = 0;
        } else {
            gap++;
        }
    }
    return n;
}

int stress_handle_count_scanned;

long stress_handle_count(void)
{
    DWORD n = 0;
    if (GetProcessHandleCount(GetCurrentProcess(), &n) && n > 0)
        return (long)n;
    stress_handle_count_scanned = 1;
    return scan_handles();
}

unsigned long long stress_private_bytes(void)
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

/* ---- workers ---------------------------------------------------------------------- */

static DWORD WINAPI worker_main(void *arg)
{
    struct worker *w = arg;
    int n = w->cfg->sockets_per_thread;

    AcquireSRWLockShared(&stress_creation_lock);
    w->listener = tu_listener(AF_INET, SOCK_STREAM, &w->port);
    ReleaseSRWLockShared(&stress_creation_lock);
    w->port_handle = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    w->b.go = CreateEventW(NULL, FALSE, FALSE, NULL);
    w->b.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    w->b.thread = CreateThread(NULL, 0, blocker_main, &w->b, 0, NULL);
    if (w->listener == INVALID_SOCKET || !w->port_handle || !w->b.thread ||
        ovrace_start(&w->race, w->rng)) {
        fail_note(w, "worker set-up failed: %d / %lu", WSAGetLastError(), GetLastError());
        return 1;
    }
    int stuck = 0;
    for (int i = 0; i < n && !stuck; i++) {
        enum stress_scenario sc = (enum stress_scenario)(rnd(w) % SC_COUNT);
        if (w->cfg->scenario_mask == STRESS_MASK_HOST_ONLY) {
            w->r.connections++;
            sc_host_only(w);
            continue;
        }
        if (w->cfg->scenario_mask && !(w->cfg->scenario_mask & (1u << sc)))
            continue;
        w->r.by_scenario[sc]++;
        w->r.connections++;
        switch (sc) {
        case SC_HOST_PEER:  sc_host_peer(w); break;
        case SC_OWN_PEER:   sc_own_peer(w); break;
        case SC_OV_EVENT:   sc_overlapped(w, 0); break;
        case SC_OV_ROUTINE: sc_overlapped(w, 1); break;
        case SC_OV_PORT:    sc_overlapped(w, 2); break;
        case SC_BLOCKED:    stuck = sc_blocked(w) != 0; break;
        case SC_OV_RACE:    sc_ov_race(w); break;
        case SC_COUNT:      break;
        }
        if (w->cfg->progress && (i + 1) % w->cfg->progress == 0) {
            printf("  thread %d: %d/%d connections, %lld errors\n", w->index, i + 1, n, w->r.errors);
            fflush(stdout);
        }
    }
    /* late duplicates: give routines and the port a last chance to misbehave */
    SleepEx(50, TRUE);
    drain_port(w, 50);
    for (size_t i = 0; i < RING; i++) {
        if (!w->ring[i])
            continue;
        if (w->ring[i]->count > 1)
            w->r.ov_duplicate++;
        w->ring[i]->magic = 0;
        free(w->ring[i]);
        w->ring[i] = NULL;
    }
    race_judge_all(w);
    ovrace_stop(&w->race);
    closesocket(w->listener);
    CloseHandle(w->port_handle);
    if (!stuck) {
        w->b.quit = 1;
        SetEvent(w->b.go);
        WaitForSingleObject(w->b.thread, WAIT_MS);
    }
    CloseHandle(w->b.thread);
    CloseHandle(w->b.go);
    CloseHandle(w->b.done);
    return 0;
}

static void add_result(struct stress_tcp_result *to, const struct stress_tcp_result *from)
{
    to->connections += from->connections;
    for (int i = 0; i < SC_COUNT; i++)
        to->by_scenario[i] += from->by_scenario[i];
    to->bytes_sent += from->bytes_sent;
    to->bytes_peer += from->bytes_peer;
    to->graceful += from->graceful;
    to->graceful_ok += from->graceful_ok;
    to->hard += from->hard;
    to->hard_ok += from->hard_ok;
    to->ov_issued += from->ov_issued;
    to->ov_once += from->ov_once;
    to->ov_missing += from->ov_missing;
    to->ov_duplicate += from->ov_duplicate;
    to->ov_bad_code += from->ov_bad_code;
    to->blocked += from->blocked;
    to->blocked_returned += from->blocked_returned;
    to->blocked_hung += from->blocked_hung;
    to->blocked_bad_code += from->blocked_bad_code;
    to->codes_eintr += from->codes_eintr;
    to->codes_enotsock += from->codes_enotsock;
    to->errors += from->errors;
    ovrace_tally_add(&to->race, &from->race);
    if (!to->first_error[0] && from->first_error[0])
        memcpy(to->first_error, from->first_error, sizeof(to->first_error));
}

static int run_workers(const struct stress_tcp_cfg *cfg, struct stress_tcp_result *r)
{
    int t = cfg->threads;
    struct worker *w = calloc((size_t)t, sizeof(*w));
    HANDLE *h = calloc((size_t)t, sizeof(HANDLE));
    int hung = 0;

    if (!w || !h) {
        free(w);
        free(h);
        return -1;
    }
    for (int i = 0; i < t; i++) {
        w[i].cfg = cfg;
        w[i].index = i;
        w[i].rng = cfg->seed * 2654435761u + (unsigned)i * 40503u + 1;
        h[i] = CreateThread(NULL, 0, worker_main, &w[i], 0, NULL);
    }
    for (int i = 0; i < t; i++) {
        if (!h[i])
            continue;
        /* a generous bound: the slowest worker of a long run takes minutes */
        if (WaitForSingleObject(h[i], INFINITE) != WAIT_OBJECT_0)
            hung++;
        CloseHandle(h[i]);
        add_result(r, &w[i].r);
    }
    free(w);
    free(h);
    return hung;
}

int stress_tcp(const struct stress_tcp_cfg *cfg_in, struct stress_tcp_result *r)
{
    struct stress_tcp_cfg cfg = *cfg_in, warm;
    struct stress_tcp_result scratch;

    stress_pattern_ready();
    memset(r, 0, sizeof(*r));
    if (cfg.max_send <= 0 || cfg.max_send > SEND_MAX)
        cfg.max_send = SEND_MAX;
    if (hostpeer_init()) {
        snprintf(r->first_error, sizeof(r->first_error), "hostpeer: %s", hostpeer_error_text());
        r->errors = 1;
        return -1;
    }
    /* warm-up: every scenario once or more, so that libraries, thread pools
     * and first-use allocations are in place before the baseline */
    warm = cfg;
    warm.sockets_per_thread = 24;
    warm.progress = 0;
    memset(&scratch, 0, sizeof(scratch));
    run_workers(&warm, &scratch);
    Sleep(300);

    r->handles_before = stress_handle_count();
    r->private_before = stress_private_bytes();
    double t0 = tu_now_ms();
    run_workers(&cfg, r);
    r->seconds = (tu_now_ms() - t0) / 1000.0;
    /* background closes and the providers' own clean-up settle */
    Sleep(500);
    r->handles_after = stress_handle_count();
    r->private_after = stress_private_bytes();
    if (scratch.errors && !r->first_error[0]) {
        r->errors += scratch.errors;
        snprintf(r->first_error, sizeof(r->first_error), "warm-up: %s", scratch.first_error);
    }
    return r->errors ? -1 : 0;
}

int stress_tcp_ok(const struct stress_tcp_result *r)
{
    return r->errors == 0 && r->ov_missing == 0 && r->ov_duplicate == 0 && r->ov_bad_code == 0
        && r->blocked_hung == 0 && r->blocked_bad_code == 0 && r->graceful_ok == r->graceful
        && r->hard_ok == r->hard && r->ov_once == r->ov_issued && r->blocked_returned == r->blocked
        && ovrace_tally_ok(&r->race);
}

/* ---- open/close cycles ------------------------------------------------------------ */

static double slope(const double *x, const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i];
    }
    double d = n * sxx - sx * sx;
    return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

int stress_cycles(const struct stress_cycles_cfg *cfg, struct stress_cycles_result *r)
{
    int samples = cfg->samples < 4 ? 4 : cfg->samples;
    double *x = calloc((size_t)samples + 1, sizeof(double));
    double *hy = calloc((size_t)samples + 1, sizeof(double));
    double *my = calloc((size_t)samples + 1, sizeof(double));
    long every = cfg->cycles / samples;
    int k = 0;
    unsigned short port = 0;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);

    memset(r, 0, sizeof(*r));
    if (!x || !hy || !my || l == INVALID_SOCKET || every < 1) {
        snprintf(r->first_error, sizeof(r->first_error), "set-up failed");
        r->errors = 1;
        free(x); free(hy); free(my);
        if (l != INVALID_SOCKET)
            closesocket(l);
        return -1;
    }
    double t0 = tu_now_ms();
    for (long i = 0; i < cfg->cycles; i++) {
        if (i % every == 0 && k <= samples) {
            x[k] = (double)i;
            hy[k] = (double)stress_handle_count();
            my[k] = (double)stress_private_bytes();
            if (k == 0) {
                r->handles_start = (long)hy[0];
                r->private_start = (unsigned long long)my[0];
            }
            k++;
        }
        if (i % 16 == 15) {
            SOCKET c = tu_connect(AF_INET, port), a = INVALID_SOCKET;
            if (c != INVALID_SOCKET)
                a = accept(l, NULL, NULL);
            if (c == INVALID_SOCKET || a == INVALID_SOCKET) {
                r->errors++;
                if (!r->first_error[0])
                    snprintf(r->first_error, sizeof(r->first_error), "cycle %ld: pair: %d", i, WSAGetLastError());
            }
            if (c != INVALID_SOCKET) closesocket(c);
            if (a != INVALID_SOCKET) closesocket(a);
            continue;
        }
        int udp = i % 2;
        SOCKET s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, udp ? IPPROTO_UDP : IPPROTO_TCP);
        if (s == INVALID_SOCKET) {
            r->errors++;
            if (!r->first_error[0])
                snprintf(r->first_error, sizeof(r->first_error), "cycle %ld: socket: %d", i, WSAGetLastError());
            continue;
        }
        if (i % 4 == 0) {
            struct sockaddr_storage ss;
            int len = tu_loopback(AF_INET, 0, &ss);
            if (bind(s, (struct sockaddr *)&ss, len)) {
                r->errors++;
                if (!r->first_error[0])
                    snprintf(r->first_error, sizeof(r->first_error), "cycle %ld: bind: %d", i, WSAGetLastError());
            }
        }
        if (closesocket(s)) {
            r->errors++;
            if (!r->first_error[0])
                snprintf(r->first_error, sizeof(r->first_error), "cycle %ld: closesocket: %d", i, WSAGetLastError());
        }
        r->cycles = i + 1;
    }
    r->cycles = cfg->cycles;
    r->seconds = (tu_now_ms() - t0) / 1000.0;
    closesocket(l);
    Sleep(200);
    r->handles_end = stress_handle_count();
    r->private_end = stress_private_bytes();
    x[k] = (double)cfg->cycles;
    hy[k] = (double)r->handles_end;
    my[k] = (double)r->private_end;
    k++;
    int skip = k / 10;
    r->handles_per_cycle = slope(x + skip, hy + skip, k - skip);
    r->bytes_per_cycle = slope(x + skip, my + skip, k - skip);
    free(x); free(hy); free(my);
    return r->errors ? -1 : 0;
}
