/*
 * air.c - the station side of the loopback air: one TCP connection to the
 * hub (irair.exe) on 127.0.0.1:port, through the Winsock the embedding
 * gives (cfg->wsock: inside irdaprov, hostprov's SPI, airsock.c), or else
 * through ws2.dll (irmed_wsock_load); never by calling the host's ws2_32
 * itself.  The receive thread connects (starting the hub when nothing
 * listens), says HELLO, waits for WELCOME, then reads messages until the
 * connection fails, and starts over with a backoff.  See airproto.h.
 */
#include "airkey.h"
#include "medium_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define BACKOFF_MIN_MS   20
#define BACKOFF_MAX_MS   500
#define HUB_RESTART_MS   3000    /* start the hub at most this often, unless
                                    the one started last has been seen up */
#define RXBUF            (2 * (AIR_HDR + AIR_MAX_PAYLOAD))

#define AIR_SEND_TIMEOUT_MS 2000
#define AIR_RECV_TICK_MS 1000

static int stopping(irmed_t *m)
{
    return WaitForSingleObject(m->stop_event, 0) == WAIT_OBJECT_0;
}

/*
 * A send that fails (the hub gone, or not reading for AIR_SEND_TIMEOUT_MS:
 * frozen) may leave half a message on the stream, and a sender may be the
 * station's thread holding its lock: the connection is marked broken and
 * shut down, the receive thread ends the session at its next wake-up (at
 * most AIR_RECV_TICK_MS) and connects again (a frozen hub is a dead air),
 * and no sender waits longer than the timeout.
 */
