/*
 * msvc_echo.c - proof that an MSVC-style toolchain can use ce-winsock.
 *
 * Built by wine-tests/sdk_msvc.sh with clang --target=<arch>-pc-windows-msvc
 * and linked by lld-link against ws2.lib (llvm-dlltool's import library for
 * ws2.dll) and kernel32 only: no C runtime, so this file formats its own
 * output and provides the one routine the compiler may call on its own
 * (memset).  It starts Winsock, makes a listener on 127.0.0.1, connects to
 * it, sends a line, echoes it back through the accepted socket, checks it,
 * prints what happened and exits 0 (or 1 with the failing call).
 */
#include <cews2.h>

static HANDLE out;

void *memset(void *dst, int c, size_t n);
void *memset(void *dst, int c, size_t n)
{
    volatile unsigned char *p = dst;   /* volatile: not turned back into a memset call */
    while (n--)
        *p++ = (unsigned char)c;
    return dst;
}

static size_t length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void put(const char *s)
{
    DWORD done;
    WriteFile(out, s, (DWORD)length(s), &done, NULL);
}

static void put_number(unsigned long v)
{
    char buf[24], *p = buf + sizeof(buf);
    *--p = 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(p);
}

static void fail(const char *what)
{
    put("msvc_echo: ");
    put(what);
    put(" failed, WSAGetLastError ");
    put_number((unsigned long)WSAGetLastError());
    put("\r\n");
    ExitProcess(1);
}

void start(void);
void start(void)
{
    static const char line[] = "hello from an MSVC-style program";
    static char got[sizeof(line)];
    struct sockaddr_in sa;
    int len, n, total;
    SOCKET ls, cs, as;
    WSADATA wd;

    out = GetStdHandle(STD_OUTPUT_HANDLE);
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        fail("WSAStartup");
    put("msvc_echo: WSAStartup ok, Winsock ");
    put_number(LOBYTE(wd.wVersion));
    put(".");
    put_number(HIBYTE(wd.wVersion));
    put("\r\n");

    ls = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (ls == INVALID_SOCKET)
        fail("socket");
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1))
        fail("bind/listen");
    len = sizeof(sa);
    if (getsockname(ls, (struct sockaddr *)&sa, &len))
        fail("getsockname");
    put("msvc_echo: listening on 127.0.0.1:");
    put_number(ntohs(sa.sin_port));
    put("\r\n");

    /* The connection completes in the listen backlog, so one thread can
     * connect first and accept afterwards. */
    cs = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (cs == INVALID_SOCKET || connect(cs, (struct sockaddr *)&sa, sizeof(sa)))
        fail("connect");
    as = accept(ls, NULL, NULL);
    if (as == INVALID_SOCKET)
        fail("accept");

    if (send(cs, line, sizeof(line), 0) != (int)sizeof(line))
        fail("client send");
    for (total = 0; total < (int)sizeof(line); total += n) {   /* server: echo */
        n = recv(as, got + total, (int)sizeof(line) - total, 0);
        if (n <= 0)
            fail("server recv");
    }
    if (send(as, got, total, 0) != total)
        fail("server send");
    memset(got, 0, sizeof(got));
    for (total = 0; total < (int)sizeof(line); total += n) {   /* client: read it back */
        n = recv(cs, got + total, (int)sizeof(line) - total, 0);
        if (n <= 0)
            fail("client recv");
    }
    for (n = 0; n < (int)sizeof(line); n++)
        if (got[n] != line[n])
            fail("echo comparison");
    put("msvc_echo: echoed \"");
    put(got);
    put("\" (");
    put_number((unsigned long)total);
    put(" bytes)\r\n");

    closesocket(as);
    closesocket(cs);
    closesocket(ls);
    WSACleanup();
    put("msvc_echo: ok\r\n");
    ExitProcess(0);
}
