/*
 * test_air_owner.c - the air hub's owner check seen from outside (issue 14
 * s.3): two real stations (this program and a child station, irda_peer.c)
 * move data over AF_IRDA through the hub irair.exe while raw TCP clients
 * that lack the hub's key connect to its port.  Checked:
 *   - a client without the key, one with a wrong key, one that replays
 *     another connection's answer and one with the wrong magic get REFUSED
 *     and the connection closed, and hear nothing else (no WELCOME, no
 *     DATA of the stations' transfer) -- nor does a client that only
 *     listens after the CHALLENGE;
 *   - QUIT, DOWN and RANGE from unauthenticated clients change nothing:
 *     the same hub (pid) serves both stations, in range, and carries data;
 *   - a station with the key that claims the child's address moves only
 *     itself out of range, never the real child;
 *   - an authenticated client that floods 200,000 STATUS requests without
 *     reading is cut off, the hub's memory (GetProcessMemoryInfo on the
 *     irair.exe process) stays under a bound, and a transfer between the
 *     stations running meanwhile arrives intact;
 *   - the key file grants only this user (a protected DACL, one ACE).
 * The hub is the one the stations start on the run's private air port.
 */
#include "irda_peer.h"

#include <aclapi.h>
#include <psapi.h>
#include <sddl.h>
#include <stdlib.h>
#include <string.h>

#include "airkey.h"
#include "airproto.h"
#include "medium.h"

#define XFER_BYTES   (256u * 1024)      /* each way, per check transfer */
#define FLOOD_COUNT  200000u            /* STATUS requests of the flooder */
#define FLOOD_BOUND  (16u << 20)        /* hub growth allowed by the flood */

/* ---- raw clients of the hub ---------------------------------------------- */

static SOCKET hub_connect(void)
{
    struct sockaddr_in a = tu_loopback4(air_port);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        fail_msg("socket(AF_INET): %d", WSAGetLastError());
    if (connect(s, (struct sockaddr *)&a, sizeof(a)) == SOCKET_ERROR)
        fail_msg("connect to the hub on 127.0.0.1:%u: %d", (unsigned)air_port, WSAGetLastError());
    return s;
}

/* Waits up to ms for s to be readable: 1 readable (data or end), 0 not. */
static int readable(SOCKET s, DWORD ms)
{
    fd_set r;
    FD_ZERO(&r);
    FD_SET(s, &r);
    struct timeval tv = { (long)(ms / 1000), (long)(ms % 1000) * 1000 };
    return select(0, &r, NULL, NULL, &tv) == 1;
}

/* Exactly len bytes within ms: 0, 1 the connection ended, -1 timed out. */
static int read_exact(SOCKET s, uint8_t *p, size_t len, DWORD ms)
{
    double end = tu_now_ms() + ms;
    size_t got = 0;
    while (got < len) {
        double left = end - tu_now_ms();
        if (left <= 0 || !readable(s, (DWORD)left))
            return -1;
        int n = recv(s, (char *)p + got, (int)(len - got), 0);
        if (n <= 0)
            return 1;
        got += (size_t)n;
    }
    return 0;
}

/* One hub message: 0 (type, payload in p[0..*len)), 1 ended, -1 timeout. */
static int read_msg(SOCKET s, uint8_t *type, uint8_t *p, size_t cap, size_t *len, DWORD ms)
{
    uint8_t h[AIR_HDR];
    int r = read_exact(s, h, AIR_HDR, ms);
    if (r)
        return r;
    size_t n = air_get16(h + 2);
    if (n > cap)
        fail_msg("hub message type 0x%02x of %u bytes: more than expected", h[0], (unsigned)n);
    if ((r = read_exact(s, p, n, ms)) != 0)
        return r;
    *type = h[0];
    *len = n;
    return 0;
}

