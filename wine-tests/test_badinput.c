/*
 * test_badinput.c - table-driven invalid arguments: one row per (export,
 * bad input) for every export of ws2/ws2.def: NULL pointers, short and
 * oversized lengths, unknown levels and options, bad address families,
 * malformed SOCKADDR_IRDA (AF_IRDA rows run when irdaprov is registered),
 * each with the documented failure value and error code.  Nothing may
 * crash.  (Non-sockets given to every socket-taking export: test_notsock.c;
 * the sockets the rows use: badinput_fixture.c.)
 *
 * every_export_has_a_row reads ws2/ws2.def; table_in_docs_matches checks
 * that docs/reliability.md carries the table generated from these rows.
 */
#include "badinput_fixture.h"
#include "notsock_calls.h"
#include "badinput_namespace.h"
#include "badinput_async.h"
#include "badinput_irda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SE SOCKET_ERROR
#define IS ((long long)INVALID_SOCKET)

static char buf[64];

/* ---- pointers, lengths, levels, families: one row per (call, input) ------------- */

enum { ROW_NO_ERROR = 1,    /* the call reports through its return value only */
       ROW_IRDA = 2 };      /* needs an AF_IRDA socket */

typedef struct bad_arg {
    const char *call;       /* the export */
    const char *input;      /* what is wrong with the arguments */
    long long (*fn)(void);
    long long failval;
    const char *fail_text;  /* failval as the docs write it */
    int err, alt_err;       /* alt_err: a second acceptable code, or 0 */
    int flags;
} bad_arg;

#define RET_ERR(r, e) do { int e_ = (e); if (e_) WSASetLastError(e_); return (r); } while (0)

static struct sockaddr_in with_family(u_short family) { struct sockaddr_in a = tu_loopback4(9); a.sin_family = family; return a; }

