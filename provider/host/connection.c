/*
 * connection.c - naming and connection state: bind, connect, listen,
 * shutdown and the disconnect-data calls.  The socket is the host's, so
 * each is the host's call on the same handle.
 */
#include "hostprov.h"

/*
 * WHY: binding is the host's business; the address is already in the
 * host's sockaddr format (ours is the same Winsock layout).
 */
int WSPAPI WSPBind(SOCKET s, const struct sockaddr *name, int name_length,
                   LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, bind(s, name, name_length), error);
}

/*
 * WHY: WSAConnect rather than connect, so that connect data and QOS reach
 * the host as the application gave them (TCP/IP ignores or rejects them
 * there, with the host's error codes).  A non-blocking socket fails with
 * WSAEWOULDBLOCK here and reports completion through select/events.
 */
int WSPAPI WSPConnect(SOCKET s, const struct sockaddr *name, int name_length,
                      LPWSABUF caller_data, LPWSABUF callee_data,
                      LPQOS socket_qos, LPQOS group_qos, LPINT error)
{
    DWORD caller_error;
    int result;

    /* Winsock's code for a family this provider does not carry (Wine
     * would say WSAEADDRNOTAVAIL); AF_UNSPEC still goes to the host */
    if (name && name_length >= (int)sizeof(name->sa_family) && name->sa_family != AF_UNSPEC
        && name->sa_family != AF_INET && name->sa_family != AF_INET6) {
        *error = WSAEAFNOSUPPORT;
        return SOCKET_ERROR;
    }
    caller_error = host_call_begin();
    result = WSAConnect(s, name, name_length, caller_data, callee_data,
                            socket_qos, group_qos);
    return host_call_end(caller_error, result, error);
}

/*
 * WHY: the host owns the accept queue; accepted sockets come back through
 * WSPAccept, which gives them their IFS handle.
 */
int WSPAPI WSPListen(SOCKET s, int backlog, LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, listen(s, backlog), error);
}

/*
 * WHY: a half close (SD_SEND sends the FIN after queued data) must happen
 * in the host's TCP, which holds the data.
 */
int WSPAPI WSPShutdown(SOCKET s, int how, LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, shutdown(s, how), error);
}

/*
 * WHY: TCP has no disconnect data; the host turns this into a receive-side
 * shutdown and rejects data it cannot carry.
 */
int WSPAPI WSPRecvDisconnect(SOCKET s, LPWSABUF disconnect_data, LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, WSARecvDisconnect(s, disconnect_data),
                         error);
}

/*
 * WHY: as WSPRecvDisconnect, for the sending side: a graceful FIN.
 */
int WSPAPI WSPSendDisconnect(SOCKET s, LPWSABUF disconnect_data, LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, WSASendDisconnect(s, disconnect_data),
                         error);
}
