/*
 * irlap_actions.c - the IrLAP station's actions and its transition table.
 *
 * An action does the work of one (state, event) and returns the next
 * state: normally the `next` it is handed, or another one for the
 * conditional branches the specification describes (retry counts
 * exhausted, negotiation failed...).
 */
#include <string.h>
#include "irlap_internal.h"

/* ------------------------------------------------------------------ actions: discovery */

static int a_discovery_req(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap->nslots = lap->req_slots;
    lap->slot = 0;
    lap->nlog = 0;
    lap_send_xid_cmd(lap, 0);
    lap_timer_start(lap, IRDA_T_SLOT, lap->cfg.slot_ms);
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
        lap_send_xid_cmd(lap, lap->slot);
        lap_timer_start(lap, IRDA_T_SLOT, lap->cfg.slot_ms);
        return IRLAP_QUERY;
    }
    lap_send_xid_cmd(lap, IRLAP_XID_SLOT_FINAL);
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
        lap_timer_stop(lap, IRDA_T_QUERY);
        struct irda_device_info d = { .daddr = x.saddr };
        if (irda_devinfo_decode(x.info, x.info_len, &d) == IRDA_OK && lap->upper.discovery_ind)
            lap->upper.discovery_ind(lap->upper.ctx, &d);
        return IRLAP_NDM;
    }
    if (lap->state != IRLAP_REPLY || x.saddr != lap->disc_primary) {
        lap->disc_primary = x.saddr;
        lap->nslots = x.nslots;
        lap->my_slot = (uint8_t)(x.slot + lap_rnd(lap) % (uint32_t)(x.nslots - x.slot));
        lap->replied = false;
    }
    if (!lap->replied && x.slot >= lap->my_slot) {
        lap->my_slot = x.slot;
        lap_send_xid_rsp(lap);
        lap->replied = true;
    }
    /* stay in the discovery at most the remaining slots plus the final frame */
    lap_timer_start(lap, IRDA_T_QUERY, lap->cfg.slot_ms * (uint32_t)(x.nslots - x.slot + 1u) + lap->cfg.slot_ms);
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
        c = (uint8_t)(1 + lap_rnd(lap) % 0x7E);
        for (unsigned i = 0; i < IRLAP_HEARD_MAX; i++)
            heard |= lap->heard_caddr[i] == c;
        if (!heard)
            break;
    }
    return c;
}


static int a_connect_req(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap_reset_link_state(lap);
    lap->daddr = lap->req_daddr;
    lap->caddr = pick_caddr(lap);
    lap->f_ms = 500 + lap->cfg.f_extra_ms;
    lap_send_snrm(lap);
    lap_timer_start(lap, IRDA_T_F, lap->f_ms);
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
                lap_send_ua_connect(lap);
            return lap->state;
        }
        /* our primary starts a new link: it has given the old one up (its
         * F timer ran out while our answers were lost, or it restarted) */
        lap_indicate_disconnect(lap, IRLAP_R_LINK_LOST);
        next = IRLAP_CONN;
    }
    lap_timer_stop(lap, IRDA_T_QUERY);
    lap_reset_link_state(lap);
    lap->daddr = s.saddr;
    lap->caddr = s.ncaddr;
    lap->peer_qos = s.qos;
    if (lap_apply_negotiation(lap) < 0) {
        lap_send_link(lap, IRLAP_K_DM, true, 0, NULL, 0);
        return IRLAP_NDM;
    }
    lap_timer_start(lap, IRDA_T_WD, lap->wd_ms);
    if (lap->upper.connect_ind)
        lap->upper.connect_ind(lap->upper.ctx, lap->daddr);
    return next;                                        /* CONN */
}

static int a_connect_rsp(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap->xbofs = irlap_xbofs_at(12, 9600);             /* the UA still goes at 9600 */
    lap_send_ua_connect(lap);
    lap->xbofs = lap->neg.tx_xbofs;
    if (lap->lower.set_speed)
        lap->lower.set_speed(lap->lower.ctx, lap->neg.baud);
    lap_timer_start(lap, IRDA_T_WD, lap->wd_ms);
    return next;                                        /* NRM_S */
}

