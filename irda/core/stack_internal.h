/*
 * stack_internal.h - what stack.c shares with stack_irlpt.c (the station's
 * IrLPT-mode connections) and stack_exclusive.c (exclusive mode); not for
 * the embedding, which uses stack.h.
 */
#ifndef IRDA_STACK_INTERNAL_H
#define IRDA_STACK_INTERNAL_H

#include "stack.h"

/* stack.c */
void stack_event(struct irda_stack *st, enum irda_stack_event_kind k, int handle, int reason);
int stack_handle_of(const struct irda_stack *st, const struct irda_conn *c);
struct irda_conn *stack_conn_alloc(struct irda_stack *st, enum irda_conn_kind kind);
void stack_conn_free(struct irda_conn *c);
/* An outgoing connection answered / any connection ended: the events. */
void stack_conn_opened(struct irda_stack *st, struct irda_conn *c);
void stack_conn_ended(struct irda_stack *st, struct irda_conn *c, enum irlmp_reason r);

/* The connection's LSAP, whichever protocol is above it (NULL: none). */
static inline struct irlmp_lsap *stack_conn_lsap(const struct irda_conn *c)
{
    return c->mode == IRDA_MODE_IRLPT ? c->lpt.lsap : c->ttp.lsap;
}

/* stack_exclusive.c: IRDA_OK when no connection holds the link
 * exclusively, IRDA_ERR_BUSY when the one holding it was closed and is
 * sending its last data, else IRDA_ERR_INUSE. */
int stack_exclusive_can_connect(const struct irda_stack *st);

/* stack_irlpt.c */
int stack_irlpt_listen(struct irda_stack *st, struct irda_conn *c, int lsap);
int stack_irlpt_connect(struct irda_stack *st, struct irda_conn *c, uint32_t daddr, uint8_t dlsap);
int stack_irlpt_send(struct irda_conn *c, const uint8_t *data, size_t len);
/* How many of the n bytes a read may take: no more than the oldest frame
 * has left; the frame is accounted for as read. */
size_t stack_irlpt_take_frame(struct irda_conn *c, size_t n);
/* IrLAP local busy while an IrLPT connection could not take a window more. */
void stack_irlpt_update_busy(struct irda_stack *st);
/* true: the slot stays until the queued frames have gone (graceful close). */
bool stack_irlpt_close(struct irda_conn *c, bool graceful);

/* stack_ircomm.c: 9-wire connections (TinyTP carrying IrCOMM frames). */
/* The connection's first control frame: an initiator's DTE parameters once
 * connected, an acceptor's DCE answer at accept. */
void stack_ircomm_start(struct irda_conn *c, bool initiator);
/* A send: user data in frames with a control length of 0 (bytes taken). */
size_t stack_ircomm_send(struct irda_conn *c, const uint8_t *data, size_t len);
/* A received SDU: its control parameters noted, *d / *len left on the user
 * data; false when the frame is malformed (the connection is ended). */
bool stack_ircomm_receive(struct irda_conn *c, const uint8_t **d, size_t *len);

#endif
