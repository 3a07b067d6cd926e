/*
 * irlap.h - the IrLAP station (IrLAP 1.1 sections 6.7-6.13): discovery,
 * connection establishment with parameter negotiation, information transfer
 * in normal response mode (NRM) with a window of up to 7 frames and
 * go-back-N retransmission, and disconnection.
 *
 * The station is a pair of transition tables (state x event -> action +
 * next state; see irlap.c). It owns no thread and no clock:
 *  - frames come in through irlap_frame_received() (without FCS),
 *  - timers are started and stopped through struct irda_timer_ops and their
 *    expiry comes back through irlap_timer_expired(),
 *  - frames go out through struct irlap_lower_ops,
 *  - the layer above (IrLMP) is told what happens through struct irlap_upper_ops.
 * Primitives called from inside an upper callback are deferred until the
 * current event has been processed, so upper layers may call back freely.
 */
#ifndef IRDA_IRLAP_H
#define IRDA_IRLAP_H

#include "irlap_frame.h"

#define IRLAP_TXQ_LEN     8     /* frames queued behind the window */
#define IRLAP_LOG_MAX     16    /* devices remembered from one discovery */

enum irlap_state {
    IRLAP_NDM,       /* normal disconnected mode                       */
    IRLAP_QUERY,     /* primary: discovery slots running               */
    IRLAP_REPLY,     /* secondary: taking part in a discovery          */
    IRLAP_SETUP,     /* primary: SNRM sent, awaiting UA                */
    IRLAP_CONN,      /* secondary: SNRM received, awaiting the user    */
    IRLAP_XMIT_P,    /* primary holds the line                         */
    IRLAP_RECV_P,    /* primary passed the poll, awaiting the F bit    */
    IRLAP_NRM_S,     /* secondary connected                            */
    IRLAP_PCLOSE,    /* primary: DISC sent, awaiting UA or DM          */
    IRLAP_SCLOSE,    /* secondary: RD sent, awaiting DISC              */
    IRLAP_STATE_COUNT
};
const char *irlap_state_name(enum irlap_state s);

/* Reasons given with disconnect_ind. */
enum irlap_reason {
    IRLAP_R_USER = 1,     /* requested locally                          */
    IRLAP_R_PEER,         /* the peer disconnected (DISC, RD, DM)       */
    IRLAP_R_LINK_LOST,    /* no answer within the link disconnect time  */
    IRLAP_R_NO_ANSWER,    /* connection attempt not answered            */
    IRLAP_R_REFUSED,      /* connection attempt answered with DM        */
    IRLAP_R_PROTOCOL,     /* FRMR or a negotiation failure              */
};

struct irlap_lower_ops {
    void *ctx;
    /* Send one frame (address + control + info, no FCS) preceded by xbofs extra BOFs. */
    void (*xmit)(void *ctx, const uint8_t *frame, size_t len, unsigned xbofs);
    /* Optional: the negotiated rate takes effect now (after the UA). */
    void (*set_speed)(void *ctx, uint32_t baud);
};

struct irlap_upper_ops {
    void *ctx;
    /* Primary: discovery finished; the log lists the devices that answered. */
    void (*discovery_cnf)(void *ctx, const struct irda_device_info *log, unsigned n);
    /* Secondary: a primary discovered us (its info comes with the final XID). */
    void (*discovery_ind)(void *ctx, const struct irda_device_info *primary);
    /* Secondary: a SNRM arrived; answer with irlap_connect_response() or irlap_disconnect_request(). */
    void (*connect_ind)(void *ctx, uint32_t daddr);
    /* Primary: the UA arrived; the link is up. */
    void (*connect_cnf)(void *ctx, uint32_t daddr);
    void (*data_ind)(void *ctx, const uint8_t *data, size_t len);
    void (*disconnect_ind)(void *ctx, enum irlap_reason reason);
    /* Room in the transmit queue again after IRDA_ERR_AGAIN. */
    void (*tx_ready)(void *ctx);
};

struct irlap_config {
    uint32_t saddr;                  /* own device address */
    struct irlap_qos qos;            /* masks offered in SNRM / UA */
    struct irda_device_info info;    /* own discovery info (hints, charset, nickname) */
    uint32_t slot_ms;                /* discovery slot timer (default 80) */
    uint32_t idle_poll_ms;           /* P timer when idle (default 100) */
    uint32_t f_extra_ms;             /* added to the peer's max turnaround for the F timer (default 100) */
    unsigned connect_retries;        /* SNRM / DISC retransmissions (default 3) */
};

