/*
 * naming.c - binding to a service, listening, accepting and connecting.
 *
 * The Windows AF_IRDA model: a server binds to a service name, which
 * registers the IAS entry "<name>" / "IrDA:TinyTP:LsapSel" pointing at its
 * LSAP (or binds to "LSAP-SEL<n>" directly); a client connects to a device
 * address and a service name, resolved through the peer's IAS.  A socket
 * in IrLPT mode (IRLMP_IRLPT_MODE) speaks IrLMP without TinyTP, and its
 * service is "<name>" / "IrDA:IrLMP:LsapSel", as IrLPT printers publish
 * theirs (class "IrLPT").  A socket in 9-wire mode (IRLMP_9WIRE_MODE)
 * speaks IrCOMM 9-wire cooked over TinyTP (irda/core/ircomm.h); bound to a
 * service, it also publishes the IrCOMM "Parameters" attribute (service
 * type 9-wire, port type serial) in the class, as IrCOMM 1.0 asks of a
 * cooked service (normally class "IrDA:IrCOMM").
 */
#include "irdaprov.h"
#include <stdio.h>

/* The IAS attribute that holds a service's LSAP in the socket's mode. */
static const char *lsap_attribute(const struct irsock *so)
{
    return so->irlpt ? IRDA_LMP_ATTRIBUTE : IRDA_LSAP_ATTRIBUTE;
}

static enum irda_conn_mode conn_mode(const struct irsock *so)
{
    return so->irlpt ? IRDA_MODE_IRLPT : so->ninewire ? IRDA_MODE_9WIRE : IRDA_MODE_TINYTP;
}

/* "LSAP-SEL<n>" names an LSAP directly; returns n or -1. */
static int lsap_from_name(const char *name)
{
    int n = 0, digits = 0;
    if (strncmp(name, "LSAP-SEL", 8) != 0)
        return -1;
    for (name += 8; *name >= '0' && *name <= '9' && digits < 4; name++, digits++)
        n = n * 10 + (*name - '0');
    return digits && !*name ? n : -1;
}

/* Copies a service name that must be NUL-terminated within its 25 bytes. */
static BOOL service_name(const SOCKADDR_IRDA *a, char out[IRDA_SERVICE_MAX + 1])
{
    size_t len = strnlen(a->irdaServiceName, IRDA_SERVICE_MAX);
    if (len == 0 || len >= IRDA_SERVICE_MAX)
        return FALSE;
    memcpy(out, a->irdaServiceName, len + 1);
    return TRUE;
}

static int check_address(const struct sockaddr *name, int len, SOCKADDR_IRDA *a)
{
    if (!name || len < (int)sizeof(SOCKADDR_IRDA))
        return WSAEFAULT;
    memcpy(a, name, sizeof(*a));
    if (a->irdaAddressFamily != AF_IRDA)
        return WSAEAFNOSUPPORT;
    return 0;
}

/* Bind: the LSAP is taken (and listened on) now, so the name is held. */
static int bind_locked(struct irsock *so, const SOCKADDR_IRDA *a)
{
    char name[IRDA_SERVICE_MAX + 1];
    int lsap, handle = 0, rc;

    if (so->state != IRS_NEW)
        return WSAEINVAL;
    if (!service_name(a, name))
        return WSAEINVAL;
    lsap = lsap_from_name(name);
    if (lsap < 0) {
        /* a service name already registered by another socket is in use */
        const struct ias_object *o = ias_db_find(&station.stack.ias_db, name);
        if (o)
            return WSAEADDRINUSE;
    } else if (lsap < IRLMP_LSAP_MIN || lsap > IRLMP_LSAP_MAX) {
        return WSAEINVAL;
    }
    rc = irda_stack_listen_mode(&station.stack, lsap < 0 ? IRLMP_LSAP_ANY : lsap, 1,
                                conn_mode(so), &handle);
    if (rc < 0)
        return rc == IRDA_ERR_INUSE ? WSAEADDRINUSE : irda_error_to_wsa(rc);
    so->lsap = rc;
    irsock_attach(so, handle);
    if (lsap < 0) {
        struct ias_value v;
        memset(&v, 0, sizeof(v));
        v.type = IAS_INTEGER;
        v.integer = so->lsap;
        rc = irda_stack_ias_set(&station.stack, name, lsap_attribute(so), &v);
        if (rc >= 0 && so->ninewire) {
            memset(&v, 0, sizeof(v));
            v.type = IAS_OCTETS;
            v.len = (uint16_t)ircomm_ias_parameters(v.data, sizeof(v.data));
            rc = irda_stack_ias_set(&station.stack, name, IRCOMM_PARAMS_ATTRIBUTE, &v);
            if (rc < 0)
                irda_stack_ias_remove(&station.stack, name, NULL);
        }
        if (rc < 0) {   /* success is the object's id */
            irda_stack_close(&station.stack, handle, false);
            irsock_detach(so);
            return irda_error_to_wsa(rc);
        }
        so->ias_registered = TRUE;
        memcpy(so->service, name, sizeof(name));
        station_hints_update();         /* an OBEX server is found as one */
    } else {
        so->service[0] = 0;
    }
    so->state = IRS_BOUND;
    return 0;
}

