/*
 * irlmp.c - IrLMP multiplexer: per-LSAP and per-link transition tables
 * (the codec: irlmp_pdu.c; access mode: irlmp_access.c). The table gives the next state, which dispatch enters
 * before it runs the action, so that callbacks made by the action see the
 * new state; an action may still move the LSAP elsewhere (failure branches).
 */
#include <string.h>
#include "irlmp_internal.h"

/* ------------------------------------------------------------------ helpers */

/* Hands the waiting control PDUs to IrLAP, oldest first: IRDA_OK when none
 * is left, else IrLAP's error (IRDA_ERR_AGAIN: full, tx_ready follows). */
static int ctrlq_flush(struct irlmp *lmp)
{
    while (lmp->ctrlq_count) {
        unsigned h = lmp->ctrlq_head;
        int rc = irlap_data_request(lmp->lap, lmp->ctrlq[h], lmp->ctrlq_len[h]);
        if (rc == IRDA_ERR_AGAIN)
            return rc;
        if (rc != IRDA_OK) {                    /* the link is going: nothing to keep */
            lmp->ctrl_dropped += lmp->ctrlq_count;
            lmp->ctrlq_count = 0;
            break;
        }
        lmp->ctrlq_head = (h + 1) % IRLMP_CTRLQ_LEN;
        lmp->ctrlq_count--;
    }
    return IRDA_OK;
}

/* A control PDU goes after those already waiting; when IrLAP's queue is
 * full it waits too (a dropped disconnect would leave the peer's LSAP open
 * and its next PDU answered with "data sent on a disconnected LSAP"). */
static void ctrl_out(struct irlmp *lmp, const uint8_t *pdu, size_t n)
{
    int rc = ctrlq_flush(lmp);
    if (rc == IRDA_OK)
        rc = irlap_data_request(lmp->lap, pdu, n);
    if (rc != IRDA_ERR_AGAIN)
        return;                                 /* sent, or no link to send it on */
    if (lmp->ctrlq_count >= IRLMP_CTRLQ_LEN || n > sizeof lmp->ctrlq[0]) {
        lmp->ctrl_dropped++;
        return;
    }
    unsigned t = (lmp->ctrlq_head + lmp->ctrlq_count++) % IRLMP_CTRLQ_LEN;
    memcpy(lmp->ctrlq[t], pdu, n);
    lmp->ctrlq_len[t] = (uint8_t)n;
}

void irlmp_send_ctrl(struct irlmp *lmp, uint8_t dlsap, uint8_t slsap, uint8_t opcode,
                     bool confirm, uint8_t param, const uint8_t *ud, size_t len)
{
    uint8_t buf[IRLAP_MAX_DATA];
    size_t max = irlap_max_data(lmp->lap);
    if (len > max - IRLMP_CTRL_LEN)
        len = max - IRLMP_CTRL_LEN;
    struct irlmp_pdu p = { .control = true, .dlsap = dlsap, .slsap = slsap, .opcode = opcode,
                           .confirm = confirm, .param = param, .data = ud, .len = len };
    int n = irlmp_pdu_encode(buf, sizeof buf, &p);
    if (n > 0)
        ctrl_out(lmp, buf, (size_t)n);
}

/* An access mode PDU (its body is the mode byte, not user data). */
void irlmp_send_access(struct irlmp *lmp, uint8_t dlsap, uint8_t slsap, bool confirm,
                       uint8_t status, uint8_t mode)
{
    uint8_t buf[8];
    struct irlmp_pdu p = { .control = true, .dlsap = dlsap, .slsap = slsap,
                           .opcode = IRLMP_OP_ACCESS, .confirm = confirm,
                           .param = confirm ? status : 0, .mode = mode };
    int n = irlmp_pdu_encode(buf, sizeof buf, &p);
    if (n > 0)
        ctrl_out(lmp, buf, (size_t)n);
}

void irlmp_keep_ticking(struct irlmp *lmp)
{
    if (!lmp->ticking && lmp->timers.start) {
        lmp->ticking = true;
        lmp->timers.start(lmp->timers.ctx, IRDA_T_LMP, IRLMP_TICK_MS);
    }
}

