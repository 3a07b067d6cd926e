/*
 * irlap.c - the IrLAP station as explicit transition tables.
 *
 * Every input becomes an event; irlap_dispatch() looks up
 * table[state][event] = { action, next }. An action does the work and
 * returns the next state: normally the `next` it is handed, or another state
 * for the conditional branches the specification describes (retry counts
 * exhausted, negotiation failed...). A NULL action means "ignore" for frames
 * and timers and "not allowed in this state" for primitives.
 */
#include <string.h>
#include "irlap.h"

enum irlap_event {
    /* primitives from the layer above */
    EV_DISCOVERY_REQ, EV_CONNECT_REQ, EV_CONNECT_RSP, EV_DISCONNECT_REQ, EV_SEND,
    /* frames received (IrLAP 6.2 - 6.4) */
    EV_RX_XID_CMD, EV_RX_XID_RSP, EV_RX_SNRM, EV_RX_UA, EV_RX_DISC, EV_RX_DM,
    EV_RX_RD, EV_RX_FRMR, EV_RX_I, EV_RX_RR, EV_RX_RNR, EV_RX_REJ, EV_RX_SREJ,
    EV_RX_TEST, EV_RX_OTHER,
    /* timers */
    EV_T_SLOT, EV_T_QUERY, EV_T_F, EV_T_P, EV_T_WD,
    EV_COUNT
};

typedef int (*irlap_action)(struct irlap *lap, const struct irlap_frame *f, int next);
struct irlap_transition { irlap_action action; int8_t next; };

static const char *const state_names[IRLAP_STATE_COUNT] = {
    "NDM", "QUERY", "REPLY", "SETUP", "CONN", "XMIT_P", "RECV_P", "NRM_S", "PCLOSE", "SCLOSE",
};

const char *irlap_state_name(enum irlap_state s)
{
    return (unsigned)s < IRLAP_STATE_COUNT ? state_names[s] : "?";
}

/* ------------------------------------------------------------------ helpers */

/* Milliseconds the bytes handed to the medium since the peer last spoke
 * still take on the air (SIR: 10 bits a byte up to 115.2 kb/s). */
static uint32_t air_ms(const struct irlap *lap)
{
    uint32_t baud = lap->neg.baud ? lap->neg.baud : 9600;
    uint64_t bits = (uint64_t)lap->tx_air_bytes * (baud <= 115200 ? 10 : 8);
    return (uint32_t)((bits * 1000 + baud - 1) / baud);
}

static void timer_start(struct irlap *lap, unsigned id, uint32_t ms)
{
    /* The F timer runs from the end of our transmission: the medium may
     * still be sending what we gave it (a whole window at a low rate takes
     * longer than the peer's turnaround), so that time is added. */
    if (id == IRDA_T_F) {
        ms += air_ms(lap);
        lap->tx_air_bytes = 0;          /* counted once: a retry polls with 2 bytes */
    }
    if (lap->timers.start)
        lap->timers.start(lap->timers.ctx, id, ms);
}

static void timer_stop(struct irlap *lap, unsigned id)
{
    if (lap->timers.stop)
        lap->timers.stop(lap->timers.ctx, id);
}

static void stop_all_timers(struct irlap *lap)
{
    timer_stop(lap, IRDA_T_SLOT);
    timer_stop(lap, IRDA_T_QUERY);
    timer_stop(lap, IRDA_T_F);
    timer_stop(lap, IRDA_T_P);
    timer_stop(lap, IRDA_T_WD);
}

static uint32_t rnd(struct irlap *lap)
{
    return lap->rng.next ? lap->rng.next(lap->rng.ctx) : 0;
}

static void send_frame(struct irlap *lap, uint8_t caddr, bool cmd, enum irlap_kind kind,
                       bool pf, uint8_t ns, const uint8_t *info, size_t len)
{
    uint8_t buf[IRLAP_MAX_FRAME];
    int n = irlap_frame_encode(buf, sizeof buf, caddr, cmd, kind, pf, ns, lap->vr, info, len);
    if (n < 0)
        return;
    lap->stats.tx_frames++;
    lap->tx_air_bytes += (uint32_t)n + 5 + lap->xbofs;     /* BOF, FCS, EOF, extra BOFs */
    if (lap->lower.xmit)
        lap->lower.xmit(lap->lower.ctx, buf, (size_t)n, lap->xbofs);
}

/* A frame on the established link: our connection address, C/R by our role. */
static void send_link(struct irlap *lap, enum irlap_kind kind, bool pf, uint8_t ns,
                      const uint8_t *info, size_t len)
{
    send_frame(lap, lap->caddr, irlap_is_primary(lap), kind, pf, ns, info, len);
}

static void send_xid_cmd(struct irlap *lap, uint8_t slot)
{
    uint8_t info[IRLAP_XID_HDR_LEN + IRLAP_DISCINFO_MAX], di[IRLAP_DISCINFO_MAX];
    struct irlap_xid x = {
        .saddr = lap->cfg.saddr, .daddr = IRDA_BROADCAST_DADDR,
        .nslots = lap->nslots, .slot = slot,
    };
    if (slot == IRLAP_XID_SLOT_FINAL) {      /* the final frame carries our own info */
        int n = irda_devinfo_encode(&lap->cfg.info, di, sizeof di);
        if (n > 0) {
            x.info = di;
            x.info_len = (size_t)n;
        }
    }
    int n = irlap_xid_encode(info, sizeof info, &x);
    if (n > 0)
        send_frame(lap, IRLAP_CADDR_BCAST, true, IRLAP_K_XID_CMD, true, 0, info, (size_t)n);
}

