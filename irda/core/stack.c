/* stack.c - one IrDA station wired from the layers (see stack.h). */
#include <string.h>
#include "stack_internal.h"

/* ------------------------------------------------------------------ plumbing */

static void emit(struct irda_stack *st, const struct irda_stack_event *ev)
{
    if (st->ops.event)
        st->ops.event(st->ops.ctx, ev);
}

void stack_event(struct irda_stack *st, enum irda_stack_event_kind k, int handle, int reason)
{
    struct irda_stack_event ev = { .kind = k, .handle = handle, .reason = reason };
    emit(st, &ev);
}

static void t_start(void *ctx, unsigned id, uint32_t ms)
{
    struct irda_stack *st = ctx;
    if (id < IRDA_T_COUNT) {
        st->armed[id] = true;
        st->deadline[id] = st->now + ms;
    }
}

static void t_stop(void *ctx, unsigned id)
{
    struct irda_stack *st = ctx;
    if (id < IRDA_T_COUNT)
        st->armed[id] = false;
}

static uint32_t rng(void *ctx)
{
    struct irda_stack *st = ctx;
    if (st->ops.random)
        return st->ops.random(st->ops.ctx);
    /* fallback: a linear congruential step over the clock (not for security) */
    static uint32_t x = 0x9E3779B9u;
    x = x * 1664525u + 1013904223u + (uint32_t)st->now;
    return x;
}

static void lap_xmit(void *ctx, const uint8_t *frame, size_t len, unsigned xbofs)
{
    struct irda_stack *st = ctx;
    if (st->pcap)
        irda_pcap_frame(st->pcap, st->pcap_epoch_us + st->now * 1000u, true, frame, len);
    int n = sir_encode(frame, len, xbofs, st->txbuf, sizeof st->txbuf);
    if (n > 0 && st->ops.medium_write)
        st->ops.medium_write(st->ops.ctx, st->txbuf, (size_t)n);
}

static void lap_speed(void *ctx, uint32_t baud)
{
    struct irda_stack *st = ctx;
    if (st->ops.set_speed)
        st->ops.set_speed(st->ops.ctx, baud);
}

static void sir_frame(void *ctx, const uint8_t *frame, size_t len)
{
    struct irda_stack *st = ctx;
    if (st->pcap)
        irda_pcap_frame(st->pcap, st->pcap_epoch_us + st->now * 1000u, false, frame, len);
    irlap_frame_received(&st->lap, frame, len);
}

/* Every entry point ends here: let IrLAP send what the call queued, and free
 * the slots of connections closed gracefully whose data has gone. */
static void finish(struct irda_stack *st)
{
    bool waiting = false;
    irlap_flush(&st->lap);
    for (unsigned i = 0; i < IRDA_STACK_MAX_CONN; i++) {
        struct irda_conn *c = &st->conns[i];
        bool closed = c->mode == IRDA_MODE_IRLPT ? c->lpt.state == LPT_CLOSED
                                                 : c->ttp.state == TTP_CLOSED;
        if (c->kind == IRDA_CONN_STREAM && c->local_closed && closed)
            c->kind = IRDA_CONN_FREE;
        if (c->kind == IRDA_CONN_STREAM && c->mode == IRDA_MODE_TINYTP &&
            c->ttp.tx_used && !c->ttp.send_credit)
            waiting = true;                     /* only the peer's credit moves it */
    }
    irlap_set_upper_waiting(&st->lap, waiting);
}

int stack_handle_of(const struct irda_stack *st, const struct irda_conn *c)
{
    return (int)(c - st->conns) + 1;
}

static struct irda_conn *conn_get(struct irda_stack *st, int h, enum irda_conn_kind kind)
{
    if (h < 1 || h > IRDA_STACK_MAX_CONN)
        return NULL;
    struct irda_conn *c = &st->conns[h - 1];
    return c->kind == kind ? c : NULL;
}

