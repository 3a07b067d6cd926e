/* ias.c - IAS database, IAP codec, server and client (see ias.h). */
#include <string.h>
#include "ias.h"

/* ------------------------------------------------------------------ database */

static bool name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= IAS_MAX_NAME;
}

static bool value_ok(const struct ias_value *v)
{
    switch (v->type) {
    case IAS_INTEGER: return true;
    case IAS_OCTETS:  return v->len <= IAS_MAX_OCTETS;
    case IAS_STRING:  return v->len <= IAS_MAX_STRING;
    default:          return false;
    }
}

const struct ias_object *ias_db_find(const struct ias_db *db, const char *cls)
{
    for (unsigned i = 0; i < IAS_MAX_OBJECTS; i++)
        if (db->objs[i].used && !strcmp(db->objs[i].class_name, cls))
            return &db->objs[i];
    return NULL;
}

int ias_db_set(struct ias_db *db, const char *cls, const char *attr, const struct ias_value *v)
{
    if (!name_ok(cls) || !name_ok(attr) || !value_ok(v))
        return IRDA_ERR_RANGE;
    struct ias_object *o = (struct ias_object *)ias_db_find(db, cls);
    if (!o) {
        for (unsigned i = 0; i < IAS_MAX_OBJECTS && !o; i++)
            if (!db->objs[i].used)
                o = &db->objs[i];
        if (!o)
            return IRDA_ERR_NOSPACE;
        memset(o, 0, sizeof *o);
        o->used = true;
        o->id = db->next_id++;
        strcpy(o->class_name, cls);
    }
    struct ias_attr *a = NULL;
    for (unsigned i = 0; i < IAS_MAX_ATTRS && !a; i++)
        if (o->attrs[i].used && !strcmp(o->attrs[i].name, attr))
            a = &o->attrs[i];
    for (unsigned i = 0; i < IAS_MAX_ATTRS && !a; i++)
        if (!o->attrs[i].used)
            a = &o->attrs[i];
    if (!a)
        return IRDA_ERR_NOSPACE;
    a->used = true;
    strcpy(a->name, attr);
    a->value = *v;
    return o->id;
}

int ias_db_remove(struct ias_db *db, const char *cls, const char *attr)
{
    struct ias_object *o = (struct ias_object *)ias_db_find(db, cls);
    if (!o)
        return IRDA_ERR_NOTFOUND;
    if (!attr) {
        o->used = false;
        return IRDA_OK;
    }
    for (unsigned i = 0; i < IAS_MAX_ATTRS; i++)
        if (o->attrs[i].used && !strcmp(o->attrs[i].name, attr)) {
            o->attrs[i].used = false;
            return IRDA_OK;
        }
    return IRDA_ERR_NOTFOUND;
}

void ias_db_init(struct ias_db *db, const char *nick, size_t nick_len, uint8_t charset)
{
    memset(db, 0, sizeof *db);
    struct ias_value v = { .type = IAS_STRING, .charset = charset };
    if (nick_len > IAS_MAX_STRING)
        nick_len = IAS_MAX_STRING;
    v.len = (uint16_t)nick_len;
    memcpy(v.data, nick, nick_len);
    ias_db_set(db, "Device", "DeviceName", &v);
    /* IrLMPSupport: IrLMP version 1, IAS support 0, LM-MUX support 0 */
    struct ias_value s = { .type = IAS_OCTETS, .len = 3, .data = { 0x01, 0x00, 0x00 } };
    ias_db_set(db, "Device", "IrLMPSupport", &s);
}

/* ------------------------------------------------------------------ codec */

int ias_gvbc_request_encode(uint8_t *out, size_t cap, const char *cls, const char *attr)
{
    if (!name_ok(cls) || !name_ok(attr))
        return IRDA_ERR_RANGE;
    size_t cl = strlen(cls), al = strlen(attr);
    if (cap < 3 + cl + al)
        return IRDA_ERR_NOSPACE;
    out[0] = IAP_LST | IAP_GET_VALUE_BY_CLASS;
    out[1] = (uint8_t)cl;
    memcpy(out + 2, cls, cl);
    out[2 + cl] = (uint8_t)al;
    memcpy(out + 3 + cl, attr, al);
    return (int)(3 + cl + al);
}

