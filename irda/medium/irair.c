/*
 * irair.c - the loopback IrDA "air": a hub that relays SIR bytes among the
 * stations of this machine (see airproto.h for the protocol, README.md for
 * the whole medium).  A Windows program, run under Wine; it uses Winsock
 * through ce-winsock's ws2.dll.
 *
 *   irair [--port N] [--idle S] [--loss F] [--loss-mode chunk|byte]
 *         [--seed N] [--log FILE] [--path hub|ring]   run the hub
 *   irair [--port N] status                    print the hub's stations
 *   irair [--port N] range ADDR in|out         move a station in or out of range
 *   irair [--port N] stop                      make the hub exit
 *
 * The hub listens on 127.0.0.1:N (default 6417), relays every DATA chunk a
 * station sends to every OTHER in-range station, in the order received,
 * and exits after S seconds (default 10; 0: never) without stations.  If
 * the port is taken (another hub won a start race) it exits with 3.
 * --loss drops that fraction of the chunks (or bytes) of each delivery,
 * from a seeded generator.  Up to 63 connections (FD_SETSIZE).
 */
#include <cews2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "airkey.h"
#include "airproto.h"
#include "airring.h"
#include "medium.h"

#define MAX_CLIENTS  (FD_SETSIZE - 1)
#define INBUF        (2 * (AIR_HDR + AIR_MAX_PAYLOAD))
#define OUT_MAX      (4u << 20)    /* bytes queued for one client before drops */
#define CONTROL_IDLE_MS 10000      /* a control client says what it wants at once */

struct client {
    SOCKET s;
    int authed;             /* its AUTH answered our CHALLENGE */
    uint8_t nonce[AIR_NONCE_LEN];
    int station;            /* sent HELLO */
    int slot;               /* its place in the ring (--path ring), else -1 */
    uint32_t id, addr;
    int in_range;
    char nick[AIR_MAX_NICK + 1];
    uint8_t *in;
    size_t in_len;
    uint8_t *out;
    size_t out_off, out_len, out_cap;
    uint64_t heard, sent, dropped;
    unsigned long refused;  /* commands a station may not give, ignored */
    DWORD last_rx;          /* GetTickCount() of its last bytes */
    int dead;
};

static struct client *clients[MAX_CLIENTS];
static int nclients;
static uint32_t next_id = 1;
static unsigned short port = AIR_DEFAULT_PORT;
static FILE *logf;
static struct air_loss hub_loss;
static uint8_t hub_key[AIR_KEY_LEN];  /* the owner secret, also in the key file */
static DWORD down_until;            /* GetTickCount() while the air is down (0: up) */
static int ring_path = 1;           /* --path ring (default): DATA through shared memory (airring.h) */
static struct air_ring ring;

static int air_is_down(void)
{
    if (down_until && (LONG)(GetTickCount() - down_until) >= 0)
        down_until = 0;
    return down_until != 0;
}

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
    if (!logf)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(logf, "irair[%lu] ", (unsigned long)GetCurrentProcessId());
    vfprintf(logf, fmt, ap);
    fputc('\n', logf);
    fflush(logf);
    va_end(ap);
}

/*
 * Every client's queue is bounded (OUT_MAX): DATA beyond it is dropped and
 * counted (a station that does not read loses what it would hear, as on a
 * real air), and a client whose own replies no longer fit -- it asks
 * (STATUS...) and never reads -- is dropped: nothing a client sends can
 * make the hub grow without bound.  Returns 1 when queued.
 */
static int queue_out(struct client *c, unsigned type, const uint8_t *p, size_t len)
{
    size_t need = c->out_len - c->out_off + AIR_HDR + len;
    if (c->out_off && (c->out_len + AIR_HDR + len > c->out_cap)) {
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
    }
    if (need > OUT_MAX) {
        if (type != AIR_DATA && !c->dead) {
            c->dead = 1;
            logmsg("client %lu dropped: %lu bytes of replies unread", (unsigned long)c->id,
                   (unsigned long)(c->out_len - c->out_off));
        }
        return 0;
    }
    if (c->out_len + AIR_HDR + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 65536;
        while (cap < c->out_len + AIR_HDR + len)
            cap *= 2;
        uint8_t *n = realloc(c->out, cap);
        if (!n)
            return 0;
        c->out = n;
        c->out_cap = cap;
    }
    air_header(c->out + c->out_len, type, len);
    if (len)
        memcpy(c->out + c->out_len + AIR_HDR, p, len);
    c->out_len += AIR_HDR + len;
    return 1;
}