static void send_xid_rsp(struct irlap *lap)
{
    uint8_t info[IRLAP_XID_HDR_LEN + IRLAP_DISCINFO_MAX], di[IRLAP_DISCINFO_MAX];
    int m = irda_devinfo_encode(&lap->cfg.info, di, sizeof di);
    struct irlap_xid x = {
        .saddr = lap->cfg.saddr, .daddr = lap->disc_primary,
        .nslots = lap->nslots, .slot = lap->my_slot,
        .info = m > 0 ? di : NULL, .info_len = m > 0 ? (size_t)m : 0,
    };
    int n = irlap_xid_encode(info, sizeof info, &x);
    if (n > 0)
        send_frame(lap, IRLAP_CADDR_BCAST, false, IRLAP_K_XID_RSP, true, 0, info, (size_t)n);
}

static void send_snrm(struct irlap *lap)
{
    uint8_t info[64];
    int n = irlap_snrm_encode(info, sizeof info, lap->cfg.saddr, lap->daddr, lap->caddr, &lap->cfg.qos);
    if (n > 0)
        send_frame(lap, IRLAP_CADDR_BCAST, true, IRLAP_K_SNRM, true, 0, info, (size_t)n);
}

static void send_ua_connect(struct irlap *lap)
{
    uint8_t info[64];
    int n = irlap_ua_encode(info, sizeof info, lap->cfg.saddr, lap->daddr, &lap->cfg.qos);
    if (n > 0)
        send_link(lap, IRLAP_K_UA, true, 0, info, (size_t)n);
}

static void reset_link_state(struct irlap *lap)
{
    lap->vs = lap->vr = lap->va = lap->vt = 0;
    lap->remote_busy = lap->reject_pending = lap->rejected = false;
    lap->ack_pending = lap->want_disc = false;
    lap->txq_head = lap->txq_count = 0;
    lap->retries = 0;
}

static uint8_t seq_diff(uint8_t a, uint8_t b) { return (uint8_t)((a - b) & 7); }

static bool can_send_more(const struct irlap *lap)
{
    if (lap->remote_busy)
        return false;
    if (lap->vs != lap->vt)
        return true;                                  /* retransmission pending */
    return lap->txq_count && seq_diff(lap->vt, lap->va) < lap->neg.tx_window;
}

/* Ack handling common to I and S frames: nr acknowledges everything before it. */
static bool take_ack(struct irlap *lap, uint8_t nr)
{
    if (seq_diff(nr, lap->va) > seq_diff(lap->vs, lap->va)) {
        lap->stats.rx_bad++;                           /* nr outside [va, vs] */
        return false;
    }
    if (nr != lap->va) {
        lap->va = nr;
        lap->retries = 0;
        if (lap->tx_blocked && lap->txq_count < IRLAP_TXQ_LEN) {
            lap->tx_blocked = false;
            if (lap->upper.tx_ready)
                lap->upper.tx_ready(lap->upper.ctx);
        }
    }
    return true;
}

/* Checkpoint (P/F received) or REJ: everything not acknowledged is resent. */
static void go_back(struct irlap *lap)
{
    if (lap->vs != lap->va) {
        lap->stats.retransmits += seq_diff(lap->vs, lap->va);
        lap->vs = lap->va;
    }
}

/*
 * One turn on the line: an optional REJ, then I frames within the window,
 * the last of them with P (primary) or F (secondary). When nothing was sent
 * with the P/F bit and `force` is set, a supervisory frame carries it.
 * Returns true when the P/F bit went out (the line passed to the peer).
 */
static bool xmit_turn(struct irlap *lap, bool force)
{
    bool more = can_send_more(lap);
    if (lap->reject_pending) {
        lap->reject_pending = false;
        lap->stats.rej_sent++;
        send_link(lap, IRLAP_K_REJ, !more, 0, NULL, 0);
        lap->ack_pending = false;
        if (!more)
            return true;
    }
    while (more) {
        if (lap->vs == lap->vt) {                    /* move a queued frame into the window */
            unsigned h = lap->txq_head;
            memcpy(lap->win[lap->vt], lap->txq[h], lap->txq_len[h]);
            lap->win_len[lap->vt] = lap->txq_len[h];
            lap->txq_head = (h + 1) % IRLAP_TXQ_LEN;
            lap->txq_count--;
            lap->vt = (lap->vt + 1) & 7;
        }
        uint8_t ns = lap->vs;
        lap->vs = (lap->vs + 1) & 7;
        more = can_send_more(lap);
        send_link(lap, IRLAP_K_I, !more, ns, lap->win[ns], lap->win_len[ns]);
        lap->ack_pending = false;
        if (!more)
            return true;
    }
    if (!force)
        return false;
    send_link(lap, lap->local_busy ? IRLAP_K_RNR : IRLAP_K_RR, true, 0, NULL, 0);
    lap->ack_pending = false;
    return true;
}

static void indicate_disconnect(struct irlap *lap, enum irlap_reason r)
{
    stop_all_timers(lap);
    reset_link_state(lap);
    lap->xbofs = irlap_xbofs_at(12, 9600);
    if (lap->lower.set_speed && lap->neg.baud && lap->neg.baud != 9600)
        lap->lower.set_speed(lap->lower.ctx, 9600);
    memset(&lap->neg, 0, sizeof lap->neg);
    if (lap->upper.disconnect_ind)
        lap->upper.disconnect_ind(lap->upper.ctx, r);
}