int WSPAPI irda_bind(SOCKET s, const struct sockaddr *name, int len, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);
    SOCKADDR_IRDA a;

    if (!so)
        return SOCKET_ERROR;
    *err = check_address(name, len, &a);
    if (!*err) {
        station_lock();
        station_now();
        *err = bind_locked(so, &a);
        station_unlock();
    }
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}

int WSPAPI irda_listen(SOCKET s, int backlog, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return SOCKET_ERROR;
    station_lock();
    if (so->exclusive) {
        /* exclusive mode is the connecting side's request (IrLMP
         * LM_AccessMode); a listener asking for it would be ignored */
        *err = WSAEOPNOTSUPP;
    } else if (so->state == IRS_BOUND || so->state == IRS_LISTENING) {
        struct irda_conn *c = &station.stack.conns[so->conn - 1];
        unsigned want = backlog < 1 ? 1 : backlog > IRDA_STACK_BACKLOG ? IRDA_STACK_BACKLOG
                                                                         : (unsigned)backlog;
        c->backlog_max = want;
        so->state = IRS_LISTENING;
        *err = 0;
    } else {
        *err = so->state == IRS_NEW ? WSAEINVAL : WSAEISCONN;
    }
    station_unlock();
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}

static void fill_address(SOCKADDR_IRDA *a, uint32_t addr, const char *service)
{
    memset(a, 0, sizeof(*a));
    a->irdaAddressFamily = AF_IRDA;
    irda_put_le32(a->irdaDeviceID, addr);
    lstrcpynA(a->irdaServiceName, service, IRDA_SERVICE_MAX);
}

/* WHY: the accepted socket is a new handle for the next connection queued. */
SOCKET WSPAPI irda_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                          LPCONDITIONPROC condition, DWORD_PTR data, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err), *child = NULL;
    SOCKET handle = INVALID_SOCKET;
    int conn = 0;
    unsigned gen;
    (void)condition; (void)data;

    if (!so)
        return INVALID_SOCKET;
    if (addr && (!addrlen || *addrlen < (int)sizeof(SOCKADDR_IRDA))) {
        irsock_release(so);
        *err = WSAEFAULT;
        return INVALID_SOCKET;
    }
    station_lock();
    gen = so->cancel_gen;
    *err = so->state == IRS_LISTENING ? 0 : WSAEINVAL;
    while (!*err) {
        int rc;
        station_now();
        rc = irda_stack_accept(&station.stack, so->conn, &conn);
        if (rc == IRDA_OK)
            break;
        if (rc != IRDA_ERR_AGAIN)
            *err = irda_error_to_wsa(rc);
        else if (so->nonblocking)
            *err = WSAEWOULDBLOCK;
        else
            *err = wait_for_socket(so, gen, INFINITE);
    }
    station_unlock();
    if (!*err)
        *err = irsock_create(so->catalog_id, &child, &handle);
    station_lock();
    if (!*err) {
        const struct irda_conn *c = irda_stack_conn(&station.stack, conn);
        child->state = IRS_CONNECTED;
        child->nonblocking = so->nonblocking;
        child->linger = so->linger;
        child->irlpt = so->irlpt;          /* what the listener accepted */
        child->ninewire = so->ninewire;
        child->peer_addr = c ? c->daddr : 0;
        irsock_attach(child, conn);
        if (addr) {
            fill_address((SOCKADDR_IRDA *)addr, child->peer_addr, "");
            *addrlen = sizeof(SOCKADDR_IRDA);
        }
    } else if (conn) {
        irda_stack_close(&station.stack, conn, false);
    }
    so->reported &= ~FD_ACCEPT;
    notify_update(so);
    station_unlock();
    irsock_release(so);
    return *err ? INVALID_SOCKET : handle;
}

