/*
 * hostpeer.c - an independent peer over the HOST's ws2_32.dll (see
 * hostpeer.h).  Nothing in this file may call a Winsock function directly:
 * the test programs link ce-winsock's libws2.a, so a direct call would go to
 * the stack under test.  Every host function is reached through a pointer
 * from GetProcAddress.
 */
#include "hostpeer.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int    (WSAAPI *fn_WSAStartup)(WORD, LPWSADATA);
typedef int    (WSAAPI *fn_WSAGetLastError)(void);
typedef SOCKET (WSAAPI *fn_socket)(int, int, int);
typedef int    (WSAAPI *fn_bind)(SOCKET, const struct sockaddr *, int);
typedef int    (WSAAPI *fn_listen)(SOCKET, int);
typedef SOCKET (WSAAPI *fn_accept)(SOCKET, struct sockaddr *, int *);
typedef int    (WSAAPI *fn_connect)(SOCKET, const struct sockaddr *, int);
typedef int    (WSAAPI *fn_send)(SOCKET, const char *, int, int);
typedef int    (WSAAPI *fn_recv)(SOCKET, char *, int, int);
typedef int    (WSAAPI *fn_sendto)(SOCKET, const char *, int, int, const struct sockaddr *, int);
typedef int    (WSAAPI *fn_recvfrom)(SOCKET, char *, int, int, struct sockaddr *, int *);
typedef int    (WSAAPI *fn_closesocket)(SOCKET);
typedef int    (WSAAPI *fn_shutdown)(SOCKET, int);
typedef int    (WSAAPI *fn_setsockopt)(SOCKET, int, int, const char *, int);
typedef int    (WSAAPI *fn_getsockname)(SOCKET, struct sockaddr *, int *);
typedef int    (WSAAPI *fn_select)(int, fd_set *, fd_set *, fd_set *, const struct timeval *);

static struct {
    HMODULE dll;
    fn_WSAStartup WSAStartup;
    fn_WSAGetLastError WSAGetLastError;
    fn_socket socket;
    fn_bind bind;
    fn_listen listen;
    fn_accept accept;
    fn_connect connect;
    fn_send send;
    fn_recv recv;
    fn_sendto sendto;
    fn_recvfrom recvfrom;
    fn_closesocket closesocket;
    fn_shutdown shutdown;
    fn_setsockopt setsockopt;
    fn_getsockname getsockname;
    fn_select select;
} H;

static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;
static int init_result = -1;
static char init_error[256];

static BOOL CALLBACK do_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once; (void)param; (void)ctx;
    H.dll = LoadLibraryW(L"ws2_32.dll");
    if (!H.dll) {
        snprintf(init_error, sizeof(init_error), "LoadLibraryW(ws2_32.dll) failed: %lu", GetLastError());
        return TRUE;
    }
