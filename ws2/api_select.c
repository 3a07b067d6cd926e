/*
 * api_select.c - readiness: select, WSAEventSelect, WSAEnumNetworkEvents,
 * WSAAsyncSelect.
 *
 * select hands the sets to the WSPSelect of the provider DLL owning their
 * sockets, unchanged (the handles are the providers' own).  Sockets of
 * several provider DLLs in one select are polled in turn (select_split.c):
 * desktop programs mix them freely, and CE's "all from one provider" rule
 * would break the commonest server loop there is.
 */
#include "ws2_private.h"
#include "select_split.h"
#include <stdio.h>

#define VIA(r) ((r) ? (r)->entry : NULL)

/* The body of __WSAFDIsSet, which the WPUFDIsSet upcall shares (untraced). */
int api_fd_is_set(SOCKET s, fd_set *set)
{
    u_int i;
    if (!set)
        return 0;
    /* fd_count, not FD_SETSIZE: the application may have defined a larger one */
    for (i = 0; i < set->fd_count; i++)
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

/* The records a select holds for its length (a close cannot free them). */
struct select_hold {
    struct socket_record **records;
    size_t count, capacity;
};

/* select_split's owner: the provider DLL, whose WSPSelect takes every socket
 * of that DLL whatever its catalog entry (TCP and UDP, IPv4 and IPv6). */
static void *select_owner_of(void *ctx, SOCKET s, void **hint, int *err)
{
    struct select_hold *h = ctx;
    struct socket_record *r;

    if (h->count == h->capacity) {
        *err = WSAENOBUFS;
        return NULL;
    }
    r = socket_table_lookup(s);
    if (!r) {
        *err = WSAENOTSOCK;
        return NULL;
    }
    h->records[h->count++] = r;
    *hint = r;
    return r->provider->module;
}

static int select_owner_select(void *ctx, void *hint, fd_set *sets[3],
                               const struct timeval *timeout, int *err)
{
    struct socket_record *r = hint;
    (void)ctx;
    return PROVIDER_CALL(r).lpWSPSelect(0, sets[0], sets[1], sets[2], (const PTIMEVAL)timeout,
                                        err);
}

static const struct select_split_ops select_ops = { select_owner_of, select_owner_select };

/* The application's sets: readable (and writable, since select rewrites
 * them) for as many sockets as fd_count says, whatever FD_SETSIZE it used. */
static int select_sets_ok(fd_set *sets[3], size_t *total)
{
    int k;
    *total = 0;
    for (k = 0; k < 3; k++) {
        if (!sets[k])
            continue;
        if (!api_writable(sets[k], sizeof(u_int)) || sets[k]->fd_count > (1u << 24) ||
            !api_writable(sets[k], sizeof(u_int) + sets[k]->fd_count * sizeof(SOCKET)))
            return WSAEFAULT;
        *total += sets[k]->fd_count;
    }
    return 0;
}

/* select's body, shared with WSAPoll: *first is the first socket's record
 * (for the trace; the caller drops it), every other one is dropped here. */
int api_select_core(fd_set *sets[3], const struct timeval *timeout, struct socket_record **first,
                    int *err)
{
    struct select_hold hold = { NULL, 0, 0 };
    size_t total, i;
    int result = SOCKET_ERROR;

    *first = NULL;
    if ((*err = select_sets_ok(sets, &total)))
        return SOCKET_ERROR;
    if (timeout && !api_readable(timeout, sizeof(*timeout))) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0)) {
        *err = WSAEINVAL;
        return SOCKET_ERROR;
    }
    /* each socket is looked up at most twice (select_split's two passes) */
    hold.capacity = 2 * total;
    hold.records = calloc(hold.capacity ? hold.capacity : 1, sizeof(*hold.records));
    if (!hold.records) {
        *err = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    result = select_split(&select_ops, &hold, sets, timeout, err);
    for (i = 0; i < hold.count; i++) {
        if (i == 0)
            *first = hold.records[0];
        else
            socket_record_dereference(hold.records[i]);
    }
    free(hold.records);
    return result;
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
        result = api_select_core(sets, timeout, &owner, &err);
    TRACE_API(t, VIA(owner), result == SOCKET_ERROR ? err : 0, "select(nfds=%d, readfds=%s, "
              "writefds=%s, exceptfds=%s, timeout=%s) = %d", nfds, TFDS(readfds), TFDS(writefds),
              TFDS(exceptfds), timeout_text, result);
    return api_finish("select", owner ? owner->link.handle : INVALID_SOCKET, owner, result, err);
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

/*
 * WSAAsyncSelect (a desktop extension: CE 5.0's ws2.dll has none) goes to
 * the socket's provider's WSPAsyncSelect like every call on a socket; the
 * provider posts the messages with WPUPostMessage.  What the documentation
 * names as invalid parameters is judged here, for every provider alike: a
 * window that does not exist, or events outside FD_ALL_EVENTS, is
 * WSAEINVAL (events 0 cancels, and then the window does not matter).
 */
int WSAAPI WSAAsyncSelect(SOCKET s, HWND window, u_int message, __LONG32 events)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if ((events & ~(__LONG32)FD_ALL_EVENTS) || (events && !IsWindow(window)))
            err = WSAEINVAL;
        else
            result = PROVIDER_CALL(r).lpWSPAsyncSelect(s, window, message, events, &err);
    }
    TRACE_API(t, VIA(r), result ? err : 0, "WSAAsyncSelect(s=0x%llx, hwnd=0x%llx, msg=%u, "
              "events=0x%lx) = %d", TS(s), TP(window), message, (unsigned long)events, result);
    return api_finish("WSAAsyncSelect", s, r, result, err);
}