static int get_name(const uint8_t *b, size_t len, size_t *i, char out[IAS_MAX_NAME + 1])
{
    if (*i >= len)
        return IRDA_ERR_SHORT;
    size_t n = b[(*i)++];
    if (n > IAS_MAX_NAME)
        return IRDA_ERR_RANGE;
    if (len - *i < n)
        return IRDA_ERR_SHORT;
    memcpy(out, b + *i, n);
    out[n] = 0;
    if (memchr(out, 0, n))
        return IRDA_ERR_FORMAT;            /* no NULs inside a name */
    *i += n;
    return IRDA_OK;
}

int ias_gvbc_request_decode(const uint8_t *b, size_t len, char cls[IAS_MAX_NAME + 1],
                            char attr[IAS_MAX_NAME + 1])
{
    if (len < 1)
        return IRDA_ERR_SHORT;
    if ((b[0] & IAP_OPCODE_MASK) != IAP_GET_VALUE_BY_CLASS)
        return IRDA_ERR_UNSUPP;
    size_t i = 1;
    int rc = get_name(b, len, &i, cls);
    if (rc == IRDA_OK)
        rc = get_name(b, len, &i, attr);
    if (rc == IRDA_OK && i != len)
        rc = IRDA_ERR_FORMAT;
    return rc;
}

/* Encodes one value; returns the bytes written or a negative error. */
static int value_encode(const struct ias_value *v, uint8_t *out, size_t cap)
{
    switch (v->type) {
    case IAS_INTEGER:
        if (cap < 5) return IRDA_ERR_NOSPACE;
        out[0] = IAS_INTEGER;
        irda_put_be32(out + 1, (uint32_t)v->integer);
        return 5;
    case IAS_OCTETS:
        if (cap < 3u + v->len) return IRDA_ERR_NOSPACE;
        out[0] = IAS_OCTETS;
        irda_put_be16(out + 1, v->len);
        memcpy(out + 3, v->data, v->len);
        return 3 + v->len;
    case IAS_STRING:
        if (cap < 3u + v->len) return IRDA_ERR_NOSPACE;
        out[0] = IAS_STRING;
        out[1] = v->charset;
        out[2] = (uint8_t)v->len;
        memcpy(out + 3, v->data, v->len);
        return 3 + v->len;
    default:
        if (cap < 1) return IRDA_ERR_NOSPACE;
        out[0] = IAS_MISSING;
        return 1;
    }
}

static int value_decode(const uint8_t *b, size_t len, size_t *i, struct ias_value *v)
{
    if (*i >= len)
        return IRDA_ERR_SHORT;
    memset(v, 0, sizeof *v);
    v->type = (enum ias_type)b[(*i)++];
    size_t left = len - *i;
    switch (v->type) {
    case IAS_MISSING:
        return IRDA_OK;
    case IAS_INTEGER:
        if (left < 4) return IRDA_ERR_SHORT;
        v->integer = (int32_t)irda_get_be32(b + *i);
        *i += 4;
        return IRDA_OK;
    case IAS_OCTETS:
        if (left < 2) return IRDA_ERR_SHORT;
        v->len = irda_get_be16(b + *i);
        if (v->len > IAS_MAX_OCTETS) return IRDA_ERR_RANGE;
        if (left - 2 < v->len) return IRDA_ERR_SHORT;
        memcpy(v->data, b + *i + 2, v->len);
        *i += 2u + v->len;
        return IRDA_OK;
    case IAS_STRING:
        if (left < 2) return IRDA_ERR_SHORT;
        v->charset = b[*i];
        v->len = b[*i + 1];
        if (left - 2 < v->len) return IRDA_ERR_SHORT;
        memcpy(v->data, b + *i + 2, v->len);
        *i += 2u + v->len;
        return IRDA_OK;
    default:
        return IRDA_ERR_FORMAT;
    }
}

