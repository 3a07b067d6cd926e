/*
 * control.c - options, ioctls, names and QOS: the host's calls on the same
 * handle, except that a socket describes itself with our catalog entry.
 */
#include "hostprov.h"

#include <stddef.h>
#include <string.h>

_Static_assert(offsetof(WSAPROTOCOL_INFOA, szProtocol) ==
               offsetof(WSAPROTOCOL_INFOW, szProtocol),
               "the A and W descriptions share everything before the name");

/* getsockopt(SO_PROTOCOL_INFOW/A): the host would describe the socket with
 * its own catalog entry, whose ids mean nothing to ws2.dll. */
static int get_protocol_info(SOCKET s, int name, char *value, LPINT length,
                             LPINT error)
{
    WSAPROTOCOL_INFOW host_info, entry;
    int host_length = sizeof(host_info);
    int needed = name == SO_PROTOCOL_INFOW ? sizeof(WSAPROTOCOL_INFOW)
                                           : sizeof(WSAPROTOCOL_INFOA);
    DWORD caller_error, catalog_id;

    /* The host checks the socket first, as it would for the real call. */
    caller_error = host_call_begin();
    if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&host_info,
                   &host_length) == SOCKET_ERROR) {
        host_call_failed(caller_error, error);
        return SOCKET_ERROR;
    }
    host_call_succeeded(caller_error, error);

    if (!value || !length || *length < needed) {
        *error = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!catalog_id_of_socket(s, &catalog_id, error))
        return SOCKET_ERROR;
    catalog_describe(catalog_id, &host_info, &entry);

    if (name == SO_PROTOCOL_INFOW) {
        memcpy(value, &entry, sizeof(entry));
    } else {
        WSAPROTOCOL_INFOA narrow;

        memcpy(&narrow, &entry, offsetof(WSAPROTOCOL_INFOA, szProtocol));
        memset(narrow.szProtocol, 0, sizeof(narrow.szProtocol));
        WideCharToMultiByte(CP_ACP, 0, entry.szProtocol, -1, narrow.szProtocol,
                            sizeof(narrow.szProtocol) - 1, NULL, NULL);
        memcpy(value, &narrow, sizeof(narrow));
    }
    *length = needed;
    *error = NO_ERROR;
    return 0;
}

/*
 * WHY: options live on the host socket (SO_LINGER included: whatever a
 * layered provider above does about CE's linger rules, the host's linger
 * value is what the host's TCP will do at close).
 */
int WSPAPI WSPSetSockOpt(SOCKET s, int level, int name, const char *value,
                         int length, LPINT error)
{
    DWORD caller_error = host_call_begin();
    int result = host_call_end(caller_error, setsockopt(s, level, name, value, length),
                               error);

    /* remember whether the next close must reset (see WSPCloseSocket) */
    if (result == 0 && level == SOL_SOCKET && name == SO_LINGER) {
        struct linger l;
        memcpy(&l, value, sizeof(l));
        socket_map_set_abortive(s, l.l_onoff && l.l_linger == 0);
    } else if (result == 0 && level == SOL_SOCKET && name == SO_DONTLINGER) {
        socket_map_set_abortive(s, FALSE);
    }
    return result;
}

/*
 * WHY: as WSPSetSockOpt, except SO_PROTOCOL_INFO, which must name our
 * catalog entry rather than the host's.
 */
int WSPAPI WSPGetSockOpt(SOCKET s, int level, int name, char *value,
                         LPINT length, LPINT error)
{
    DWORD caller_error;

    if (level == SOL_SOCKET &&
        (name == SO_PROTOCOL_INFOW || name == SO_PROTOCOL_INFOA))
        return get_protocol_info(s, name, value, length, error);

    caller_error = host_call_begin();
    return host_call_end(caller_error, getsockopt(s, level, name, value, length),
                         error);
}

/*
 * WHY: ioctls act on the host socket (FIONBIO, FIONREAD, SIOCATMARK, the
 * SIO_* codes), overlapped ones complete like io.c's calls.  Extension
 * function pointers (AcceptEx, ConnectEx, ...) come back as the host's and
 * are safe to call on our handles, since our handles are the host's; an
 * AcceptEx accept socket is one the application created through us, so it
 * already has its catalog entry.
 */
/*
 * WHY: the layered provider needs the bytes still queued for the peer to
 * honour a lingering close, and only the host kernel knows them.
 */
static int send_backlog(SOCKET s, LPVOID out, DWORD out_size, LPDWORD bytes_returned,
                        LPWSAOVERLAPPED overlapped, DWORD caller_error, LPINT error)
{
    DWORD queued = 0;

    SetLastError(caller_error);
    if (overlapped) {
        *error = WSAEINVAL;
        return SOCKET_ERROR;
    }
    if (!out || out_size < sizeof(DWORD)) {
        *error = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!wine_host_send_backlog(s, &queued)) {
        *error = WSAEOPNOTSUPP;
        return SOCKET_ERROR;
    }
    memcpy(out, &queued, sizeof(queued));
    if (bytes_returned)
        *bytes_returned = sizeof(queued);
    *error = NO_ERROR;
    return 0;
}

int WSPAPI WSPIoctl(SOCKET s, DWORD code, LPVOID in, DWORD in_size,
                    LPVOID out, DWORD out_size, LPDWORD bytes_returned,
                    LPWSAOVERLAPPED overlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                    LPWSATHREADID thread, LPINT error)
{
    DWORD caller_error = host_call_begin();
    int result;

    (void)thread;
    if (code == SIO_CEWS_SEND_BACKLOG)
        return send_backlog(s, out, out_size, bytes_returned, overlapped, caller_error, error);
    result = WSAIoctl(s, code, in, in_size, out, out_size, bytes_returned,
                      overlapped, completion);
    return host_call_end(caller_error, result, error);
}

/*
 * WHY: the connection's addresses are known to the host only.
 */
int WSPAPI WSPGetPeerName(SOCKET s, struct sockaddr *name, LPINT name_length,
                          LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, getpeername(s, name, name_length), error);
}

/*
 * WHY: as WSPGetPeerName, for the local end (including the port the host
 * chose for an implicit bind).
 */
int WSPAPI WSPGetSockName(SOCKET s, struct sockaddr *name, LPINT name_length,
                          LPINT error)
{
    DWORD caller_error = host_call_begin();
    return host_call_end(caller_error, getsockname(s, name, name_length), error);
}

/*
 * WHY: QOS templates belong to the host's transport; a host without them
 * says so with its own error.
 */
WINBOOL WSPAPI WSPGetQOSByName(SOCKET s, LPWSABUF qos_name, LPQOS qos,
                               LPINT error)
{
    DWORD caller_error = host_call_begin();
    WINBOOL found = WSAGetQOSByName(s, qos_name, qos);

    if (!found)
        host_call_failed(caller_error, error);
    else
        host_call_succeeded(caller_error, error);
    return found;
}