static int apply_negotiation(struct irlap *lap)
{
    int rc = irlap_qos_negotiate(&lap->cfg.qos, &lap->peer_qos, &lap->neg);
    if (rc < 0)
        return rc;
    lap->xbofs = lap->neg.tx_xbofs;
    lap->f_ms = lap->neg.peer_max_turn_ms + lap->cfg.f_extra_ms;
    lap->wd_ms = lap->neg.link_disc_ms;
    lap->max_retries = lap->neg.link_disc_ms / lap->f_ms;
    if (lap->max_retries < 1)
        lap->max_retries = 1;
    return IRDA_OK;
}

/* ------------------------------------------------------------------ actions: discovery */

static int a_discovery_req(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap->nslots = lap->req_slots;
    lap->slot = 0;
    lap->nlog = 0;
    send_xid_cmd(lap, 0);
    timer_start(lap, IRDA_T_SLOT, lap->cfg.slot_ms);
    return next;
}

static int a_query_xid_rsp(struct irlap *lap, const struct irlap_frame *f, int next)
{
    struct irlap_xid x;
    if (irlap_xid_decode(f->info, f->info_len, false, &x) < 0 || x.daddr != lap->cfg.saddr) {
        lap->stats.rx_bad++;
        return next;
    }
    for (unsigned i = 0; i < lap->nlog; i++)
        if (lap->log[i].daddr == x.saddr)
            return next;                                /* already heard */
    if (lap->nlog >= IRLAP_LOG_MAX)
        return next;
    struct irda_device_info *d = &lap->log[lap->nlog];
    d->daddr = x.saddr;
    if (irda_devinfo_decode(x.info, x.info_len, d) < 0) {
        lap->stats.rx_bad++;
        return next;
    }
    lap->nlog++;
    return next;
}

static int a_query_slot_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    if (++lap->slot < lap->nslots) {
        send_xid_cmd(lap, lap->slot);
        timer_start(lap, IRDA_T_SLOT, lap->cfg.slot_ms);
        return IRLAP_QUERY;
    }
    send_xid_cmd(lap, IRLAP_XID_SLOT_FINAL);
    if (lap->upper.discovery_cnf)
        lap->upper.discovery_cnf(lap->upper.ctx, lap->log, lap->nlog);
    return next;                                        /* NDM */
}

/* Secondary: an XID command. Choose a slot at random on the first one heard. */
static int a_xid_cmd(struct irlap *lap, const struct irlap_frame *f, int next)
{
    struct irlap_xid x;
    if (irlap_xid_decode(f->info, f->info_len, true, &x) < 0) {
        lap->stats.rx_bad++;
        return lap->state;
    }
    if (x.daddr != IRDA_BROADCAST_DADDR && x.daddr != lap->cfg.saddr)
        return lap->state;
    if (x.slot == IRLAP_XID_SLOT_FINAL) {
        timer_stop(lap, IRDA_T_QUERY);
        struct irda_device_info d = { .daddr = x.saddr };
        if (irda_devinfo_decode(x.info, x.info_len, &d) == IRDA_OK && lap->upper.discovery_ind)
            lap->upper.discovery_ind(lap->upper.ctx, &d);
        return IRLAP_NDM;
    }
    if (lap->state != IRLAP_REPLY || x.saddr != lap->disc_primary) {
        lap->disc_primary = x.saddr;
        lap->nslots = x.nslots;
        lap->my_slot = (uint8_t)(x.slot + rnd(lap) % (uint32_t)(x.nslots - x.slot));
        lap->replied = false;
    }
    if (!lap->replied && x.slot >= lap->my_slot) {
        lap->my_slot = x.slot;
        send_xid_rsp(lap);
        lap->replied = true;
    }
    /* stay in the discovery at most the remaining slots plus the final frame */
    timer_start(lap, IRDA_T_QUERY, lap->cfg.slot_ms * (uint32_t)(x.nslots - x.slot + 1u) + lap->cfg.slot_ms);
    return next;                                        /* REPLY */
}

static int a_query_timeout(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)lap; (void)f;
    return next;
}

/* ------------------------------------------------------------------ actions: connection */

/* A new connection address, 0x01..0x7E.  The air is shared: other pairs of
 * stations may hold links of their own, so an address heard lately on
 * someone else's frames is not taken (a few tries, then any). */
static uint8_t pick_caddr(struct irlap *lap)
{
    uint8_t c = 0;
    for (unsigned tries = 0; tries < 16; tries++) {
        bool heard = false;
        c = (uint8_t)(1 + rnd(lap) % 0x7E);
        for (unsigned i = 0; i < IRLAP_HEARD_MAX; i++)
            heard |= lap->heard_caddr[i] == c;
        if (!heard)
            break;
    }
    return c;
}

/* Remembers the connection address of a frame that belongs to another link. */
static void note_foreign_caddr(struct irlap *lap, const struct irlap_frame *f)
{
    if (f->caddr == IRLAP_CADDR_BCAST || (lap->state != IRLAP_NDM && f->caddr == lap->caddr))
        return;
    for (unsigned i = 0; i < IRLAP_HEARD_MAX; i++)
        if (lap->heard_caddr[i] == f->caddr)
            return;
    lap->heard_caddr[lap->heard_next] = f->caddr;
    lap->heard_next = (lap->heard_next + 1) % IRLAP_HEARD_MAX;
}

static int a_connect_req(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    reset_link_state(lap);
    lap->daddr = lap->req_daddr;
    lap->caddr = pick_caddr(lap);
    lap->f_ms = 500 + lap->cfg.f_extra_ms;
    send_snrm(lap);
    timer_start(lap, IRDA_T_F, lap->f_ms);
    return next;
}

