/*
 * lingertable.c - the CE 5.0 closesocket linger table, as observed.
 *
 *   lingertable            run every row, print progress and the table;
 *                          exit 0 if every row behaved as the CE 5.0 page says
 *
 * (CEWS2_LINGER_NOTE=1 in the environment switches ce-winsock to the page's
 * note for non-blocking lingering closes: row 5 then returns 0 at once and
 * is reported as differing from the table.)
 *
 * For each row of the table on the CE 5.0 closesocket reference page (see
 * docs/closesocket.md) this opens a TCP connection from a socket on OUR stack
 * (ws2.dll, linked with -lws2) to a peer on the HOST's own Winsock
 * (ws2_32.dll, loaded at run time with LoadLibrary, never linked), fills the
 * connection until send would block, sets the row's option and closes.  It
 * reports what happened: did closesocket wait and for how long, and did the
 * peer see an orderly end (FIN) or a reset, with how many of the bytes sent.
 *
 * The peer is an independent witness: it does not go through ce-winsock at
 * all.  One Wine quirk is handled: a reset that arrives while the peer has no
 * recv pending is reported to it as an orderly end (recv returns 0).  So when
 * recv returns 0 the peer sends one byte: on a reset connection that send
 * fails with WSAECONNRESET, on one that got a FIN it succeeds.
 */
#include <cews2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- time ---------------------------------------------------------------- */

static double now_ms(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;
    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1000.0 / (double)freq.QuadPart;
}

/* 127.0.0.1:port, filled by hand so the peer needs nothing from ws2.dll. */
static void loopback(struct sockaddr_in *sa, unsigned short port)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = (u_short)((port >> 8) | (port << 8));
    ((unsigned char *)&sa->sin_addr)[0] = 127;
    ((unsigned char *)&sa->sin_addr)[3] = 1;
}

/* ---- the peer: the host's ws2_32, through function pointers --------------- */

static struct {
    int    (WSAAPI *WSAStartup)(WORD, LPWSADATA);
    int    (WSAAPI *WSAGetLastError)(void);
    SOCKET (WSAAPI *socket)(int, int, int);
    int    (WSAAPI *bind)(SOCKET, const struct sockaddr *, int);
    int    (WSAAPI *listen)(SOCKET, int);
    int    (WSAAPI *getsockname)(SOCKET, struct sockaddr *, int *);
    SOCKET (WSAAPI *accept)(SOCKET, struct sockaddr *, int *);
    int    (WSAAPI *recv)(SOCKET, char *, int, int);
    int    (WSAAPI *send)(SOCKET, const char *, int, int);
    int    (WSAAPI *select)(int, fd_set *, fd_set *, fd_set *, const struct timeval *);
    int    (WSAAPI *closesocket)(SOCKET);
} host;

