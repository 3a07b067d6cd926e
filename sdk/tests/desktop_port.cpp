// desktop_port.cpp - a desktop Winsock program of the kind users bring,
// unchanged: C++, ANSI build (no UNICODE), getaddrinfo through <wspiapi.h>,
// WSASocket, WSAAddressToString, an overlapped AcceptEx server.  Built by
// wine-tests/sdk_desktop.sh twice: mingw-w64 g++ with -lws2 (CRT and all),
// and clang for the MSVC target with lld-link against ws2.lib and kernel32
// only (CEWS_NO_CRT: no C runtime, so output and memset/memcpy are ours).
// It must link with no glue and print "desktop_port: ok".
#include <winsock2.h>
#include <ws2tcpip.h>
#include <wspiapi.h>
#include <mswsock.h>

namespace {

HANDLE out;

void put(const char *s)
{
    DWORD n = 0, done;
    while (s[n])
        n++;
    WriteFile(out, s, n, &done, nullptr);
}

void put_number(unsigned long v)
{
    char b[16];
    int i = 15;
    b[i] = 0;
    do b[--i] = char('0' + v % 10); while ((v /= 10));
    put(b + i);
}

[[noreturn]] void fail(const char *what)
{
    put("desktop_port: ");
    put(what);
    put(" failed, error ");
    put_number((unsigned long)WSAGetLastError());
    put("\n");
    ExitProcess(1);
}

// The text of an address, the way a desktop program prints it.
struct address_text {
    char text[64];
    explicit address_text(sockaddr *sa, int len)
    {
        DWORD size = sizeof(text);
        if (WSAAddressToString(sa, (DWORD)len, nullptr, text, &size) != 0)
            fail("WSAAddressToString");
    }
};

int run()
{
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0)
        fail("WSAStartup");

    addrinfo hints = {}, *found = nullptr;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    if (getaddrinfo("127.0.0.1", "0", &hints, &found) != 0)
        fail("getaddrinfo");

    SOCKET listener = WSASocket(found->ai_family, found->ai_socktype, found->ai_protocol, nullptr,
                                0, WSA_FLAG_OVERLAPPED);
    if (listener == INVALID_SOCKET)
        fail("WSASocket");
    if (bind(listener, found->ai_addr, (int)found->ai_addrlen) || listen(listener, 4))
        fail("bind/listen");
    freeaddrinfo(found);
    sockaddr_in where = {};
    int where_len = sizeof(where);
    if (getsockname(listener, (sockaddr *)&where, &where_len))
        fail("getsockname");
    put("listening on ");
    put(address_text((sockaddr *)&where, where_len).text);
    put("\n");

    // the overlapped accept, waiting for 5 bytes of the first message
    SOCKET accepted = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                WSA_FLAG_OVERLAPPED);
    char buffer[5 + 2 * (sizeof(sockaddr_in) + 16)];
    DWORD got = 0, flags = 0;
    WSAOVERLAPPED ov = {};
    ov.hEvent = WSACreateEvent();
    if (!AcceptEx(listener, accepted, buffer, 5, sizeof(sockaddr_in) + 16,
                  sizeof(sockaddr_in) + 16, &got, &ov) && WSAGetLastError() != WSA_IO_PENDING)
        fail("AcceptEx");

    SOCKET client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (client == INVALID_SOCKET || connect(client, (sockaddr *)&where, where_len))
        fail("connect");
    if (send(client, "hello", 5, 0) != 5)
        fail("send");
    if (WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 10000, FALSE) != WSA_WAIT_EVENT_0 ||
        !WSAGetOverlappedResult(listener, &ov, &got, FALSE, &flags) || got != 5)
        fail("AcceptEx completion");
    if (setsockopt(accepted, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&listener,
                   sizeof(listener)))
        fail("SO_UPDATE_ACCEPT_CONTEXT");
    sockaddr *local = nullptr, *remote = nullptr;
    int local_len = 0, remote_len = 0;
    GetAcceptExSockaddrs(buffer, 5, sizeof(sockaddr_in) + 16, sizeof(sockaddr_in) + 16, &local,
                         &local_len, &remote, &remote_len);
    if (!remote)
        fail("GetAcceptExSockaddrs");
    put("accepted ");
    put(address_text(remote, remote_len).text);
    put("\n");

    // echo the greeting back
    if (send(accepted, buffer, 5, 0) != 5)
        fail("echo send");
    char echo[5];
    int have = 0;
    while (have < 5) {
        int n = recv(client, echo + have, 5 - have, 0);
        if (n <= 0)
            fail("recv");
        have += n;
    }
    for (int i = 0; i < 5; i++)
        if (echo[i] != "hello"[i])
            fail("echo compare");
    put("echoed hello\n");
    closesocket(client);
    closesocket(accepted);
    closesocket(listener);
    WSACloseEvent(ov.hEvent);
    WSACleanup();
    put("desktop_port: ok\n");
    return 0;
}

} // namespace

#ifdef CEWS_NO_CRT
extern "C" {
void *memset(void *dst, int c, size_t n)
{
    volatile unsigned char *p = (unsigned char *)dst;
    while (n--)
        *p++ = (unsigned char)c;
    return dst;
}
void *memcpy(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    while (n--)
        *d++ = *s++;
    return dst;
}
void start(void)
{
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    ExitProcess((UINT)run());
}
}
#else
int main()
{
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    return run();
}
#endif
