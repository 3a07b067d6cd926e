/*
 * irda_peer_child.c - the child station of the AF_IRDA suites' harness
 * (irda_peer.h): binds the services, serves one command per connection,
 * records what it read into slots the parent queries.
 */
#include "irda_peer.h"

#include <stdlib.h>
#include <string.h>

/* ---- the child station ------------------------------------------------------- */

static struct slot { volatile LONG done; unsigned long long bytes; int ok; int end; } slots[NSLOTS];
static FILE *clog;

static void child_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void child_say(const char *fmt, ...)
{
    va_list ap;
    char line[512];
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("[child %s] %s\n", child_nick[0] ? child_nick : "?", line);
    if (clog) { fprintf(clog, "%s\n", line); fflush(clog); }
}

static void record_to_eof(SOCKET s, int zeros, unsigned idx)
{
    static __thread char buf[65536];
    unsigned long long total = 0;
    int ok = 1, end = 0;
    for (;;) {
        int n = recv(s, buf, sizeof(buf), 0);
        if (n == SOCKET_ERROR) { end = WSAGetLastError(); break; }
        if (n == 0) break;
        if (ok && check_data(buf, total, (size_t)n, zeros) != (size_t)-1) ok = 0;
        total += (unsigned long long)n;
    }
    child_say("slot %u: %llu bytes, pattern %s, end %d", idx, total, ok ? "ok" : "BAD", end);
    if (idx < NSLOTS) {
        slots[idx].bytes = total; slots[idx].ok = ok; slots[idx].end = end;
        InterlockedExchange(&slots[idx].done, 1);
    }
}

static void drain_until_close(SOCKET s)
{
    char b[4096];
    int n;
    while ((n = recv(s, b, sizeof(b), 0)) > 0)
        ;
}

static DWORD WINAPI child_conn(void *arg)
{
    SOCKET s = (SOCKET)(ULONG_PTR)arg;
    unsigned char m[16];
    int e = tu_recv_all(s, m, sizeof(m));
    if (e) { child_say("command: recv failed %d", e); closesocket(s); return 0; }
    char cmd = (char)m[1];
    int zeros = (m[2] & CMD_ZEROS) != 0;
    unsigned long a = get32(m + 4), b = get32(m + 8), c = get32(m + 12);
    child_say("command %c a=%lu b=%lu c=%lu%s", cmd, a, b, c, zeros ? " zeros" : "");
    switch (cmd) {
    case 'X': {
        struct xsend x = { s, a, zeros, 0 };
        HANDLE t = CreateThread(NULL, 0, xsend_thread, &x, 0, NULL);
        unsigned long long bad = 0;
        double t0 = tu_now_ms();
        int r = recv_data(s, a, zeros, &bad, "child");
        WaitForSingleObject(t, INFINITE);
        CloseHandle(t);
        unsigned char v[VERDICT_LEN];
        memset(v, 0, sizeof(v));
        if (r) { v[1] = 'F'; put32(v + 4, (unsigned long)bad); }
        child_say("X: received %s (r=%d, at %llu), send %d, %.0f ms", r ? "BAD" : "ok", r, bad,
                  x.err, tu_now_ms() - t0);
        if (!x.err) tu_send_all(s, v, sizeof(v));
        drain_until_close(s);
        break;
    }
    case 'S':
        e = send_data(s, a, zeros);
        child_say("S: sent %lu bytes (%d); closesocket at once", a, e);
        break;
    case 'R':
        record_to_eof(s, zeros, b);
        break;
    case 'Q': {
        double end = tu_now_ms() + 60000;
        while (b < NSLOTS && !slots[b].done && tu_now_ms() < end) Sleep(20);
        unsigned char r[12];
        memset(r, 0xFF, sizeof(r));
        if (b < NSLOTS && slots[b].done) {
            put32(r, (unsigned long)slots[b].bytes); put32(r + 4, (unsigned long)slots[b].ok);
            put32(r + 8, (unsigned long)slots[b].end);
        }
        tu_send_all(s, r, sizeof(r));
        drain_until_close(s);
        break;
    }
    case 'D':
        Sleep(a);
        e = send_data(s, b, zeros);
        child_say("D: sent %lu bytes after %lu ms (%d)", b, a, e);
        record_to_eof(s, zeros, c);
        break;
    case 'P':
        Sleep(a);
        record_to_eof(s, zeros, b);
        break;
    case 'L': {                      /* a slow reader: a bytes every 10 ms */
        static __thread char lb[65536];
        unsigned long long total = 0;
        int ok = 1, end = 0, n;
        if (a == 0 || a > sizeof(lb)) a = 2000;
        for (;;) {
            n = recv(s, lb, (int)a, 0);
            if (n == SOCKET_ERROR) { end = WSAGetLastError(); break; }
            if (n == 0) break;
            if (ok && check_data(lb, total, (size_t)n, zeros) != (size_t)-1) ok = 0;
            if (total / 50000 != (total + (unsigned long long)n) / 50000)
                child_say("slow reader: %llu bytes", total + (unsigned long long)n);
            total += (unsigned long long)n;
            Sleep(c);
        }
        child_say("slot %lu (slow reader): %llu bytes, pattern %s, end %d", b, total, ok ? "ok" : "BAD", end);
        if (b < NSLOTS) {
            slots[b].bytes = total; slots[b].ok = ok; slots[b].end = end;
            InterlockedExchange(&slots[b].done, 1);
        }
        break;
    }
    case 'H': {
        char buf[256];
        double t0 = tu_now_ms();
        int n;
        while ((n = recv(s, buf, sizeof(buf), 0)) > 0)
            ;
        child_say("H: recv ended with %d (error %d) after %.0f ms", n,
                  n < 0 ? WSAGetLastError() : 0, tu_now_ms() - t0);
        break;
    }
    default:
        child_say("unknown command 0x%02x", m[1]);
    }
    e = close_irda(s);
    if (e) child_say("closesocket: error %d%s", e, e == WSAENETDOWN ? " (WSAENETDOWN!)" : "");
    return 0;
}

