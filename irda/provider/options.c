/*
 * options.c - SOL_IRLMP options (discovery, IAS, PDU length, modes), the
 * SOL_SOCKET options an IrDA socket has, and ioctls.
 *
 * Errors as Windows documents them for AF_IRDA: WSAEFAULT for a buffer
 * that is missing or too small, WSAENOPROTOOPT for an option IrDA does not
 * have or a mode this stack cannot speak yet, WSAEINPROGRESS for a
 * discovery while another runs, WSAEINVAL / WSAEISCONN for a mode set on a
 * socket already bound / connected.
 */
#include "irdaprov.h"

/* The four IrLMP modes a socket can be asked for before bind or connect.
 * IrLPT mode (IrLMP data without TinyTP, irda/core/irlpt.h), 9-wire mode
 * (IrCOMM 9-wire cooked over TinyTP, irda/core/ircomm.h) and exclusive
 * mode (the connection takes its IrLAP link alone, irda/core/irlmp_access.c)
 * are implemented; Sharp mode is not (issue 14: Windows documents no
 * behaviour for it): turning it on fails WSAENOPROTOOPT rather than being
 * accepted while the socket goes on speaking plain TinyTP; turning it off
 * is what the socket already does. */
static BOOL is_mode(int name)
{
    return name == IRLMP_EXCLUSIVE_MODE || name == IRLMP_IRLPT_MODE ||
           name == IRLMP_9WIRE_MODE || name == IRLMP_SHARP_MODE;
}

/* How long a finished discovery answers IRLMP_LAZY_DISCOVERY: CE documents
 * no figure, so this is ours (docs/irda.md); devices rarely come or go in
 * the time an application takes from listing them to connecting. */
#define LAZY_DISCOVERY_MS 3000

/* The stack's discovery log into the caller's DEVICELIST. Station lock held. */
static int fill_devices(char *value, int *len)
{
    struct irda_device_info found[IRLAP_LOG_MAX];
    DEVICELIST *list = (DEVICELIST *)value;
    unsigned n, fit, i;

    n = irda_stack_devices(&station.stack, found, IRLAP_LOG_MAX);
    if (n > IRLAP_LOG_MAX)
        n = IRLAP_LOG_MAX;
    fit = (unsigned)((*len - FIELD_OFFSET(DEVICELIST, Device)) / sizeof(IRDA_DEVICE_INFO));
    if (*len < (int)FIELD_OFFSET(DEVICELIST, Device))
        fit = 0;
    if (fit > n)
        fit = n;
    list->numDevice = fit;
    for (i = 0; i < fit; i++) {
        IRDA_DEVICE_INFO *d = &list->Device[i];
        memset(d, 0, sizeof(*d));
        irda_put_le32(d->irdaDeviceID, found[i].daddr);
        lstrcpynA(d->irdaDeviceName, found[i].nick, sizeof(d->irdaDeviceName));
        d->irdaDeviceHints1 = found[i].nhints > 0 ? found[i].hints[0] : 0;
        d->irdaDeviceHints2 = found[i].nhints > 1 ? found[i].hints[1] : 0;
        d->irdaCharSet = found[i].charset;
    }
    *len = (int)(FIELD_OFFSET(DEVICELIST, Device) + fit * sizeof(IRDA_DEVICE_INFO));
    return 0;
}

/* IRLMP_ENUMDEVICES: a discovery, then as many devices as the buffer holds.
 * IRLMP_LAZY_DISCOVERY (lazy): the log of a discovery that ended in the last
 * LAZY_DISCOVERY_MS without a new one; one running is waited for, not
 * WSAEINPROGRESS; otherwise a discovery as for IRLMP_ENUMDEVICES. */
