/* testutil.c - shared helpers for the Wine-run suites; see testutil.h. */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

double tu_now_ms(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;
    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart * 1000.0 / (double)freq.QuadPart;
}

void tu_fill(void *buf, unsigned long long off, size_t len)
{
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = tu_pattern(off + i);
}

size_t tu_check(const void *buf, unsigned long long off, size_t len)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++)
        if (p[i] != tu_pattern(off + i))
            return i;
    return (size_t)-1;
}

int tu_loopback(int family, unsigned short port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = (unsigned short)((port >> 8) | (port << 8));
        s6->sin6_addr.s6_addr[15] = 1;
        return sizeof(*s6);
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = (unsigned short)((port >> 8) | (port << 8));
    unsigned char *a = (unsigned char *)&s4->sin_addr;
    a[0] = 127; a[3] = 1;
    return sizeof(*s4);
}

struct sockaddr_in tu_loopback4(unsigned short port)
{
    struct sockaddr_storage ss;
    tu_loopback(AF_INET, port, &ss);
    return *(struct sockaddr_in *)&ss;
}

unsigned short tu_port_of(const struct sockaddr *sa)
{
    const unsigned char *p;
    if (sa->sa_family == AF_INET6)
        p = (const unsigned char *)&((const struct sockaddr_in6 *)sa)->sin6_port;
    else
        p = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_port;
    return (unsigned short)((p[0] << 8) | p[1]);
}

int tu_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const unsigned char *a = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
        return a[0] == 127 && a[1] == 0 && a[2] == 0 && a[3] == 1;
    }
    if (sa->sa_family == AF_INET6) {
        const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        for (int i = 0; i < 15; i++)
            if (a[i]) return 0;
        return a[15] == 1;
    }
    return 0;
}

int tu_verbose(void)
{
    static int v = -1;
    if (v < 0) {
        const char *e = getenv("TU_VERBOSE");
        v = e && *e && strcmp(e, "0") != 0;
    }
    return v;
}

void tu_log(const char *fmt, ...)
{
    if (!tu_verbose())
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("    | ");
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

int tu_startup(void)
{
    WSADATA wd;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

SOCKET tu_listener(int family, int type, unsigned short *port)
{
    struct sockaddr_storage ss;
    int len = tu_loopback(family, 0, &ss);
    SOCKET s = socket(family, type, 0);
    if (s == INVALID_SOCKET)
        return s;
    if (bind(s, (struct sockaddr *)&ss, len) == SOCKET_ERROR ||
        (type == SOCK_STREAM && listen(s, 8) == SOCKET_ERROR)) {
        int e = WSAGetLastError();
        closesocket(s);
        WSASetLastError(e);
        return INVALID_SOCKET;
    }
    len = sizeof(ss);
    if (getsockname(s, (struct sockaddr *)&ss, &len) == SOCKET_ERROR) {
        int e = WSAGetLastError();
        closesocket(s);
        WSASetLastError(e);
        return INVALID_SOCKET;
    }
    if (port)
        *port = tu_port_of((struct sockaddr *)&ss);
    return s;
}

SOCKET tu_udp(int family, unsigned short *port)
{
    return tu_listener(family, SOCK_DGRAM, port);
}

SOCKET tu_base_tcp_socket(void)
{
    WSAPROTOCOL_INFOW *all, pick;
    DWORD len = 0;
    int n, i, found = 0;

    WSAEnumProtocolsW(NULL, NULL, &len);
    all = malloc(len);
    assert_non_null(all);
    n = WSAEnumProtocolsW(NULL, all, &len);
    assert_true(n > 0);
    for (i = 0; i < n && !found; i++)
        if (all[i].iAddressFamily == AF_INET && all[i].iSocketType == SOCK_STREAM &&
            all[i].ProtocolChain.ChainLen == BASE_PROTOCOL) {
            pick = all[i];
            found = 1;
        }
    free(all);
    if (!found)
        fail_msg("no base TCP/IPv4 entry in the catalog");
    return WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &pick, 0,
                      WSA_FLAG_OVERLAPPED);
}

SOCKET tu_connect(int family, unsigned short port)
{
    struct sockaddr_storage ss;
    int len = tu_loopback(family, port, &ss);
    SOCKET s = socket(family, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET)
        return s;
    if (connect(s, (struct sockaddr *)&ss, len) == SOCKET_ERROR) {
        int e = WSAGetLastError();
        closesocket(s);
        WSASetLastError(e);
        return INVALID_SOCKET;
    }
    return s;
}

int tu_set_timeouts(SOCKET s, DWORD ms)
{
    if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof(ms)) == SOCKET_ERROR ||
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof(ms)) == SOCKET_ERROR)
        return WSAGetLastError();
    return 0;
}

