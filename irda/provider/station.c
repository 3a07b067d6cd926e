/*
 * station.c - this process's IrDA station: the stack, its medium, its clock.
 *
 * The stack has no threads and no clock (irda/core/stack.h); this file
 * gives it both.  A worker thread sleeps until the stack's next timer or
 * until something happens (bytes from the medium, an application call,
 * an event), then tells the stack the time and moves pending overlapped
 * operations along.  The medium's receive thread feeds bytes straight in
 * under the lock.  Every stack event wakes every waiter; waiters re-check
 * their own condition.
 */
#include "irdaprov.h"
#include "../../ws2/regroot.h"
#include <stdio.h>

struct station station;
static LONG start_count;
static ULONGLONG epoch_ms;

void station_lock(void)   { EnterCriticalSection(&station.lock); }
/* Hands what the stack wrote to the medium (lock held, so the order of
 * pieces is the order the stack made them). */
static void flush_out(void)
{
    if (station.out_len && station.medium)
        irmed_send(station.medium, station.out, station.out_len);
    station.out_len = 0;
}

void station_unlock(void)
{
    flush_out();
    LeaveCriticalSection(&station.lock);
}
void station_poke(void)   { SetEvent(station.wake); }

uint64_t station_now(void)
{
    uint64_t now = GetTickCount64() - epoch_ms;
    irda_stack_set_time(&station.stack, now);
    return now;
}

BOOL station_wait(DWORD ms)
{
    flush_out();
    return SleepConditionVariableCS(&station.changed, &station.lock, ms);
}

int irda_error_to_wsa(int err)
{
    switch (err) {
    case IRDA_OK:           return 0;
    case IRDA_ERR_AGAIN:    return WSAEWOULDBLOCK;
    case IRDA_ERR_BUSY:     return WSAEINPROGRESS;
    case IRDA_ERR_INUSE:    return WSAEADDRINUSE;
    case IRDA_ERR_NOTFOUND: return WSAENOTCONN;
    case IRDA_ERR_NOSPACE:  return WSAENOBUFS;
    case IRDA_ERR_RANGE:
    case IRDA_ERR_FORMAT:
    case IRDA_ERR_SHORT:    return WSAEINVAL;
    case IRDA_ERR_STATE:    return WSAENOTCONN;
    default:                return WSAECONNRESET;
    }
}

/* ---- what the stack tells us (lock held) ----------------------------------- */

static void on_medium_write(void *ctx, const uint8_t *bytes, size_t len)
{
    (void)ctx;
    if (!station.coalesce) {
        if (station.medium)
            irmed_send(station.medium, bytes, len);
        return;
    }
    if (station.out_len + len > sizeof(station.out))
        flush_out();
    if (len > sizeof(station.out)) {
        if (station.medium)
            irmed_send(station.medium, bytes, len);
        return;
    }
    memcpy(station.out + station.out_len, bytes, len);
    station.out_len += len;
}

static void on_set_speed(void *ctx, uint32_t baud)
{
    (void)ctx;
    flush_out();                        /* the frames before it go at the old rate */
    if (station.medium)
        irmed_set_baud(station.medium, baud);
}

