/*
 * medium.c - the backend-independent part of the IrDA medium: configuration
 * (registry, environment), station identity, the transmit queue and its
 * thread (with rate emulation), receive-side loss, and the air's control
 * client.  See medium.h for the interface and the threading contract.
 */
#include "medium_private.h"
#include "../../ws2/regroot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- small helpers ------------------------------------------------------- */

double irmed__now_ms(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;
    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart * 1000.0 / (double)freq.QuadPart;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t entropy32(void)
{
    static volatile LONG counter;
    LARGE_INTEGER qpc;
    FILETIME ft;
    QueryPerformanceCounter(&qpc);
    GetSystemTimeAsFileTime(&ft);
    uint64_t s = (uint64_t)qpc.QuadPart ^ ((uint64_t)GetCurrentProcessId() << 32) ^
                 ((uint64_t)ft.dwHighDateTime << 20) ^ ft.dwLowDateTime ^
                 ((uint64_t)InterlockedIncrement(&counter) << 48) ^ (uint64_t)(uintptr_t)&s;
    splitmix(&s);
    return (uint32_t)splitmix(&s);
}

static int env_w(const WCHAR *name, WCHAR *buf, DWORD n)
{
    DWORD r = GetEnvironmentVariableW(name, buf, n);
    return r > 0 && r < n;
}

static int env_u32(const WCHAR *name, uint32_t *out)
{
    WCHAR b[64], *end;
    if (!env_w(name, b, 64))
        return 0;
    unsigned long v = wcstoul(b, &end, 0);
    if (end == b)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

/* Settings come from regroot_get_setting: the per-user value if there is
 * one, else the machine's (subkey is IRMED_KEY or IRMED_AIR_KEY). */
static int reg_u32(const WCHAR *subkey, const WCHAR *name, uint32_t *out)
{
    DWORD v, size = sizeof(v);
    if (regroot_get_setting(subkey, name, RRF_RT_REG_DWORD, NULL, &v, &size) != ERROR_SUCCESS)
        return 0;
    *out = v;
    return 1;
}

/* REG_SZ (or REG_EXPAND_SZ, unexpanded) into buf (NUL-terminated). */
static int reg_w(const WCHAR *subkey, const WCHAR *name, WCHAR *buf, DWORD n)
{
    DWORD size = n * sizeof(WCHAR);
    if (regroot_get_setting(subkey, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL,
                            buf, &size) != ERROR_SUCCESS) {
        buf[0] = 0;     /* a failed read may have left anything there */
        return 0;
    }
    buf[n - 1] = 0;
    return 1;
}

/* "COMn" (case-insensitive, n 1..4096) -> canonical L"COMn"; else 0. */
static int parse_com(const WCHAR *s, WCHAR *out, size_t n)
{
    while (*s == L' ') s++;
    if (!wcsncmp(s, L"\\\\.\\", 4))
        s += 4;
    if (_wcsnicmp(s, L"COM", 3) != 0)
        return 0;
    WCHAR *end;
    unsigned long num = wcstoul(s + 3, &end, 10);
    if (end == s + 3 || num < 1 || num > 4096 || (*end && *end != L':'))
        return 0;
    _snwprintf(out, n, L"COM%lu", num);
    out[n - 1] = 0;
    return 1;
}

/* A value that names neither the air nor a COM port is a serial medium
 * with no port: opening it fails, so the mistake shows (an AF_IRDA socket
 * cannot be made: WSAENETDOWN) instead of the station quietly going on
 * the air. */
static void apply_medium(struct irmed_config *cfg, const WCHAR *v)
{
    if (parse_com(v, cfg->serial_port, sizeof(cfg->serial_port) / sizeof(WCHAR))) {
        cfg->kind = IRMED_SERIAL;
    } else if (!_wcsicmp(v, L"air") || !*v) {
        cfg->kind = IRMED_AIR;
    } else {
        cfg->kind = IRMED_SERIAL;
        cfg->serial_port[0] = 0;
    }
}

static void apply_rate(struct irmed_config *cfg, const WCHAR *v)
{
    WCHAR *end;
    if (!_wcsicmp(v, L"link")) {
        cfg->rate = IRMED_RATE_LINK;
        return;
    }
    unsigned long r = wcstoul(v, &end, 0);
    if (end != v)
        cfg->rate = (uint32_t)r;
}

static void apply_loss(struct irmed_config *cfg, const WCHAR *v)
{
    WCHAR *end;
    double d = wcstod(v, &end);
    if (end != v && d >= 0 && d <= 1)
        cfg->loss = d;
}

/* ---- configuration and identity ------------------------------------------- */

void irmed_config_default(struct irmed_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->kind = IRMED_AIR;
    cfg->baud = 9600;
    cfg->air_port = AIR_DEFAULT_PORT;
    cfg->start_hub = 1;
    cfg->hub_idle_s = 10;
    cfg->wsa_startup = 1;
    cfg->tx_queue_max = 1u << 20;
}

static int configured_address(uint32_t *addr)
{
    uint32_t v;
    int found = 0;
    if (reg_u32(IRMED_KEY, L"DeviceAddress", &v) && v) { *addr = v; found = 1; }
    if (env_u32(L"CEWS2_IRDA_DEVICE_ADDRESS", &v) && v) { *addr = v; found = 1; }
    return found;
}

uint32_t irmed_device_address(void)
{
    static volatile LONG random_addr;
    uint32_t a;
    if (configured_address(&a))
        return a;
    if (!random_addr) {
        do a = entropy32(); while (a == 0 || a == 0xFFFFFFFFu);
        InterlockedCompareExchange(&random_addr, (LONG)a, 0);
    }
    return (uint32_t)random_addr;
}

void irmed_nickname(char *buf, size_t len)
{
    WCHAR w[IRMED_NICK_MAX];
    int have = 0;
    if (reg_w(IRMED_KEY, L"Nickname", w, IRMED_NICK_MAX) && w[0]) have = 1;
    if (env_w(L"CEWS2_IRDA_NICKNAME", w, IRMED_NICK_MAX) && w[0]) have = 1;
    if (!len)
        return;
    if (have && WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)len, NULL, NULL) > 0) {
        buf[len - 1] = 0;
        return;
    }
    snprintf(buf, len, "ce-winsock-%lu", (unsigned long)GetCurrentProcessId());
}