bool irlmp_lsap_connected(const struct irlmp_lsap *l)
{
    return l->state == IRLMP_L_DATA || l->state == IRLMP_L_ACCESS_PEND;
}

bool irlmp_lsap_uses_link(const struct irlmp_lsap *l)
{
    return l->state == IRLMP_L_CONNECT_PEND || l->state == IRLMP_L_SETUP ||
           l->state == IRLMP_L_SETUP_PEND || irlmp_lsap_connected(l);
}

/* Frees the LSAP; exclusive mode ends with the connection that held it. */
static void lsap_free(struct irlmp_lsap *l)
{
    struct irlmp *lmp = l->lmp;
    if (lmp->exclusive == l)
        lmp->exclusive = NULL;
    memset(l, 0, sizeof *l);
    l->lmp = lmp;
    l->state = IRLMP_L_FREE;
}

/* ------------------------------------------------------------------ LSAP table */

typedef void (*lsap_action)(struct irlmp_lsap *l, const struct lsap_arg *a);
struct lsap_transition { lsap_action action; int8_t next; };

static void l_nothing(struct irlmp_lsap *l, const struct lsap_arg *a) { (void)l; (void)a; }

static void l_send_connect(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    (void)a;
    l->ticks = IRLMP_CONNECT_TICKS;
    irlmp_send_ctrl(l->lmp, l->dlsap, l->slsap, IRLMP_OP_CONNECT, false, 0, l->ud, l->ud_len);
    irlmp_keep_ticking(l->lmp);
}

static void l_connect_req(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    (void)a;
    struct irlmp *lmp = l->lmp;
    l->ticks = IRLMP_CONNECT_TICKS;
    irlmp_keep_ticking(lmp);
    if (lmp->link == IRLMP_LINK_ACTIVE) {         /* link already up: straight to SETUP */
        l->state = IRLMP_L_SETUP;
        l_send_connect(l, NULL);
    }
}

static void l_fail(struct irlmp_lsap *l, enum irlmp_reason r, const uint8_t *ud, size_t len)
{
    struct irlmp_lsap_ops ops = l->ops;
    lsap_free(l);
    if (ops.disconnect_ind)
        ops.disconnect_ind(ops.ctx, l, r, ud, len);
}

static void l_link_down(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    l_fail(l, (enum irlmp_reason)a->reason, NULL, 0);
}

static void l_peer_disconnect(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    l_fail(l, (enum irlmp_reason)a->reason, a->data, a->len);
}

static void l_connected(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    if (l->ops.connect_cnf)
        l->ops.connect_cnf(l->ops.ctx, l, a->data, a->len);
}

static void l_accept(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    irlmp_send_ctrl(l->lmp, l->dlsap, l->slsap, IRLMP_OP_CONNECT, true, 0, a->data, a->len);
}

static void l_send_disconnect(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    irlmp_send_ctrl(l->lmp, l->dlsap, l->slsap, IRLMP_OP_DISCONNECT, false,
              a->reason ? a->reason : IRLMP_R_USER, a->data, a->len);
    lsap_free(l);
}

static void l_close(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    (void)a;
    lsap_free(l);
}

static void l_data(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    if (l->ops.data_ind)
        l->ops.data_ind(l->ops.ctx, l, a->data, a->len);
}

static void l_tick(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    (void)a;
    if (l->ticks && --l->ticks == 0) {
        if (l->state == IRLMP_L_SETUP)
            irlmp_send_ctrl(l->lmp, l->dlsap, l->slsap, IRLMP_OP_DISCONNECT, false, IRLMP_R_USER, NULL, 0);
        l_fail(l, IRLMP_R_NONRESPONSIVE, NULL, 0);
    }
}