/* Secondary: a SNRM (IrLAP 6.11.2). Only one addressed to us counts. */
static int a_rx_snrm(struct irlap *lap, const struct irlap_frame *f, int next)
{
    struct irlap_snrm s;
    if (irlap_snrm_decode(f->info, f->info_len, &s) < 0 || !s.has_info) {
        lap->stats.rx_bad++;
        return lap->state;
    }
    if (s.daddr != lap->cfg.saddr)
        return lap->state;
    if (lap->state == IRLAP_NRM_S || lap->state == IRLAP_CONN) {
        if (s.saddr != lap->daddr)
            return lap->state;                          /* busy with another primary */
        if (s.ncaddr == lap->caddr) {
            if (lap->state == IRLAP_NRM_S)              /* our UA was lost: answer again */
                send_ua_connect(lap);
            return lap->state;
        }
        /* our primary starts a new link: it has given the old one up (its
         * F timer ran out while our answers were lost, or it restarted) */
        indicate_disconnect(lap, IRLAP_R_LINK_LOST);
        next = IRLAP_CONN;
    }
    timer_stop(lap, IRDA_T_QUERY);
    reset_link_state(lap);
    lap->daddr = s.saddr;
    lap->caddr = s.ncaddr;
    lap->peer_qos = s.qos;
    if (apply_negotiation(lap) < 0) {
        send_link(lap, IRLAP_K_DM, true, 0, NULL, 0);
        return IRLAP_NDM;
    }
    timer_start(lap, IRDA_T_WD, lap->wd_ms);
    if (lap->upper.connect_ind)
        lap->upper.connect_ind(lap->upper.ctx, lap->daddr);
    return next;                                        /* CONN */
}

static int a_connect_rsp(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap->xbofs = irlap_xbofs_at(12, 9600);             /* the UA still goes at 9600 */
    send_ua_connect(lap);
    lap->xbofs = lap->neg.tx_xbofs;
    if (lap->lower.set_speed)
        lap->lower.set_speed(lap->lower.ctx, lap->neg.baud);
    timer_start(lap, IRDA_T_WD, lap->wd_ms);
    return next;                                        /* NRM_S */
}

static int a_conn_refuse(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    send_link(lap, IRLAP_K_DM, true, 0, NULL, 0);
    timer_stop(lap, IRDA_T_WD);
    reset_link_state(lap);
    return next;
}

static int a_conn_timeout(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    indicate_disconnect(lap, IRLAP_R_LINK_LOST);
    return next;
}

/* Primary: the UA to our SNRM (IrLAP 6.11.1). */
static int a_setup_ua(struct irlap *lap, const struct irlap_frame *f, int next)
{
    struct irlap_ua u;
    if (f->caddr != lap->caddr || irlap_ua_decode(f->info, f->info_len, &u) < 0) {
        lap->stats.rx_bad++;
        return lap->state;
    }
    if (u.has_info && (u.saddr != lap->daddr || u.daddr != lap->cfg.saddr))
        return lap->state;
    timer_stop(lap, IRDA_T_F);
    lap->peer_qos = u.qos;
    if (apply_negotiation(lap) < 0) {
        indicate_disconnect(lap, IRLAP_R_PROTOCOL);
        return IRLAP_NDM;
    }
    if (lap->lower.set_speed)
        lap->lower.set_speed(lap->lower.ctx, lap->neg.baud);
    lap->state = IRLAP_XMIT_P;                          /* connected before the upper layer hears of it */
    if (lap->upper.connect_cnf)
        lap->upper.connect_cnf(lap->upper.ctx, lap->daddr);
    xmit_turn(lap, true);                               /* first poll */
    timer_start(lap, IRDA_T_F, lap->f_ms);
    return next;                                        /* RECV_P */
}

static int a_setup_dm(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (f->caddr != lap->caddr)
        return lap->state;
    indicate_disconnect(lap, IRLAP_R_REFUSED);
    return next;
}

static int a_setup_f_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    if (++lap->retries > lap->cfg.connect_retries) {
        indicate_disconnect(lap, IRLAP_R_NO_ANSWER);
        return next;                                    /* NDM */
    }
    send_snrm(lap);
    timer_start(lap, IRDA_T_F, lap->f_ms);
    return IRLAP_SETUP;
}

/* ------------------------------------------------------------------ actions: data transfer */

/* Sequence handling of an I frame (both roles). */
static void receive_i(struct irlap *lap, const struct irlap_frame *f)
{
    if (!take_ack(lap, f->nr))
        return;
    if (f->ns == lap->vr) {
        lap->vr = (lap->vr + 1) & 7;
        lap->rejected = false;
        lap->ack_pending = true;
        if (lap->upper.data_ind)
            lap->upper.data_ind(lap->upper.ctx, f->info, f->info_len);
    } else if (!lap->rejected) {
        lap->rejected = true;                           /* one REJ per gap */
        lap->reject_pending = true;
    }
}

static void receive_s(struct irlap *lap, const struct irlap_frame *f)
{
    if (!take_ack(lap, f->nr))
        return;
    lap->remote_busy = f->kind == IRLAP_K_RNR;
    if (f->kind == IRLAP_K_REJ || f->kind == IRLAP_K_SREJ) {
        lap->stats.rej_rcvd++;
        go_back(lap);                                   /* SREJ handled as REJ */
    }
}

/* Primary in XMIT_P: send what can go; if nothing goes, poll after the P timer. */
static bool all_sent_and_acked(const struct irlap *lap)
{
    return lap->txq_count == 0 && lap->va == lap->vt;
}

