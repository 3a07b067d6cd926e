/*
 * stress_hostile.c - the hostile client on the air of `make stress`'s IrDA
 * part (#included by stress_irda.c; see its top for what the load checks).
 *
 * The hub has an owner (irda/medium/airproto.h: CHALLENGE/AUTH/REFUSED), so
 * the hostile client plays each part a process can play:
 *   - no key: connects and sends a HELLO (claiming station 1's address),
 *     DATA, QUIT/DOWN/RANGE or noise first -- each must be REFUSED and
 *     closed without hearing one byte of the air;
 *   - a wrong key: an AUTH computed with a key one bit off -- the same;
 *     these outsiders come one after the other from their own thread for
 *     the whole phase, and every one of them is checked;
 *   - the key (any process of the hub's user can read the key file): a
 *     station, now and then claiming station 1's address, that says HELLO
 *     twice, gives orders a station may not give, and puts random bytes,
 *     frames with a bad FCS, cut and oversized frames (or, "forged",
 *     well-formed IrLAP frames) on the air;
 *   - the key, as a control client: STATUS without end, never read, which
 *     the hub must cut off.
 */

#include "airkey.h"
#include "airproto.h"
#include "irmedium/hub_client.h"

/* ---- a hostile client on the air ------------------------------------------------------ */

/* xorshift32; each thread of the hostile client keeps its own state */
static uint32_t ir_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return *state = x;
}

static uint32_t ir_rng = 0x1234567u;           /* the hostile station's */
static uint32_t ir_rand(void)
{
    return ir_next(&ir_rng);
}

/* FCS-16 of IrLAP over SIR (IrPHY: CRC-CCITT reflected, 0xFFFF, complemented) */
static uint16_t ir_fcs(const uint8_t *p, size_t n)
{
    uint16_t f = 0xFFFF;
    while (n--) {
        f ^= *p++;
        for (int k = 0; k < 8; k++)
            f = (uint16_t)(f & 1 ? (f >> 1) ^ 0x8408 : f >> 1);
    }
    return (uint16_t)~f;
}

/* SIR-wraps frame (BOF, escaped body + FCS, EOF); bad_fcs flips the FCS. */
static size_t ir_sir(uint8_t *out, const uint8_t *frame, size_t n, int bad_fcs)
{
    uint8_t body[2100];
    size_t o = 0;
    memcpy(body, frame, n);
    uint16_t f = ir_fcs(frame, n) ^ (bad_fcs ? 0x5A5A : 0);
    body[n] = (uint8_t)f;
    body[n + 1] = (uint8_t)(f >> 8);
    out[o++] = 0xC0;
    for (size_t i = 0; i < n + 2; i++) {
        if (body[i] == 0xC0 || body[i] == 0xC1 || body[i] == 0x7D) {
            out[o++] = 0x7D;
            out[o++] = body[i] ^ 0x20;
        } else {
            out[o++] = body[i];
        }
    }
    out[o++] = 0xC1;
    return o;
}

static int ir_msg(SOCKET s, unsigned type, const void *p, size_t len)
{
    uint8_t m[4 + 4200];
    m[0] = (uint8_t)type; m[1] = 0; m[2] = (uint8_t)(len >> 8); m[3] = (uint8_t)len;
    memcpy(m + 4, p, len);
    return tu_send_all(s, m, 4 + len);
}

struct ir_hostile {
    int forged;                 /* 0: garbage, 1: well-formed frames */
    volatile LONG stop;
    unsigned long pieces, frames, bytes, floods, flood_dropped, reconnects, claims;
    unsigned long outsiders, must, refused, leaked;   /* no key or a wrong one; must be refused, were */
};

/*
 * A client without the key (or with a wrong one) sends its first message
 * -- a HELLO claiming station 1's address, DATA, an order or noise -- and
 * must hear REFUSED and the close, nothing else, within 5 s.  The hub
 * answers a complete message, so every outsider must be refused except one
 * with no key whose noise does not even make a whole message (its header
 * may claim a long payload the hub waits for, then closes idle, 10 s; not
 * waited for): that one must only hear nothing.
 */