void irmed_config_load(struct irmed_config *cfg)
{
    WCHAR w[MAX_PATH];
    uint32_t v;
    irmed_config_default(cfg);

    if (reg_w(IRMED_KEY, L"Medium", w, MAX_PATH)) apply_medium(cfg, w);
    if (reg_u32(IRMED_KEY, L"Baud", &v) && v) cfg->baud = v;
    if (env_w(L"CEWS2_IRDA_MEDIUM", w, MAX_PATH)) apply_medium(cfg, w);
    if (env_u32(L"CEWS2_IRDA_BAUD", &v) && v) cfg->baud = v;
    configured_address(&cfg->device_address);

    if (reg_u32(IRMED_AIR_KEY, L"Port", &v) && v && v < 65536) cfg->air_port = (unsigned short)v;
    if (reg_u32(IRMED_AIR_KEY, L"Rate", &v)) cfg->rate = v;
    else if (reg_w(IRMED_AIR_KEY, L"Rate", w, MAX_PATH)) apply_rate(cfg, w);
    if (reg_u32(IRMED_AIR_KEY, L"Loss", &v)) cfg->loss = v >= 1000000 ? 1.0 : v / 1e6;
    else if (reg_w(IRMED_AIR_KEY, L"Loss", w, MAX_PATH)) apply_loss(cfg, w);
    if (reg_w(IRMED_AIR_KEY, L"LossMode", w, MAX_PATH)) cfg->loss_bytes = !_wcsicmp(w, L"byte");
    if (reg_u32(IRMED_AIR_KEY, L"Seed", &v)) cfg->seed = v;
    if (reg_u32(IRMED_AIR_KEY, L"OutOfRange", &v)) cfg->out_of_range = v != 0;
    if (reg_u32(IRMED_AIR_KEY, L"StartHub", &v)) cfg->start_hub = v != 0;
    reg_w(IRMED_AIR_KEY, L"Hub", cfg->hub_path, MAX_PATH);
    if (reg_u32(IRMED_AIR_KEY, L"HubIdle", &v)) cfg->hub_idle_s = v;
    reg_w(IRMED_AIR_KEY, L"HubArgs", cfg->hub_args, sizeof(cfg->hub_args) / sizeof(WCHAR));

    if (env_u32(L"CEWS2_IRDA_AIR_PORT", &v) && v && v < 65536) cfg->air_port = (unsigned short)v;
    if (env_w(L"CEWS2_IRDA_AIR_RATE", w, MAX_PATH)) apply_rate(cfg, w);
    if (env_w(L"CEWS2_IRDA_AIR_LOSS", w, MAX_PATH)) apply_loss(cfg, w);
    if (env_w(L"CEWS2_IRDA_AIR_LOSS_MODE", w, MAX_PATH)) cfg->loss_bytes = !_wcsicmp(w, L"byte");
    if (env_u32(L"CEWS2_IRDA_AIR_SEED", &v)) cfg->seed = v;
    if (env_u32(L"CEWS2_IRDA_AIR_OUT_OF_RANGE", &v)) cfg->out_of_range = v != 0;
    if (env_u32(L"CEWS2_IRDA_AIR_START_HUB", &v)) cfg->start_hub = v != 0;
    env_w(L"CEWS2_IRDA_AIR_HUB", cfg->hub_path, MAX_PATH);
    if (env_u32(L"CEWS2_IRDA_AIR_HUB_IDLE", &v)) cfg->hub_idle_s = v;
    env_w(L"CEWS2_IRDA_AIR_HUB_ARGS", cfg->hub_args, sizeof(cfg->hub_args) / sizeof(WCHAR));
}