static long long b_startup_null(void) { int r = WSAStartup(MAKEWORD(2, 2), NULL); if (!r) WSACleanup(); RET_ERR(r, r); }
static long long b_startup_v0(void) { WSADATA d; int r = WSAStartup(MAKEWORD(0, 0), &d); if (!r) WSACleanup(); RET_ERR(r, r); }
static long long b_socket_family(void) { SOCKET s = socket(0x7777, SOCK_STREAM, 0); if (s != INVALID_SOCKET) closesocket(s); return (long long)s; }
static long long b_socket_type(void) { SOCKET s = socket(AF_INET, 0x77, 0); if (s != INVALID_SOCKET) closesocket(s); return (long long)s; }
static long long b_socket_proto(void) { SOCKET s = socket(AF_INET, SOCK_STREAM, 0x99); if (s != INVALID_SOCKET) closesocket(s); return (long long)s; }
static long long b_socket_prototype(void) { SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP); if (s != INVALID_SOCKET) closesocket(s); return (long long)s; }
static long long b_wsasocket_family(void) { SOCKET s = WSASocketW(0x7777, SOCK_STREAM, 0, NULL, 0, 0); if (s != INVALID_SOCKET) closesocket(s); return (long long)s; }
static long long b_wsasocket_info(void)
{
    WSAPROTOCOL_INFOW info;
    memset(&info, 0, sizeof(info));
    info.dwCatalogEntryId = 0x7fff0000;
    info.iAddressFamily = AF_INET; info.iSocketType = SOCK_STREAM; info.iProtocol = IPPROTO_TCP;
    info.ProtocolChain.ChainLen = BASE_PROTOCOL;
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
    if (s != INVALID_SOCKET) closesocket(s);
    return (long long)s;
}
static long long b_bind_null(void) { return bind(fx.tcp, NULL, sizeof(struct sockaddr_in)); }
static long long b_bind_short(void) { struct sockaddr_in a = tu_loopback4(9); a.sin_port = 0; return bind(fx.tcp, (struct sockaddr *)&a, sizeof(a) - 1); }
static long long b_bind6_v4len(void)
{
    struct sockaddr_storage ss; tu_loopback(AF_INET6, 0, &ss);
    return bind(fx.tcp6, (struct sockaddr *)&ss, sizeof(struct sockaddr_in));
}
static long long b_bind_family(void) { struct sockaddr_in a = with_family(0x7777); a.sin_port = 0; return bind(fx.tcp, (struct sockaddr *)&a, sizeof(a)); }
static long long b_bind_twice(void) { struct sockaddr_in a = tu_loopback4(9); a.sin_port = 0; return bind(fx.bound, (struct sockaddr *)&a, sizeof(a)); }
static long long b_connect_null(void) { return connect(fx.tcp, NULL, sizeof(struct sockaddr_in)); }
static long long b_joinleaf_null(void) { return (long long)WSAJoinLeaf(fx.udp, NULL, sizeof(struct sockaddr_in), NULL, NULL, NULL, NULL, JL_BOTH); }
static long long b_joinleaf_flags(void) { struct sockaddr_in a = tu_loopback4(9); return (long long)WSAJoinLeaf(fx.udp, (struct sockaddr *)&a, sizeof(a), NULL, NULL, NULL, NULL, 0x10); }
static long long b_joinleaf_udp(void) { struct sockaddr_in a = tu_loopback4(9); return (long long)WSAJoinLeaf(fx.udp, (struct sockaddr *)&a, sizeof(a), NULL, NULL, NULL, NULL, JL_BOTH); }
static long long b_connect_short(void) { struct sockaddr_in a = tu_loopback4(9); return connect(fx.tcp, (struct sockaddr *)&a, 4); }
static long long b_connect_family(void) { struct sockaddr_in a = with_family(0x7777); return connect(fx.tcp, (struct sockaddr *)&a, sizeof(a)); }
static long long b_connect_listener(void) { struct sockaddr_in a = tu_loopback4(9); return connect(fx.listener, (struct sockaddr *)&a, sizeof(a)); }
static long long b_wsaconnect_null(void) { return WSAConnect(fx.tcp, NULL, sizeof(struct sockaddr_in), NULL, NULL, NULL, NULL); }
static long long b_listen_udp(void) { return listen(fx.bound, 1); }
static long long b_accept_short(void) { struct sockaddr_in a; int l = 4; return (long long)accept(fx.listener, (struct sockaddr *)&a, &l); }
static long long b_accept_notlistening(void) { return (long long)accept(fx.tcp, NULL, NULL); }
static long long b_wsaaccept_short(void) { struct sockaddr_in a; int l = 4; return (long long)WSAAccept(fx.listener, (struct sockaddr *)&a, &l, NULL, 0); }
static long long b_send_null(void) { return send(fx.client, NULL, 10, 0); }
static long long fresh_tcp_call(int what)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    long long r = what == 0 ? send(s, buf, 1, 0) : recv(s, buf, 1, 0);
    int e = WSAGetLastError();
    closesocket(s);
    WSASetLastError(e);
    return r;
}
static long long b_send_notconn(void) { return fresh_tcp_call(0); }
static long long b_recv_null(void) { return recv(fx.server, NULL, 10, 0); }
static long long b_recv_notconn(void) { return fresh_tcp_call(1); }
static long long b_sendto_short(void) { struct sockaddr_in a = tu_loopback4(9); return sendto(fx.udp, buf, 1, 0, (struct sockaddr *)&a, 4); }
static long long b_sendto_family(void) { struct sockaddr_in a = with_family(0x7777); return sendto(fx.udp, buf, 1, 0, (struct sockaddr *)&a, sizeof(a)); }
static long long b_recvfrom_short(void) { struct sockaddr_in a; int l = 4; return recvfrom(fx.udp, buf, sizeof(buf), 0, (struct sockaddr *)&a, &l); }
static long long b_recvfrom_nulllen(void) { struct sockaddr_in a; return recvfrom(fx.udp, buf, sizeof(buf), 0, (struct sockaddr *)&a, NULL); }
static long long b_wsasend_nullbufs(void) { DWORD n; return WSASend(fx.client, NULL, 1, &n, 0, NULL, NULL); }
static long long b_wsarecv_nullbufs(void) { DWORD n, fl = 0; return WSARecv(fx.server, NULL, 1, &n, &fl, NULL, NULL); }
static long long b_wsarecv_nullflags(void) { WSABUF b = { 1, buf }; DWORD n; return WSARecv(fx.server, &b, 1, &n, NULL, NULL, NULL); }
static long long b_wsasendto_short(void) { WSABUF b = { 1, buf }; DWORD n; struct sockaddr_in a = tu_loopback4(9); return WSASendTo(fx.udp, &b, 1, &n, 0, (struct sockaddr *)&a, 4, NULL, NULL); }
static long long b_wsarecvfrom_short(void) { WSABUF b = { sizeof(buf), buf }; DWORD n, fl = 0; struct sockaddr_in a; int l = 4; return WSARecvFrom(fx.udp, &b, 1, &n, &fl, (struct sockaddr *)&a, &l, NULL, NULL); }
static long long b_shutdown_how(void) { return shutdown(fx.client, 7); }
static long long b_shutdown_notconn(void) { return shutdown(fx.tcp, SD_SEND); }
static long long b_getsockname_null(void) { int l = sizeof(struct sockaddr_in); return getsockname(fx.bound, NULL, &l); }
static long long b_getsockname_nulllen(void) { struct sockaddr_in a; return getsockname(fx.bound, (struct sockaddr *)&a, NULL); }
static long long b_getsockname_short(void) { struct sockaddr_in a; int l = 4; return getsockname(fx.bound, (struct sockaddr *)&a, &l); }
static long long b_getsockname_unbound(void) { struct sockaddr_in a; int l = sizeof(a); return getsockname(fx.tcp, (struct sockaddr *)&a, &l); }
static long long b_getpeername_null(void) { int l = sizeof(struct sockaddr_in); return getpeername(fx.client, NULL, &l); }
static long long b_getpeername_short(void) { struct sockaddr_in a; int l = 4; return getpeername(fx.client, (struct sockaddr *)&a, &l); }
static long long b_getpeername_notconn(void) { struct sockaddr_in a; int l = sizeof(a); return getpeername(fx.tcp, (struct sockaddr *)&a, &l); }
static long long b_getsockopt_nulllen(void) { int v; return getsockopt(fx.tcp, SOL_SOCKET, SO_TYPE, (char *)&v, NULL); }
static long long b_getsockopt_nullval(void) { int l = sizeof(int); return getsockopt(fx.tcp, SOL_SOCKET, SO_TYPE, NULL, &l); }
static long long b_getsockopt_short(void) { int v, l = 1; return getsockopt(fx.tcp, SOL_SOCKET, SO_TYPE, (char *)&v, &l); }
static long long b_getsockopt_linger_short(void) { struct linger lg; int l = 2; return getsockopt(fx.tcp, SOL_SOCKET, SO_LINGER, (char *)&lg, &l); }
static long long b_setsockopt_nullval(void) { return setsockopt(fx.tcp, SOL_SOCKET, SO_LINGER, NULL, sizeof(struct linger)); }
static long long b_setsockopt_short(void) { struct linger lg = { 1, 1 }; return setsockopt(fx.tcp, SOL_SOCKET, SO_LINGER, (char *)&lg, 2); }
static long long b_setsockopt_rcvtimeo_short(void) { DWORD v = 10; return setsockopt(fx.tcp, SOL_SOCKET, SO_RCVTIMEO, (char *)&v, 1); }
static long long b_getsockopt_big(void)
{
    static char big[4096]; int l = sizeof(big);
    int r = getsockopt(fx.tcp, SOL_SOCKET, SO_TYPE, big, &l);
    if (r == 0 && l != (int)sizeof(int))
        tu_log("getsockopt(SO_TYPE) with optlen 4096: 0, *optlen %d", l);
    return r == 0 && (l == (int)sizeof(int) || l == (int)sizeof(big)) ? 0 : -1;
}
static long long b_getsockopt_unknown(void) { int v, l = sizeof(v); return getsockopt(fx.tcp, SOL_SOCKET, 0x7777, (char *)&v, &l); }
static long long b_setsockopt_unknown(void) { int v = 1; return setsockopt(fx.tcp, SOL_SOCKET, 0x7777, (char *)&v, sizeof(v)); }
static long long b_getsockopt_level(void) { int v, l = sizeof(v); return getsockopt(fx.tcp, 0x4321, SO_TYPE, (char *)&v, &l); }
static long long b_setsockopt_level(void) { int v = 1; return setsockopt(fx.tcp, 0x4321, SO_KEEPALIVE, (char *)&v, sizeof(v)); }
static long long b_linger_on_udp(void) { struct linger lg = { 1, 1 }; return setsockopt(fx.udp, SOL_SOCKET, SO_LINGER, (char *)&lg, sizeof(lg)); }
static long long b_select_nosets(void) { struct timeval tv = { 0, 1000 }; return select(0, NULL, NULL, NULL, &tv); }
static long long b_select_overfull(void)
{
    static fd_set rd; struct timeval tv = { 0, 0 };
    FD_ZERO(&rd);
    for (int i = 0; i < FD_SETSIZE; i++) rd.fd_array[i] = fx.udp;
    rd.fd_count = 0x7fffffff;         /* far past any memory the set has */
    return select(0, &rd, NULL, NULL, &tv);
}
static long long b_ioctlsocket_null(void) { return ioctlsocket(fx.tcp, FIONBIO, NULL); }
static long long b_ioctlsocket_unknown(void) { u_long v = 0; return ioctlsocket(fx.tcp, (long)0x80047777, &v); }
static long long b_wsaioctl_noout(void) { DWORD n; return WSAIoctl(fx.tcp, FIONREAD, NULL, 0, NULL, 0, &n, NULL, NULL); }
static long long b_wsaioctl_unknown(void) { DWORD n; char o[16]; return WSAIoctl(fx.tcp, 0x7f00ul, NULL, 0, o, sizeof(o), &n, NULL, NULL); }
static long long b_eventselect_nullevent(void) { return WSAEventSelect(fx.udp, NULL, FD_READ); }
static long long b_enumnetworkevents_null(void) { return WSAEnumNetworkEvents(fx.tcp, NULL, NULL); }
static long long b_closeevent_null(void) { return WSACloseEvent(NULL); }
static long long b_setevent_null(void) { return WSASetEvent(NULL); }
static long long b_resetevent_null(void) { return WSAResetEvent(NULL); }
static long long b_wait_zero(void) { WSAEVENT e = NULL; return (long long)WSAWaitForMultipleEvents(0, &e, FALSE, 0, FALSE); }
static long long b_wait_too_many(void)
{
    WSAEVENT e[WSA_MAXIMUM_WAIT_EVENTS + 1];
    for (int i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++) e[i] = (WSAEVENT)(UINT_PTR)4;
    return (long long)WSAWaitForMultipleEvents(WSA_MAXIMUM_WAIT_EVENTS + 1, e, FALSE, 0, FALSE);
}
static long long b_getoverlapped_null(void) { DWORD n, fl; return WSAGetOverlappedResult(fx.client, NULL, &n, FALSE, &fl); }
static long long b_enumprotocols_nulllen(void) { return WSAEnumProtocolsW(NULL, NULL, NULL); }
static long long b_enumprotocols_short(void) { WSAPROTOCOL_INFOW p; DWORD l = 10; return WSAEnumProtocolsW(NULL, &p, &l); }
static long long b_stringtoaddr_short(void)
{
    struct sockaddr_storage ss; int l = 4;
    return WSAStringToAddressW((LPWSTR)L"127.0.0.1", AF_INET, NULL, (struct sockaddr *)&ss, &l);
}
static long long b_stringtoaddr_garbage(void)
{
    struct sockaddr_storage ss; int l = sizeof(ss);
    return WSAStringToAddressW((LPWSTR)L"not an address", AF_INET, NULL, (struct sockaddr *)&ss, &l);
}
static long long b_stringtoaddr_family(void)
{
    struct sockaddr_storage ss; int l = sizeof(ss);
    return WSAStringToAddressW((LPWSTR)L"127.0.0.1", 0x7777, NULL, (struct sockaddr *)&ss, &l);
}
static long long b_addrtostring_short(void)
{
    struct sockaddr_in a = tu_loopback4(9); WCHAR s[2]; DWORD l = 2;
    return WSAAddressToStringW((struct sockaddr *)&a, sizeof(a), NULL, s, &l);
}
static long long b_addrtostring_null(void) { WCHAR s[64]; DWORD l = 64; return WSAAddressToStringW(NULL, sizeof(struct sockaddr_in), NULL, s, &l); }
static long long b_addrtostring_family(void)
{
    struct sockaddr_in a = with_family(0x7777); WCHAR s[64]; DWORD l = 64;
    return WSAAddressToStringW((struct sockaddr *)&a, sizeof(a), NULL, s, &l);
}
static long long b_htonl_null(void) { return WSAHtonl(fx.tcp, 1, NULL); }
static long long b_htons_null(void) { return WSAHtons(fx.tcp, 1, NULL); }
static long long b_ntohl_null(void) { return WSANtohl(fx.tcp, 1, NULL); }
static long long b_ntohs_null(void) { return WSANtohs(fx.tcp, 1, NULL); }
static long long b_inet_addr_null(void) { return (long long)inet_addr(NULL); }
static long long b_inet_addr_bad(void) { return (long long)inet_addr("1.2.3.4.5"); }
static long long b_gethostbyaddr_null(void) { return (long long)(UINT_PTR)gethostbyaddr(NULL, 4, AF_INET); }
static long long b_gethostbyaddr_len(void) { char a[4] = { 127, 0, 0, 1 }; return (long long)(UINT_PTR)gethostbyaddr(a, 2, AF_INET); }
static long long b_gethostbyaddr_family(void) { char a[4] = { 127, 0, 0, 1 }; return (long long)(UINT_PTR)gethostbyaddr(a, 4, 0x7777); }
static long long b_gethostname_null(void) { return gethostname(NULL, 64); }
static long long b_gethostname_short(void) { char n[1]; return gethostname(n, 1); }
static long long b_gethostnamew_null(void) { return GetHostNameW(NULL, 64); }
static long long b_gethostnamew_short(void) { WCHAR n[1]; return GetHostNameW(n, 1); }
static long long b_getservbyname_null(void) { return (long long)(UINT_PTR)getservbyname(NULL, "tcp"); }
static long long b_getservbyname_unknown(void) { return (long long)(UINT_PTR)getservbyname("no-such-service", NULL); }
static long long b_getservbyport_proto(void) { return (long long)(UINT_PTR)getservbyport(htons(80), "no-such-protocol"); }
static long long b_getprotobyname_null(void) { return (long long)(UINT_PTR)getprotobyname(NULL); }
static long long b_getprotobynumber_neg(void) { return (long long)(UINT_PTR)getprotobynumber(-1); }
static long long b_getaddrinfo_nonames(void) { struct addrinfo *r = NULL; int e = getaddrinfo(NULL, NULL, NULL, &r); if (!e) freeaddrinfo(r); RET_ERR(e, e); }
static long long b_getaddrinfo_family(void)
{
    struct addrinfo h, *r = NULL; memset(&h, 0, sizeof(h)); h.ai_family = 0x7777;
    int e = getaddrinfo("127.0.0.1", "80", &h, &r); if (!e) freeaddrinfo(r); RET_ERR(e, e);
}
static long long b_getaddrinfo_socktype(void)
{
    struct addrinfo h, *r = NULL; memset(&h, 0, sizeof(h)); h.ai_family = AF_INET; h.ai_socktype = 0x77;
    int e = getaddrinfo("127.0.0.1", "80", &h, &r); if (!e) freeaddrinfo(r); RET_ERR(e, e);
}
static long long b_getaddrinfo_nullres(void) { int e = getaddrinfo("127.0.0.1", "80", NULL, NULL); RET_ERR(e, e); }
static long long b_getnameinfo_null(void) { char h[64]; int e = getnameinfo(NULL, sizeof(struct sockaddr_in), h, sizeof(h), NULL, 0, NI_NUMERICHOST); RET_ERR(e, e); }
static long long b_getnameinfo_short(void) { struct sockaddr_in a = tu_loopback4(9); char h[64]; int e = getnameinfo((struct sockaddr *)&a, 4, h, sizeof(h), NULL, 0, NI_NUMERICHOST); RET_ERR(e, e); }
static long long b_getnameinfo_family(void) { struct sockaddr_in a = with_family(0x7777); char h[64]; int e = getnameinfo((struct sockaddr *)&a, sizeof(a), h, sizeof(h), NULL, 0, NI_NUMERICHOST); RET_ERR(e, e); }
static long long b_getnameinfo_nothing(void) { struct sockaddr_in a = tu_loopback4(9); int e = getnameinfo((struct sockaddr *)&a, sizeof(a), NULL, 0, NULL, 0, 0); RET_ERR(e, e); }
static long long b_getaddrinfow_family(void)
{
    ADDRINFOW h, *r = NULL; memset(&h, 0, sizeof(h)); h.ai_family = 0x7777;
    int e = GetAddrInfoW(L"127.0.0.1", L"80", &h, &r); if (!e) FreeAddrInfoW(r); RET_ERR(e, e);
}
static long long b_getaddrinfow_nonames(void) { ADDRINFOW *r = NULL; int e = GetAddrInfoW(NULL, NULL, NULL, &r); if (!e) FreeAddrInfoW(r); RET_ERR(e, e); }
static long long b_getnameinfow_short(void) { struct sockaddr_in a = tu_loopback4(9); WCHAR h[64]; int e = GetNameInfoW((struct sockaddr *)&a, 4, h, 64, NULL, 0, NI_NUMERICHOST); RET_ERR(e, e); }
static long long b_getaddrinfoexw_nullres(void) { int e = GetAddrInfoExW(L"127.0.0.1", NULL, NS_ALL, NULL, NULL, NULL, NULL, NULL, NULL, NULL); RET_ERR(e, e); }
static long long b_getaddrinfoex_result_null(void) { int e = GetAddrInfoExOverlappedResult(NULL); RET_ERR(e, e); }
static long long b_getaddrinfoex_cancel_null(void) { int e = GetAddrInfoExCancel(NULL); RET_ERR(e, e); }
static long long b_freeaddrinfoexw_null(void) { FreeAddrInfoExW(NULL); return 0; }
static long long b_freeaddrinfo_null(void) { freeaddrinfo(NULL); FreeAddrInfoW(NULL); return 0; }
static GUID unknown_guid = { 0x0badf00d, 0x1234, 0x5678, { 1, 2, 3, 4, 5, 6, 7, 8 } };
static long long b_wscinstall_nullguid(void) { WSAPROTOCOL_INFOW p; int e = 0; memset(&p, 0, sizeof(p)); int r = WSCInstallProvider(NULL, L"x.dll", &p, 1, &e); RET_ERR(r, e); }
static long long b_wscinstall_nullpath(void) { WSAPROTOCOL_INFOW p; int e = 0; memset(&p, 0, sizeof(p)); int r = WSCInstallProvider(&unknown_guid, NULL, &p, 1, &e); RET_ERR(r, e); }
static long long b_wscinstall_zero(void) { WSAPROTOCOL_INFOW p; int e = 0; memset(&p, 0, sizeof(p)); int r = WSCInstallProvider(&unknown_guid, L"x.dll", &p, 0, &e); RET_ERR(r, e); }
static long long b_wscdeinstall_unknown(void) { int e = 0; int r = WSCDeinstallProvider(&unknown_guid, &e); RET_ERR(r, e); }
static long long b_wscdeinstall_null(void) { int e = 0; int r = WSCDeinstallProvider(NULL, &e); RET_ERR(r, e); }
static long long b_wscenum_nulllen(void) { int e = 0; int r = WSCEnumProtocols(NULL, NULL, NULL, &e); RET_ERR(r, e); }
static long long b_wscenum_short(void) { WSAPROTOCOL_INFOW p; DWORD l = 10; int e = 0; int r = WSCEnumProtocols(NULL, &p, &l, &e); RET_ERR(r, e); }
static long long b_wscpath_unknown(void) { WCHAR path[MAX_PATH]; int l = MAX_PATH, e = 0; int r = WSCGetProviderPath(&unknown_guid, path, &l, &e); RET_ERR(r, e); }
static long long b_wscpath_nullguid(void) { WCHAR path[MAX_PATH]; int l = MAX_PATH, e = 0; int r = WSCGetProviderPath(NULL, path, &l, &e); RET_ERR(r, e); }
/* Windows judges a negative length and an unknown provider (WSAEINVAL) before the path */
static long long b_wscpath_neglen(void) { int l = -1, e = 0; int r = WSCGetProviderPath(&unknown_guid, NULL, &l, &e); RET_ERR(r, e); }
static long long b_wscpath_nullpath(void) { int l = MAX_PATH, e = 0; int r = WSCGetProviderPath(&unknown_guid, NULL, &l, &e); RET_ERR(r, e); }
static long long b_wpu_complete_notsock(void) { WSAOVERLAPPED ov; int e = 0; memset(&ov, 0, sizeof(ov)); int r = WPUCompleteOverlappedRequest((SOCKET)0x1234, &ov, 0, 0, &e); RET_ERR(r, e); }
static long long b_wpu_complete_nullov(void) { int e = 0; int r = WPUCompleteOverlappedRequest(fx.client, NULL, 0, 0, &e); RET_ERR(r, e); }