static int a_conn_refuse(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap_send_link(lap, IRLAP_K_DM, true, 0, NULL, 0);
    lap_timer_stop(lap, IRDA_T_WD);
    lap_reset_link_state(lap);
    return next;
}

static int a_conn_timeout(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap_indicate_disconnect(lap, IRLAP_R_LINK_LOST);
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
    lap_timer_stop(lap, IRDA_T_F);
    lap->peer_qos = u.qos;
    if (lap_apply_negotiation(lap) < 0) {
        lap_indicate_disconnect(lap, IRLAP_R_PROTOCOL);
        return IRLAP_NDM;
    }
    if (lap->lower.set_speed)
        lap->lower.set_speed(lap->lower.ctx, lap->neg.baud);
    lap->state = IRLAP_XMIT_P;                          /* connected before the upper layer hears of it */
    if (lap->upper.connect_cnf)
        lap->upper.connect_cnf(lap->upper.ctx, lap->daddr);
    lap_xmit_turn(lap, true);                               /* first poll */
    lap_timer_start(lap, IRDA_T_F, lap->f_ms);
    return next;                                        /* RECV_P */
}

static int a_setup_dm(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (f->caddr != lap->caddr)
        return lap->state;
    lap_indicate_disconnect(lap, IRLAP_R_REFUSED);
    return next;
}

static int a_setup_f_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    if (++lap->retries > lap->cfg.connect_retries) {
        lap_indicate_disconnect(lap, IRLAP_R_NO_ANSWER);
        return next;                                    /* NDM */
    }
    lap_send_snrm(lap);
    lap_timer_start(lap, IRDA_T_F, lap->f_ms);
    return IRLAP_SETUP;
}

/* ------------------------------------------------------------------ actions: data transfer */

/* Sequence handling of an I frame (both roles). */
static void receive_i(struct irlap *lap, const struct irlap_frame *f)
{
    if (!lap_take_ack(lap, f->nr))
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
    if (!lap_take_ack(lap, f->nr))
        return;
    lap->remote_busy = f->kind == IRLAP_K_RNR;
    if (f->kind == IRLAP_K_REJ || f->kind == IRLAP_K_SREJ) {
        lap->stats.rej_rcvd++;
        lap_go_back(lap);                                   /* SREJ handled as REJ */
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
        lap_timer_stop(lap, IRDA_T_P);
        lap->retries = 0;
        lap_send_link(lap, IRLAP_K_DISC, true, 0, NULL, 0);
        lap_timer_start(lap, IRDA_T_F, lap->f_ms);
        return IRLAP_PCLOSE;
    }
    /* a busy peer is polled again after the short P timer below, not at
     * once: polling back to back would only trade RR for RNR */
    if (lap_xmit_turn(lap, force || lap->ack_pending || lap->reject_pending || lap->want_disc)) {
        lap_timer_stop(lap, IRDA_T_P);
        lap_timer_start(lap, IRDA_T_F, lap->f_ms);
        return IRLAP_RECV_P;
    }
    uint32_t p = lap->upper_waiting || lap->remote_busy ? IRLAP_WAITING_POLL_MS
                                                        : lap->cfg.idle_poll_ms;
    if (p > lap->neg.peer_max_turn_ms)
        p = lap->neg.peer_max_turn_ms;
    lap_timer_start(lap, IRDA_T_P, p);
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
    lap_timer_stop(lap, IRDA_T_F);
    lap->retries = 0;
    lap_go_back(lap);                                       /* checkpoint */
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
    lap_timer_stop(lap, IRDA_T_F);
    lap_timer_stop(lap, IRDA_T_P);
    lap->retries = 0;
    lap_send_link(lap, IRLAP_K_DISC, true, 0, NULL, 0);
    lap_timer_start(lap, IRDA_T_F, lap->f_ms);
    lap->want_disc = true;
    return next;                                        /* PCLOSE */
}