DWORD irmed_wsock_load(struct irmed_wsock *w)
{
    HMODULE h = GetModuleHandleW(L"ws2.dll");
    if (!h)
        h = LoadLibraryW(L"ws2.dll");
    if (!h)
        return ERROR_MOD_NOT_FOUND;
#define GET(name) do { \
        FARPROC f = GetProcAddress(h, #name); \
        if (!f) return ERROR_PROC_NOT_FOUND; \
        memcpy(&w->p_##name, &f, sizeof(f)); \
    } while (0)
    GET(WSAStartup);
    GET(WSACleanup);
    GET(WSAGetLastError);
    GET(socket);
    GET(connect);
    GET(send);
    GET(recv);
    GET(closesocket);
    GET(setsockopt);
    GET(shutdown);
#undef GET
    return 0;
}

/* ---- receive side ----------------------------------------------------------- */

void irmed__deliver(irmed_t *m, uint8_t *buf, size_t len)
{
    size_t kept;
    if (m->cfg.kind == IRMED_SERIAL && !m->in_range) {
        kept = 0;
    } else {
        kept = air_loss_apply(&m->loss, buf, len);   /* only this thread uses m->loss */
    }
    EnterCriticalSection(&m->lock);
    m->st.rx_bytes += kept;
    m->st.rx_lost += len - kept;
    LeaveCriticalSection(&m->lock);
    if (kept && m->cb.rx)
        m->cb.rx(m->cb.ctx, buf, kept);
}

void irmed__event(irmed_t *m, int ev, uint32_t detail)
{
    if (m->cb.event)
        m->cb.event(m->cb.ctx, ev, detail);
}

/* ---- transmit queue and thread ----------------------------------------------- */

static DWORD enqueue(irmed_t *m, const void *data, size_t len, uint32_t baud)
{
    struct txq_item *it = malloc(sizeof(*it) + len);
    if (!it)
        return ERROR_NOT_ENOUGH_MEMORY;
    it->next = NULL;
    it->baud = baud;
    it->len = len;
    if (len)
        memcpy(it->data, data, len);
    EnterCriticalSection(&m->lock);
    if (len && m->queued + len > m->cfg.tx_queue_max) {
        m->st.tx_dropped += len;
        LeaveCriticalSection(&m->lock);
        free(it);
        return WSAENOBUFS;
    }
    if (m->tail) m->tail->next = it; else m->head = it;
    m->tail = it;
    m->queued += len;
    LeaveCriticalSection(&m->lock);
    SetEvent(m->tx_event);
    return 0;
}

static struct txq_item *dequeue(irmed_t *m)
{
    EnterCriticalSection(&m->lock);
    struct txq_item *it = m->head;
    if (it) {
        m->head = it->next;
        if (!m->head) m->tail = NULL;
        m->queued -= it->len;
    }
    m->tx_busy = it != NULL;
    LeaveCriticalSection(&m->lock);
    return it;
}

#define PACE_SLACK_MS 3.0

/* Rate emulation: waits until the piece has "crossed the air"; 0 if stopping. */
static int pace(irmed_t *m, size_t len)
{
    uint32_t rate = m->cfg.rate == IRMED_RATE_LINK ? m->baud : m->cfg.rate;
    if (!m->cfg.rate || !rate)
        return 1;
    double bits = rate <= 115200 ? 10.0 : 8.0;
    double now = irmed__now_ms();
    /* Back to back: a piece that was waiting while the line was busy goes
     * out when the line became free, even if this thread woke up a little
     * late (timer granularity), or every piece would lose that lateness
     * for good (measured: 4.16 ms pieces at 4 Mbit/s every 5.3-5.5 ms). */
    double start = m->air_free_ms > now - PACE_SLACK_MS ? m->air_free_ms : now;
    double due = start + (double)len * bits * 1000.0 / rate;
    m->air_free_ms = due;
    for (;;) {
        now = irmed__now_ms();
        if (now >= due)
            return 1;
        double wait = due - now;
        if (WaitForSingleObject(m->stop_event, (DWORD)(wait + 0.999)) == WAIT_OBJECT_0)
            return 0;
    }
}

/* The next queued piece if it is data and fits in room bytes (framed), else NULL. */
static struct txq_item *dequeue_more(irmed_t *m, size_t room)
{
    struct txq_item *it = NULL;
    EnterCriticalSection(&m->lock);
    if (m->head && !m->head->baud && m->head->len && AIR_HDR + m->head->len <= room) {
        it = m->head;
        m->head = it->next;
        if (!m->head) m->tail = NULL;
        m->queued -= it->len;
    }
    LeaveCriticalSection(&m->lock);
    return it;
}

/*
 * The unshaped air: what is queued goes out in one write, each piece still
 * its own DATA message (one system call and one hub wake-up for a whole
 * IrLAP window instead of seven; measured under Wine: a turn through the
 * hub is most of the cost of a window).
 */
static void air_send_batch(irmed_t *m, struct txq_item *first)
{
    struct txq_item *batch[64];
    size_t n = 0, room = AIR_HDR + AIR_MAX_PAYLOAD - (AIR_HDR + first->len);
    batch[n++] = first;
    while (n < 64) {
        struct txq_item *it = dequeue_more(m, room);
        if (!it)
            break;
        room -= AIR_HDR + it->len;
        batch[n++] = it;
    }
    DWORD e = air_write_pieces(m, batch, n);
    EnterCriticalSection(&m->lock);
    for (size_t i = 0; i < n; i++) {
        if (e) m->st.tx_dropped += batch[i]->len;
        else m->st.tx_bytes += batch[i]->len;
    }
    LeaveCriticalSection(&m->lock);
    for (size_t i = 1; i < n; i++)
        free(batch[i]);
}

static DWORD WINAPI tx_main(void *arg)
{
    irmed_t *m = arg;
    HANDLE h[2] = { m->stop_event, m->tx_event };
    for (;;) {
        struct txq_item *it = dequeue(m);
        if (!it) {
            if (WaitForMultipleObjects(2, h, FALSE, INFINITE) == WAIT_OBJECT_0)
                return 0;
            continue;
        }
        if (WaitForSingleObject(m->stop_event, 0) == WAIT_OBJECT_0) {
            free(it);
            return 0;
        }
        if (it->baud) {
            if (m->cfg.kind == IRMED_SERIAL)
                serial_apply_baud(m, it->baud);
            EnterCriticalSection(&m->lock);
            m->baud = it->baud;
            LeaveCriticalSection(&m->lock);
        } else if (m->cfg.kind == IRMED_AIR && !m->cfg.rate) {
            air_send_batch(m, it);
        } else if (pace(m, it->len)) {
            DWORD e = m->cfg.kind == IRMED_SERIAL ? serial_write(m, it->data, it->len)
                                                  : air_write(m, it->data, it->len);
            EnterCriticalSection(&m->lock);
            if (e) m->st.tx_dropped += it->len;
            else m->st.tx_bytes += it->len;
            LeaveCriticalSection(&m->lock);
        }
        free(it);
        EnterCriticalSection(&m->lock);
        m->tx_busy = 0;
        LeaveCriticalSection(&m->lock);
    }
}

/* ---- the interface ------------------------------------------------------------- */

DWORD irmed_open(const struct irmed_config *cfg, const struct irmed_callbacks *cb, irmed_t **out)
{
    DWORD e;
    if (!cfg || !out)
        return ERROR_INVALID_PARAMETER;
    *out = NULL;
    irmed_t *m = calloc(1, sizeof(*m));
    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY;
    m->cfg = *cfg;
    if (!m->cfg.baud) m->cfg.baud = 9600;
    if (!m->cfg.tx_queue_max) m->cfg.tx_queue_max = 1u << 20;
    if (!m->cfg.air_port) m->cfg.air_port = AIR_DEFAULT_PORT;
    if (cb) m->cb = *cb;
    m->addr = cfg->device_address ? cfg->device_address : irmed_device_address();
    if (cfg->nickname[0]) {
        memcpy(m->nick, cfg->nickname, sizeof(m->nick));
        m->nick[sizeof(m->nick) - 1] = 0;
    } else {
        irmed_nickname(m->nick, sizeof(m->nick));
    }
    m->baud = m->cfg.baud;
    m->in_range = !cfg->out_of_range;
    air_loss_init(&m->loss, cfg->loss, cfg->loss_bytes, cfg->seed ? cfg->seed : entropy32() | 1);
    m->rx_sock = m->sock = INVALID_SOCKET;
    m->com = INVALID_HANDLE_VALUE;
    InitializeCriticalSection(&m->lock);
    InitializeCriticalSection(&m->send_lock);
    m->stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    m->tx_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    m->ready_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    m->ack_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!m->stop_event || !m->tx_event || !m->ready_event || !m->ack_event) {
        e = GetLastError();
        goto fail;
    }

    if (m->cfg.kind == IRMED_AIR) {
        if (cfg->wsock) m->ws = *cfg->wsock;
        else if ((e = irmed_wsock_load(&m->ws)) != 0) goto fail;
        if (m->cfg.wsa_startup) {
            WSADATA wd;
            if ((e = (DWORD)m->ws.p_WSAStartup(MAKEWORD(2, 2), &wd)) != 0) goto fail;
            m->wsa_started = 1;
        }
        e = air_start(m);
    } else {
        e = serial_start(m);
    }
    if (e)
        goto fail;
    m->tx_thread = CreateThread(NULL, 0, tx_main, m, 0, NULL);
    if (!m->tx_thread) {
        e = GetLastError();
        *out = m;       /* let irmed_close stop the receive thread */
        irmed_close(m);
        *out = NULL;
        return e;
    }
    *out = m;
    if (cfg->open_wait_ms)
        irmed_wait_ready(m, cfg->open_wait_ms);
    return 0;

fail:
    free(m->txmsg);
    free(m->directmsg);
    if (m->wsa_started) m->ws.p_WSACleanup();
    if (m->com != INVALID_HANDLE_VALUE) CloseHandle(m->com);
    if (m->stop_event) CloseHandle(m->stop_event);
    if (m->tx_event) CloseHandle(m->tx_event);
    if (m->ready_event) CloseHandle(m->ready_event);
    if (m->ack_event) CloseHandle(m->ack_event);
    DeleteCriticalSection(&m->lock);
    DeleteCriticalSection(&m->send_lock);
    free(m);
    return e ? e : ERROR_GEN_FAILURE;
}

