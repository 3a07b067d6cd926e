/* irlpt.c - IrLMP connections without TinyTP, for IrLPT mode (see irlpt.h). */
#include <string.h>
#include "irlpt.h"

/* ------------------------------------------------------------------ FIFO */

static void ring_put(struct lpt *t, size_t at, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t->txbuf[(at + i) % LPT_TXBUF] = p[i];
}

static void ring_get(const struct lpt *t, size_t at, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = t->txbuf[(at + i) % LPT_TXBUF];
}

size_t lpt_max_data(const struct lpt *t)
{
    return t->lsap ? irlmp_max_sdu(t->lsap) : IRLAP_MAX_DATA - IRLMP_HDR_LEN;
}

size_t lpt_tx_queued(const struct lpt *t)
{
    return t->tx_used;
}

static void close_with(struct lpt *t, enum irlmp_reason r)
{
    bool tell = t->state != LPT_CLOSED;
    t->state = LPT_CLOSED;
    t->lsap = NULL;
    t->tx_used = 0;
    if (tell && t->ops.disconnect_ind)
        t->ops.disconnect_ind(t->ops.ctx, t, r);
}

/* Hands queued frames to IrLMP while it takes them; then, when closing and
 * drained, the disconnect. */
static void pump(struct lpt *t)
{
    if (t->state != LPT_OPEN && t->state != LPT_CLOSING)
        return;
    while (t->tx_used) {
        uint8_t hdr[2], frame[IRLAP_MAX_DATA];
        ring_get(t, t->tx_head, hdr, 2);
        size_t n = (size_t)hdr[0] << 8 | hdr[1];
        ring_get(t, t->tx_head + 2, frame, n);
        if (irlmp_data_request(t->lsap, frame, n) != IRDA_OK)
            return;                             /* IrLAP full: tx_ready resumes */
        t->tx_head = (t->tx_head + 2 + n) % LPT_TXBUF;
        t->tx_used -= 2 + n;
        t->tx_frames++;
    }
    if (t->state == LPT_CLOSING) {
        struct irlmp_lsap *l = t->lsap;
        t->state = LPT_CLOSED;
        t->lsap = NULL;
        irlmp_disconnect_request(l, NULL, 0);
    }
}

/* ------------------------------------------------------------------ LSAP callbacks */

static void l_connect_ind(void *ctx, struct irlmp_lsap *lis, struct irlmp_lsap *conn,
                          const uint8_t *ud, size_t len)
{
    struct lpt *t = ctx;
    (void)lis; (void)ud;
    if (len || !t->ops.connect_ind) {
        /* user data is another protocol's connect (TinyTP's credit and
         * parameters): taking it would hand its bytes up as print data */
        t->refused++;
        irlmp_disconnect_with(conn, IRLMP_R_UNSPECIFIED, (const uint8_t *)LPT_REFUSE_TEXT,
                              strlen(LPT_REFUSE_TEXT));
        return;
    }
    t->ops.connect_ind(t->ops.ctx, t, conn);
}

static void l_connect_cnf(void *ctx, struct irlmp_lsap *l, const uint8_t *ud, size_t len)
{
    struct lpt *t = ctx;
    (void)ud;
    if (len) {
        t->refused++;
        t->lsap = NULL;
        irlmp_disconnect_with(l, IRLMP_R_UNSPECIFIED, (const uint8_t *)LPT_CONFIRM_TEXT,
                              strlen(LPT_CONFIRM_TEXT));
        close_with(t, IRLMP_R_UNSPECIFIED);
        return;
    }
    t->state = LPT_OPEN;
    if (t->ops.connect_cnf)
        t->ops.connect_cnf(t->ops.ctx, t);
    pump(t);
}

static void l_data_ind(void *ctx, struct irlmp_lsap *l, const uint8_t *d, size_t len)
{
    struct lpt *t = ctx;
    (void)l;
    if (t->state != LPT_OPEN && t->state != LPT_CLOSING)
        return;
    t->rx_frames++;
    if (len && t->ops.data_ind)
        t->ops.data_ind(t->ops.ctx, t, d, len);
}

static void l_disconnect_ind(void *ctx, struct irlmp_lsap *l, enum irlmp_reason r,
                             const uint8_t *ud, size_t len)
{
    struct lpt *t = ctx;
    (void)l; (void)ud; (void)len;
    close_with(t, r);
}

static void l_tx_ready(void *ctx, struct irlmp_lsap *l)
{
    struct lpt *t = ctx;
    (void)l;
    size_t before = t->tx_used;
    pump(t);
    if (t->state == LPT_OPEN && t->tx_used < before && t->ops.tx_ready)
        t->ops.tx_ready(t->ops.ctx, t);
}

