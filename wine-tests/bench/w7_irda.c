/*
 * w7_irda.c - 7. IrDA over the loopback air: one TinyTP connection.
 *
 * Two measurements per round, each between two fresh stations:
 *
 *   unshaped  the air as fast as it goes (no line-rate emulation):
 *             UNSHAPED_BYTES through one connection, in MB/s (10^6 bytes);
 *   FIR       both stations with CEWS2_IRDA_AIR_RATE=4000000 (FIR: 8 bits
 *             a byte on the air, so 500,000 bytes/s of line): FIR_BYTES,
 *             the user payload's rate as a share of those 500,000 bytes/s.
 *             The rest of the line goes to SIR framing (BOFs, escapes, FCS),
 *             the IrLAP/IrLMP/TinyTP headers and the turnarounds.
 *
 * An IrDA station is a process (the first AF_IRDA socket starts it, with
 * the environment it has then), and the host has no IrDA: so this workload
 * is ours only, and every measurement runs two child processes of this
 * program, each loading our ws2.dll like the parent:
 *
 *   bench.exe --irda-child recv EVENT BYTES   binds "BenchSink", listens,
 *             sets EVENT, accepts one connection and reads it to the end
 *             (recv 0), checking every byte against the pattern; prints
 *             "OK bytes timed_bytes ms" (ms from the first recv's return
 *             to the last one with data; timed_bytes: those after the first
 *             recv, the ones that crossed in that time);
 *   bench.exe --irda-child send NICK BYTES    discovers NICK
 *             (IRLMP_ENUMDEVICES, up to 30 s), connects to its "BenchSink",
 *             sends BYTES in 64 KiB send() calls and closes with
 *             SO_LINGER {1, 60}, so closesocket returns once the receiver
 *             has everything; prints "OK discover_ms connect_ms send_ms close_ms".
 *
 * The sender's station also records its IrLAP turns (CEWS2_IRDA_TURN_STATS,
 * irda/medium/turnstat.c: a P frame out to the F frame in, microseconds,
 * written to a file at the medium's close); the bench reports their
 * median and 99th percentile for both measurements.
 *
 * The throughput is the receiver's.  A short count, a wrong byte or a
 * failed call in either child makes the round BROKEN, with the child's own
 * words.  The stations' environment is built here: a private air port
 * (10000-29999, one per bench run, checked free before the first use), a
 * nickname and device address of their own per measurement (so a station
 * of an earlier measurement can never answer), the hub's idle time 5 s,
 * the rate; every other CEWS2_IRDA_* variable of the bench's environment
 * (loss, capture...) is left out.  The hub (irair.exe) is started by the
 * first station, as always.  The payload is pseudo-random bytes (a fixed
 * xorshift sequence, period 65521): about 1.2% of them need a SIR escape.
 */
#include "bench.h"

#include <af_irda.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SINK_SERVICE    "BenchSink"
enum {
    UNSHAPED_BYTES = 32 << 20,
    FIR_BYTES = 2 << 20,
    FIR_RATE = 4000000,                 /* bit/s */
    CHUNK = 64 << 10,                   /* one send() / recv() */
    PERIOD = 65521,                     /* the pattern's period (prime) */
    DISCOVER_MS = 30000,
    READY_MS = 30000,                   /* the receiver bound and listening */
};
#define FIR_LINE_BYTES_PER_S (FIR_RATE / 8.0)

/* ---- the pattern: PERIOD pseudo-random bytes, then CHUNK more of the same,
 * so the bytes at any offset are table + offset % PERIOD, CHUNK long ---- */

static unsigned char pattern[PERIOD + CHUNK];

static void pattern_init(void)
{
    unsigned x = 0x2545F491u;
    int i;

    for (i = 0; i < PERIOD; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        pattern[i] = (unsigned char)(x >> 11);
    }
    for (; i < PERIOD + CHUNK; i++)         /* CHUNK > PERIOD: no memcpy, it overlaps */
        pattern[i] = pattern[i - PERIOD];
}

