/*
 * irlap_frame.h - IrLAP frame codec (IrLAP 1.1 sections 5 and 6).
 *
 * Frame = address byte (7-bit connection address << 1 | C/R) + control byte
 * + information field. The FCS is handled by the physical layer (sir.h).
 * All decoders are strict: they check every length before reading and return
 * a negative IRDA_ERR_* code on malformed input.
 */
#ifndef IRDA_IRLAP_FRAME_H
#define IRDA_IRLAP_FRAME_H

#include "irda_common.h"

#define IRLAP_CADDR_BCAST  0x7F    /* broadcast connection address       */
#define IRLAP_CR_BIT       0x01    /* in the address byte: 1 = command   */
#define IRLAP_PF_BIT       0x10    /* in the control byte                */
#define IRLAP_MAX_DATA     2048    /* largest information field          */
#define IRLAP_MAX_FRAME    (2 + IRLAP_MAX_DATA)

/* Control field values with the P/F bit clear (IrLAP 1.1 6.2 / 6.3 / 6.4). */
#define IRLAP_C_RR      0x01
#define IRLAP_C_RNR     0x05
#define IRLAP_C_REJ     0x09
#define IRLAP_C_SREJ    0x0D
#define IRLAP_C_SNRM    0x83   /* command; as a response it is RNRM    */
#define IRLAP_C_DISC    0x43   /* command; as a response it is RD      */
#define IRLAP_C_UI      0x03
#define IRLAP_C_XID_CMD 0x2F
#define IRLAP_C_XID_RSP 0xAF
#define IRLAP_C_TEST    0xE3
#define IRLAP_C_UA      0x63
#define IRLAP_C_FRMR    0x87
#define IRLAP_C_DM      0x0F

enum irlap_kind {
    IRLAP_K_I, IRLAP_K_RR, IRLAP_K_RNR, IRLAP_K_REJ, IRLAP_K_SREJ,
    IRLAP_K_SNRM, IRLAP_K_DISC, IRLAP_K_UI, IRLAP_K_XID_CMD, IRLAP_K_TEST,
    IRLAP_K_UA, IRLAP_K_FRMR, IRLAP_K_DM, IRLAP_K_RD, IRLAP_K_RNRM,
    IRLAP_K_XID_RSP,
    IRLAP_K_COUNT
};
const char *irlap_kind_name(enum irlap_kind k);

struct irlap_frame {
    uint8_t caddr;           /* 7-bit connection address */
    bool cmd;                /* C/R bit: command (from the primary) */
    bool pf;                 /* poll / final */
    enum irlap_kind kind;
    uint8_t control;         /* raw control byte */
    uint8_t ns, nr;          /* I: ns and nr; S: nr */
    const uint8_t *info;     /* points into the decoded buffer */
    size_t info_len;
};

/* Decode address and control; checks direction and information length rules. */
int irlap_frame_decode(const uint8_t *buf, size_t len, struct irlap_frame *f);
/* Encode a frame; returns its length or a negative error. */
int irlap_frame_encode(uint8_t *out, size_t cap, uint8_t caddr, bool cmd,
                       enum irlap_kind kind, bool pf, uint8_t ns, uint8_t nr,
                       const uint8_t *info, size_t info_len);

/* ---- XID discovery frames (IrLAP 1.1 6.3.2 / 6.4.2) ---- */
#define IRLAP_XID_FI          0x01
#define IRLAP_XID_SLOT_FINAL  0xFF
#define IRLAP_XID_NEWADDR     0x04   /* discovery flag: generate new device address */
#define IRLAP_DISCINFO_MAX    32
#define IRLAP_XID_HDR_LEN     12     /* FI + saddr + daddr + flags + slot + version */

struct irlap_xid {
    uint32_t saddr, daddr;
    uint8_t nslots;          /* 1, 6, 8 or 16 */
    bool new_addr;
    uint8_t slot;            /* slot number, 0xFF in the final command */
    uint8_t version;
    const uint8_t *info;     /* discovery info (may be empty) */
    size_t info_len;
};
int irlap_slots_to_code(unsigned nslots);   /* -> 0..3 or IRDA_ERR_RANGE */
int irlap_xid_decode(const uint8_t *info, size_t len, bool cmd, struct irlap_xid *x);
int irlap_xid_encode(uint8_t *out, size_t cap, const struct irlap_xid *x);