static struct irlmp_lsap_ops lsap_ops(struct lpt *t)
{
    struct irlmp_lsap_ops o = { t, l_connect_ind, l_connect_cnf, l_data_ind, l_disconnect_ind,
                                l_tx_ready, NULL, NULL };
    return o;
}

/* ------------------------------------------------------------------ public */

static void lpt_reset(struct lpt *t, struct irlmp *lmp, const struct lpt_ops *ops)
{
    void *user = t->user;
    memset(t, 0, offsetof(struct lpt, txbuf));
    t->user = user;
    t->lmp = lmp;
    if (ops)
        t->ops = *ops;
}

int lpt_open(struct lpt *t, struct irlmp *lmp, int slsap, const struct lpt_ops *ops)
{
    lpt_reset(t, lmp, ops);
    struct irlmp_lsap_ops o = lsap_ops(t);
    t->lsap = irlmp_open(lmp, slsap, &o);
    return t->lsap ? IRDA_OK : IRDA_ERR_INUSE;
}

int lpt_listen(struct lpt *t)
{
    if (!t->lsap)
        return IRDA_ERR_STATE;
    int rc = irlmp_listen(t->lsap);
    if (rc == IRDA_OK)
        t->state = LPT_LISTEN;
    return rc;
}

int lpt_connect(struct lpt *t, uint32_t daddr, uint8_t dlsap)
{
    if (!t->lsap || t->state != LPT_CLOSED)
        return IRDA_ERR_STATE;
    int rc = irlmp_connect_request(t->lsap, daddr, dlsap, NULL, 0);
    if (rc == IRDA_OK)
        t->state = LPT_CONNECTING;
    return rc;
}

int lpt_accept(struct lpt *t, struct irlmp_lsap *conn, const struct lpt_ops *ops)
{
    lpt_reset(t, conn->lmp, ops);
    t->lsap = conn;
    conn->ops = lsap_ops(t);
    int rc = irlmp_connect_response(conn, NULL, 0);
    if (rc < 0) {
        t->lsap = NULL;
        return rc;
    }
    t->state = LPT_OPEN;
    return IRDA_OK;
}

int lpt_send(struct lpt *t, const uint8_t *frame, size_t len)
{
    if (t->state != LPT_OPEN)
        return IRDA_ERR_STATE;
    if (len == 0 || len > lpt_max_data(t))
        return IRDA_ERR_RANGE;
    if (LPT_TXBUF - t->tx_used < len + 2)
        return IRDA_ERR_AGAIN;
    uint8_t hdr[2] = { (uint8_t)(len >> 8), (uint8_t)len };
    size_t tail = (t->tx_head + t->tx_used) % LPT_TXBUF;
    ring_put(t, tail, hdr, 2);
    ring_put(t, tail + 2, frame, len);
    t->tx_used += 2 + len;
    pump(t);
    return IRDA_OK;
}

int lpt_disconnect(struct lpt *t, bool graceful)
{
    if (t->state == LPT_CLOSED)
        return IRDA_ERR_STATE;
    if (graceful && t->state == LPT_OPEN && t->tx_used) {
        t->state = LPT_CLOSING;                 /* pump() disconnects when drained */
        pump(t);
        return IRDA_OK;
    }
    struct irlmp_lsap *l = t->lsap;
    t->state = LPT_CLOSED;
    t->lsap = NULL;
    t->tx_used = 0;
    if (l)
        irlmp_disconnect_request(l, NULL, 0);
    return IRDA_OK;
}

int lpt_abort(struct lpt *t)
{
    struct irlmp_lsap *l = t->lsap;
    if (t->state == LPT_CLOSED)
        return IRDA_ERR_STATE;
    t->state = LPT_CLOSED;
    t->lsap = NULL;
    t->tx_used = 0;
    if (l)
        irlmp_abort_request(l, IRLMP_R_UNSPECIFIED);
    return IRDA_OK;
}

void lpt_overflow(struct lpt *t)
{
    struct irlmp_lsap *l = t->lsap;
    if (t->state == LPT_CLOSED || t->state == LPT_LISTEN)
        return;
    t->state = LPT_CLOSING;                     /* no more sends; told below */
    t->lsap = NULL;
    if (l)
        irlmp_disconnect_with(l, IRLMP_R_UNSPECIFIED, (const uint8_t *)LPT_OVERFLOW_TEXT,
                              strlen(LPT_OVERFLOW_TEXT));
    close_with(t, IRLMP_R_LOCAL_VIOLATION);
}