static int enum_devices(char *value, int *len, BOOL lazy)
{
    unsigned gen;
    int rc;

    if (!value || !len || *len < (int)sizeof(ULONG))
        return WSAEFAULT;
    station_lock();
    if (lazy && station.discovery_gen && !station.discovering &&
        GetTickCount64() - station.discovery_end < LAZY_DISCOVERY_MS) {
        rc = fill_devices(value, len);
        station_unlock();
        return rc;
    }
    if (station.discovering && lazy) {
        gen = station.discovery_gen;
    } else if (station.discovering) {
        station_unlock();
        return WSAEINPROGRESS;
    } else {
        station.discovering = TRUE;
        gen = station.discovery_gen;
        station_now();
        rc = irda_stack_discover(&station.stack, IRDA_DEFAULT_SLOTS);
        if (rc != IRDA_OK) {
            station.discovering = FALSE;
            station_unlock();
            return rc == IRDA_ERR_BUSY ? WSAEINPROGRESS : irda_error_to_wsa(rc);
        }
        station_unlock();
        station_poke();
        station_lock();
    }
    while (station.discovery_gen == gen && !station.stopping)
        station_wait(INFINITE);
    rc = fill_devices(value, len);
    station_unlock();
    return rc;
}

static BOOL terminated(const char *s, size_t max)
{
    return strnlen(s, max) < max && s[0];
}

static int ias_set(const char *value, int len)
{
    const IAS_SET *set = (const IAS_SET *)value;
    struct ias_value v;
    int rc;

    if (!value || len < (int)sizeof(IAS_SET))
        return WSAEFAULT;
    if (!terminated(set->irdaClassName, sizeof(set->irdaClassName)) ||
        !terminated(set->irdaAttribName, sizeof(set->irdaAttribName)))
        return WSAEINVAL;
    memset(&v, 0, sizeof(v));
    switch (set->irdaAttribType) {
    case IAS_ATTRIB_INT:
        v.type = IAS_INTEGER;
        v.integer = set->irdaAttribute.irdaAttribInt;
        break;
    case IAS_ATTRIB_OCTETSEQ:
        if (set->irdaAttribute.irdaAttribOctetSeq.Len > IAS_MAX_OCTETS)
            return WSAEINVAL;
        v.type = IAS_OCTETS;
        v.len = set->irdaAttribute.irdaAttribOctetSeq.Len;
        memcpy(v.data, set->irdaAttribute.irdaAttribOctetSeq.OctetSeq, v.len);
        break;
    case IAS_ATTRIB_STR:
        v.type = IAS_STRING;
        v.charset = set->irdaAttribute.irdaAttribUsrStr.CharSet;
        v.len = set->irdaAttribute.irdaAttribUsrStr.Len;
        if (v.len > IAS_MAX_STRING)
            return WSAEINVAL;
        memcpy(v.data, set->irdaAttribute.irdaAttribUsrStr.UsrStr, v.len);
        break;
    default:
        return WSAEINVAL;
    }
    station_lock();
    rc = irda_stack_ias_set(&station.stack, set->irdaClassName, set->irdaAttribName, &v);
    if (rc >= 0)
        station_hints_update();
    station_unlock();
    return rc >= 0 ? 0 : irda_error_to_wsa(rc);    /* success is the object's id */
}

/* IRLMP_IAS_QUERY: a missing class or attribute is an answer, not an error. */
static int ias_query(char *value, int *len)
{
    IAS_QUERY *q = (IAS_QUERY *)value;
    int err = 0;
    const struct ias_value *v;

    if (!value || !len || *len < (int)sizeof(IAS_QUERY))
        return WSAEFAULT;
    if (!terminated(q->irdaClassName, sizeof(q->irdaClassName)) ||
        !terminated(q->irdaAttribName, sizeof(q->irdaAttribName)))
        return WSAEINVAL;
    station_lock();
    err = ias_run(irda_get_le32(q->irdaDeviceID), q->irdaClassName, q->irdaAttribName);
    if (!err) {
        if (station.ias.rc == IAS_NO_SUCH_CLASS) {
            q->irdaAttribType = IAS_ATTRIB_NO_CLASS;
        } else if (station.ias.rc != IAS_SUCCESS || station.ias.count == 0) {
            q->irdaAttribType = IAS_ATTRIB_NO_ATTRIB;
        } else {
            v = &station.ias.values[0];
            switch (v->type) {
            case IAS_INTEGER:
                q->irdaAttribType = IAS_ATTRIB_INT;
                q->irdaAttribute.irdaAttribInt = v->integer;
                break;
            case IAS_OCTETS:
                q->irdaAttribType = IAS_ATTRIB_OCTETSEQ;
                q->irdaAttribute.irdaAttribOctetSeq.Len = v->len;
                memcpy(q->irdaAttribute.irdaAttribOctetSeq.OctetSeq, v->data, v->len);
                break;
            case IAS_STRING:
                q->irdaAttribType = IAS_ATTRIB_STR;
                q->irdaAttribute.irdaAttribUsrStr.Len = v->len;
                q->irdaAttribute.irdaAttribUsrStr.CharSet = v->charset;
                memcpy(q->irdaAttribute.irdaAttribUsrStr.UsrStr, v->data, v->len);
                break;
            default:
                q->irdaAttribType = IAS_ATTRIB_NO_ATTRIB;
                break;
            }
        }
        *len = sizeof(IAS_QUERY);
    }
    station_unlock();
    return err;
}

