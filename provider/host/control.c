/*
 * control.c - options, ioctls, names and QOS: the host's calls on the same
 * handle, except that a socket describes itself with our catalog entry.
 */
#include "hostprov.h"
#include "../common/protocol_info_text.h"

#include <mswsock.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#ifndef SIO_IDEAL_SEND_BACKLOG_QUERY
#define SIO_IDEAL_SEND_BACKLOG_QUERY _IOR('t', 123, ULONG)
#endif

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

    /* a short buffer is told the size it needs; a big enough one keeps
     * its length (Windows leaves *optlen alone when it succeeds) */
    if (!length || *length < needed || !value) {
        if (length && *length < needed)
            *length = needed;
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

        protocol_info_narrow(&entry, &narrow);
        memcpy(value, &narrow, sizeof(narrow));
    }
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
 * WHY: the layered provider needs the bytes still queued for the peer to
 * honour a lingering close, and only the host kernel knows them.  (The
 * output buffer has been checked by WSPIoctl.)
 */
static int send_backlog(SOCKET s, LPVOID out, LPDWORD bytes_returned,
                        LPWSAOVERLAPPED overlapped, LPINT error)
{
    DWORD queued = 0;

    if (overlapped) {
        *error = WSAEINVAL;
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

/*
 * WHY: celsp and ws2inst must know whether the linger table is exact over
 * this provider or approximated, and never guess (cews2.h).
 */
static int linger_mechanism(LPVOID out, LPDWORD bytes_returned, LPWSAOVERLAPPED overlapped,
                            LPINT error)
{
    /* on Windows the host's own closesocket lingers with the SO_LINGER
     * passed down to it (WSPSetSockOpt); under Wine only the Linux socket
     * below can tell the backlog */
    DWORD mechanism = wine_host_active()   ? CEWS_LINGER_MECHANISM_BACKLOG
                      : wine_host_is_wine() ? CEWS_LINGER_MECHANISM_NONE
                                            : CEWS_LINGER_MECHANISM_NATIVE;

    if (overlapped) {
        *error = WSAEINVAL;
        return SOCKET_ERROR;
    }
    memcpy(out, &mechanism, sizeof(mechanism));
    if (bytes_returned)
        *bytes_returned = sizeof(mechanism);
    *error = NO_ERROR;
    return 0;
}

/* The size of the answer of an ioctl whose answer has a fixed size; 0 for
 * the others. */
static DWORD fixed_answer_size(DWORD code, const void *in, DWORD in_size)
{
    switch (code) {
    case FIONREAD:
    case SIOCATMARK:
        return sizeof(u_long);
    case SIO_IDEAL_SEND_BACKLOG_QUERY:
    case SIO_CEWS_SEND_BACKLOG:
    case SIO_CEWS_LINGER_MECHANISM:
    case SIO_CEWS_POLL_STATE:
        return sizeof(ULONG);
    case SIO_GET_EXTENSION_FUNCTION_POINTER:
        return sizeof(void *);
    case SIO_BASE_HANDLE:
        return sizeof(SOCKET);
    case SIO_ROUTING_INTERFACE_QUERY: {
        /* the interface's address, of the destination's family */
        u_short family = AF_INET;
        if (in && in_size >= sizeof(family))
            memcpy(&family, in, sizeof(family));
        return family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    }
    default:
        return 0;
    }
}

static BOOL answer_size_varies(DWORD code)
{
    return code == SIO_ADDRESS_LIST_QUERY || code == SIO_GET_INTERFACE_LIST;
}

/* How big the host's answer to a variable-size ioctl is now: it answers
 * into a scratch buffer as large as it takes.  0 if it cannot say. */
static DWORD host_answer_size(SOCKET s, DWORD code)
{
    DWORD size = 0, capacity;

    for (capacity = 4096; capacity <= (1u << 20); capacity *= 2) {
        void *scratch = malloc(capacity);
        DWORD returned = 0;
        int result;

        if (!scratch)
            break;
        result = WSAIoctl(s, code, NULL, 0, scratch, capacity, &returned, NULL, NULL);
        free(scratch);
        if (result == 0) {
            size = returned;
            break;
        }
        if (WSAGetLastError() != WSAEFAULT && WSAGetLastError() != WSAENOBUFS)
            break;
    }
    return size;
}

/* Where Windows refuses a fixed-size answer's buffer without naming the
 * size (Wine's conformance tests, which pass on Windows): a short buffer
 * for FIONREAD or SIOCATMARK, no buffer but a length for
 * SIO_ROUTING_INTERFACE_QUERY. */
static BOOL refusal_names_no_size(DWORD code, const void *out, DWORD out_size)
{
    if (code == FIONREAD || code == SIOCATMARK)
        return out != NULL;
    if (code == SIO_ROUTING_INTERFACE_QUERY)
        return !out && out_size;
    return FALSE;
}

/* WSAEFAULT with the size the answer needs, for a missing or short
 * output buffer. */
static int answer_does_not_fit(DWORD needed, LPDWORD bytes_returned, LPINT error)
{
    if (bytes_returned)
        *bytes_returned = needed;
    *error = WSAEFAULT;
    return SOCKET_ERROR;
}

/*
 * WHY: ioctls act on the host socket (FIONBIO, FIONREAD, SIOCATMARK, the
 * SIO_* codes), overlapped ones complete like io.c's calls.  Extension
 * function pointers (AcceptEx, ConnectEx, ...) come back as the host's and
 * are safe to call on our handles, since our handles are the host's; an
 * AcceptEx accept socket is one the application created through us, so it
 * already has its catalog entry.
 *
 * An ioctl that answers in the output buffer, given none or a short one,
 * fails with WSAEFAULT and puts the size it needs in *lpcbBytesReturned,
 * as Windows documents for SIO_ADDRESS_LIST_QUERY.  Wine's host does that
 * for SIO_ADDRESS_LIST_QUERY with no buffer only: it faults on a NULL buffer
 * for SIO_GET_EXTENSION_FUNCTION_POINTER and SIO_BASE_HANDLE, leaves the
 * count alone for the fixed-size answers and answers a short address list
 * buffer with WSAEINVAL, so the sizes are checked here first.  An ioctl
 * on a socket created without WSA_FLAG_OVERLAPPED ignores lpOverlapped
 * (io.c says why).
 */
int WSPAPI WSPIoctl(SOCKET s, DWORD code, LPVOID in, DWORD in_size,
                    LPVOID out, DWORD out_size, LPDWORD bytes_returned,
                    LPWSAOVERLAPPED overlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                    LPWSATHREADID thread, LPINT error)
{
    DWORD caller_error, spare = 0, needed = fixed_answer_size(code, in, in_size);
    int result;

    (void)thread;
    ignore_overlapped(s, &overlapped, &completion, &bytes_returned, &spare);
    if (needed && (!out || out_size < needed))
        return answer_does_not_fit(needed, refusal_names_no_size(code, out, out_size) ? NULL
                                                                                     : bytes_returned,
                                   error);
    caller_error = host_call_begin();
    if (code == SIO_CEWS_SEND_BACKLOG) {
        result = send_backlog(s, out, bytes_returned, overlapped, error);
    } else if (code == SIO_CEWS_LINGER_MECHANISM) {
        result = linger_mechanism(out, bytes_returned, overlapped, error);
    } else if (code == SIO_CEWS_POLL_STATE) {
        result = poll_state(s, out, bytes_returned, overlapped, error);
    } else if (code == SIO_ADDRESS_LIST_QUERY && out && out_size &&
               out_size < offsetof(SOCKET_ADDRESS_LIST, Address)) {
        /* room for less than the count itself: Windows calls the buffer
         * invalid and names no size */
        if (bytes_returned)
            *bytes_returned = 0;
        *error = WSAEINVAL;
        result = SOCKET_ERROR;
    } else if (answer_size_varies(code) && (!out || !out_size)) {
        needed = host_answer_size(s, code);
        result = needed ? answer_does_not_fit(needed, bytes_returned, error)
                        : host_call_end(caller_error, WSAIoctl(s, code, in, in_size, out, out_size,
                                                               bytes_returned, overlapped,
                                                               completion), error);
    } else {
        result = host_call_end(caller_error, WSAIoctl(s, code, in, in_size, out, out_size,
                                                      bytes_returned, overlapped, completion),
                               error);
        /* a short buffer for the address list: the size it needs, whatever
         * the host said (a short interface list names none, on Windows too) */
        if (result == SOCKET_ERROR && *error != WSA_IO_PENDING && code == SIO_ADDRESS_LIST_QUERY &&
            (needed = host_answer_size(s, code)) > out_size)
            result = answer_does_not_fit(needed, bytes_returned, error);
    }
    SetLastError(caller_error);
    return result;
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