struct irlap_stats {
    unsigned long tx_frames, rx_frames, rx_ignored, rx_bad;
    unsigned long retransmits, rej_sent, rej_rcvd, f_timeouts;
};

#define IRLAP_HEARD_MAX 8

struct irlap {
    enum irlap_state state;
    struct irlap_config cfg;
    struct irlap_lower_ops lower;
    struct irlap_upper_ops upper;
    struct irda_timer_ops timers;
    struct irda_rng_ops rng;

    uint32_t daddr;                  /* peer device address */
    uint8_t caddr;                   /* connection address (7-bit) */
    struct irlap_qos peer_qos;
    struct irlap_negotiated neg;
    unsigned xbofs;                  /* extra BOFs to send now */
    uint32_t f_ms, wd_ms;
    unsigned retries, max_retries;

    /* sequence state: va <= vs <= vt (mod 8), vt - va <= tx window */
    uint8_t vs, vr, va, vt;
    bool remote_busy, local_busy, reject_pending, rejected, ack_pending, want_disc;
    bool rnr_sent;                   /* our last RR/RNR said busy: the peer waits for an RR */
    uint16_t win_len[8];
    uint8_t win[8][IRLAP_MAX_DATA];
    unsigned txq_head, txq_count;
    uint16_t txq_len[IRLAP_TXQ_LEN];
    uint8_t txq[IRLAP_TXQ_LEN][IRLAP_MAX_DATA];
    bool tx_blocked;                 /* an upper layer saw IRDA_ERR_AGAIN */
    bool upper_waiting;              /* data above waits for the peer's flow control */
    uint32_t tx_air_bytes;           /* bytes sent since the last frame received (F timer) */

    /* discovery */
    uint8_t nslots, slot, my_slot;
    bool replied;
    uint32_t disc_primary;
    unsigned nlog;
    struct irda_device_info log[IRLAP_LOG_MAX];

    /* connection addresses heard on other stations' links (shared air) */
    uint8_t heard_caddr[IRLAP_HEARD_MAX];
    unsigned heard_next;

    /* deferred primitives (called from inside callbacks) */
    int depth;
    unsigned deferred;
    uint32_t req_daddr;
    uint8_t req_slots;

    struct irlap_stats stats;
};

void irlap_init(struct irlap *lap, const struct irlap_config *cfg,
                const struct irlap_lower_ops *lower, const struct irlap_upper_ops *upper,
                const struct irda_timer_ops *timers, const struct irda_rng_ops *rng);

/* Inputs. */
void irlap_frame_received(struct irlap *lap, const uint8_t *frame, size_t len);
void irlap_timer_expired(struct irlap *lap, unsigned timer_id);

/* Primitives. Return IRDA_OK or a negative IRDA_ERR_*. */
int irlap_discovery_request(struct irlap *lap, unsigned nslots);
int irlap_connect_request(struct irlap *lap, uint32_t daddr);
int irlap_connect_response(struct irlap *lap);
int irlap_disconnect_request(struct irlap *lap);
/* Queue one information field (at most irlap_max_data()); IRDA_ERR_AGAIN when full. */
int irlap_data_request(struct irlap *lap, const uint8_t *data, size_t len);
/* The layer above has data that waits for the peer's flow control (TinyTP
 * credit): only the peer can end that, and a secondary speaks only when
 * polled, so a primary then polls every IRLAP_WAITING_POLL_MS instead of
 * idle_poll_ms (a reader that paused got its credit back a whole idle
 * poll late). */
#define IRLAP_WAITING_POLL_MS 5
void irlap_set_upper_waiting(struct irlap *lap, bool waiting);
/* Send what is queued if this station holds the line (the stack calls it after each entry). */
void irlap_flush(struct irlap *lap);
/* Local busy: answer RNR instead of RR (receive buffers nearly exhausted:
 * the peer may still send what is in flight, up to a window).  The layer
 * above that receives without flow control of its own (IrLMP data without
 * TinyTP, irlpt.h) sets it; ending it sends RR at the next turn (a primary
 * polls within IRLAP_WAITING_POLL_MS). */
void irlap_set_busy(struct irlap *lap, bool busy);

bool irlap_is_connected(const struct irlap *lap);
bool irlap_is_primary(const struct irlap *lap);
size_t irlap_max_data(const struct irlap *lap);   /* peer's negotiated data size */
unsigned irlap_tx_space(const struct irlap *lap); /* free transmit queue slots */

#endif
