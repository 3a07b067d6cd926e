/*
 * notify.c - readiness and network events: select, WSAEventSelect,
 * WSAEnumNetworkEvents and WSAAsyncSelect.  Because our handles are the
 * host's, the host can watch them directly, and the socket values it
 * reports (in fd_sets, or as a window message's wParam) are the
 * application's.
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

/*
 * WHY: the host detects the network events and signals the application's
 * event object itself; nothing of ours needs to run when they happen.
 */
int WSPAPI WSPEventSelect(SOCKET s, WSAEVENT event, __LONG32 events,
                          LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, WSAEventSelect(s, event, events), error);
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
 * WHY: the host posts the messages straight to the application's window
 * with wParam = the host socket, which is the application's socket, so no
 * WPUPostMessage relay is needed.
 */
int WSPAPI WSPAsyncSelect(SOCKET s, HWND window, unsigned int message,
                          __LONG32 events, LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error,
                         WSAAsyncSelect(s, window, message, events), error);
}