static int primary_turn(struct irlap *lap, bool force)
{
    if (lap->want_disc && all_sent_and_acked(lap)) {   /* queued data goes first */
        timer_stop(lap, IRDA_T_P);
        lap->retries = 0;
        send_link(lap, IRLAP_K_DISC, true, 0, NULL, 0);
        timer_start(lap, IRDA_T_F, lap->f_ms);
        return IRLAP_PCLOSE;
    }
    if (xmit_turn(lap, force || lap->ack_pending || lap->reject_pending || lap->remote_busy ||
                       lap->want_disc)) {
        timer_stop(lap, IRDA_T_P);
        timer_start(lap, IRDA_T_F, lap->f_ms);
        return IRLAP_RECV_P;
    }
    uint32_t p = lap->upper_waiting ? IRLAP_WAITING_POLL_MS : lap->cfg.idle_poll_ms;
    if (p > lap->neg.peer_max_turn_ms)
        p = lap->neg.peer_max_turn_ms;
    timer_start(lap, IRDA_T_P, p);
    return IRLAP_XMIT_P;
}

static int a_p_send(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f; (void)next;
    return primary_turn(lap, false);
}

static int a_p_poll_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f; (void)next;
    return primary_turn(lap, true);
}

static bool link_frame_ok(struct irlap *lap, const struct irlap_frame *f)
{
    if (f->caddr != lap->caddr || f->cmd == irlap_is_primary(lap)) {
        lap->stats.rx_ignored++;
        return false;
    }
    return true;
}

/* Primary awaiting the F bit: I or S response. */
static int a_p_rx_is(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    if (f->kind == IRLAP_K_I)
        receive_i(lap, f);
    else
        receive_s(lap, f);
    if (!f->pf)
        return lap->state;
    timer_stop(lap, IRDA_T_F);
    lap->retries = 0;
    go_back(lap);                                       /* checkpoint */
    lap->state = IRLAP_XMIT_P;
    /* keep the peer talking if it sent data: it may have more */
    bool force = f->kind == IRLAP_K_I;
    (void)next;
    return primary_turn(lap, force);
}

static int a_p_rx_rd(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    timer_stop(lap, IRDA_T_F);
    timer_stop(lap, IRDA_T_P);
    lap->retries = 0;
    send_link(lap, IRLAP_K_DISC, true, 0, NULL, 0);
    timer_start(lap, IRDA_T_F, lap->f_ms);
    lap->want_disc = true;
    return next;                                        /* PCLOSE */
}

static int a_p_rx_dm(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    indicate_disconnect(lap, IRLAP_R_PEER);
    return next;
}

static int a_p_rx_frmr(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    timer_stop(lap, IRDA_T_P);
    lap->retries = 0;
    lap->want_disc = true;
    send_link(lap, IRLAP_K_DISC, true, 0, NULL, 0);
    timer_start(lap, IRDA_T_F, lap->f_ms);
    return next;
}

/* F timer: poll again with RR (IrLAP 6.13 retransmission); give up at the
 * link disconnect time. */
static int a_p_f_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap->stats.f_timeouts++;
    if (++lap->retries >= lap->max_retries) {
        indicate_disconnect(lap, IRLAP_R_LINK_LOST);
        return IRLAP_NDM;
    }
    send_link(lap, lap->local_busy ? IRLAP_K_RNR : IRLAP_K_RR, true, 0, NULL, 0);
    timer_start(lap, IRDA_T_F, lap->f_ms);
    return next;                                        /* RECV_P */
}

static int a_disconnect_req_p(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f; (void)next;
    lap->want_disc = true;
    if (lap->state == IRLAP_XMIT_P)
        return primary_turn(lap, false);
    return lap->state;                                  /* at the next turn */
}

static int a_pclose_rx(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (f->caddr != lap->caddr || f->cmd)
        return lap->state;
    indicate_disconnect(lap, IRLAP_R_USER);
    return next;                                        /* NDM */
}

static int a_pclose_f_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    if (++lap->retries > lap->cfg.connect_retries) {
        indicate_disconnect(lap, IRLAP_R_USER);
        return next;                                    /* NDM */
    }
    send_link(lap, IRLAP_K_DISC, true, 0, NULL, 0);
    timer_start(lap, IRDA_T_F, lap->f_ms);
    return IRLAP_PCLOSE;
}

/* Secondary: I or S command. */
static int a_s_rx_is(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    timer_start(lap, IRDA_T_WD, lap->wd_ms);
    if (f->kind == IRLAP_K_I)
        receive_i(lap, f);
    else
        receive_s(lap, f);
    if (!f->pf)
        return lap->state;
    go_back(lap);                                       /* checkpoint */
    if (lap->want_disc && all_sent_and_acked(lap)) {
        send_link(lap, IRLAP_K_RD, true, 0, NULL, 0);
        return IRLAP_SCLOSE;
    }
    xmit_turn(lap, true);
    return next;                                        /* NRM_S */
}

static int a_s_rx_disc(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    send_link(lap, IRLAP_K_UA, true, 0, NULL, 0);
    indicate_disconnect(lap, lap->state == IRLAP_SCLOSE ? IRLAP_R_USER : IRLAP_R_PEER);
    return next;                                        /* NDM */
}

static int a_s_sclose_poll(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    timer_start(lap, IRDA_T_WD, lap->wd_ms);
    if (f->pf)
        send_link(lap, IRLAP_K_RD, true, 0, NULL, 0);
    return next;
}

