/*
 * api_socket.c - creating, naming, connecting and closing sockets.
 *
 * Each call finds the socket's record (WSAENOTSOCK when the handle is not
 * one of ours), holds a reference to it for the length of the call so that a
 * concurrent closesocket cannot free it, and calls the owning provider.
 */
#include "ws2_private.h"

/* socket, WSASocketW and WSASocketA (api: which one the application called). */
SOCKET api_socket_create(LONGLONG t, const char *api, int af, int type, int protocol,
                         LPWSAPROTOCOL_INFOW info, GROUP group, DWORD flags)
{
    struct catalog_entry *entry = NULL;
    struct provider *provider = NULL;
    struct catalog *c;
    WSAPROTOCOL_INFOW caller_info;
    SOCKET s = INVALID_SOCKET;
    int err = 0, af_in = af, type_in = type, protocol_in = protocol;

    if (!process_started()) {
        err = WSANOTINITIALISED;
        goto done;
    }
    c = process_catalog();
    process_lock();
    if (info) {
        /* an explicit protocol names its catalog entry */
        if (!api_readable(info, sizeof(*info)))
            err = WSAEFAULT;
        else if (!(entry = catalog_find_id(c, info->dwCatalogEntryId)))
            err = WSAEINVALIDPROVIDER;
        else
            catalog_entry_reference(entry);
    } else {
        err = catalog_find_for_socket(c, af, type, protocol, &entry);
    }
    process_unlock();
    if (err)
        goto done;
    if (info) {
        /* what the caller did not give comes from the caller's description
         * (a duplicate's, or one it edited), not from the catalog's */
        caller_info = *info;
        if (af == FROM_PROTOCOL_INFO || af == 0) af = caller_info.iAddressFamily;
        if (type == FROM_PROTOCOL_INFO || type == 0) type = caller_info.iSocketType;
        if (protocol == FROM_PROTOCOL_INFO || protocol == 0) protocol = caller_info.iProtocol;
        /* the family is judged first, as on Windows since XP SP2: none
         * (AF_UNSPEC) or a nonsense one in both places is WSAEAFNOSUPPORT,
         * whatever the type and protocol say */
        if (af <= AF_UNSPEC) {
            err = WSAEAFNOSUPPORT;
            goto done;
        }
    } else {
        if (af == AF_UNSPEC)
            af = entry->info.iAddressFamily;
        if (type == 0)
            type = entry->info.iSocketType;
    }
    provider = catalog_entry_provider(entry, &err);
    if (!provider)
        goto done;
    {
        /* the provider gets the caller's description when there is one:
         * a duplicate carries what the provider put in it */
        WSAPROTOCOL_INFOW copy = info ? caller_info : entry->info;
        s = provider_procs(provider, entry)->lpWSPSocket(af, type, protocol, &copy, group, flags,
                                                         &err);
    }
    if (s == INVALID_SOCKET)
        goto done;
    err = socket_table_insert(s, entry, provider);
    if (err) {
        int ignored;
        provider_procs(provider, entry)->lpWSPCloseSocket(s, &ignored);
        s = INVALID_SOCKET;
    }
done:
    if (!strcmp(api, "socket"))
        TRACE_API(t, entry, s == INVALID_SOCKET ? err : 0,
                  "socket(af=%d, type=%d, protocol=%d) = 0x%llx", af_in, type_in, protocol_in,
                  TS(s));
    else
        TRACE_API(t, entry, s == INVALID_SOCKET ? err : 0,
                  "%s(af=%d, type=%d, protocol=%d, info=0x%llx, group=%u, flags=0x%lx) "
                  "= 0x%llx", api, af_in, type_in, protocol_in, TP(info), group, flags, TS(s));
    if (provider)
        provider_dereference(provider);
    if (entry)
        catalog_entry_dereference(entry);
    WSASetLastError(s == INVALID_SOCKET ? err : 0);
    return s;
}

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                         GROUP group, DWORD flags)
{
    TRACE_START(t);
    return api_socket_create(t, "WSASocketW", af, type, protocol, info, group, flags);
}

/* Overlapped unless the thread asked otherwise with SO_OPENTYPE (api_control.c). */
SOCKET WSAAPI socket(int af, int type, int protocol)
{
    TRACE_START(t);
    return api_socket_create(t, "socket", af, type, protocol, NULL, 0,
                             api_thread_open_type() ? 0 : WSA_FLAG_OVERLAPPED);
}

/*
 * The handle stays ours until the provider agrees to close it: a provider
 * may refuse (WSAEWOULDBLOCK for a non-blocking linger on CE) and the
 * application must be able to call again with the same handle.
 */
int WSAAPI closesocket(SOCKET s)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        result = PROVIDER_CALL(r).lpWSPCloseSocket(s, &err);
        if (result == 0)
            socket_table_remove(r);
    }
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0, "closesocket(s=0x%llx) = %d", TS(s),
              result);
    return api_finish("closesocket", s, r, result, err);
}