static void relay(struct client *from, const uint8_t *p, size_t len)
{
    static uint8_t tmp[AIR_MAX_PAYLOAD];
    from->sent += len;
    for (int i = 0; i < nclients; i++) {
        struct client *c = clients[i];
        if (c == from || !c->station || !c->in_range || c->dead)
            continue;
        size_t n = len;
        const uint8_t *q = p;
        if (hub_loss.threshold) {
            memcpy(tmp, p, len);
            n = air_loss_apply(&hub_loss, tmp, len);
            q = tmp;
            c->dropped += len - n;
            if (!n)
                continue;
        }
        if (queue_out(c, AIR_DATA, q, n))
            c->heard += n;
        else
            c->dropped += n;
    }
}

static void status_text(char *buf, size_t cap, size_t *outlen)
{
    size_t n = 0, queued = 0;
    int stations = 0;
    for (int i = 0; i < nclients; i++) {
        stations += clients[i]->station && !clients[i]->dead;
        queued += clients[i]->out_len - clients[i]->out_off;
    }
    n += (size_t)snprintf(buf + n, cap - n,
                          "hub pid=%lu port=%u stations=%d clients=%d queued=%lu path=%s\n",
                          (unsigned long)GetCurrentProcessId(), (unsigned)port, stations, nclients,
                          (unsigned long)queued, ring_path ? "ring" : "hub");
    for (int i = 0; i < nclients && n < cap; i++) {
        struct client *c = clients[i];
        if (!c->station || c->dead)
            continue;
        uint64_t heard = c->heard, sent = c->sent, dropped = c->dropped;
        if (c->slot >= 0) {     /* the ring's counters, kept by the station */
            heard = (uint64_t)ring.sh->slot[c->slot].heard;
            sent = (uint64_t)ring.sh->slot[c->slot].sent;
            dropped = (uint64_t)ring.sh->slot[c->slot].dropped;
        }
        n += (size_t)snprintf(buf + n, cap - n,
                              "id=%lu addr=0x%08lx range=%s rx=%llu tx=%llu drop=%llu queued=%lu nick=%s\n",
                              (unsigned long)c->id, (unsigned long)c->addr,
                              c->in_range ? "in" : "out", (unsigned long long)heard,
                              (unsigned long long)sent, (unsigned long long)dropped,
                              (unsigned long)(c->out_len - c->out_off), c->nick);
    }
    *outlen = n < cap ? n : cap;
}

/* What a station (a connection that said HELLO) may ask: its own range.
 * The air-wide commands (another station's range, STATUS, DOWN, QUIT) are
 * for control clients (irair status/range/down/stop), never for a station,
 * whose stack has no reason to send them. */
static int station_may(const struct client *c, unsigned type, const uint8_t *p, size_t len)
{
    if (type == AIR_DATA || type == AIR_HELLO)
        return 1;
    if (type == AIR_RANGE && len >= 5)
        return air_get32(p) == 0 || air_get32(p) == c->addr;
    return 0;
}

/* A client that failed the owner check hears why, and nothing else: the
 * reason is sent straight (it fits any socket buffer; nothing queued for
 * it is ever sent, since a dead client is not flushed). */
static void refuse(struct client *c, const char *why)
{
    uint8_t m[AIR_HDR + 96];
    size_t n = strlen(why);
    if (n > 96) n = 96;
    air_header(m, AIR_REFUSED, n);
    memcpy(m + AIR_HDR, why, n);
    send(c->s, (const char *)m, (int)(AIR_HDR + n), 0);
    c->dead = 1;
    logmsg("connection refused: %s", why);
}

