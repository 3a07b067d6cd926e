/*
 * api_socket.c - creating, naming, connecting and closing sockets.
 *
 * Each call finds the socket's record (WSAENOTSOCK when the handle is not
 * one of ours), holds a reference to it for the length of the call so that a
 * concurrent closesocket cannot free it, and calls the owning provider.
 */
#include "ws2_private.h"

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                         GROUP group, DWORD flags)
{
    struct catalog_entry *entry = NULL;
    struct provider *provider = NULL;
    struct catalog *c;
    SOCKET s = INVALID_SOCKET;
    int err = 0;

    if (!process_started()) {
        WSASetLastError(WSANOTINITIALISED);
        return INVALID_SOCKET;
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
        if (af == FROM_PROTOCOL_INFO && entry) af = entry->info.iAddressFamily;
        if (type == FROM_PROTOCOL_INFO && entry) type = entry->info.iSocketType;
        if (protocol == FROM_PROTOCOL_INFO && entry) protocol = entry->info.iProtocol;
    } else {
        err = catalog_find_for_socket(c, af, type, protocol, &entry);
    }
    process_unlock();
    if (err)
        goto done;
    if (af == AF_UNSPEC)
        af = entry->info.iAddressFamily;
    if (type == 0)
        type = entry->info.iSocketType;
    provider = catalog_entry_provider(entry, &err);
    if (!provider)
        goto done;
    {
        WSAPROTOCOL_INFOW copy = entry->info;
        s = provider->procs.lpWSPSocket(af, type, protocol, &copy, group, flags, &err);
    }
    if (s == INVALID_SOCKET)
        goto done;
    err = socket_table_insert(s, entry, provider);
    if (err) {
        int ignored;
        provider->procs.lpWSPCloseSocket(s, &ignored);
        s = INVALID_SOCKET;
    }
done:
    if (provider)
        provider_dereference(provider);
    if (entry)
        catalog_entry_dereference(entry);
    if (s == INVALID_SOCKET)
        WSASetLastError(err);
    trace_call("WSASocketW", s, NULL, s == INVALID_SOCKET ? SOCKET_ERROR : 0, err);
    return s;
}

SOCKET WSAAPI socket(int af, int type, int protocol)
{
    return WSASocketW(af, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED);
}

/*
 * The handle stays ours until the provider agrees to close it: a provider
 * may refuse (WSAEWOULDBLOCK for a non-blocking linger on CE) and the
 * application must be able to call again with the same handle.
 */
int WSAAPI closesocket(SOCKET s)
{
    int err = 0, result;
    struct socket_record *r = api_enter(s, &err);

    if (!r)
        return api_finish("closesocket", s, NULL, SOCKET_ERROR, err);
    result = PROVIDER_CALL(r).lpWSPCloseSocket(s, &err);
    if (result == 0)
        socket_table_remove(r);
    return api_finish("closesocket", s, r, result, err);
}

int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_readable(name, namelen > 0 ? (size_t)namelen : 1) ||
            namelen < api_min_address(r))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPBind(s, name, namelen, &err);
    }
    return api_finish("bind", s, r, result, err);
}

int WSAAPI WSAConnect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller_data,
                      LPWSABUF callee_data, LPQOS sqos, LPQOS gqos)
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
    return api_finish("connect", s, r, result, err);
}

int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen)
{
    return WSAConnect(s, name, namelen, NULL, NULL, NULL, NULL);
}

int WSAAPI listen(SOCKET s, int backlog)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r)
        result = PROVIDER_CALL(r).lpWSPListen(s, backlog, &err);
    return api_finish("listen", s, r, result, err);
}

/* The accepted socket belongs to the listening socket's provider and entry. */
SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                        LPCONDITIONPROC condition, DWORD_PTR callback_data)
{
    int err = 0;
    SOCKET accepted = INVALID_SOCKET;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if ((addr && (!api_writable(addrlen, sizeof(*addrlen)) || *addrlen < api_min_address(r) ||
                      !api_writable(addr, (size_t)*addrlen))) ||
            (!addr && addrlen && !api_writable(addrlen, sizeof(*addrlen))))
            err = WSAEFAULT;
        else
            accepted = PROVIDER_CALL(r).lpWSPAccept(s, addr, addrlen, condition, callback_data,
                                                    &err);
        if (accepted != INVALID_SOCKET) {
            err = socket_table_insert(accepted, r->entry, r->provider);
            if (err) {
                int ignored;
                PROVIDER_CALL(r).lpWSPCloseSocket(accepted, &ignored);
                accepted = INVALID_SOCKET;
            }
        }
    }
    api_finish("accept", s, r, accepted == INVALID_SOCKET ? SOCKET_ERROR : 0, err);
    return accepted;
}

SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen)
{
    return WSAAccept(s, addr, addrlen, NULL, 0);
}

int WSAAPI shutdown(SOCKET s, int how)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (how < SD_RECEIVE || how > SD_BOTH)
            err = WSAEINVAL;
        else
            result = PROVIDER_CALL(r).lpWSPShutdown(s, how, &err);
    }
    return api_finish("shutdown", s, r, result, err);
}

static BOOL name_buffer_ok(const struct socket_record *r, struct sockaddr *name, int *namelen)
{
    return api_writable(namelen, sizeof(*namelen)) && *namelen >= api_min_address(r) &&
           api_writable(name, *namelen > 0 ? (size_t)*namelen : 1);
}

/* getpeername and getsockname differ only in which provider function answers. */
static int name_call(const char *api, SOCKET s, struct sockaddr *name, int *namelen, BOOL peer)
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
    return api_finish(api, s, r, result, err);
}

int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen)
{
    return name_call("getpeername", s, name, namelen, TRUE);
}

int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen)
{
    return name_call("getsockname", s, name, namelen, FALSE);
}
