/*
 * irlap_link.c - the helpers IrLAP's actions are made of: frames built and
 * handed to the medium, the send window and sequence numbers, timers
 * (the F timer covering air time), link reset and QoS negotiation.
 */
#include <string.h>
#include "irlap_internal.h"


/* Milliseconds the bytes handed to the medium since the peer last spoke
 * still take on the air (SIR: 10 bits a byte up to 115.2 kb/s). */
static uint32_t lap_air_ms(const struct irlap *lap)
{
    uint32_t baud = lap->neg.baud ? lap->neg.baud : 9600;
    uint64_t bits = (uint64_t)lap->tx_air_bytes * (baud <= 115200 ? 10 : 8);
    return (uint32_t)((bits * 1000 + baud - 1) / baud);
}

void lap_timer_start(struct irlap *lap, unsigned id, uint32_t ms)
{
    /* The F timer runs from the end of our transmission: the medium may
     * still be sending what we gave it (a whole window at a low rate takes
     * longer than the peer's turnaround), so that time is added. */
    if (id == IRDA_T_F) {
        ms += lap_air_ms(lap);
        lap->tx_air_bytes = 0;          /* counted once: a retry polls with 2 bytes */
    }
    if (lap->timers.start)
        lap->timers.start(lap->timers.ctx, id, ms);
}

void lap_timer_stop(struct irlap *lap, unsigned id)
{
    if (lap->timers.stop)
        lap->timers.stop(lap->timers.ctx, id);
}

static void lap_stop_all_timers(struct irlap *lap)
{
    lap_timer_stop(lap, IRDA_T_SLOT);
    lap_timer_stop(lap, IRDA_T_QUERY);
    lap_timer_stop(lap, IRDA_T_F);
    lap_timer_stop(lap, IRDA_T_P);
    lap_timer_stop(lap, IRDA_T_WD);
}

uint32_t lap_rnd(struct irlap *lap)
{
    return lap->rng.next ? lap->rng.next(lap->rng.ctx) : 0;
}

void lap_send_frame(struct irlap *lap, uint8_t caddr, bool cmd, enum irlap_kind kind,
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
void lap_send_link(struct irlap *lap, enum irlap_kind kind, bool pf, uint8_t ns,
                   const uint8_t *info, size_t len)
{
    if (kind == IRLAP_K_RNR)
        lap->rnr_sent = true;                   /* the peer holds back until it hears RR */
    else if (kind == IRLAP_K_RR || kind == IRLAP_K_REJ)
        lap->rnr_sent = false;
    lap_send_frame(lap, lap->caddr, irlap_is_primary(lap), kind, pf, ns, info, len);
}

void lap_send_xid_cmd(struct irlap *lap, uint8_t slot)
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
        lap_send_frame(lap, IRLAP_CADDR_BCAST, true, IRLAP_K_XID_CMD, true, 0, info, (size_t)n);
}

void lap_send_xid_rsp(struct irlap *lap)
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
        lap_send_frame(lap, IRLAP_CADDR_BCAST, false, IRLAP_K_XID_RSP, true, 0, info, (size_t)n);
}

void lap_send_snrm(struct irlap *lap)
{
    uint8_t info[64];
    int n = irlap_snrm_encode(info, sizeof info, lap->cfg.saddr, lap->daddr, lap->caddr, &lap->cfg.qos);
    if (n > 0)
        lap_send_frame(lap, IRLAP_CADDR_BCAST, true, IRLAP_K_SNRM, true, 0, info, (size_t)n);
}

void lap_send_ua_connect(struct irlap *lap)
{
    uint8_t info[64];
    int n = irlap_ua_encode(info, sizeof info, lap->cfg.saddr, lap->daddr, &lap->cfg.qos);
    if (n > 0)
        lap_send_link(lap, IRLAP_K_UA, true, 0, info, (size_t)n);
}

