/*
 * irlmp_access.c - IrLMP access mode (IrLMP 1.1 LM_AccessMode): one LSAP
 * connection may take its IrLAP link exclusively.  The requester's IrLMP
 * asks only when that connection is the only one on the link, and the
 * peer's IrLMP grants only on the same condition; while the link is held,
 * both sides refuse every new LSAP connection (a local connect fails
 * IRDA_ERR_EXCLUSIVE, a peer's connect is answered with a disconnect,
 * reason 0xFF and IRLMP_EXCLUSIVE_TEXT), IAS included.  The mode ends with
 * a multiplexed request or with the connection (lsap_free in irlmp.c).
 * These are actions of the LSAP table in irlmp.c; the PDUs are
 *   request: C|DLSAP, SLSAP, 0x03, 0x00 (reserved), mode
 *   confirm: C|DLSAP, SLSAP, 0x83, status, mode (the mode now in force)
 */
#include "irlmp_internal.h"

/* Another LSAP connection (set up or being set up) shares l's link. */
static bool link_shared(const struct irlmp *lmp, const struct irlmp_lsap *l)
{
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++) {
        const struct irlmp_lsap *o = &lmp->lsaps[i];
        if (o != l && irlmp_lsap_uses_link(o))
            return true;
    }
    return false;
}

bool irlmp_link_held(const struct irlmp *lmp)
{
    if (lmp->exclusive)
        return true;
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++)
        if (lmp->lsaps[i].state == IRLMP_L_ACCESS_PEND &&
            lmp->lsaps[i].access_want == IRLMP_MODE_EXCLUSIVE)
            return true;
    return false;
}

const struct irlmp_lsap *irlmp_exclusive_holder(const struct irlmp *lmp)
{
    return lmp->exclusive;
}

/* DATA + access request: the request PDU; the confirm is awaited as long
 * as a connect's (IRLMP_CONNECT_TICKS). */
void irlmp_a_request(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    l->access_want = a->mode;
    l->ticks = IRLMP_CONNECT_TICKS;
    irlmp_send_access(l->lmp, l->dlsap, l->slsap, false, 0, a->mode);
    irlmp_keep_ticking(l->lmp);
}

/* The peer asks for a mode: granted when the rule holds, else refused
 * with the mode unchanged. */
void irlmp_a_answer(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    struct irlmp *lmp = l->lmp;
    uint8_t status = IRLMP_ACCESS_SUCCESS;
    bool was = lmp->exclusive == l;
    if (a->mode == IRLMP_MODE_EXCLUSIVE) {
        if (link_shared(lmp, l) || (lmp->exclusive && !was))
            status = IRLMP_ACCESS_FAILURE;
        else
            lmp->exclusive = l;
    } else if (was) {
        lmp->exclusive = NULL;
    }
    bool now = lmp->exclusive == l;
    irlmp_send_access(lmp, l->dlsap, l->slsap, true, status,
                      now ? IRLMP_MODE_EXCLUSIVE : IRLMP_MODE_MULTIPLEXED);
    if (now != was && l->ops.access_ind)
        l->ops.access_ind(l->ops.ctx, l, now ? IRLMP_MODE_EXCLUSIVE : IRLMP_MODE_MULTIPLEXED);
}

/* ACCESS_PEND + confirm: the mode the peer says is in force. */
void irlmp_a_confirmed(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    struct irlmp *lmp = l->lmp;
    l->ticks = 0;
    if (a->reason == IRLMP_ACCESS_SUCCESS && a->mode == IRLMP_MODE_EXCLUSIVE)
        lmp->exclusive = l;
    else if (a->reason == IRLMP_ACCESS_SUCCESS && lmp->exclusive == l)
        lmp->exclusive = NULL;
    uint8_t mode = lmp->exclusive == l ? IRLMP_MODE_EXCLUSIVE : IRLMP_MODE_MULTIPLEXED;
    if (l->ops.access_cnf)
        l->ops.access_cnf(l->ops.ctx, l, a->reason, mode);
}

/* No confirm in time: the request failed, the mode is unchanged. */
void irlmp_a_tick(struct irlmp_lsap *l, const struct lsap_arg *a)
{
    (void)a;
    if (l->ticks && --l->ticks == 0) {
        l->state = IRLMP_L_DATA;
        uint8_t mode = l->lmp->exclusive == l ? IRLMP_MODE_EXCLUSIVE : IRLMP_MODE_MULTIPLEXED;
        if (l->ops.access_cnf)
            l->ops.access_cnf(l->ops.ctx, l, IRLMP_ACCESS_FAILURE, mode);
    }
}

void irlmp_rx_access(struct irlmp *lmp, const struct irlmp_pdu *p, struct irlmp_lsap *l)
{
    struct lsap_arg a = { .reason = p->param, .mode = p->mode };
    if (p->confirm) {
        if (l)
            irlmp_lsap_dispatch(l, L_EV_RX_ACCESS_CNF, &a);   /* ignored unless pending */
        return;
    }
    if (!l || irlmp_lsap_dispatch(l, L_EV_RX_ACCESS, &a) != IRDA_OK)
        /* no connection between these LSAPs: nothing to change */
        irlmp_send_access(lmp, p->slsap, p->dlsap, true, IRLMP_ACCESS_FAILURE,
                          IRLMP_MODE_MULTIPLEXED);
}

int irlmp_access_request(struct irlmp_lsap *l, uint8_t mode)
{
    if (mode != IRLMP_MODE_EXCLUSIVE && mode != IRLMP_MODE_MULTIPLEXED)
        return IRDA_ERR_RANGE;
    if (l->state != IRLMP_L_DATA)
        return IRDA_ERR_STATE;
    if (mode == IRLMP_MODE_EXCLUSIVE) {
        if (l->lmp->exclusive && l->lmp->exclusive != l)
            return IRDA_ERR_EXCLUSIVE;
        if (link_shared(l->lmp, l))
            return IRDA_ERR_BUSY;               /* not the link's only connection */
    }
    struct lsap_arg a = { .mode = mode };
    return irlmp_lsap_dispatch(l, L_EV_ACCESS_REQ, &a);
}
