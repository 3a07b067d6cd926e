/*
 * socket.c - our state for each AF_IRDA socket, and closing it.
 *
 * The handle comes from ws2.dll (WPUCreateSocketHandle) with our context
 * attached; every call finds its context through WPUQuerySocketHandleContext
 * and references it under the station lock, so a close in another thread
 * cannot free it underneath.
 */
#include "irdaprov.h"

int irsock_create(DWORD catalog_id, struct irsock **out, SOCKET *handle)
{
    struct irsock *so = calloc(1, sizeof(*so));
    int err = 0;

    if (!so)
        return WSAENOBUFS;
    /* initialise: the table's reference and CE's defaults (SO_DONTLINGER) */
    so->refs = 1;
    so->catalog_id = catalog_id;
    so->state = IRS_NEW;
    so->handle = upcalls.lpWPUCreateSocketHandle(catalog_id, (DWORD_PTR)so, &err);
    if (so->handle == INVALID_SOCKET) {
        free(so);
        return err ? err : WSAENOBUFS;
    }
    *out = so;
    *handle = so->handle;
    return 0;
}

struct irsock *irsock_lookup(SOCKET s, int *err)
{
    DWORD_PTR context = 0;
    struct irsock *so = NULL;

    station_lock();
    if (upcalls.lpWPUQuerySocketHandleContext(s, &context, err) == 0 && context) {
        so = (struct irsock *)context;
        if (so->closing)
            so = NULL;
        else
            so->refs++;
    }
    station_unlock();
    if (!so)
        *err = WSAENOTSOCK;
    return so;
}

void irsock_release(struct irsock *so)
{
    BOOL last;
    station_lock();
    last = --so->refs == 0;
    station_unlock();
    if (last)
        free(so);
}

void irsock_attach(struct irsock *so, int conn)
{
    so->conn = conn;
    if (conn > 0 && conn <= IRDA_STACK_MAX_CONN)
        station.by_conn[conn] = so;
}

void irsock_detach(struct irsock *so)
{
    if (so->conn > 0 && so->conn <= IRDA_STACK_MAX_CONN && station.by_conn[so->conn] == so)
        station.by_conn[so->conn] = NULL;
    so->conn = 0;
}

void irsock_cancel_all(struct irsock *so)
{
    while (so->ops) {
        struct irop *op = so->ops;
        so->ops = op->next;
        io_complete(so, op, WSA_OPERATION_ABORTED);
    }
    WakeAllConditionVariable(&station.changed);
}

/*
 * WHY: IrDA has no graceful close in the protocol, but CE defers the close
 * until what was sent has been delivered ("receive queues purged"), so data
 * sent just before closesocket reaches the peer before it sees the close.
 * A zero linger asks for a hard close instead.  Pending calls are cancelled
 * first: blocking ones fail WSAEINTR, overlapped ones complete with
 * WSA_OPERATION_ABORTED.  Never WSAENETDOWN.
 */
int WSPAPI irda_close_socket(SOCKET s, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);
    BOOL graceful;

    if (!so)
        return SOCKET_ERROR;
    station_lock();
    if (so->closing) {
        station_unlock();
        irsock_release(so);
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    so->closing = TRUE;
    so->select_event = NULL;        /* no FD_CLOSE for the socket being closed */
    so->select_mask = 0;
    irsock_cancel_all(so);
    graceful = !(so->linger.l_onoff && so->linger.l_linger == 0);
    station_now();
    if (so->conn)
        irda_stack_close(&station.stack, so->conn, graceful);
    irsock_detach(so);
    if (so->ias_registered) {
        irda_stack_ias_remove(&station.stack, so->service, NULL);
        station_hints_update();
    }
    so->ias_registered = FALSE;
    so->state = IRS_CLOSED;
    so->refs--;                     /* the table's reference */
    station_unlock();
    station_poke();
    upcalls.lpWPUCloseSocketHandle(s, err);
    irsock_release(so);
    *err = 0;
    return 0;
}