int tu_send_all(SOCKET s, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        int chunk = len > (1u << 20) ? (1 << 20) : (int)len;
        int n = send(s, p, chunk, 0);
        if (n == SOCKET_ERROR)
            return WSAGetLastError();
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int tu_recv_all(SOCKET s, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        int chunk = len > (1u << 20) ? (1 << 20) : (int)len;
        int n = recv(s, p, chunk, 0);
        if (n == SOCKET_ERROR)
            return WSAGetLastError();
        if (n == 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

long long tu_recv_to_eof(SOCKET s, unsigned long long off, int *pattern_ok)
{
    static __thread char buf[65536];
    long long total = 0;
    if (pattern_ok)
        *pattern_ok = 1;
    for (;;) {
        int n = recv(s, buf, sizeof(buf), 0);
        if (n == SOCKET_ERROR)
            return -(long long)WSAGetLastError();
        if (n == 0)
            return total;
        if (pattern_ok && *pattern_ok && tu_check(buf, off + (unsigned long long)total, (size_t)n) != (size_t)-1)
            *pattern_ok = 0;
        total += n;
    }
}

int tu_tcp_pair(int family, SOCKET *client, SOCKET *server)
{
    unsigned short port;
    *client = *server = INVALID_SOCKET;
    SOCKET l = tu_listener(family, SOCK_STREAM, &port);
    if (l == INVALID_SOCKET)
        return WSAGetLastError();
    SOCKET c = tu_connect(family, port);
    if (c == INVALID_SOCKET) {
        int e = WSAGetLastError();
        closesocket(l);
        return e;
    }
    SOCKET a = accept(l, NULL, NULL);
    int e = WSAGetLastError();
    closesocket(l);
    if (a == INVALID_SOCKET) {
        closesocket(c);
        return e;
    }
    *client = c;
    *server = a;
    return 0;
}

void tu_exe_dir(WCHAR *buf, size_t n)
{
    DWORD len = GetModuleFileNameW(NULL, buf, (DWORD)n);
    while (len > 0 && buf[len - 1] != L'\\' && buf[len - 1] != L'/')
        len--;
    buf[len] = 0;
}

char *tu_read_file(const WCHAR *path)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, 0, NULL);
    DWORD size, got = 0;
    char *text;

    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    size = GetFileSize(h, NULL);
    text = malloc((size_t)size + 1);
    if (text && !ReadFile(h, text, size, &got, NULL))
        got = 0;
    if (text)
        text[got] = 0;
    CloseHandle(h);
    return text;
}

int tu_group_startup(void **state)
{
    (void)state;
    int r = tu_startup();
    if (r != 0)
        fprintf(stderr, "WSAStartup(2.2) failed: %d\n", r);
    return r;
}

int tu_group_cleanup(void **state)
{
    (void)state;
    return WSACleanup() == 0 ? 0 : -1;
}

void tu_main_init(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
    if (argc > 1 && argv[1][0] != '-')
        cmocka_set_test_filter(argv[1]);
}

/* ---- child processes and their output (shared by the suites that run tools) ---- */

/* Runs cmdline with stdout+stderr into a temporary file; returns the exit
 * code (or -1) and the output (malloc'd, UTF-8/ANSI bytes). */
int tu_run_capture(const WCHAR *cmdline, const WCHAR *env_name, const WCHAR *env_value,
                       char **output, DWORD timeout_ms)
{
    WCHAR dir[MAX_PATH], file[MAX_PATH];
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE out = INVALID_HANDLE_VALUE;
    /* a run that cannot even start says why, instead of an empty output */
    if (!GetTempPathW(MAX_PATH, dir) || !GetTempFileNameW(dir, L"tu", 0, file) ||
        (out = CreateFileW(file, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                           CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY, NULL)) == INVALID_HANDLE_VALUE) {
        *output = calloc(1, 96);
        if (*output)
            snprintf(*output, 96, "tu_run_capture: no temporary output file (error %lu)\n",
                     (unsigned long)GetLastError());
        return -1;
    }
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out;
    si.hStdError = out;
    WCHAR cmd[1024];
    wcsncpy(cmd, cmdline, 1023);
    cmd[1023] = 0;
    WCHAR old[64] = L"";
    int had_old = 0;
    if (env_name) {
        had_old = GetEnvironmentVariableW(env_name, old, 64) > 0;
        SetEnvironmentVariableW(env_name, env_value);
    }
    BOOL ok = CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    DWORD start_error = ok ? 0 : GetLastError();
    if (env_name)
        SetEnvironmentVariableW(env_name, had_old ? old : NULL);
    CloseHandle(out);
    int code = -1;
    if (ok) {
        if (WaitForSingleObject(pi.hProcess, timeout_ms) != WAIT_OBJECT_0) {
            TerminateProcess(pi.hProcess, 99);
            WaitForSingleObject(pi.hProcess, 5000);
            code = -2;
        } else {
            DWORD c;
            GetExitCodeProcess(pi.hProcess, &c);
            code = (int)c;
        }
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    HANDLE in = CreateFileW(file, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    DWORD size = in != INVALID_HANDLE_VALUE ? GetFileSize(in, NULL) : 0, got = 0;
    *output = calloc(1, size + 1);
    if (in != INVALID_HANDLE_VALUE) {
        ReadFile(in, *output, size, &got, NULL);
        CloseHandle(in);
    }
    DeleteFileW(file);
    if (!ok && *output && !**output) {
        free(*output);
        *output = calloc(1, 96);
        if (*output)
            snprintf(*output, 96, "tu_run_capture: CreateProcess failed (error %lu)\n",
                     (unsigned long)start_error);
    }
    return code;
}

void tu_print_indented(const char *what, const char *text)
{
    printf("    --- %s ---\n", what);
    for (const char *p = text; *p; ) {
        const char *e = strchr(p, '\n');
        int n = e ? (int)(e - p) : (int)strlen(p);
        printf("    | %.*s\n", n, p);
        p += n + (e ? 1 : 0);
    }
}

/* Whether some line of text contains both a and b (b may be NULL). */
int tu_line_has(const char *text, const char *a, const char *b)
{
    for (const char *p = text; *p; ) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *line = malloc(n + 1);
        memcpy(line, p, n);
        line[n] = 0;
        int hit = strstr(line, a) && (!b || strstr(line, b));
        free(line);
        if (hit) return 1;
        p += n + (e ? 1 : 0);
    }
    return 0;
}

void tu_set_env(const char *name, const char *value)
{
    char buf[512];
    SetEnvironmentVariableA(name, value);      /* what GetEnvironmentVariable sees */
    snprintf(buf, sizeof(buf), "%s=%s", name, value ? value : "");
    _putenv(buf);                              /* and the CRT's copy */
}

int tu_echo_through_host_peer(const char *msg)
{
    size_t len = strlen(msg) + 1;
    char got[256];
    if (len > sizeof(got)) { printf("child: echo message too long\n"); return 14; }
    if (hostpeer_init()) { printf("child: hostpeer: %s\n", hostpeer_error_text()); return 12; }
    hostpeer_tcp_opts o = { .family = AF_INET, .echo = 1 };
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    if (!hl) { printf("child: host listener failed\n"); return 12; }
    SOCKET c = tu_connect(AF_INET, hostpeer_listener_port(hl));
    if (c == INVALID_SOCKET) { printf("child: connect failed: %d\n", WSAGetLastError()); return 13; }
    tu_set_timeouts(c, 10000);
    if (tu_send_all(c, msg, len) || tu_recv_all(c, got, len) || memcmp(msg, got, len)) {
        printf("child: echo failed: %d\n", WSAGetLastError());
        return 14;
    }
    closesocket(c);
    hostpeer_listener_free(hl);
    return 0;
}

DWORD WINAPI tu_push_thread(void *arg)
{
    struct tu_pusher *p = arg;
    char chunk[8192];
    size_t len = p->chunk && p->chunk <= sizeof(chunk) ? p->chunk : sizeof(chunk);
    for (;;) {
        tu_fill(chunk, p->sent, len);
        int n = send(p->s, chunk, (int)len, 0);
        if (n == SOCKET_ERROR) {
            p->err = WSAGetLastError();
            p->failed_at = tu_now_ms();
            return 0;
        }
        p->sent += (unsigned long long)n;
        if (p->stop) return 0;
    }
}

/*
 * Other runs on the machine (another worktree's suites, a CI run next to a
 * developer's) have hubs of their own, each with its own owner key: a
 * station that met one of them would be refused and never discover its
 * peer.  So the port is chosen at random among those nobody listens on,
 * and handed to the child stations through the environment.
 */
unsigned short tu_private_air_port(DWORD salt)
{
    char v[16];
    DWORD n = GetEnvironmentVariableA("CEWS2_TEST_AIR_PORT", v, sizeof(v));
    LARGE_INTEGER t;
    unsigned seed, i;
    unsigned short port = 0;

    if (n > 0 && n < sizeof(v) && atoi(v) > 0 && atoi(v) < 65536)
        return (unsigned short)atoi(v);
    QueryPerformanceCounter(&t);
    seed = (unsigned)t.QuadPart ^ (unsigned)(t.QuadPart >> 32) ^ salt * 2654435761u;
    for (i = 0; i < 64 && !port; i++) {
        unsigned short p = (unsigned short)(30000 + (seed + i * 7919u) % 20000u);
        hostpeer_sock s = hostpeer_tcp_connect(AF_INET, p);
        if (s == HOSTPEER_BAD)
            port = p;
        else
            hostpeer_close(s);
    }
    if (!port)
        port = (unsigned short)(30000 + seed % 20000u);
    snprintf(v, sizeof(v), "%u", port);
    tu_set_env("CEWS2_TEST_AIR_PORT", v);
    return port;
}

void tu_station_env(unsigned short air_port, const char *nick, unsigned long addr)
{
    char v[32];
    snprintf(v, sizeof(v), "%u", air_port);
    tu_set_env("CEWS2_IRDA_AIR_PORT", v);
    tu_set_env("CEWS2_IRDA_NICKNAME", nick);
    snprintf(v, sizeof(v), "0x%08lX", addr);
    tu_set_env("CEWS2_IRDA_DEVICE_ADDRESS", v);
    tu_set_env("CEWS2_IRDA_AIR_HUB_IDLE", "5");
}

unsigned tu_program_hash(void)
{
    WCHAR exe[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
    unsigned h = 2166136261u;
    for (DWORD i = 0; i < n && i < MAX_PATH; i++) {
        h ^= (unsigned)towlower(exe[i]);
        h *= 16777619u;
    }
    return h;
}

WSAQUERYSETW *tu_service_reg(struct tu_service_reg *r, const WCHAR *name, GUID *class_id, DWORD space,
                             GUID *provider, u_long address, u_short port)
{
    memset(r, 0, sizeof(*r));
    r->at.sin_family = AF_INET;
    r->at.sin_port = htons(port);
    r->at.sin_addr.s_addr = htonl(address);
    r->csa.LocalAddr.lpSockaddr = (SOCKADDR *)&r->at;
    r->csa.LocalAddr.iSockaddrLength = sizeof(r->at);
    r->csa.iSocketType = SOCK_STREAM;
    r->csa.iProtocol = IPPROTO_TCP;
    r->q.dwSize = sizeof(r->q);
    r->q.lpszServiceInstanceName = (WCHAR *)name;
    r->q.lpServiceClassId = class_id;
    r->q.dwNameSpace = space;
    r->q.lpNSProviderId = provider;
    r->q.dwNumberOfCsAddrs = 1;
    r->q.lpcsaBuffer = &r->csa;
    return &r->q;
}