struct irda_conn *stack_conn_alloc(struct irda_stack *st, enum irda_conn_kind kind)
{
    for (unsigned i = 0; i < IRDA_STACK_MAX_CONN; i++) {
        struct irda_conn *c = &st->conns[i];
        if (c->kind == IRDA_CONN_FREE) {
            c->kind = kind;
            c->mode = IRDA_MODE_TINYTP;
            c->rx_nframes = c->rx_frame_head = 0;
            c->connecting = c->open = c->peer_closed = c->local_closed = false;
            c->reason = 0;
            c->daddr = 0;
            c->lsap = c->dlsap = 0;
            c->nbacklog = c->backlog_max = 0;
            c->rx_head = c->rx_used = 0;
            c->ttp.user = c;
            c->lpt.user = c;
            c->ircomm = false;
            memset(&c->ircomm_peer, 0, sizeof c->ircomm_peer);
            return c;
        }
    }
    return NULL;
}

void stack_conn_free(struct irda_conn *c)
{
    c->kind = IRDA_CONN_FREE;
}

/* Credit policy: the peer may have as many PDUs outstanding as fit in the
 * free ring (TinyTP also counts what it holds in reassembly, see
 * ttp_set_rx_space), so nothing sent within credit is ever cut. */
static void update_window(struct irda_conn *c)
{
    if (!c->open || c->mode != IRDA_MODE_TINYTP)
        return;
    ttp_set_rx_space(&c->ttp, IRDA_STACK_RXBUF - c->rx_used);
}

/* ------------------------------------------------------------------ TinyTP upper side */

static void s_data(void *ctx, struct ttp *t, const uint8_t *d, size_t len)
{
    struct irda_stack *st = ctx;
    struct irda_conn *c = t->user;
    if (c->local_closed)
        return;                                 /* closed: discard (CE: queued data dropped) */
    if (c->ircomm && !stack_ircomm_receive(c, &d, &len))
        return;                                 /* control parameters taken off, or ended */
    if (!len)
        return;                                 /* a control-only frame */
    size_t room = IRDA_STACK_RXBUF - c->rx_used;
    if (len > room) {
        /* credit is only given for room there is: a peer that sends more
         * broke the protocol; cutting its data would corrupt the stream */
        ttp_violation(t, TTP_V_RX_OVERFLOW);
        return;
    }
    for (size_t i = 0; i < len; i++)
        c->rx[(c->rx_head + c->rx_used + i) % IRDA_STACK_RXBUF] = d[i];
    c->rx_used += len;
    update_window(c);
    stack_event(st, IRDA_EV_READABLE, stack_handle_of(st, c), 0);
}

void stack_conn_ended(struct irda_stack *st, struct irda_conn *c, enum irlmp_reason r)
{
    c->reason = (int)r;
    if (c->local_closed)
        return;                                 /* the application let go of it */
    if (c->connecting) {
        c->connecting = false;
        stack_event(st, IRDA_EV_CONNECT_FAILED, stack_handle_of(st, c), (int)r);
        return;
    }
    c->open = false;
    c->peer_closed = true;
    stack_event(st, IRDA_EV_DISCONNECTED, stack_handle_of(st, c), (int)r);
    stack_event(st, IRDA_EV_READABLE, stack_handle_of(st, c), 0);
}

static void s_disconnect(void *ctx, struct ttp *t, enum irlmp_reason r, const uint8_t *ud, size_t len)
{
    (void)ud; (void)len;
    stack_conn_ended(ctx, t->user, r);
}

void stack_conn_opened(struct irda_stack *st, struct irda_conn *c)
{
    c->connecting = false;
    c->open = true;
    update_window(c);
    stack_event(st, IRDA_EV_CONNECTED, stack_handle_of(st, c), 0);
}

static void s_connect_cnf(void *ctx, struct ttp *t, const uint8_t *ud, size_t len)
{
    struct irda_conn *c = t->user;
    (void)ud; (void)len;
    if (c->ircomm)
        stack_ircomm_start(c, true);            /* service type and DTE lines first */
    stack_conn_opened(ctx, c);
}

static void s_tx_ready(void *ctx, struct ttp *t)
{
    struct irda_stack *st = ctx;
    struct irda_conn *c = t->user;
    if (!c->local_closed)
        stack_event(st, IRDA_EV_WRITABLE, stack_handle_of(st, c), 0);
}