/* The CHALLENGE every connection gets first; its nonce into nonce. */
static void expect_challenge(SOCKET s, uint8_t nonce[AIR_NONCE_LEN])
{
    uint8_t p[256], t = 0;
    size_t n = 0;
    assert_int_equal(read_msg(s, &t, p, sizeof(p), &n, 5000), 0);
    assert_int_equal(t, AIR_CHALLENGE);
    assert_int_equal(n, AIR_CHALLENGE_LEN);
    assert_int_equal(air_get32(p), AIR_MAGIC);
    memcpy(nonce, p + 4, AIR_NONCE_LEN);
}

/*
 * After a refused first message: the hub says REFUSED (its text starting
 * with why), then closes; any other message (WELCOME, DATA, RESULT,
 * STATUS_TEXT) is a failure.  Reads until the end, for up to ms.
 */
static void expect_refused(SOCKET s, const char *who, const char *why, DWORD ms)
{
    uint8_t p[AIR_MAX_PAYLOAD], t = 0;
    size_t n = 0;
    int refused = 0, others = 0, r;
    char text[128] = "";
    double end = tu_now_ms() + ms;
    while ((r = read_msg(s, &t, p, sizeof(p), &n, (DWORD)(end > tu_now_ms() ? end - tu_now_ms() : 0))) == 0) {
        if (t == AIR_REFUSED && !refused) {
            refused = 1;
            snprintf(text, sizeof(text), "%.*s", (int)n, (const char *)p);
        } else {
            others++;
            print_message("%s: heard message type 0x%02x (%u bytes) it must not\n", who, t, (unsigned)n);
        }
    }
    print_message("%s: REFUSED \"%s\", then %s; %d other message(s)\n", who, text,
                  r == 1 ? "closed" : "still open", others);
    assert_int_equal(others, 0);
    assert_true(refused);
    assert_int_equal(strncmp(text, why, strlen(why)), 0);
    assert_int_equal(r, 1);                     /* the hub closed it */
}

static size_t put_msg(uint8_t *m, unsigned type, const void *p, size_t len)
{
    air_header(m, type, len);
    if (len)
        memcpy(m + AIR_HDR, p, len);
    return AIR_HDR + len;
}

/* A HELLO as a station sends it, for address addr. */
static size_t put_hello(uint8_t *m, uint32_t addr, const char *nick)
{
    uint8_t p[9 + AIR_MAX_NICK];
    air_put32(p, AIR_MAGIC);
    air_put32(p + 4, addr);
    p[8] = 0;
    size_t nl = strlen(nick);
    memcpy(p + 9, nick, nl);
    return put_msg(m, AIR_HELLO, p, 9 + nl);
}

/* An AUTH of magic over nonce with key. */
static size_t put_auth(uint8_t *m, uint32_t magic, const uint8_t key[AIR_KEY_LEN], const uint8_t *nonce)
{
    uint8_t p[AIR_AUTH_LEN];
    air_put32(p, magic);
    air_auth_answer(key, nonce, p + 4);
    return put_msg(m, AIR_AUTH, p, sizeof(p));
}

/* The hub's key, read as a station of this user does. */
static void hub_key(uint8_t key[AIR_KEY_LEN])
{
    DWORD e = air_key_read(air_port, key);
    if (e)
        fail_msg("reading the hub's key file: error %lu", (unsigned long)e);
}

/* ---- the hub's state, asked by an authenticated control call ------------- */

static char status[8192];

static void hub_status(void)
{
    DWORD e = irmed_air_status(NULL, air_port, status, sizeof(status));
    if (e)
        fail_msg("irmed_air_status: %lu", (unsigned long)e);
    tu_log("hub status:\n%s", status);
}

static unsigned long status_number(const char *key)
{
    const char *p = strstr(status, key);
    return p ? strtoul(p + strlen(key), NULL, 10) : (unsigned long)-1;
}

/* Both stations on the air, in range, and nothing else said HELLO. */
static void expect_two_stations_in_range(void)
{
    char line[64];
    hub_status();
    assert_int_equal(status_number("stations="), 2);
    snprintf(line, sizeof(line), "addr=0x%08lx range=in", parent_addr);
    assert_non_null(strstr(status, line));
    snprintf(line, sizeof(line), "addr=0x%08lx range=in", child_addr);
    assert_non_null(strstr(status, line));
}

