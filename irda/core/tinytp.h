/*
 * tinytp.h - TinyTP (IrDA TinyTP 1.1): credit-based flow control and
 * segmentation and reassembly over one IrLMP LSAP connection.
 *
 * Connect TTP-PDU (carried as IrLMP connect user data, TinyTP 1.1 2.2.x):
 *   byte 0 = P bit (0x80: parameters follow) | initial credit (7 bits)
 *   if P: byte 1 = length of the parameter list, then PI PL PV...;
 *   PI 0x01 = MaxSduSize, PL 1..4, PV big-endian: the largest SDU the sender
 *   of the parameter will reassemble. No parameter (P = 0) or MaxSduSize 0:
 *   the sender does not take segmented SDUs (each SDU is one PDU).
 * Data TTP-PDU: byte 0 = M bit (0x80: more segments follow) | delta credit.
 * A PDU without user data (a credit-only PDU) consumes no credit.
 *
 * Hostile or broken peers.  Each of these is a protocol violation that ends
 * the connection at once (ttp_violation): a data PDU sent without credit, a
 * PDU with no TinyTP header, a PDU longer than the negotiated IrLAP data
 * size allows, segments (M bit) when no SAR was offered, an SDU beyond the
 * offered MaxSduSize, and credit grants that would put more than
 * TTP_SEND_CREDIT_MAX PDUs in our hands.  The peer gets an IrLMP disconnect
 * with reason 0xFF ("unspecified") and a one-line diagnostic as user data;
 * this side's user gets disconnect_ind with IRLMP_R_LOCAL_VIOLATION and
 * ttp.violation says which rule was broken.  (TinyTP lets a receiver hand
 * up a cut SDU with a "truncated" status; a byte stream cannot carry such
 * a status, so here it is a violation, not silent loss.)
 *
 * Lower interface: an IrLMP LSAP (struct irlmp_lsap_ops installed by
 * TinyTP). Upper interface: struct ttp_ops.
 */
#ifndef IRDA_TINYTP_H
#define IRDA_TINYTP_H

#include "irlmp.h"

#define TTP_P_BIT          0x80
#define TTP_M_BIT          0x80
#define TTP_CREDIT_MASK    0x7F
#define TTP_PI_MAX_SDU     0x01
#define TTP_HDR_LEN        1
#define TTP_TXBUF          16384        /* queued PDUs waiting for credit */
#define TTP_MAX_RX_SDU     16384        /* largest SDU reassembled */
/* Credit a peer may put in our hands.  A receiver grants one credit per PDU
 * it has room for, and our own stacks grant at most 127; no receiver holds
 * room for 1024 PDUs of a connection (2 MiB at 2 KiB frames), so a peer
 * that grants more is counting wrong or attacking the counter. */
#define TTP_SEND_CREDIT_MAX 1024

enum ttp_violation {
    TTP_V_NONE,
    TTP_V_NO_CREDIT,          /* data PDU while the peer held no credit */
    TTP_V_EMPTY_PDU,          /* LM data without the TinyTP header byte */
    TTP_V_PDU_TOO_LONG,       /* more user data than the negotiated frame allows */
    TTP_V_UNOFFERED_SAR,      /* M bit set although we offered no SAR (MaxSduSize 0) */
    TTP_V_SDU_TOO_LONG,       /* reassembled SDU beyond the MaxSduSize we offered */
    TTP_V_CREDIT_OVERFLOW,    /* grants beyond TTP_SEND_CREDIT_MAX */
    TTP_V_RX_OVERFLOW,        /* the layer above had no room (reported by it) */
    TTP_V_UPPER_FRAME,        /* the layer above found an SDU malformed (IrCOMM: clen past the end) */
};
/* One line naming the rule (also the disconnect's user data). */
const char *ttp_violation_text(enum ttp_violation v);

struct ttp_params {
    uint8_t credit;                     /* initial credit */
    bool has_max_sdu;
    uint32_t max_sdu;
};
/* Encode a connect PDU with parameters when sar (max_sdu) is given. */
int ttp_connect_pdu_encode(uint8_t *out, size_t cap, uint8_t credit, bool has_max_sdu,
                           uint32_t max_sdu, const uint8_t *ud, size_t len);
int ttp_connect_pdu_decode(const uint8_t *b, size_t len, struct ttp_params *p,
                           const uint8_t **ud, size_t *ud_len);

struct ttp;
struct ttp_ops {
    void *ctx;
    /* On a listening TTP: a connection arrived on conn; accept with ttp_accept() on a
     * fresh struct ttp, or refuse with irlmp_disconnect_request(conn). */
    void (*connect_ind)(void *ctx, struct ttp *listener, struct irlmp_lsap *conn,
                        const struct ttp_params *peer, const uint8_t *ud, size_t len);
    void (*connect_cnf)(void *ctx, struct ttp *t, const uint8_t *ud, size_t len);
    void (*data_ind)(void *ctx, struct ttp *t, const uint8_t *sdu, size_t len);
    /* The TTP is closed after this call. */
    void (*disconnect_ind)(void *ctx, struct ttp *t, enum irlmp_reason r,
                           const uint8_t *ud, size_t len);
    void (*tx_ready)(void *ctx, struct ttp *t);
};