#define LT(a, n) { a, (int8_t)(n) }
static const struct lsap_transition lsap_table[IRLMP_L_STATE_COUNT][L_EV_COUNT] = {
    [IRLMP_L_FREE] = {
        [L_EV_LISTEN]         = LT(l_nothing, IRLMP_L_LISTEN),
        [L_EV_CONNECT_REQ]    = LT(l_connect_req, IRLMP_L_CONNECT_PEND),
        [L_EV_DISCONNECT_REQ] = LT(l_close, IRLMP_L_FREE),
    },
    [IRLMP_L_LISTEN] = {
        [L_EV_DISCONNECT_REQ] = LT(l_close, IRLMP_L_FREE),
    },
    [IRLMP_L_CONNECT_PEND] = {
        [L_EV_LINK_UP]        = LT(l_send_connect, IRLMP_L_SETUP),
        [L_EV_LINK_DOWN]      = LT(l_link_down, IRLMP_L_FREE),
        [L_EV_DISCONNECT_REQ] = LT(l_close, IRLMP_L_FREE),
        [L_EV_TICK]           = LT(l_tick, IRLMP_L_CONNECT_PEND),
    },
    [IRLMP_L_SETUP] = {
        [L_EV_RX_CONNECT_CNF] = LT(l_connected, IRLMP_L_DATA),
        [L_EV_RX_DISCONNECT]  = LT(l_peer_disconnect, IRLMP_L_FREE),
        [L_EV_LINK_DOWN]      = LT(l_link_down, IRLMP_L_FREE),
        [L_EV_DISCONNECT_REQ] = LT(l_send_disconnect, IRLMP_L_FREE),
        [L_EV_TICK]           = LT(l_tick, IRLMP_L_SETUP),
    },
    [IRLMP_L_SETUP_PEND] = {
        [L_EV_CONNECT_RSP]    = LT(l_accept, IRLMP_L_DATA),
        [L_EV_DISCONNECT_REQ] = LT(l_send_disconnect, IRLMP_L_FREE),
        [L_EV_RX_DISCONNECT]  = LT(l_peer_disconnect, IRLMP_L_FREE),
        [L_EV_LINK_DOWN]      = LT(l_link_down, IRLMP_L_FREE),
    },
    [IRLMP_L_DATA] = {
        [L_EV_RX_DATA]        = LT(l_data, IRLMP_L_DATA),
        [L_EV_RX_DISCONNECT]  = LT(l_peer_disconnect, IRLMP_L_FREE),
        [L_EV_LINK_DOWN]      = LT(l_link_down, IRLMP_L_FREE),
        [L_EV_DISCONNECT_REQ] = LT(l_send_disconnect, IRLMP_L_FREE),
        [L_EV_ACCESS_REQ]     = LT(irlmp_a_request, IRLMP_L_ACCESS_PEND),
        [L_EV_RX_ACCESS]      = LT(irlmp_a_answer, IRLMP_L_DATA),
    },
    /* as DATA, waiting for the peer's access mode confirm */
    [IRLMP_L_ACCESS_PEND] = {
        [L_EV_RX_DATA]        = LT(l_data, IRLMP_L_ACCESS_PEND),
        [L_EV_RX_DISCONNECT]  = LT(l_peer_disconnect, IRLMP_L_FREE),
        [L_EV_LINK_DOWN]      = LT(l_link_down, IRLMP_L_FREE),
        [L_EV_DISCONNECT_REQ] = LT(l_send_disconnect, IRLMP_L_FREE),
        [L_EV_RX_ACCESS]      = LT(irlmp_a_answer, IRLMP_L_ACCESS_PEND),
        [L_EV_RX_ACCESS_CNF]  = LT(irlmp_a_confirmed, IRLMP_L_DATA),
        [L_EV_TICK]           = LT(irlmp_a_tick, IRLMP_L_ACCESS_PEND),
    },
};

int irlmp_lsap_dispatch(struct irlmp_lsap *l, int ev, const struct lsap_arg *a)
{
    const struct lsap_transition *t = &lsap_table[l->state][ev];
    if (!t->action)
        return IRDA_ERR_STATE;
    l->state = (enum irlmp_lsap_state)t->next;
    t->action(l, a);
    return IRDA_OK;
}

/* ------------------------------------------------------------------ link table */

enum link_event { K_EV_CONNECT_NEEDED, K_EV_LAP_CONNECT_CNF, K_EV_LAP_CONNECT_IND,
                  K_EV_LAP_DISCONNECT, K_EV_TICK, K_EV_COUNT };
typedef void (*link_action)(struct irlmp *lmp, uint32_t arg);
struct link_transition { link_action action; int8_t next; };