static const unsigned char *pattern_at(unsigned long long offset)
{
    return pattern + offset % PERIOD;
}

/* ---- the children -------------------------------------------------------------- */

static int child_say(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int child_say(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return rc;
}

static void irda_sockaddr(SOCKADDR_IRDA *a, const unsigned char id[4])
{
    ZeroMemory(a, sizeof(*a));
    a->irdaAddressFamily = AF_IRDA;
    if (id)
        memcpy(a->irdaDeviceID, id, 4);
    strcpy(a->irdaServiceName, SINK_SERVICE);
}

static int child_recv(bench_api *api, const char *event_name, unsigned long long want)
{
    static char buf[CHUNK];
    SOCKADDR_IRDA a;
    SOCKET l, s;
    HANDLE ev;
    unsigned long long total = 0, first = 0;
    double t_first = 0, t_last = 0;
    int n;

    l = api->socket(AF_IRDA, SOCK_STREAM, 0);
    if (l == INVALID_SOCKET)
        return child_say(1, "recv: socket(AF_IRDA): %d", api->WSAGetLastError());
    irda_sockaddr(&a, NULL);
    if (api->bind(l, (struct sockaddr *)&a, sizeof(a)) || api->listen(l, 1))
        return child_say(1, "recv: bind/listen \"%s\": %d", SINK_SERVICE, api->WSAGetLastError());
    ev = OpenEventA(EVENT_MODIFY_STATE, FALSE, event_name);
    if (!ev || !SetEvent(ev))
        return child_say(1, "recv: cannot set the event %s: %lu", event_name, GetLastError());
    CloseHandle(ev);
    s = api->accept(l, NULL, NULL);
    if (s == INVALID_SOCKET)
        return child_say(1, "recv: accept: %d", api->WSAGetLastError());
    api->closesocket(l);
    for (;;) {
        n = api->recv(s, buf, sizeof(buf), 0);
        if (n <= 0)
            break;
        t_last = bench_now_ms();
        if (!first) {
            first = (unsigned long long)n;
            t_first = t_last;
        }
        if (total + (unsigned long long)n > want)
            return child_say(1, "recv: more than the %llu bytes sent (%llu)", want,
                             total + (unsigned long long)n);
        if (memcmp(buf, pattern_at(total), (size_t)n))
            return child_say(1, "recv: wrong bytes in %d at offset %llu", n, total);
        total += (unsigned long long)n;
    }
    if (n < 0)
        return child_say(1, "recv: failed with %d after %llu of %llu bytes",
                         api->WSAGetLastError(), total, want);
    api->closesocket(s);
    api->WSACleanup();
    if (total != want)
        return child_say(1, "recv: the connection ended after %llu of %llu bytes", total, want);
    return child_say(0, "OK %llu %llu %.3f", total, total - first, t_last - t_first);
}

/* Discovers until nick answers: 1 (its id in id), 0 not seen, -1 error. */
static int child_discover(bench_api *api, SOCKET s, const char *nick, unsigned char id[4],
                          int *tries)
{
    char buf[sizeof(DEVICELIST) + 16 * sizeof(IRDA_DEVICE_INFO)];
    DEVICELIST *dl = (DEVICELIST *)buf;
    double end = bench_now_ms() + DISCOVER_MS;
    int e = 0;

    for (*tries = 1; bench_now_ms() < end; ++*tries) {
        int len = sizeof(buf);
        ULONG i;

        if (api->getsockopt(s, SOL_IRLMP, IRLMP_ENUMDEVICES, buf, &len)) {
            e = api->WSAGetLastError();
            if (e != WSAEINPROGRESS)
                return -1;
            Sleep(100);
            continue;
        }
        for (i = 0; i < dl->numDevice && i < 16; i++) {
            const IRDA_DEVICE_INFO *d = &dl->Device[i];
            size_t k = strnlen(d->irdaDeviceName, sizeof(d->irdaDeviceName));
            if (k == strlen(nick) && !memcmp(d->irdaDeviceName, nick, k)) {
                memcpy(id, d->irdaDeviceID, 4);
                return 1;
            }
        }
        Sleep(100);
    }
    return 0;
}

static int child_send(bench_api *api, const char *nick, unsigned long long bytes)
{
    struct linger lg = { 1, 60 };
    SOCKADDR_IRDA a;
    unsigned char id[4];
    unsigned long long sent = 0;
    double t0 = bench_now_ms(), t_found, t_conn, t_sent, t_closed;
    int tries = 0, found, n;
    SOCKET s;

    s = api->socket(AF_IRDA, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET)
        return child_say(1, "send: socket(AF_IRDA): %d", api->WSAGetLastError());
    found = child_discover(api, s, nick, id, &tries);
    if (found < 0)
        return child_say(1, "send: IRLMP_ENUMDEVICES: %d", api->WSAGetLastError());
    if (!found)
        return child_say(1, "send: \"%s\" not discovered in %d s (%d discoveries)", nick,
                         DISCOVER_MS / 1000, tries);
    t_found = bench_now_ms();
    irda_sockaddr(&a, id);
    if (api->connect(s, (struct sockaddr *)&a, sizeof(a)))
        return child_say(1, "send: connect to \"%s\" on \"%s\": %d", SINK_SERVICE, nick,
                         api->WSAGetLastError());
    t_conn = bench_now_ms();
    if (api->setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof(lg)))
        return child_say(1, "send: SO_LINGER: %d", api->WSAGetLastError());
    while (sent < bytes) {
        int len = bytes - sent < CHUNK ? (int)(bytes - sent) : CHUNK;
        n = api->send(s, (const char *)pattern_at(sent), len, 0);
        if (n <= 0)
            return child_say(1, "send: failed with %d after %llu of %llu bytes",
                             api->WSAGetLastError(), sent, bytes);
        sent += (unsigned long long)n;
    }
    t_sent = bench_now_ms();
    if (api->closesocket(s))
        return child_say(1, "send: closesocket (linger 60 s): %d", api->WSAGetLastError());
    t_closed = bench_now_ms();
    api->WSACleanup();
    return child_say(0, "OK %.3f %.3f %.3f %.3f", t_found - t0, t_conn - t_found,
                     t_sent - t_conn, t_closed - t_sent);
}

