/*
 * irlmp.h - IrLMP (IrLMP 1.1): LSAP multiplexing over one IrLAP connection.
 *
 * LM-PDU (IrLMP 1.1 section 4.2): byte 0 = C bit (0x80, control PDU) | DLSAP-SEL,
 * byte 1 = reserved bit (0) | SLSAP-SEL. Control PDUs then carry an opcode
 * byte (bit 7 = A: confirm) and a parameter byte:
 *   0x01 connect (param reserved 0x00, user data follows)
 *   0x81 connect confirm (param reserved, user data follows)
 *   0x02 disconnect (param = reason, user data follows)
 *   0x03 access mode (param reserved, mode byte)
 *   0x83 access mode confirm (param = status, mode byte)
 *
 * Lower interface: an IrLAP station (irlap.h); IrLMP installs itself as its
 * upper layer (irlmp_lap_upper()). Upper interface: struct irlmp_lsap_ops,
 * one per LSAP. Each LSAP follows a transition table (irlmp.c), and so does
 * the link (STANDBY / U_CONNECT / ACTIVE).  Access mode (exclusive or
 * multiplexed, IrLMP 1.1 LM_AccessMode): irlmp_access.c.
 */
#ifndef IRDA_IRLMP_H
#define IRDA_IRLMP_H

#include "irlap.h"

#define IRLMP_LSAP_IAS        0x00
#define IRLMP_LSAP_MIN        0x01    /* first LSAP for services */
#define IRLMP_LSAP_MAX        0x6F    /* last LSAP for services  */
#define IRLMP_LSAP_CONNLESS   0x70
#define IRLMP_HDR_LEN         2
#define IRLMP_CTRL_LEN        4
#define IRLMP_MAX_LSAPS       32
#define IRLMP_TICK_MS         500
#define IRLMP_CONNECT_TICKS   20      /* LM connect answered within 10 s */
#define IRLMP_IDLE_TICKS      4       /* an unused link is closed after 2 s */
#define IRLMP_CTRLQ_LEN       8       /* control PDUs waiting for room in IrLAP */
#define IRLMP_CTRLQ_UD        64      /* user data kept with a waiting control PDU */

#define IRLMP_OP_CONNECT      0x01
#define IRLMP_OP_DISCONNECT   0x02
#define IRLMP_OP_ACCESS       0x03
#define IRLMP_OP_CONFIRM      0x80

/* Access mode PDUs: the mode byte, and the status of a confirm. */
#define IRLMP_MODE_MULTIPLEXED   0x00
#define IRLMP_MODE_EXCLUSIVE     0x01
#define IRLMP_ACCESS_SUCCESS     0x00
#define IRLMP_ACCESS_FAILURE     0x01
#define IRLMP_ACCESS_UNSUPPORTED 0xFF
/* User data of the disconnect that refuses a connection while another one
 * holds the link exclusively (reason 0xFF: the reason is ours). */
#define IRLMP_EXCLUSIVE_TEXT     "IrLMP: link in exclusive mode"

/* Disconnect reasons (IrLMP 1.1 4.2.x). */
enum irlmp_reason {
    IRLMP_R_USER          = 0x01,
    IRLMP_R_LAP_DISC      = 0x02,   /* unexpected IrLAP disconnect      */
    IRLMP_R_LAP_CONNFAIL  = 0x03,   /* failed to establish IrLAP link   */
    IRLMP_R_LAP_RESET     = 0x04,
    IRLMP_R_LM_INIT       = 0x05,   /* link management initiated        */
    IRLMP_R_DISCONNECTED  = 0x06,   /* data sent on a disconnected LSAP */
    IRLMP_R_NONRESPONSIVE = 0x07,   /* non-responsive LM-MUX client     */
    IRLMP_R_NO_CLIENT     = 0x08,   /* no available LM-MUX client       */
    IRLMP_R_HALF_OPEN     = 0x09,
    IRLMP_R_ILLEGAL_SRC   = 0x0A,
    IRLMP_R_UNSPECIFIED   = 0xFF,
    /* Not on the wire (above 0xFF): reported to this side's user only. */
    IRLMP_R_LOCAL_VIOLATION = 0x100, /* this side ended the connection: the peer broke the protocol */
};