static void s_connect_ind(void *ctx, struct ttp *lis, struct irlmp_lsap *conn,
                          const struct ttp_params *peer, const uint8_t *ud, size_t len);

static struct ttp_ops stream_ops(struct irda_stack *st)
{
    struct ttp_ops o = { st, NULL, s_connect_cnf, s_data, s_disconnect, s_tx_ready };
    return o;
}

static void s_connect_ind(void *ctx, struct ttp *lis, struct irlmp_lsap *conn,
                          const struct ttp_params *peer, const uint8_t *ud, size_t len)
{
    struct irda_stack *st = ctx;
    struct irda_conn *l = lis->user;
    (void)ud; (void)len;
    struct irda_conn *c = l->nbacklog < l->backlog_max ? stack_conn_alloc(st, IRDA_CONN_STREAM) : NULL;
    if (!c) {
        irlmp_disconnect_request(conn, NULL, 0);
        return;
    }
    struct ttp_ops o = stream_ops(st);
    c->ircomm = l->ircomm;                      /* IrCOMM frames have no SAR */
    if (ttp_accept(&c->ttp, conn, &o, c->ircomm ? 0 : IRDA_STACK_RX_SDU, 7, peer, NULL, 0) < 0) {
        irlmp_disconnect_request(conn, NULL, 0);
        stack_conn_free(c);
        return;
    }
    if (c->ircomm)
        stack_ircomm_start(c, false);           /* the DCE's lines answer */
    c->open = true;
    c->daddr = conn->daddr;
    c->lsap = conn->slsap;
    c->dlsap = conn->dlsap;
    update_window(c);
    l->backlog[l->nbacklog++] = stack_handle_of(st, c);
    stack_event(st, IRDA_EV_INCOMING, stack_handle_of(st, l), 0);
}

/* ------------------------------------------------------------------ IrLMP / IAS upper side */

static void lmp_discovery_cnf(void *ctx, const struct irda_device_info *log, unsigned n)
{
    struct irda_stack *st = ctx;
    st->discovering = false;
    st->ndev = n;
    memcpy(st->devs, log, n * sizeof *log);
    struct irda_stack_event ev = { .kind = IRDA_EV_DISCOVERY_DONE, .ndevices = n };
    emit(st, &ev);
}

static void ias_done(void *ctx, int status, const struct ias_result *r)
{
    struct irda_stack *st = ctx;
    struct irda_stack_event ev = { .kind = IRDA_EV_IAS_DONE, .status = status, .ias = r };
    emit(st, &ev);
}

/* ------------------------------------------------------------------ public */

int irda_stack_init(struct irda_stack *st, const struct irda_stack_config *cfg,
                    const struct irda_stack_ops *ops)
{
    memset(st, 0, sizeof *st);
    st->ops = *ops;
    struct irlap_config lc = { .saddr = cfg->saddr, .qos = cfg->qos,
                               .slot_ms = cfg->slot_ms, .idle_poll_ms = cfg->idle_poll_ms };
    while (lc.saddr == 0 || lc.saddr == IRDA_BROADCAST_DADDR)
        lc.saddr = rng(st);
    if (!lc.qos.baud) {
        irlap_qos_default(&lc.qos);
        lc.qos.baud = 0x3E;                 /* 9600 .. 115200 */
        lc.qos.data_size = 0x3F;            /* up to 2048 */
        lc.qos.window = 0x7F;               /* up to 7 */
        lc.qos.xbofs = 0x80;                /* no extra BOFs needed on the air */
        lc.qos.min_turn = 0x80;             /* no minimum turnaround */
        lc.qos.link_disc = 0x07;            /* 3, 8 or 12 s */
    }
    const char *nick = cfg->nickname ? cfg->nickname : "CE-IrDA";
    size_t nl = strlen(nick);
    if (nl > IRDA_NICK_MAX)
        nl = IRDA_NICK_MAX;
    lc.info.daddr = lc.saddr;
    lc.info.charset = cfg->charset;
    lc.info.nick_len = (uint8_t)nl;
    memcpy(lc.info.nick, nick, nl);
    if (cfg->hints[0] || cfg->hints[1]) {
        lc.info.hints[0] = (uint8_t)(cfg->hints[0] & ~IRDA_HINT_EXTENSION);
        lc.info.hints[1] = (uint8_t)(cfg->hints[1] & ~IRDA_HINT_EXTENSION);
        lc.info.nhints = lc.info.hints[1] ? 2 : 1;
    } else {
        lc.info.hints[0] = IRDA_HINT1_COMPUTER;
        lc.info.nhints = 1;
    }
    struct irda_timer_ops to = { st, t_start, t_stop };
    struct irda_rng_ops ro = { st, rng };
    struct irlap_lower_ops lo = { st, lap_xmit, lap_speed };
    struct irlmp_upper_ops mu = { st, lmp_discovery_cnf, NULL };
    irlmp_init(&st->lmp, &st->lap, &to, &mu);
    struct irlap_upper_ops lu = irlmp_lap_upper(&st->lmp);
    irlap_init(&st->lap, &lc, &lo, &lu, &to, &ro);
    struct sir_upper su = { st, sir_frame };
    sir_deframer_init(&st->rx, &su);
    ias_db_init(&st->ias_db, nick, nl, cfg->charset);
    ias_client_init(&st->ias_cli, &st->lmp, &to);
    return ias_server_start(&st->ias_srv, &st->ias_db, &st->lmp);
}