static DWORD WINAPI child_acceptor(void *arg)
{
    SOCKET l = (SOCKET)(ULONG_PTR)arg;
    for (;;) {
        SOCKADDR_IRDA peer;
        int plen = sizeof(peer);
        SOCKET s = accept(l, (struct sockaddr *)&peer, &plen);
        if (s == INVALID_SOCKET) {
            child_say("accept failed: %d", WSAGetLastError());
            Sleep(200);
            continue;
        }
        HANDLE t = CreateThread(NULL, 0, child_conn, (void *)(ULONG_PTR)s, 0, NULL);
        if (t) CloseHandle(t);
    }
    return 0;
}

static DWORD WINAPI parent_watch(void *arg)
{
    HANDLE p = arg;
    WaitForSingleObject(p, INFINITE);
    ExitProcess(0);
    return 0;
}

static void ias_set_child(SOCKET s)
{
    IAS_SET set;
    memset(&set, 0, sizeof(set));
    strcpy(set.irdaClassName, INFO_CLASS);
    strcpy(set.irdaAttribName, "Name");
    set.irdaAttribType = IAS_ATTRIB_STR;
    set.irdaAttribute.irdaAttribUsrStr.Len = (u_char)strlen(child_nick);
    set.irdaAttribute.irdaAttribUsrStr.CharSet = LmCharSetASCII;
    memcpy(set.irdaAttribute.irdaAttribUsrStr.UsrStr, child_nick, strlen(child_nick));
    if (setsockopt(s, SOL_IRLMP, IRLMP_IAS_SET, (char *)&set, sizeof(set)))
        child_say("IAS_SET Name failed: %d", WSAGetLastError());
    memset(&set, 0, sizeof(set));
    strcpy(set.irdaClassName, INFO_CLASS);
    strcpy(set.irdaAttribName, "Blob");
    set.irdaAttribType = IAS_ATTRIB_OCTETSEQ;
    set.irdaAttribute.irdaAttribOctetSeq.Len = 6;
    memcpy(set.irdaAttribute.irdaAttribOctetSeq.OctetSeq, "\x01\x02\x03\x00\xFE\xFF", 6);
    if (setsockopt(s, SOL_IRLMP, IRLMP_IAS_SET, (char *)&set, sizeof(set)))
        child_say("IAS_SET Blob failed: %d", WSAGetLastError());
    memset(&set, 0, sizeof(set));
    strcpy(set.irdaClassName, INFO_CLASS);
    strcpy(set.irdaAttribName, "Number");
    set.irdaAttribType = IAS_ATTRIB_INT;
    set.irdaAttribute.irdaAttribInt = -424242;
    if (setsockopt(s, SOL_IRLMP, IRLMP_IAS_SET, (char *)&set, sizeof(set)))
        child_say("IAS_SET Number failed: %d", WSAGetLastError());
}