static int a_s_wd_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    indicate_disconnect(lap, lap->state == IRLAP_SCLOSE ? IRLAP_R_USER : IRLAP_R_LINK_LOST);
    return next;
}

static int a_disconnect_req_s(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f; (void)next;
    lap->want_disc = true;                              /* RD goes out at the next poll */
    return lap->state;
}

/*
 * NDM: a DISC for a link we do not have -> DM (IrLAP 6.7).  The
 * specification also answers polled I and RR frames so, which assumes two
 * stations in range; on a shared air a station outside the link would tear
 * down every other pair's link that way, so those are left alone (a
 * primary whose secondary really went away finds out from its F timer).
 */
static int a_ndm_dm(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (f->cmd && f->pf && f->caddr != IRLAP_CADDR_BCAST)
        send_frame(lap, f->caddr, false, IRLAP_K_DM, true, 0, NULL, 0);
    return next;
}

/* TEST command: echo the information field (IrLAP 6.3.4). */
static int a_test(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!f->cmd || !f->pf)
        return next;
    if (f->caddr == IRLAP_CADDR_BCAST || (irlap_is_connected(lap) && f->caddr == lap->caddr))
        send_frame(lap, f->caddr, false, IRLAP_K_TEST, true, 0, f->info, f->info_len);
    return next;
}

/* ------------------------------------------------------------------ tables */

#define T(a, n) { a, (int8_t)(n) }
#define KEEP (-1)

static const struct irlap_transition table[IRLAP_STATE_COUNT][EV_COUNT] = {
    [IRLAP_NDM] = {
        [EV_DISCOVERY_REQ] = T(a_discovery_req, IRLAP_QUERY),
        [EV_CONNECT_REQ]   = T(a_connect_req, IRLAP_SETUP),
        [EV_RX_XID_CMD]    = T(a_xid_cmd, IRLAP_REPLY),
        [EV_RX_SNRM]       = T(a_rx_snrm, IRLAP_CONN),
        [EV_RX_DISC]       = T(a_ndm_dm, IRLAP_NDM),
        [EV_RX_TEST]       = T(a_test, IRLAP_NDM),
    },
    [IRLAP_QUERY] = {
        [EV_RX_XID_RSP]    = T(a_query_xid_rsp, IRLAP_QUERY),
        [EV_T_SLOT]        = T(a_query_slot_timer, IRLAP_NDM),
    },
    [IRLAP_REPLY] = {
        [EV_RX_XID_CMD]    = T(a_xid_cmd, IRLAP_REPLY),
        [EV_RX_SNRM]       = T(a_rx_snrm, IRLAP_CONN),
        [EV_T_QUERY]       = T(a_query_timeout, IRLAP_NDM),
    },
    [IRLAP_SETUP] = {
        [EV_RX_UA]         = T(a_setup_ua, IRLAP_RECV_P),
        [EV_RX_DM]         = T(a_setup_dm, IRLAP_NDM),
        [EV_T_F]           = T(a_setup_f_timer, IRLAP_NDM),
    },
    [IRLAP_CONN] = {
        [EV_CONNECT_RSP]    = T(a_connect_rsp, IRLAP_NRM_S),
        [EV_DISCONNECT_REQ] = T(a_conn_refuse, IRLAP_NDM),
        [EV_RX_SNRM]        = T(a_rx_snrm, IRLAP_CONN),
        [EV_T_WD]           = T(a_conn_timeout, IRLAP_NDM),
    },
    [IRLAP_XMIT_P] = {
        [EV_SEND]           = T(a_p_send, KEEP),
        [EV_DISCONNECT_REQ] = T(a_disconnect_req_p, KEEP),
        [EV_T_P]            = T(a_p_poll_timer, KEEP),
    },
    [IRLAP_RECV_P] = {
        [EV_SEND]           = T(NULL, KEEP),              /* goes at the next turn */
        [EV_DISCONNECT_REQ] = T(a_disconnect_req_p, KEEP),
        [EV_RX_I]           = T(a_p_rx_is, KEEP),
        [EV_RX_RR]          = T(a_p_rx_is, KEEP),
        [EV_RX_RNR]         = T(a_p_rx_is, KEEP),
        [EV_RX_REJ]         = T(a_p_rx_is, KEEP),
        [EV_RX_SREJ]        = T(a_p_rx_is, KEEP),
        [EV_RX_RD]          = T(a_p_rx_rd, IRLAP_PCLOSE),
        [EV_RX_DM]          = T(a_p_rx_dm, IRLAP_NDM),
        [EV_RX_FRMR]        = T(a_p_rx_frmr, IRLAP_PCLOSE),
        [EV_T_F]            = T(a_p_f_timer, IRLAP_RECV_P),
    },
    [IRLAP_NRM_S] = {
        [EV_SEND]           = T(NULL, KEEP),              /* goes when polled */
        [EV_DISCONNECT_REQ] = T(a_disconnect_req_s, KEEP),
        [EV_RX_I]           = T(a_s_rx_is, IRLAP_NRM_S),
        [EV_RX_RR]          = T(a_s_rx_is, IRLAP_NRM_S),
        [EV_RX_RNR]         = T(a_s_rx_is, IRLAP_NRM_S),
        [EV_RX_REJ]         = T(a_s_rx_is, IRLAP_NRM_S),
        [EV_RX_SREJ]        = T(a_s_rx_is, IRLAP_NRM_S),
        [EV_RX_DISC]        = T(a_s_rx_disc, IRLAP_NDM),
        [EV_RX_SNRM]        = T(a_rx_snrm, KEEP),
        [EV_RX_TEST]        = T(a_test, IRLAP_NRM_S),
        [EV_T_WD]           = T(a_s_wd_timer, IRLAP_NDM),
    },
    [IRLAP_PCLOSE] = {
        [EV_DISCONNECT_REQ] = T(NULL, KEEP),
        [EV_RX_UA]          = T(a_pclose_rx, IRLAP_NDM),
        [EV_RX_DM]          = T(a_pclose_rx, IRLAP_NDM),
        [EV_T_F]            = T(a_pclose_f_timer, IRLAP_NDM),
    },
    [IRLAP_SCLOSE] = {
        [EV_DISCONNECT_REQ] = T(NULL, KEEP),
        [EV_RX_DISC]        = T(a_s_rx_disc, IRLAP_NDM),
        [EV_RX_I]           = T(a_s_sclose_poll, IRLAP_SCLOSE),
        [EV_RX_RR]          = T(a_s_sclose_poll, IRLAP_SCLOSE),
        [EV_RX_RNR]         = T(a_s_sclose_poll, IRLAP_SCLOSE),
        [EV_RX_REJ]         = T(a_s_sclose_poll, IRLAP_SCLOSE),
        [EV_T_WD]           = T(a_s_wd_timer, IRLAP_NDM),
    },
};