static void k_lap_connect(struct irlmp *lmp, uint32_t daddr)
{
    lmp->link_daddr = daddr;
    if (irlap_connect_request(lmp->lap, daddr) < 0)
        lmp->link = IRLMP_LINK_STANDBY;             /* the LSAPs fail at their tick */
}

static void lsaps_event(struct irlmp *lmp, int ev, const struct lsap_arg *a)
{
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++) {
        struct irlmp_lsap *l = &lmp->lsaps[i];
        if (l->state != IRLMP_L_FREE && lsap_table[l->state][ev].action)
            irlmp_lsap_dispatch(l, ev, a);
    }
}

static void k_link_up(struct irlmp *lmp, uint32_t arg)
{
    (void)arg;
    lmp->idle_ticks = 0;
    irlmp_keep_ticking(lmp);
    lsaps_event(lmp, L_EV_LINK_UP, NULL);
}

static void k_accept(struct irlmp *lmp, uint32_t daddr)
{
    lmp->link_daddr = daddr;
    lmp->idle_ticks = 0;
    irlmp_keep_ticking(lmp);
    irlap_connect_response(lmp->lap);
}

static void k_link_down(struct irlmp *lmp, uint32_t reason)
{
    struct lsap_arg a = { .reason = (uint8_t)reason };
    lsaps_event(lmp, L_EV_LINK_DOWN, &a);
}

static void k_tick(struct irlmp *lmp, uint32_t arg)
{
    (void)arg;
    bool used = false;
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++)
        used |= irlmp_lsap_uses_link(&lmp->lsaps[i]);
    if (used) {
        lmp->idle_ticks = 0;
    } else if (++lmp->idle_ticks >= IRLMP_IDLE_TICKS) {
        lmp->idle_ticks = 0;
        irlap_disconnect_request(lmp->lap);         /* link_down follows from IrLAP */
    }
}

#define KT(a, n) { a, (int8_t)(n) }
static const struct link_transition link_table[IRLMP_LINK_STATE_COUNT][K_EV_COUNT] = {
    [IRLMP_LINK_STANDBY] = {
        [K_EV_CONNECT_NEEDED]  = KT(k_lap_connect, IRLMP_LINK_U_CONNECT),
        [K_EV_LAP_CONNECT_IND] = KT(k_accept, IRLMP_LINK_ACTIVE),
    },
    [IRLMP_LINK_U_CONNECT] = {
        [K_EV_LAP_CONNECT_CNF] = KT(k_link_up, IRLMP_LINK_ACTIVE),
        [K_EV_LAP_DISCONNECT]  = KT(k_link_down, IRLMP_LINK_STANDBY),
    },
    [IRLMP_LINK_ACTIVE] = {
        [K_EV_LAP_DISCONNECT]  = KT(k_link_down, IRLMP_LINK_STANDBY),
        [K_EV_TICK]            = KT(k_tick, IRLMP_LINK_ACTIVE),
    },
};

static void link_dispatch(struct irlmp *lmp, int ev, uint32_t arg)
{
    const struct link_transition *t = &link_table[lmp->link][ev];
    if (!t->action)
        return;
    lmp->link = (enum irlmp_link_state)t->next;
    t->action(lmp, arg);
}

/* ------------------------------------------------------------------ IrLAP upper side */

static void lap_discovery_cnf(void *ctx, const struct irda_device_info *log, unsigned n)
{
    struct irlmp *lmp = ctx;
    lmp->ndisc = n < IRLAP_LOG_MAX ? n : IRLAP_LOG_MAX;
    memcpy(lmp->disc_log, log, lmp->ndisc * sizeof *log);
    if (lmp->upper.discovery_cnf)
        lmp->upper.discovery_cnf(lmp->upper.ctx, lmp->disc_log, lmp->ndisc);
}

static void lap_connect_ind(void *ctx, uint32_t daddr)
{
    link_dispatch(ctx, K_EV_LAP_CONNECT_IND, daddr);
}

static void lap_connect_cnf(void *ctx, uint32_t daddr)
{
    link_dispatch(ctx, K_EV_LAP_CONNECT_CNF, daddr);
}