#define GET(name) do { \
        H.name = (fn_##name)(void (*)(void))GetProcAddress(H.dll, #name); \
        if (!H.name) { snprintf(init_error, sizeof(init_error), "ws2_32!%s missing", #name); return TRUE; } \
    } while (0)
    GET(WSAStartup); GET(WSAGetLastError); GET(socket); GET(bind); GET(listen);
    GET(accept); GET(connect); GET(send); GET(recv); GET(sendto); GET(recvfrom);
    GET(closesocket); GET(shutdown); GET(setsockopt); GET(getsockname); GET(select);
#undef GET
    WSADATA wd;
    int r = H.WSAStartup(MAKEWORD(2, 2), &wd);
    if (r) {
        snprintf(init_error, sizeof(init_error), "host WSAStartup failed: %d", r);
        return TRUE;
    }
    /* Never cleaned up: the host stack stays started for the whole process,
     * so our stack's WSACleanup can never be "helped" by the host's. */
    init_result = 0;
    return TRUE;
}

int hostpeer_init(void)
{
    InitOnceExecuteOnce(&init_once, do_init, NULL, NULL);
    return init_result;
}

const char *hostpeer_error_text(void)
{
    return init_error;
}

int hostpeer_last_error(void)
{
    return hostpeer_init() ? -1 : H.WSAGetLastError();
}

const char *hostpeer_end_name(hostpeer_end e)
{
    switch (e) {
    case HOSTPEER_PENDING: return "pending";
    case HOSTPEER_FIN:     return "FIN";
    case HOSTPEER_RESET:   return "reset";
    case HOSTPEER_ERROR:   return "error";
    case HOSTPEER_NOCONN:  return "no-connection";
    }
    return "?";
}

/* 1 readable, 0 timeout, -1 error */
static int wait_readable(SOCKET s, DWORD ms)
{
    fd_set rd;
    struct timeval tv = { (long)(ms / 1000), (long)(ms % 1000) * 1000 };
    FD_ZERO(&rd);
    rd.fd_array[0] = s;
    rd.fd_count = 1;
    int r = H.select(0, &rd, NULL, NULL, &tv);
    if (r < 0) return -1;
    return r > 0 ? 1 : 0;
}

static int send_all(SOCKET s, const char *p, int len)
{
    while (len > 0) {
        int n = H.send(s, p, len, 0);
        if (n <= 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

int hostpeer_have_ipv6(void)
{
    if (hostpeer_init())
        return 0;
    struct sockaddr_storage ss;
    int len = tu_loopback(AF_INET6, 0, &ss);
    SOCKET s = H.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        return 0;
    int ok = H.bind(s, (struct sockaddr *)&ss, len) == 0;
    H.closesocket(s);
    return ok;
}

/* ---- TCP listener ---------------------------------------------------------- */

struct hostpeer_listener {
    hostpeer_tcp_opts opts;
    SOCKET ls, cs;
    unsigned short port;
    HANDLE thread, done;
    volatile LONG stop;
    CRITICAL_SECTION lock;
    hostpeer_result res;
};

static int sleep_unless_stopped(hostpeer_listener *l, DWORD ms)
{
    double end = tu_now_ms() + ms;
    while (!l->stop && tu_now_ms() < end)
        Sleep(10);
    return l->stop;
}

static DWORD WINAPI listener_thread(void *arg)
{
    hostpeer_listener *l = arg;
    static const int bufsize = 65536;
    char *buf = malloc(bufsize);
    SOCKET cs = INVALID_SOCKET;

    while (!l->stop) {
        int r = wait_readable(l->ls, 100);
        if (r < 0) break;
        if (r == 0) continue;
        struct sockaddr_storage ss;
        int len = sizeof(ss);
        cs = H.accept(l->ls, (struct sockaddr *)&ss, &len);
        if (cs != INVALID_SOCKET) {
            EnterCriticalSection(&l->lock);
            l->cs = cs;
            l->res.accepted = 1;
            l->res.remote = ss;
            l->res.remote_len = len;
            l->res.accept_ms = tu_now_ms();
            LeaveCriticalSection(&l->lock);
        }
        break;
    }
    if (cs == INVALID_SOCKET) {
        EnterCriticalSection(&l->lock);
        l->res.end = HOSTPEER_NOCONN;
        l->res.end_ms = tu_now_ms();
        LeaveCriticalSection(&l->lock);
        goto out;
    }

    if (l->opts.send_bytes) {
        if (sleep_unless_stopped(l, l->opts.send_delay_ms))
            goto out;
        unsigned long long off = 0;
        while (off < l->opts.send_bytes && !l->stop) {
            size_t n = l->opts.send_bytes - off;
            if (n > (size_t)bufsize) n = bufsize;
            tu_fill(buf, off, n);
            if (send_all(cs, buf, (int)n)) break;
            off += n;
            EnterCriticalSection(&l->lock);
            l->res.sent = off;
            LeaveCriticalSection(&l->lock);
        }
        if (l->opts.reset_after_send) {
            hostpeer_close_reset(cs);
            EnterCriticalSection(&l->lock);
            l->cs = cs = INVALID_SOCKET;
            l->res.end = HOSTPEER_ERROR;   /* we ended it ourselves */
            l->res.end_ms = tu_now_ms();
            LeaveCriticalSection(&l->lock);
            goto out;
        }
        if (l->opts.shutdown_after_send)
            H.shutdown(cs, SD_SEND);
    }
    if (l->opts.no_read) {
        while (!l->stop) Sleep(20);
        goto out;
    }
    if (l->opts.read_delay_ms && sleep_unless_stopped(l, l->opts.read_delay_ms))
        goto out;

    while (!l->stop) {
        int r = wait_readable(cs, 100);
        if (r == 0) continue;
        int n = r < 0 ? -1 : H.recv(cs, buf, bufsize, 0);
        if (n > 0) {
            int bad = 0;
            size_t at = 0;
            if (l->opts.check_pattern)
                bad = (at = tu_check(buf, l->res.bytes, (size_t)n)) != (size_t)-1;
            int echo_failed = l->opts.echo && send_all(cs, buf, n);
            EnterCriticalSection(&l->lock);
            if (bad && l->res.pattern_ok) {
                l->res.pattern_ok = 0;
                l->res.first_bad = l->res.bytes + at;
            }
            l->res.bytes += (unsigned long long)n;
            if (l->opts.echo && !echo_failed)
                l->res.echoed += (unsigned long long)n;
            LeaveCriticalSection(&l->lock);
            continue;
        }
        int err = n == 0 ? 0 : H.WSAGetLastError();
        /* Wine's host reports a reset that arrived while no recv was pending
         * as an orderly end of stream; a send tells the two apart (it fails
         * on a reset connection and succeeds on one that only got FIN). */
        if (n == 0 && l->opts.probe_reset && H.send(cs, "?", 1, 0) == SOCKET_ERROR) {
            int probe = H.WSAGetLastError();
            if (probe == WSAECONNRESET || probe == WSAECONNABORTED)
                n = -1, err = probe;
        }
        EnterCriticalSection(&l->lock);
        l->res.error = err;
        l->res.end = n == 0 ? HOSTPEER_FIN
                   : (err == WSAECONNRESET || err == WSAECONNABORTED) ? HOSTPEER_RESET
                   : HOSTPEER_ERROR;
        l->res.end_ms = tu_now_ms();
        LeaveCriticalSection(&l->lock);
        if (n == 0 && l->opts.echo)
            H.shutdown(cs, SD_SEND);
        break;
    }
out:
    free(buf);
    SetEvent(l->done);
    return 0;
}

hostpeer_listener *hostpeer_tcp_listen(const hostpeer_tcp_opts *opts)
{
    if (hostpeer_init())
        return NULL;
    hostpeer_listener *l = calloc(1, sizeof(*l));
    if (!l) return NULL;
    if (opts) l->opts = *opts;
    if (!l->opts.family) l->opts.family = AF_INET;
    l->res.pattern_ok = l->opts.check_pattern ? 1 : 0;
    l->cs = INVALID_SOCKET;
    InitializeCriticalSection(&l->lock);
    struct sockaddr_storage ss;
    int len = tu_loopback(l->opts.family, 0, &ss);
    l->ls = H.socket(l->opts.family, SOCK_STREAM, IPPROTO_TCP);
    if (l->ls == INVALID_SOCKET) goto fail;
    if (H.bind(l->ls, (struct sockaddr *)&ss, len) || H.listen(l->ls, 4)) goto fail;
    len = sizeof(ss);
    if (H.getsockname(l->ls, (struct sockaddr *)&ss, &len)) goto fail;
    l->port = tu_port_of((struct sockaddr *)&ss);
    l->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    l->thread = CreateThread(NULL, 0, listener_thread, l, 0, NULL);
    if (!l->thread) goto fail;
    return l;
fail:
    snprintf(init_error, sizeof(init_error), "host listener setup failed: %d", H.WSAGetLastError());
    if (l->ls != INVALID_SOCKET) H.closesocket(l->ls);
    if (l->done) CloseHandle(l->done);
    DeleteCriticalSection(&l->lock);
    free(l);
    return NULL;
}

unsigned short hostpeer_listener_port(const hostpeer_listener *l)
{
    return l->port;
}

void hostpeer_listener_peek(hostpeer_listener *l, hostpeer_result *out)
{
    EnterCriticalSection(&l->lock);
    *out = l->res;
    LeaveCriticalSection(&l->lock);
}

int hostpeer_listener_wait(hostpeer_listener *l, DWORD timeout_ms, hostpeer_result *out)
{
    int ended = WaitForSingleObject(l->done, timeout_ms) == WAIT_OBJECT_0;
    if (out)
        hostpeer_listener_peek(l, out);
    return ended;
}

void hostpeer_listener_free(hostpeer_listener *l)
{
    if (!l) return;
    l->stop = 1;
    if (WaitForSingleObject(l->thread, 10000) != WAIT_OBJECT_0)
        fprintf(stderr, "hostpeer: listener thread did not stop\n");
    CloseHandle(l->thread);
    if (l->cs != INVALID_SOCKET) H.closesocket(l->cs);
    H.closesocket(l->ls);
    CloseHandle(l->done);
    DeleteCriticalSection(&l->lock);
    free(l);
}

/* ---- TCP client / raw helpers ------------------------------------------------ */

hostpeer_sock hostpeer_tcp_connect(int family, unsigned short port)
{
    if (hostpeer_init())
        return HOSTPEER_BAD;
    struct sockaddr_storage ss;
    int len = tu_loopback(family, port, &ss);
    SOCKET s = H.socket(family, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        return HOSTPEER_BAD;
    if (H.connect(s, (struct sockaddr *)&ss, len)) {
        H.closesocket(s);
        return HOSTPEER_BAD;
    }
    return (hostpeer_sock)s;
}

int hostpeer_send(hostpeer_sock s, const void *buf, int len)
{
    return send_all((SOCKET)s, buf, len);
}

int hostpeer_recv(hostpeer_sock s, void *buf, int len, DWORD timeout_ms)
{
    int r = wait_readable((SOCKET)s, timeout_ms);
    if (r < 0) return -1;
    if (r == 0) return -2;
    int n = H.recv((SOCKET)s, buf, len, 0);
    return n < 0 ? -1 : n;
}

int hostpeer_shutdown(hostpeer_sock s, int how)
{
    return H.shutdown((SOCKET)s, how);
}

int hostpeer_close(hostpeer_sock s)
{
    return H.closesocket((SOCKET)s);
}

int hostpeer_close_reset(hostpeer_sock s)
{
    struct linger lg = { 1, 0 };
    H.setsockopt((SOCKET)s, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof(lg));
    return H.closesocket((SOCKET)s);
}

int hostpeer_getsockname(hostpeer_sock s, struct sockaddr *sa, int *len)
{
    return H.getsockname((SOCKET)s, sa, len);
}

/* ---- UDP ----------------------------------------------------------------------- */

struct hostpeer_udp {
    SOCKET s;
    unsigned short port;
    HANDLE thread;
    volatile LONG stop;
    volatile LONG count;
    int sizes[64];
};

static DWORD WINAPI udp_thread(void *arg)
{
    hostpeer_udp *u = arg;
    char *buf = malloc(65536);
    while (!u->stop) {
        int r = wait_readable(u->s, 100);
        if (r < 0) break;
        if (r == 0) continue;
        struct sockaddr_storage from;
        int flen = sizeof(from);
        int n = H.recvfrom(u->s, buf, 65536, 0, (struct sockaddr *)&from, &flen);
        if (n < 0) continue;
        LONG i = u->count;
        if (i < 64) u->sizes[i] = n;
        InterlockedIncrement(&u->count);   /* counted before the echo leaves */
        H.sendto(u->s, buf, n, 0, (struct sockaddr *)&from, flen);
    }
    free(buf);
    return 0;
}

hostpeer_sock hostpeer_udp_socket(int family, unsigned short *port)
{
    if (hostpeer_init())
        return HOSTPEER_BAD;
    struct sockaddr_storage ss;
    int len = tu_loopback(family, 0, &ss);
    SOCKET s = H.socket(family, SOCK_DGRAM, IPPROTO_UDP);
    if (s == INVALID_SOCKET)
        return HOSTPEER_BAD;
    if (H.bind(s, (struct sockaddr *)&ss, len)) {
        H.closesocket(s);
        return HOSTPEER_BAD;
    }
    len = sizeof(ss);
    H.getsockname(s, (struct sockaddr *)&ss, &len);
    if (port) *port = tu_port_of((struct sockaddr *)&ss);
    return (hostpeer_sock)s;
}

int hostpeer_sendto(hostpeer_sock s, const void *buf, int len, int family, unsigned short port)
{
    struct sockaddr_storage ss;
    int slen = tu_loopback(family, port, &ss);
    return H.sendto((SOCKET)s, buf, len, 0, (struct sockaddr *)&ss, slen);
}

int hostpeer_recvfrom(hostpeer_sock s, void *buf, int len, DWORD timeout_ms, unsigned short *from_port)
{
    int r = wait_readable((SOCKET)s, timeout_ms);
    if (r < 0) return -1;
    if (r == 0) return -2;
    struct sockaddr_storage from;
    int flen = sizeof(from);
    int n = H.recvfrom((SOCKET)s, buf, len, 0, (struct sockaddr *)&from, &flen);
    if (n < 0) return -1;
    if (from_port) *from_port = tu_port_of((struct sockaddr *)&from);
    return n;
}

hostpeer_udp *hostpeer_udp_echo(int family)
{
    hostpeer_udp *u = calloc(1, sizeof(*u));
    if (!u) return NULL;
    u->s = (SOCKET)hostpeer_udp_socket(family, &u->port);
    if (u->s == (SOCKET)HOSTPEER_BAD) {
        free(u);
        return NULL;
    }
    u->thread = CreateThread(NULL, 0, udp_thread, u, 0, NULL);
    return u;
}

unsigned short hostpeer_udp_port(const hostpeer_udp *u)
{
    return u->port;
}

unsigned long hostpeer_udp_count(const hostpeer_udp *u)
{
    return (unsigned long)u->count;
}

int hostpeer_udp_size(const hostpeer_udp *u, unsigned i)
{
    return i < 64 && i < (unsigned)u->count ? u->sizes[i] : -1;
}

void hostpeer_udp_free(hostpeer_udp *u)
{
    if (!u) return;
    u->stop = 1;
    WaitForSingleObject(u->thread, 10000);
    CloseHandle(u->thread);
    H.closesocket(u->s);
    free(u);
}
