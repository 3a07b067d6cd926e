/*
 * stack_exclusive.c - a connection's IrLMP access mode for the embedding
 * (IRLMP_EXCLUSIVE_MODE): ask for the link exclusively once connected, and
 * tell how the request went.  The rules (only connection on the link, both
 * stations refusing new LSAP connections while it is held) are IrLMP's:
 * irlmp_access.c.
 */
#include "stack_internal.h"

/* Whether every other LSAP connection on the link is going away by
 * itself: a closed socket's connection sending its last data, or one that
 * is no socket's (an IAS query, finished in a moment).  Then a refusal is
 * "not yet", not "shared". */
static bool sharers_leaving(const struct irda_stack *st, const struct irlmp_lsap *mine)
{
    for (unsigned i = 0; i < IRLMP_MAX_LSAPS; i++) {
        const struct irlmp_lsap *o = &st->lmp.lsaps[i];
        if (o == mine || o->state == IRLMP_L_FREE || o->state == IRLMP_L_LISTEN)
            continue;
        for (unsigned k = 0; k < IRDA_STACK_MAX_CONN; k++) {
            const struct irda_conn *c = &st->conns[k];
            if (c->kind == IRDA_CONN_STREAM && stack_conn_lsap(c) == o && !c->local_closed)
                return false;                   /* a socket's live connection */
        }
    }
    return true;
}

int irda_stack_request_exclusive(struct irda_stack *st, int handle)
{
    const struct irda_conn *c = irda_stack_conn(st, handle);
    if (!c || c->kind != IRDA_CONN_STREAM || !c->open)
        return IRDA_ERR_STATE;
    struct irlmp_lsap *l = stack_conn_lsap(c);
    if (!l)
        return IRDA_ERR_STATE;
    if (irlmp_exclusive_holder(&st->lmp) == l)
        return IRDA_OK;                         /* already holds it */
    int rc = irlmp_access_request(l, IRLMP_MODE_EXCLUSIVE);
    if (rc == IRDA_ERR_BUSY && sharers_leaving(st, l))
        return IRDA_ERR_AGAIN;
    return rc;
}

int irda_stack_exclusive_state(const struct irda_stack *st, int handle)
{
    const struct irda_conn *c = irda_stack_conn(st, handle);
    const struct irlmp_lsap *l = c && c->kind == IRDA_CONN_STREAM ? stack_conn_lsap(c) : NULL;
    if (!l || !c->open)
        return IRDA_ERR_STATE;
    if (l->state == IRLMP_L_ACCESS_PEND)
        return 0;
    return irlmp_exclusive_holder(&st->lmp) == l ? 1 : IRDA_ERR_INUSE;
}

int stack_exclusive_can_connect(const struct irda_stack *st)
{
    const struct irlmp_lsap *holder = irlmp_exclusive_holder(&st->lmp);
    if (!irlmp_link_held(&st->lmp))
        return IRDA_OK;
    for (unsigned i = 0; holder && i < IRDA_STACK_MAX_CONN; i++) {
        const struct irda_conn *c = &st->conns[i];
        if (c->kind == IRDA_CONN_STREAM && stack_conn_lsap(c) == holder && c->local_closed)
            return IRDA_ERR_BUSY;               /* closed, its last data going: a moment */
    }
    return IRDA_ERR_INUSE;
}