struct irlmp_pdu {
    bool control;
    uint8_t dlsap, slsap;
    uint8_t opcode;          /* control: without the A bit */
    bool confirm;            /* control: A bit */
    uint8_t param;           /* control: reason / status / reserved */
    uint8_t mode;            /* access mode PDUs */
    const uint8_t *data;     /* user data */
    size_t len;
};
int irlmp_pdu_decode(const uint8_t *buf, size_t len, struct irlmp_pdu *p);
int irlmp_pdu_encode(uint8_t *out, size_t cap, const struct irlmp_pdu *p);

enum irlmp_lsap_state {
    IRLMP_L_FREE, IRLMP_L_LISTEN, IRLMP_L_CONNECT_PEND, IRLMP_L_SETUP,
    IRLMP_L_SETUP_PEND, IRLMP_L_DATA,
    IRLMP_L_ACCESS_PEND,                 /* connected, an access mode request awaits its confirm */
    IRLMP_L_STATE_COUNT
};
enum irlmp_link_state { IRLMP_LINK_STANDBY, IRLMP_LINK_U_CONNECT, IRLMP_LINK_ACTIVE, IRLMP_LINK_STATE_COUNT };

struct irlmp;
struct irlmp_lsap;

struct irlmp_lsap_ops {
    void *ctx;
    /* Listening LSAP: a connection arrived on `conn` (a new LSAP object);
     * answer with irlmp_connect_response(conn) or irlmp_disconnect_request(conn). */
    void (*connect_ind)(void *ctx, struct irlmp_lsap *listener, struct irlmp_lsap *conn,
                        const uint8_t *ud, size_t len);
    void (*connect_cnf)(void *ctx, struct irlmp_lsap *l, const uint8_t *ud, size_t len);
    void (*data_ind)(void *ctx, struct irlmp_lsap *l, const uint8_t *data, size_t len);
    /* After this call the LSAP object is free: do not use it again. */
    void (*disconnect_ind)(void *ctx, struct irlmp_lsap *l, enum irlmp_reason r,
                           const uint8_t *ud, size_t len);
    void (*tx_ready)(void *ctx, struct irlmp_lsap *l);
    /* The answer to irlmp_access_request: status IRLMP_ACCESS_*, the mode
     * the connection is now in (a local time-out: IRLMP_ACCESS_FAILURE). */
    void (*access_cnf)(void *ctx, struct irlmp_lsap *l, uint8_t status, uint8_t mode);
    /* The peer changed the connection's access mode (granted here). */
    void (*access_ind)(void *ctx, struct irlmp_lsap *l, uint8_t mode);
};

struct irlmp_lsap {
    struct irlmp *lmp;
    bool used;                           /* allocated (irlmp_open or incoming connection) */
    enum irlmp_lsap_state state;
    uint8_t slsap, dlsap;
    uint32_t daddr;
    unsigned ticks;                      /* connect time-out countdown */
    struct irlmp_lsap_ops ops;
    void *user;                          /* free for the layer above */
    uint16_t ud_len;                     /* connect user data kept while the link comes up */
    uint8_t ud[64];
    uint8_t access_want;                 /* mode asked for in IRLMP_L_ACCESS_PEND */
};

struct irlmp_upper_ops {                 /* station-wide indications */
    void *ctx;
    void (*discovery_cnf)(void *ctx, const struct irda_device_info *log, unsigned n);
    void (*link_down)(void *ctx, enum irlap_reason r);
};

