/*
 * stack_irlpt.c - the station's IrLPT-mode connections (IRDA_MODE_IRLPT):
 * IrLMP data without TinyTP (irlpt.h), each received frame kept whole in
 * the connection's receive ring, and IrLAP's local busy (RNR) as the only
 * flow control, as IrLPT has no credit of its own.
 */
#include <string.h>
#include "stack_internal.h"

/* Frames the peer may still send once we decide to be busy: the rest of
 * the window in flight (at most 7) before it hears our RNR, plus one. */
#define LPT_BUSY_FRAMES 8

/* User bytes in one frame the peer sends us (within our IrLAP data size). */
static size_t rx_frame_max(const struct irda_stack *st)
{
    size_t n = st->lap.neg.rx_data_size;
    if (n <= IRLMP_HDR_LEN)
        n = IRLAP_MAX_DATA;
    return n - IRLMP_HDR_LEN;
}

static bool near_full(const struct irda_stack *st, const struct irda_conn *c)
{
    return IRDA_STACK_RXBUF - c->rx_used < LPT_BUSY_FRAMES * rx_frame_max(st) ||
           IRDA_STACK_RX_FRAMES - c->rx_nframes < LPT_BUSY_FRAMES;
}

/* The link is one for every LSAP: busy while any IrLPT receiver is (the
 * reason IrLPT is normally the link's only connection). */
void stack_irlpt_update_busy(struct irda_stack *st)
{
    bool busy = false;
    for (unsigned i = 0; i < IRDA_STACK_MAX_CONN; i++) {
        const struct irda_conn *c = &st->conns[i];
        if (c->kind == IRDA_CONN_STREAM && c->mode == IRDA_MODE_IRLPT && c->open &&
            !c->local_closed && near_full(st, c))
            busy = true;
    }
    irlap_set_busy(&st->lap, busy);
}

/* ------------------------------------------------------------------ IrLPT upper side */

static void p_data(void *ctx, struct lpt *t, const uint8_t *d, size_t len)
{
    struct irda_stack *st = ctx;
    struct irda_conn *c = t->user;
    if (c->local_closed)
        return;                                 /* closed: discard (CE: queued data dropped) */
    if (len > IRDA_STACK_RXBUF - c->rx_used || c->rx_nframes == IRDA_STACK_RX_FRAMES) {
        /* the peer went on past our RNR and a window: cutting the frame
         * would corrupt what the application reads, so the connection ends */
        lpt_overflow(t);
        return;
    }
    for (size_t i = 0; i < len; i++)
        c->rx[(c->rx_head + c->rx_used + i) % IRDA_STACK_RXBUF] = d[i];
    c->rx_used += len;
    c->rx_frame[(c->rx_frame_head + c->rx_nframes++) % IRDA_STACK_RX_FRAMES] = (uint16_t)len;
    stack_irlpt_update_busy(st);                /* before IrLAP answers this window */
    stack_event(st, IRDA_EV_READABLE, stack_handle_of(st, c), 0);
}

static void p_disconnect(void *ctx, struct lpt *t, enum irlmp_reason r)
{
    stack_conn_ended(ctx, t->user, r);
    stack_irlpt_update_busy(ctx);
}

static void p_connect_cnf(void *ctx, struct lpt *t)
{
    stack_conn_opened(ctx, t->user);
}

static void p_tx_ready(void *ctx, struct lpt *t)
{
    struct irda_stack *st = ctx;
    struct irda_conn *c = t->user;
    if (!c->local_closed)
        stack_event(st, IRDA_EV_WRITABLE, stack_handle_of(st, c), 0);
}

static void p_connect_ind(void *ctx, struct lpt *lis, struct irlmp_lsap *conn);

static struct lpt_ops lpt_ops_of(struct irda_stack *st)
{
    struct lpt_ops o = { st, NULL, p_connect_cnf, p_data, p_disconnect, p_tx_ready };
    return o;
}

static void p_connect_ind(void *ctx, struct lpt *lis, struct irlmp_lsap *conn)
{
    struct irda_stack *st = ctx;
    struct irda_conn *l = lis->user;
    struct irda_conn *c = l->nbacklog < l->backlog_max ? stack_conn_alloc(st, IRDA_CONN_STREAM)
                                                       : NULL;
    if (!c) {
        irlmp_disconnect_request(conn, NULL, 0);
        return;
    }
    c->mode = IRDA_MODE_IRLPT;
    struct lpt_ops o = lpt_ops_of(st);
    if (lpt_accept(&c->lpt, conn, &o) < 0) {
        irlmp_disconnect_request(conn, NULL, 0);
        stack_conn_free(c);
        return;
    }
    c->open = true;
    c->daddr = conn->daddr;
    c->lsap = conn->slsap;
    c->dlsap = conn->dlsap;
    l->backlog[l->nbacklog++] = stack_handle_of(st, c);
    stack_event(st, IRDA_EV_INCOMING, stack_handle_of(st, l), 0);
}

/* ------------------------------------------------------------------ for stack.c */

int stack_irlpt_listen(struct irda_stack *st, struct irda_conn *c, int lsap)
{
    struct lpt_ops o = lpt_ops_of(st);
    o.connect_ind = p_connect_ind;
    int rc = lpt_open(&c->lpt, &st->lmp, lsap, &o);
    return rc == IRDA_OK ? lpt_listen(&c->lpt) : rc;
}

int stack_irlpt_connect(struct irda_stack *st, struct irda_conn *c, uint32_t daddr, uint8_t dlsap)
{
    struct lpt_ops o = lpt_ops_of(st);
    int rc = lpt_open(&c->lpt, &st->lmp, IRLMP_LSAP_ANY, &o);
    return rc == IRDA_OK ? lpt_connect(&c->lpt, daddr, dlsap) : rc;
}

int stack_irlpt_send(struct irda_conn *c, const uint8_t *data, size_t len)
{
    if (len > INT32_MAX)
        return IRDA_ERR_RANGE;
    int rc = lpt_send(&c->lpt, data, len);
    return rc == IRDA_OK ? (int)len : rc;
}

size_t stack_irlpt_take_frame(struct irda_conn *c, size_t n)
{
    if (!c->rx_nframes)
        return 0;
    uint16_t *left = &c->rx_frame[c->rx_frame_head];
    if (n > *left)
        n = *left;
    *left = (uint16_t)(*left - n);
    if (*left == 0) {
        c->rx_frame_head = (c->rx_frame_head + 1) % IRDA_STACK_RX_FRAMES;
        c->rx_nframes--;
    }
    return n;
}

bool stack_irlpt_close(struct irda_conn *c, bool graceful)
{
    if (c->lpt.state != LPT_CLOSED && !graceful) {
        lpt_abort(&c->lpt);                     /* the peer sees a reset */
    } else if (c->lpt.state != LPT_CLOSED) {
        lpt_disconnect(&c->lpt, true);
        if (c->lpt.state == LPT_CLOSING) {
            c->local_closed = true;
            return true;
        }
    } else if (c->lpt.lsap) {
        irlmp_close(c->lpt.lsap);
    }
    return false;
}