enum ttp_state { TTP_CLOSED, TTP_LISTEN, TTP_CONNECTING, TTP_OPEN, TTP_CLOSING };

struct ttp {
    enum ttp_state state;
    struct irlmp *lmp;
    struct irlmp_lsap *lsap;
    struct ttp_ops ops;
    void *user;
    uint32_t rx_max_sdu;                /* what we reassemble (0: no SAR) */
    uint32_t tx_max_sdu;                /* what the peer reassembles (0: no SAR) */
    bool tx_sar;
    unsigned send_credit;               /* PDUs we may send */
    unsigned remote_credit;             /* PDUs the peer may send us */
    unsigned avail_credit;              /* credit not yet given to the peer */
    unsigned rx_window;                 /* credit the peer should hold */
    bool rx_space_set;                  /* byte budget in use (ttp_set_rx_space) */
    size_t rx_space;                    /* bytes the layer above can still take */
    uint8_t initial_credit;
    /* transmit FIFO of records: len (2) | M (1) | data */
    size_t tx_head, tx_used;
    bool tail_single;                   /* the last record is a whole SDU in one PDU */
    size_t tail_at;                     /* where that record starts */
    uint8_t txbuf[TTP_TXBUF];
    enum ttp_violation violation;       /* what ended the connection, if the peer broke a rule */
    /* reassembly */
    size_t rx_len;
    uint8_t rxbuf[TTP_MAX_RX_SDU];
    unsigned long rx_pdus, tx_pdus, credit_pdus, protocol_errors;
};

/* Prepare t on a local LSAP (IRLMP_LSAP_ANY or a number). rx_max_sdu 0 = no SAR. */
int ttp_open(struct ttp *t, struct irlmp *lmp, int slsap, const struct ttp_ops *ops,
             uint32_t rx_max_sdu, uint8_t initial_credit);
int ttp_listen(struct ttp *t);
int ttp_connect(struct ttp *t, uint32_t daddr, uint8_t dlsap, const uint8_t *ud, size_t len);
int ttp_accept(struct ttp *t, struct irlmp_lsap *conn, const struct ttp_ops *ops,
               uint32_t rx_max_sdu, uint8_t initial_credit, const struct ttp_params *peer,
               const uint8_t *ud, size_t len);
/* Queue one SDU (segmented as needed); IRDA_ERR_AGAIN when the FIFO is full. */
int ttp_send(struct ttp *t, const uint8_t *sdu, size_t len);
/* Byte-stream use only (SDU boundaries are not kept): adds up to len bytes
 * to the last queued SDU when it is one PDU still waiting in the FIFO (no
 * credit or IrLAP full) and has room, so that small writes made while the
 * link is busy leave in full PDUs. Returns the bytes taken (0: none). */
size_t ttp_append(struct ttp *t, const uint8_t *data, size_t len);
/* graceful: disconnect once queued data is handed to IrLMP; otherwise at once. */
int ttp_disconnect(struct ttp *t, bool graceful, const uint8_t *ud, size_t len);
/* Drops what is queued and disconnects with reason "unspecified": the
 * peer sees a reset, not an end of stream (a hard close, SO_LINGER {1,0}). */
int ttp_abort(struct ttp *t);
/* Ends the connection for the peer's protocol violation v (see above);
 * also for the layer above, from inside data_ind, when the peer sent more
 * than it had room for (TTP_V_RX_OVERFLOW).  disconnect_ind follows at once
 * with IRLMP_R_LOCAL_VIOLATION. */
void ttp_violation(struct ttp *t, enum ttp_violation v);
/* Number of PDUs the peer may have outstanding (credit policy of the layer above). */
void ttp_set_rx_window(struct ttp *t, unsigned credits);
/* Byte-based credit policy (replaces the window above): the layer above can
 * take `bytes` more. The peer is given credit only for as many full PDUs as
 * fit in that room less what TinyTP holds in reassembly, so nothing it sends
 * within its credit can overflow the layer above. Call again whenever the
 * room changes (an SDU delivered, the application read). */
void ttp_set_rx_space(struct ttp *t, size_t bytes);
size_t ttp_max_pdu_data(const struct ttp *t);    /* user bytes per PDU */
size_t ttp_max_sdu(const struct ttp *t);         /* largest SDU ttp_send takes */
size_t ttp_tx_queued(const struct ttp *t);       /* bytes queued, headers included */
bool ttp_tx_room(const struct ttp *t, size_t sdu_len);

#endif