/* ---- the stations' transfer ----------------------------------------------- */

/* XFER_BYTES both ways with the child ('X'), every byte checked on both
 * sides: 0, or a description of what went wrong in why.  No cmocka
 * asserts: it also runs beside the flood, in a thread. */
struct xfer { int err; char why[128]; double ms; };

static DWORD WINAPI xfer_thread(void *arg)
{
    struct xfer *x = arg;
    SOCKADDR_IRDA a;
    double t0 = tu_now_ms();
    x->err = 1;
    SOCKET s = irda_socket();
    if (s == INVALID_SOCKET || connect(s, (struct sockaddr *)&a, irda_addr(&a, child_id, SVC_TEST))) {
        snprintf(x->why, sizeof(x->why), "connect to the child: %d", WSAGetLastError());
        if (s != INVALID_SOCKET) closesocket(s);
        return 0;
    }
    struct xsend snd = { s, XFER_BYTES, 0, 0 };
    unsigned long long bad = 0;
    unsigned char v[VERDICT_LEN];
    if (send_cmd(s, 'X', 0, XFER_BYTES, 0, 0)) {
        snprintf(x->why, sizeof(x->why), "command: %d", WSAGetLastError());
        closesocket(s);
        return 0;
    }
    HANDLE t = CreateThread(NULL, 0, xsend_thread, &snd, 0, NULL);
    int r = recv_data(s, XFER_BYTES, 0, &bad, "parent");
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    if (r)
        snprintf(x->why, sizeof(x->why), "receiving the child's bytes: %d at %llu", r, bad);
    else if (snd.err)
        snprintf(x->why, sizeof(x->why), "sending: %d", snd.err);
    else if (tu_recv_all(s, v, sizeof(v)))
        snprintf(x->why, sizeof(x->why), "no verdict from the child");
    else if (v[1])
        snprintf(x->why, sizeof(x->why), "the child got a bad stream at byte %lu", get32(v + 4));
    else
        x->err = 0;
    closesocket(s);
    x->ms = tu_now_ms() - t0;
    return 0;
}

static void transfer(const char *when)
{
    struct xfer x;
    memset(&x, 0, sizeof(x));
    wd_arm(120, "transfer %s", when);
    xfer_thread(&x);
    wd_off();
    if (x.err)
        fail_msg("transfer %s: %s", when, x.why);
    print_message("transfer %s: %u KiB each way intact in %.0f ms\n", when, XFER_BYTES / 1024, x.ms);
}

/* ---- tests ------------------------------------------------------------------- */

/*
 * Clients without the key: one says HELLO claiming the child's address,
 * one sends DATA, one only listens after the CHALLENGE.  The stations
 * transfer meanwhile; the first two are REFUSED and closed having heard
 * nothing else, the listener hears not one byte, and the hub still has
 * exactly the two real stations.
 */
static void no_key_refused_hears_nothing(void **state)
{
    (void)state;
    need_child();
    uint8_t m[256], nonce[AIR_NONCE_LEN];
    transfer("before");
    SOCKET thief = hub_connect(), injector = hub_connect(), listener = hub_connect();
    expect_challenge(thief, nonce);
    expect_challenge(injector, nonce);
    expect_challenge(listener, nonce);
    assert_int_equal(tu_send_all(thief, m, put_hello(m, child_addr, "thief")), 0);
    static const uint8_t snrm[] = { 0xC0, 0xFF, 0x93, 0xC1 };      /* bytes as a station puts them */
    assert_int_equal(tu_send_all(injector, m, put_msg(m, AIR_DATA, snrm, sizeof(snrm))), 0);

    transfer("while clients without the key are connected");
    expect_refused(thief, "HELLO without AUTH", "not authenticated", 5000);
    expect_refused(injector, "DATA without AUTH", "not authenticated", 5000);
    char b[256];
    int n = readable(listener, 200) ? recv(listener, b, sizeof(b), 0) : -2;
    print_message("silent client after the transfer: %s\n",
                  n == -2 ? "nothing to read" : n == 0 ? "closed" : n > 0 ? "GOT BYTES" : "error");
    assert_true(n <= 0);
    closesocket(thief);
    closesocket(injector);
    closesocket(listener);
    expect_two_stations_in_range();
    assert_null(strstr(status, "nick=thief"));
}