/* Primitives allowed in a state although the table has no action for them. */
static bool primitive_allowed(enum irlap_state s, int ev)
{
    return table[s][ev].action != NULL || table[s][ev].next == KEEP;
}

/* ------------------------------------------------------------------ dispatch */

#define DEFER_CONNECT_RSP   (1u << 0)
#define DEFER_DISCONNECT    (1u << 1)
#define DEFER_SEND          (1u << 2)
#define DEFER_DISCOVERY     (1u << 3)
#define DEFER_CONNECT_REQ   (1u << 4)

static void run_event(struct irlap *lap, int ev, const struct irlap_frame *f);

static void run_deferred(struct irlap *lap)
{
    while (lap->deferred) {
        unsigned d = lap->deferred;
        int ev;
        if (d & DEFER_CONNECT_RSP)      { lap->deferred &= ~DEFER_CONNECT_RSP; ev = EV_CONNECT_RSP; }
        else if (d & DEFER_DISCONNECT)  { lap->deferred &= ~DEFER_DISCONNECT;  ev = EV_DISCONNECT_REQ; }
        else if (d & DEFER_DISCOVERY)   { lap->deferred &= ~DEFER_DISCOVERY;   ev = EV_DISCOVERY_REQ; }
        else if (d & DEFER_CONNECT_REQ) { lap->deferred &= ~DEFER_CONNECT_REQ; ev = EV_CONNECT_REQ; }
        else                            { lap->deferred &= ~DEFER_SEND;        ev = EV_SEND; }
        run_event(lap, ev, NULL);
    }
}

static void run_event(struct irlap *lap, int ev, const struct irlap_frame *f)
{
    const struct irlap_transition *t = &table[lap->state][ev];
    if (!t->action)
        return;
    lap->depth++;
    int next = t->action(lap, f, t->next == KEEP ? (int)lap->state : t->next);
    lap->depth--;
    if (next >= 0 && next < IRLAP_STATE_COUNT)
        lap->state = (enum irlap_state)next;
}

static void dispatch(struct irlap *lap, int ev, const struct irlap_frame *f)
{
    run_event(lap, ev, f);
    if (lap->depth == 0)
        run_deferred(lap);
}

static int post_primitive(struct irlap *lap, int ev, unsigned defer_bit)
{
    if (lap->depth > 0) {
        lap->deferred |= defer_bit;
        return IRDA_OK;
    }
    if (!primitive_allowed(lap->state, ev))
        return IRDA_ERR_STATE;
    dispatch(lap, ev, NULL);
    return IRDA_OK;
}

/* ------------------------------------------------------------------ public */

void irlap_init(struct irlap *lap, const struct irlap_config *cfg,
                const struct irlap_lower_ops *lower, const struct irlap_upper_ops *upper,
                const struct irda_timer_ops *timers, const struct irda_rng_ops *rng)
{
    memset(lap, 0, sizeof *lap);
    lap->cfg = *cfg;
    if (!lap->cfg.slot_ms)         lap->cfg.slot_ms = 80;
    if (!lap->cfg.idle_poll_ms)    lap->cfg.idle_poll_ms = 100;
    if (!lap->cfg.f_extra_ms)      lap->cfg.f_extra_ms = 100;
    if (!lap->cfg.connect_retries) lap->cfg.connect_retries = 3;
    if (!lap->cfg.qos.baud)
        irlap_qos_default(&lap->cfg.qos);
    if (lower)  lap->lower = *lower;
    if (upper)  lap->upper = *upper;
    if (timers) lap->timers = *timers;
    if (rng)    lap->rng = *rng;
    lap->state = IRLAP_NDM;
    lap->xbofs = irlap_xbofs_at(12, 9600);
}