/* bench.exe --irda-child recv EVENT BYTES | send NICK BYTES */
int w7_irda_child(int argc, char **argv)
{
    bench_api api;
    unsigned long long bytes;

    if (argc != 3 || (strcmp(argv[0], "recv") && strcmp(argv[0], "send")))
        return child_say(2, "irda-child: usage: recv EVENT BYTES | send NICK BYTES");
    bytes = strtoull(argv[2], NULL, 10);
    if (!bytes)
        return child_say(2, "irda-child: no bytes");
    pattern_init();
    if (bench_api_load(&api, BENCH_OURS))
        return child_say(1, "%s: %s", argv[0], bench_failure());
    return !strcmp(argv[0], "recv") ? child_recv(&api, argv[1], bytes)
                                    : child_send(&api, argv[1], bytes);
}

/* ---- the parent -------------------------------------------------------------------- */

static unsigned short air_port, air_ports[2];
static int ring_path;                   /* this measurement's CEWS2_IRDA_AIR_PATH: 0 hub, 1 ring */
static unsigned serial;                 /* measurements so far: identities */

/* A TCP port nobody listens on at 127.0.0.1: the stations' hub will take it. */
static int pick_air_port(const bench_api *api)
{
    LARGE_INTEGER qpc;
    unsigned x;
    int attempt;

    QueryPerformanceCounter(&qpc);
    x = (unsigned)GetCurrentProcessId() * 2654435761u ^ (unsigned)qpc.QuadPart ^
        (unsigned)(qpc.QuadPart >> 32);
    for (attempt = 0; attempt < 20; attempt++) {
        struct sockaddr_in sin;
        SOCKET s = api->socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        unsigned short port;
        int ok;

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        port = (unsigned short)(10000 + x % 20000);
        if (s == INVALID_SOCKET)
            return bench_fail("irda: socket (port probe): %d", api->WSAGetLastError());
        ZeroMemory(&sin, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_addr.S_un.S_un_b.s_b1 = 127;
        sin.sin_addr.S_un.S_un_b.s_b4 = 1;
        sin.sin_port = (unsigned short)((port >> 8) | (port << 8));     /* network order */
        ok = api->bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0;
        api->closesocket(s);
        if (ok) {
            air_port = port;
            return 0;
        }
    }
    return bench_fail("irda: no free air port found in 20 tries");
}

/* This process's environment without CEWS2_IRDA_*, plus the station's own. */
static WCHAR *station_environment(const char *nick, unsigned long address, unsigned rate,
                                  const char *turn_file)
{
    WCHAR *env = GetEnvironmentStringsW(), *p, *out, *o;
    WCHAR extra[512 + MAX_PATH];
    size_t total = 0, extra_len;
    static const WCHAR prefix[] = L"CEWS2_IRDA_";

    if (!env)
        return NULL;
    for (p = env; *p; p += wcslen(p) + 1)
        ;
    total = (size_t)(p - env);
    extra_len = (size_t)_snwprintf(extra, sizeof(extra) / sizeof(WCHAR),
        L"CEWS2_IRDA_AIR_PORT=%u|CEWS2_IRDA_NICKNAME=%hs|CEWS2_IRDA_DEVICE_ADDRESS=0x%08lX|"
        L"CEWS2_IRDA_AIR_HUB_IDLE=5|CEWS2_IRDA_AIR_RATE=%u|CEWS2_IRDA_AIR_PATH=%hs|%hs%hs%hs",
        air_ports[ring_path], nick, address, rate, ring_path ? "ring" : "hub", turn_file ? "CEWS2_IRDA_TURN_STATS=" : "", turn_file ? turn_file : "",
        turn_file ? "|" : "");
    out = malloc((total + extra_len + 2) * sizeof(WCHAR));
    if (!out) {
        FreeEnvironmentStringsW(env);
        return NULL;
    }
    o = out;
    for (p = env; *p; p += wcslen(p) + 1)
        if (_wcsnicmp(p, prefix, wcslen(prefix))) {
            wcscpy(o, p);
            o += wcslen(p) + 1;
        }
    for (p = extra; *p; p++)
        *o++ = *p == L'|' ? 0 : *p;
    *o = 0;
    FreeEnvironmentStringsW(env);
    return out;
}

struct child {
    const char *role;
    HANDLE process, out;
    char text[256];
    DWORD code;
    int done;
};

static int child_start(struct child *c, const char *role, const char *args, const char *nick,
                       unsigned long address, unsigned rate, const char *turn_file)
{
    char line[MAX_PATH];
    WCHAR *env = station_environment(nick, address, rate, turn_file);
    int rc;

    ZeroMemory(c, sizeof(*c));
    c->role = role;
    if (!env)
        return bench_fail("irda: cannot build the %s station's environment", role);
    snprintf(line, sizeof(line), "--irda-child %s %s", role, args);
    rc = bench_child_start(line, env, &c->process, &c->out);
    free(env);
    return rc;
}

/* After the child has exited: its line (the pipe holds it) and exit code. */
static void child_collect(struct child *c)
{
    bench_child_output(c->out, c->text, sizeof(c->text));
    c->out = NULL;
    GetExitCodeProcess(c->process, &c->code);
    c->done = 1;
}

static void child_end(struct child *c)
{
    if (c->process) {
        if (!c->done)
            TerminateProcess(c->process, 9);
        WaitForSingleObject(c->process, 5000);
        CloseHandle(c->process);
    }
    if (c->out)
        CloseHandle(c->out);
    c->process = c->out = NULL;
}

/* The sender's IrLAP turn times (CEWS2_IRDA_TURN_STATS, irda/medium/turnstat.c):
 * median and 99th percentile in microseconds; -1 when the file has none. */
static int compare_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

static int read_turns(const char *path, double *median_us, double *p99_us, unsigned long *count)
{
    FILE *f = fopen(path, "r");
    unsigned long n = 0, i;
    float *v;

    if (!f)
        return bench_fail("irda: no turn statistics in %s", path);
    if (fscanf(f, "turns %lu", &n) != 1 || !n || !(v = malloc(n * sizeof(*v)))) {
        fclose(f);
        return bench_fail("irda: no turns in %s", path);
    }
    for (i = 0; i < n && fscanf(f, "%f", &v[i]) == 1; i++)
        ;
    fclose(f);
    if (i != n) {
        free(v);
        return bench_fail("irda: %s: %lu of %lu turns", path, i, n);
    }
    qsort(v, n, sizeof(*v), compare_float);
    *median_us = v[n / 2];
    *p99_us = v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
    *count = n;
    free(v);
    return 0;
}

struct transfer {
    double turn_median_us, turn_p99_us;     /* the sender's (the primary's) turns */
    unsigned long turns;
    unsigned long long bytes, timed_bytes;
    double recv_ms;                     /* receiver: first to last recv with data */
    double discover_ms, connect_ms, send_ms, close_ms;     /* sender */
};

/* One connection between two new stations, rate 0 (unshaped) or bit/s. */
static int transfer(unsigned rate, unsigned long long bytes, double bound_ms, struct transfer *t)
{
    const char *what = rate ? "FIR" : "unshaped";
    struct child rx, tx;
    char rx_nick[24], tx_nick[24], args[96], event_name[64], turn_file[MAX_PATH];
    unsigned id = ++serial, pid = (unsigned)GetCurrentProcessId();
    unsigned long base = 0x5B000000ul | ((pid & 0xFFFul) << 12) | ((id & 0x3FFul) << 2);
    HANDLE ev, waits[2];
    double end;
    int rc = -1;
    DWORD w;

    ZeroMemory(&rx, sizeof(rx));
    ZeroMemory(&tx, sizeof(tx));
    snprintf(rx_nick, sizeof(rx_nick), "bench-R%u-%u", pid % 100000, id);
    snprintf(tx_nick, sizeof(tx_nick), "bench-S%u-%u", pid % 100000, id);
    snprintf(event_name, sizeof(event_name), "cews2-bench-irda-%u-%u", pid, id);
    ev = CreateEventA(NULL, TRUE, FALSE, event_name);
    if (!ev)
        return bench_fail("CreateEvent: %lu", GetLastError());

    snprintf(args, sizeof(args), "%s %llu", event_name, bytes);
    if (child_start(&rx, "recv", args, rx_nick, base | 1, rate, NULL))
        goto out;
    waits[0] = ev;
    waits[1] = rx.process;
    w = WaitForMultipleObjects(2, waits, FALSE, READY_MS);
    if (w != WAIT_OBJECT_0) {
        if (w == WAIT_OBJECT_0 + 1) {
            child_collect(&rx);
            bench_fail("irda %s: the receiver exited (%lu): %s", what, rx.code, rx.text);
        } else {
            bench_fail("irda %s: the receiver was not listening after %d s", what,
                       READY_MS / 1000);
        }
        goto out;
    }
    snprintf(args, sizeof(args), "%s %llu", rx_nick, bytes);
    GetTempPathA(sizeof(turn_file) - 40, turn_file);
    snprintf(turn_file + strlen(turn_file), 40, "cews2-bench-turns-%u-%u.txt", pid, id);
    DeleteFileA(turn_file);
    if (child_start(&tx, "send", args, tx_nick, base | 2, rate, turn_file))
        goto out;

    /* both must end, successfully, within the bound; the first to fail ends the other */
    end = bench_now_ms() + bound_ms;
    while (!rx.done || !tx.done) {
        struct child *left[2];
        int k = 0;
        double now = bench_now_ms();

        if (!rx.done) left[k] = &rx, waits[k++] = rx.process;
        if (!tx.done) left[k] = &tx, waits[k++] = tx.process;
        w = now < end ? WaitForMultipleObjects(k, waits, FALSE, (DWORD)(end - now) + 1)
                      : WAIT_TIMEOUT;
        if (w == WAIT_TIMEOUT) {
            bench_fail("irda %s: %llu bytes not through in %.0f s (receiver %s, sender %s)", what,
                       bytes, bound_ms / 1000, rx.done ? "done" : "running",
                       tx.done ? "done" : "running");
            goto out;
        }
        if (w >= WAIT_OBJECT_0 + (DWORD)k) {
            bench_fail("irda %s: WaitForMultipleObjects: %lu", what, GetLastError());
            goto out;
        }
        child_collect(left[w - WAIT_OBJECT_0]);
        if (left[w - WAIT_OBJECT_0]->code) {
            struct child *c = left[w - WAIT_OBJECT_0];
            bench_fail("irda %s: the %s station failed (exit %lu): %s", what, c->role, c->code,
                       c->text);
            goto out;
        }
    }
    if (sscanf(rx.text, "OK %llu %llu %lf", &t->bytes, &t->timed_bytes, &t->recv_ms) != 3 ||
        sscanf(tx.text, "OK %lf %lf %lf %lf", &t->discover_ms, &t->connect_ms, &t->send_ms,
               &t->close_ms) != 4) {
        bench_fail("irda %s: unexpected output: receiver \"%s\", sender \"%s\"", what, rx.text,
                   tx.text);
        goto out;
    }
    if (t->bytes != bytes || t->recv_ms <= 0 || !t->timed_bytes) {
        bench_fail("irda %s: the receiver counted %llu of %llu bytes in %.1f ms", what, t->bytes,
                   bytes, t->recv_ms);
        goto out;
    }
    if (read_turns(turn_file, &t->turn_median_us, &t->turn_p99_us, &t->turns))
        goto out;
    rc = 0;
out:
    DeleteFileA(turn_file);
    child_end(&tx);
    child_end(&rx);
    CloseHandle(ev);
    return rc;
}

/* Both measurements on one path of the air (its own port): values[0..5] =
 * MB/s, FIR share, turn median and p99 unshaped, the same with FIR. */
static int measure_path(int ring, struct transfer *u, struct transfer *f, double *v)
{
    ring_path = ring;
    /* bounds: the discovery's 30 s and 10 s more, then at least 1 MB/s unshaped,
     * a quarter of the line with FIR: slower than that is a stall, not a figure */
    if (transfer(0, UNSHAPED_BYTES, DISCOVER_MS + 10000 + UNSHAPED_BYTES / 1000.0, u) ||
        transfer(FIR_RATE, FIR_BYTES,
                 DISCOVER_MS + 10000 + FIR_BYTES / (0.25 * FIR_LINE_BYTES_PER_S) * 1000, f))
        return -1;
    v[0] = u->timed_bytes / (u->recv_ms / 1000) / 1e6;
    v[1] = 100 * f->timed_bytes / (f->recv_ms / 1000) / FIR_LINE_BYTES_PER_S;
    v[2] = u->turn_median_us;
    v[3] = u->turn_p99_us;
    v[4] = f->turn_median_us;
    v[5] = f->turn_p99_us;
    return 0;
}

static int run(const bench_api *api, double *values, char *note, size_t note_size)
{
    struct transfer u, f, ru, rf;
    double hub[6], ring[6];

    if (!air_ports[0]) {
        if (pick_air_port(api))
            return -1;
        air_ports[0] = air_port;
        do
            if (pick_air_port(api))
                return -1;
        while (air_port == air_ports[0]);
        air_ports[1] = air_port;
    }
    if (measure_path(0, &u, &f, hub) || measure_path(1, &ru, &rf, ring))
        return -1;
    values[0] = ring[0];
    values[1] = ring[1];
    values[2] = ru.discover_ms + ru.connect_ms;
    values[3] = ring[2];
    values[4] = ring[3];
    values[5] = ring[4];
    values[6] = ring[5];
    for (int i = 0; i < 6; i++)
        values[7 + i] = hub[i];
    bench_note(note, note_size,
               "air ports %u (hub) %u (ring); ring: unshaped %d MiB recv %.2f s, send+linger "
               "close %.2f s; FIR %d MiB recv %.2f s; discover %.0f ms, connect %.0f ms; "
               "turns %lu unshaped, %lu FIR",
               air_ports[0], air_ports[1], UNSHAPED_BYTES >> 20, ru.recv_ms / 1000,
               (ru.send_ms + ru.close_ms) / 1000, FIR_BYTES >> 20, rf.recv_ms / 1000,
               ru.discover_ms, ru.connect_ms, ru.turns, rf.turns);
    return 0;
}

static const bench_metric metrics[] = {
    { "irda_unshaped_mbps", "7 IrDA: TinyTP, unshaped air (MB=10^6 B)", "MB/s",
      HIGHER_IS_BETTER, TARGET_OURS_MIN, 20 },
    { "irda_fir_share", "7 IrDA: TinyTP, FIR 4 Mbit/s, share of line", "%", HIGHER_IS_BETTER,
      TARGET_OURS_MIN, 95 },
    { "irda_connect_ms", "7 IrDA: discovery + connect (unshaped)", "ms", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    /* the turn: the primary's P frame out to the secondary's F frame in, as
     * the medium sees them (irda/medium/turnstat.c); 20 MB/s needs ~700 us */
    { "irda_turn_median_us", "7 IrDA: IrLAP turn, median (unshaped)", "us", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "irda_turn_p99_us", "7 IrDA: IrLAP turn, 99th pct (unshaped)", "us", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "irda_fir_turn_median_us", "7 IrDA: IrLAP turn, median (FIR)", "us", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "irda_fir_turn_p99_us", "7 IrDA: IrLAP turn, 99th pct (FIR)", "us", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    /* the same through the hub's TCP relay (CEWS2_IRDA_AIR_PATH=hub), side by side */
    { "irda_hub_unshaped_mbps", "7 IrDA hub path: unshaped", "MB/s", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "irda_hub_fir_share", "7 IrDA hub path: FIR share of line", "%", HIGHER_IS_BETTER,
      TARGET_NONE, 0 },
    { "irda_hub_turn_median_us", "7 IrDA hub path: turn median (unshaped)", "us",
      LOWER_IS_BETTER, TARGET_NONE, 0 },
    { "irda_hub_turn_p99_us", "7 IrDA hub path: turn p99 (unshaped)", "us", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
    { "irda_hub_fir_turn_median_us", "7 IrDA hub path: turn median (FIR)", "us",
      LOWER_IS_BETTER, TARGET_NONE, 0 },
    { "irda_hub_fir_turn_p99_us", "7 IrDA hub path: turn p99 (FIR)", "us", LOWER_IS_BETTER,
      TARGET_NONE, 0 },
};

const bench_workload w7_irda = {
    .id = "irda",
    .title = "7. IrDA: one TinyTP connection on the loopback air, unshaped and FIR "
             "(two child stations per measurement)",
    .metrics = metrics,
    .n_metrics = sizeof(metrics) / sizeof(metrics[0]),
    .ours_only = 1,
    .min_rounds = 3,
    .run = run,
};