/*
 * Wrong answers: an AUTH made with another key, another connection's
 * correct AUTH replayed (the nonce is new on every connection), and the
 * right key under the old magic.  Each is REFUSED and closed, and the HELLO
 * sent behind it is never answered.
 */
static void wrong_key_refused(void **state)
{
    (void)state;
    need_child();
    uint8_t key[AIR_KEY_LEN], wrong[AIR_KEY_LEN], m[512], nonce[AIR_NONCE_LEN], n2[AIR_NONCE_LEN];
    size_t ml;
    hub_key(key);
    memcpy(wrong, key, sizeof(wrong));
    wrong[7] ^= 0x01;                           /* one bit away from the real key */

    SOCKET s = hub_connect();
    expect_challenge(s, nonce);
    ml = put_auth(m, AIR_MAGIC, wrong, nonce);
    ml += put_hello(m + ml, 0x5E0000EEu, "wrongkey");
    assert_int_equal(tu_send_all(s, m, ml), 0);
    expect_refused(s, "AUTH with a wrong key", "wrong key", 5000);
    closesocket(s);

    /* a replay: the answer to connection 1's nonce, on connection 2 */
    SOCKET s1 = hub_connect(), s2 = hub_connect();
    expect_challenge(s1, nonce);
    expect_challenge(s2, n2);
    ml = put_auth(m, AIR_MAGIC, key, nonce);
    ml += put_hello(m + ml, 0x5E0000EFu, "replay");
    assert_int_equal(tu_send_all(s2, m, ml), 0);
    expect_refused(s2, "AUTH replayed from another connection", "wrong key", 5000);
    assert_memory_not_equal(nonce, n2, AIR_NONCE_LEN);
    closesocket(s1);
    closesocket(s2);

    s = hub_connect();
    expect_challenge(s, nonce);
    ml = put_auth(m, 0x49724131u, key, nonce);          /* 'IrA1' */
    ml += put_hello(m + ml, 0x5E0000F0u, "oldmagic");
    assert_int_equal(tu_send_all(s, m, ml), 0);
    expect_refused(s, "AUTH with magic IrA1", "version", 5000);
    closesocket(s);

    /* the right answer is accepted (so the refusals above are the key's) */
    s = hub_connect();
    expect_challenge(s, nonce);
    ml = put_auth(m, AIR_MAGIC, key, nonce);
    ml += put_msg(m + ml, AIR_STATUS, NULL, 0);
    assert_int_equal(tu_send_all(s, m, ml), 0);
    uint8_t t = 0, p[AIR_MAX_PAYLOAD];
    size_t n = 0;
    assert_int_equal(read_msg(s, &t, p, sizeof(p), &n, 5000), 0);
    assert_int_equal(t, AIR_STATUS_TEXT);
    closesocket(s);

    expect_two_stations_in_range();
    transfer("after the wrong keys");
}

/*
 * QUIT, DOWN, RANGE (the child out, by address; the sender itself) and
 * STATUS as first messages, each on its own connection, and all of them
 * pipelined on one more: every one REFUSED with no RESULT or STATUS_TEXT;
 * the same hub (its pid) then still serves both stations, in range.
 */