/* desktop extensions (cews2.h) */
static long long b_wsasocketa_family(void) { return (long long)WSASocketA(0x7777, SOCK_STREAM, 0, NULL, 0, 0); }
static long long b_wsasocketa_info(void) { WSAPROTOCOL_INFOA p; memset(&p, 0, sizeof(p)); p.dwCatalogEntryId = 0x7777; return (long long)WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &p, 0, 0); }
static long long b_addrtostringa_short(void) { struct sockaddr_in a = tu_loopback4(9); char t[2]; DWORD l = 2; return WSAAddressToStringA((struct sockaddr *)&a, sizeof(a), NULL, t, &l); }
static long long b_addrtostringa_null(void) { char t[64]; DWORD l = 64; return WSAAddressToStringA(NULL, sizeof(struct sockaddr_in), NULL, t, &l); }
static long long b_stringtoaddra_garbage(void) { struct sockaddr_storage ss; int l = sizeof(ss); return WSAStringToAddressA((LPSTR)"not an address", AF_INET, NULL, (struct sockaddr *)&ss, &l); }
static long long b_stringtoaddra_null(void) { struct sockaddr_storage ss; int l = sizeof(ss); return WSAStringToAddressA(NULL, AF_INET, NULL, (struct sockaddr *)&ss, &l); }
static long long b_enumprotocolsa_nulllen(void) { return WSAEnumProtocolsA(NULL, NULL, NULL); }
static long long b_enumprotocolsa_short(void) { WSAPROTOCOL_INFOA p; DWORD l = 10; return WSAEnumProtocolsA(NULL, &p, &l); }
static long long b_dupa_null(void) { return WSADuplicateSocketA(fx.tcp, GetCurrentProcessId(), NULL); }
static long long b_dupw_null(void) { return WSADuplicateSocketW(fx.tcp, GetCurrentProcessId(), NULL); }
/* Windows judges the process before the buffer */
static long long b_dupw_pid0(void) { return WSADuplicateSocketW(fx.tcp, 0, NULL); }
static long long b_connectbynamew_null(void) { return WSAConnectByNameW(fx.tcp, NULL, (LPWSTR)L"80", NULL, NULL, NULL, NULL, NULL, NULL); }
static long long b_connectbynamea_null(void) { return WSAConnectByNameA(fx.tcp, (LPSTR)"127.0.0.1", NULL, NULL, NULL, NULL, NULL, NULL, NULL); }
static long long b_senddisconnect_bad(void) { return WSASendDisconnect(fx.client, (LPWSABUF)(UINT_PTR)8); }
static long long b_recvdisconnect_bad(void) { return WSARecvDisconnect(fx.client, (LPWSABUF)(UINT_PTR)8); }
static long long b_poll_null(void) { return WSAPoll(NULL, 1, 0); }
static long long b_poll_zero(void) { WSAPOLLFD f = { fx.tcp, POLLRDNORM, 0 }; return WSAPoll(&f, 0, 0); }
static long long b_poll_events(void) { WSAPOLLFD f = { fx.tcp, 0x4000, 0 }; return WSAPoll(&f, 1, 0); }
static long long b_pton_family(void) { unsigned char a[16]; return inet_pton(0x7777, "1.2.3.4", a); }
static long long b_pton_null(void) { unsigned char a[16]; return inet_pton(AF_INET, NULL, a); }
static long long b_ntop_short(void) { unsigned char a[4] = { 1, 2, 3, 4 }; char t[4]; return (long long)(UINT_PTR)inet_ntop(AF_INET, a, t, sizeof(t)); }
static long long b_ptonw_family(void) { unsigned char a[16]; return InetPtonW(0x7777, L"1.2.3.4", a); }
static long long b_ntopw_short(void) { unsigned char a[4] = { 1, 2, 3, 4 }; WCHAR t[4]; return (long long)(UINT_PTR)InetNtopW(AF_INET, a, t, 4); }