static int get_int(char *value, int *len, int v)
{
    if (!value || !len || *len < (int)sizeof(int))
        return WSAEFAULT;
    memcpy(value, &v, sizeof(v));
    *len = sizeof(v);
    return 0;
}

static int get_irlmp(struct irsock *so, int name, char *value, int *len)
{
    int pdu;

    switch (name) {
    case IRLMP_ENUMDEVICES:
        return enum_devices(value, len, FALSE);
    case IRLMP_LAZY_DISCOVERY:
        return enum_devices(value, len, TRUE);
    case IRLMP_IAS_QUERY:
        return ias_query(value, len);
    case IRLMP_SEND_PDU_LEN:
        if (so->state != IRS_CONNECTED)
            return WSAENOTCONN;
        station_lock();
        pdu = irda_stack_send_pdu_len(&station.stack, so->conn);
        station_unlock();
        return pdu > 0 ? get_int(value, len, pdu) : WSAENOTCONN;
    default:
        if (name == IRLMP_IRLPT_MODE)
            return get_int(value, len, so->irlpt ? 1 : 0);
        if (name == IRLMP_9WIRE_MODE)
            return get_int(value, len, so->ninewire ? 1 : 0);
        if (name == IRLMP_EXCLUSIVE_MODE) {
            /* asked for, or (an accepted socket) granted to the peer */
            int held;
            station_lock();
            held = so->state == IRS_CONNECTED && so->conn &&
                   irda_stack_exclusive_state(&station.stack, so->conn) == 1;
            station_unlock();
            return get_int(value, len, so->exclusive || held ? 1 : 0);
        }
        /* the other modes can only be off (see is_mode) */
        return is_mode(name) ? get_int(value, len, 0) : WSAENOPROTOOPT;
    }
}

static int set_irlmp(struct irsock *so, int name, const char *value, int len)
{
    int on;

    if (name == IRLMP_IAS_SET)
        return ias_set(value, len);
    if (!is_mode(name))
        return WSAENOPROTOOPT;
    if (!value || len < (int)sizeof(int))
        return WSAEFAULT;
    memcpy(&on, value, sizeof(on));
    if (on && name == IRLMP_SHARP_MODE)
        return WSAENOPROTOOPT;      /* never accepted and ignored */
    if (so->state != IRS_NEW)
        return so->state == IRS_CONNECTED ? WSAEISCONN : WSAEINVAL;
    /* IrLPT has no TinyTP for IrCOMM's frames to ride on: one or the other */
    if (on && ((name == IRLMP_IRLPT_MODE && so->ninewire) ||
               (name == IRLMP_9WIRE_MODE && so->irlpt)))
        return WSAEINVAL;
    if (name == IRLMP_IRLPT_MODE)
        so->irlpt = on != 0;        /* bind and connect speak IrLMP without TinyTP */
    if (name == IRLMP_9WIRE_MODE)
        so->ninewire = on != 0;     /* bind and connect speak IrCOMM 9-wire over TinyTP */
    if (name == IRLMP_EXCLUSIVE_MODE)
        so->exclusive = on != 0;    /* connect asks IrLMP for the link alone */
    return 0;
}