static void lap_disconnect_ind(void *ctx, enum irlap_reason r)
{
    struct irlmp *lmp = ctx;
    uint8_t reason = lmp->link == IRLMP_LINK_U_CONNECT ? IRLMP_R_LAP_CONNFAIL : IRLMP_R_LAP_DISC;
    lmp->ctrlq_count = 0;                             /* IrLAP dropped its queue too */
    link_dispatch(lmp, K_EV_LAP_DISCONNECT, reason);
    if (lmp->upper.link_down)
        lmp->upper.link_down(lmp->upper.ctx, r);
}

static void lap_tx_ready(void *ctx)
{
    struct irlmp *lmp = ctx;
    if (ctrlq_flush(lmp) != IRDA_OK)
        return;                                       /* still full: tx_ready comes again */
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++) {
        struct irlmp_lsap *l = &lmp->lsaps[i];
        if (irlmp_lsap_connected(l) && l->ops.tx_ready)
            l->ops.tx_ready(l->ops.ctx, l);
    }
}

static struct irlmp_lsap *find_conn(struct irlmp *lmp, uint8_t local, uint8_t remote)
{
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++) {
        struct irlmp_lsap *l = &lmp->lsaps[i];
        if (l->state != IRLMP_L_FREE && l->state != IRLMP_L_LISTEN &&
            l->slsap == local && l->dlsap == remote)
            return l;
    }
    return NULL;
}

static struct irlmp_lsap *find_listener(struct irlmp *lmp, uint8_t local)
{
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++)
        if (lmp->lsaps[i].state == IRLMP_L_LISTEN && lmp->lsaps[i].slsap == local)
            return &lmp->lsaps[i];
    return NULL;
}

static struct irlmp_lsap *alloc_lsap(struct irlmp *lmp)
{
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++)
        if (!lmp->lsaps[i].used) {
            lmp->lsaps[i].used = true;
            return &lmp->lsaps[i];
        }
    return NULL;
}

static void incoming_connect(struct irlmp *lmp, const struct irlmp_pdu *p)
{
    if (find_conn(lmp, p->dlsap, p->slsap))
        return;                                       /* duplicate: ignore */
    if (irlmp_link_held(lmp)) {                       /* another connection holds the link */
        lmp->exclusive_refused++;
        irlmp_send_ctrl(lmp, p->slsap, p->dlsap, IRLMP_OP_DISCONNECT, false, IRLMP_R_UNSPECIFIED,
                        (const uint8_t *)IRLMP_EXCLUSIVE_TEXT, sizeof IRLMP_EXCLUSIVE_TEXT - 1);
        return;
    }
    struct irlmp_lsap *lis = find_listener(lmp, p->dlsap);
    struct irlmp_lsap *c = lis ? alloc_lsap(lmp) : NULL;
    if (!c) {
        irlmp_send_ctrl(lmp, p->slsap, p->dlsap, IRLMP_OP_DISCONNECT, false, IRLMP_R_NO_CLIENT, NULL, 0);
        return;
    }
    c->state = IRLMP_L_SETUP_PEND;
    c->slsap = p->dlsap;
    c->dlsap = p->slsap;
    c->daddr = lmp->link_daddr;
    c->ops = lis->ops;
    c->user = NULL;
    if (lis->ops.connect_ind)
        lis->ops.connect_ind(lis->ops.ctx, lis, c, p->data, p->len);
}

static void lap_data_ind(void *ctx, const uint8_t *data, size_t len)
{
    struct irlmp *lmp = ctx;
    struct irlmp_pdu p;
    if (irlmp_pdu_decode(data, len, &p) < 0) {
        lmp->rx_bad++;
        return;
    }
    lmp->idle_ticks = 0;
    struct irlmp_lsap *l = find_conn(lmp, p.dlsap, p.slsap);
    struct lsap_arg a = { .data = p.data, .len = p.len, .reason = p.param };
    if (!p.control) {
        if (l && irlmp_lsap_connected(l))
            irlmp_lsap_dispatch(l, L_EV_RX_DATA, &a);
        else if (!l)                                  /* IrLMP 4.x: data on a disconnected LSAP */
            irlmp_send_ctrl(lmp, p.slsap, p.dlsap, IRLMP_OP_DISCONNECT, false, IRLMP_R_DISCONNECTED, NULL, 0);
        return;
    }
    switch (p.opcode) {
    case IRLMP_OP_CONNECT:
        if (!p.confirm)
            incoming_connect(lmp, &p);
        else if (l)
            irlmp_lsap_dispatch(l, L_EV_RX_CONNECT_CNF, &a);
        break;
    case IRLMP_OP_DISCONNECT:
        if (l)
            irlmp_lsap_dispatch(l, L_EV_RX_DISCONNECT, &a);
        break;
    case IRLMP_OP_ACCESS:
        irlmp_rx_access(lmp, &p, l);
        break;
    default:
        break;
    }
}