void irda_stack_set_time(struct irda_stack *st, uint64_t now_ms)
{
    if (now_ms > st->now)
        st->now = now_ms;
    for (int guard = 0; guard < 1000; guard++) {
        int due = -1;
        for (unsigned i = 0; i < IRDA_T_COUNT; i++)
            if (st->armed[i] && st->deadline[i] <= st->now &&
                (due < 0 || st->deadline[i] < st->deadline[due]))
                due = (int)i;
        if (due < 0)
            break;
        st->armed[due] = false;
        if (due <= IRDA_T_WD)
            irlap_timer_expired(&st->lap, (unsigned)due);
        else if (due == IRDA_T_LMP)
            irlmp_timer_expired(&st->lmp, (unsigned)due);
        else if (due == IRDA_T_IAS)
            ias_client_timer_expired(&st->ias_cli, (unsigned)due);
        finish(st);
    }
}

bool irda_stack_next_deadline(const struct irda_stack *st, uint64_t *deadline_ms)
{
    bool any = false;
    for (unsigned i = 0; i < IRDA_T_COUNT; i++)
        if (st->armed[i] && (!any || st->deadline[i] < *deadline_ms)) {
            *deadline_ms = st->deadline[i];
            any = true;
        }
    return any;
}

void irda_stack_input(struct irda_stack *st, const uint8_t *bytes, size_t len)
{
    sir_deframer_feed(&st->rx, bytes, len);
    finish(st);
}

void irda_stack_set_capture(struct irda_stack *st, struct irda_pcap *pcap, uint64_t epoch_us)
{
    st->pcap = pcap;
    st->pcap_epoch_us = epoch_us;
}

void irda_stack_set_hints(struct irda_stack *st, uint8_t hints1, uint8_t hints2)
{
    struct irda_device_info *info = &st->lap.cfg.info;
    info->hints[0] = (uint8_t)(hints1 & ~IRDA_HINT_EXTENSION);
    info->hints[1] = (uint8_t)(hints2 & ~IRDA_HINT_EXTENSION);
    info->nhints = info->hints[1] ? 2 : 1;
}

int irda_stack_discover(struct irda_stack *st, unsigned nslots)
{
    if (st->discovering)
        return IRDA_ERR_BUSY;
    if (st->lmp.link != IRLMP_LINK_STANDBY) {
        /* the link is up: the connected device is all there is to see */
        unsigned n = 0;
        for (unsigned i = 0; i < st->ndev; i++)
            if (st->devs[i].daddr == st->lmp.link_daddr) {
                st->devs[0] = st->devs[i];
                n = 1;
                break;
            }
        if (!n) {
            memset(&st->devs[0], 0, sizeof st->devs[0]);
            st->devs[0].daddr = st->lmp.link_daddr;
            n = 1;
        }
        st->ndev = n;
        struct irda_stack_event ev = { .kind = IRDA_EV_DISCOVERY_DONE, .ndevices = n };
        emit(st, &ev);
        return IRDA_OK;
    }
    int rc = irlmp_discovery_request(&st->lmp, nslots);
    if (rc == IRDA_OK)
        st->discovering = true;
    finish(st);
    return rc;
}