static void no_key_orders_ignored(void **state)
{
    (void)state;
    need_child();
    uint8_t m[256], p[8], nonce[AIR_NONCE_LEN];
    size_t ml = 0;
    hub_status();
    unsigned long pid = status_number("hub pid=");

    struct { const char *what; unsigned type; size_t len; uint32_t a; uint8_t b; } orders[] = {
        { "RANGE child out", AIR_RANGE, 5, (uint32_t)child_addr, 0 },
        { "RANGE self out",  AIR_RANGE, 5, 0, 0 },
        { "DOWN 20 s",       AIR_DOWN,  4, 20000, 0 },
        { "STATUS",          AIR_STATUS, 0, 0, 0 },
        { "QUIT",            AIR_QUIT,  0, 0, 0 },
    };
    SOCKET all = hub_connect();
    expect_challenge(all, nonce);
    for (size_t i = 0; i < ARRAYSIZE(orders); i++) {
        SOCKET s = hub_connect();
        expect_challenge(s, nonce);
        air_put32(p, orders[i].a);
        p[4] = orders[i].b;
        size_t one = put_msg(m, orders[i].type, p, orders[i].len);
        assert_int_equal(tu_send_all(s, m, one), 0);
        expect_refused(s, orders[i].what, "not authenticated", 5000);
        closesocket(s);
    }
    for (size_t i = 0; i < ARRAYSIZE(orders); i++) {
        air_put32(p, orders[i].a);
        p[4] = orders[i].b;
        ml += put_msg(m + ml, orders[i].type, p, orders[i].len);
    }
    assert_int_equal(tu_send_all(all, m, ml), 0);
    expect_refused(all, "all orders pipelined", "not authenticated", 5000);
    closesocket(all);

    Sleep(300);
    expect_two_stations_in_range();
    print_message("hub pid before %lu, after %lu\n", pid, status_number("hub pid="));
    assert_int_equal(status_number("hub pid="), pid);
    transfer("after the refused orders");
}

/*
 * A station WITH the key (any process of the hub's user can read it) that
 * claims the child's address and sends RANGE for that address, out: only
 * the claimer moves (RESULT 1), the real child stays in range and the
 * stations still transfer.  (Before: every station with the address moved,
 * so a claimer cut the real one off.)
 */
static void claimed_address_moves_only_itself(void **state)
{
    (void)state;
    need_child();
    uint8_t key[AIR_KEY_LEN], m[512], nonce[AIR_NONCE_LEN], p[AIR_MAX_PAYLOAD], t = 0;
    size_t ml, n = 0;
    hub_key(key);
    SOCKET s = hub_connect();
    expect_challenge(s, nonce);
    ml = put_auth(m, AIR_MAGIC, key, nonce);
    ml += put_hello(m + ml, (uint32_t)child_addr, "claimer");
    uint8_t order[5];
    air_put32(order, (uint32_t)child_addr);
    order[4] = 0;
    ml += put_msg(m + ml, AIR_RANGE, order, sizeof(order));
    assert_int_equal(tu_send_all(s, m, ml), 0);
    uint32_t count = (uint32_t)-1;
    int welcomed = 0;
    while (read_msg(s, &t, p, sizeof(p), &n, 5000) == 0) {
        if (t == AIR_WELCOME) welcomed = 1;
        if (t == AIR_RESULT && n == 4) { count = air_get32(p); break; }
    }
    print_message("claimer of 0x%08lx: %s, RANGE out changed %lu station(s)\n", child_addr,
                  welcomed ? "welcomed" : "NOT welcomed", (unsigned long)count);
    assert_true(welcomed);
    assert_int_equal(count, 1);
    hub_status();
    char line[64];
    snprintf(line, sizeof(line), "addr=0x%08lx range=in", child_addr);
    assert_non_null(strstr(status, line));          /* the real child */
    snprintf(line, sizeof(line), "addr=0x%08lx range=out", child_addr);
    assert_non_null(strstr(status, line));          /* the claimer */
    transfer("with a station claiming the child's address");
    closesocket(s);
}

/* The hub process's memory, as the system reports it (Wine: the Linux
 * process's RSS and its high-water mark). */
struct mem { SIZE_T ws, peak_ws, priv, vsize; };

static void hub_memory(HANDLE h, struct mem *out)
{
    PROCESS_MEMORY_COUNTERS_EX pm;
    memset(&pm, 0, sizeof(pm));
    pm.cb = sizeof(pm);
    if (!GetProcessMemoryInfo(h, (PROCESS_MEMORY_COUNTERS *)&pm, sizeof(pm)))
        fail_msg("GetProcessMemoryInfo on the hub: %lu", GetLastError());
    out->ws = pm.WorkingSetSize;
    out->peak_ws = pm.PeakWorkingSetSize;
    out->priv = pm.PrivateUsage;
    out->vsize = 0;
}

