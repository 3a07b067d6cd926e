/*
 * sir.h - SIR asynchronous framing (IrPHY 1.3 section 5 / IrLAP 1.1 section 10.1):
 * BOF 0xC0, optional additional BOFs, EOF 0xC1, control escape 0x7D with
 * XOR 0x20 for 0xC0/0xC1/0x7D, and a 16-bit FCS (CRC-CCITT, reflected
 * polynomial 0x8408, initial 0xFFFF, complemented, sent least significant
 * byte first; a good frame including its FCS leaves the residue 0xF0B8).
 *
 * Lower interface: bytes in (sir_deframer_feed) and bytes out (sir_encode).
 * Upper interface: complete IrLAP frames without FCS (struct sir_upper).
 */
#ifndef IRDA_SIR_H
#define IRDA_SIR_H

#include "irda_common.h"

#define SIR_BOF  0xC0
#define SIR_EOF  0xC1
#define SIR_CE   0x7D
#define SIR_XOR  0x20

#define SIR_FCS_INIT 0xFFFFu
#define SIR_FCS_GOOD 0xF0B8u

/* Largest IrLAP frame carried: address + control + 2048 bytes of data. */
#define SIR_MAX_FRAME    (2 + 2048)
/* Largest IrLAP frame the deframer accepts, FCS included. */
#define SIR_MAX_RAW      (SIR_MAX_FRAME + 2)
/* Largest number of additional BOFs the framer will emit. */
#define SIR_MAX_XBOFS    48

uint16_t sir_fcs_update(uint16_t fcs, const uint8_t *p, size_t n);
/* FCS as transmitted: the complement of the running CRC over the frame. */
uint16_t sir_fcs(const uint8_t *p, size_t n);

/* Worst-case size of an encoded frame (every byte escaped). */
size_t sir_encoded_max(size_t len, unsigned xbofs);

/*
 * Encode one frame: xbofs additional BOFs, BOF, escaped frame and FCS, EOF.
 * Returns the number of bytes written, or IRDA_ERR_NOSPACE / IRDA_ERR_RANGE.
 */
int sir_encode(const uint8_t *frame, size_t len, unsigned xbofs,
               uint8_t *out, size_t cap);

/* Upper interface: a complete frame with a good FCS, without the FCS. */
struct sir_upper {
    void *ctx;
    void (*frame)(void *ctx, const uint8_t *frame, size_t len);
};

struct sir_stats {
    unsigned long frames;     /* good frames delivered                   */
    unsigned long fcs_errors; /* frames dropped for a bad FCS           */
    unsigned long aborts;     /* frames abandoned (BOF inside a frame, CE + BOF/EOF) */
    unsigned long oversize;   /* frames longer than SIR_MAX_RAW          */
    unsigned long runts;      /* frames shorter than address+control+FCS */
};

enum sir_rx_state { SIR_RX_HUNT, SIR_RX_DATA, SIR_RX_ESC, SIR_RX_DISCARD };

/* Incremental deframer: feed it bytes in any chunking. */
struct sir_deframer {
    enum sir_rx_state state;
    size_t len;
    uint8_t buf[SIR_MAX_RAW];
    struct sir_stats stats;
    struct sir_upper upper;
};

void sir_deframer_init(struct sir_deframer *d, const struct sir_upper *upper);
void sir_deframer_feed(struct sir_deframer *d, const uint8_t *p, size_t n);

#endif
