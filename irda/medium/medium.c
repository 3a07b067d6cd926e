/*
 * medium.c - the backend-independent part of the IrDA medium: the transmit
 * queue and its thread (with rate emulation), receive-side loss and the
 * interface (open, send, close).  Configuration is in config.c, the air's
 * control client in airctl.c.  See medium.h for the threading contract.
 */
#include "medium_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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


/* ---- receive side ----------------------------------------------------------- */

static void pace_heard(irmed_t *m, size_t len);

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
    if (kept)
        irmed__turn_in(m, buf, kept);
    if (kept && m->cfg.rate && m->cfg.kind == IRMED_AIR)
        pace_heard(m, kept);
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
#define PACE_SPIN_MS  1.5   /* the last stretch of a wait: yielded, not slept */

/* The pacing rate (0: none) and the bits a byte costs at it. */
static uint32_t pace_rate(const irmed_t *m, double *bits)
{
    uint32_t rate = m->cfg.rate == IRMED_RATE_LINK ? m->baud : m->cfg.rate;
    if (!m->cfg.rate)
        rate = 0;
    *bits = rate <= 115200 ? 10.0 : 8.0;
    return rate;
}

/* Rate emulation: waits until the piece has "crossed the air"; 0 if stopping. */
static int pace(irmed_t *m, size_t len)
{
    double bits;
    uint32_t rate = pace_rate(m, &bits);
    if (!rate)
        return 1;
    double now = irmed__now_ms();
    EnterCriticalSection(&m->lock);
    double heard = m->air_heard_ms;
    m->air_heard_ms = 0;
    LeaveCriticalSection(&m->lock);
    /* Back to back: a piece that was waiting while the line was busy goes
     * out when the line became free, even if this thread woke up a little
     * late (timer granularity), or every piece would lose that lateness
     * for good (measured: 4.16 ms pieces at 4 Mbit/s every 5.3-5.5 ms).
     * The line was also busy while this station heard others (a half-duplex
     * air: the secondary's answer takes its air time before our next
     * frame), so the payload never gets more than the line. */
    double start = m->air_free_ms + heard;
    if (start < now - PACE_SLACK_MS)
        start = now;
    double due = start + (double)len * bits * 1000.0 / rate;
    m->air_free_ms = due;
    /* The wait is exact to the microsecond: a sleep rounds up to the
     * timer's millisecond (under Wine 1-2 ms), which on a 20 us FIR answer
     * frame would be most of an IrLAP turn; so the sleep stops PACE_SPIN_MS
     * short and the rest is yielded away. */
    for (;;) {
        now = irmed__now_ms();
        if (now >= due)
            return 1;
        double wait = due - now;
        if (wait <= PACE_SPIN_MS) {
            if (WaitForSingleObject(m->stop_event, 0) == WAIT_OBJECT_0)
                return 0;
            SwitchToThread();
            continue;
        }
        if (WaitForSingleObject(m->stop_event, (DWORD)(wait - PACE_SPIN_MS)) == WAIT_OBJECT_0)
            return 0;
    }
}

/* With line-rate emulation, what this station heard kept the air busy for
 * its air time (receive thread; pace() spends it). */
static void pace_heard(irmed_t *m, size_t len)
{
    double bits;
    EnterCriticalSection(&m->lock);
    uint32_t rate = pace_rate(m, &bits);
    if (rate)
        m->air_heard_ms += (double)len * bits * 1000.0 / rate;
    LeaveCriticalSection(&m->lock);
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
    irmed__turn_init(m);
    m->addr = cfg->device_address ? cfg->device_address : irmed_device_address();
    if (cfg->nickname[0]) {
        memcpy(m->nick, cfg->nickname, sizeof(m->nick));
        m->nick[sizeof(m->nick) - 1] = 0;
    } else {
        irmed_nickname(m->nick, sizeof(m->nick));
    }
    m->baud = m->cfg.baud;
    m->in_range = !cfg->out_of_range;
    air_loss_init(&m->loss, cfg->loss, cfg->loss_bytes, cfg->seed ? cfg->seed : irmed__entropy32() | 1);
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
    free(m->ring_buf);
    if (m->ring_stop) CloseHandle(m->ring_stop);
    if (m->wsa_started) m->ws.p_WSACleanup();
    if (m->com != INVALID_HANDLE_VALUE) CloseHandle(m->com);
    if (m->stop_event) CloseHandle(m->stop_event);
    if (m->tx_event) CloseHandle(m->tx_event);
    if (m->ready_event) CloseHandle(m->ready_event);
    if (m->ack_event) CloseHandle(m->ack_event);
    DeleteCriticalSection(&m->lock);
    DeleteCriticalSection(&m->send_lock);
    irmed__turn_close(m);
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
    free(m->ring_buf);
    if (m->ring_stop) CloseHandle(m->ring_stop);
    if (m->wsa_started)
        m->ws.p_WSACleanup();
    CloseHandle(m->stop_event);
    CloseHandle(m->tx_event);
    CloseHandle(m->ready_event);
    CloseHandle(m->ack_event);
    DeleteCriticalSection(&m->lock);
    DeleteCriticalSection(&m->send_lock);
    irmed__turn_close(m);
    free(m);
}
