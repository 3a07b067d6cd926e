/*
 * irlpt.h - an IrLMP connection without TinyTP: what a socket in IrLPT mode
 * (IRLMP_IRLPT_MODE) speaks, and what IrLPT printers expect.
 *
 * On the wire (IrLMP 1.1 4.2, IrCOMM 1.0's IrLPT / "3-wire raw"):
 *   connect        LM connect PDU with no user data (no TinyTP parameters)
 *   connect answer LM connect confirm PDU with no user data
 *   data           LM data PDU: DLSAP, SLSAP, then the user's bytes as
 *                  they were sent: no credit byte, no segmentation
 *   end            LM disconnect PDU (reason 0x01 user request)
 * Each send is one IrLMP data frame, so it must fit one frame:
 * lpt_max_data() bytes (the peer's negotiated IrLAP data size less the
 * 2-byte IrLMP header); a longer one is refused (IRDA_ERR_RANGE), never
 * cut or spread over frames the peer would see as separate records.
 * Received frames are handed up whole, one data_ind each.
 *
 * Flow control: none of its own (there is no credit); the receiver uses
 * IrLAP's (RNR, irlap_set_busy), as IrLPT does.
 *
 * A peer that speaks TinyTP is not taken for an IrLPT one: a listener
 * refuses an LM connect that carries user data (a TinyTP connect PDU: its
 * credit byte would otherwise arrive as data) with reason 0xFF and a
 * one-line diagnostic; a connect whose confirm carries user data (the
 * peer answered as TinyTP) is ended the same way and reported as refused.
 * The reverse (an IrLPT connect reaching a TinyTP listener) is refused by
 * TinyTP, whose connect PDU is missing (tinytp.c).
 *
 * Lower interface: an IrLMP LSAP.  Upper interface: struct lpt_ops.
 */
#ifndef IRDA_IRLPT_H
#define IRDA_IRLPT_H

#include "irlmp.h"

#define LPT_TXBUF 16384                 /* queued frames (2-byte length + data each) */

/* Why a connection was refused (also the disconnect's user data). */
#define LPT_REFUSE_TEXT "IrLPT: connect with user data (TinyTP?) refused"
#define LPT_CONFIRM_TEXT "IrLPT: confirm with user data (TinyTP?) refused"

enum lpt_state { LPT_CLOSED, LPT_LISTEN, LPT_CONNECTING, LPT_OPEN, LPT_CLOSING };

struct lpt;
struct lpt_ops {
    void *ctx;
    /* On a listener: an IrLMP connection without user data arrived on conn;
     * accept with lpt_accept() on a fresh struct lpt, or refuse with
     * irlmp_disconnect_request(conn). */
    void (*connect_ind)(void *ctx, struct lpt *listener, struct irlmp_lsap *conn);
    void (*connect_cnf)(void *ctx, struct lpt *t);
    void (*data_ind)(void *ctx, struct lpt *t, const uint8_t *frame, size_t len);
    /* The connection is closed after this call. */
    void (*disconnect_ind)(void *ctx, struct lpt *t, enum irlmp_reason r);
    void (*tx_ready)(void *ctx, struct lpt *t);
};

struct lpt {
    enum lpt_state state;
    struct irlmp *lmp;
    struct irlmp_lsap *lsap;
    struct lpt_ops ops;
    void *user;
    size_t tx_head, tx_used;            /* FIFO of frames: len (2) | data */
    unsigned long tx_frames, rx_frames, refused;
    uint8_t txbuf[LPT_TXBUF];
};

/* Prepare t on a local LSAP (IRLMP_LSAP_ANY or a number). */
int lpt_open(struct lpt *t, struct irlmp *lmp, int slsap, const struct lpt_ops *ops);
int lpt_listen(struct lpt *t);
int lpt_connect(struct lpt *t, uint32_t daddr, uint8_t dlsap);
int lpt_accept(struct lpt *t, struct irlmp_lsap *conn, const struct lpt_ops *ops);
/* Queue one frame of 0 < len <= lpt_max_data(); IRDA_ERR_RANGE beyond it,
 * IRDA_ERR_AGAIN while the FIFO has no room. */
int lpt_send(struct lpt *t, const uint8_t *frame, size_t len);
/* graceful: disconnect once the queued frames are handed to IrLMP. */
int lpt_disconnect(struct lpt *t, bool graceful);
/* The layer above had no room for a frame (the peer went on sending past
 * IrLAP's RNR): ends the connection rather than cut data.  The peer gets a
 * disconnect with reason 0xFF and LPT_OVERFLOW_TEXT; disconnect_ind
 * follows at once with IRLMP_R_LOCAL_VIOLATION. */
#define LPT_OVERFLOW_TEXT "IrLPT: frame beyond the receiver's room"
void lpt_overflow(struct lpt *t);
/* Drops what is queued; disconnect reason "unspecified" (the peer sees a reset). */
int lpt_abort(struct lpt *t);
size_t lpt_max_data(const struct lpt *t);        /* user bytes per frame */
size_t lpt_tx_queued(const struct lpt *t);       /* bytes queued, lengths included */

#endif