unsigned irda_stack_devices(const struct irda_stack *st, struct irda_device_info *out, unsigned max)
{
    unsigned n = st->ndev < max ? st->ndev : max;
    memcpy(out, st->devs, n * sizeof *out);
    return st->ndev;
}

int irda_stack_ias_set(struct irda_stack *st, const char *cls, const char *attr,
                       const struct ias_value *v)
{
    return ias_db_set(&st->ias_db, cls, attr, v);
}

int irda_stack_ias_remove(struct irda_stack *st, const char *cls, const char *attr)
{
    return ias_db_remove(&st->ias_db, cls, attr);
}

int irda_stack_ias_query(struct irda_stack *st, uint32_t daddr, const char *cls, const char *attr)
{
    int rc = ias_client_query(&st->ias_cli, daddr, cls, attr, ias_done, st);
    finish(st);
    return rc;
}

int irda_stack_listen(struct irda_stack *st, int lsap, unsigned backlog, int *handle)
{
    return irda_stack_listen_mode(st, lsap, backlog, IRDA_MODE_TINYTP, handle);
}

int irda_stack_listen_mode(struct irda_stack *st, int lsap, unsigned backlog,
                           enum irda_conn_mode mode, int *handle)
{
    if (lsap != IRLMP_LSAP_ANY && (lsap < IRLMP_LSAP_MIN || lsap > IRLMP_LSAP_MAX))
        return IRDA_ERR_RANGE;
    if (lsap != IRLMP_LSAP_ANY && irlmp_lsap_in_use(&st->lmp, (uint8_t)lsap))
        return IRDA_ERR_INUSE;
    struct irda_conn *c = stack_conn_alloc(st, IRDA_CONN_LISTENER);
    if (!c)
        return IRDA_ERR_NOSPACE;
    int rc;
    c->ircomm = mode == IRDA_MODE_9WIRE;       /* TinyTP below it */
    c->mode = c->ircomm ? IRDA_MODE_TINYTP : mode;
    if (mode == IRDA_MODE_IRLPT) {
        rc = stack_irlpt_listen(st, c, lsap);
    } else {
        struct ttp_ops o = stream_ops(st);
        o.connect_ind = s_connect_ind;
        rc = ttp_open(&c->ttp, &st->lmp, lsap, &o, c->ircomm ? 0 : IRDA_STACK_RX_SDU, 7);
        if (rc == IRDA_OK)
            rc = ttp_listen(&c->ttp);
    }
    if (rc < 0) {
        if (stack_conn_lsap(c))
            irlmp_close(stack_conn_lsap(c));
        stack_conn_free(c);
        return rc;
    }
    c->lsap = stack_conn_lsap(c)->slsap;
    c->backlog_max = backlog == 0 ? 1 : backlog > IRDA_STACK_BACKLOG ? IRDA_STACK_BACKLOG : backlog;
    *handle = stack_handle_of(st, c);
    return c->lsap;
}

int irda_stack_lsap_of(const struct irda_stack *st, int handle)
{
    if (handle < 1 || handle > IRDA_STACK_MAX_CONN || st->conns[handle - 1].kind == IRDA_CONN_FREE)
        return IRDA_ERR_NOTFOUND;
    return st->conns[handle - 1].lsap;
}

int irda_stack_accept(struct irda_stack *st, int listener, int *handle)
{
    struct irda_conn *l = conn_get(st, listener, IRDA_CONN_LISTENER);
    if (!l)
        return IRDA_ERR_NOTFOUND;
    if (!l->nbacklog)
        return IRDA_ERR_AGAIN;
    *handle = l->backlog[0];
    memmove(l->backlog, l->backlog + 1, (--l->nbacklog) * sizeof l->backlog[0]);
    return IRDA_OK;
}

