/*
 * stack.h - one IrDA station: SIR framing + IrLAP + IrLMP + IAS (server and
 * client) + TinyTP, with socket-level primitives for the AF_IRDA provider.
 *
 * THREADING CONTRACT. The stack has no threads, locks or clock. The
 * embedding serialises every call into one struct irda_stack (one lock
 * around each call is enough), and callbacks (irda_stack_ops) are made from
 * inside those calls, with that lock held: a callback must not call back
 * into the stack; it records what happened (sets an event, wakes a waiter)
 * and returns. Time only moves when the embedding says so.
 *
 * Driving it:
 *   - at every wake-up call irda_stack_set_time(now_ms) first (monotonic
 *     milliseconds); it fires every timer that is due;
 *   - bytes from the medium: irda_stack_input();
 *   - sleep until irda_stack_next_deadline() (or until bytes arrive or an
 *     application call comes in);
 *   - bytes for the medium come out through ops.medium_write (SIR-framed).
 */
#ifndef IRDA_STACK_H
#define IRDA_STACK_H

#include "sir.h"
#include "irlap.h"
#include "irlmp.h"
#include "ias.h"
#include "tinytp.h"
#include "irlpt.h"
#include "ircomm.h"
#include "pcap.h"
#include "hints.h"

#define IRDA_STACK_MAX_CONN   16
#define IRDA_STACK_RXBUF      65536     /* per connection: credit for 4 windows of 7 x 2 KiB */
#define IRDA_STACK_BACKLOG    8
#define IRDA_STACK_RX_SDU     8192      /* MaxSduSize offered in TinyTP connects */
#define IRDA_STACK_RX_FRAMES  256       /* IrLPT: frames held in the receive ring */

enum irda_stack_event_kind {
    IRDA_EV_DISCOVERY_DONE,   /* status, ndevices; list: irda_stack_devices() */
    IRDA_EV_IAS_DONE,         /* status (IRDA_OK or error), ias (when status == IRDA_OK) */
    IRDA_EV_CONNECTED,        /* handle: an outgoing connection is open */
    IRDA_EV_CONNECT_FAILED,   /* handle, reason: refused or unanswered; the handle stays until closed */
    IRDA_EV_INCOMING,         /* handle = listener: irda_stack_accept() has one */
    IRDA_EV_READABLE,         /* handle: data (or the end of the stream) to read */
    IRDA_EV_WRITABLE,         /* handle: room to send again */
    IRDA_EV_DISCONNECTED,     /* handle, reason: the peer or the link went away */
};

struct irda_stack_event {
    enum irda_stack_event_kind kind;
    int handle;
    int status;
    int reason;               /* enum irlmp_reason */
    unsigned ndevices;
    const struct ias_result *ias;
};

struct irda_stack_ops {
    void *ctx;
    void (*medium_write)(void *ctx, const uint8_t *bytes, size_t len);
    void (*set_speed)(void *ctx, uint32_t baud);          /* optional */
    void (*event)(void *ctx, const struct irda_stack_event *ev);
    uint32_t (*random)(void *ctx);
};

struct irda_stack_config {
    uint32_t saddr;                 /* device address (random non-zero if 0) */
    const char *nickname;           /* ASCII / ISO-8859-1 */
    uint8_t charset;
    uint8_t hints[2];               /* hint bytes (0 = default: computer) */
    struct irlap_qos qos;           /* 0 = defaults: 9600-115200, 2048 bytes, window 7 */
    uint32_t slot_ms, idle_poll_ms; /* IrLAP timers (0 = defaults) */
};

enum irda_conn_kind { IRDA_CONN_FREE, IRDA_CONN_LISTENER, IRDA_CONN_STREAM };
/* What a connection speaks above IrLMP: TinyTP (the AF_IRDA default), or
 * IrLMP data directly (IrLPT mode, irlpt.h: one frame per send, frames
 * handed up whole, IrLAP's RNR as flow control), or IrCOMM 9-wire cooked
 * over TinyTP (IRLMP_9WIRE_MODE, ircomm.h; asked for with
 * IRDA_MODE_9WIRE, held as IRDA_MODE_TINYTP with ircomm set: every SDU
 * carries its control length and parameters, which never reach the
 * ring). */
