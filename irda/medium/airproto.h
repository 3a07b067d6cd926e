/*
 * airproto.h - the loopback "air": wire protocol between stations and the
 * hub (irair.exe), shared by both sides.  See irda/medium/README.md.
 *
 * One TCP connection per station to 127.0.0.1:<port> (default 6417, the
 * port Wireshark assigns to SIR).  Both directions carry messages:
 *
 *     +--------+----------+------------------+----------------------+
 *     | type   | reserved | length (BE u16)  | payload (length B)   |
 *     +--------+----------+------------------+----------------------+
 *        1 B       1 B          2 B
 *
 *  type          dir       payload
 *  CHALLENGE 0x0A hub->any first message on every connection: u32 magic
 *                          'IrA2', 32 random bytes (the nonce, new each time)
 *  AUTH    0x0B  any->hub  must be the FIRST message: u32 magic 'IrA2',
 *                          HMAC-SHA-256(key, "irair auth" | nonce) (32 B).
 *                          key: the 32 bytes of the hub's key file (airkey.h).
 *                          Anything else first, a wrong magic or a wrong
 *                          answer: REFUSED, then the hub closes the connection
 *  REFUSED 0x0C  hub->any  text (why); the connection is closed after it
 *  DATA    0x01  st->hub   bytes the station puts on the air (one chunk)
 *                hub->st   bytes heard on the air (one chunk of another station)
 *  HELLO   0x02  st->hub   u32 magic 'IrA2', u32 device address, u8 flags
 *                          (bit 0: out of range), nickname (UTF-8, rest)
 *  WELCOME 0x03  hub->st   u32 hub process id, u32 station id (hub-assigned),
 *                          u32 path (bit 0: DATA through the shared ring,
 *                          bits 8-15: the station's slot; see airring.h;
 *                          an 8-byte WELCOME: DATA through the hub)
 *  RANGE   0x04  any->hub  u32 device address (0: the sender's own station),
 *                          u8 in_range (0 out, 1 in)       -> RESULT
 *  STATUS  0x05  any->hub  empty                           -> STATUS_TEXT
 *  QUIT    0x06  any->hub  empty: the hub exits at once    -> RESULT
 *  RESULT  0x07  hub->any  u32 count (RANGE: stations changed; QUIT: 0)
 *  DOWN    0x09  any->hub  u32 milliseconds: the air dies for that long: the
 *                          hub drops every station and every HELLO until
 *                          then (the hub stays, so no station starts one in
 *                          its place; control clients still work) -> RESULT
 *                          (count: stations dropped)
 *  STATUS_TEXT 0x08 hub->any  text: "hub pid=P port=N stations=K ... path=ring|hub\n" then one
 *                          line per station "id=I addr=0xAAAAAAAA range=in|out
 *                          rx=B tx=B drop=B nick=NAME\n"
 *
 * Integers are big-endian.  The owner check: the hub creates a random key
 * when it starts, in %LOCALAPPDATA%\ce-winsock\irair-<port>.key, readable
 * only by its user; a client proves it could read it by the AUTH answer,
 * so the key never goes on the wire.  Until AUTH is accepted a connection
 * hears nothing but CHALLENGE (and REFUSED).  An 'IrA1' station (before
 * the owner check) sends HELLO first and gets REFUSED "version ...".
 *
 * A connection that sends HELLO is a station: on the hub path it
 * hears every DATA chunk any OTHER in-range station sends, in the order
 * the hub received them, and nothing it sent itself; on the ring path
 * (WELCOME says so) DATA goes through shared memory instead (airring.h).  A connection that
 * never sends HELLO is a control client (RANGE/STATUS/QUIT) and hears
 * nothing.  DATA from a connection before its HELLO, or from an out of
 * range station, is discarded.  Unknown types are ignored (forward
 * compatibility); a length the receiver cannot handle closes the connection.
 */
#ifndef IRDA_MEDIUM_AIRPROTO_H
#define IRDA_MEDIUM_AIRPROTO_H

#include <stdint.h>
#include <stddef.h>

#define AIR_DEFAULT_PORT     6417
#define AIR_MAGIC            0x49724132u    /* 'IrA2': with the owner check */
#define AIR_HDR              4
#define AIR_MAX_PAYLOAD      65535u
#define AIR_MAX_NICK         64

enum air_type {
    AIR_DATA        = 0x01,
    AIR_HELLO       = 0x02,
    AIR_WELCOME     = 0x03,
    AIR_RANGE       = 0x04,
    AIR_STATUS      = 0x05,
    AIR_QUIT        = 0x06,
    AIR_RESULT      = 0x07,
    AIR_STATUS_TEXT = 0x08,
    AIR_DOWN        = 0x09,
    AIR_CHALLENGE   = 0x0A,
    AIR_AUTH        = 0x0B,
    AIR_REFUSED     = 0x0C,
};

#define AIR_CHALLENGE_LEN  (4 + 32)   /* magic, nonce */
#define AIR_AUTH_LEN       (4 + 32)   /* magic, HMAC-SHA-256 */

#define AIR_HELLO_OUT_OF_RANGE 0x01

/* Hub exit codes. */
#define AIR_EXIT_OK        0   /* idle timeout or QUIT */
#define AIR_EXIT_USAGE     2
#define AIR_EXIT_PORT_BUSY 3   /* another hub (or program) holds the port */
#define AIR_EXIT_WINSOCK   4
#define AIR_EXIT_NEVER_SERVED 5  /* ended by the station that started it: it never came to listen */
#define AIR_EXIT_KEY       6   /* the key file could not be written (see airkey.h) */

static inline void air_put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void air_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline uint32_t air_get16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static inline uint32_t air_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void air_header(uint8_t *h, unsigned type, size_t len)
{
    h[0] = (uint8_t)type; h[1] = 0; air_put16(h + 2, (uint32_t)len);
}

/* ---- loss, shared by the hub and the stations -----------------------------
 * A seeded xorshift32: the same seed gives the same drops. */
struct air_loss {
    uint32_t threshold;     /* drop when rng < threshold; 0: no loss */
    int bytes;              /* 0: drop whole chunks, 1: drop single bytes */
    uint32_t state;
};

static inline void air_loss_init(struct air_loss *l, double fraction, int bytes, uint32_t seed)
{
    if (fraction <= 0) l->threshold = 0;
    else if (fraction >= 1) l->threshold = 0xFFFFFFFFu;
    else l->threshold = (uint32_t)(fraction * 4294967296.0);
    l->bytes = bytes;
    l->state = seed ? seed : 0x9E3779B9u;
}

static inline uint32_t air_loss_next(struct air_loss *l)
{
    uint32_t x = l->state;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return l->state = x;
}

/* Applies the loss to buf[0..len) in place; returns the bytes kept (they
 * are moved to the front, in order). */
static inline size_t air_loss_apply(struct air_loss *l, uint8_t *buf, size_t len)
{
    if (!l->threshold || !len)
        return len;
    if (!l->bytes)
        return air_loss_next(l) < l->threshold ? 0 : len;
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (air_loss_next(l) >= l->threshold)
            buf[k++] = buf[i];
    return k;
}

#endif /* IRDA_MEDIUM_AIRPROTO_H */