int irda_stack_can_connect(const struct irda_stack *st, uint32_t daddr)
{
    int held = stack_exclusive_can_connect(st);
    if (held != IRDA_OK)
        return held;                            /* one connection holds the link exclusively */
    if (st->lmp.link == IRLMP_LINK_STANDBY)
        return st->lap.state == IRLAP_NDM ? IRDA_OK : IRDA_ERR_BUSY;   /* discovery, or a link closing */
    if (st->lmp.link_daddr == daddr)
        return IRDA_OK;                         /* LSAP multiplexing on the link there is */
    for (unsigned i = 0; i < IRDA_STACK_MAX_CONN; i++) {
        const struct irda_conn *c = &st->conns[i];
        if (c->kind == IRDA_CONN_STREAM && (c->open || c->connecting) && !c->peer_closed)
            return IRDA_ERR_INUSE;              /* sockets talk to that other device */
    }
    return IRDA_ERR_BUSY;                       /* an IAS query, or the link going idle */
}

int irda_stack_connect(struct irda_stack *st, uint32_t daddr, uint8_t dlsap, int *handle)
{
    return irda_stack_connect_mode(st, daddr, dlsap, IRDA_MODE_TINYTP, handle);
}

int irda_stack_connect_mode(struct irda_stack *st, uint32_t daddr, uint8_t dlsap,
                            enum irda_conn_mode mode, int *handle)
{
    struct irda_conn *c = stack_conn_alloc(st, IRDA_CONN_STREAM);
    if (!c)
        return IRDA_ERR_NOSPACE;
    int rc;
    c->ircomm = mode == IRDA_MODE_9WIRE;
    c->mode = c->ircomm ? IRDA_MODE_TINYTP : mode;
    if (mode == IRDA_MODE_IRLPT) {
        rc = stack_irlpt_connect(st, c, daddr, dlsap);
    } else {
        struct ttp_ops o = stream_ops(st);
        rc = ttp_open(&c->ttp, &st->lmp, IRLMP_LSAP_ANY, &o, c->ircomm ? 0 : IRDA_STACK_RX_SDU, 7);
        if (rc == IRDA_OK)
            rc = ttp_connect(&c->ttp, daddr, dlsap, NULL, 0);
    }
    if (rc < 0) {
        if (stack_conn_lsap(c))
            irlmp_close(stack_conn_lsap(c));
        stack_conn_free(c);
        return rc;
    }
    c->connecting = true;
    c->daddr = daddr;
    c->dlsap = dlsap;
    c->lsap = stack_conn_lsap(c)->slsap;
    *handle = stack_handle_of(st, c);
    finish(st);
    return IRDA_OK;
}

int irda_stack_send(struct irda_stack *st, int handle, const uint8_t *data, size_t len)
{
    struct irda_conn *c = conn_get(st, handle, IRDA_CONN_STREAM);
    if (!c)
        return IRDA_ERR_NOTFOUND;
    if (!c->open || c->local_closed)
        return IRDA_ERR_STATE;
    if (c->mode == IRDA_MODE_IRLPT) {
        int rc = stack_irlpt_send(c, data, len);
        finish(st);
        return rc;
    }
    /* A stream has no message boundaries: every SDU is one PDU, and the
     * next write first tops up the last one still queued.  (SDUs of a
     * write each went out as 2045 + 3 for writes of 2048 bytes, or
     * 2045 + 2045 + 6 for 4096: a window slot spent on a few bytes.) */
    size_t max = ttp_max_pdu_data(&c->ttp);
    size_t off = c->ircomm ? stack_ircomm_send(c, data, len) : ttp_append(&c->ttp, data, len);
    while (off < len && !c->ircomm) {
        size_t n = len - off < max ? len - off : max;
        if (ttp_send(&c->ttp, data + off, n) != IRDA_OK)
            break;
        off += n;
    }
    finish(st);
    if (off > INT32_MAX)
        off = INT32_MAX;
    return off ? (int)off : IRDA_ERR_AGAIN;
}

