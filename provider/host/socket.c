/*
 * socket.c - the calls that create and destroy sockets: WSPSocket,
 * WSPAccept, WSPJoinLeaf, WSPCloseSocket, and the IFS handover to ws2.dll.
 *
 * Catalog entry ids: WPUModifyIFSHandle must name the catalog entry that
 * owns a new handle, and ws2.dll routes every later call on that handle to
 * that entry's provider.  WSPSocket is told the entry (lpProtocolInfo); an
 * accepted socket (or a new multipoint leaf) inherits it from its parent
 * socket.  We record the id per socket in socket_map.c rather than deriving
 * it from the four entries we were started for, because the id WSPSocket
 * receives may be a layered provider's own entry (an IFS layered provider
 * passes our handles through and wants them routed to itself); only the
 * per-socket record gives an accepted socket the same owner as its
 * listener.  If a listener is missing from the map we fall back to the
 * first started entry with its family, type and protocol.
 */
#include "hostprov.h"

void close_host_socket(SOCKET host_socket)
{
    DWORD caller_error = GetLastError();
    closesocket(host_socket);
    SetLastError(caller_error);
}

/*
 * Whether a host socket is overlapped.  One created without
 * WSA_FLAG_OVERLAPPED (socket() after SO_OPENTYPE, or WSASocket without the
 * flag) must ignore lpOverlapped, and Wine's host does not (io.c), so we
 * need to know.  A created socket's flags say it, an accepted one is as its
 * listener; otherwise (a duplicate, a leaf) the kernel file says it
 * (FILE_SYNCHRONOUS_IO_ALERT or _NONALERT in its mode), at the price of a
 * server call that socket() and accept() no longer pay.  If it cannot be
 * asked, the socket is taken as overlapped.
 */
#define FILE_MODE_INFORMATION   16
#define FILE_SYNCHRONOUS_MODES  0x30    /* FILE_SYNCHRONOUS_IO_ALERT | _NONALERT */

struct io_status {
    union { LONG status; void *pointer; } u;
    ULONG_PTR information;
};
typedef LONG (WINAPI *query_information_file_fn)(HANDLE, struct io_status *, void *, ULONG, int);

static BOOL host_socket_overlapped(SOCKET host_socket)
{
    static query_information_file_fn query;
    struct io_status status;
    ULONG mode = 0;

    if (!query)
        query = (query_information_file_fn)(void (*)(void))GetProcAddress(
            GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationFile");
    if (!query || query((HANDLE)host_socket, &status, &mode, sizeof(mode),
                        FILE_MODE_INFORMATION) < 0)
        return TRUE;
    return (mode & FILE_SYNCHRONOUS_MODES) == 0;
}

SOCKET adopt_host_socket(SOCKET host_socket, DWORD catalog_id, enum host_mode mode, LPINT error)
{
    int upcall_error = NO_ERROR;
    DWORD forgotten;
    SOCKET handle;
    BOOL overlapped = mode == HOST_MODE_ASK ? host_socket_overlapped(host_socket)
                                            : mode == HOST_MODE_OVERLAPPED;

    /* Recorded before ws2.dll learns of the handle, so that no caller can
     * ever see the handle without its record. */
    if (!socket_map_set(host_socket, catalog_id, overlapped)) {
        close_host_socket(host_socket);
        *error = WSAENOBUFS;
        return INVALID_SOCKET;
    }

    handle = host_upcalls.lpWPUModifyIFSHandle(catalog_id, host_socket,
                                               &upcall_error);
    if (handle == host_socket) {
        *error = NO_ERROR;
        return handle;
    }

    /* ws2.dll refused the handle, or (a broken contract: an IFS handle must
     * come back unchanged, since we pass it to the host as it is) renamed
     * it. */
    socket_map_take(host_socket, &forgotten, NULL, NULL);
    close_host_socket(host_socket);
    if (handle != INVALID_SOCKET || upcall_error == NO_ERROR)
        upcall_error = WSAEINVAL;
    *error = upcall_error;
    return INVALID_SOCKET;
}

BOOL catalog_id_of_socket(SOCKET s, DWORD *catalog_id, LPINT error)
{
    WSAPROTOCOL_INFOW host_info;
    int length = sizeof(host_info);
    DWORD caller_error;

    if (socket_map_get(s, catalog_id, NULL))
        return TRUE;

    caller_error = host_call_begin();
    if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&host_info,
                   &length) == SOCKET_ERROR) {
        host_call_failed(caller_error, error);
        return FALSE;
    }
    SetLastError(caller_error);

    if (catalog_match(host_info.iAddressFamily, host_info.iSocketType,
                      host_info.iProtocol, catalog_id))
        return TRUE;
    *error = WSAENOTSOCK;
    return FALSE;
}

/*
 * WHY: the application's socket must be a real kernel file object (it may
 * go straight to CreateIoCompletionPort), so we create the host socket and
 * give its handle to ws2.dll as an IFS handle instead of minting our own.
 * lpProtocolInfo is ws2.dll's catalog entry, meaningless to the host, so
 * the host chooses its own provider from family, type and protocol; only a
 * WSAPROTOCOL_INFOW from our WSPDuplicateSocket carries a host socket to
 * import.
 */