enum irda_conn_mode { IRDA_MODE_TINYTP, IRDA_MODE_IRLPT, IRDA_MODE_9WIRE };

struct irda_conn {
    enum irda_conn_kind kind;
    bool connecting, open, peer_closed, local_closed;
    int reason;
    uint32_t daddr;
    uint8_t lsap, dlsap;
    enum irda_conn_mode mode;
    struct ttp ttp;                 /* IRDA_MODE_TINYTP */
    struct lpt lpt;                 /* IRDA_MODE_IRLPT */
    bool ircomm;                    /* TinyTP carrying IrCOMM 9-wire frames */
    struct ircomm_peer ircomm_peer; /* what the peer's control channel said */
    /* listener */
    unsigned nbacklog, backlog_max;
    int backlog[IRDA_STACK_BACKLOG];
    /* stream receive ring */
    size_t rx_head, rx_used;
    uint8_t rx[IRDA_STACK_RXBUF];
    /* IrLPT: bytes left of each frame in the ring, oldest first (a read
     * ends at a frame's end: frames are handed up as they came) */
    unsigned rx_nframes, rx_frame_head;
    uint16_t rx_frame[IRDA_STACK_RX_FRAMES];
};

struct irda_stack {
    struct irda_stack_ops ops;
    uint64_t now;
    bool armed[IRDA_T_COUNT];
    uint64_t deadline[IRDA_T_COUNT];
    struct sir_deframer rx;
    struct irlap lap;
    struct irlmp lmp;
    struct ias_db ias_db;
    struct ias_server ias_srv;
    struct ias_client ias_cli;
    bool discovering;
    unsigned ndev;
    struct irda_device_info devs[IRLAP_LOG_MAX];
    struct irda_pcap *pcap;
    uint64_t pcap_epoch_us;
    struct irda_conn conns[IRDA_STACK_MAX_CONN];
    uint8_t txbuf[SIR_MAX_XBOFS + 2 * (IRLAP_MAX_FRAME + 2) + 2];
};

int irda_stack_init(struct irda_stack *st, const struct irda_stack_config *cfg,
                    const struct irda_stack_ops *ops);

/* Inputs from the embedding. */
void irda_stack_set_time(struct irda_stack *st, uint64_t now_ms);
void irda_stack_input(struct irda_stack *st, const uint8_t *bytes, size_t len);
bool irda_stack_next_deadline(const struct irda_stack *st, uint64_t *deadline_ms);

/* Capture every frame sent and received (NULL stops). The irda_pcap must be
 * opened; records are stamped epoch_us + now_ms * 1000 (epoch_us: the wall
 * clock in microseconds at now_ms == 0, or 0 for times since the start). */
void irda_stack_set_capture(struct irda_stack *st, struct irda_pcap *pcap, uint64_t epoch_us);

/* The service hint bytes advertised in discovery from now on (hints.h;
 * without the extension bits).  hints2 0: one byte only. */
void irda_stack_set_hints(struct irda_stack *st, uint8_t hints1, uint8_t hints2);

/* Discovery: IRDA_EV_DISCOVERY_DONE follows; IRDA_ERR_BUSY while one runs. */
int irda_stack_discover(struct irda_stack *st, unsigned nslots);
unsigned irda_stack_devices(const struct irda_stack *st, struct irda_device_info *out, unsigned max);

/* IAS: local database and remote queries (IRDA_EV_IAS_DONE follows). */
int irda_stack_ias_set(struct irda_stack *st, const char *cls, const char *attr,
                       const struct ias_value *v);
int irda_stack_ias_remove(struct irda_stack *st, const char *cls, const char *attr);
int irda_stack_ias_query(struct irda_stack *st, uint32_t daddr, const char *cls, const char *attr);