static int get_socket(struct irsock *so, int name, char *value, int *len)
{
    switch (name) {
    case SO_TYPE:
        return get_int(value, len, SOCK_STREAM);
    case SO_ACCEPTCONN:
        return get_int(value, len, so->state == IRS_LISTENING);
    case SO_ERROR: {
        int e = get_int(value, len, so->so_error);
        so->so_error = 0;
        return e;
    }
    case SO_LINGER:
        if (!value || !len || *len < (int)sizeof(struct linger))
            return WSAEFAULT;
        memcpy(value, &so->linger, sizeof(so->linger));
        *len = sizeof(so->linger);
        return 0;
    case SO_DONTLINGER:
        return get_int(value, len, so->linger.l_onoff == 0);
    case SO_RCVBUF:
        return get_int(value, len, IRDA_STACK_RXBUF);
    case SO_SNDBUF:
        return get_int(value, len, IRDA_TX_ROOM);
    default:
        return WSAENOPROTOOPT;
    }
}

static int set_socket(struct irsock *so, int name, const char *value, int len)
{
    int on;

    switch (name) {
    case SO_LINGER:
        if (!value || len < (int)sizeof(struct linger))
            return WSAEFAULT;
        memcpy(&so->linger, value, sizeof(so->linger));
        return 0;
    case SO_DONTLINGER:
        if (!value || len < (int)sizeof(int))
            return WSAEFAULT;
        memcpy(&on, value, sizeof(on));
        so->linger.l_onoff = on ? 0 : 1;
        return 0;
    case SO_RCVBUF:
    case SO_SNDBUF:
        /* the stack's buffers are fixed; accepted, as CE does, and ignored */
        return !value || len < (int)sizeof(int) ? WSAEFAULT : 0;
    default:
        return WSAENOPROTOOPT;
    }
}

int WSPAPI irda_get_sock_opt(SOCKET s, int level, int name, char *value, LPINT len,
                             LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return SOCKET_ERROR;
    if (level == SOL_IRLMP)
        *err = get_irlmp(so, name, value, len);
    else if (level == SOL_SOCKET)
        *err = get_socket(so, name, value, len);
    else
        *err = WSAEINVAL;
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}

int WSPAPI irda_set_sock_opt(SOCKET s, int level, int name, const char *value, int len,
                             LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);

    if (!so)
        return SOCKET_ERROR;
    if (level == SOL_IRLMP)
        *err = set_irlmp(so, name, value, len);
    else if (level == SOL_SOCKET)
        *err = set_socket(so, name, value, len);
    else
        *err = WSAEINVAL;
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}

/* WHY: FIONBIO picks blocking behaviour; FIONREAD and the two ce-winsock
 * ioctls let the layered provider linger and cancel over us. */
int WSPAPI irda_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out,
                      DWORD out_len, LPDWORD returned, LPWSAOVERLAPPED ov,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                      LPINT err)
{
    struct irsock *so = irsock_lookup(s, err);
    u_long value = 0;
    (void)routine; (void)thread;

    if (!so)
        return SOCKET_ERROR;
    *err = 0;
    station_lock();
    if (ov) {
        *err = WSAEOPNOTSUPP;
    } else if (code == (DWORD)FIONBIO) {
        if (!in || in_len < sizeof(u_long))
            *err = WSAEFAULT;
        else {
            memcpy(&value, in, sizeof(value));
            if (!value && so->select_mask)
                *err = WSAEINVAL;   /* WSAEventSelect keeps it non-blocking */
            else
                so->nonblocking = value != 0;
        }
    } else if (code == (DWORD)FIONREAD || code == SIO_CEWS_SEND_BACKLOG) {
        if (!out || out_len < sizeof(u_long)) {
            *err = WSAEFAULT;
        } else {
            DWORD n = !so->conn ? 0 : code == (DWORD)FIONREAD
                    ? (DWORD)irda_stack_rx_available(&station.stack, so->conn)
                    : (DWORD)irda_stack_tx_queued(&station.stack, so->conn);
            memcpy(out, &n, sizeof(n));
            if (returned)
                *returned = sizeof(n);
        }
    } else if (code == SIO_CEWS_CANCEL) {
        so->cancel_gen++;           /* calls blocked now see it and fail WSAEINTR */
        irsock_cancel_all(so);
    } else {
        *err = WSAEINVAL;
    }
    station_unlock();
    irsock_release(so);
    return *err ? SOCKET_ERROR : 0;
}