struct irlap_upper_ops irlmp_lap_upper(struct irlmp *lmp)
{
    struct irlap_upper_ops u = {
        .ctx = lmp, .discovery_cnf = lap_discovery_cnf, .discovery_ind = NULL,
        .connect_ind = lap_connect_ind, .connect_cnf = lap_connect_cnf,
        .data_ind = lap_data_ind, .disconnect_ind = lap_disconnect_ind, .tx_ready = lap_tx_ready,
    };
    return u;
}

/* ------------------------------------------------------------------ public */

void irlmp_init(struct irlmp *lmp, struct irlap *lap, const struct irda_timer_ops *timers,
                const struct irlmp_upper_ops *upper)
{
    memset(lmp, 0, sizeof *lmp);
    lmp->lap = lap;
    if (timers)
        lmp->timers = *timers;
    if (upper)
        lmp->upper = *upper;
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++)
        lmp->lsaps[i].lmp = lmp;
}

void irlmp_timer_expired(struct irlmp *lmp, unsigned id)
{
    if (id != IRDA_T_LMP)
        return;
    lmp->ticking = false;
    link_dispatch(lmp, K_EV_TICK, 0);
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++) {
        struct irlmp_lsap *l = &lmp->lsaps[i];
        if (l->state != IRLMP_L_FREE && lsap_table[l->state][L_EV_TICK].action)
            irlmp_lsap_dispatch(l, L_EV_TICK, NULL);
    }
    bool pending = lmp->link != IRLMP_LINK_STANDBY;
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++)
        pending |= lmp->lsaps[i].state == IRLMP_L_CONNECT_PEND || lmp->lsaps[i].state == IRLMP_L_SETUP ||
                   lmp->lsaps[i].state == IRLMP_L_ACCESS_PEND;
    if (pending)
        irlmp_keep_ticking(lmp);
}

int irlmp_discovery_request(struct irlmp *lmp, unsigned nslots)
{
    if (lmp->link != IRLMP_LINK_STANDBY) {
        /* the medium is taken by our link: the log is the connected peer */
        return IRDA_ERR_BUSY;
    }
    return irlap_discovery_request(lmp->lap, nslots);
}

bool irlmp_lsap_in_use(const struct irlmp *lmp, uint8_t slsap)
{
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++)
        if (lmp->lsaps[i].used && lmp->lsaps[i].slsap == slsap)
            return true;
    return false;
}

struct irlmp_lsap *irlmp_open(struct irlmp *lmp, int slsap, const struct irlmp_lsap_ops *ops)
{
    if (slsap < IRLMP_LSAP_ANY || slsap > IRLMP_LSAP_MAX)
        return NULL;
    if (slsap == IRLMP_LSAP_ANY) {
        slsap = 0;
        /* pick a free service LSAP, going round from the last one given */
        const int range = IRLMP_LSAP_MAX - IRLMP_LSAP_MIN + 1;
        int start = lmp->next_lsap >= IRLMP_LSAP_MIN && lmp->next_lsap <= IRLMP_LSAP_MAX
                    ? lmp->next_lsap : IRLMP_LSAP_MIN;
        for (int k = 0; k < range && slsap == 0; k++) {
            int s = IRLMP_LSAP_MIN + (start - IRLMP_LSAP_MIN + k) % range;
            if (!irlmp_lsap_in_use(lmp, (uint8_t)s))
                slsap = s;
        }
        if (slsap == 0)
            return NULL;
        lmp->next_lsap = (uint8_t)(slsap == IRLMP_LSAP_MAX ? IRLMP_LSAP_MIN : slsap + 1);
    }
    struct irlmp_lsap *l = alloc_lsap(lmp);
    if (!l)
        return NULL;
    l->slsap = (uint8_t)slsap;
    if (ops)
        l->ops = *ops;
    l->state = IRLMP_L_FREE;
    return l;
}