int ias_gvbc_response_decode(const uint8_t *b, size_t len, struct ias_result *r)
{
    memset(r, 0, sizeof *r);
    if (len < 1)
        return IRDA_ERR_SHORT;
    r->rc = (enum ias_rc)b[0];
    if (r->rc != IAS_SUCCESS)
        return len == 1 ? IRDA_OK : IRDA_ERR_FORMAT;
    if (len < 3)
        return IRDA_ERR_SHORT;
    unsigned n = irda_get_be16(b + 1);
    size_t i = 3;
    for (unsigned k = 0; k < n; k++) {
        if (len - i < 2)
            return IRDA_ERR_SHORT;
        uint16_t id = irda_get_be16(b + i);
        i += 2;
        struct ias_value v;
        int rc = value_decode(b, len, &i, &v);
        if (rc < 0)
            return rc;
        if (k < IAS_MAX_RESULTS) {
            r->obj_id[k] = id;
            r->values[k] = v;
        }
    }
    if (i != len)
        return IRDA_ERR_FORMAT;
    r->count = n;
    return IRDA_OK;
}

int ias_server_answer(const struct ias_db *db, const uint8_t *req, size_t len,
                      uint8_t *out, size_t cap)
{
    char cls[IAS_MAX_NAME + 1], attr[IAS_MAX_NAME + 1];
    if (cap < 5 || len < 1)
        return IRDA_ERR_NOSPACE;
    uint8_t op = req[0] & IAP_OPCODE_MASK;
    out[0] = (uint8_t)(IAP_LST | op);
    int rc = ias_gvbc_request_decode(req, len, cls, attr);
    if (rc == IRDA_ERR_UNSUPP) {
        out[1] = IAS_UNSUPPORTED;
        return 2;
    }
    if (rc < 0)
        return rc;
    /* every object of the class that has the attribute */
    bool have_class = false;
    size_t o = 4;
    unsigned n = 0;
    for (unsigned i = 0; i < IAS_MAX_OBJECTS; i++) {
        const struct ias_object *obj = &db->objs[i];
        if (!obj->used || strcmp(obj->class_name, cls))
            continue;
        have_class = true;
        for (unsigned a = 0; a < IAS_MAX_ATTRS; a++) {
            if (!obj->attrs[a].used || strcmp(obj->attrs[a].name, attr))
                continue;
            if (cap - o < 2)
                break;
            int m = value_encode(&obj->attrs[a].value, out + o + 2, cap - o - 2);
            if (m < 0)
                break;                     /* cut at a whole entry */
            irda_put_be16(out + o, obj->id);
            o += 2u + (size_t)m;
            n++;
        }
    }
    if (!n) {
        out[1] = have_class ? IAS_NO_SUCH_ATTRIBUTE : IAS_NO_SUCH_CLASS;
        return 2;
    }
    out[1] = IAS_SUCCESS;
    irda_put_be16(out + 2, (uint16_t)n);
    return (int)o;
}

/* ------------------------------------------------------------------ segmentation */

/* Sends the next segment of m (control byte + as much body as fits). */
static int iap_send_next(struct irlmp_lsap *l, struct iap_msg *m)
{
    uint8_t frame[IRLAP_MAX_DATA];
    size_t room = irlmp_max_sdu(l) - 1;
    size_t n = m->len - m->off;
    bool last = n <= room;
    if (!last)
        n = room;
    frame[0] = (uint8_t)((last ? IAP_LST : 0) | m->op);
    memcpy(frame + 1, m->buf + m->off, n);
    int rc = irlmp_data_request(l, frame, n + 1);
    if (rc == IRDA_OK)
        m->off += n;
    return rc;
}

/* Loads a whole message (control byte first) for sending and sends its first segment. */
static int iap_send(struct irlmp_lsap *l, struct iap_msg *m, const uint8_t *msg, size_t len)
{
    if (len < 1 || len - 1 > sizeof m->buf)
        return IRDA_ERR_RANGE;
    m->op = msg[0] & IAP_OPCODE_MASK;
    m->len = len - 1;
    m->off = 0;
    memcpy(m->buf, msg + 1, len - 1);
    return iap_send_next(l, m);
}

/*
 * One IAP frame received. Returns 1 when a whole message is in m (the body
 * in m->buf[0..len)), 0 when more is to come (an Ack was sent), 2 for an Ack
 * to our own sending (tx continues), or a negative error.
 */