int irda_stack_recv(struct irda_stack *st, int handle, uint8_t *buf, size_t len)
{
    struct irda_conn *c = conn_get(st, handle, IRDA_CONN_STREAM);
    if (!c)
        return IRDA_ERR_NOTFOUND;
    if (!c->rx_used)
        return c->peer_closed ? 0 : c->open ? IRDA_ERR_AGAIN : IRDA_ERR_STATE;
    size_t n = len < c->rx_used ? len : c->rx_used;
    if (c->mode == IRDA_MODE_IRLPT)
        n = stack_irlpt_take_frame(c, n);   /* a read ends where a frame does */
    if (n > INT32_MAX)
        n = INT32_MAX;
    for (size_t i = 0; i < n; i++)
        buf[i] = c->rx[(c->rx_head + i) % IRDA_STACK_RXBUF];
    c->rx_head = (c->rx_head + n) % IRDA_STACK_RXBUF;
    c->rx_used -= n;
    update_window(c);
    if (c->mode == IRDA_MODE_IRLPT)
        stack_irlpt_update_busy(st);
    finish(st);
    return (int)n;
}

size_t irda_stack_rx_available(const struct irda_stack *st, int handle)
{
    const struct irda_conn *c = irda_stack_conn(st, handle);
    return c ? c->rx_used : 0;
}

size_t irda_stack_tx_queued(const struct irda_stack *st, int handle)
{
    const struct irda_conn *c = irda_stack_conn(st, handle);
    if (!c || c->kind != IRDA_CONN_STREAM)
        return 0;
    return c->mode == IRDA_MODE_IRLPT ? lpt_tx_queued(&c->lpt) : ttp_tx_queued(&c->ttp);
}

int irda_stack_close(struct irda_stack *st, int handle, bool graceful)
{
    if (handle < 1 || handle > IRDA_STACK_MAX_CONN)
        return IRDA_ERR_NOTFOUND;
    struct irda_conn *c = &st->conns[handle - 1];
    if (c->kind == IRDA_CONN_FREE)
        return IRDA_ERR_NOTFOUND;
    if (c->kind == IRDA_CONN_LISTENER) {
        for (unsigned i = 0; i < c->nbacklog; i++)  /* connections never accepted */
            irda_stack_close(st, c->backlog[i], false);
        if (stack_conn_lsap(c))
            irlmp_close(stack_conn_lsap(c));
    } else if (c->mode == IRDA_MODE_IRLPT) {
        bool stays = stack_irlpt_close(c, graceful);
        stack_irlpt_update_busy(st);            /* its ring no longer counts */
        if (stays) {
            finish(st);
            return IRDA_OK;                     /* freed by finish() once the queue is gone */
        }
    } else if (c->ttp.state != TTP_CLOSED && !graceful) {
        ttp_abort(&c->ttp);                     /* the peer sees a reset */
    } else if (c->ttp.state != TTP_CLOSED) {
        /* TinyTP keeps the queued data and disconnects when it has gone */
        ttp_disconnect(&c->ttp, graceful, NULL, 0);
        if (c->ttp.state == TTP_CLOSING)
            c->local_closed = true;             /* the slot stays until TinyTP has sent its queue */
    } else if (c->ttp.lsap) {
        irlmp_close(c->ttp.lsap);
    }
    if (c->kind == IRDA_CONN_STREAM && c->ttp.state == TTP_CLOSING) {
        finish(st);
        return IRDA_OK;                         /* freed by finish() once the queue is gone */
    }
    stack_conn_free(c);
    finish(st);
    return IRDA_OK;
}

int irda_stack_send_pdu_len(const struct irda_stack *st, int handle)
{
    const struct irda_conn *c = irda_stack_conn(st, handle);
    if (!c || c->kind != IRDA_CONN_STREAM || !stack_conn_lsap(c))
        return IRDA_ERR_STATE;
    if (c->mode == IRDA_MODE_IRLPT)
        return (int)lpt_max_data(&c->lpt);     /* one frame's user data: no TinyTP byte */
    return (int)ttp_max_pdu_data(&c->ttp) - (c->ircomm ? 1 : 0);   /* less clen */
}

const struct irda_conn *irda_stack_conn(const struct irda_stack *st, int handle)
{
    if (handle < 1 || handle > IRDA_STACK_MAX_CONN || st->conns[handle - 1].kind == IRDA_CONN_FREE)
        return NULL;
    return &st->conns[handle - 1];
}
