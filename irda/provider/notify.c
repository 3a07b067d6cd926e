/*
 * notify.c - readiness: select, WSAEventSelect and WSAEnumNetworkEvents.
 *
 * Readiness is read off the stack's state; every stack event wakes the
 * condition variable that select sleeps on, and re-signals the sockets'
 * WSAEventSelect events for conditions that became true.  As in Winsock,
 * FD_READ/FD_WRITE/FD_ACCEPT are level-triggered but re-enabled only by
 * the call that consumes them (recv, accept, and a send that could not
 * take all it was given: io.c); FD_CLOSE is recorded
 * by the station when the connection ends (station.c).  WSAAsyncSelect
 * is this turned into messages (startup.c, the relay).
 */
#include "irdaprov.h"

BOOL notify_readable(struct irsock *so)
{
    const struct irda_conn *c;

    if (so->closing)
        return TRUE;
    if (!so->conn)
        return so->state == IRS_CONNECTED;      /* the end of the stream: recv says so */
    c = irda_stack_conn(&station.stack, so->conn);
    if (!c)
        return TRUE;
    if (so->state == IRS_LISTENING)
        return c->nbacklog > 0;
    return so->state == IRS_CONNECTED && (c->rx_used > 0 || c->peer_closed || !c->open);
}

BOOL notify_writable(struct irsock *so)
{
    if (so->state != IRS_CONNECTED || !so->conn)
        return FALSE;
    return irda_stack_tx_queued(&station.stack, so->conn) < IRDA_TX_ROOM;
}

static void record(struct irsock *so, long bit_mask, int bit, int error)
{
    if (so->reported & bit_mask)
        return;
    so->reported |= bit_mask;
    so->network_events |= bit_mask;
    so->event_errors[bit] = error;
}

void notify_update(struct irsock *so)
{
    const struct irda_conn *c = so->conn ? irda_stack_conn(&station.stack, so->conn) : NULL;

    if (so->state == IRS_LISTENING && notify_readable(so))
        record(so, FD_ACCEPT, FD_ACCEPT_BIT, 0);
    if (so->state == IRS_CONNECTED) {
        if (c && c->rx_used > 0)
            record(so, FD_READ, FD_READ_BIT, 0);
        if (notify_writable(so))
            record(so, FD_WRITE, FD_WRITE_BIT, 0);
    }
    if (so->select_event && (so->network_events & so->select_mask))
        SetEvent(so->select_event);
}

/*
 * WHY: every socket in the sets is ours (ws2.dll checked), so readiness is
 * all in our stack: wait on the station's condition until something in the
 * sets is ready or the time is up.
 */
int WSPAPI irda_select(int nfds, fd_set *r, fd_set *w, fd_set *e, const PTIMEVAL timeout,
                       LPINT err)
{
    fd_set *in[3] = { r, w, e }, *out[3] = { NULL, NULL, NULL };
    ULONGLONG deadline = timeout ? GetTickCount64() + (ULONGLONG)timeout->tv_sec * 1000 +
                                       (ULONGLONG)timeout->tv_usec / 1000
                                 : 0;
    int k, ready = 0;
    u_int i;
    (void)nfds;

    /* the ready sockets, in sets as large as the application's (its
     * FD_SETSIZE may be above ours: fd_count is what counts) */
    for (k = 0; k < 3; k++)
        if (in[k] && !(out[k] = malloc(sizeof(u_int) + (in[k]->fd_count + 1) * sizeof(SOCKET)))) {
            while (k--)
                free(out[k]);
            *err = WSAENOBUFS;
            return SOCKET_ERROR;
        }
    station_lock();
    for (;;) {
        ready = 0;
        for (k = 0; k < 3; k++) {
            if (!in[k])
                continue;
            out[k]->fd_count = 0;
            for (i = 0; i < in[k]->fd_count; i++) {
                DWORD_PTR context = 0;
                struct irsock *so;
                BOOL yes;
                if (upcalls.lpWPUQuerySocketHandleContext(in[k]->fd_array[i], &context, err) ||
                    !context) {
                    station_unlock();
                    for (k = 0; k < 3; k++)
                        free(out[k]);
                    *err = WSAENOTSOCK;
                    return SOCKET_ERROR;
                }
                so = (struct irsock *)context;
                yes = k == 0 ? notify_readable(so)
                    : k == 1 ? notify_writable(so)
                             : so->so_error != 0;
                if (yes) {
                    out[k]->fd_array[out[k]->fd_count++] = in[k]->fd_array[i];
                    ready++;
                }
            }
        }
        if (ready || (timeout && GetTickCount64() >= deadline))
            break;
        station_wait(timeout ? (DWORD)(deadline - GetTickCount64()) : INFINITE);
    }
    station_unlock();
    for (k = 0; k < 3; k++)
        if (in[k]) {
            memcpy(in[k], out[k], sizeof(u_int) + out[k]->fd_count * sizeof(SOCKET));
            free(out[k]);
        }
    *err = 0;
    return ready;
}

/* WHY: like Winsock, selecting events also makes the socket non-blocking. */
int WSPAPI irda_event_select(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return SOCKET_ERROR;
    station_lock();
    so->select_event = events ? event : NULL;
    so->select_mask = events;
    so->network_events = 0;
    so->reported = 0;
    if (events)
        so->nonblocking = TRUE;
    notify_update(so);
    station_unlock();
    irsock_release(so);
    *err = 0;
    return 0;
}

int WSPAPI irda_enum_network_events(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS events,
                                    LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);
    int i;

    if (!so)
        return SOCKET_ERROR;
    station_lock();
    events->lNetworkEvents = so->network_events & so->select_mask;
    for (i = 0; i < FD_MAX_EVENTS; i++)
        events->iErrorCode[i] = so->event_errors[i];
    so->network_events = 0;
    if (event)
        ResetEvent(event);
    station_unlock();
    irsock_release(so);
    *err = 0;
    return 0;
}