static void ir_outsider(struct ir_hostile *H, enum hub_client_key key, uint32_t *rng)
{
    static const char *const sent_names[] = { "a HELLO", "DATA", "an order", "noise" };
    double start = tu_now_ms();
    SOCKET s = hub_client_open(ir_port, key, ir_next(rng), 3000);
    if (s == INVALID_SOCKET) { Sleep(50); return; }
    uint8_t m[4 + 64], order[8];
    size_t n;
    unsigned sent = ir_next(rng) % 4;
    int must = 1;
    H->outsiders++;
    switch (sent) {
    case 0:
        air_put32(order, AIR_MAGIC);
        air_put32(order + 4, (uint32_t)ir_addr[1]);
        memcpy(m, order, 8);
        m[8] = 0;
        memcpy(m + 9, "thief", 5);
        ir_msg(s, AIR_HELLO, m, 14);
        break;
    case 1:
        n = 1 + ir_next(rng) % 64;
        for (size_t i = 0; i < n; i++) m[i] = (uint8_t)ir_next(rng);
        ir_msg(s, AIR_DATA, m, n);
        break;
    case 2:
        air_put32(order, 20000);
        ir_msg(s, ir_next(rng) % 2 ? AIR_DOWN : AIR_QUIT, order, 4);
        break;
    default:
        n = 1 + ir_next(rng) % 64;                   /* not even a header */
        for (size_t i = 0; i < n; i++) m[i] = (uint8_t)ir_next(rng);
        tu_send_all(s, m, n);
        must = key != HUB_KEY_NONE || (n >= AIR_HDR && air_get16(m + 2) <= n - AIR_HDR);
        break;
    }
    double end = tu_now_ms() + (must ? 5000 : 1000);   /* (one that owes nothing: 1 s of silence) */
    uint8_t h[AIR_HDR], body[256];
    int refused = 0, why = 0;
    while (tu_now_ms() < end) {
        if ((why = tu_recv_all(s, h, AIR_HDR)) != 0)
            break;
        size_t len = air_get16(h + 2);
        if (h[0] != AIR_REFUSED || refused || len > sizeof(body)) {
            H->leaked++;
            printf("irda: hostile client: a client with %s key heard message 0x%02x (FAIL)\n",
                   key == HUB_KEY_NONE ? "no" : "a wrong", h[0]);
            break;
        }
        if ((why = tu_recv_all(s, body, len)) != 0)
            break;
        refused = 1;
    }
    H->must += must;
    H->refused += refused && must;
    if (must && !refused)
        printf("irda: hostile client: a client with %s key that sent %s was not refused: %s (%d) after %.0f ms\n",
               key == HUB_KEY_NONE ? "no" : "a wrong", sent_names[sent],
               why == WSAETIMEDOUT ? "nothing heard" : why == -1 ? "closed with nothing" : "an error", why,
               tu_now_ms() - start);
    closesocket(s);
}

/* Outsiders one after the other while the hostile station and the load
 * run, no key and a wrong one in turn: a few hundred per phase, so that a
 * hub that misses one under load is seen. */
static DWORD WINAPI ir_outsider_thread(void *arg)
{
    struct ir_hostile *H = arg;
    uint32_t rng = GetTickCount() * 2654435761u | 1;
    for (unsigned k = 0; !H->stop; k++) {
        ir_outsider(H, k % 2 ? HUB_KEY_WRONG : HUB_KEY_NONE, &rng);
        Sleep(20);
    }
    return 0;
}