struct irlmp {
    struct irlap *lap;
    enum irlmp_link_state link;
    uint32_t link_daddr;
    unsigned idle_ticks;
    bool ticking;
    struct irda_timer_ops timers;
    struct irlmp_upper_ops upper;
    struct irlmp_lsap lsaps[IRLMP_MAX_LSAPS];
    uint8_t next_lsap;                   /* IRLMP_LSAP_ANY allocation goes round from here */
    /* the connection holding the link in exclusive mode, or NULL: no other
     * LSAP connection is set up while it is held (irlmp_access.c) */
    struct irlmp_lsap *exclusive;
    unsigned long exclusive_refused;     /* connects refused for it, both ways */
    /* control PDUs (connect, confirm, disconnect) never dropped when IrLAP
     * is full: kept here, in order, ahead of any later data */
    unsigned ctrlq_head, ctrlq_count;
    uint8_t ctrlq_len[IRLMP_CTRLQ_LEN];
    uint8_t ctrlq[IRLMP_CTRLQ_LEN][IRLMP_CTRL_LEN + IRLMP_CTRLQ_UD];
    unsigned long ctrl_dropped;
    unsigned ndisc;
    struct irda_device_info disc_log[IRLAP_LOG_MAX];
    unsigned long rx_bad;
};

void irlmp_init(struct irlmp *lmp, struct irlap *lap, const struct irda_timer_ops *timers,
                const struct irlmp_upper_ops *upper);
/* The upper-ops structure to give to irlap_init() for this IrLMP. */
struct irlap_upper_ops irlmp_lap_upper(struct irlmp *lmp);
void irlmp_timer_expired(struct irlmp *lmp, unsigned id);

int irlmp_discovery_request(struct irlmp *lmp, unsigned nslots);

/* Open an LSAP: slsap 0x00..0x6F, or IRLMP_LSAP_ANY for a free one in
 * IRLMP_LSAP_MIN..MAX (several connections may share a local LSAP number;
 * a listener must be unique). NULL when none is left. IRLMP_LSAP_ANY goes
 * round the range rather than taking the lowest free number, so that a
 * number just released is not handed out again while PDUs of its old
 * connection may still be in flight. */
#define IRLMP_LSAP_ANY (-1)
struct irlmp_lsap *irlmp_open(struct irlmp *lmp, int slsap, const struct irlmp_lsap_ops *ops);
int irlmp_listen(struct irlmp_lsap *l);
/* Connect to (daddr, dlsap); brings the IrLAP link up when needed. */
int irlmp_connect_request(struct irlmp_lsap *l, uint32_t daddr, uint8_t dlsap,
                          const uint8_t *ud, size_t len);
int irlmp_connect_response(struct irlmp_lsap *l, const uint8_t *ud, size_t len);
/* Disconnects (if connected) and frees the LSAP; no disconnect_ind follows. */
int irlmp_disconnect_request(struct irlmp_lsap *l, const uint8_t *ud, size_t len);
/* A disconnect with a reason other than "user request", so that the peer
 * can tell an abort (an application's hard close) from an orderly close. */
int irlmp_abort_request(struct irlmp_lsap *l, enum irlmp_reason reason);
/* The same with user data in the disconnect LM-PDU (a diagnostic for the peer). */
int irlmp_disconnect_with(struct irlmp_lsap *l, enum irlmp_reason reason,
                          const uint8_t *ud, size_t len);
void irlmp_close(struct irlmp_lsap *l);
int irlmp_data_request(struct irlmp_lsap *l, const uint8_t *data, size_t len);
size_t irlmp_max_sdu(const struct irlmp_lsap *l);
/* LM_AccessMode.request on a connected LSAP: mode IRLMP_MODE_EXCLUSIVE
 * (refused at once, IRDA_ERR_BUSY, while any other LSAP connection uses
 * the link) or IRLMP_MODE_MULTIPLEXED; the peer's confirm comes as
 * access_cnf.  IRDA_ERR_STATE when not connected or a request is pending. */
int irlmp_access_request(struct irlmp_lsap *l, uint8_t mode);
/* The connection holding the link exclusively (NULL: multiplexed). */
const struct irlmp_lsap *irlmp_exclusive_holder(const struct irlmp *lmp);
/* Whether a new LSAP connection is refused: one holds the link
 * exclusively, or is asking for it. */
bool irlmp_link_held(const struct irlmp *lmp);
bool irlmp_lsap_in_use(const struct irlmp *lmp, uint8_t slsap);

#endif