void lap_reset_link_state(struct irlap *lap)
{
    lap->vs = lap->vr = lap->va = lap->vt = 0;
    lap->remote_busy = lap->reject_pending = lap->rejected = lap->rnr_sent = false;
    lap->ack_pending = lap->want_disc = false;
    lap->txq_head = lap->txq_count = 0;
    lap->retries = 0;
}

static uint8_t lap_seq_diff(uint8_t a, uint8_t b) { return (uint8_t)((a - b) & 7); }

static bool lap_can_send_more(const struct irlap *lap)
{
    if (lap->remote_busy)
        return false;
    if (lap->vs != lap->vt)
        return true;                                  /* retransmission pending */
    return lap->txq_count && lap_seq_diff(lap->vt, lap->va) < lap->neg.tx_window;
}

/* Ack handling common to I and S frames: nr acknowledges everything before it. */
bool lap_take_ack(struct irlap *lap, uint8_t nr)
{
    if (lap_seq_diff(nr, lap->va) > lap_seq_diff(lap->vs, lap->va)) {
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
void lap_go_back(struct irlap *lap)
{
    if (lap->vs != lap->va) {
        lap->stats.retransmits += lap_seq_diff(lap->vs, lap->va);
        lap->vs = lap->va;
    }
}

/*
 * One turn on the line: an optional REJ, then I frames within the window,
 * the last of them with P (primary) or F (secondary). When nothing was sent
 * with the P/F bit and `force` is set, a supervisory frame carries it.
 * Returns true when the P/F bit went out (the line passed to the peer).
 *
 * Local busy (irlap_set_busy): only RR and RNR change what the peer thinks
 * of our receiver (an I frame does not), so while busy, and on the first
 * turn after it, the turn ends with RNR or RR carrying the P/F bit.
 */
bool lap_xmit_turn(struct irlap *lap, bool force)
{
    bool tell = lap->local_busy || lap->rnr_sent;
    bool more = lap_can_send_more(lap), sent = false;
    if (lap->reject_pending) {
        lap->reject_pending = false;
        lap->stats.rej_sent++;
        lap_send_link(lap, IRLAP_K_REJ, !more && !tell, 0, NULL, 0);
        lap->ack_pending = false;
        sent = true;
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
        more = lap_can_send_more(lap);
        lap_send_link(lap, IRLAP_K_I, !more && !tell, ns, lap->win[ns], lap->win_len[ns]);
        lap->ack_pending = false;
        sent = true;
    }
    if (sent && !tell)
        return true;
    if (!sent && !force)
        return false;
    lap_send_link(lap, lap->local_busy ? IRLAP_K_RNR : IRLAP_K_RR, true, 0, NULL, 0);
    lap->ack_pending = false;
    return true;
}

void lap_indicate_disconnect(struct irlap *lap, enum irlap_reason r)
{
    lap_stop_all_timers(lap);
    lap_reset_link_state(lap);
    lap->xbofs = irlap_xbofs_at(12, 9600);
    if (lap->lower.set_speed && lap->neg.baud && lap->neg.baud != 9600)
        lap->lower.set_speed(lap->lower.ctx, 9600);
    memset(&lap->neg, 0, sizeof lap->neg);
    if (lap->upper.disconnect_ind)
        lap->upper.disconnect_ind(lap->upper.ctx, r);
}

int lap_apply_negotiation(struct irlap *lap)
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

/* Remembers the connection address of a frame that belongs to another link. */
void lap_note_foreign_caddr(struct irlap *lap, const struct irlap_frame *f)
{
    if (f->caddr == IRLAP_CADDR_BCAST || (lap->state != IRLAP_NDM && f->caddr == lap->caddr))
        return;
    for (unsigned i = 0; i < IRLAP_HEARD_MAX; i++)
        if (lap->heard_caddr[i] == f->caddr)
            return;
    lap->heard_caddr[lap->heard_next] = f->caddr;
    lap->heard_next = (lap->heard_next + 1) % IRLAP_HEARD_MAX;
}