int irlmp_listen(struct irlmp_lsap *l)
{
    if (find_listener(l->lmp, l->slsap))
        return IRDA_ERR_INUSE;
    return irlmp_lsap_dispatch(l, L_EV_LISTEN, NULL);
}

int irlmp_connect_request(struct irlmp_lsap *l, uint32_t daddr, uint8_t dlsap,
                          const uint8_t *ud, size_t len)
{
    struct irlmp *lmp = l->lmp;
    if (dlsap > IRLMP_LSAP_MAX || len > sizeof l->ud)
        return IRDA_ERR_RANGE;
    if (l->state != IRLMP_L_FREE)
        return IRDA_ERR_STATE;
    if (lmp->link != IRLMP_LINK_STANDBY && lmp->link_daddr != daddr)
        return IRDA_ERR_BUSY;                          /* one IrLAP connection at a time */
    if (lmp->link == IRLMP_LINK_STANDBY && lmp->lap->state != IRLAP_NDM)
        return IRDA_ERR_BUSY;                          /* discovery running */
    if (find_conn(lmp, l->slsap, dlsap))
        return IRDA_ERR_INUSE;
    if (irlmp_link_held(lmp)) {
        lmp->exclusive_refused++;
        return IRDA_ERR_EXCLUSIVE;                     /* another connection holds the link */
    }
    l->daddr = daddr;
    l->dlsap = dlsap;
    if (len)
        memcpy(l->ud, ud, len);
    l->ud_len = (uint16_t)len;
    int rc = irlmp_lsap_dispatch(l, L_EV_CONNECT_REQ, NULL);
    if (rc == IRDA_OK && lmp->link == IRLMP_LINK_STANDBY)
        link_dispatch(lmp, K_EV_CONNECT_NEEDED, daddr);
    return rc;
}

int irlmp_connect_response(struct irlmp_lsap *l, const uint8_t *ud, size_t len)
{
    struct lsap_arg a = { .data = ud, .len = len };
    return irlmp_lsap_dispatch(l, L_EV_CONNECT_RSP, &a);
}

int irlmp_disconnect_request(struct irlmp_lsap *l, const uint8_t *ud, size_t len)
{
    struct lsap_arg a = { .data = ud, .len = len };
    return irlmp_lsap_dispatch(l, L_EV_DISCONNECT_REQ, &a);
}

int irlmp_abort_request(struct irlmp_lsap *l, enum irlmp_reason reason)
{
    return irlmp_disconnect_with(l, reason, NULL, 0);
}

int irlmp_disconnect_with(struct irlmp_lsap *l, enum irlmp_reason reason,
                          const uint8_t *ud, size_t len)
{
    if (reason == 0 || reason > IRLMP_R_UNSPECIFIED)
        return IRDA_ERR_RANGE;                  /* only wire reasons go to the peer */
    struct lsap_arg a = { .data = ud, .len = len, .reason = (uint8_t)reason };
    return irlmp_lsap_dispatch(l, L_EV_DISCONNECT_REQ, &a);
}

void irlmp_close(struct irlmp_lsap *l)
{
    if (l->state == IRLMP_L_FREE)
        lsap_free(l);
    else
        irlmp_disconnect_request(l, NULL, 0);
}

int irlmp_data_request(struct irlmp_lsap *l, const uint8_t *data, size_t len)
{
    if (!irlmp_lsap_connected(l))
        return IRDA_ERR_STATE;
    if (len > irlmp_max_sdu(l))
        return IRDA_ERR_RANGE;
    int rc = ctrlq_flush(l->lmp);               /* control PDUs waiting go first */
    if (rc != IRDA_OK)
        return rc;
    uint8_t buf[IRLAP_MAX_DATA];
    buf[0] = l->dlsap;
    buf[1] = l->slsap;
    if (len)
        memcpy(buf + 2, data, len);
    return irlap_data_request(l->lmp->lap, buf, len + 2);
}

size_t irlmp_max_sdu(const struct irlmp_lsap *l)
{
    return irlap_max_data(l->lmp->lap) - IRLMP_HDR_LEN;
}