int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_readable(name, namelen > 0 ? (size_t)namelen : 1) ||
            namelen < api_min_address(r))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPBind(s, name, namelen, &err);
    }
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0, "bind(s=0x%llx, name=%s, namelen=%d) = %d",
              TS(s), TADDR(name, namelen), namelen, result);
    return api_finish("bind", s, r, result, err);
}

static int connect_call(LONGLONG t, BOOL bsd, SOCKET s, const struct sockaddr *name, int namelen,
                        LPWSABUF caller_data, LPWSABUF callee_data, LPQOS sqos, LPQOS gqos)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_readable(name, namelen > 0 ? (size_t)namelen : 1) ||
            namelen < api_min_address(r))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPConnect(s, name, namelen, caller_data, callee_data,
                                                   sqos, gqos, &err);
    }
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0,
              "%s(s=0x%llx, name=%s, namelen=%d%s) = %d", bsd ? "connect" : "WSAConnect", TS(s),
              TADDR(name, namelen), namelen, bsd ? "" : ", ...", result);
    return api_finish("connect", s, r, result, err);
}

int WSAAPI WSAConnect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller_data,
                      LPWSABUF callee_data, LPQOS sqos, LPQOS gqos)
{
    TRACE_START(t);
    return connect_call(t, FALSE, s, name, namelen, caller_data, callee_data, sqos, gqos);
}

int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen)
{
    TRACE_START(t);
    return connect_call(t, TRUE, s, name, namelen, NULL, NULL, NULL, NULL);
}

/* A socket the provider made from r's (an accepted socket, a leaf)
 * belongs to r's provider and entry: registered with them, or closed again
 * when it cannot be (INVALID_SOCKET, *err set). */
static SOCKET adopt_new_socket(struct socket_record *r, SOCKET made, int *err)
{
    int ignored;

    if (made == INVALID_SOCKET)
        return made;
    *err = socket_table_insert(made, r->entry, r->provider);
    if (!*err)
        return made;
    PROVIDER_CALL(r).lpWSPCloseSocket(made, &ignored);
    return INVALID_SOCKET;
}

/*
 * WSAJoinLeaf (CE 5.0): the socket's provider's WSPJoinLeaf.  A join that
 * makes a new socket (a rooted multipoint leaf) gives it s's provider and
 * entry, as accept does; a join that returns s itself (IP multicast) adds
 * nothing.  CE's own TCP/UDP provider supports no join (its WSPJoinLeaf
 * page: always WSASYSCALLFAILURE), and neither does hostprov; a provider
 * that does is reached through the same dispatch.
 */
SOCKET WSAAPI WSAJoinLeaf(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller_data,
                          LPWSABUF callee_data, LPQOS sqos, LPQOS gqos, DWORD flags)
{
    TRACE_START(t);
    int err = 0;
    SOCKET leaf = INVALID_SOCKET;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_readable(name, namelen > 0 ? (size_t)namelen : 1) || namelen < api_min_address(r))
            err = WSAEFAULT;
        else if (flags != JL_SENDER_ONLY && flags != JL_RECEIVER_ONLY && flags != JL_BOTH)
            err = WSAEINVAL;
        else
            leaf = PROVIDER_CALL(r).lpWSPJoinLeaf(s, name, namelen, caller_data, callee_data, sqos,
                                                  gqos, flags, &err);
        /* a leaf that is s itself is in the table already */
        if (leaf != s)
            leaf = adopt_new_socket(r, leaf, &err);
    }
    TRACE_API(t, r ? r->entry : NULL, leaf == INVALID_SOCKET ? err : 0,
              "WSAJoinLeaf(s=0x%llx, name=%s, namelen=%d, flags=0x%lx) = 0x%llx", TS(s),
              TADDR(name, namelen), namelen, flags, TS(leaf));
    api_finish("WSAJoinLeaf", s, r, leaf == INVALID_SOCKET ? SOCKET_ERROR : 0, err);
    return leaf;
}

int WSAAPI listen(SOCKET s, int backlog)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r)
        result = PROVIDER_CALL(r).lpWSPListen(s, backlog, &err);
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0, "listen(s=0x%llx, backlog=%d) = %d",
              TS(s), backlog, result);
    return api_finish("listen", s, r, result, err);
}

/* The accepted socket belongs to the listening socket's provider and entry. */
static SOCKET accept_call(LONGLONG t, BOOL bsd, SOCKET s, struct sockaddr *addr, LPINT addrlen,
                          LPCONDITIONPROC condition, DWORD_PTR callback_data)
{
    int err = 0;
    SOCKET accepted = INVALID_SOCKET;
    struct socket_record *r = api_enter(s, &err);

    /* an address buffer without its length is ignored, as Windows does */
    if (addr && !addrlen)
        addr = NULL;
    if (r) {
        if ((addr && (!api_writable(addrlen, sizeof(*addrlen)) || *addrlen < api_min_address(r) ||
                      !api_writable(addr, (size_t)*addrlen))) ||
            (!addr && addrlen && !api_writable(addrlen, sizeof(*addrlen))))
            err = WSAEFAULT;
        else
            accepted = PROVIDER_CALL(r).lpWSPAccept(s, addr, addrlen, condition, callback_data,
                                                    &err);
        accepted = adopt_new_socket(r, accepted, &err);
    }
    TRACE_API(t, r ? r->entry : NULL, accepted == INVALID_SOCKET ? err : 0,
              "%s(s=0x%llx, addr=%s, addrlen=%s%s) = 0x%llx", bsd ? "accept" : "WSAAccept", TS(s),
              accepted == INVALID_SOCKET ? TP(addr) ? "-" : "NULL" : TADDRP(addr, addrlen),
              TINT(addrlen), bsd ? "" : ", condition=...", TS(accepted));
    api_finish("accept", s, r, accepted == INVALID_SOCKET ? SOCKET_ERROR : 0, err);
    return accepted;
}

SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                        LPCONDITIONPROC condition, DWORD_PTR callback_data)
{
    TRACE_START(t);
    return accept_call(t, FALSE, s, addr, addrlen, condition, callback_data);
}

SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen)
{
    TRACE_START(t);
    return accept_call(t, TRUE, s, addr, addrlen, NULL, 0);
}

int WSAAPI shutdown(SOCKET s, int how)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (how < SD_RECEIVE || how > SD_BOTH)
            err = WSAEINVAL;
        else
            result = PROVIDER_CALL(r).lpWSPShutdown(s, how, &err);
    }
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0, "shutdown(s=0x%llx, how=%d) = %d", TS(s),
              how, result);
    return api_finish("shutdown", s, r, result, err);
}

static BOOL name_buffer_ok(const struct socket_record *r, struct sockaddr *name, int *namelen)
{
    return api_writable(namelen, sizeof(*namelen)) && *namelen >= api_min_address(r) &&
           api_writable(name, *namelen > 0 ? (size_t)*namelen : 1);
}

/* getpeername and getsockname differ only in which provider function answers. */
static int name_call(LONGLONG t, const char *api, SOCKET s, struct sockaddr *name, int *namelen,
                     BOOL peer)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!name_buffer_ok(r, name, namelen))
            err = WSAEFAULT;
        else if (peer)
            result = PROVIDER_CALL(r).lpWSPGetPeerName(s, name, namelen, &err);
        else
            result = PROVIDER_CALL(r).lpWSPGetSockName(s, name, namelen, &err);
    }
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0, "%s(s=0x%llx, name=%s, namelen=%s) = %d",
              api, TS(s), result ? TP(name) ? "-" : "NULL" : TADDRP(name, namelen), TINT(namelen),
              result);
    return api_finish(api, s, r, result, err);
}

int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen)
{
    TRACE_START(t);
    return name_call(t, "getpeername", s, name, namelen, TRUE);
}

int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen)
{
    TRACE_START(t);
    return name_call(t, "getsockname", s, name, namelen, FALSE);
}

/* ---- desktop extensions (not in CE 5.0's ws2.dll; see cews2.h) ------------- */

/* WSADuplicateSocket's checks in Windows' order, after the socket's: a
 * process_id that names no process is WSAEINVAL, then info WSAEFAULT. */
int api_duplicate_check(DWORD process_id, void *info, size_t size)
{
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, process_id);
    if (!process)
        return WSAEINVAL;
    CloseHandle(process);
    return api_writable(info, size) ? 0 : WSAEFAULT;
}

/* The provider describes s for the other process; the description names
 * the catalog entry, whose provider takes it up in WSASocket there. */
int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD process_id, LPWSAPROTOCOL_INFOW info)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if ((err = api_duplicate_check(process_id, info, sizeof(*info))))
            ;
        else
            result = PROVIDER_CALL(r).lpWSPDuplicateSocket(s, process_id, info, &err);
    }
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0, "WSADuplicateSocketW(s=0x%llx, "
              "process_id=%lu, info=0x%llx) = %d", TS(s), process_id, TP(info), result);
    return api_finish("WSADuplicateSocketW", s, r, result, err);
}

/* WSASendDisconnect and WSARecvDisconnect: a shutdown with disconnect data,
 * which only protocols that carry such data use (TCP carries none). */
static int disconnect_call(LONGLONG t, BOOL sending, SOCKET s, LPWSABUF data)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (data && (!api_readable(data, sizeof(*data)) ||
                     (sending ? !api_readable(data->buf, data->len)
                              : !api_writable(data->buf, data->len))))
            err = WSAEFAULT;
        else if (sending)
            result = PROVIDER_CALL(r).lpWSPSendDisconnect(s, data, &err);
        else
            result = PROVIDER_CALL(r).lpWSPRecvDisconnect(s, data, &err);
    }
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0, "%s(s=0x%llx, data=0x%llx) = %d",
              sending ? "WSASendDisconnect" : "WSARecvDisconnect", TS(s), TP(data), result);
    return api_finish(sending ? "WSASendDisconnect" : "WSARecvDisconnect", s, r, result, err);
}

int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF data)
{
    TRACE_START(t);
    return disconnect_call(t, TRUE, s, data);
}

int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF data)
{
    TRACE_START(t);
    return disconnect_call(t, FALSE, s, data);
}
