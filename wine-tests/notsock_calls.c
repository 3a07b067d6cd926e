/*
 * notsock_calls.c - every export that takes a socket, called on a given
 * handle (notsock_calls.h).  A row's arguments other than the socket are
 * valid, so the socket is the only thing that can be wrong.
 */
#include "notsock_calls.h"

#include <string.h>

static char buf[64];
static long long f_closesocket(SOCKET s) { return closesocket(s); }
static long long f_bind(SOCKET s) { struct sockaddr_in a = tu_loopback4(9); a.sin_port = 0; return bind(s, (struct sockaddr *)&a, sizeof(a)); }
static long long f_connect(SOCKET s) { struct sockaddr_in a = tu_loopback4(9); return connect(s, (struct sockaddr *)&a, sizeof(a)); }
static long long f_joinleaf(SOCKET s) { struct sockaddr_in a = tu_loopback4(9); return (long long)WSAJoinLeaf(s, (struct sockaddr *)&a, sizeof(a), NULL, NULL, NULL, NULL, JL_BOTH); }
static long long f_wsaconnect(SOCKET s) { struct sockaddr_in a = tu_loopback4(9); return WSAConnect(s, (struct sockaddr *)&a, sizeof(a), NULL, NULL, NULL, NULL); }
static long long f_listen(SOCKET s) { return listen(s, 1); }
static long long f_accept(SOCKET s) { return (long long)accept(s, NULL, NULL); }
static long long f_wsaaccept(SOCKET s) { return (long long)WSAAccept(s, NULL, NULL, NULL, 0); }
static long long f_send(SOCKET s) { return send(s, buf, 1, 0); }
static long long f_recv(SOCKET s) { return recv(s, buf, 1, 0); }
static long long f_sendto(SOCKET s) { struct sockaddr_in a = tu_loopback4(9); return sendto(s, buf, 1, 0, (struct sockaddr *)&a, sizeof(a)); }
static long long f_recvfrom(SOCKET s) { struct sockaddr_storage f; int l = sizeof(f); return recvfrom(s, buf, 1, 0, (struct sockaddr *)&f, &l); }
static long long f_wsasend(SOCKET s) { WSABUF b = { 1, buf }; DWORD n; return WSASend(s, &b, 1, &n, 0, NULL, NULL); }
static long long f_wsarecv(SOCKET s) { WSABUF b = { 1, buf }; DWORD n, fl = 0; return WSARecv(s, &b, 1, &n, &fl, NULL, NULL); }
static long long f_wsasend_ov(SOCKET s)
{
    WSABUF b = { 1, buf }; DWORD n; WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    int r = WSASend(s, &b, 1, &n, 0, &ov, NULL);
    int e = WSAGetLastError();
    WSACloseEvent(ov.hEvent);
    WSASetLastError(e);
    return r;
}
static long long f_wsarecv_ov(SOCKET s)
{
    WSABUF b = { 1, buf }; DWORD n, fl = 0; WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    int r = WSARecv(s, &b, 1, &n, &fl, &ov, NULL);
    int e = WSAGetLastError();
    WSACloseEvent(ov.hEvent);
    WSASetLastError(e);
    return r;
}
static long long f_wsasendto(SOCKET s) { WSABUF b = { 1, buf }; DWORD n; struct sockaddr_in a = tu_loopback4(9); return WSASendTo(s, &b, 1, &n, 0, (struct sockaddr *)&a, sizeof(a), NULL, NULL); }
static long long f_wsarecvfrom(SOCKET s) { WSABUF b = { 1, buf }; DWORD n, fl = 0; return WSARecvFrom(s, &b, 1, &n, &fl, NULL, NULL, NULL, NULL); }
static long long f_shutdown(SOCKET s) { return shutdown(s, SD_SEND); }
static long long f_setsockopt(SOCKET s) { int v = 1; return setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (char *)&v, sizeof(v)); }
static long long f_getsockopt(SOCKET s) { int v, l = sizeof(v); return getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, &l); }
static long long f_ioctlsocket(SOCKET s) { u_long v = 0; return ioctlsocket(s, FIONREAD, &v); }
static long long f_wsaioctl(SOCKET s) { u_long v = 0; DWORD n; return WSAIoctl(s, FIONREAD, NULL, 0, &v, sizeof(v), &n, NULL, NULL); }
static long long f_getpeername(SOCKET s) { struct sockaddr_storage a; int l = sizeof(a); return getpeername(s, (struct sockaddr *)&a, &l); }
static long long f_getsockname(SOCKET s) { struct sockaddr_storage a; int l = sizeof(a); return getsockname(s, (struct sockaddr *)&a, &l); }
static long long f_eventselect(SOCKET s)
{
    WSAEVENT ev = WSACreateEvent();
    int r = WSAEventSelect(s, ev, FD_READ);
    int e = WSAGetLastError();
    WSACloseEvent(ev);
    WSASetLastError(e);
    return r;
}
/* a message-only window of its own, so that only the socket is wrong */
static long long f_asyncselect(SOCKET s)
{
    static HWND window;
    if (!window)
        window = CreateWindowExA(0, "Message", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    return WSAAsyncSelect(s, window, WM_USER, FD_READ);
}
static long long f_enumnetworkevents(SOCKET s) { WSANETWORKEVENTS ne; return WSAEnumNetworkEvents(s, NULL, &ne); }
static long long f_getoverlapped(SOCKET s)
{
    WSAOVERLAPPED ov; DWORD n, fl;
    memset(&ov, 0, sizeof(ov));
    return WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl);
}
static long long f_htonl(SOCKET s) { u_long o; return WSAHtonl(s, 1, &o); }
static long long f_htons(SOCKET s) { u_short o; return WSAHtons(s, 1, &o); }
static long long f_ntohl(SOCKET s) { u_long o; return WSANtohl(s, 1, &o); }
static long long f_ntohs(SOCKET s) { u_short o; return WSANtohs(s, 1, &o); }
static long long f_select_read(SOCKET s)
{
    fd_set rd; struct timeval tv = { 0, 0 };
    FD_ZERO(&rd); rd.fd_array[0] = s; rd.fd_count = 1;
    return select(0, &rd, NULL, NULL, &tv);
}
static long long f_select_write(SOCKET s)
{
    fd_set wr; struct timeval tv = { 0, 0 };
    FD_ZERO(&wr); wr.fd_array[0] = s; wr.fd_count = 1;
    return select(0, NULL, &wr, NULL, &tv);
}

