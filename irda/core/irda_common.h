/*
 * irda_common.h - definitions shared by every layer of the portable IrDA core.
 *
 * The core is plain C11: no operating-system calls, no threads, no clock.
 * Time and timers are injected by the embedding through struct irda_timer_ops;
 * every layer is driven by function calls (frames received, timers expired,
 * primitives from the layer above).
 */
#ifndef IRDA_COMMON_H
#define IRDA_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Error codes returned by codecs and primitives (0 or positive = success). */
enum irda_err {
    IRDA_OK            =  0,
    IRDA_ERR_SHORT     = -1,  /* input truncated                          */
    IRDA_ERR_FORMAT    = -2,  /* malformed input                          */
    IRDA_ERR_RANGE     = -3,  /* value out of the allowed range           */
    IRDA_ERR_NOSPACE   = -4,  /* output buffer or queue too small         */
    IRDA_ERR_STATE     = -5,  /* primitive not valid in the current state */
    IRDA_ERR_BUSY      = -6,  /* an operation of this kind is running     */
    IRDA_ERR_NOTFOUND  = -7,  /* no such object / device / LSAP           */
    IRDA_ERR_INUSE     = -8,  /* name or LSAP already in use              */
    IRDA_ERR_AGAIN     = -9,  /* flow controlled: try again later         */
    IRDA_ERR_UNSUPP    = -10, /* not supported                            */
    IRDA_ERR_NEGOTIATE = -11, /* parameter negotiation found no common value */
    IRDA_ERR_EXCLUSIVE = -12, /* the link is held by a connection in exclusive mode */
};

const char *irda_strerror(int err);

/*
 * Timer identifiers. One name space for the whole station so that a single
 * timer service (see stack.c) can serve every layer.
 */
enum irda_timer_id {
    IRDA_T_SLOT = 0,   /* IrLAP: discovery slot timer (primary)          */
    IRDA_T_QUERY,      /* IrLAP: secondary waiting for end of discovery  */
    IRDA_T_F,          /* IrLAP: final timer (primary awaits F bit)      */
    IRDA_T_P,          /* IrLAP: poll timer (primary idle poll)          */
    IRDA_T_WD,         /* IrLAP: watchdog (secondary link disconnect)    */
    IRDA_T_LMP,        /* IrLMP: periodic tick (idle link, connect time-outs) */
    IRDA_T_IAS,        /* IAS client: query time-out                     */
    IRDA_T_COUNT
};

/* Timer service injected by the embedding. start() (re)arms, stop() disarms. */
struct irda_timer_ops {
    void *ctx;
    void (*start)(void *ctx, unsigned id, uint32_t ms);
    void (*stop)(void *ctx, unsigned id);
};

/* Random number source injected by the embedding (discovery slot choice). */
struct irda_rng_ops {
    void *ctx;
    uint32_t (*next)(void *ctx);
};

/* Device address 0xFFFFFFFF is the broadcast device address (IrLAP 1.1 6.3). */
#define IRDA_BROADCAST_DADDR 0xFFFFFFFFu

/* Discovery information (IrLMP 1.1 3.4.2: hints, character set, nickname). */
#define IRDA_NICK_MAX      29   /* 32-byte discovery info less hints and charset */
#define IRDA_HINTS_MAX     4
struct irda_device_info {
    uint32_t daddr;                 /* 32-bit device address            */
    uint8_t  hints[IRDA_HINTS_MAX]; /* hint bytes; bit 7 = extension     */
    uint8_t  nhints;
    uint8_t  charset;               /* 0x00 ASCII, 0x01.. ISO-8859-x, 0xFF Unicode */
    uint8_t  nick_len;
    char     nick[IRDA_NICK_MAX + 1];
};

/* Little and big endian helpers (the wire formats use both). */
static inline uint32_t irda_get_le32(const uint8_t *p)
{ return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static inline void irda_put_le32(uint8_t *p, uint32_t v)
{ p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static inline uint16_t irda_get_be16(const uint8_t *p)
{ return (uint16_t)(p[0] << 8 | p[1]); }
static inline void irda_put_be16(uint8_t *p, uint16_t v)
{ p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline uint32_t irda_get_be32(const uint8_t *p)
{ return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3]; }
static inline void irda_put_be32(uint8_t *p, uint32_t v)
{ p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v; }

#endif