/* One hostile station: HELLO, then pieces until told to stop. */
static DWORD WINAPI ir_hostile_thread(void *arg)
{
    struct ir_hostile *H = arg;
    static uint8_t piece[16384], frame[2100];
    for (unsigned session = 0; !H->stop; session++) {
        SOCKET s = hub_client_open(ir_port, HUB_KEY_OWNER, 0, 3000);
        if (s == INVALID_SOCKET) { Sleep(100); continue; }
        uint8_t hello[9 + 8];
        air_put32(hello, AIR_MAGIC);
        /* every other session claims station 1's address */
        uint32_t addr = session % 2 == 0 ? (uint32_t)ir_addr[1] : 0x5DEE0000u | (ir_rand() & 0xFFFF);
        H->claims += addr == (uint32_t)ir_addr[1];
        air_put32(hello + 4, addr);
        hello[8] = 0;
        memcpy(hello + 9, "hostile!", 8);
        ir_msg(s, 0x01, "before hello", 12);          /* DATA before HELLO: discarded */
        if (ir_msg(s, 0x02, hello, sizeof(hello))) { closesocket(s); continue; }
        uint8_t order[8];
        order[0] = 0; order[1] = 0; order[2] = 0; order[3] = 0;
        ir_msg(s, 0x77, order, 3);                      /* an unknown type */
        for (int i = 0; i < 4; i++) order[i] = (uint8_t)(ir_addr[1] >> (24 - 8 * i));
        order[4] = 0;
        ir_msg(s, 0x04, order, 5);                      /* RANGE station 1 out */
        order[0] = 0; order[1] = 0; order[2] = 0x4E; order[3] = 0x20;
        ir_msg(s, 0x09, order, 4);                      /* DOWN 20 s */
        ir_msg(s, 0x06, NULL, 0);                       /* QUIT */
        for (unsigned k = 0; k < 3000 && !H->stop; k++) {
            size_t n = 0;
            unsigned kind = ir_rand() % 6;
            if (H->forged) {
                /* a well-formed IrLAP frame: random address (broadcast now
                 * and then), random control (XID and SNRM among them), a
                 * random information field */
                size_t len = 2 + ir_rand() % 60;
                frame[0] = (uint8_t)(ir_rand() % 8 == 0 ? 0xFF : ir_rand());
                static const uint8_t controls[] = { 0x2F, 0x3F, 0x93, 0x53, 0x63, 0x0F, 0x01, 0x11, 0x10, 0x00, 0x73, 0x9F };
                frame[1] = ir_rand() % 3 ? controls[ir_rand() % sizeof(controls)] : (uint8_t)ir_rand();
                for (size_t i = 2; i < len; i++) frame[i] = (uint8_t)ir_rand();
                n = ir_sir(piece, frame, len, 0);
                H->frames++;
            } else if (kind == 0) {
                n = 1 + ir_rand() % 3000;              /* noise */
                for (size_t i = 0; i < n; i++) piece[i] = (uint8_t)ir_rand();
            } else if (kind == 1 || kind == 2) {
                size_t len = 2 + ir_rand() % 2000;     /* a frame the FCS rejects */
                for (size_t i = 0; i < len; i++) frame[i] = (uint8_t)ir_rand();
                n = ir_sir(piece, frame, len, 1);
            } else if (kind == 3) {
                n = 1 + ir_rand() % 40;                /* a frame cut short */
                piece[0] = 0xC0;
                for (size_t i = 1; i < n; i++) { piece[i] = (uint8_t)ir_rand(); if (piece[i] == 0xC1) piece[i] = 0x11; }
            } else if (kind == 4) {
                n = 4000 + ir_rand() % 4000;           /* longer than any frame */
                piece[0] = 0xC0;
                for (size_t i = 1; i < n - 1; i++) { piece[i] = (uint8_t)ir_rand(); if (piece[i] >= 0xC0 && piece[i] <= 0xC1) piece[i] = 0x11; }
                piece[n - 1] = 0xC1;
            } else {
                n = 8;                                  /* BOFs, then an escape at the end */
                memcpy(piece, "\xC0\xC0\xC0\x7D\xC1\xC0\x7D\xC1", 8);
            }
            if (ir_msg(s, 0x01, piece, n > 4200 ? 4200 : n)) { H->reconnects++; break; }
            H->pieces++;
            H->bytes += n;
            if (H->pieces % 64 == 0) Sleep(1);
        }
        ir_msg(s, 0x02, hello, sizeof(hello));         /* a second HELLO: the hub ends the session */
        closesocket(s);
        Sleep(400);                                     /* (the load gets a word in between sessions) */
    }
    return 0;
}

/* A control client asking STATUS without end and never reading. */
static DWORD WINAPI ir_flood_thread(void *arg)
{
    struct ir_hostile *H = arg;
    static uint8_t req[4 * 2048];
    for (int i = 0; i < 2048; i++) { req[4 * i] = 0x05; req[4 * i + 1] = 0; req[4 * i + 2] = 0; req[4 * i + 3] = 0; }
    while (!H->stop) {
        SOCKET s = hub_client_open(ir_port, HUB_KEY_OWNER, 0, 3000);
        if (s == INVALID_SOCKET) { Sleep(100); continue; }
        H->floods++;
        while (!H->stop && tu_send_all(s, req, sizeof(req)) == 0)
            ;
        if (!H->stop) H->flood_dropped++;
        closesocket(s);
        Sleep(200);
    }
    return 0;
}

/* The hub's STATUS line ("hub pid=... queued=B"), through irair status. */
static unsigned long ir_hub_queued(void)
{
    WCHAR cmd[96];
    char *out = NULL;
    unsigned long q = (unsigned long)-1;
    _snwprintf(cmd, ARRAYSIZE(cmd), L"irair.exe --port %u status", ir_port);
    /* a hub busy with the flood may miss one control client: it must answer
     * one of three, and each miss is shown with what irair said */
    for (int attempt = 0; attempt < 3 && q == (unsigned long)-1; attempt++) {
        int code = tu_run_capture(cmd, NULL, NULL, &out, 20000);
        const char *p = code == 0 && out ? strstr(out, "queued=") : NULL;
        if (p)
            q = strtoul(p + 7, NULL, 10);
        else
            printf("irda: irair status: exit %d, %s", code, out && *out ? out : "no output\n");
        free(out);
        out = NULL;
    }
    return q;
}

static int ir_alive(void)
{
    int alive = 1;
    for (int i = 1; i < IR_STATIONS; i++)
        if (!ir_children[i] || WaitForSingleObject(ir_children[i], 0) == WAIT_OBJECT_0) {
            printf("irda: hostile client: station %d is gone (FAIL)\n", i);
            alive = 0;
        }
    return alive;
}