void irlap_frame_received(struct irlap *lap, const uint8_t *frame, size_t len)
{
    struct irlap_frame f;
    if (irlap_frame_decode(frame, len, &f) < 0) {
        lap->stats.rx_bad++;
        return;
    }
    lap->stats.rx_frames++;
    lap->tx_air_bytes = 0;              /* half duplex: what we sent is out */
    note_foreign_caddr(lap, &f);
    static const int8_t ev_of_kind[IRLAP_K_COUNT] = {
        [IRLAP_K_I] = EV_RX_I, [IRLAP_K_RR] = EV_RX_RR, [IRLAP_K_RNR] = EV_RX_RNR,
        [IRLAP_K_REJ] = EV_RX_REJ, [IRLAP_K_SREJ] = EV_RX_SREJ, [IRLAP_K_SNRM] = EV_RX_SNRM,
        [IRLAP_K_DISC] = EV_RX_DISC, [IRLAP_K_UI] = EV_RX_OTHER, [IRLAP_K_XID_CMD] = EV_RX_XID_CMD,
        [IRLAP_K_TEST] = EV_RX_TEST, [IRLAP_K_UA] = EV_RX_UA, [IRLAP_K_FRMR] = EV_RX_FRMR,
        [IRLAP_K_DM] = EV_RX_DM, [IRLAP_K_RD] = EV_RX_RD, [IRLAP_K_RNRM] = EV_RX_OTHER,
        [IRLAP_K_XID_RSP] = EV_RX_XID_RSP,
    };
    int ev = ev_of_kind[f.kind];
    if (!table[lap->state][ev].action)
        lap->stats.rx_ignored++;
    dispatch(lap, ev, &f);
}

void irlap_timer_expired(struct irlap *lap, unsigned id)
{
    static const int8_t ev_of_timer[] = {
        [IRDA_T_SLOT] = EV_T_SLOT, [IRDA_T_QUERY] = EV_T_QUERY, [IRDA_T_F] = EV_T_F,
        [IRDA_T_P] = EV_T_P, [IRDA_T_WD] = EV_T_WD,
    };
    if (id > IRDA_T_WD)
        return;
    dispatch(lap, ev_of_timer[id], NULL);
}

int irlap_discovery_request(struct irlap *lap, unsigned nslots)
{
    if (irlap_slots_to_code(nslots) < 0)
        return IRDA_ERR_RANGE;
    if (lap->state == IRLAP_QUERY)
        return IRDA_ERR_BUSY;
    if (lap->depth == 0 && lap->state != IRLAP_NDM)
        return lap->state == IRLAP_REPLY ? IRDA_ERR_BUSY : IRDA_ERR_STATE;
    lap->req_slots = (uint8_t)nslots;
    return post_primitive(lap, EV_DISCOVERY_REQ, DEFER_DISCOVERY);
}

int irlap_connect_request(struct irlap *lap, uint32_t daddr)
{
    if (daddr == 0 || daddr == IRDA_BROADCAST_DADDR)
        return IRDA_ERR_RANGE;
    if (lap->depth == 0 && lap->state != IRLAP_NDM)
        return irlap_is_connected(lap) ? IRDA_ERR_INUSE : IRDA_ERR_BUSY;
    lap->req_daddr = daddr;
    return post_primitive(lap, EV_CONNECT_REQ, DEFER_CONNECT_REQ);
}

int irlap_connect_response(struct irlap *lap)
{
    return post_primitive(lap, EV_CONNECT_RSP, DEFER_CONNECT_RSP);
}

int irlap_disconnect_request(struct irlap *lap)
{
    return post_primitive(lap, EV_DISCONNECT_REQ, DEFER_DISCONNECT);
}

void irlap_set_upper_waiting(struct irlap *lap, bool waiting)
{
    bool was = lap->upper_waiting;
    lap->upper_waiting = waiting;
    /* an idle poll already armed for the long interval comes sooner */
    if (waiting && !was && lap->state == IRLAP_XMIT_P && lap->depth == 0)
        timer_start(lap, IRDA_T_P, IRLAP_WAITING_POLL_MS);
}

int irlap_data_request(struct irlap *lap, const uint8_t *data, size_t len)
{
    if (!irlap_is_connected(lap) || lap->want_disc)
        return IRDA_ERR_STATE;
    if (len > irlap_max_data(lap))
        return IRDA_ERR_RANGE;
    if (lap->txq_count >= IRLAP_TXQ_LEN) {
        lap->tx_blocked = true;
        return IRDA_ERR_AGAIN;
    }
    unsigned t = (lap->txq_head + lap->txq_count) % IRLAP_TXQ_LEN;
    if (len)
        memcpy(lap->txq[t], data, len);
    lap->txq_len[t] = (uint16_t)len;
    lap->txq_count++;
    if (lap->depth > 0)
        lap->deferred |= DEFER_SEND;
    return IRDA_OK;
}

void irlap_flush(struct irlap *lap)
{
    if (lap->depth > 0) {
        lap->deferred |= DEFER_SEND;
        return;
    }
    if (lap->state == IRLAP_XMIT_P && (lap->txq_count || lap->want_disc))
        dispatch(lap, EV_SEND, NULL);
}

void irlap_set_busy(struct irlap *lap, bool busy)
{
    lap->local_busy = busy;
}

bool irlap_is_connected(const struct irlap *lap)
{
    return lap->state == IRLAP_XMIT_P || lap->state == IRLAP_RECV_P ||
           lap->state == IRLAP_NRM_S || lap->state == IRLAP_PCLOSE || lap->state == IRLAP_SCLOSE;
}

bool irlap_is_primary(const struct irlap *lap)
{
    return lap->state == IRLAP_SETUP || lap->state == IRLAP_XMIT_P ||
           lap->state == IRLAP_RECV_P || lap->state == IRLAP_PCLOSE || lap->state == IRLAP_QUERY;
}

size_t irlap_max_data(const struct irlap *lap)
{
    return lap->neg.tx_data_size ? lap->neg.tx_data_size : 64;
}

unsigned irlap_tx_space(const struct irlap *lap)
{
    return IRLAP_TXQ_LEN - lap->txq_count;
}