/*
 * An authenticated client floods FLOOD_COUNT STATUS requests and never
 * reads.  The hub must cut it off (its connection ends) and not grow by
 * more than FLOOD_BOUND (the per-client queue is 4 MiB; unbounded, the
 * replies alone would be ~60 MB), while a transfer between the stations
 * running at the same time arrives intact.
 */
static void status_flood_bounded(void **state)
{
    (void)state;
    need_child();
    hub_status();
    DWORD pid = (DWORD)status_number("hub pid=");
    HANDLE hub = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ | SYNCHRONIZE, FALSE, pid);
    if (!hub)
        fail_msg("OpenProcess(hub pid %lu): %lu", (unsigned long)pid, GetLastError());
    struct mem before, after;
    hub_memory(hub, &before);

    uint8_t key[AIR_KEY_LEN], m[AIR_HDR + AIR_AUTH_LEN], nonce[AIR_NONCE_LEN];
    hub_key(key);
    SOCKET f = hub_connect();
    expect_challenge(f, nonce);
    assert_int_equal(tu_send_all(f, m, put_auth(m, AIR_MAGIC, key, nonce)), 0);
    DWORD to = 3000;
    setsockopt(f, SOL_SOCKET, SO_SNDTIMEO, (const char *)&to, sizeof(to));

    struct xfer x;
    memset(&x, 0, sizeof(x));
    wd_arm(180, "STATUS flood beside a transfer");
    HANDLE t = CreateThread(NULL, 0, xfer_thread, &x, 0, NULL);
    static uint8_t req[4 * 4096];
    for (int i = 0; i < 4096; i++)
        air_header(req + 4 * i, AIR_STATUS, 0);
    unsigned long sent = 0;
    int send_err = 0;
    double t0 = tu_now_ms();
    while (sent < FLOOD_COUNT) {
        unsigned long k = FLOOD_COUNT - sent < 4096 ? FLOOD_COUNT - sent : 4096;
        if (tu_send_all(f, req, 4 * k)) {
            send_err = WSAGetLastError();
            break;
        }
        sent += k;
    }
    double flood_ms = tu_now_ms() - t0;
    /* the hub has handled what it read (or cut us off): its memory now */
    Sleep(1000);
    hub_memory(hub, &after);

    /* the flooder's end: it must come, after at most the bounded queue
     * plus what the sockets hold */
    unsigned long long heard = 0;
    static char sink[65536];
    int ended = 0;
    double end = tu_now_ms() + 20000;
    while (tu_now_ms() < end) {
        if (!readable(f, 1000))
            continue;
        int n = recv(f, sink, sizeof(sink), 0);
        if (n <= 0) {
            ended = 1;
            break;
        }
        heard += (unsigned long long)n;
    }
    closesocket(f);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    wd_off();

    long long grew = (long long)after.peak_ws - (long long)before.peak_ws;
    print_message("flood: %lu STATUS requests sent in %.0f ms (send %s), %llu reply bytes readable, "
                  "connection %s\n", sent, flood_ms, send_err ? "failed: cut off" : "all done", heard,
                  ended ? "closed by the hub" : "STILL OPEN");
    print_message("hub pid %lu memory: working set %lu -> %lu KiB, peak %lu -> %lu KiB (+%lld KiB), "
                  "private %lu -> %lu KiB; bound +%u KiB\n", (unsigned long)pid,
                  (unsigned long)(before.ws >> 10), (unsigned long)(after.ws >> 10),
                  (unsigned long)(before.peak_ws >> 10), (unsigned long)(after.peak_ws >> 10), grew / 1024,
                  (unsigned long)(before.priv >> 10), (unsigned long)(after.priv >> 10), FLOOD_BOUND >> 10);
    assert_true(before.peak_ws > 0);
    assert_true(ended);
    assert_true(grew < (long long)FLOOD_BOUND);
    assert_true(heard < (16ull << 20));
    if (x.err)
        fail_msg("the transfer beside the flood: %s", x.why);
    print_message("transfer beside the flood: %u KiB each way intact in %.0f ms\n", XFER_BYTES / 1024, x.ms);
    /* the same hub, both stations, and nothing of the flooder left */
    hub_status();
    assert_int_equal(status_number("hub pid="), pid);
    assert_int_equal(status_number("clients="), 3);     /* two stations and this status call */
    assert_true(status_number("queued=") < 65536);
    assert_int_equal(WaitForSingleObject(hub, 0), WAIT_TIMEOUT);
    CloseHandle(hub);
    transfer("after the flood");
}