/*
 * The unshaped air with nothing queued or in the transmit thread's hands:
 * the piece goes out from the sender's own thread (one thread hop less per
 * frame; an IrLAP turn is two such hops and the hub's).  Returns 1 if sent.
 */
static int send_now(irmed_t *m, const uint8_t *p, size_t len)
{
    int sent = 0;
    if (m->cfg.kind != IRMED_AIR || m->cfg.rate || !len || len > AIR_MAX_PAYLOAD)
        return 0;
    EnterCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    int idle = !m->head && !m->tx_busy;
    LeaveCriticalSection(&m->lock);
    if (idle) {
        DWORD e = air_write_direct(m, p, len);
        EnterCriticalSection(&m->lock);
        if (e) m->st.tx_dropped += len;
        else m->st.tx_bytes += len;
        LeaveCriticalSection(&m->lock);
        sent = 1;
    }
    LeaveCriticalSection(&m->send_lock);
    return sent;
}

DWORD irmed_send(irmed_t *m, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (!m || (!data && len))
        return ERROR_INVALID_PARAMETER;
    if (send_now(m, p, len))
        return 0;
    while (len) {
        size_t n = len > AIR_MAX_PAYLOAD ? AIR_MAX_PAYLOAD : len;
        DWORD e = enqueue(m, p, n, 0);
        if (e)
            return e;
        p += n;
        len -= n;
    }
    return 0;
}

