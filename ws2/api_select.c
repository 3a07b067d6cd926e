/*
 * api_select.c - readiness: select, WSAEventSelect, WSAEnumNetworkEvents.
 *
 * select hands all three sets to one provider's WSPSelect, so every socket
 * in them must belong to the same provider (CE documents that mixing
 * provider chains fails); the handles go through unchanged.
 */
#include "ws2_private.h"

int WSAAPI __WSAFDIsSet(SOCKET s, fd_set *set)
{
    u_int i;
    if (!set)
        return 0;
    for (i = 0; i < set->fd_count && i < FD_SETSIZE; i++)
        if (set->fd_array[i] == s)
            return 1;
    return 0;
}

/* Finds the one provider owning every socket in the sets. */
static int select_provider(fd_set *sets[3], struct socket_record **owner)
{
    int k;
    u_int i;

    *owner = NULL;
    for (k = 0; k < 3; k++) {
        if (!sets[k])
            continue;
        if (!api_writable(sets[k], sizeof(u_int)) || sets[k]->fd_count > FD_SETSIZE ||
            !api_writable(sets[k], sizeof(u_int) + sets[k]->fd_count * sizeof(SOCKET)))
            return WSAEFAULT;
        for (i = 0; i < sets[k]->fd_count; i++) {
            struct socket_record *r = socket_table_lookup(sets[k]->fd_array[i]);
            if (!r)
                return WSAENOTSOCK;
            if (!*owner) {
                *owner = r;
                continue;
            }
            if (r->provider != (*owner)->provider) {
                socket_record_dereference(r);
                return WSAEINVAL;
            }
            socket_record_dereference(r);
        }
    }
    return *owner ? 0 : WSAEINVAL;  /* no socket at all: nothing to wait for */
}

int WSAAPI select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                  const PTIMEVAL timeout)
{
    fd_set *sets[3] = { readfds, writefds, exceptfds };
    struct socket_record *owner = NULL;
    int err, result = SOCKET_ERROR;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    err = select_provider(sets, &owner);
    if (!err && timeout && !api_readable(timeout, sizeof(*timeout)))
        err = WSAEFAULT;
    if (!err && timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0))
        err = WSAEINVAL;
    if (!err)
        result = PROVIDER_CALL(owner).lpWSPSelect(nfds, readfds, writefds, exceptfds, timeout,
                                                  &err);
    return api_finish("select", owner ? owner->handle : INVALID_SOCKET, owner, result, err);
}

int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT event, __LONG32 events)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r)
        result = PROVIDER_CALL(r).lpWSPEventSelect(s, event, events, &err);
    return api_finish("WSAEventSelect", s, r, result, err);
}

int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS events)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_writable(events, sizeof(*events)))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPEnumNetworkEvents(s, event, events, &err);
    }
    return api_finish("WSAEnumNetworkEvents", s, r, result, err);
}