/*
 * Starts an IAS query (lock held).  The stack's IAS client may still be
 * letting go of the previous query's connection, or the link may still be
 * busy closing a connection: that is "not yet", not "no answer", so it is
 * retried for a while before giving up.
 */
int ias_start(uint32_t daddr, const char *cls, const char *attr)
{
    ULONGLONG deadline = GetTickCount64() + IAS_START_MS;
    int rc;

    for (;;) {
        station_now();
        rc = irda_stack_ias_query(&station.stack, daddr, cls, attr);
        if (rc == IRDA_OK || (rc != IRDA_ERR_BUSY && rc != IRDA_ERR_NOSPACE &&
                              rc != IRDA_ERR_STATE) || GetTickCount64() >= deadline)
            return rc;
        station_poke();
        station_wait(20);
    }
}

/*
 * One GetValueByClass, start to answer (lock held); the answer is left in
 * station.ias.  A query that fails at once (the link to that device still
 * being torn down after a connection closed) is "not yet", not "nobody
 * answered": it is asked again for up to IAS_RETRY_MS.  Returns 0,
 * WSAETIMEDOUT, or WSAEADDRINUSE (the link is held by sockets open to
 * another device).
 */
int ias_run(uint32_t daddr, const char *cls, const char *attr)
{
    ULONGLONG give_up = GetTickCount64() + IAS_RETRY_MS;
    int err;

    /* one IAS query at a time in the stack */
    while (station.ias_busy)
        station_wait(INFINITE);
    station.ias_busy = TRUE;
    for (;;) {
        err = 0;
        station.ias_done = FALSE;
        if (ias_start(daddr, cls, attr) != IRDA_OK) {
            /* sockets open to another device hold the link: that is not
             * going to change by asking again */
            if (irda_stack_can_connect(&station.stack, daddr) == IRDA_ERR_INUSE) {
                err = WSAEADDRINUSE;
                break;
            }
            err = WSAETIMEDOUT;
        } else {
            station_unlock();
            station_poke();
            station_lock();
            while (!station.ias_done)
                station_wait(INFINITE);
            if (station.ias_status != IRDA_OK)
                err = WSAETIMEDOUT;
        }
        if (!err || GetTickCount64() >= give_up)
            break;
        station_wait(IAS_RETRY_PAUSE_MS);
    }
    station.ias_busy = FALSE;
    WakeAllConditionVariable(&station.changed);
    return err;
}

/*
 * Waits (lock held) until this station's single IrLAP link can go to daddr:
 * a discovery or a link to another device being let go is a moment's wait.
 * Connections open to another device are the case Windows documents for
 * connect: WSAEADDRINUSE at once.
 */
static int link_wait(struct irsock *so, uint32_t daddr, unsigned gen, ULONGLONG deadline)
{
    for (;;) {
        int rc;
        station_now();
        rc = irda_stack_can_connect(&station.stack, daddr);
        if (rc == IRDA_OK)
            return 0;
        if (rc == IRDA_ERR_INUSE)
            return WSAEADDRINUSE;
        if (so->closing || so->cancel_gen != gen)
            return WSAEINTR;
        if (GetTickCount64() >= deadline)
            return WSAETIMEDOUT;
        station_wait(LINK_WAIT_STEP_MS);
    }
}

/* The peer's LSAP for a service name, through its IAS (lock held). */
static int resolve_service(const struct irsock *so, uint32_t daddr, const char *service,
                           uint8_t *lsap)
{
    int direct = lsap_from_name(service), err;

    if (direct >= 0) {
        *lsap = (uint8_t)direct;
        return 0;
    }
    err = ias_run(daddr, service, lsap_attribute(so));
    if (err)
        return err;                         /* nobody answered */
    if (station.ias.rc != IAS_SUCCESS || station.ias.count == 0 ||
        station.ias.values[0].type != IAS_INTEGER)
        return WSAECONNREFUSED;             /* no such service there */
    *lsap = (uint8_t)station.ias.values[0].integer;
    return 0;
}

/*
 * IRLMP_EXCLUSIVE_MODE (lock held, the connection open): IrLMP is asked for
 * the link alone and the connect succeeds only once the peer granted it.
 * Refused, here (other connections share the link) or by the peer (the
 * same at its end): WSAEADDRINUSE, the error a connect gets while sockets
 * hold the link.
 */