DWORD irmed_set_baud(irmed_t *m, uint32_t baud)
{
    if (!m || !baud)
        return ERROR_INVALID_PARAMETER;
    return enqueue(m, NULL, 0, baud);
}

DWORD irmed_set_in_range(irmed_t *m, int in_range)
{
    if (!m)
        return ERROR_INVALID_PARAMETER;
    EnterCriticalSection(&m->lock);
    m->in_range = in_range != 0;
    LeaveCriticalSection(&m->lock);
    if (m->cfg.kind == IRMED_AIR)
        return air_set_range(m, in_range != 0);
    return 0;
}

DWORD irmed_wait_ready(irmed_t *m, DWORD timeout_ms)
{
    if (!m)
        return ERROR_INVALID_PARAMETER;
    return WaitForSingleObject(m->ready_event, timeout_ms) == WAIT_OBJECT_0 ? 0 : WAIT_TIMEOUT;
}

void irmed_get_stats(irmed_t *m, struct irmed_stats *st)
{
    EnterCriticalSection(&m->lock);
    *st = m->st;
    LeaveCriticalSection(&m->lock);
}

uint32_t irmed_get_address(irmed_t *m)
{
    return m->addr;
}

void irmed_close(irmed_t *m)
{
    if (!m)
        return;
    SetEvent(m->stop_event);
    if (m->cfg.kind == IRMED_AIR) air_stop(m); else serial_stop(m);
    if (m->tx_thread) {
        WaitForSingleObject(m->tx_thread, INFINITE);
        CloseHandle(m->tx_thread);
    }
    if (m->rx_thread) {
        WaitForSingleObject(m->rx_thread, INFINITE);
        CloseHandle(m->rx_thread);
    }
    if (m->cfg.kind == IRMED_SERIAL)
        serial_close(m);
    while (m->head) {
        struct txq_item *it = m->head;
        m->head = it->next;
        free(it);
    }
    free(m->txmsg);
    free(m->directmsg);
    if (m->wsa_started)
        m->ws.p_WSACleanup();
    CloseHandle(m->stop_event);
    CloseHandle(m->tx_event);
    CloseHandle(m->ready_event);
    CloseHandle(m->ack_event);
    DeleteCriticalSection(&m->lock);
    DeleteCriticalSection(&m->send_lock);
    free(m);
}

