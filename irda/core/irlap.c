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
#include "irlap_internal.h"

static const char *const state_names[IRLAP_STATE_COUNT] = {
    "NDM", "QUERY", "REPLY", "SETUP", "CONN", "XMIT_P", "RECV_P", "NRM_S", "PCLOSE", "SCLOSE",
};

const char *irlap_state_name(enum irlap_state s)
{
    return (unsigned)s < IRLAP_STATE_COUNT ? state_names[s] : "?";
}

/* Primitives allowed in a state although the table has no action for them. */
static bool primitive_allowed(enum irlap_state s, int ev)
{
    return irlap_table[s][ev].action != NULL || irlap_table[s][ev].next == KEEP;
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
    const struct irlap_transition *t = &irlap_table[lap->state][ev];
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
    lap_note_foreign_caddr(lap, &f);
    static const int8_t ev_of_kind[IRLAP_K_COUNT] = {
        [IRLAP_K_I] = EV_RX_I, [IRLAP_K_RR] = EV_RX_RR, [IRLAP_K_RNR] = EV_RX_RNR,
        [IRLAP_K_REJ] = EV_RX_REJ, [IRLAP_K_SREJ] = EV_RX_SREJ, [IRLAP_K_SNRM] = EV_RX_SNRM,
        [IRLAP_K_DISC] = EV_RX_DISC, [IRLAP_K_UI] = EV_RX_OTHER, [IRLAP_K_XID_CMD] = EV_RX_XID_CMD,
        [IRLAP_K_TEST] = EV_RX_TEST, [IRLAP_K_UA] = EV_RX_UA, [IRLAP_K_FRMR] = EV_RX_FRMR,
        [IRLAP_K_DM] = EV_RX_DM, [IRLAP_K_RD] = EV_RX_RD, [IRLAP_K_RNRM] = EV_RX_OTHER,
        [IRLAP_K_XID_RSP] = EV_RX_XID_RSP,
    };
    int ev = ev_of_kind[f.kind];
    if (!irlap_table[lap->state][ev].action)
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
        lap_timer_start(lap, IRDA_T_P, IRLAP_WAITING_POLL_MS);
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
    bool was = lap->local_busy;
    lap->local_busy = busy;
    /* the peer waits for our RR: a primary sends it soon, not at the idle poll */
    if (was && !busy && lap->state == IRLAP_XMIT_P && lap->depth == 0)
        lap_timer_start(lap, IRDA_T_P, IRLAP_WAITING_POLL_MS);
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