static int a_p_rx_dm(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    lap_indicate_disconnect(lap, IRLAP_R_PEER);
    return next;
}

static int a_p_rx_frmr(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    lap_timer_stop(lap, IRDA_T_P);
    lap->retries = 0;
    lap->want_disc = true;
    lap_send_link(lap, IRLAP_K_DISC, true, 0, NULL, 0);
    lap_timer_start(lap, IRDA_T_F, lap->f_ms);
    return next;
}

/* F timer: poll again with RR (IrLAP 6.13 retransmission); give up at the
 * link disconnect time. */
static int a_p_f_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap->stats.f_timeouts++;
    if (++lap->retries >= lap->max_retries) {
        lap_indicate_disconnect(lap, IRLAP_R_LINK_LOST);
        return IRLAP_NDM;
    }
    lap_send_link(lap, lap->local_busy ? IRLAP_K_RNR : IRLAP_K_RR, true, 0, NULL, 0);
    lap_timer_start(lap, IRDA_T_F, lap->f_ms);
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
    lap_indicate_disconnect(lap, IRLAP_R_USER);
    return next;                                        /* NDM */
}

static int a_pclose_f_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    if (++lap->retries > lap->cfg.connect_retries) {
        lap_indicate_disconnect(lap, IRLAP_R_USER);
        return next;                                    /* NDM */
    }
    lap_send_link(lap, IRLAP_K_DISC, true, 0, NULL, 0);
    lap_timer_start(lap, IRDA_T_F, lap->f_ms);
    return IRLAP_PCLOSE;
}

/* Secondary: I or S command. */
static int a_s_rx_is(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    lap_timer_start(lap, IRDA_T_WD, lap->wd_ms);
    if (f->kind == IRLAP_K_I)
        receive_i(lap, f);
    else
        receive_s(lap, f);
    if (!f->pf)
        return lap->state;
    lap_go_back(lap);                                       /* checkpoint */
    if (lap->want_disc && all_sent_and_acked(lap)) {
        lap_send_link(lap, IRLAP_K_RD, true, 0, NULL, 0);
        return IRLAP_SCLOSE;
    }
    lap_xmit_turn(lap, true);
    return next;                                        /* NRM_S */
}

static int a_s_rx_disc(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    lap_send_link(lap, IRLAP_K_UA, true, 0, NULL, 0);
    lap_indicate_disconnect(lap, lap->state == IRLAP_SCLOSE ? IRLAP_R_USER : IRLAP_R_PEER);
    return next;                                        /* NDM */
}

static int a_s_sclose_poll(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!link_frame_ok(lap, f))
        return lap->state;
    lap_timer_start(lap, IRDA_T_WD, lap->wd_ms);
    if (f->pf)
        lap_send_link(lap, IRLAP_K_RD, true, 0, NULL, 0);
    return next;
}

static int a_s_wd_timer(struct irlap *lap, const struct irlap_frame *f, int next)
{
    (void)f;
    lap_indicate_disconnect(lap, lap->state == IRLAP_SCLOSE ? IRLAP_R_USER : IRLAP_R_LINK_LOST);
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
        lap_send_frame(lap, f->caddr, false, IRLAP_K_DM, true, 0, NULL, 0);
    return next;
}

/* TEST command: echo the information field (IrLAP 6.3.4). */
static int a_test(struct irlap *lap, const struct irlap_frame *f, int next)
{
    if (!f->cmd || !f->pf)
        return next;
    if (f->caddr == IRLAP_CADDR_BCAST || (irlap_is_connected(lap) && f->caddr == lap->caddr))
        lap_send_frame(lap, f->caddr, false, IRLAP_K_TEST, true, 0, f->info, f->info_len);
    return next;
}


#define T(a, n) { a, (int8_t)(n) }

const struct irlap_transition irlap_table[IRLAP_STATE_COUNT][EV_COUNT] = {
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