static int host_load(void)
{
    HMODULE dll = LoadLibraryW(L"ws2_32.dll");
    WSADATA wd;
    if (!dll)
        return -1;
#define GET(name) \
    if (!(host.name = (__typeof__(host.name))(void (*)(void))GetProcAddress(dll, #name))) \
        return -1
    GET(WSAStartup); GET(WSAGetLastError); GET(socket); GET(bind); GET(listen);
    GET(getsockname); GET(accept); GET(recv); GET(send); GET(select); GET(closesocket);
#undef GET
    return host.WSAStartup(MAKEWORD(2, 2), &wd) == 0 ? 0 : -1;
}

/* Wait up to ms for s (a host socket) to be readable: 1 yes, 0 no, -1 error. */
static int host_readable(SOCKET s, DWORD ms)
{
    fd_set set;
    struct timeval tv = { 0, (long)ms * 1000 };
    FD_ZERO(&set);
    set.fd_array[0] = s;     /* by hand: FD_SET is fine, FD_ISSET would call ws2.dll */
    set.fd_count = 1;
    int r = host.select(0, &set, NULL, NULL, &tv);
    return r < 0 ? -1 : r > 0;
}

typedef struct peer {
    SOCKET listener, conn;
    unsigned short port;
    DWORD read_delay_ms;            /* accept, then wait this long before reading */
    volatile LONG stop;
    HANDLE thread;
    /* what it saw */
    unsigned long long bytes;
    const char *end;                /* "FIN", "reset" or "error" (NULL: not yet) */
    int error;
    double end_ms;
} peer;

static DWORD WINAPI peer_thread(void *arg)
{
    peer *p = arg;
    static char buf[65536];         /* one peer at a time */
    double start;

    while (!p->stop && (p->conn == INVALID_SOCKET)) {
        if (host_readable(p->listener, 100) == 1)
            p->conn = host.accept(p->listener, NULL, NULL);
    }
    start = now_ms();
    while (!p->stop && now_ms() - start < p->read_delay_ms)
        Sleep(10);

    while (!p->stop) {
        int r = host_readable(p->conn, 100), n;
        if (r == 0)
            continue;
        n = r < 0 ? SOCKET_ERROR : host.recv(p->conn, buf, sizeof(buf), 0);
        if (n > 0) {
            p->bytes += (unsigned long long)n;
            continue;
        }
        p->error = n == 0 ? 0 : host.WSAGetLastError();
        if (n == 0 && host.send(p->conn, "?", 1, 0) == SOCKET_ERROR)
            p->error = host.WSAGetLastError();        /* the Wine quirk: see the top */
        p->end = p->error == 0 ? "FIN"
               : (p->error == WSAECONNRESET || p->error == WSAECONNABORTED) ? "reset"
               : "error";
        p->end_ms = now_ms();
        break;
    }
    return 0;
}

static int peer_start(peer *p, DWORD read_delay_ms)
{
    struct sockaddr_in sa;
    int len = sizeof(sa);
    memset(p, 0, sizeof(*p));
    p->conn = INVALID_SOCKET;
    p->read_delay_ms = read_delay_ms;
    loopback(&sa, 0);
    p->listener = host.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (p->listener == INVALID_SOCKET
        || host.bind(p->listener, (struct sockaddr *)&sa, sizeof(sa))
        || host.listen(p->listener, 1)
        || host.getsockname(p->listener, (struct sockaddr *)&sa, &len))
        return -1;
    p->port = (unsigned short)((((unsigned char *)&sa.sin_port)[0] << 8)
                               | ((unsigned char *)&sa.sin_port)[1]);
    p->thread = CreateThread(NULL, 0, peer_thread, p, 0, NULL);
    return p->thread ? 0 : -1;
}

/* Wait for the peer to see the end of the stream (up to ms), then stop it. */
static void peer_finish(peer *p, DWORD ms)
{
    if (WaitForSingleObject(p->thread, ms) != WAIT_OBJECT_0) {
        p->stop = 1;
        WaitForSingleObject(p->thread, INFINITE);
    }
    CloseHandle(p->thread);
    if (p->conn != INVALID_SOCKET)
        host.closesocket(p->conn);
    host.closesocket(p->listener);
}

/* ---- our side: ce-winsock (ws2.dll) ------------------------------------------ */

/* Send until the connection is full (send would block a few times running);
 * returns the bytes send accepted, all of them still queued (unread). */
static unsigned long long fill(SOCKET s)
{
    static char buf[65536];
    unsigned long long sent = 0;
    u_long nonblocking = 1;
    int refusals = 0;

    ioctlsocket(s, FIONBIO, &nonblocking);
    memset(buf, 'x', sizeof(buf));
    while (refusals < 3) {
        int n = send(s, buf, sizeof(buf), 0);
        if (n > 0) {
            sent += (unsigned long long)n;
            refusals = 0;
        } else {
            refusals++;                  /* WSAEWOULDBLOCK: full, for now */
            Sleep(50);
        }
    }
    return sent;
}

/* One row of the reference page's table. */
typedef struct row {
    const char *option;              /* as printed */
    int linger_on, seconds;          /* SO_LINGER; linger_on 0 means SO_DONTLINGER */
    int nonblocking;                 /* the socket is non-blocking at closesocket */
    DWORD peer_delay_ms;             /* the peer starts reading after this */
    const char *peer_note;           /* how the peer behaves, as printed */
    /* what the CE 5.0 page says */
    int ce_waits;                    /* the (first) closesocket blocks */
    int ce_wouldblock;               /* the first closesocket fails WSAEWOULDBLOCK */
    const char *ce_end;              /* "FIN" or "reset" */
    int ce_all_bytes;                /* every byte arrives */
    const char *ce_text;
    /* what happened */
    char result[64];
    double first_ms, total_ms;
    unsigned long long sent;
    peer p;
    int ok;
} row;

static row rows[] = {
    { .option = "SO_DONTLINGER", .peer_delay_ms = 300, .peer_note = "reads after 0.3 s",
      .ce_end = "FIN", .ce_all_bytes = 1,
      .ce_text = "returns at once; every byte, then FIN" },
    { .option = "SO_LINGER {1,0}", .linger_on = 1, .seconds = 0,
      .peer_delay_ms = 1000, .peer_note = "reads after 1 s",
      .ce_end = "reset", .ce_text = "returns at once; reset, queued data lost" },
    { .option = "SO_LINGER {1,10}", .linger_on = 1, .seconds = 10,
      .peer_delay_ms = 1000, .peer_note = "reads after 1 s",
      .ce_waits = 1, .ce_end = "FIN", .ce_all_bytes = 1,
      .ce_text = "waits until the peer has it all; FIN" },
    { .option = "SO_LINGER {1,2}", .linger_on = 1, .seconds = 2,
      .peer_delay_ms = 4000, .peer_note = "not reading (for 4 s)",
      .ce_waits = 1, .ce_end = "reset",
      .ce_text = "waits the 2 s interval, then resets" },
    { .option = "SO_LINGER {1,5}", .linger_on = 1, .seconds = 5, .nonblocking = 1,
      .peer_delay_ms = 1500, .peer_note = "reads after 1.5 s",
      .ce_wouldblock = 1, .ce_end = "FIN", .ce_all_bytes = 1,
      .ce_text = "WSAEWOULDBLOCK while data is queued; call again" },
};
#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))
#define WAITED_MS 200    /* a closesocket that took longer than this waited */

static int run_row(int i)
{
    row *r = &rows[i];
    struct sockaddr_in sa;
    SOCKET s;
    u_long nonblocking = (u_long)r->nonblocking;
    int result, error, retries = 0;
    double t0;

    printf("[%d/%d] %s, %s socket, peer %s: ", i + 1, NROWS, r->option,
           r->nonblocking ? "non-blocking" : "blocking", r->peer_note);
    fflush(stdout);
    if (peer_start(&r->p, r->peer_delay_ms)) {
        printf("cannot start the host peer\n");
        return -1;
    }
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    loopback(&sa, r->p.port);
    if (s == INVALID_SOCKET || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
        printf("connect failed: %d\n", WSAGetLastError());
        peer_finish(&r->p, 0);
        return -1;
    }

    r->sent = fill(s);
    printf("%llu bytes queued, closing\n", r->sent);
    fflush(stdout);

    /* The row's option. */
    if (r->linger_on) {
        struct linger l = { 1, (u_short)r->seconds };
        setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&l, sizeof(l));
    } else {
        BOOL on = TRUE;
        setsockopt(s, SOL_SOCKET, SO_DONTLINGER, (const char *)&on, sizeof(on));
    }
    ioctlsocket(s, FIONBIO, &nonblocking);

    t0 = now_ms();
    result = closesocket(s);
    error = result ? WSAGetLastError() : 0;
    r->first_ms = r->total_ms = now_ms() - t0;
    if (result == SOCKET_ERROR && error == WSAEWOULDBLOCK) {
        /* Non-blocking with data queued: the handle is still valid and
         * nothing was started.  Call again until the data is gone. */
        do {
            Sleep(50);
            retries++;
            result = closesocket(s);
            error = result ? WSAGetLastError() : 0;
        } while (result == SOCKET_ERROR && error == WSAEWOULDBLOCK && retries < 600);
        r->total_ms = now_ms() - t0;
        snprintf(r->result, sizeof(r->result), "WSAEWOULDBLOCK; %s at retry %d, %.0f ms",
                 result == 0 ? "0" : "error", retries, r->total_ms);
    } else if (result == 0) {
        snprintf(r->result, sizeof(r->result), "0");
    } else {
        snprintf(r->result, sizeof(r->result), "error %d", error);
    }

    peer_finish(&r->p, 30000);
    if (retries)
        printf("      closesocket: WSAEWOULDBLOCK after %.0f ms, then %s at retry %d (%.0f ms in all)",
               r->first_ms, result == 0 ? "0" : "an error", retries, r->total_ms);
    else
        printf("      closesocket: %s after %.0f ms", r->result, r->first_ms);
    printf("; the peer saw %s after %llu bytes\n", r->p.end ? r->p.end : "nothing", r->p.bytes);

    r->ok = (r->first_ms > WAITED_MS) == r->ce_waits
         && (retries > 0) == r->ce_wouldblock
         && result == 0
         && r->p.end && strcmp(r->p.end, r->ce_end) == 0
         && (r->p.bytes == r->sent) == r->ce_all_bytes;
    return 0;
}

int main(void)
{
    WSADATA wd;
    int i, all_ok = 1;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (WSAStartup(MAKEWORD(2, 2), &wd)) {
        fprintf(stderr, "lingertable: WSAStartup failed\n");
        return 1;
    }
    if (host_load()) {
        fprintf(stderr, "lingertable: cannot load the host's ws2_32.dll for the peer\n");
        return 1;
    }
    printf("lingertable: our socket (ce-winsock ws2.dll) -> peer on the host's ws2_32\n");
    for (i = 0; i < NROWS; i++)
        if (run_row(i))
            return 1;

    printf("\nThe CE 5.0 linger table, as observed\n\n");
    printf("%-2s %-17s %-13s %-40s %-13s %-6s %-18s %s\n", "#", "option", "socket",
           "closesocket returned", "waited", "peer", "arrived/sent", "as CE 5.0 says");
    for (i = 0; i < NROWS; i++) {
        row *r = &rows[i];
        char waited[32], bytes[48];
        snprintf(waited, sizeof(waited), "%s (%.0f ms)", r->first_ms > WAITED_MS ? "yes" : "no",
                 r->first_ms);
        snprintf(bytes, sizeof(bytes), "%llu/%llu", r->p.bytes, r->sent);
        printf("%-2d %-17s %-13s %-40s %-13s %-6s %-18s %s\n", i + 1, r->option,
               r->nonblocking ? "non-blocking" : "blocking", r->result, waited,
               r->p.end ? r->p.end : "-", bytes, r->ok ? "yes" : "NO");
        all_ok &= r->ok;
    }
    printf("(waited: the first closesocket call took over %d ms; arrived/sent: bytes the\n"
           " peer received of those send accepted before the close)\n", WAITED_MS);
    printf("\nWhat the CE 5.0 page says, per row:\n");
    for (i = 0; i < NROWS; i++)
        printf("  %d %-17s %s\n", i + 1, rows[i].option, rows[i].ce_text);
    printf("\nlingertable: %s\n", all_ok ? "every row as the CE 5.0 page says"
                                         : "some rows differ from the CE 5.0 page");
    WSACleanup();
    return all_ok ? 0 : 1;
}
