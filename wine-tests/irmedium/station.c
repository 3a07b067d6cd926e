/*
 * station.c - the IrDA medium suites' recording station (station.h).
 */
#include "station.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stations still open when a test fails are closed by the teardown (they
 * live in static storage, so their threads never see a dead stack frame). */
static struct station *open_stations[32];
volatile LONG stop_senders;

static void st_rx(void *ctx, const uint8_t *p, size_t n)
{
    struct station *s = ctx;
    EnterCriticalSection(&s->lock);
    if (s->len + n + 2 > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->len + n + 2) cap *= 2;
        s->buf = realloc(s->buf, cap);
        s->cap = cap;
    }
    s->buf[s->len] = (uint8_t)(n >> 8);
    s->buf[s->len + 1] = (uint8_t)n;
    memcpy(s->buf + s->len + 2, p, n);
    s->len += n + 2;
    s->bytes += n;
    s->pieces++;
    LeaveCriticalSection(&s->lock);
    SetEvent(s->got);
}

static void st_event(void *ctx, int ev, uint32_t detail)
{
    struct station *s = ctx;
    (void)detail;
    EnterCriticalSection(&s->lock);
    if (ev == IRMED_EV_UP) s->ups++; else s->downs++;
    LeaveCriticalSection(&s->lock);
}

unsigned short test_port(int k)
{
    /* distinct per process (and program path: tu_program_hash) and per
     * test, away from 6417 */
    return (unsigned short)(20000 + (GetCurrentProcessId() * 37u + tu_program_hash() + (unsigned)k * 1009u) % 30000u);
}

void air_config(struct irmed_config *c, unsigned short port, uint32_t addr)
{
    irmed_config_default(c);
    c->air_port = port;
    c->device_address = addr;
    snprintf(c->nickname, sizeof(c->nickname), "st-%08lx", (unsigned long)addr);
    c->hub_idle_s = 3;
    /* the medium is linked into this program, whose folder has no hub: the
     * prefix's one, by full path (stations never search for it) */
    UINT n = GetSystemDirectoryW(c->hub_path, MAX_PATH);
    if (n && n + 11 < MAX_PATH)
        wcscat(c->hub_path, L"\\irair.exe");
}

DWORD st_open(struct station *s, const struct irmed_config *c)
{
    memset(s, 0, sizeof(*s));
    InitializeCriticalSection(&s->lock);
    s->got = CreateEventW(NULL, FALSE, FALSE, NULL);
    for (int i = 0; i < 32; i++)
        if (!open_stations[i]) { open_stations[i] = s; break; }
    struct irmed_callbacks cb = { s, st_rx, st_event };
    return irmed_open(c, &cb, &s->m);
}

void st_open_pair(struct station *a, struct station *b, unsigned short port, uint32_t addr_a, uint32_t addr_b)
{
    struct irmed_config c;
    air_config(&c, port, addr_a);
    assert_int_equal(st_open(a, &c), 0);
    air_config(&c, port, addr_b);
    assert_int_equal(st_open(b, &c), 0);
    assert_int_equal(irmed_wait_ready(a->m, 30000), 0);
    assert_int_equal(irmed_wait_ready(b->m, 30000), 0);
    assert_true(wait_stations(port, 2, 10000));
}

void st_close(struct station *s)
{
    for (int i = 0; i < 32; i++)
        if (open_stations[i] == s) open_stations[i] = NULL;
    if (s->m) irmed_close(s->m);
    s->m = NULL;
    CloseHandle(s->got);
    DeleteCriticalSection(&s->lock);
    free(s->buf);
    s->buf = NULL;
}

size_t st_bytes(struct station *s)
{
    EnterCriticalSection(&s->lock);
    size_t n = s->bytes;
    LeaveCriticalSection(&s->lock);
    return n;
}

int st_ups(struct station *s)
{
    EnterCriticalSection(&s->lock);
    int n = s->ups;
    LeaveCriticalSection(&s->lock);
    return n;
}

int st_downs(struct station *s)
{
    EnterCriticalSection(&s->lock);
    int n = s->downs;
    LeaveCriticalSection(&s->lock);
    return n;
}

int st_wait_bytes(struct station *s, size_t n, DWORD ms)
{
    double end = tu_now_ms() + ms;
    while (st_bytes(s) < n) {
        double left = end - tu_now_ms();
        if (left <= 0) return 0;
        WaitForSingleObject(s->got, left > 100 ? 100 : (DWORD)left + 1);
    }
    return 1;
}