#define INONE ((long long)INADDR_NONE)
#define NUL 0LL
#define WF ((long long)WSA_WAIT_FAILED)

/* The rows; docs/reliability.md publishes them (generated by this test: see
 * check_table_in_docs).  Calls without a row take no argument that can be
 * wrong (listed in no_bad_input below). */
static const bad_arg bad_args[] = {
    { "WSAStartup", "lpWSAData NULL", b_startup_null, WSAEFAULT, "WSAEFAULT", WSAEFAULT, 0, 0 },
    { "WSAStartup", "version 0.0", b_startup_v0, WSAVERNOTSUPPORTED, "WSAVERNOTSUPPORTED", WSAVERNOTSUPPORTED, 0, 0 },
    { "socket", "unknown family 0x7777", b_socket_family, IS, "INVALID_SOCKET", WSAEAFNOSUPPORT, 0, 0 },
    { "socket", "unknown type 0x77", b_socket_type, IS, "INVALID_SOCKET", WSAESOCKTNOSUPPORT, 0, 0 },
    { "socket", "AF_INET stream, protocol 0x99", b_socket_proto, IS, "INVALID_SOCKET", WSAEPROTONOSUPPORT, 0, 0 },
    { "socket", "SOCK_DGRAM with IPPROTO_TCP", b_socket_prototype, IS, "INVALID_SOCKET", WSAEPROTOTYPE, WSAEPROTONOSUPPORT, 0 },
    { "WSASocketW", "unknown family 0x7777", b_wsasocket_family, IS, "INVALID_SOCKET", WSAEAFNOSUPPORT, 0, 0 },
    { "WSASocketW", "lpProtocolInfo naming no catalog entry", b_wsasocket_info, IS, "INVALID_SOCKET", WSAEINVAL, WSAEINVALIDPROVIDER, 0 },
    { "bind", "name NULL", b_bind_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "bind", "namelen one short", b_bind_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "bind", "IPv6 socket, IPv4 length", b_bind6_v4len, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "bind", "sin_family 0x7777", b_bind_family, SE, "SOCKET_ERROR", WSAEFAULT, WSAEAFNOSUPPORT, 0 },
    { "bind", "socket already bound", b_bind_twice, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "connect", "name NULL", b_connect_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "connect", "namelen 4", b_connect_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "connect", "sin_family 0x7777", b_connect_family, SE, "SOCKET_ERROR", WSAEAFNOSUPPORT, 0, 0 },
    { "connect", "a listening socket", b_connect_listener, SE, "SOCKET_ERROR", WSAEINVAL, WSAEISCONN, 0 },
    { "WSAJoinLeaf", "name NULL", b_joinleaf_null, IS, "INVALID_SOCKET", WSAEFAULT, 0, 0 },
    { "WSAJoinLeaf", "dwFlags 0x10", b_joinleaf_flags, IS, "INVALID_SOCKET", WSAEINVAL, 0, 0 },
    { "WSAJoinLeaf", "a UDP socket (CE: TCP/UDP has no multipoint join)", b_joinleaf_udp, IS, "INVALID_SOCKET", WSASYSCALLFAILURE, 0, 0 },
    { "WSAConnect", "name NULL", b_wsaconnect_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "listen", "a datagram socket", b_listen_udp, SE, "SOCKET_ERROR", WSAEOPNOTSUPP, 0, 0 },
    { "accept", "addrlen 4", b_accept_short, IS, "INVALID_SOCKET", WSAEFAULT, 0, 0 },
    { "accept", "socket not listening", b_accept_notlistening, IS, "INVALID_SOCKET", WSAEINVAL, 0, 0 },
    { "WSAAccept", "addrlen 4", b_wsaaccept_short, IS, "INVALID_SOCKET", WSAEFAULT, 0, 0 },
    { "send", "buf NULL, len 10", b_send_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "send", "socket never connected (Wine's host answers WSAECONNRESET)", b_send_notconn, SE, "SOCKET_ERROR", WSAENOTCONN, WSAECONNRESET, 0 },
    { "recv", "buf NULL, len 10", b_recv_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "recv", "socket not connected", b_recv_notconn, SE, "SOCKET_ERROR", WSAENOTCONN, 0, 0 },
    { "sendto", "tolen 4", b_sendto_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "sendto", "sin_family 0x7777", b_sendto_family, SE, "SOCKET_ERROR", WSAEAFNOSUPPORT, WSAEFAULT, 0 },
    { "recvfrom", "fromlen 4", b_recvfrom_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "recvfrom", "from given, fromlen NULL", b_recvfrom_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSASend", "lpBuffers NULL", b_wsasend_nullbufs, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSARecv", "lpBuffers NULL", b_wsarecv_nullbufs, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSARecv", "lpFlags NULL", b_wsarecv_nullflags, SE, "SOCKET_ERROR", WSAEFAULT, WSAEINVAL, 0 },
    { "WSASendTo", "iTolen 4", b_wsasendto_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSARecvFrom", "lpFromlen 4", b_wsarecvfrom_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "shutdown", "how 7", b_shutdown_how, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "shutdown", "socket not connected", b_shutdown_notconn, SE, "SOCKET_ERROR", WSAENOTCONN, 0, 0 },
    { "getsockname", "name NULL", b_getsockname_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getsockname", "namelen NULL", b_getsockname_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getsockname", "namelen 4", b_getsockname_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getsockname", "socket not bound", b_getsockname_unbound, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "getpeername", "name NULL", b_getpeername_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getpeername", "namelen 4", b_getpeername_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getpeername", "socket not connected", b_getpeername_notconn, SE, "SOCKET_ERROR", WSAENOTCONN, 0, 0 },
    { "getsockopt", "optlen NULL", b_getsockopt_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getsockopt", "optval NULL", b_getsockopt_nullval, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getsockopt", "SO_TYPE, optlen 1", b_getsockopt_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getsockopt", "SO_LINGER, optlen 2", b_getsockopt_linger_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getsockopt", "SO_TYPE, optlen 4096 (oversized)", b_getsockopt_big, 0, "0 (Windows sets *optlen to 4; Wine's host leaves 4096)", 0, 0, ROW_NO_ERROR },
    { "getsockopt", "unknown SOL_SOCKET option 0x7777", b_getsockopt_unknown, SE, "SOCKET_ERROR", WSAENOPROTOOPT, 0, 0 },
    { "getsockopt", "unknown level 0x4321", b_getsockopt_level, SE, "SOCKET_ERROR", WSAEINVAL, WSAENOPROTOOPT, 0 },
    { "setsockopt", "SO_LINGER, optval NULL", b_setsockopt_nullval, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "setsockopt", "SO_LINGER, optlen 2", b_setsockopt_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "setsockopt", "SO_RCVTIMEO, optlen 1", b_setsockopt_rcvtimeo_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "setsockopt", "unknown SOL_SOCKET option 0x7777", b_setsockopt_unknown, SE, "SOCKET_ERROR", WSAENOPROTOOPT, 0, 0 },
    { "setsockopt", "unknown level 0x4321", b_setsockopt_level, SE, "SOCKET_ERROR", WSAEINVAL, WSAENOPROTOOPT, 0 },
    { "setsockopt", "SO_LINGER on a datagram socket", b_linger_on_udp, SE, "SOCKET_ERROR", WSAENOPROTOOPT, 0, 0 },
    { "select", "no sets", b_select_nosets, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "select", "fd_count 0x7fffffff (past the set's memory)", b_select_overfull, SE, "SOCKET_ERROR", WSAEFAULT, WSAEINVAL, 0 },
    { "ioctlsocket", "FIONBIO, argp NULL", b_ioctlsocket_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "ioctlsocket", "unknown command", b_ioctlsocket_unknown, SE, "SOCKET_ERROR", WSAEINVAL, WSAEOPNOTSUPP, 0 },
    { "WSAIoctl", "FIONREAD, no output buffer", b_wsaioctl_noout, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAIoctl", "unknown code", b_wsaioctl_unknown, SE, "SOCKET_ERROR", WSAEINVAL, WSAEOPNOTSUPP, 0 },
    { "WSAEventSelect", "hEventObject NULL", b_eventselect_nullevent, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAEnumNetworkEvents", "lpNetworkEvents NULL", b_enumnetworkevents_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSACloseEvent", "NULL", b_closeevent_null, FALSE, "FALSE", WSA_INVALID_HANDLE, 0, 0 },
    { "WSASetEvent", "NULL", b_setevent_null, FALSE, "FALSE", WSA_INVALID_HANDLE, 0, 0 },
    { "WSAResetEvent", "NULL", b_resetevent_null, FALSE, "FALSE", WSA_INVALID_HANDLE, 0, 0 },
    { "WSAWaitForMultipleEvents", "cEvents 0", b_wait_zero, WF, "WSA_WAIT_FAILED", WSA_INVALID_PARAMETER, 0, 0 },
    { "WSAWaitForMultipleEvents", "cEvents WSA_MAXIMUM_WAIT_EVENTS + 1", b_wait_too_many, WF, "WSA_WAIT_FAILED", WSA_INVALID_PARAMETER, 0, 0 },
    { "WSAGetOverlappedResult", "lpOverlapped NULL", b_getoverlapped_null, FALSE, "FALSE", WSAEFAULT, 0, 0 },
    { "WSAEnumProtocolsW", "lpdwBufferLength NULL", b_enumprotocols_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAEnumProtocolsW", "buffer of 10 bytes", b_enumprotocols_short, SE, "SOCKET_ERROR", WSAENOBUFS, 0, 0 },
    { "WSAStringToAddressW", "lpAddressLength 4", b_stringtoaddr_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAStringToAddressW", "\"not an address\"", b_stringtoaddr_garbage, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAStringToAddressW", "family 0x7777", b_stringtoaddr_family, SE, "SOCKET_ERROR", WSAEINVAL, WSAEAFNOSUPPORT, 0 },
    { "WSAAddressToStringW", "2-character buffer", b_addrtostring_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAAddressToStringW", "lpsaAddress NULL", b_addrtostring_null, SE, "SOCKET_ERROR", WSAEFAULT, WSAEINVAL, 0 },
    { "WSAAddressToStringW", "sin_family 0x7777", b_addrtostring_family, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAHtonl", "lpnetlong NULL", b_htonl_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAHtons", "lpnetshort NULL", b_htons_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSANtohl", "lphostlong NULL", b_ntohl_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSANtohs", "lphostshort NULL", b_ntohs_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "inet_addr", "NULL", b_inet_addr_null, INONE, "INADDR_NONE", WSAEFAULT, 0, 0 },
    { "inet_addr", "\"1.2.3.4.5\"", b_inet_addr_bad, INONE, "INADDR_NONE", 0, 0, ROW_NO_ERROR },
    { "gethostbyaddr", "addr NULL", b_gethostbyaddr_null, NUL, "NULL", WSAEFAULT, 0, 0 },
    { "gethostbyaddr", "len 2 for AF_INET", b_gethostbyaddr_len, NUL, "NULL", WSAEFAULT, 0, 0 },
    { "gethostbyaddr", "type 0x7777", b_gethostbyaddr_family, NUL, "NULL", WSAEAFNOSUPPORT, 0, 0 },
    { "gethostname", "name NULL", b_gethostname_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "gethostname", "namelen 1", b_gethostname_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "GetHostNameW", "name NULL", b_gethostnamew_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "GetHostNameW", "namelen 1", b_gethostnamew_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "getservbyname", "name NULL", b_getservbyname_null, NUL, "NULL", WSAEFAULT, 0, 0 },
    { "getservbyname", "\"no-such-service\"", b_getservbyname_unknown, NUL, "NULL", WSANO_DATA, 0, 0 },
    { "getservbyport", "proto \"no-such-protocol\"", b_getservbyport_proto, NUL, "NULL", WSANO_DATA, 0, 0 },
    { "getprotobyname", "name NULL", b_getprotobyname_null, NUL, "NULL", WSAEFAULT, 0, 0 },
    { "getprotobynumber", "number -1", b_getprotobynumber_neg, NUL, "NULL", WSANO_DATA, 0, 0 },
    { "getaddrinfo", "node and service NULL", b_getaddrinfo_nonames, WSAHOST_NOT_FOUND, "EAI_NONAME", WSAHOST_NOT_FOUND, 0, 0 },
    { "getaddrinfo", "ai_family 0x7777", b_getaddrinfo_family, WSAEAFNOSUPPORT, "EAI_FAMILY", WSAEAFNOSUPPORT, 0, 0 },
    { "getaddrinfo", "ai_socktype 0x77", b_getaddrinfo_socktype, WSAESOCKTNOSUPPORT, "EAI_SOCKTYPE", WSAESOCKTNOSUPPORT, 0, 0 },
    { "getaddrinfo", "res NULL", b_getaddrinfo_nullres, WSAEFAULT, "WSAEFAULT", WSAEFAULT, 0, 0 },
    { "getnameinfo", "sa NULL", b_getnameinfo_null, WSAEFAULT, "WSAEFAULT", WSAEFAULT, 0, 0 },
    { "getnameinfo", "salen 4", b_getnameinfo_short, WSAEFAULT, "WSAEFAULT", WSAEFAULT, 0, 0 },
    { "getnameinfo", "sa_family 0x7777", b_getnameinfo_family, WSAEAFNOSUPPORT, "EAI_FAMILY", WSAEAFNOSUPPORT, 0, 0 },
    { "getnameinfo", "host and serv NULL", b_getnameinfo_nothing, WSAHOST_NOT_FOUND, "EAI_NONAME", WSAHOST_NOT_FOUND, 0, 0 },
    { "GetAddrInfoW", "node and service NULL", b_getaddrinfow_nonames, WSAHOST_NOT_FOUND, "EAI_NONAME", WSAHOST_NOT_FOUND, 0, 0 },
    { "GetAddrInfoW", "ai_family 0x7777", b_getaddrinfow_family, WSAEAFNOSUPPORT, "EAI_FAMILY", WSAEAFNOSUPPORT, 0, 0 },
    { "GetNameInfoW", "salen 4", b_getnameinfow_short, WSAEFAULT, "WSAEFAULT", WSAEFAULT, 0, 0 },
    { "freeaddrinfo, FreeAddrInfoW", "NULL", b_freeaddrinfo_null, 0, "(returns; nothing freed)", 0, 0, ROW_NO_ERROR },
    { "GetAddrInfoExW", "ppResult NULL", b_getaddrinfoexw_nullres, WSAEFAULT, "WSAEFAULT", WSAEFAULT, 0, 0 },
    { "GetAddrInfoExOverlappedResult", "lpOverlapped NULL", b_getaddrinfoex_result_null, WSAEINVAL, "WSAEINVAL", WSAEINVAL, 0, 0 },
    { "GetAddrInfoExCancel", "lpHandle NULL", b_getaddrinfoex_cancel_null, WSA_INVALID_HANDLE, "WSA_INVALID_HANDLE", WSA_INVALID_HANDLE, 0, 0 },
    { "FreeAddrInfoExW", "NULL", b_freeaddrinfoexw_null, 0, "(returns; nothing freed)", 0, 0, ROW_NO_ERROR },
    { "WSCInstallProvider", "lpProviderId NULL", b_wscinstall_nullguid, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSCInstallProvider", "lpszProviderDllPath NULL", b_wscinstall_nullpath, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSCInstallProvider", "dwNumberOfEntries 0", b_wscinstall_zero, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSCDeinstallProvider", "unknown GUID", b_wscdeinstall_unknown, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSCDeinstallProvider", "lpProviderId NULL", b_wscdeinstall_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSCEnumProtocols", "lpdwBufferLength NULL", b_wscenum_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSCEnumProtocols", "buffer of 10 bytes", b_wscenum_short, SE, "SOCKET_ERROR", WSAENOBUFS, 0, 0 },
    { "WSCGetProviderPath", "unknown GUID", b_wscpath_unknown, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSCGetProviderPath", "lpProviderId NULL", b_wscpath_nullguid, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSCGetProviderPath", "*lpProviderDllPathLen -1", b_wscpath_neglen, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSCGetProviderPath", "path NULL, unknown GUID", b_wscpath_nullpath, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAEnumNameSpaceProvidersW", "lpdwBufferLength NULL", b_enumns_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAEnumNameSpaceProvidersW", "lpnspBuffer NULL, length 0", b_enumns_nullbuf, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAEnumNameSpaceProvidersA", "lpdwBufferLength NULL", b_enumnsa_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSALookupServiceBeginW", "lpqsRestrictions NULL", b_lookupbegin_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSALookupServiceBeginW", "dwSize 0", b_lookupbegin_size0, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSALookupServiceBeginW", "service class no provider knows", b_lookupbegin_class, SE, "SOCKET_ERROR", WSASERVICE_NOT_FOUND, 0, 0 },
    { "WSALookupServiceBeginA", "lphLookup NULL", b_lookupbegina_nullhandle, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSALookupServiceNextW", "handle not from Begin", b_lookupnext_made_up, SE, "SOCKET_ERROR", WSA_INVALID_HANDLE, 0, 0 },
    { "WSALookupServiceNextW", "lpdwBufferLength NULL", b_lookupnext_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSALookupServiceNextA", "handle not from Begin", b_lookupnexta_made_up, SE, "SOCKET_ERROR", WSA_INVALID_HANDLE, 0, 0 },
    { "WSALookupServiceEnd", "hLookup NULL", b_lookupend_null, SE, "SOCKET_ERROR", WSA_INVALID_HANDLE, 0, 0 },
    { "WSASetServiceW", "lpqsRegInfo NULL", b_setservice_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSASetServiceW", "dwSize 0", b_setservice_size0, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSASetServiceW", "essoperation 7", b_setservice_op, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSASetServiceW", "dwControlFlags 0x80", b_setservice_flags, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSASetServiceW", "a namespace no provider serves (NS_NIS)", b_setservice_space, SE, "SOCKET_ERROR", WSASERVICE_NOT_FOUND, 0, 0 },
    { "WSASetServiceW", "lpNSProviderId naming no provider", b_setservice_provider, SE, "SOCKET_ERROR", WSASERVICE_NOT_FOUND, 0, 0 },
    { "WSASetServiceA", "lpqsRegInfo NULL", b_setservicea_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSASetServiceA", "dwSize 0", b_setservicea_size0, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSCInstallNameSpace", "lpProviderId NULL", b_nsinstall_nullid, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSCUnInstallNameSpace", "unknown GUID", b_nsuninstall_unknown, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSCEnableNSProvider", "unknown GUID", b_nsenable_unknown, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WPUCompleteOverlappedRequest", "a handle ws2.dll did not create", b_wpu_complete_notsock, 0, "0: the OVERLAPPED is completed IFS-style (by design, ws2/upcall.c)", 0, 0, ROW_NO_ERROR },
    { "WPUCompleteOverlappedRequest", "lpOverlapped NULL", b_wpu_complete_nullov, SE, "SOCKET_ERROR", WSAEFAULT, WSAEINVAL, 0 },
    { "WSASocketA", "unknown family 0x7777", b_wsasocketa_family, IS, "INVALID_SOCKET", WSAEAFNOSUPPORT, 0, 0 },
    { "WSASocketA", "lpProtocolInfo naming no catalog entry", b_wsasocketa_info, IS, "INVALID_SOCKET", WSAEINVALIDPROVIDER, 0, 0 },
    { "WSAAddressToStringA", "2-character buffer", b_addrtostringa_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAAddressToStringA", "lpsaAddress NULL", b_addrtostringa_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAStringToAddressA", "\"not an address\"", b_stringtoaddra_garbage, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAStringToAddressA", "AddressString NULL", b_stringtoaddra_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAEnumProtocolsA", "lpdwBufferLength NULL", b_enumprotocolsa_nulllen, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAEnumProtocolsA", "buffer of 10 bytes", b_enumprotocolsa_short, SE, "SOCKET_ERROR", WSAENOBUFS, 0, 0 },
    { "WSADuplicateSocketA", "lpProtocolInfo NULL", b_dupa_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSADuplicateSocketW", "lpProtocolInfo NULL", b_dupw_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSADuplicateSocketW", "dwProcessId 0, lpProtocolInfo NULL", b_dupw_pid0, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAConnectByNameW", "nodename NULL", b_connectbynamew_null, FALSE, "FALSE", WSAEINVAL, 0, 0 },
    { "WSAConnectByNameA", "servicename NULL", b_connectbynamea_null, FALSE, "FALSE", WSAEINVAL, 0, 0 },
    { "WSASendDisconnect", "lpOutboundDisconnectData (LPWSABUF)8", b_senddisconnect_bad, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSARecvDisconnect", "lpInboundDisconnectData (LPWSABUF)8", b_recvdisconnect_bad, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAPoll", "fdArray NULL", b_poll_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, 0 },
    { "WSAPoll", "fds 0", b_poll_zero, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAPoll", "events 0x4000 (not a poll flag)", b_poll_events, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "inet_pton", "family 0x7777", b_pton_family, -1, "-1", WSAEAFNOSUPPORT, 0, 0 },
    { "inet_pton", "pszAddrString NULL", b_pton_null, -1, "-1", WSAEFAULT, 0, 0 },
    { "inet_ntop", "a 4-character buffer for \"1.2.3.4\"", b_ntop_short, NUL, "NULL", WSAEINVAL, 0, 0 },
    { "InetPtonW", "family 0x7777", b_ptonw_family, -1, "-1", WSAEAFNOSUPPORT, 0, 0 },
    { "InetNtopW", "a 4-character buffer for \"1.2.3.4\"", b_ntopw_short, NUL, "NULL", WSAEINVAL, 0, 0 },
    { "WSAAsyncSelect", "hWnd not a window", b_asyncselect_window, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAAsyncSelect", "lEvent 0x40000000 (outside FD_ALL_EVENTS)", b_asyncselect_events, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "WSAAsyncGetServByName", "name NULL", b_asyncservbyname_null, NUL, "0", WSAEFAULT, 0, 0 },
    { "WSAAsyncGetServByName", "buf (char *)8, buflen 64", b_asyncservbyname_buffer, NUL, "0", WSAEFAULT, 0, 0 },
    { "WSAAsyncGetServByPort", "proto (char *)8", b_asyncservbyport_proto, NUL, "0", WSAEFAULT, 0, 0 },
    { "WSAAsyncGetProtoByName", "name NULL", b_asyncprotobyname_null, NUL, "0", WSAEFAULT, 0, 0 },
    { "WSAAsyncGetProtoByNumber", "buflen -1", b_asyncprotobynumber_buflen, NUL, "0", WSAEFAULT, 0, 0 },
    { "WSAAsyncGetHostByName", "name NULL", b_asynchostbyname_null, NUL, "0", WSAEFAULT, 0, 0 },
    { "WSAAsyncGetHostByAddr", "addr NULL", b_asynchostbyaddr_null, NUL, "0", WSAEFAULT, 0, 0 },
    { "WSAAsyncGetHostByAddr", "len 0", b_asynchostbyaddr_len, NUL, "0", WSAEFAULT, 0, 0 },
    { "WSACancelAsyncRequest", "a handle never given out", b_cancelasync_unknown, SE, "SOCKET_ERROR", WSAEINVAL, 0, 0 },
    { "bind (AF_IRDA)", "namelen sizeof(SOCKADDR_IRDA) - 1", b_irda_bind_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, ROW_IRDA },
    { "bind (AF_IRDA)", "name NULL", b_irda_bind_null, SE, "SOCKET_ERROR", WSAEFAULT, 0, ROW_IRDA },
    { "bind (AF_IRDA)", "irdaAddressFamily AF_INET", b_irda_bind_family, SE, "SOCKET_ERROR", WSAEAFNOSUPPORT, 0, ROW_IRDA },
    { "bind (AF_IRDA)", "service name of 25 characters, unterminated", b_irda_bind_unterminated, SE, "SOCKET_ERROR", WSAEINVAL, 0, ROW_IRDA },
    { "bind (AF_IRDA)", "empty service name", b_irda_bind_empty, SE, "SOCKET_ERROR", WSAEINVAL, 0, ROW_IRDA },
    { "bind (AF_IRDA)", "\"LSAP-SEL200\" (beyond 0x6F)", b_irda_bind_lsap, SE, "SOCKET_ERROR", WSAEINVAL, 0, ROW_IRDA },
    { "connect (AF_IRDA)", "namelen 8", b_irda_connect_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, ROW_IRDA },
    { "connect (AF_IRDA)", "irdaAddressFamily 0x7777", b_irda_connect_family, SE, "SOCKET_ERROR", WSAEAFNOSUPPORT, 0, ROW_IRDA },
    { "connect (AF_IRDA)", "service name of 25 characters, unterminated", b_irda_connect_unterminated, SE, "SOCKET_ERROR", WSAEINVAL, 0, ROW_IRDA },
    { "getsockopt (AF_IRDA)", "IRLMP_ENUMDEVICES, optlen 2", b_irda_enum_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, ROW_IRDA },
    { "setsockopt (AF_IRDA)", "IRLMP_IAS_SET, optlen 4", b_irda_ias_set_short, SE, "SOCKET_ERROR", WSAEFAULT, 0, ROW_IRDA },
    { "getsockopt (AF_IRDA)", "unknown SOL_IRLMP option 0x99", b_irda_unknown_opt, SE, "SOCKET_ERROR", WSAENOPROTOOPT, 0, ROW_IRDA },
    { "getsockname (AF_IRDA)", "socket not bound", b_irda_getsockname_unbound, SE, "SOCKET_ERROR", WSAEINVAL, 0, ROW_IRDA },
};
#define NBAD_ARGS (sizeof(bad_args) / sizeof(bad_args[0]))

/* Exports with nothing that can be wrong in their arguments, and why. */
static const struct { const char *call, *why; } no_bad_input[] = {
    { "WSACleanup", "no arguments (before WSAStartup: WSANOTINITIALISED, test_startup)" },
    { "WSAGetLastError", "no arguments" },
    { "WSASetLastError", "any value is stored" },
    { "WSACreateEvent", "no arguments" },
    { "htonl", "pure value conversion" }, { "htons", "pure value conversion" },
    { "ntohl", "pure value conversion" }, { "ntohs", "pure value conversion" },
    { "inet_ntoa", "takes a struct in_addr by value" },
    { "__WSAFDIsSet", "reports membership only (0 for any handle not in the set)" },
    { "gethostbyname", "any string is a name to resolve (resolution needs the network)" },
    { "CeWs2VerifyCatalog", "a NULL report callback is allowed" },
    { "CeWs2CatalogVersion", "no arguments" },
};

static const struct { int code; const char *name; } err_names[] = {
    { WSAEFAULT, "WSAEFAULT" }, { WSAEINVAL, "WSAEINVAL" }, { WSAENOTSOCK, "WSAENOTSOCK" },
    { WSAENOPROTOOPT, "WSAENOPROTOOPT" }, { WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT" },
    { WSAESOCKTNOSUPPORT, "WSAESOCKTNOSUPPORT" }, { WSAEPROTONOSUPPORT, "WSAEPROTONOSUPPORT" },
    { WSAEPROTOTYPE, "WSAEPROTOTYPE" }, { WSAEOPNOTSUPP, "WSAEOPNOTSUPP" }, { WSAENOTCONN, "WSAENOTCONN" },
    { WSAEISCONN, "WSAEISCONN" }, { WSAENOBUFS, "WSAENOBUFS" }, { WSAVERNOTSUPPORTED, "WSAVERNOTSUPPORTED" },
    { WSA_INVALID_HANDLE, "WSA_INVALID_HANDLE" }, { WSA_INVALID_PARAMETER, "WSA_INVALID_PARAMETER" },
    { WSAHOST_NOT_FOUND, "WSAHOST_NOT_FOUND" }, { WSAEINVALIDPROVIDER, "WSAEINVALIDPROVIDER" },
    { WSAECONNRESET, "WSAECONNRESET" }, { WSAEWOULDBLOCK, "WSAEWOULDBLOCK" },
    { ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER" }, { WSASERVICE_NOT_FOUND, "WSASERVICE_NOT_FOUND" },
};

static const char *err_name(int code)
{
    static char other[16];
    for (size_t i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++)
        if (err_names[i].code == code)
            return err_names[i].name;
    snprintf(other, sizeof(other), "%d", code);
    return other;
}

static void bad_pointers_and_lengths(void **state)
{
    (void)state;
    int bad = 0, skipped = 0;
    for (size_t i = 0; i < NBAD_ARGS; i++) {
        const bad_arg *b = &bad_args[i];
        if ((b->flags & ROW_IRDA) && fx.irda == INVALID_SOCKET) {
            skipped++;
            continue;
        }
        WSASetLastError(0xbeef);
        long long r = b->fn();
        int e = WSAGetLastError();
        int err_ok = (b->flags & ROW_NO_ERROR) || e == b->err || (b->alt_err && e == b->alt_err);
        if (r != b->failval || !err_ok) {
            printf("    %s(%s): returned %lld (expected %lld), error %d (expected %s%s%s)\n", b->call, b->input, r,
                   b->failval, e, err_name(b->err), b->alt_err ? " or " : "", b->alt_err ? err_name(b->alt_err) : "");
            bad++;
        } else {
            tu_log("%s(%s) -> %d", b->call, b->input, e);
        }
    }
    if (skipped)
        print_message("    %d AF_IRDA row(s) skipped: no AF_IRDA socket (irdaprov not registered?)\n", skipped);
    if (bad) fail_msg("%d call(s) with bad arguments did not fail as documented", bad);
}

/* ---- the published table ------------------------------------------------------------ */

static size_t table_text(char *out, size_t cap)
{
    size_t n = 0;
#define PUT(...) do { int k_ = snprintf(out ? out + n : NULL, out ? cap - n : 0, __VA_ARGS__); n += (size_t)k_; } while (0)
    PUT("| call | input | returns | error |\n|---|---|---|---|\n");
    PUT("| every call taking a socket (%d: ", (int)NSOCK_CALLS);
    for (size_t i = 0; i < NSOCK_CALLS; i++)
        PUT("%s`%s`", i ? ", " : "", sock_calls[i].name);
    PUT(") | `(SOCKET)0x1234`, `INVALID_SOCKET`, an already-closed socket, an event handle (left intact) | "
        "its failure value | `WSAENOTSOCK` |\n");
    for (size_t i = 0; i < NBAD_ARGS; i++) {
        const bad_arg *b = &bad_args[i];
        PUT("| `%s` | %s | `%s` | ", b->call, b->input, b->fail_text);
        if (b->flags & ROW_NO_ERROR)
            PUT("— |\n");
        else if (b->alt_err)
            PUT("`%s` (or `%s`) |\n", err_name(b->err), err_name(b->alt_err));
        else
            PUT("`%s` |\n", err_name(b->err));
    }
    for (size_t i = 0; i < sizeof(no_bad_input) / sizeof(no_bad_input[0]); i++)
        PUT("| `%s` | — (%s) | — | — |\n", no_bad_input[i].call, no_bad_input[i].why);
#undef PUT
    return n;
}

/* Every export of ws2/ws2.def has a row (or a reason for having none). */
static int call_listed(const char *name)
{
    for (size_t i = 0; i < NSOCK_CALLS; i++) {
        const char *n = sock_calls[i].name;
        if (strncmp(n, name, strlen(name)) == 0 && (n[strlen(name)] == 0 || n[strlen(name)] == '('))
            return 1;
    }
    for (size_t i = 0; i < NBAD_ARGS; i++)
        if (strcmp(bad_args[i].call, name) == 0)
            return 1;
    for (size_t i = 0; i < sizeof(no_bad_input) / sizeof(no_bad_input[0]); i++)
        if (strcmp(no_bad_input[i].call, name) == 0)
            return 1;
    if (strcmp(name, "freeaddrinfo") == 0 || strcmp(name, "FreeAddrInfoW") == 0)
        return 1;
    return 0;
}

/* The repository root, from the test program's place (build/<arch>/tests/). */
static void repo_path(WCHAR *out, size_t n, const WCHAR *rel)
{
    tu_exe_dir(out, n);
    wcsncat(out, L"..\\..\\..\\", n - wcslen(out) - 1);
    wcsncat(out, rel, n - wcslen(out) - 1);
}

static void every_export_has_a_row(void **state)
{
    (void)state;
    WCHAR path[MAX_PATH];
    repo_path(path, MAX_PATH, L"ws2\\ws2.def");
    char *def = tu_read_file(path);
    if (!def) { print_message("    ws2/ws2.def not found from the test's folder: skipped\n"); skip(); }
    int missing = 0, exports = 0, in_exports = 0;
    for (char *line = strtok(def, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        while (*line == ' ' || *line == '\t') line++;
        if (!*line || *line == ';') continue;
        if (strncmp(line, "EXPORTS", 7) == 0) { in_exports = 1; continue; }
        if (!in_exports) continue;
        char name[64];
        if (sscanf(line, "%63s", name) != 1) continue;
        exports++;
        if (!call_listed(name)) { printf("    export %s has no bad-input row\n", name); missing++; }
    }
    free(def);
    print_message("    %d exports, %d without a row\n", exports, missing);
    if (missing) fail_msg("%d export(s) of ws2.def are not in the bad-input table", missing);
}

#define TABLE_BEGIN "<!-- badinput-table: begin (generated by wine-tests/test_badinput.c; do not edit) -->\n"
#define TABLE_END   "<!-- badinput-table: end -->"

/* docs/reliability.md carries the table exactly as generated here; the
 * generated text is also written next to the test (badinput-table.md). */
static void table_in_docs_matches(void **state)
{
    (void)state;
    size_t len = table_text(NULL, 0);
    char *table = malloc(len + 1);
    table_text(table, len + 1);
    WCHAR out[MAX_PATH];
    tu_exe_dir(out, MAX_PATH);
    wcscat(out, L"badinput-table.md");
    HANDLE h = CreateFileW(out, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) { DWORD w; WriteFile(h, table, (DWORD)len, &w, NULL); CloseHandle(h); }

    WCHAR path[MAX_PATH];
    repo_path(path, MAX_PATH, L"docs\\reliability.md");
    char *doc = tu_read_file(path);
    if (!doc) { free(table); print_message("    docs/reliability.md not found from the test's folder: skipped\n"); skip(); }
    char *b = strstr(doc, TABLE_BEGIN), *e = b ? strstr(b, TABLE_END) : NULL;
    int same = b && e && (size_t)(e - (b + strlen(TABLE_BEGIN))) == len &&
               memcmp(b + strlen(TABLE_BEGIN), table, len) == 0;
    free(doc);
    free(table);
    if (!same)
        fail_msg("the bad-input table in docs/reliability.md differs from the test's rows; "
                 "put %ls between its badinput-table markers", out);
}

static void sockets_still_work_after_bad_calls(void **state)
{
    (void)state;
    u_long off = 0;
    assert_int_equal(ioctlsocket(fx.server, FIONBIO, &off), 0);
    /* the fixture's connected pair is intact */
    assert_int_equal(tu_set_timeouts(fx.server, 10000), 0);
    assert_int_equal(send(fx.client, "still alive", 11, 0), 11);
    char b[16];
    assert_int_equal(tu_recv_all(fx.server, b, 11), 0);
    assert_memory_equal(b, "still alive", 11);
    /* the queued datagram is still readable (or was read by the short
     * recvfrom, which is also allowed): recv must not hang either way */
    u_long nb = 1;
    assert_int_equal(ioctlsocket(fx.udp, FIONBIO, &nb), 0);
    int r = recv(fx.udp, b, sizeof(b), 0);
    assert_true(r == 6 || (r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK));
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(bad_pointers_and_lengths, badinput_fixture_setup, NULL),
        cmocka_unit_test_teardown(sockets_still_work_after_bad_calls, badinput_fixture_teardown),
        cmocka_unit_test(every_export_has_a_row),
        cmocka_unit_test(table_in_docs_matches),
    };
    return cmocka_run_group_tests_name("badinput", tests, tu_group_startup, tu_group_cleanup);
}