/* A load to station 1 with a hostile client on the air (see the top). */
static int ir_hostile(int forged, unsigned char ids[IR_STATIONS][4], int rounds, unsigned bytes)
{
    const char *name = forged ? "hostile client, forged frames" : "hostile client, garbage";
    static struct ir_hostile H;
    static struct ir_load L[IR_THREADS_MAX];
    HANDLE th[IR_THREADS_MAX], ht, ft, ot;
    int pass = 1;
    memset(&H, 0, sizeof(H));
    H.forged = forged;
    ir_rng ^= GetTickCount() | 1;
    ht = CreateThread(NULL, 0, ir_hostile_thread, &H, 0, NULL);
    ft = CreateThread(NULL, 0, ir_flood_thread, &H, 0, NULL);
    ot = CreateThread(NULL, 0, ir_outsider_thread, &H, 0, NULL);
    Sleep(500);
    /* loads one after the other until the hostile client has had its time */
    double t0 = tu_now_ms(), min_ms = rounds >= 10 ? 30000 : 8000;
    long ok = 0, failed = 0, corrupt = 0;
    unsigned long long moved = 0;
    unsigned long queued = 0;
    do {
        ir_start_load(L, th, IR_THREADS_PER, ids[1], 1, rounds, bytes);
        DWORD w = WaitForMultipleObjects((DWORD)IR_THREADS_PER, th, TRUE, IR_LOAD_BOUND_MS);
        if (w != WAIT_OBJECT_0) {
            printf("irda: %s: the load made no progress in %d s (a hang) (FAIL)\n", name, IR_LOAD_BOUND_MS / 1000);
            fflush(stdout);
            for (int k = 1; k < IR_STATIONS; k++)
                if (ir_children[k]) TerminateProcess(ir_children[k], 0);
            TerminateProcess(GetCurrentProcess(), 4);
        }
        for (int k = 0; k < IR_THREADS_PER; k++) {
            CloseHandle(th[k]);
            ok += L[k].ok; failed += L[k].failed; moved += L[k].moved;
            if (L[k].first_error == -2) corrupt++;     /* the peer's count or pattern was wrong */
            if (L[k].first_error) printf("irda: %s: %s\n", name, L[k].what);
            if (L[k].slowest_ms > 10000) printf("irda: %s: slowest step: %s\n", name, L[k].slowest);
        }
        unsigned long q = ir_hub_queued();
        if (q > queued) queued = q;                    /* the most the hub held, seen between batches */
    } while (tu_now_ms() - t0 < min_ms);
    double secs = (tu_now_ms() - t0) / 1000.0;
    InterlockedExchange(&H.stop, 1);
    WaitForSingleObject(ht, 10000);
    WaitForSingleObject(ft, 10000);
    WaitForSingleObject(ot, 10000);
    CloseHandle(ht);
    CloseHandle(ft);
    CloseHandle(ot);
    printf("irda: %s: %lu pieces (%lu bytes%s) on the air in %.1f s, %lu sessions claiming station 1's address, "
           "%lu STATUS floods (%lu dropped by the hub); %lu clients without the key: %lu of %lu to refuse refused, %lu heard something; "
           "load 0 -> 1 meanwhile: %ld connections ok, %ld failed, %llu bytes checked; hub queued at most %lu bytes\n",
           name, H.pieces, H.bytes, forged ? ", well-formed frames" : "", secs, H.claims, H.floods, H.flood_dropped,
           H.outsiders, H.refused, H.must, H.leaked, ok, failed, moved, queued);
    if (H.leaked || !H.must || H.refused < H.must) {
        printf("irda: %s: clients without the key were not refused, or heard the air (FAIL)\n", name);
        pass = 0;
    }
    if (!H.pieces || !H.claims) { printf("irda: %s: the hostile station never got on the air (FAIL)\n", name); pass = 0; }
    if (!ir_alive()) pass = 0;
    if (corrupt) { printf("irda: %s: %ld connections saw wrong bytes (FAIL)\n", name, corrupt); pass = 0; }
    if (!forged && failed) { printf("irda: %s: garbage broke connections (FAIL)\n", name); pass = 0; }
    if (queued == (unsigned long)-1 || queued > (5ul << 20)) {
        printf("irda: %s: the hub did not answer or holds too much (FAIL)\n", name);
        pass = 0;
    }
    if (H.floods && !H.flood_dropped) { printf("irda: %s: the unread STATUS flood was never cut off (FAIL)\n", name); pass = 0; }
    double rec = ir_wait_discovery(0xE, ids, 60000);
    SOCKET s = rec < 0 ? INVALID_SOCKET : ir_connect(ids[1]);
    printf("irda: %s: afterwards discovery %s after %.0f ms; new connection %s\n", name,
           rec < 0 ? "FAILED" : "complete", rec, s != INVALID_SOCKET ? "ok" : "FAILED");
    if (s == INVALID_SOCKET) pass = 0; else closesocket(s);
    return pass;
}