/* Discovery info: hint bytes (bit 7 = another follows), charset, nickname
 * (IrLMP 1.1 3.4.2 carries it; the format is fixed there). */
int irda_devinfo_decode(const uint8_t *p, size_t len, struct irda_device_info *d);
int irda_devinfo_encode(const struct irda_device_info *d, uint8_t *out, size_t cap);

/* ---- negotiation parameters (IrLAP 1.1 6.6) ---- */
#define IRLAP_PI_BAUD       0x01   /* type 0 */
#define IRLAP_PI_MAX_TURN   0x82   /* type 1 */
#define IRLAP_PI_DATA_SIZE  0x83
#define IRLAP_PI_WINDOW     0x84
#define IRLAP_PI_XBOFS      0x85
#define IRLAP_PI_MIN_TURN   0x86
#define IRLAP_PI_LINK_DISC  0x08   /* type 0 */

/* Each field is the bit mask a station advertises. */
struct irlap_qos {
    uint16_t baud;       /* b0 2400 b1 9600 b2 19200 b3 38400 b4 57600 b5 115200 b6 576k b7 1.152M b8 4M */
    uint8_t max_turn;    /* b0 500 ms b1 250 b2 100 b3 50 */
    uint8_t data_size;   /* b0 64 .. b5 2048 bytes */
    uint8_t window;      /* b0 1 .. b6 7 frames */
    uint8_t xbofs;       /* b0 48 b1 24 b2 12 b3 5 b4 3 b5 2 b6 1 b7 0 (at 115200 bit/s) */
    uint8_t min_turn;    /* b0 10 ms b1 5 b2 1 b3 0.5 b4 0.1 b5 0.05 b6 0.01 b7 0 */
    uint8_t link_disc;   /* b0 3 s b1 8 b2 12 b3 16 b4 20 b5 25 b6 30 b7 40 */
};
/* The defaults that apply to a parameter a station leaves out (IrLAP 6.6). */
void irlap_qos_default(struct irlap_qos *q);
int irlap_qos_encode(const struct irlap_qos *q, uint8_t *out, size_t cap);
/* Starts from the defaults; unknown PIs are skipped; duplicates, zero masks
 * and wrong lengths of known PIs are rejected. */
int irlap_qos_decode(const uint8_t *p, size_t len, struct irlap_qos *q);

struct irlap_negotiated {
    /* type 0: the same for both stations */
    uint32_t baud;            /* bit/s */
    uint32_t link_disc_ms;
    /* type 1: what this station must respect when it transmits (the peer's values) */
    uint16_t tx_data_size;
    uint8_t  tx_window;
    uint16_t tx_xbofs;        /* additional BOFs at the negotiated baud rate */
    uint32_t tx_min_turn_us;
    uint32_t peer_max_turn_ms;
    /* and what the peer will respect (our own values) */
    uint16_t rx_data_size;
    uint8_t  rx_window;
};
/*
 * Negotiation: type 0 parameters (baud rate, link disconnect) take the
 * intersection of both masks and its highest bit (the fastest common rate,
 * the longest common disconnect time); an empty intersection fails.
 * Type 1 parameters are each station's own: a station transmits within what
 * the peer advertised (largest data size and window, fewest BOFs and shortest
 * minimum turnaround the peer accepts; the longest maximum turnaround).
 */
int irlap_qos_negotiate(const struct irlap_qos *local, const struct irlap_qos *remote,
                        struct irlap_negotiated *out);
unsigned irlap_xbofs_at(unsigned xbofs_115200, uint32_t baud);

/* SNRM information field: saddr, daddr, new connection address, parameters. */
struct irlap_snrm {
    bool has_info;
    uint32_t saddr, daddr;
    uint8_t ncaddr;          /* 7-bit */
    struct irlap_qos qos;
};
int irlap_snrm_decode(const uint8_t *info, size_t len, struct irlap_snrm *s);
int irlap_snrm_encode(uint8_t *out, size_t cap, uint32_t saddr, uint32_t daddr,
                      uint8_t ncaddr, const struct irlap_qos *q);

/* UA information field (answer to SNRM): saddr, daddr, parameters. */
struct irlap_ua {
    bool has_info;
    uint32_t saddr, daddr;
    struct irlap_qos qos;
};
int irlap_ua_decode(const uint8_t *info, size_t len, struct irlap_ua *u);
int irlap_ua_encode(uint8_t *out, size_t cap, uint32_t saddr, uint32_t daddr,
                    const struct irlap_qos *q);

#endif
