/*
 * irlap_internal.h - what the IrLAP station's files share (not for the
 * layers above: they use irlap.h).
 *
 *   irlap.c          the public primitives, event dispatch and deferral
 *   irlap_actions.c  what each (state, event) does, and the transition table
 *   irlap_link.c     frames out, sequence numbers and windows, timers,
 *                    negotiation: the helpers the actions are made of
 */
#ifndef IRDA_IRLAP_INTERNAL_H
#define IRDA_IRLAP_INTERNAL_H

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
#define KEEP (-1)                   /* table: the action decides, or stay */

/* table[state][event]; a NULL action ignores a frame or timer and refuses a primitive */
extern const struct irlap_transition irlap_table[IRLAP_STATE_COUNT][EV_COUNT];

/* irlap_link.c */
void lap_timer_start(struct irlap *lap, unsigned id, uint32_t ms);
void lap_timer_stop(struct irlap *lap, unsigned id);
uint32_t lap_rnd(struct irlap *lap);
void lap_send_frame(struct irlap *lap, uint8_t caddr, bool cmd, enum irlap_kind kind, bool pf,
                   uint8_t ns, const uint8_t *info, size_t len);
void lap_send_link(struct irlap *lap, enum irlap_kind kind, bool pf, uint8_t ns,
                   const uint8_t *info, size_t len);
void lap_send_xid_cmd(struct irlap *lap, uint8_t slot);
void lap_send_xid_rsp(struct irlap *lap);
void lap_send_snrm(struct irlap *lap);
void lap_send_ua_connect(struct irlap *lap);
void lap_reset_link_state(struct irlap *lap);
bool lap_take_ack(struct irlap *lap, uint8_t nr);
void lap_go_back(struct irlap *lap);
bool lap_xmit_turn(struct irlap *lap, bool force);
void lap_indicate_disconnect(struct irlap *lap, enum irlap_reason r);
int lap_apply_negotiation(struct irlap *lap);
void lap_note_foreign_caddr(struct irlap *lap, const struct irlap_frame *f);

#endif
