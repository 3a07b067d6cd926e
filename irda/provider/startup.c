/*
 * startup.c - WSPStartup, WSPCleanup, WSPSocket and the procedure table.
 *
 * The station starts with the first WSPStartup (ws2.dll starts a provider
 * when the first socket of its family is made), so a process that never
 * uses IrDA never joins the air.
 */
#include "irdaprov.h"
#define SPI_UNSUPPORTED_DEFINE
#include "../../provider/spi_calls.h"
#include "../../provider/common/async_relay.h"

WSPUPCALLTABLE upcalls;
static LONG starts;

/*
 * WHY: the SPI's entry point; it also brings this process's station up.
 */
int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                      WSPUPCALLTABLE upcall_table, LPWSPPROC_TABLE procs)
{
    int err;

    if (LOBYTE(version) < 2 || (LOBYTE(version) == 2 && HIBYTE(version) < 2))
        return WSAVERNOTSUPPORTED;
    if (!data || !info || !procs)
        return WSAEFAULT;
    if (InterlockedIncrement(&starts) == 1)
        upcalls = upcall_table;
    err = station_start();
    if (err) {
        InterlockedDecrement(&starts);
        return err;
    }
    data->wVersion = MAKEWORD(2, 2);
    data->wHighVersion = MAKEWORD(2, 2);
    lstrcpynW(data->szDescription, L"ce-winsock AF_IRDA provider", WSPDESCRIPTION_LEN);
    table_fill(procs);
    return 0;
}

static int WSPAPI irda_cleanup(LPINT err)
{
    LONG left = InterlockedDecrement(&starts);

    if (left < 0) {
        InterlockedIncrement(&starts);
        *err = WSANOTINITIALISED;
        return SOCKET_ERROR;
    }
    /* no watcher thread of the relay may outlive the session */
    if (left == 0)
        async_relay_stop();
    station_stop();
    return 0;
}

/* WHY: a new socket is ours entirely; ws2.dll makes its handle. */
static SOCKET WSPAPI irda_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                                 GROUP group, DWORD flags, LPINT err)
{
    struct irsock *so;
    SOCKET handle;
    (void)group; (void)flags;

    if (af == FROM_PROTOCOL_INFO)
        af = info->iAddressFamily;
    if (type == FROM_PROTOCOL_INFO)
        type = info->iSocketType;
    if (protocol == FROM_PROTOCOL_INFO)
        protocol = info->iProtocol;
    if (af != AF_IRDA) {
        *err = WSAEAFNOSUPPORT;
        return INVALID_SOCKET;
    }
    if (type != SOCK_STREAM) {
        *err = WSAESOCKTNOSUPPORT;
        return INVALID_SOCKET;
    }
    if (protocol != 0 && protocol != IRDA_PROTO_SOCK_STREAM) {
        *err = WSAEPROTONOSUPPORT;
        return INVALID_SOCKET;
    }
    *err = irsock_create(info->dwCatalogEntryId, &so, &handle);
    return *err ? INVALID_SOCKET : handle;
}

static int WSPAPI irda_recv_from(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD got,
                                 LPDWORD flags, struct sockaddr *from, LPINT fromlen,
                                 LPWSAOVERLAPPED ov,
                                 LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                                 LPWSATHREADID thread, LPINT err)
{
    (void)from; (void)fromlen;      /* a stream socket has no per-datagram sender */
    return irda_recv(s, bufs, count, got, flags, ov, routine, thread, err);
}

static int WSPAPI irda_send_to(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent,
                               DWORD flags, const struct sockaddr *to, int tolen,
                               LPWSAOVERLAPPED ov,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                               LPWSATHREADID thread, LPINT err)
{
    (void)to; (void)tolen;          /* connected stream: the address is ignored */
    return irda_send(s, bufs, count, sent, flags, ov, routine, thread, err);
}

/* How the relay (provider/common/async_relay.c) reaches our event select. */
static const struct async_relay_ops *relay_ops(void)
{
    static struct async_relay_ops ops = {
        irda_event_select, irda_enum_network_events, irda_select, irda_get_sock_opt, irda_ioctl,
        irda_get_peer_name, NULL
    };
    ops.post_message = upcalls.lpWPUPostMessage;
    return &ops;
}

/*
 * WHY: WSAAsyncSelect (a desktop extension; CE has none) is our event
 * select turned into messages by the relay, which keeps its re-enabling
 * rules; the relay posts with WPUPostMessage.
 */
static int WSPAPI irda_async_select(SOCKET s, HWND window, unsigned int message,
                                    __LONG32 events, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return SOCKET_ERROR;
    irsock_release(so);
    return async_relay_select(relay_ops(), s, window, message, events, err);
}

/* WHY: WSAEventSelect and WSAAsyncSelect cancel each other. */
static int WSPAPI irda_event_select_call(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err)
{
    async_relay_forget(s);
    return irda_event_select(s, event, events, err);
}

/* WHY: no message for the socket once closesocket has begun. */
static int WSPAPI irda_close_call(SOCKET s, LPINT err)
{
    async_relay_forget(s);
    return irda_close_socket(s, err);
}

/* WHY: the listener's WSAAsyncSelect applies to the accepted socket too. */
static SOCKET WSPAPI irda_accept_call(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                      LPCONDITIONPROC condition, DWORD_PTR data, LPINT err)
{
    SOCKET accepted = irda_accept(s, addr, addrlen, condition, data, err);

    if (accepted != INVALID_SOCKET)
        async_relay_inherit(relay_ops(), s, accepted);
    return accepted;
}

/*
 * WHY: IrDA sockets have no disconnect data, no duplication, QOS or
 * multipoint leaves, and no address strings: those stay as
 * spi_unsupported_table leaves them, WSAEOPNOTSUPP.
 */
void table_fill(WSPPROC_TABLE *t)
{
    spi_unsupported_table(t);
    t->lpWSPAccept = irda_accept_call;
    t->lpWSPAsyncSelect = irda_async_select;
    t->lpWSPBind = irda_bind;
    t->lpWSPCleanup = irda_cleanup;
    t->lpWSPCloseSocket = irda_close_call;
    t->lpWSPConnect = irda_connect;
    t->lpWSPEnumNetworkEvents = irda_enum_network_events;
    t->lpWSPEventSelect = irda_event_select_call;
    t->lpWSPGetOverlappedResult = irda_get_overlapped_result;
    t->lpWSPGetPeerName = irda_get_peer_name;
    t->lpWSPGetSockName = irda_get_sock_name;
    t->lpWSPGetSockOpt = irda_get_sock_opt;
    t->lpWSPIoctl = irda_ioctl;
    t->lpWSPListen = irda_listen;
    t->lpWSPRecv = irda_recv;
    t->lpWSPRecvFrom = irda_recv_from;
    t->lpWSPSelect = irda_select;
    t->lpWSPSend = irda_send;
    t->lpWSPSendTo = irda_send_to;
    t->lpWSPSetSockOpt = irda_set_sock_opt;
    t->lpWSPShutdown = irda_shutdown;
    t->lpWSPSocket = irda_socket;
}