/* The first message must be AUTH with the keyed answer to our nonce. */
static void authenticate(struct client *c, unsigned type, const uint8_t *p, size_t len)
{
    uint8_t want[AIR_MAC_LEN];
    if (type == AIR_HELLO && len >= 4 && air_get32(p) != AIR_MAGIC) {
        refuse(c, "version: this hub speaks IrA2 (owner check); update the station");
        return;
    }
    if (type != AIR_AUTH || len < AIR_AUTH_LEN) {
        refuse(c, "not authenticated: AUTH must come first");
        return;
    }
    if (air_get32(p) != AIR_MAGIC) {
        refuse(c, "version: this hub speaks IrA2");
        return;
    }
    air_auth_answer(hub_key, c->nonce, want);
    if (!air_mac_equal(want, p + 4, AIR_MAC_LEN)) {
        refuse(c, "wrong key: not the hub's owner");
        return;
    }
    c->authed = 1;
}

/* Handles one message; returns 1 to quit the hub. */
static int handle(struct client *c, unsigned type, const uint8_t *p, size_t len)
{
    uint8_t r[8];
    if (!c->authed) {
        authenticate(c, type, p, len);
        return 0;
    }
    if (c->station && !station_may(c, type, p, len)) {
        c->refused++;
        return 0;
    }
    switch (type) {
    case AIR_DATA:
        if (c->station && c->in_range && len)
            relay(c, p, len);
        break;
    case AIR_HELLO:
        if (len < 9 || air_get32(p) != AIR_MAGIC || c->station || air_is_down()) {
            c->dead = 1;            /* (while the air is down no station gets on) */
            break;
        }
        c->station = 1;
        c->id = next_id++;
        c->addr = air_get32(p + 4);
        c->in_range = !(p[8] & AIR_HELLO_OUT_OF_RANGE);
        size_t nl = len - 9 > AIR_MAX_NICK ? AIR_MAX_NICK : len - 9;
        memcpy(c->nick, p + 9, nl);
        c->nick[nl] = 0;
        for (size_t i = 0; i < nl; i++)
            if ((unsigned char)c->nick[i] < 0x20) c->nick[i] = '?';
        uint8_t w[12];
        uint32_t path = 0;
        if (ring_path) {
            for (int k = 0; k < AIR_RING_SLOTS && c->slot < 0; k++) {
                int taken = 0;
                for (int j = 0; j < nclients; j++)
                    taken |= clients[j]->slot == k;
                if (!taken)
                    c->slot = k;
            }
            if (c->slot < 0) {
                logmsg("station refused: the ring's %d places are taken", AIR_RING_SLOTS);
                c->dead = 1;
                break;
            }
            struct air_ring_slot *sl = &ring.sh->slot[c->slot];
            sl->heard = sl->sent = sl->dropped = 0;
            sl->addr = (LONG)c->addr;
            sl->owner = (LONG)c->id;
            sl->in_range = c->in_range;
            MemoryBarrier();
            sl->active = 1;
            path = AIR_WELCOME_RING | (uint32_t)c->slot << 8;
        }
        air_put32(w, GetCurrentProcessId());
        air_put32(w + 4, c->id);
        air_put32(w + 8, path);
        queue_out(c, AIR_WELCOME, w, 12);
        logmsg("station %lu addr 0x%08lx '%s' %s", (unsigned long)c->id, (unsigned long)c->addr,
               c->nick, c->in_range ? "in range" : "out of range");
        break;
    case AIR_RANGE: {
        if (len < 5)
            break;
        uint32_t addr = air_get32(p), count = 0;
        for (int i = 0; i < nclients; i++) {
            struct client *t = clients[i];
            if (!t->station || t->dead)
                continue;
            /* a station moves itself only, whatever address it names: one
             * claiming another's address must not move that one too */
            if (c->station ? t == c : addr ? t->addr == addr : t == c) {
                t->in_range = p[4] != 0;
                if (t->slot >= 0)
                    ring.sh->slot[t->slot].in_range = t->in_range;
                count++;
                logmsg("station %lu addr 0x%08lx %s", (unsigned long)t->id,
                       (unsigned long)t->addr, t->in_range ? "in range" : "out of range");
            }
        }
        air_put32(r, count);
        queue_out(c, AIR_RESULT, r, 4);
        break;
    }
    case AIR_STATUS: {
        static char text[AIR_MAX_PAYLOAD];
        size_t n;
        status_text(text, sizeof(text), &n);
        queue_out(c, AIR_STATUS_TEXT, (const uint8_t *)text, n);
        break;
    }
    case AIR_DOWN: {
        uint32_t ms = len >= 4 ? air_get32(p) : 0, count = 0;
        for (int i = 0; i < nclients; i++)
            if (clients[i]->station && !clients[i]->dead) {
                clients[i]->dead = 1;
                count++;
            }
        down_until = GetTickCount() + (ms ? ms : 1);
        logmsg("air down for %lu ms: %lu station(s) dropped", (unsigned long)ms, (unsigned long)count);
        air_put32(r, count);
        queue_out(c, AIR_RESULT, r, 4);
        break;
    }
    case AIR_QUIT:
        air_put32(r, 0);
        queue_out(c, AIR_RESULT, r, 4);
        logmsg("quit requested");
        return 1;
    default:
        break;      /* unknown: ignored */
    }
    return 0;
}