static int send_all(irmed_t *m, SOCKET s, const uint8_t *p, size_t len)
{
    while (len) {
        int n = m->ws.p_send(s, (const char *)p, (int)len, 0);
        if (n == SOCKET_ERROR || n <= 0) {
            int e = m->ws.p_WSAGetLastError();
            InterlockedExchange(&m->send_broken, 1);
            m->ws.p_shutdown(s, SD_BOTH);
            return e ? e : WSAECONNRESET;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- starting the hub (hubstart.c) and seeing that it serves ------------------ */

#define HUB_SERVE_MS 10000       /* a hub we started that has not served by then never will */

static void start_hub(irmed_t *m)
{
    WCHAR path[MAX_PATH], cmd[MAX_PATH + 400];
    DWORD pid = 0;
    if (m->hub_process)
        return;                 /* the last one is still coming up */
    if (!hub_find(m, path, MAX_PATH))
        return;
    _snwprintf(cmd, sizeof(cmd) / sizeof(WCHAR), L"\"%ls\" --port %u --idle %lu%ls %ls", path,
               (unsigned)m->cfg.air_port, (unsigned long)m->cfg.hub_idle_s,
               m->cfg.air_ring ? L" --path ring" : L" --path hub", m->cfg.hub_args);
    cmd[sizeof(cmd) / sizeof(WCHAR) - 1] = 0;
    HANDLE h = hub_launch(path, cmd, &pid);
    if (!h)
        return;
    EnterCriticalSection(&m->lock);
    m->hub_process = h;
    m->hub_process_id = pid;
    m->st.hub_starts++;
    LeaveCriticalSection(&m->lock);
}

/* The hub we started answered (welcome) or ended: its handle is let go.
 * One that is still there without serving after HUB_SERVE_MS (never came
 * to listen) is ended: a station leaves no process behind that does not
 * serve.  Receive thread only. */
static void watch_hub(irmed_t *m, uint32_t serving_pid)
{
    HANDLE h = m->hub_process;
    if (!h)
        return;
    int done = serving_pid && serving_pid == m->hub_process_id;
    if (!done && WaitForSingleObject(h, 0) == WAIT_OBJECT_0)
        done = 1;               /* it ended (a second hub exits with 3) */
    if (!done && GetTickCount() - m->last_hub_start > HUB_SERVE_MS) {
        TerminateProcess(h, AIR_EXIT_NEVER_SERVED);
        done = 1;
    }
    if (done) {
        EnterCriticalSection(&m->lock);
        m->hub_process = NULL;
        m->hub_process_id = 0;
        LeaveCriticalSection(&m->lock);
        CloseHandle(h);
    }
}

/* ---- the connection --------------------------------------------------------- */

/* Reads at least want bytes into buf[*have..]; 0 or an error. */
static int fill(irmed_t *m, SOCKET s, uint8_t *buf, size_t cap, size_t *have, size_t want)
{
    while (*have < want) {
        int n = m->ws.p_recv(s, (char *)buf + *have, (int)(cap - *have), 0);
        if (n == 0)
            return WSAECONNRESET;
        if (n == SOCKET_ERROR && m->ws.p_WSAGetLastError() == WSAETIMEDOUT) {
            /* the receive tick: a quiet air, unless a sender found it broken */
            if (InterlockedCompareExchange(&m->send_broken, 0, 0) || stopping(m))
                return WSAECONNABORTED;
            continue;
        }
        if (n == SOCKET_ERROR)
            return m->ws.p_WSAGetLastError() ? m->ws.p_WSAGetLastError() : WSAECONNRESET;
        *have += (size_t)n;
    }
    return 0;
}

static SOCKET connect_hub(irmed_t *m, int *err)
{
    SOCKET s = m->ws.p_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) {
        *err = m->ws.p_WSAGetLastError();
        return s;
    }
    EnterCriticalSection(&m->lock);
    m->rx_sock = s;
    LeaveCriticalSection(&m->lock);
    if (stopping(m)) {
        *err = WSAEINTR;
        return s;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = (u_short)((m->cfg.air_port >> 8) | (m->cfg.air_port << 8));
    ((uint8_t *)&sa.sin_addr)[0] = 127;
    ((uint8_t *)&sa.sin_addr)[3] = 1;
    int one = 1;
    DWORD send_timeout = AIR_SEND_TIMEOUT_MS, recv_tick = AIR_RECV_TICK_MS;
    m->ws.p_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
    m->ws.p_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, (const char *)&send_timeout, sizeof(send_timeout));
    m->ws.p_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&recv_tick, sizeof(recv_tick));
    InterlockedExchange(&m->send_broken, 0);
    if (m->ws.p_connect(s, (struct sockaddr *)&sa, sizeof(sa)) == SOCKET_ERROR) {
        *err = m->ws.p_WSAGetLastError();
        return s;
    }
    *err = 0;
    return s;
}

static void drop_socket(irmed_t *m, SOCKET s)
{
    if (s == INVALID_SOCKET)
        return;
    m->ws.p_shutdown(s, SD_BOTH);           /* wakes a sender blocked on it */
    EnterCriticalSection(&m->lock);
    m->sock = INVALID_SOCKET;
    LeaveCriticalSection(&m->lock);
    EnterCriticalSection(&m->send_lock);    /* no sender uses s after this */
    LeaveCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    m->rx_sock = INVALID_SOCKET;
    LeaveCriticalSection(&m->lock);
    m->ws.p_closesocket(s);
}

static int send_range(irmed_t *m, SOCKET s, uint32_t addr, int in_range)
{
    uint8_t msg[AIR_HDR + 5];
    air_header(msg, AIR_RANGE, 5);
    air_put32(msg + AIR_HDR, addr);
    msg[AIR_HDR + 4] = in_range ? 1 : 0;
    return send_all(m, s, msg, sizeof(msg));
}

/* ---- the shared-memory path (airring.h) ------------------------------------ */

/* A piece from the ring: the hub's loss first (it would have applied it
 * relaying), then the station's own (irmed__deliver). */
static void ring_deliver(void *ctx, uint8_t *p, size_t len)
{
    irmed_t *m = ctx;
    struct air_ring_slot *me = &m->ring.sh->slot[m->ring_me];
    size_t kept = air_loss_apply(&m->ring_loss, p, len);
    me->heard += (LONG64)kept;
    me->dropped += (LONG64)(len - kept);
    if (kept)
        irmed__deliver(m, p, kept);
}

/* The ring's receive thread: at most one wake-up per burst a station
 * writes, none while it is still looking (air_ring_wait), and a look
 * every 100 ms, so no wake-up can be missed for good. */
static DWORD WINAPI ring_main(void *arg)
{
    irmed_t *m = arg;
    /* with line-rate emulation the pacing forgives a turn of up to 3 ms and
     * needs the CPU on time: no looking there */
    unsigned spin = m->cfg.rate ? 0 : AIR_RING_SPIN_US;
    for (;;) {
        /* the flag too: a listener that finds data at every look never
         * waits on ring_stop */
        if (InterlockedCompareExchange(&m->ring_quit, 0, 0) ||
            air_ring_wait(&m->ring, m->ring_me, m->ring_cursor, m->ring_stop, 100, spin) ==
            WAIT_OBJECT_0)
            return 0;
        uint64_t lost = air_ring_read(&m->ring, m->ring_me, m->ring_cursor, m->ring_buf,
                                      ring_deliver, m);
        if (lost) {
            m->ring.sh->slot[m->ring_me].dropped += (LONG64)lost;
            EnterCriticalSection(&m->lock);
            m->st.rx_lost += lost;
            LeaveCriticalSection(&m->lock);
        }
    }
}

/* The hub gave slot: open its ring, listen from its heads on. */
static int ring_open(irmed_t *m, int slot, uint32_t owner)
{
    DWORD e;
    if (slot >= AIR_RING_SLOTS)
        return WSAEPROTONOSUPPORT;
    if (!m->ring_buf && !(m->ring_buf = malloc(AIR_MAX_PAYLOAD)))
        return WSAENOBUFS;
    if ((e = air_ring_open(&m->ring, m->cfg.air_port)) != 0)
        return WSAEACCES;
    m->ring_me = slot;
    m->ring_owner = owner;
    air_ring_cursors(&m->ring, m->ring_cursor);
    air_loss_init(&m->ring_loss, 0, 0, 1);
    m->ring_loss.threshold = (uint32_t)m->ring.sh->loss_threshold;
    m->ring_loss.bytes = m->ring.sh->loss_bytes;
    m->ring_loss.state = ((uint32_t)m->ring.sh->loss_seed ^ (uint32_t)(slot + 1) * 0x9E3779B9u) | 1;
    EnterCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    m->ring_up = 1;
    LeaveCriticalSection(&m->lock);
    LeaveCriticalSection(&m->send_lock);
    (void)e;
    return 0;
}

static void ring_start_listening(irmed_t *m)
{
    ResetEvent(m->ring_stop);
    InterlockedExchange(&m->ring_quit, 0);
    m->ring_thread = CreateThread(NULL, 0, ring_main, m, 0, NULL);
}

/* The session ended: the listener stops before IRMED_EV_DOWN, no sender
 * uses the ring after this. */
static void ring_end(irmed_t *m)
{
    if (m->ring_thread) {
        InterlockedExchange(&m->ring_quit, 1);
        SetEvent(m->ring_stop);
        WaitForSingleObject(m->ring_thread, INFINITE);
        CloseHandle(m->ring_thread);
        m->ring_thread = NULL;
    }
    EnterCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    int up = m->ring_up;
    m->ring_up = 0;
    LeaveCriticalSection(&m->lock);
    LeaveCriticalSection(&m->send_lock);
    if (up || m->ring.map)
        air_ring_close(&m->ring);
}

/* One connection's life; returns the error that ended it. */
static int session(irmed_t *m, SOCKET s, uint8_t *buf)
{
    size_t have = 0, nl = strlen(m->nick);
    uint8_t hello[AIR_HDR + 9 + AIR_MAX_NICK];
    int e, sent_range;
    if (nl > AIR_MAX_NICK) nl = AIR_MAX_NICK;

    EnterCriticalSection(&m->lock);
    sent_range = m->in_range;
    LeaveCriticalSection(&m->lock);
    /* the owner check: the hub's CHALLENGE first, answered from its key
     * file (read now, after the hub is up: a stale file was replaced) */
    uint8_t auth[AIR_HDR + AIR_AUTH_LEN];
    if ((e = fill(m, s, buf, RXBUF, &have, AIR_HDR)) != 0 ||
        (e = fill(m, s, buf, RXBUF, &have, AIR_HDR + air_get16(buf + 2))) != 0)
        return e;
    if (buf[0] != AIR_CHALLENGE ||
        air_auth_reply(m->cfg.air_port, buf + AIR_HDR, air_get16(buf + 2), auth) != 0)
        return WSAEACCES;       /* not our hub, or no key to answer with */
    have -= AIR_HDR + air_get16(buf + 2);
    memmove(buf, buf + AIR_HDR + air_get16(buf + 2), have);
    EnterCriticalSection(&m->send_lock);
    e = send_all(m, s, auth, sizeof(auth));
    LeaveCriticalSection(&m->send_lock);
    SecureZeroMemory(auth, sizeof(auth));
    if (e)
        return e;
    air_header(hello, AIR_HELLO, 9 + nl);
    air_put32(hello + AIR_HDR, AIR_MAGIC);
    air_put32(hello + AIR_HDR + 4, m->addr);
    hello[AIR_HDR + 8] = sent_range ? 0 : AIR_HELLO_OUT_OF_RANGE;
    memcpy(hello + AIR_HDR + 9, m->nick, nl);
    if ((e = send_all(m, s, hello, AIR_HDR + 9 + nl)) != 0)
        return e;

    int welcomed = 0;
    for (;;) {
        size_t off = 0;
        while (have - off >= AIR_HDR) {
            size_t len = air_get16(buf + off + 2);
            if (have - off < AIR_HDR + len)
                break;
            uint8_t type = buf[off], *p = buf + off + AIR_HDR;
            if (type == AIR_DATA && welcomed) {
                irmed__deliver(m, p, len);
            } else if (type == AIR_WELCOME && len >= 8 && !welcomed) {
                welcomed = 1;
                uint32_t path = len >= 12 ? air_get32(p + 8) : 0;
                if ((path & AIR_WELCOME_RING) &&
                    (e = ring_open(m, (int)AIR_WELCOME_SLOT(path), air_get32(p + 4))) != 0)
                    return e;       /* cannot follow this hub's path */
                EnterCriticalSection(&m->lock);
                m->st.hub_pid = air_get32(p);
                m->st.station_id = air_get32(p + 4);
                m->st.connects++;
                m->st.up = 1;
                m->sock = s;
                m->hub_seen_since_start = 1;    /* a refusal now means it died */
                int now_range = m->in_range;
                LeaveCriticalSection(&m->lock);
                watch_hub(m, air_get32(p));
                if (now_range != sent_range) {
                    EnterCriticalSection(&m->send_lock);
                    send_range(m, s, 0, now_range);
                    LeaveCriticalSection(&m->send_lock);
                }
                irmed__event(m, IRMED_EV_UP, air_get32(p));  /* before waiters wake */
                if (path & AIR_WELCOME_RING)
                    ring_start_listening(m);    /* after UP: rx never before it */
                SetEvent(m->ready_event);
            } else if (type == AIR_RESULT) {
                SetEvent(m->ack_event);
            }
            off += AIR_HDR + len;
        }
        if (off) {
            memmove(buf, buf + off, have - off);
            have -= off;
        }
        size_t want = have >= AIR_HDR ? AIR_HDR + air_get16(buf + 2) : AIR_HDR;
        if ((e = fill(m, s, buf, RXBUF, &have, want)) != 0)
            return e;
    }
}

static DWORD WINAPI rx_main(void *arg)
{
    irmed_t *m = arg;
    uint8_t *buf = malloc(RXBUF);
    DWORD backoff = BACKOFF_MIN_MS;
    if (!buf)
        return 1;
    while (!stopping(m)) {
        int e;
        SOCKET s = connect_hub(m, &e);
        if (!e && !stopping(m)) {
            e = session(m, s, buf);
            ring_end(m);
            int was_up;
            EnterCriticalSection(&m->lock);
            was_up = m->st.up;
            m->st.up = 0;
            m->st.hub_pid = 0;
            LeaveCriticalSection(&m->lock);
            ResetEvent(m->ready_event);
            drop_socket(m, s);
            if (was_up) {
                backoff = BACKOFF_MIN_MS;
                if (!stopping(m))
                    irmed__event(m, IRMED_EV_DOWN, (uint32_t)e);
                continue;       /* reconnect at once: the hub may still be there */
            }
        } else {
            drop_socket(m, s);
            if (stopping(m))
                break;
            watch_hub(m, 0);
            /* nothing listens: start the hub (not too often; a second hub
             * started by another station in a race just fails to bind).
             * Other errors (WSANOTINITIALISED after the application's last
             * WSACleanup, say) only mean: try again later. */
            DWORD now = GetTickCount();
            if (m->cfg.start_hub && (e == WSAECONNREFUSED || e == WSAETIMEDOUT) &&
                (!m->hub_started_once || m->hub_seen_since_start ||
                 now - m->last_hub_start > HUB_RESTART_MS)) {
                m->hub_started_once = 1;
                m->hub_seen_since_start = 0;
                m->last_hub_start = now;
                start_hub(m);
            }
        }
        if (WaitForSingleObject(m->stop_event, backoff) == WAIT_OBJECT_0)
            break;
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
    }
    free(buf);
    if (m->hub_process) {
        /* still coming up as we leave: it serves whoever comes next, or
         * exits at its idle time (it was created whole: see hubstart.c) */
        CloseHandle(m->hub_process);
        m->hub_process = NULL;
    }
    return 0;
}

DWORD air_start(irmed_t *m)
{
    if (!(m->ring_stop = CreateEventW(NULL, TRUE, FALSE, NULL)))
        return GetLastError();
    if (!(m->txmsg = malloc(AIR_HDR + AIR_MAX_PAYLOAD)) || !(m->directmsg = malloc(AIR_HDR + AIR_MAX_PAYLOAD)))
        return ERROR_NOT_ENOUGH_MEMORY;
    m->rx_thread = CreateThread(NULL, 0, rx_main, m, 0, NULL);
    return m->rx_thread ? 0 : GetLastError();
}

void air_stop(irmed_t *m)
{
    /* stop_event is set: wake the receive thread from recv/connect */
    EnterCriticalSection(&m->lock);
    SOCKET s = m->rx_sock;
    if (s != INVALID_SOCKET)
        m->ws.p_shutdown(s, SD_BOTH);
    LeaveCriticalSection(&m->lock);
}

/* DATA through the ring (caller holds send_lock); -1 when the ring is not the path. */
static int ring_write(irmed_t *m, const uint8_t *const *p, const size_t *len, size_t n)
{
    EnterCriticalSection(&m->lock);
    int up = m->ring_up;
    LeaveCriticalSection(&m->lock);
    if (!up)
        return -1;
    for (size_t i = 0; i < n; i++)
        irmed__turn_out(m, p[i], len[i]);
    return (int)air_ring_write(&m->ring, m->ring_me, m->ring_owner, p, len, n);
}

DWORD air_write_pieces(irmed_t *m, struct txq_item *const *pieces, size_t n)
{
    uint8_t *msg = m->txmsg;     /* only the transmit thread writes DATA */
    size_t len = 0;
    int e;
    if (n <= 64) {
        const uint8_t *p[64];
        size_t l[64];
        for (size_t i = 0; i < n; i++) {
            p[i] = pieces[i]->data;
            l[i] = pieces[i]->len;
        }
        EnterCriticalSection(&m->send_lock);
        e = ring_write(m, p, l, n);
        LeaveCriticalSection(&m->send_lock);
        if (e >= 0)
            return (DWORD)e;
    }
    for (size_t i = 0; i < n; i++) {
        irmed__turn_out(m, pieces[i]->data, pieces[i]->len);
        air_header(msg + len, AIR_DATA, pieces[i]->len);
        memcpy(msg + len + AIR_HDR, pieces[i]->data, pieces[i]->len);
        len += AIR_HDR + pieces[i]->len;
    }
    EnterCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    SOCKET s = m->sock;
    LeaveCriticalSection(&m->lock);
    e = s == INVALID_SOCKET ? WSAENOTCONN : send_all(m, s, msg, len);
    LeaveCriticalSection(&m->send_lock);
    return (DWORD)e;
}

DWORD air_write_direct(irmed_t *m, const uint8_t *p, size_t len)
{
    uint8_t *msg = m->directmsg;
    int r = ring_write(m, &p, &len, 1);
    if (r >= 0)
        return (DWORD)r;
    irmed__turn_out(m, p, len);
    air_header(msg, AIR_DATA, len);
    memcpy(msg + AIR_HDR, p, len);
    EnterCriticalSection(&m->lock);
    SOCKET s = m->sock;
    LeaveCriticalSection(&m->lock);
    return (DWORD)(s == INVALID_SOCKET ? WSAENOTCONN : send_all(m, s, msg, AIR_HDR + len));
}

DWORD air_write(irmed_t *m, const uint8_t *p, size_t len)
{
    uint8_t *msg = m->txmsg;     /* only the transmit thread writes DATA */
    int e;
    EnterCriticalSection(&m->send_lock);
    e = ring_write(m, &p, &len, 1);
    LeaveCriticalSection(&m->send_lock);
    if (e >= 0)
        return (DWORD)e;
    irmed__turn_out(m, p, len);
    air_header(msg, AIR_DATA, len);
    memcpy(msg + AIR_HDR, p, len);
    EnterCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    SOCKET s = m->sock;
    LeaveCriticalSection(&m->lock);
    e = s == INVALID_SOCKET ? WSAENOTCONN : send_all(m, s, msg, AIR_HDR + len);
    LeaveCriticalSection(&m->send_lock);
    return (DWORD)e;
}

DWORD air_set_range(irmed_t *m, int in_range)
{
    int e = 0;
    ResetEvent(m->ack_event);
    EnterCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    SOCKET s = m->sock;
    LeaveCriticalSection(&m->lock);
    if (s != INVALID_SOCKET)
        e = send_range(m, s, 0, in_range);
    LeaveCriticalSection(&m->send_lock);
    if (s == INVALID_SOCKET || e)
        return 0;       /* remembered: told to the next hub in HELLO */
    WaitForSingleObject(m->ack_event, 2000);
    return 0;
}