static int exclusive_wait(struct irsock *so, int conn, unsigned gen)
{
    ULONGLONG deadline = GetTickCount64() + IRDA_CONNECT_MS;
    int rc;

    for (;;) {
        station_now();
        rc = irda_stack_request_exclusive(&station.stack, conn);
        if (rc != IRDA_ERR_AGAIN)
            break;
        /* the other connections on the link are going away: a moment */
        if (so->closing || so->cancel_gen != gen)
            return WSAEINTR;
        if (GetTickCount64() >= deadline)
            return WSAEADDRINUSE;
        station_poke();
        station_wait(LINK_WAIT_STEP_MS);
    }
    if (rc == IRDA_ERR_BUSY || rc == IRDA_ERR_EXCLUSIVE)
        return WSAEADDRINUSE;
    if (rc < 0)
        return irda_error_to_wsa(rc);
    for (;;) {
        station_poke();                     /* the request goes out on the worker's turn */
        station_wait(20);
        station_now();
        rc = irda_stack_exclusive_state(&station.stack, conn);
        if (rc == 1)
            return 0;
        if (rc == IRDA_ERR_INUSE)
            return WSAEADDRINUSE;
        if (rc < 0)
            return so->so_error ? so->so_error : WSAECONNRESET;   /* the connection ended */
        if (so->closing || so->cancel_gen != gen)
            return WSAEINTR;
        if (GetTickCount64() >= deadline)
            return WSAETIMEDOUT;
    }
}

/*
 * The connection itself (lock held, so->state IRS_CONNECTING): wait for the
 * link, ask the peer's IAS, connect, wait for the answer (exclusive mode:
 * and for the link alone).  Leaves the socket connected (0) or back to
 * IRS_NEW with the error.
 */
static int connect_locked(struct irsock *so, uint32_t daddr, const char *service, unsigned gen)
{
    uint8_t lsap = 0;
    int conn = 0, err;
    ULONGLONG deadline = GetTickCount64() + IRDA_CONNECT_MS;

    so->so_error = 0;                       /* an earlier attempt's error is not this one's */
    err = link_wait(so, daddr, gen, deadline);
    if (!err)
        err = resolve_service(so, daddr, service, &lsap);
    if (!err && so->closing)
        err = WSAEINTR;
    if (!err) {
        int rc;
        station_now();
        rc = irda_stack_connect_mode(&station.stack, daddr, lsap, conn_mode(so), &conn);
        if (rc < 0) {
            err = irda_error_to_wsa(rc);
        } else {
            irsock_attach(so, conn);
            /* set before the stack can say "connected": a non-blocking
             * connect's caller may ask getpeername the moment it is */
            so->peer_addr = daddr;
            lstrcpynA(so->peer_service, service, sizeof(so->peer_service));
        }
    }
    deadline = GetTickCount64() + IRDA_CONNECT_MS;
    while (!err && so->state == IRS_CONNECTING) {
        const struct irda_conn *c = irda_stack_conn(&station.stack, conn);
        if (so->so_error)
            err = so->so_error;
        else if (c && c->open && so->exclusive)
            break;                          /* connected once the link is its alone */
        else if (c && c->open)
            so->state = IRS_CONNECTED;
        else if (so->closing || so->cancel_gen != gen)
            err = WSAEINTR;
        else if (GetTickCount64() >= deadline)
            err = WSAETIMEDOUT;
        else
            station_wait(200);
    }
    if (!err && so->exclusive)
        err = exclusive_wait(so, conn, gen);
    if (err) {
        if (so->conn && !so->closing) {
            irda_stack_close(&station.stack, so->conn, false);
            irsock_detach(so);
        }
        if (!so->closing)
            so->state = IRS_NEW;
    } else {
        so->state = IRS_CONNECTED;
        notify_update(so);
    }
    return err;
}

/* A non-blocking connect's work, on a thread of its own; it holds a
 * reference to the socket and reports through FD_CONNECT and SO_ERROR. */
struct async_connect {
    struct irsock *so;
    uint32_t daddr;
    unsigned gen;
    char service[IRDA_SERVICE_MAX + 1];
};

static DWORD WINAPI async_connect_main(void *arg)
{
    struct async_connect *ac = arg;
    struct irsock *so = ac->so;
    int err;

    station_lock();
    err = connect_locked(so, ac->daddr, ac->service, ac->gen);
    so->connect_pending = FALSE;
    if (!so->closing) {
        so->so_error = err;
        so->network_events |= FD_CONNECT;
        so->event_errors[FD_CONNECT_BIT] = err;
        notify_update(so);
        if (so->select_event && (so->select_mask & FD_CONNECT))
            SetEvent(so->select_event);
    }
    WakeAllConditionVariable(&station.changed);
    station_unlock();
    station_poke();
    irsock_release(so);
    free(ac);
    return 0;
}

