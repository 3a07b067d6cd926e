/*
 * airring.h - the air's shared-memory path (setting Comm\IrDA\Air Path =
 * ring, hub option --path ring): DATA goes from station to station through
 * memory both map, with one event wake-up per burst per listener, instead
 * of through the hub's TCP relay (two socket hops and the hub's wake-up
 * each way).  The hub still holds every station's TCP session: the owner
 * check, HELLO/WELCOME, RANGE, STATUS, DOWN and QUIT are unchanged, and
 * the hub writes each station's place, range and the air-wide loss into
 * the shared header.
 *
 * Names: Local\cews2-air-<port>-<24 hex digits of HMAC-SHA-256(key,
 * "irair ring")>, and the same with "-ev<slot>" for each listener's event:
 * only a process that read the hub's key file can name them, as only it
 * can answer the CHALLENGE (the owner secret covers the ring too).
 *
 * Layout: AIR_RING_SLOTS slots, one per station (the hub assigns it in
 * WELCOME).  Each slot has a byte ring that only its station writes
 * (messages: u32 length, the piece, padding to 4; a length of
 * AIR_RING_WRAP sends the reader to the ring's start) and a head, the
 * bytes ever written, published after the bytes.  Every other station
 * reads every slot's ring from its own cursor: a listener that falls more
 * than AIR_RING_BYTES - AIR_RING_MAX_WRITE behind loses what it missed
 * (counted), as on the hub's relay; nobody waits for a slow listener.
 */
#ifndef IRDA_MEDIUM_AIRRING_H
#define IRDA_MEDIUM_AIRRING_H

#include <windows.h>
#include <stdint.h>
#include "airproto.h"

#define AIR_RING_SLOTS      16
#define AIR_RING_BYTES      (512u << 10)
#define AIR_RING_MAX_WRITE  (96u << 10)     /* one write: a burst of pieces, framed */
#define AIR_RING_WRAP       0xFFFFFFFFu
#define AIR_RING_MAGIC      0x49725232u     /* 'IrR2' */
#define AIR_RING_SPIN_US    500             /* an unshaped air's listener looks this long
                                               before it sleeps (see air_ring_wait) */

/* WELCOME's third word (payload of 12 bytes): the path this hub gives. */
#define AIR_WELCOME_RING    0x01u           /* bit 0: DATA through the ring */
#define AIR_WELCOME_SLOT(w) (((w) >> 8) & 0xFFu)

struct air_ring_slot {
    volatile LONG active;       /* hub: a station holds the slot */
    volatile LONG in_range;     /* hub: RANGE, HELLO's flag */
    volatile LONG addr;         /* hub: the station's device address */
    volatile LONG owner;        /* hub: the station id (WELCOME) the slot is given to */
    volatile LONG64 head;       /* station: bytes ever written into data */
    volatile LONG64 sent, heard, dropped;  /* station: for the hub's STATUS */
    volatile LONG waiting;      /* station: its listener sleeps on its event */
    volatile LONG reserved;
    uint8_t data[AIR_RING_BYTES];
};

struct air_ring_shared {
    uint32_t magic, slots, bytes, reserved;
    volatile LONG loss_threshold, loss_bytes, loss_seed, reserved2;  /* hub: --loss */
    struct air_ring_slot slot[AIR_RING_SLOTS];
};

/* An open ring: the mapping and every slot's event. */
struct air_ring {
    HANDLE map;
    struct air_ring_shared *sh;
    HANDLE ev[AIR_RING_SLOTS];
};

/* The mapping's name for port from the hub's key (n >= 64); the events add
 * "-ev<slot>". */
void  air_ring_name(const uint8_t key[32], unsigned short port, WCHAR *out, size_t n);
/* Hub: creates the ring (zeroed, the loss set) and its events; 0 or a Win32 error. */
DWORD air_ring_create(struct air_ring *r, const uint8_t key[32], unsigned short port,
                      const struct air_loss *loss);
/* Station: opens the ring of the hub whose key file is port's; 0 or a Win32 error. */
DWORD air_ring_open(struct air_ring *r, unsigned short port);
void  air_ring_close(struct air_ring *r);

/* Station (one writer per slot, the caller serialises): appends n pieces
 * to slot me's ring and wakes every other active, in-range station once.
 * Nothing is written while me is out of range, nor once the slot is no
 * longer this station's (owner: its station id from WELCOME; the hub
 * dropped it and may have given the slot to another).  0, or
 * ERROR_INSUFFICIENT_BUFFER for a burst over AIR_RING_MAX_WRITE. */
DWORD air_ring_write(struct air_ring *r, int me, uint32_t owner, const uint8_t *const *p,
                     const size_t *len, size_t n);

/* Station: everything new in the other slots' rings since cursor[], each
 * piece to deliver(ctx, bytes, len) (buf: AIR_MAX_PAYLOAD bytes of the
 * caller's); while me is out of range the pieces are skipped.  Returns the
 * bytes lost to overruns. */
uint64_t air_ring_read(struct air_ring *r, int me, int64_t cursor[AIR_RING_SLOTS], uint8_t *buf,
                       void (*deliver)(void *ctx, uint8_t *p, size_t len), void *ctx);
/* Station's listener: waits (up to ms) until a ring other than me has more
 * than cursor[] says: first looking for spin_us (an answer to
 * what this station just sent usually comes within that: no wake-up on
 * either side), then asleep on its event, with waiting set so that
 * writers know to set it.  Returns the WaitForMultipleObjects result for
 * {stop, event}, or WAIT_OBJECT_0 + 1 when data came while looking. */
DWORD air_ring_wait(struct air_ring *r, int me, const int64_t cursor[AIR_RING_SLOTS], HANDLE stop,
                    DWORD ms, unsigned spin_us);
/* Station: cursors at every ring's head (hear only what comes next). */
void air_ring_cursors(struct air_ring *r, int64_t cursor[AIR_RING_SLOTS]);

#endif