/* Connections (handles are small positive integers). */
int irda_stack_listen(struct irda_stack *st, int lsap, unsigned backlog, int *handle);
int irda_stack_lsap_of(const struct irda_stack *st, int handle);
int irda_stack_accept(struct irda_stack *st, int listener, int *handle);
int irda_stack_connect(struct irda_stack *st, uint32_t daddr, uint8_t dlsap, int *handle);
/* The same in a mode (irda_stack_listen/connect: IRDA_MODE_TINYTP).  An
 * IrLPT listener accepts only IrLMP connects without user data (not
 * TinyTP's), an IrLPT connect sends none; irda_stack_send then takes one
 * frame (IRDA_ERR_RANGE beyond irda_stack_send_pdu_len, nothing sent) and
 * irda_stack_recv returns at most the rest of the oldest frame.  A 9-wire
 * connection (IRDA_MODE_9WIRE) is a TinyTP stream without SAR whose
 * frames carry IrCOMM's control length (stack_ircomm.c); the peer's
 * control parameters are in irda_stack_conn()->ircomm_peer. */
int irda_stack_listen_mode(struct irda_stack *st, int lsap, unsigned backlog,
                           enum irda_conn_mode mode, int *handle);
int irda_stack_connect_mode(struct irda_stack *st, uint32_t daddr, uint8_t dlsap,
                            enum irda_conn_mode mode, int *handle);
/* Whether a connection (or IAS query) to daddr can start now.  A station has
 * one IrLAP link: IRDA_OK when it is free or already up to daddr;
 * IRDA_ERR_INUSE when it is up to another device with connections open on
 * it (they must close first), or held by a connection in exclusive mode
 * (irlmp_access.c); IRDA_ERR_BUSY while discovery runs or the
 * link to another device is being set up or let go (a moment). */
int irda_stack_can_connect(const struct irda_stack *st, uint32_t daddr);
/* IRLMP_EXCLUSIVE_MODE (stack_exclusive.c): an open connection asks IrLMP
 * for its link exclusively (IRDA_ERR_BUSY at once when other connections
 * share the link; IRDA_ERR_AGAIN when those are only closed sockets'
 * connections sending their last data, or an IAS query: ask again).  While a connection holds it, irda_stack_can_connect
 * answers IRDA_ERR_INUSE for every device and new connections, IAS
 * queries included, are refused on both stations. */
int irda_stack_request_exclusive(struct irda_stack *st, int handle);
/* 1 the connection holds the link, 0 the peer has not answered yet,
 * IRDA_ERR_INUSE refused (or given up), IRDA_ERR_STATE not connected. */
int irda_stack_exclusive_state(const struct irda_stack *st, int handle);
/* Returns bytes taken (> 0), or IRDA_ERR_AGAIN / IRDA_ERR_STATE (IrLPT: IRDA_ERR_RANGE too). */
int irda_stack_send(struct irda_stack *st, int handle, const uint8_t *data, size_t len);
/* Returns bytes read (> 0), 0 at the end of the stream, IRDA_ERR_AGAIN, or an error. */
int irda_stack_recv(struct irda_stack *st, int handle, uint8_t *buf, size_t len);
size_t irda_stack_rx_available(const struct irda_stack *st, int handle);
size_t irda_stack_tx_queued(const struct irda_stack *st, int handle);
/* graceful: queued data is delivered before the disconnect; the handle is freed. */
int irda_stack_close(struct irda_stack *st, int handle, bool graceful);
/* IRLMP_SEND_PDU_LEN: largest user payload of one TinyTP PDU on this
 * connection (IrLPT: of one IrLMP data frame; 9-wire: less the control
 * length byte). */
int irda_stack_send_pdu_len(const struct irda_stack *st, int handle);
const struct irda_conn *irda_stack_conn(const struct irda_stack *st, int handle);

#endif