/* ---- air control client ---------------------------------------------------- */

static DWORD ctl_call(const struct irmed_wsock *wp, unsigned short port, unsigned type,
                      const uint8_t *payload, size_t plen, unsigned want,
                      uint8_t *reply, size_t *rlen)
{
    struct irmed_wsock w;
    WSADATA wd;
    DWORD e;
    if (wp) w = *wp;
    else if ((e = irmed_wsock_load(&w)) != 0) return e;
    if ((e = (DWORD)w.p_WSAStartup(MAKEWORD(2, 2), &wd)) != 0)
        return e;
    SOCKET s = w.p_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) {
        e = (DWORD)w.p_WSAGetLastError();
        w.p_WSACleanup();
        return e;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = (u_short)((port >> 8) | (port << 8));
    ((uint8_t *)&sa.sin_addr)[0] = 127;
    ((uint8_t *)&sa.sin_addr)[3] = 1;
    DWORD tmo = 5000;
    w.p_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&tmo, sizeof(tmo));
    uint8_t msg[AIR_HDR + 16];
    e = 0;
    if (w.p_connect(s, (struct sockaddr *)&sa, sizeof(sa)) == SOCKET_ERROR) {
        e = (DWORD)w.p_WSAGetLastError();
        goto out;
    }
    air_header(msg, type, plen);
    if (plen)
        memcpy(msg + AIR_HDR, payload, plen);
    if (w.p_send(s, (const char *)msg, (int)(AIR_HDR + plen), 0) != (int)(AIR_HDR + plen)) {
        e = (DWORD)w.p_WSAGetLastError();
        goto out;
    }
    /* read messages until the wanted reply */
    for (;;) {
        uint8_t h[AIR_HDR];
        size_t got = 0, len;
        while (got < AIR_HDR) {
            int n = w.p_recv(s, (char *)h + got, (int)(AIR_HDR - got), 0);
            if (n <= 0) { e = n == 0 ? WSAECONNRESET : (DWORD)w.p_WSAGetLastError(); goto out; }
            got += (size_t)n;
        }
        len = air_get16(h + 2);
        size_t keep = h[0] == want ? (len < *rlen ? len : *rlen) : 0;
        got = 0;
        while (got < len) {
            char sink[512];
            int n;
            if (got < keep)
                n = w.p_recv(s, (char *)reply + got, (int)(keep - got), 0);
            else
                n = w.p_recv(s, sink, (int)(len - got > sizeof(sink) ? sizeof(sink) : len - got), 0);
            if (n <= 0) { e = n == 0 ? WSAECONNRESET : (DWORD)w.p_WSAGetLastError(); goto out; }
            got += (size_t)n;
        }
        if (h[0] == want) {
            *rlen = keep;
            break;
        }
    }