#define SE SOCKET_ERROR
#define IS ((long long)INVALID_SOCKET)
const struct sock_call sock_calls[] = {
    { "bind", f_bind, SE },
    { "connect", f_connect, SE },
    { "WSAConnect", f_wsaconnect, SE },
    { "WSAJoinLeaf", f_joinleaf, IS },
    { "listen", f_listen, SE },
    { "accept", f_accept, IS },
    { "WSAAccept", f_wsaaccept, IS },
    { "send", f_send, SE },
    { "recv", f_recv, SE },
    { "sendto", f_sendto, SE },
    { "recvfrom", f_recvfrom, SE },
    { "WSASend", f_wsasend, SE },
    { "WSARecv", f_wsarecv, SE },
    { "WSASend(overlapped)", f_wsasend_ov, SE },
    { "WSARecv(overlapped)", f_wsarecv_ov, SE },
    { "WSASendTo", f_wsasendto, SE },
    { "WSARecvFrom", f_wsarecvfrom, SE },
    { "shutdown", f_shutdown, SE },
    { "setsockopt", f_setsockopt, SE },
    { "getsockopt", f_getsockopt, SE },
    { "ioctlsocket", f_ioctlsocket, SE },
    { "WSAIoctl", f_wsaioctl, SE },
    { "getpeername", f_getpeername, SE },
    { "getsockname", f_getsockname, SE },
    { "WSAEventSelect", f_eventselect, SE },
    { "WSAEnumNetworkEvents", f_enumnetworkevents, SE },
    { "WSAAsyncSelect", f_asyncselect, SE },
    { "WSAGetOverlappedResult", f_getoverlapped, FALSE },
    { "WSAHtonl", f_htonl, SE },
    { "WSAHtons", f_htons, SE },
    { "WSANtohl", f_ntohl, SE },
    { "WSANtohs", f_ntohs, SE },
    { "select(readfds)", f_select_read, SE },
    { "select(writefds)", f_select_write, SE },
    { "closesocket", f_closesocket, SE },    /* last: must not close handles */
};

const size_t sock_calls_count = sizeof(sock_calls) / sizeof(sock_calls[0]);