/* test_irda.exe --irda-child server|idle PARENTPID INDEX SERVICES */
int child_main(int argc, char **argv)
{
    const char *mode = argv[2];
    DWORD ppid = (DWORD)strtoul(argv[3], NULL, 10);
    int index = atoi(argv[4]);
    const char *services = argc > 5 ? argv[5] : SVC_TEST;
    char path[MAX_PATH], evname[64];
    SOCKET ls[4];
    int nls = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    identities(ppid);
    if (index == 2) strcpy(child_nick, idle_nick);
    tu_station_env(air_port, child_nick, index == 2 ? idle_addr : child_addr);
    tu_set_env("CEWS2_IRDA_CAPTURE", NULL);       /* only the parent captures */
    snprintf(path, sizeof(path), "test_irda-child%d.log", index);
    clog = fopen(path, "w");

    HANDLE parent = OpenProcess(SYNCHRONIZE, FALSE, ppid);
    if (parent) CloseHandle(CreateThread(NULL, 0, parent_watch, parent, 0, NULL));

    if (tu_startup()) { child_say("WSAStartup failed"); return 10; }
    if (!strcmp(mode, "server")) {
        char list[256], *tok, *save = NULL;
        snprintf(list, sizeof(list), "%s", services);
        for (tok = strtok_r(list, ",", &save); tok && nls < 4; tok = strtok_r(NULL, ",", &save)) {
            SOCKADDR_IRDA a;
            SOCKET l = irda_socket();
            if (l == INVALID_SOCKET) { child_say("socket: %d", WSAGetLastError()); return 11; }
            if (bind(l, (struct sockaddr *)&a, irda_addr(&a, NULL, tok))) {
                child_say("bind %s: %d", tok, WSAGetLastError()); return 12;
            }
            if (listen(l, 4)) { child_say("listen %s: %d", tok, WSAGetLastError()); return 13; }
            if (nls == 0) ias_set_child(l);
            ls[nls++] = l;
            child_say("listening on \"%s\"", tok);
        }
        for (int i = 0; i < nls; i++)
            CloseHandle(CreateThread(NULL, 0, child_acceptor, (void *)(ULONG_PTR)ls[i], 0, NULL));
    } else {
        /* idle: a station that answers discovery (the medium opens with the
         * first AF_IRDA socket; a bound one to be sure) */
        SOCKADDR_IRDA a;
        const char *svc = strcmp(services, "-") ? services : "CeIdleSvc";
        SOCKET l = irda_socket();
        if (l == INVALID_SOCKET) { child_say("socket: %d", WSAGetLastError()); return 11; }
        if (bind(l, (struct sockaddr *)&a, irda_addr(&a, NULL, svc)))
            child_say("bind %s: %d", svc, WSAGetLastError());
        listen(l, 1);
        child_say("idle station up");
    }
    snprintf(evname, sizeof(evname), "cews2-irda-ready-%lu-%d", (unsigned long)ppid, index);
    HANDLE ev = OpenEventA(EVENT_MODIFY_STATE, FALSE, evname);
    if (ev) { SetEvent(ev); CloseHandle(ev); }
    Sleep(INFINITE);
    return 0;
}