struct piece *st_pieces(struct station *s, size_t *count, uint8_t **copy)
{
    EnterCriticalSection(&s->lock);
    *copy = malloc(s->len + 1);
    memcpy(*copy, s->buf, s->len);
    size_t len = s->len, np = s->pieces;
    LeaveCriticalSection(&s->lock);
    struct piece *v = calloc(np + 1, sizeof(*v));
    size_t k = 0;
    for (size_t off = 0; off + 2 <= len && k < np; k++) {
        size_t n = (size_t)(*copy)[off] << 8 | (*copy)[off + 1];
        v[k].p = *copy + off + 2;
        v[k].n = n;
        off += 2 + n;
    }
    *count = k;
    return v;
}

int st_heard(struct station *s, const char *what)
{
    size_t np;
    uint8_t *copy;
    struct piece *v = st_pieces(s, &np, &copy);
    int found = 0;
    for (size_t i = 0; i < np; i++)
        if (v[i].n == strlen(what) && !memcmp(v[i].p, what, v[i].n)) found = 1;
    free(v);
    free(copy);
    return found;
}

int hub_stations(unsigned short port)
{
    char text[4096];
    int n;
    if (irmed_air_status(NULL, port, text, sizeof(text)) != 0)
        return -1;
    const char *p = strstr(text, "stations=");
    return p && sscanf(p, "stations=%d", &n) == 1 ? n : -1;
}

int wait_stations(unsigned short port, int n, DWORD ms)
{
    double end = tu_now_ms() + ms;
    for (;;) {
        int k = hub_stations(port);
        if (k == n) return 1;
        if (tu_now_ms() > end) {
            print_message("hub on %u has %d stations, wanted %d\n", port, k, n);
            return 0;
        }
        Sleep(50);
    }
}

void wait_ready_all(struct station *s, int n)
{
    for (int i = 0; i < n; i++)
        if (irmed_wait_ready(s[i].m, 30000) != 0)
            fail_msg("station %d: air not ready after 30 s", i);
}

DWORD start_hub_proc(unsigned short port, const char *extra, HANDLE *proc)
{
    WCHAR path[MAX_PATH], cmd[MAX_PATH + 200];
    if (!SearchPathW(NULL, L"irair.exe", NULL, MAX_PATH, path, NULL))
        return ERROR_FILE_NOT_FOUND;
    _snwprintf(cmd, sizeof(cmd) / sizeof(WCHAR), L"\"%ls\" --port %u %hs", path, port, extra);
    STARTUPINFOW si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(path, cmd, NULL, NULL, FALSE, DETACHED_PROCESS, NULL, NULL, &si, &pi))
        return GetLastError();
    CloseHandle(pi.hThread);
    *proc = pi.hProcess;
    return 0;
}

size_t make_piece(uint8_t *b, unsigned sender, uint32_t seq)
{
    size_t n = 5 + (seq * 37u + sender * 11u) % 180u;
    b[0] = (uint8_t)sender;
    b[1] = (uint8_t)(seq >> 24); b[2] = (uint8_t)(seq >> 16); b[3] = (uint8_t)(seq >> 8); b[4] = (uint8_t)seq;
    for (size_t i = 5; i < n; i++)
        b[i] = (uint8_t)(sender * 31u + seq * 7u + i);
    return n;
}

int check_piece(const uint8_t *b, size_t n, unsigned *sender, uint32_t *seq)
{
    uint8_t want[256];
    if (n < 5) return 0;
    *sender = b[0];
    *seq = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
    size_t wn = make_piece(want, *sender, *seq);
    return wn == n && !memcmp(want, b, n);
}

DWORD WINAPI sender_main(void *p)
{
    struct sender_arg *a = p;
    uint8_t b[256];
    for (uint32_t i = 0; (!a->count || i < a->count) && !(a->stop && *a->stop) && !stop_senders; i++) {
        size_t n = make_piece(b, a->id, i);
        if (irmed_send(a->s->m, b, n) != 0)
            return 1;
        if (a->gap_ms) Sleep(a->gap_ms);
        else if (i % 50 == 49) Sleep(1);
    }
    return 0;
}

int station_teardown(void **state)
{
    (void)state;
    stop_senders = 1;
    Sleep(100);
    for (int i = 0; i < 32; i++)
        if (open_stations[i]) st_close(open_stations[i]);
    stop_senders = 0;
    return 0;
}