static int iap_receive(struct irlmp_lsap *l, struct iap_msg *m, struct iap_msg *tx,
                       const uint8_t *d, size_t len)
{
    if (len < 1)
        return IRDA_ERR_SHORT;
    uint8_t ctl = d[0];
    if (ctl & IAP_ACK) {
        if (tx && tx->off < tx->len)
            iap_send_next(l, tx);
        return 2;
    }
    if (m->off == 0)
        m->op = ctl & IAP_OPCODE_MASK;
    else if ((ctl & IAP_OPCODE_MASK) != m->op)
        return IRDA_ERR_FORMAT;
    if (len - 1 > sizeof m->buf - m->off)
        return IRDA_ERR_RANGE;
    memcpy(m->buf + m->off, d + 1, len - 1);
    m->off += len - 1;
    if (!(ctl & IAP_LST)) {
        uint8_t ack = (uint8_t)(IAP_LST | IAP_ACK | m->op);
        irlmp_data_request(l, &ack, 1);
        return 0;
    }
    m->len = m->off;
    m->off = 0;
    return 1;
}

/* ------------------------------------------------------------------ server */

static struct ias_server_conn *srv_conn(struct ias_server *srv, struct irlmp_lsap *l)
{
    for (unsigned i = 0; i < IAS_SERVER_CONNS; i++)
        if (srv->conns[i].lsap == l)
            return &srv->conns[i];
    return NULL;
}

static void srv_connect_ind(void *ctx, struct irlmp_lsap *lis, struct irlmp_lsap *c,
                            const uint8_t *ud, size_t len)
{
    struct ias_server *srv = ctx;
    (void)lis; (void)ud; (void)len;
    struct ias_server_conn *sc = srv_conn(srv, NULL);
    if (!sc) {
        irlmp_disconnect_request(c, NULL, 0);
        return;
    }
    memset(sc, 0, sizeof *sc);
    sc->lsap = c;
    irlmp_connect_response(c, NULL, 0);
}

static void srv_data_ind(void *ctx, struct irlmp_lsap *l, const uint8_t *d, size_t len)
{
    struct ias_server *srv = ctx;
    struct ias_server_conn *sc = srv_conn(srv, l);
    if (!sc)
        return;
    int rc = iap_receive(l, &sc->rx, &sc->tx, d, len);
    if (rc != 1) {
        if (rc < 0)
            sc->rx.off = 0;
        return;
    }
    uint8_t req[IAP_BUF_MAX + 1], rsp[IAP_BUF_MAX + 1];
    req[0] = (uint8_t)(IAP_LST | sc->rx.op);
    memcpy(req + 1, sc->rx.buf, sc->rx.len);
    int n = ias_server_answer(srv->db, req, sc->rx.len + 1, rsp, sizeof rsp);
    if (n < 0) {                          /* malformed request: drop the connection */
        irlmp_disconnect_request(l, NULL, 0);
        sc->lsap = NULL;
        return;
    }
    iap_send(l, &sc->tx, rsp, (size_t)n);
}

static void srv_disconnect_ind(void *ctx, struct irlmp_lsap *l, enum irlmp_reason r,
                               const uint8_t *ud, size_t len)
{
    struct ias_server *srv = ctx;
    (void)r; (void)ud; (void)len;
    struct ias_server_conn *sc = srv_conn(srv, l);
    if (sc)
        sc->lsap = NULL;
}

int ias_server_start(struct ias_server *srv, struct ias_db *db, struct irlmp *lmp)
{
    memset(srv, 0, sizeof *srv);
    srv->db = db;
    struct irlmp_lsap_ops ops = { srv, srv_connect_ind, NULL, srv_data_ind, srv_disconnect_ind,
                                  NULL, NULL, NULL };
    srv->listener = irlmp_open(lmp, IRLMP_LSAP_IAS, &ops);
    if (!srv->listener)
        return IRDA_ERR_NOSPACE;
    return irlmp_listen(srv->listener);
}

/* ------------------------------------------------------------------ client */

