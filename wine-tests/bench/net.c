/*
 * net.c - what every workload needs: time, failures, loopback connections.
 */
#include "bench.h"

#include <stdarg.h>

static char failure[512];
static volatile LONG failed;

double bench_now_ms(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;

    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart * 1000.0 / (double)freq.QuadPart;
}

int bench_fail(const char *fmt, ...)
{
    va_list ap;

    if (InterlockedCompareExchange(&failed, 1, 0) == 0) {
        va_start(ap, fmt);
        vsnprintf(failure, sizeof(failure), fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *bench_failure(void)
{
    return failed ? failure : NULL;
}

void bench_clear_failure(void)
{
    failure[0] = 0;
    InterlockedExchange(&failed, 0);
}

SOCKET bench_listen(const bench_api *api, struct sockaddr_in *addr, int backlog)
{
    int len = sizeof(*addr);
    SOCKET ls = api->socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    if (ls == INVALID_SOCKET) {
        bench_fail("%s: socket (listener): %d", api->name, api->WSAGetLastError());
        return INVALID_SOCKET;
    }
    ZeroMemory(addr, sizeof(*addr));
    addr->sin_family = AF_INET;
    /* 127.0.0.1, in network order without htonl (this program imports no Winsock) */
    addr->sin_addr.S_un.S_un_b.s_b1 = 127;
    addr->sin_addr.S_un.S_un_b.s_b4 = 1;
    if (api->bind(ls, (struct sockaddr *)addr, sizeof(*addr)) ||
        api->listen(ls, backlog) ||
        api->getsockname(ls, (struct sockaddr *)addr, &len)) {
        bench_fail("%s: listener setup: %d", api->name, api->WSAGetLastError());
        api->closesocket(ls);
        return INVALID_SOCKET;
    }
    return ls;
}

int bench_connect_pair(const bench_api *api, SOCKET ls, const struct sockaddr_in *addr,
                       SOCKET *client, SOCKET *server)
{
    *client = api->socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    *server = INVALID_SOCKET;
    if (*client == INVALID_SOCKET)
        return bench_fail("%s: socket: %d", api->name, api->WSAGetLastError());
    if (api->connect(*client, (const struct sockaddr *)addr, sizeof(*addr))) {
        bench_fail("%s: connect: %d", api->name, api->WSAGetLastError());
        goto fail;
    }
    *server = api->accept(ls, NULL, NULL);
    if (*server == INVALID_SOCKET) {
        bench_fail("%s: accept: %d", api->name, api->WSAGetLastError());
        goto fail;
    }
    return 0;
fail:
    api->closesocket(*client);
    *client = INVALID_SOCKET;
    return -1;
}

int bench_send_all(const bench_api *api, SOCKET s, const char *buf, int len)
{
    while (len > 0) {
        int n = api->send(s, buf, len, 0);
        if (n <= 0)
            return bench_fail("%s: send: %d", api->name, n ? api->WSAGetLastError() : 0);
        buf += n;
        len -= n;
    }
    return 0;
}

void bench_nodelay(const bench_api *api, SOCKET s)
{
    BOOL on = TRUE;
    api->setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, sizeof(on));
}

/* The far end of a 1-byte ping-pong: returns every byte until the stream ends. */
DWORD WINAPI bench_echo_bytes(void *arg)
{
    struct bench_echo *e = arg;
    char b;

    while (e->api->recv(e->s, &b, 1, 0) == 1)
        if (e->api->send(e->s, &b, 1, 0) != 1)
            break;
    return 0;
}

int bench_child_start(const char *args, const WCHAR *env, HANDLE *process, HANDLE *out)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE wr;
    char exe[MAX_PATH], cmd[MAX_PATH + 160];
    BOOL ok;

    *process = *out = NULL;
    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmd, sizeof(cmd), "\"%s\" %s", exe, args);
    if (!CreatePipe(out, &wr, &sa, 0))
        return bench_fail("CreatePipe: %lu", GetLastError());
    SetHandleInformation(*out, HANDLE_FLAG_INHERIT, 0);
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    ok = CreateProcessA(exe, cmd, NULL, NULL, TRUE, env ? CREATE_UNICODE_ENVIRONMENT : 0, (void *)env,
                        NULL, &si, &pi);
    CloseHandle(wr);            /* now only the child holds the write end */
    if (!ok) {
        CloseHandle(*out);
        *out = NULL;
        return bench_fail("CreateProcess(%s): %lu", cmd, GetLastError());
    }
    CloseHandle(pi.hThread);
    *process = pi.hProcess;
    return 0;
}

void bench_child_output(HANDLE out, char *buf, size_t len)
{
    DWORD got = 0, n;

    while (got < len - 1 && ReadFile(out, buf + got, (DWORD)(len - 1 - got), &n, NULL) && n)
        got += n;
    buf[got] = 0;
    while (got && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
        buf[--got] = 0;
    CloseHandle(out);
}

DWORD bench_child_run(const char *args, char *buf, size_t len)
{
    HANDLE process, out;
    DWORD code = 1;

    buf[0] = 0;
    if (bench_child_start(args, NULL, &process, &out))
        return (DWORD)-1;
    bench_child_output(out, buf, len);
    WaitForSingleObject(process, 120000);
    GetExitCodeProcess(process, &code);
    CloseHandle(process);
    return code;
}