SOCKET WSPAPI WSPSocket(int family, int type, int protocol,
                        LPWSAPROTOCOL_INFOW entry, GROUP g, DWORD flags,
                        LPINT error)
{
    SOCKET host_socket;
    DWORD caller_error;

    if (!entry) {
        *error = WSAEINVAL;
        return INVALID_SOCKET;
    }
    if (is_duplicate_info(entry))
        return import_duplicate(entry, g, flags, error);

    if (family == FROM_PROTOCOL_INFO)
        family = entry->iAddressFamily;
    if (type == FROM_PROTOCOL_INFO)
        type = entry->iSocketType;
    if (protocol == FROM_PROTOCOL_INFO)
        protocol = entry->iProtocol;

    caller_error = host_call_begin();
    host_socket = WSASocketW(family, type, protocol, NULL, g, flags);
    if (host_socket == INVALID_SOCKET) {
        host_call_failed(caller_error, error);
        return INVALID_SOCKET;
    }
    SetLastError(caller_error);

    return adopt_host_socket(host_socket, entry->dwCatalogEntryId,
                             flags & WSA_FLAG_OVERLAPPED ? HOST_MODE_OVERLAPPED : HOST_MODE_SYNCHRONOUS,
                             error);
}

/*
 * WHY: the host accepts (running the application's condition function on
 * this thread, as WSAAccept does); the new connection then needs the same
 * IFS handover as a created socket, under the listener's catalog entry.
 * The entry is looked up first so that a failure there cannot swallow a
 * connection.
 */
SOCKET WSPAPI WSPAccept(SOCKET s, struct sockaddr *address, LPINT address_length,
                        LPCONDITIONPROC condition, DWORD_PTR condition_context,
                        LPINT error)
{
    SOCKET host_socket;
    DWORD caller_error, catalog_id;
    enum host_mode mode = HOST_MODE_ASK;
    BOOL listener_overlapped;

    /* one look at the listener's record: its entry, and the accepted
     * socket is opened as it was; a listener we have no record of is
     * asked of the host, and the new socket's mode of its kernel file */
    if (socket_map_get(s, &catalog_id, &listener_overlapped))
        mode = listener_overlapped ? HOST_MODE_OVERLAPPED : HOST_MODE_SYNCHRONOUS;
    else if (!catalog_id_of_socket(s, &catalog_id, error))
        return INVALID_SOCKET;

    caller_error = host_call_begin();
    host_socket = WSAAccept(s, address, address_length, condition,
                            condition_context);
    if (host_socket == INVALID_SOCKET) {
        host_call_failed(caller_error, error);
        return INVALID_SOCKET;
    }
    SetLastError(caller_error);

    host_socket = adopt_host_socket(host_socket, catalog_id, mode, error);
    /* the listener's WSAAsyncSelect applies to the accepted socket too */
    if (host_socket != INVALID_SOCKET)
        async_relay_inherit(host_relay_ops(), s, host_socket);
    async_relay_poke(s);    /* FD_ACCEPT again, if another connection waits */
    return host_socket;
}

/*
 * WHY: CE 5.0's TCP/UDP provider supports no multipoint join, and its
 * WSPJoinLeaf page says exactly what it answers: SOCKET_ERROR with
 * WSASYSCALLFAILURE, always.  Where that page and today's Windows (which
 * joins IP multicast groups this way) disagree, the page wins
 * (docs/compatibility.md).  The host is not asked.
 */
SOCKET WSPAPI WSPJoinLeaf(SOCKET s, const struct sockaddr *name, int name_length,
                          LPWSABUF caller_data, LPWSABUF callee_data,
                          LPQOS socket_qos, LPQOS group_qos, DWORD flags,
                          LPINT error)
{
    (void)s; (void)name; (void)name_length; (void)caller_data; (void)callee_data;
    (void)socket_qos; (void)group_qos; (void)flags;
    *error = WSASYSCALLFAILURE;
    return INVALID_SOCKET;
}

/*
 * WHY: the handle is the host's, so the host closes it (and does whatever
 * its linger settings say).  The socket's record is dropped before the
 * close, because the instant the host closes the handle another thread may
 * be given the same value for a new socket, whose record we must not
 * delete; if the close fails the socket lives on and gets its record back.
 */
/*
 * WHY: a zero linger asks for a hard close.  Windows resets the connection
 * then; Wine's host only shuts it down (FIN), so the reset is made below it
 * (wine_host.c).  The request was remembered by WSPSetSockOpt.
 */
/*
 * Whether s is the last handle to its socket.  A duplicate
 * (WSADuplicateSocket, in this process or another) shares the connection,
 * which must outlive this close: an abortive close is for the last handle
 * only, as on Windows, where the socket ends when its last handle does.
 * The object's handle count says; if it cannot be read, assume the last.
 */
static BOOL last_handle(SOCKET s)
{
    typedef LONG (NTAPI *query_object_fn)(HANDLE, int, PVOID, ULONG, PULONG);
    static query_object_fn query_object;
    struct { ULONG attributes; ACCESS_MASK access; ULONG handles, pointers, reserved[10]; } basic;

    if (!query_object)
        query_object = (query_object_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                               "NtQueryObject");
    /* ObjectBasicInformation is class 0 */
    if (!query_object || query_object((HANDLE)s, 0, &basic, sizeof(basic), NULL) != 0)
        return TRUE;
    return basic.handles <= 1;
}

int WSPAPI WSPCloseSocket(SOCKET s, LPINT error)
{
    DWORD caller_error, catalog_id;
    BOOL recorded, abortive = FALSE, overlapped = TRUE;
    int result;

    /* no message for s once closesocket has begun */
    async_relay_forget(s);
    recorded = socket_map_take(s, &catalog_id, &abortive, &overlapped);

    caller_error = host_call_begin();
    if (abortive && last_handle(s))
        wine_host_abort(s);
    result = host_call_end(caller_error, closesocket(s), error);
    if (result == SOCKET_ERROR && recorded) {
        socket_map_set(s, catalog_id, overlapped);
        socket_map_set_abortive(s, abortive);
    }
    return result;
}