static void cli_finish(struct ias_client *c, int status, const struct ias_result *r)
{
    struct irlmp_lsap *l = c->lsap;
    c->lsap = NULL;
    c->state = IAS_C_IDLE;
    if (c->timers.stop)
        c->timers.stop(c->timers.ctx, IRDA_T_IAS);
    if (l)
        irlmp_disconnect_request(l, NULL, 0);
    if (c->cb)
        c->cb(c->cb_ctx, status, r);
}

static void cli_connect_cnf(void *ctx, struct irlmp_lsap *l, const uint8_t *ud, size_t len)
{
    struct ias_client *c = ctx;
    (void)ud; (void)len;
    c->state = IAS_C_WAITING;
    c->rx.off = 0;
    if (iap_send_next(l, &c->tx) < 0)
        cli_finish(c, IRDA_ERR_AGAIN, NULL);
}

static void cli_data_ind(void *ctx, struct irlmp_lsap *l, const uint8_t *d, size_t len)
{
    struct ias_client *c = ctx;
    int rc = iap_receive(l, &c->rx, &c->tx, d, len);
    if (rc == 0 || rc == 2)
        return;
    if (rc < 0) {
        cli_finish(c, rc, NULL);
        return;
    }
    struct ias_result r;
    rc = c->rx.op == IAP_GET_VALUE_BY_CLASS ? ias_gvbc_response_decode(c->rx.buf, c->rx.len, &r)
                                            : IRDA_ERR_FORMAT;
    cli_finish(c, rc, rc == IRDA_OK ? &r : NULL);
}

static void cli_disconnect_ind(void *ctx, struct irlmp_lsap *l, enum irlmp_reason r,
                               const uint8_t *ud, size_t len)
{
    struct ias_client *c = ctx;
    (void)l; (void)ud; (void)len;
    c->lsap = NULL;                       /* freed by IrLMP */
    if (c->state != IAS_C_IDLE)
        cli_finish(c, r == IRLMP_R_LAP_CONNFAIL ? IRDA_ERR_NOTFOUND : IRDA_ERR_STATE, NULL);
}

void ias_client_init(struct ias_client *c, struct irlmp *lmp, const struct irda_timer_ops *timers)
{
    memset(c, 0, sizeof *c);
    c->lmp = lmp;
    if (timers)
        c->timers = *timers;
    c->timeout_ms = 10000;
}

int ias_client_query(struct ias_client *c, uint32_t daddr, const char *cls, const char *attr,
                     ias_result_cb cb, void *ctx)
{
    if (c->state != IAS_C_IDLE)
        return IRDA_ERR_BUSY;
    uint8_t req[3 + 2 * IAS_MAX_NAME];
    int n = ias_gvbc_request_encode(req, sizeof req, cls, attr);
    if (n < 0)
        return n;
    struct irlmp_lsap_ops ops = { c, NULL, cli_connect_cnf, cli_data_ind, cli_disconnect_ind,
                                  NULL, NULL, NULL };
    struct irlmp_lsap *l = irlmp_open(c->lmp, IRLMP_LSAP_ANY, &ops);
    if (!l)
        return IRDA_ERR_NOSPACE;
    c->tx.op = req[0] & IAP_OPCODE_MASK;
    c->tx.len = (size_t)n - 1;
    c->tx.off = 0;
    memcpy(c->tx.buf, req + 1, c->tx.len);
    c->cb = cb;
    c->cb_ctx = ctx;
    c->lsap = l;
    c->state = IAS_C_CONNECTING;
    int rc = irlmp_connect_request(l, daddr, IRLMP_LSAP_IAS, NULL, 0);
    if (rc < 0) {
        irlmp_close(l);
        c->lsap = NULL;
        c->state = IAS_C_IDLE;
        return rc;
    }
    if (c->timers.start)
        c->timers.start(c->timers.ctx, IRDA_T_IAS, c->timeout_ms);
    return IRDA_OK;
}

void ias_client_timer_expired(struct ias_client *c, unsigned id)
{
    if (id == IRDA_T_IAS && c->state != IAS_C_IDLE)
        cli_finish(c, IRDA_ERR_AGAIN, NULL);
}

void ias_client_abort(struct ias_client *c)
{
    if (c->state != IAS_C_IDLE) {
        c->cb = NULL;
        cli_finish(c, IRDA_ERR_STATE, NULL);
    }
}