/* Wine's ntdll exports wine_get_version; Windows' does not. */
static int under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/*
 * The key file grants this user and nobody else.  On Windows: a protected
 * DACL (nothing inherited from the folder) with exactly one ACE, allowing
 * this user's SID.  Under Wine the DACL read back is made from the Unix
 * mode (Wine keeps no descriptor of its own here): every ACE must allow
 * this user or SYSTEM (which Wine adds to every file), none Everyone or
 * any other SID -- a file created without the hub's descriptor reads back
 * with Everyone allowed (its 0644 mode).
 */
static void key_file_owner_only(void **state)
{
    (void)state;
    need_child();
    WCHAR path[MAX_PATH];
    assert_true(air_key_path(air_port, path, MAX_PATH));
    PACL dacl = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    DWORD e = GetNamedSecurityInfoW(path, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl,
                                    NULL, &sd);
    if (e)
        fail_msg("GetNamedSecurityInfo(%ls): %lu", path, (unsigned long)e);
    SECURITY_DESCRIPTOR_CONTROL ctl = 0;
    DWORD rev = 0;
    assert_true(GetSecurityDescriptorControl(sd, &ctl, &rev));
    WCHAR *text = NULL;
    if (ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                             &text, NULL)) {
        print_message("key file %ls: %ls\n", path, text);
        LocalFree(text);
    }
    assert_non_null(dacl);
    assert_true(dacl->AceCount >= 1);

    HANDLE tok;
    uint8_t buf[256], sys[SECURITY_MAX_SID_SIZE];
    DWORD got, syslen = sizeof(sys);
    assert_true(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok));
    assert_true(GetTokenInformation(tok, TokenUser, buf, sizeof(buf), &got));
    CloseHandle(tok);
    assert_true(CreateWellKnownSid(WinLocalSystemSid, NULL, sys, &syslen));
    PSID user = ((TOKEN_USER *)buf)->User.Sid;
    int user_aces = 0;
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACCESS_ALLOWED_ACE *ace = NULL;
        assert_true(GetAce(dacl, i, (void **)&ace));
        if (ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE)
            continue;                           /* a deny grants nothing */
        PSID sid = (PSID)&ace->SidStart;
        if (EqualSid(sid, user))
            user_aces++;
        else if (!(under_wine() && EqualSid(sid, sys)))
            fail_msg("ACE %lu of the key file allows a SID other than this user's", (unsigned long)i);
    }
    assert_int_equal(user_aces, 1);
    if (!under_wine()) {
        assert_true(ctl & SE_DACL_PROTECTED);
        assert_int_equal(dacl->AceCount, 1);
    }
    LocalFree(sd);
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "--irda-child"))
        return child_main(argc, argv);
    identities(GetCurrentProcessId());
    tu_station_env(air_port, parent_nick, parent_addr);
    wd_start();
    tu_set_env("CEWS2_IRDA_CAPTURE", NULL);
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_key_refused_hears_nothing),
        cmocka_unit_test(wrong_key_refused),
        cmocka_unit_test(no_key_orders_ignored),
        cmocka_unit_test(claimed_address_moves_only_itself),
        cmocka_unit_test(status_flood_bounded),
        cmocka_unit_test(key_file_owner_only),
    };
    return cmocka_run_group_tests_name("air_owner", tests, irda_group_setup, irda_group_teardown);
}