static void flush_client(struct client *c)
{
    while (c->out_off < c->out_len) {
        int n = send(c->s, (const char *)c->out + c->out_off, (int)(c->out_len - c->out_off), 0);
        if (n == SOCKET_ERROR) {
            if (WSAGetLastError() != WSAEWOULDBLOCK)
                c->dead = 1;
            return;
        }
        c->out_off += (size_t)n;
    }
    c->out_off = c->out_len = 0;
}

/* Reads what is there and handles complete messages; returns 1 to quit. */
static int read_client(struct client *c)
{
    int n = recv(c->s, (char *)c->in + c->in_len, (int)(INBUF - c->in_len), 0);
    if (n == 0 || (n == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK)) {
        c->dead = 1;
        return 0;
    }
    if (n == SOCKET_ERROR)
        return 0;
    c->last_rx = GetTickCount();
    c->in_len += (size_t)n;
    size_t off = 0;
    int quit = 0;
    while (c->in_len - off >= AIR_HDR) {
        size_t len = air_get16(c->in + off + 2);
        if (c->in_len - off < AIR_HDR + len)
            break;
        quit |= handle(c, c->in[off], c->in + off + AIR_HDR, len);
        off += AIR_HDR + len;
        if (c->dead)
            break;
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return quit;
}

static void remove_dead(void)
{
    for (int i = 0; i < nclients;) {
        struct client *c = clients[i];
        if (!c->dead) {
            i++;
            continue;
        }
        if (c->station)
            logmsg("station %lu addr 0x%08lx left", (unsigned long)c->id, (unsigned long)c->addr);
        if (c->slot >= 0)
            ring.sh->slot[c->slot].active = 0;  /* nobody wakes it, its place is free */
        closesocket(c->s);
        free(c->in);
        free(c->out);
        free(c);
        clients[i] = clients[--nclients];
    }
}

/* Wine's ntdll exports wine_get_version; Windows' does not. */
static int running_under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/*
 * The option that keeps the port to ONE hub, which differs by host because
 * SO_REUSEADDR means different things on each:
 *
 * - Windows: SO_REUSEADDR lets a second socket bind, and listen, on a port
 *   another one already listens on; two hubs started in a race would both
 *   run and the stations would split between them.  SO_EXCLUSIVEADDRUSE
 *   makes the second bind fail (the loser exits 3).  Windows needs no
 *   option to bind over connections of a killed hub left in TIME_WAIT
 *   (what SO_REUSEADDR is for on Linux).
 * - Wine: SO_REUSEADDR, which the hub has always run with there: Wine
 *   binds the Linux socket, and on Linux SO_REUSEADDR only lets a new
 *   listener bind over TIME_WAIT connections; two listeners still conflict
 *   (Wine 8, measured: the second bind fails with WSAEACCES).  Wine 8 also
 *   honours SO_EXCLUSIVEADDRUSE, but the hub keeps what was tested there.
 */
static int exclusive_bind_option(const char **name)
{
    if (running_under_wine()) {
        *name = "SO_REUSEADDR (Wine)";
        return SO_REUSEADDR;
    }
    *name = "SO_EXCLUSIVEADDRUSE (Windows)";
    return SO_EXCLUSIVEADDRUSE;
}

static int run_hub(unsigned idle_s)
{
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (l == INVALID_SOCKET)
        return AIR_EXIT_WINSOCK;
    const char *bind_option_name;
    int bind_option = exclusive_bind_option(&bind_option_name);
    int one = 1;
    if (setsockopt(l, SOL_SOCKET, bind_option, (const char *)&one, sizeof(one)) == SOCKET_ERROR)
        logmsg("setting %s failed (error %d); binding without it", bind_option_name, WSAGetLastError());
    struct sockaddr_storage ss;
    struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
    memset(&ss, 0, sizeof(ss));
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(l, (struct sockaddr *)sa, sizeof(*sa)) == SOCKET_ERROR || listen(l, 16) == SOCKET_ERROR) {
        logmsg("port %u busy (error %d): another hub runs; exiting", (unsigned)port, WSAGetLastError());
        closesocket(l);
        return AIR_EXIT_PORT_BUSY;
    }
    u_long nb = 1;
    ioctlsocket(l, FIONBIO, &nb);
    /* the key, once the port is ours (a hub that lost the race never
     * writes it) and before anyone is accepted (whoever got a CHALLENGE
     * reads this key, not a stale one) */
    DWORD ke = air_key_create(port, hub_key);
    if (ke) {
        logmsg("cannot write the key file (error %lu): exiting", (unsigned long)ke);
        closesocket(l);
        return AIR_EXIT_KEY;
    }
    if (ring_path && (ke = air_ring_create(&ring, hub_key, port, &hub_loss)) != 0) {
        logmsg("cannot create the ring (error %lu): DATA through the hub", (unsigned long)ke);
        ring_path = 0;
    }
    logmsg("listening on 127.0.0.1:%u with %s (idle exit %us, path %s)", (unsigned)port,
           bind_option_name, idle_s, ring_path ? "ring" : "hub");

    DWORD idle_since = GetTickCount();
    for (;;) {
        fd_set rd, wr;
        FD_ZERO(&rd);
        FD_ZERO(&wr);
        FD_SET(l, &rd);
        int stations = 0;
        for (int i = 0; i < nclients; i++) {
            FD_SET(clients[i]->s, &rd);
            if (clients[i]->out_len > clients[i]->out_off)
                FD_SET(clients[i]->s, &wr);
            stations += clients[i]->station;
        }
        if (stations || air_is_down())      /* a downed air is not an idle one */
            idle_since = GetTickCount();
        else if (idle_s && GetTickCount() - idle_since >= idle_s * 1000u) {
            logmsg("no stations for %us: exiting", idle_s);
            break;
        }
        struct timeval tv = { 0, 250000 };
        int r = select(0, &rd, wr.fd_count ? &wr : NULL, NULL, &tv);
        if (r == SOCKET_ERROR) {
            logmsg("select failed: %d", WSAGetLastError());
            Sleep(50);
            continue;
        }
        int quit = 0;
        if (FD_ISSET(l, &rd)) {
            for (;;) {
                SOCKET s = accept(l, NULL, NULL);
                if (s == INVALID_SOCKET)
                    break;
                struct client *c = nclients < MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
                if (c && !(c->in = malloc(INBUF))) {
                    free(c);
                    c = NULL;
                }
                if (!c) {
                    closesocket(s);
                    logmsg("connection refused: too many");
                    continue;
                }
                ioctlsocket(s, FIONBIO, &nb);
                setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
                c->s = s;
                c->slot = -1;
                c->in_range = 1;
                c->last_rx = GetTickCount();
                uint8_t chal[AIR_CHALLENGE_LEN];
                air_put32(chal, AIR_MAGIC);
                if (air_random(c->nonce, AIR_NONCE_LEN)) {
                    closesocket(s);
                    free(c->in);
                    free(c);
                    logmsg("connection refused: no random nonce");
                    continue;
                }
                memcpy(chal + 4, c->nonce, AIR_NONCE_LEN);
                queue_out(c, AIR_CHALLENGE, chal, sizeof(chal));
                clients[nclients++] = c;
            }
        }
        /* in the order of the client table: each reader's chunks are
         * queued to the others before the next reader's */
        for (int i = 0; i < nclients; i++)
            if (!clients[i]->dead && FD_ISSET(clients[i]->s, &rd))
                quit |= read_client(clients[i]);
        for (int i = 0; i < nclients; i++)
            if (!clients[i]->dead && clients[i]->out_len > clients[i]->out_off)
                flush_client(clients[i]);
        /* a connection that is neither a station nor asking anything only
         * holds one of the 63 places */
        for (int i = 0; i < nclients; i++)
            if (!clients[i]->station && GetTickCount() - clients[i]->last_rx > CONTROL_IDLE_MS)
                clients[i]->dead = 1;
        remove_dead();
        if (quit) {
            /* give the RESULT a moment to leave */
            for (int i = 0; i < nclients; i++)
                flush_client(clients[i]);
            break;
        }
    }
    for (int i = 0; i < nclients; i++)
        clients[i]->dead = 1;
    remove_dead();
    air_key_remove(port);       /* before the port is free for the next hub */
    if (ring_path)
        air_ring_close(&ring);
    SecureZeroMemory(hub_key, sizeof(hub_key));
    closesocket(l);
    return AIR_EXIT_OK;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: irair [--port N] [--idle S] [--loss F] [--loss-mode chunk|byte] [--seed N] [--log FILE]\n"
            "             [--path hub|ring]   (ring: DATA through shared memory, see airring.h)\n"
            "       irair [--port N] status | range ADDR in|out | down MS | stop\n"
            "The hub writes a new key to %%LOCALAPPDATA%%\\ce-winsock\\irair-<port>.key, readable\n"
            "only by the owning user (protected DACL, this user alone), and removes it at exit;\n"
            "stations and the commands above answer the hub's challenge with it.\n"
            "Exit codes: 0 idle timeout or stop; 1 command failed (no hub, or refused: not\n"
            "its owner); 2 usage; 3 port taken by another hub; 4 Winsock; 5 never came to\n"
            "listen (ended by its station); 6 the key file could not be written.\n");
    return AIR_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    unsigned idle_s = 10;
    double loss = 0;
    int loss_bytes = 0;
    uint32_t seed = 0;
    int i;
    for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {     /* an option and its value */
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        }
        if (!v)
            return usage();
        if (!strcmp(a, "--port")) port = (unsigned short)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--idle")) idle_s = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--loss")) loss = strtod(v, NULL);
        else if (!strcmp(a, "--loss-mode")) loss_bytes = !strcmp(v, "byte");
        else if (!strcmp(a, "--seed")) seed = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--log")) logf = fopen(v, "a");
        else if (!strcmp(a, "--path") && (!strcmp(v, "ring") || !strcmp(v, "hub")))
            ring_path = !strcmp(v, "ring");
        else return usage();
    }
    if (!port)
        return usage();
    WSADATA wd;
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return AIR_EXIT_WINSOCK;
    int rc;
    if (i < argc) {
        /* control client commands */
        struct irmed_wsock w = {
            WSAStartup, WSACleanup, WSAGetLastError, socket, connect, send, recv,
            closesocket, setsockopt, shutdown,
        };
        DWORD e;
        if (!strcmp(argv[i], "status") && i + 1 == argc) {
            static char text[AIR_MAX_PAYLOAD + 1];
            e = irmed_air_status(&w, port, text, sizeof(text));
            if (!e) fputs(text, stdout);
        } else if (!strcmp(argv[i], "range") && i + 3 == argc &&
                   (!strcmp(argv[i + 2], "in") || !strcmp(argv[i + 2], "out"))) {
            uint32_t changed = 0;
            e = irmed_air_range(&w, port, (uint32_t)strtoul(argv[i + 1], NULL, 0),
                                !strcmp(argv[i + 2], "in"), &changed);
            if (!e) printf("%lu station(s) changed\n", (unsigned long)changed);
        } else if (!strcmp(argv[i], "down") && i + 2 == argc) {
            uint32_t dropped = 0;
            e = irmed_air_down(&w, port, (uint32_t)strtoul(argv[i + 1], NULL, 0), &dropped);
            if (!e) printf("%lu station(s) dropped\n", (unsigned long)dropped);
        } else if (!strcmp(argv[i], "stop") && i + 1 == argc) {
            e = irmed_air_quit(&w, port);
        } else {
            WSACleanup();
            return usage();
        }
        if (e)
            fprintf(stderr, "irair: no hub on port %u (error %lu)\n", (unsigned)port, (unsigned long)e);
        rc = e ? 1 : 0;
    } else {
        air_loss_init(&hub_loss, loss, loss_bytes, seed ? seed : (uint32_t)time(NULL) | 1);
        rc = run_hub(idle_s);
    }
    WSACleanup();
    if (logf)
        fclose(logf);
    return rc;
}
