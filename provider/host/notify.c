/*
 * notify.c - readiness and network events: select, WSAEventSelect,
 * WSAEnumNetworkEvents and WSAAsyncSelect.  Because our handles are the
 * host's, the host can watch them directly, and the socket values it
 * reports in fd_sets are the application's.  Window messages are ours
 * (the relay), posted through ws2.dll's WPUPostMessage.
 */
#include "hostprov.h"

/*
 * WHY: the fd_sets hold application SOCKETs, which for us are host
 * sockets, so the host's select can wait on them as they are and clear the
 * ones that are not ready in place.
 */
int WSPAPI WSPSelect(int nfds, fd_set *readable, fd_set *writable,
                     fd_set *exceptional, const PTIMEVAL timeout, LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error,
                         select(nfds, readable, writable, exceptional, timeout),
                         error);
}

/* The host's own event selection, for the relay (which must not forget itself). */
static int WSPAPI host_event_select(SOCKET s, WSAEVENT event, __LONG32 events, LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, WSAEventSelect(s, event, events), error);
}

/* How async_relay.c reaches the host (the upcall table is filled at startup). */
static struct async_relay_ops relay_ops = {
    host_event_select, WSPEnumNetworkEvents, WSPSelect, WSPGetSockOpt, WSPIoctl, WSPGetPeerName,
    NULL
};

const struct async_relay_ops *host_relay_ops(void)
{
    relay_ops.post_message = host_upcalls.lpWPUPostMessage;
    return &relay_ops;
}

/*
 * WHY: the host detects the network events and signals the application's
 * event object itself; nothing of ours needs to run when they happen.  An
 * asynchronous selection of the socket ends first: the two cancel each
 * other, as in Winsock.
 */
int WSPAPI WSPEventSelect(SOCKET s, WSAEVENT event, __LONG32 events,
                          LPINT error)
{
    async_relay_forget(s);
    return host_event_select(s, event, events, error);
}

/*
 * WHY: the recorded events and their error codes are the host's; reading
 * them also resets the event object, as the host does it.
 */
int WSPAPI WSPEnumNetworkEvents(SOCKET s, WSAEVENT event,
                                LPWSANETWORKEVENTS events, LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, WSAEnumNetworkEvents(s, event, events),
                         error);
}

/*
 * WHY: not the host's WSAAsyncSelect.  Its messages would come from below
 * every layer: the layered provider could not stop them at closesocket (a
 * socket it closes in the background lives on in the host, and would
 * still post FD_CLOSE), and the SPI has providers post through
 * WPUPostMessage, with the socket the application holds as wParam.  So the
 * host event-selects the socket on an event of ours and the relay
 * (provider/common/async_relay.c) posts what it records, which keeps the
 * host's re-enabling rules.
 */
int WSPAPI WSPAsyncSelect(SOCKET s, HWND window, unsigned int message,
                          __LONG32 events, LPINT error)
{
    DWORD catalog_id;

    if (!catalog_id_of_socket(s, &catalog_id, error))
        return SOCKET_ERROR;
    return async_relay_select(host_relay_ops(), s, window, message, events, error);
}
