/*
 * api_select.c - readiness: select, WSAEventSelect, WSAEnumNetworkEvents.
 *
 * select hands all three sets to one provider's WSPSelect, so every socket
 * in them must belong to the same provider (CE documents that mixing
 * provider chains fails); the handles go through unchanged.
 */
#include "ws2_private.h"
#include <stdio.h>

#define VIA(r) ((r) ? (r)->entry : NULL)

/* The body of __WSAFDIsSet, which the WPUFDIsSet upcall shares (untraced). */
int api_fd_is_set(SOCKET s, fd_set *set)
{
    u_int i;
    if (!set)
        return 0;
    for (i = 0; i < set->fd_count && i < FD_SETSIZE; i++)
        if (set->fd_array[i] == s)
            return 1;
    return 0;
}

int WSAAPI __WSAFDIsSet(SOCKET s, fd_set *set)
{
    TRACE_START(t);
    int result = api_fd_is_set(s, set);
    TRACE_API(t, NULL, 0, "__WSAFDIsSet(s=0x%llx, set=%s) = %d", TS(s), TFDS(set), result);
    return result;
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
    TRACE_START(t);
    fd_set *sets[3] = { readfds, writefds, exceptfds };
    struct socket_record *owner = NULL;
    int err, result = SOCKET_ERROR;
    char timeout_text[48] = "NULL";

    if (t && timeout) {
        if (api_readable(timeout, sizeof(*timeout)))
            __mingw_snprintf(timeout_text, sizeof(timeout_text), "{%ld,%ld}", timeout->tv_sec,
                             timeout->tv_usec);
        else
            __mingw_snprintf(timeout_text, sizeof(timeout_text), "0x%llx", TP(timeout));
    }
    if (!process_started())
        err = WSANOTINITIALISED;
    else
        err = select_provider(sets, &owner);
    if (!err && timeout && !api_readable(timeout, sizeof(*timeout)))
        err = WSAEFAULT;
    if (!err && timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0))
        err = WSAEINVAL;
    if (!err)
        result = PROVIDER_CALL(owner).lpWSPSelect(nfds, readfds, writefds, exceptfds, timeout,
                                                  &err);
    TRACE_API(t, VIA(owner), result == SOCKET_ERROR ? err : 0, "select(nfds=%d, readfds=%s, "
              "writefds=%s, exceptfds=%s, timeout=%s) = %d", nfds, TFDS(readfds), TFDS(writefds),
              TFDS(exceptfds), timeout_text, result);
    return api_finish("select", owner ? owner->handle : INVALID_SOCKET, owner, result, err);
}

int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT event, __LONG32 events)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r)
        result = PROVIDER_CALL(r).lpWSPEventSelect(s, event, events, &err);
    TRACE_API(t, VIA(r), result ? err : 0, "WSAEventSelect(s=0x%llx, event=0x%llx, events=0x%lx) "
              "= %d", TS(s), TP(event), (unsigned long)events, result);
    return api_finish("WSAEventSelect", s, r, result, err);
}

int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS events)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_writable(events, sizeof(*events)))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPEnumNetworkEvents(s, event, events, &err);
    }
    TRACE_API(t, VIA(r), result ? err : 0, "WSAEnumNetworkEvents(s=0x%llx, event=0x%llx, "
              "events=0x%llx{%s}) = %d", TS(s), TP(event), TP(events),
              result ? "-" : TINT(&events->lNetworkEvents), result);
    return api_finish("WSAEnumNetworkEvents", s, r, result, err);
}