static uint32_t on_random(void *ctx)
{
    static uint32_t x;
    (void)ctx;
    if (!x)
        x = (uint32_t)GetTickCount64() ^ GetCurrentProcessId() * 2654435761u ^ 1u;
    /* xorshift32: slot choice needs spread, not secrecy */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

static void on_event(void *ctx, const struct irda_stack_event *ev)
{
    struct irsock *so = NULL;
    (void)ctx;

    if (ev->handle > 0 && ev->handle <= IRDA_STACK_MAX_CONN)
        so = station.by_conn[ev->handle];
    switch (ev->kind) {
    case IRDA_EV_DISCOVERY_DONE:
        station.discovering = FALSE;
        station.discovery_gen++;
        station.discovery_end = GetTickCount64();
        break;
    case IRDA_EV_IAS_DONE:
        station.ias_done = TRUE;
        station.ias_status = ev->status;
        if (ev->status == IRDA_OK && ev->ias)
            station.ias = *ev->ias;
        break;
    case IRDA_EV_CONNECTED:
        if (so && !so->exclusive) {         /* exclusive: connected once the link is granted */
            so->state = IRS_CONNECTED;
            so->network_events |= FD_CONNECT;
            so->event_errors[FD_CONNECT_BIT] = 0;
        }
        break;
    case IRDA_EV_CONNECT_FAILED:
        if (so) {
            so->so_error = ev->reason == IRLMP_R_LAP_CONNFAIL ? WSAETIMEDOUT : WSAECONNREFUSED;
            so->network_events |= FD_CONNECT;
            so->event_errors[FD_CONNECT_BIT] = so->so_error;
        }
        break;
    case IRDA_EV_DISCONNECTED:
        if (so) {
            so->network_events |= FD_CLOSE;
            so->event_errors[FD_CLOSE_BIT] = irda_end_error(ev->reason);
        }
        break;
    default:
        break;
    }
    if (so)
        notify_update(so);
    WakeAllConditionVariable(&station.changed);
    SetEvent(station.wake);
}

/* ---- the medium's receive thread ------------------------------------------- */

static void on_medium_rx(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    station_lock();
    station_now();
    irda_stack_input(&station.stack, data, len);
    station_unlock();
    SetEvent(station.wake);
}

/* ---- the worker ------------------------------------------------------------- */

static DWORD WINAPI worker_main(void *arg)
{
    (void)arg;
    while (!station.stopping) {
        uint64_t now, deadline;
        DWORD wait = INFINITE;

        station_lock();
        now = station_now();
        io_pump();
        if (irda_stack_next_deadline(&station.stack, &deadline))
            wait = deadline <= now ? 0 : (DWORD)(deadline - now);
        station_unlock();
        WaitForSingleObject(station.wake, wait);
    }
    return 0;
}

/* ---- capture: CEWS2_IRDA_CAPTURE=<file>, or the setting Comm\IrDA "Capture" ------ */

static int capture_write(void *ctx, const void *buf, size_t len)
{
    DWORD done = 0;
    (void)ctx;
    return WriteFile(station.capture_file, buf, (DWORD)len, &done, NULL) && done == len ? 0 : -1;
}

static void capture_start(void)
{
    WCHAR path[MAX_PATH];
    DWORD size = sizeof(path);
    FILETIME ft;
    uint64_t unix_us;

    if (!GetEnvironmentVariableW(L"CEWS2_IRDA_CAPTURE", path, MAX_PATH) &&
        regroot_get_setting(IRMED_KEY, L"Capture", RRF_RT_REG_SZ, NULL, path, &size) != ERROR_SUCCESS)
        return;
    if (!path[0])
        return;
    station.capture_file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL,
                                       CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (station.capture_file == INVALID_HANDLE_VALUE) {
        station.capture_file = NULL;
        return;
    }
    if (irda_pcap_open(&station.capture, capture_write, NULL) != 0) {
        CloseHandle(station.capture_file);
        station.capture_file = NULL;
        return;
    }
    /* pcap wants wall-clock time: the Unix epoch in microseconds at now_ms 0 */
    GetSystemTimeAsFileTime(&ft);
    unix_us = ((((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime) / 10) -
              11644473600000000ull;
    irda_stack_set_capture(&station.stack, &station.capture, unix_us);
}

/* ---- start and stop -------------------------------------------------------------- */

int station_start(void)
{
    struct irda_stack_config cfg;
    struct irda_stack_ops ops;
    struct irmed_config mcfg;
    struct irmed_callbacks cb;
    char nick[IRMED_NICK_MAX];
    DWORD err;

    if (InterlockedIncrement(&start_count) > 1)
        return 0;
    memset(&station, 0, sizeof(station));
    InitializeCriticalSection(&station.lock);
    InitializeConditionVariable(&station.changed);
    station.wake = CreateEventW(NULL, FALSE, FALSE, NULL);
    epoch_ms = GetTickCount64();

    /* the medium: the air by default; it connects from its own thread */
    irmed_config_load(&mcfg);
    mcfg.wsa_startup = 0;           /* we live inside ws2.dll's WSAStartup */
    mcfg.wsock = airsock_open();    /* private sockets: see airsock.c */
    mcfg.open_wait_ms = 0;          /* the caller may hold ws2.dll's lock */
    memset(&cfg, 0, sizeof(cfg));
    cfg.saddr = mcfg.device_address ? mcfg.device_address : irmed_device_address();
    if (mcfg.nickname[0])
        lstrcpynA(nick, mcfg.nickname, sizeof(nick));
    else
        irmed_nickname(nick, sizeof(nick));
    cfg.nickname = nick;
    memset(&ops, 0, sizeof(ops));
    ops.medium_write = on_medium_write;
    ops.set_speed = on_set_speed;
    ops.event = on_event;
    ops.random = on_random;
    if (irda_stack_init(&station.stack, &cfg, &ops) != IRDA_OK) {
        InterlockedDecrement(&start_count);
        return WSAEPROVIDERFAILEDINIT;
    }
    capture_start();
    station_hints_update();
    mcfg.device_address = cfg.saddr;
    /* a line-rate emulation or a serial port times each frame: no bursts there */
    station.coalesce = mcfg.kind == IRMED_AIR && !mcfg.rate;
    cb.ctx = NULL;
    cb.rx = on_medium_rx;
    cb.event = NULL;
    err = irmed_open(&mcfg, &cb, &station.medium);
    if (err) {
        InterlockedDecrement(&start_count);
        return WSAENETDOWN;
    }
    station.worker = CreateThread(NULL, 0, worker_main, NULL, 0, NULL);
    return 0;
}

/* Connections closed gracefully are still delivering what was sent, or the
 * link still has frames queued or unacknowledged (a disconnect among them). */
static BOOL closes_in_progress(void)
{
    const struct irlap *lap = &station.stack.lap;
    int i;
    for (i = 0; i < IRDA_STACK_MAX_CONN; i++)
        if (station.stack.conns[i].kind == IRDA_CONN_STREAM && station.stack.conns[i].local_closed)
            return TRUE;
    return lap->txq_count != 0 || lap->va != lap->vs;
}

/*
 * The last WSACleanup: data sent just before closesocket must still reach
 * the peer, so the medium stays up while graceful closes finish, for at
 * most STOP_DRAIN_MS (a peer that stopped reading would hold us forever).
 */
#define STOP_DRAIN_MS 5000
#define STOP_SETTLE_MS 200

static DWORD WINAPI close_medium(void *medium)
{
    irmed_close(medium);
    return 0;
}

/*
 * WSACleanup must not hang on the air: a medium thread stuck on a hub that
 * never answers would hold irmed_close forever.  The close gets
 * MEDIUM_CLOSE_MS; after that the medium is abandoned (its threads end with
 * the process) and so are the sockets it borrowed from the host provider.
 * TRUE when the medium closed.
 */
#define MEDIUM_CLOSE_MS 5000

static BOOL close_medium_bounded(irmed_t *medium)
{
    HANDLE t;
    BOOL closed;

    if (!medium)
        return TRUE;
    t = CreateThread(NULL, 0, close_medium, medium, 0, NULL);
    if (!t) {
        irmed_close(medium);
        return TRUE;
    }
    closed = WaitForSingleObject(t, MEDIUM_CLOSE_MS) == WAIT_OBJECT_0;
    CloseHandle(t);
    if (!closed)
        OutputDebugStringW(L"irdaprov: the medium did not close in time; abandoned\n");
    return closed;
}

void station_stop(void)
{
    ULONGLONG deadline;

    if (InterlockedDecrement(&start_count) != 0)
        return;
    deadline = GetTickCount64() + STOP_DRAIN_MS;
    station_lock();
    while (closes_in_progress() && GetTickCount64() < deadline)
        station_wait(50);
    station_unlock();
    /* what IrLAP sent last may still sit in the medium's transmit queue */
    Sleep(STOP_SETTLE_MS);
    station.stopping = 1;
    SetEvent(station.wake);
    if (station.worker) {
        WaitForSingleObject(station.worker, 5000);
        CloseHandle(station.worker);
    }
    if (close_medium_bounded(station.medium))
        airsock_close();            /* the medium's threads are gone */
    station.medium = NULL;
    if (station.capture_file)
        CloseHandle(station.capture_file);
    CloseHandle(station.wake);
}