out:
    w.p_closesocket(s);
    w.p_WSACleanup();
    return e;
}

DWORD irmed_air_range(const struct irmed_wsock *w, unsigned short port, uint32_t addr,
                      int in_range, uint32_t *changed)
{
    uint8_t p[5], r[4];
    size_t rl = sizeof(r);
    air_put32(p, addr);
    p[4] = in_range ? 1 : 0;
    DWORD e = ctl_call(w, port, AIR_RANGE, p, sizeof(p), AIR_RESULT, r, &rl);
    if (!e && changed)
        *changed = rl == 4 ? air_get32(r) : 0;
    return e;
}

DWORD irmed_air_status(const struct irmed_wsock *w, unsigned short port, char *buf, size_t len)
{
    if (!buf || !len)
        return ERROR_INVALID_PARAMETER;
    size_t rl = len - 1;
    DWORD e = ctl_call(w, port, AIR_STATUS, NULL, 0, AIR_STATUS_TEXT, (uint8_t *)buf, &rl);
    buf[e ? 0 : rl] = 0;
    return e;
}

DWORD irmed_air_down(const struct irmed_wsock *w, unsigned short port, uint32_t ms, uint32_t *dropped)
{
    uint8_t p[4], r[4];
    size_t rl = sizeof(r);
    air_put32(p, ms);
    DWORD e = ctl_call(w, port, AIR_DOWN, p, sizeof(p), AIR_RESULT, r, &rl);
    if (!e && dropped)
        *dropped = rl == 4 ? air_get32(r) : 0;
    return e;
}

DWORD irmed_air_quit(const struct irmed_wsock *w, unsigned short port)
{
    uint8_t r[4];
    size_t rl = sizeof(r);
    return ctl_call(w, port, AIR_QUIT, NULL, 0, AIR_RESULT, r, &rl);
}
