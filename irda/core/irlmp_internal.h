/*
 * irlmp_internal.h - what irlmp.c (the multiplexer and its tables) and
 * irlmp_access.c (access mode) share.  Not for the layers above.
 */
#ifndef IRDA_IRLMP_INTERNAL_H
#define IRDA_IRLMP_INTERNAL_H

#include "irlmp.h"

enum lsap_event {
    L_EV_LISTEN, L_EV_CONNECT_REQ, L_EV_CONNECT_RSP, L_EV_DISCONNECT_REQ,
    L_EV_LINK_UP, L_EV_LINK_DOWN, L_EV_RX_CONNECT_CNF, L_EV_RX_DISCONNECT,
    L_EV_RX_DATA, L_EV_TICK,
    L_EV_ACCESS_REQ, L_EV_RX_ACCESS, L_EV_RX_ACCESS_CNF,
    L_EV_COUNT
};

struct lsap_arg {
    const uint8_t *data;
    size_t len;
    uint8_t reason;          /* disconnect reason; access confirm status */
    uint8_t mode;            /* access mode PDUs and requests */
};

int irlmp_lsap_dispatch(struct irlmp_lsap *l, int ev, const struct lsap_arg *a);
void irlmp_send_ctrl(struct irlmp *lmp, uint8_t dlsap, uint8_t slsap, uint8_t opcode,
                     bool confirm, uint8_t param, const uint8_t *ud, size_t len);
void irlmp_send_access(struct irlmp *lmp, uint8_t dlsap, uint8_t slsap, bool confirm,
                       uint8_t status, uint8_t mode);
void irlmp_keep_ticking(struct irlmp *lmp);
bool irlmp_lsap_uses_link(const struct irlmp_lsap *l);
/* Connected: data flows (IRLMP_L_DATA, or waiting for an access confirm). */
bool irlmp_lsap_connected(const struct irlmp_lsap *l);

/* irlmp_access.c: the access-mode actions of the LSAP table */
void irlmp_a_request(struct irlmp_lsap *l, const struct lsap_arg *a);
void irlmp_a_answer(struct irlmp_lsap *l, const struct lsap_arg *a);
void irlmp_a_confirmed(struct irlmp_lsap *l, const struct lsap_arg *a);
void irlmp_a_tick(struct irlmp_lsap *l, const struct lsap_arg *a);
/* An access mode PDU arrived for (local, remote); l is its connection or NULL. */
void irlmp_rx_access(struct irlmp *lmp, const struct irlmp_pdu *p, struct irlmp_lsap *l);

#endif