/* Starts the connect on a thread (lock held): 0 started, or an error. */
static int connect_start_async(struct irsock *so, uint32_t daddr, const char *service, unsigned gen)
{
    struct async_connect *ac = calloc(1, sizeof(*ac));
    HANDLE t;

    if (!ac)
        return WSAENOBUFS;
    ac->so = so;
    ac->daddr = daddr;
    ac->gen = gen;
    lstrcpynA(ac->service, service, sizeof(ac->service));
    so->refs++;                             /* the thread's */
    so->connect_pending = TRUE;
    t = CreateThread(NULL, 0, async_connect_main, ac, 0, NULL);
    if (!t) {
        so->refs--;
        so->connect_pending = FALSE;
        free(ac);
        return WSAENOBUFS;
    }
    CloseHandle(t);
    return 0;
}

/*
 * WHY: connecting is an IAS lookup followed by an IrLMP/TinyTP connect
 * (IrLPT mode: IrLMP only);
 * an unknown service is WSAECONNREFUSED and a device that does not answer
 * is WSAETIMEDOUT, as Windows documents.  A non-blocking socket gets
 * WSAEWOULDBLOCK and the outcome through FD_CONNECT, select's write set
 * (connected) or except set (failed), and SO_ERROR.
 */
int WSPAPI irda_connect(SOCKET s, const struct sockaddr *name, int len, LPWSABUF caller,
                        LPWSABUF callee, LPQOS sqos, LPQOS gqos, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);
    char service[IRDA_SERVICE_MAX + 1];
    SOCKADDR_IRDA a;
    uint32_t daddr;
    unsigned gen;
    (void)caller; (void)callee; (void)sqos; (void)gqos;

    if (!so)
        return SOCKET_ERROR;
    *err = check_address(name, len, &a);
    if (!*err && !service_name(&a, service))
        *err = WSAEINVAL;
    station_lock();
    if (!*err && so->state == IRS_CONNECTED)
        *err = WSAEISCONN;
    else if (!*err && so->connect_pending)
        *err = WSAEALREADY;
    else if (!*err && so->state != IRS_NEW)
        *err = WSAEINVAL;
    if (!*err) {
        daddr = irda_get_le32(a.irdaDeviceID);
        gen = so->cancel_gen;
        so->state = IRS_CONNECTING;
        if (so->nonblocking) {
            *err = connect_start_async(so, daddr, service, gen);
            if (*err)
                so->state = IRS_NEW;
            else
                *err = WSAEWOULDBLOCK;
        } else {
            *err = connect_locked(so, daddr, service, gen);
        }
    }
    station_unlock();
    station_poke();
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}

int WSPAPI irda_get_sock_name(SOCKET s, struct sockaddr *name, LPINT len, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return SOCKET_ERROR;
    if (!name || !len || *len < (int)sizeof(SOCKADDR_IRDA)) {
        *err = WSAEFAULT;
    } else if (so->state == IRS_NEW) {
        *err = WSAEINVAL;
    } else {
        char self[IRDA_SERVICE_MAX + 1];
        int lsap = so->conn ? irda_stack_lsap_of(&station.stack, so->conn) : so->lsap;
        if (so->service[0])
            lstrcpynA(self, so->service, sizeof(self));
        else
            snprintf(self, sizeof(self), "LSAP-SEL%d", lsap > 0 ? lsap : so->lsap);
        fill_address((SOCKADDR_IRDA *)name, station.stack.lap.cfg.saddr, self);
        *len = sizeof(SOCKADDR_IRDA);
        *err = 0;
    }
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}

int WSPAPI irda_get_peer_name(SOCKET s, struct sockaddr *name, LPINT len, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return SOCKET_ERROR;
    if (!name || !len || *len < (int)sizeof(SOCKADDR_IRDA)) {
        *err = WSAEFAULT;
    } else if (so->state != IRS_CONNECTED) {
        *err = WSAENOTCONN;
    } else {
        fill_address((SOCKADDR_IRDA *)name, so->peer_addr, so->peer_service);
        *len = sizeof(SOCKADDR_IRDA);
        *err = 0;
    }
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}

/* IrDA has no half close: shutdown only checks its arguments. */
int WSPAPI irda_shutdown(SOCKET s, int how, LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return SOCKET_ERROR;
    *err = how < SD_RECEIVE || how > SD_BOTH ? WSAEINVAL
         : so->state != IRS_CONNECTED ? WSAENOTCONN : 0;
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}
