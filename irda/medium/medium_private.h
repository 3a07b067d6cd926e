/* medium_private.h - shared among medium.c, config.c, airctl.c and the backends (air.c, serial.c). */
#ifndef IRDA_MEDIUM_PRIVATE_H
#define IRDA_MEDIUM_PRIVATE_H

#include "airproto.h"
#include "airring.h"
#include "medium.h"

struct txq_item {
    struct txq_item *next;
    uint32_t baud;              /* nonzero: a rate change marker, no data */
    size_t len;
    uint8_t data[];
};

/* turnstat.c: a SIR peeker per direction and the turn samples */
struct turn_peek {
    int state, escaped;
    uint8_t addr;
};
struct turn_stats {
    int on;                         /* CEWS2_IRDA_TURN_STATS set */
    WCHAR path[MAX_PATH];
    CRITICAL_SECTION lock;
    struct turn_peek out, in;
    double poll_ms;                 /* when the last P frame went out */
    int polling;
    float *us;
    size_t n, cap;
};

struct irmed {
    struct irmed_config cfg;
    struct irmed_callbacks cb;
    struct irmed_wsock ws;
    uint32_t addr;
    char nick[IRMED_NICK_MAX];

    CRITICAL_SECTION lock;          /* queue, sock, state, stats */
    HANDLE stop_event;              /* manual reset: irmed_close */
    HANDLE tx_event;                /* auto reset: queue became non-empty */
    HANDLE ready_event;             /* manual reset: up */
    HANDLE ack_event;               /* auto reset: RESULT from the hub */
    HANDLE rx_thread, tx_thread;
    struct txq_item *head, *tail;
    size_t queued;
    uint32_t baud;                  /* current (after markers applied by the tx thread) */
    int in_range;
    struct air_loss loss;
    double air_free_ms;             /* rate pacing: when the last piece finished */
    double air_heard_ms;            /* air time heard from others since (under lock) */
    struct irmed_stats st;
    int wsa_started;

    /* air */
    CRITICAL_SECTION send_lock;     /* one message at a time on sock */
    SOCKET rx_sock;                 /* the socket the receive thread works on */
    SOCKET sock;                    /* published for senders once WELCOME arrived */
    DWORD last_hub_start;
    int hub_started_once;
    int hub_seen_since_start;
    HANDLE hub_process;             /* the hub this station started, until it serves */
    DWORD hub_process_id;
    uint8_t *txmsg;                 /* the transmit thread's message buffer */
    uint8_t *directmsg;             /* a sender's own, under send_lock (unshaped air) */
    int tx_busy;                    /* the transmit thread holds a dequeued piece */
    volatile LONG send_broken;      /* a send failed: the session must end */
    /* the shared-memory path (airring.h), when the hub gives it */
    struct air_ring ring;
    int ring_me;                    /* our slot */
    uint32_t ring_owner;            /* our station id: the slot is ours while the hub says so */
    int ring_up;                    /* DATA goes through the ring (under send_lock and lock) */
    HANDLE ring_thread, ring_stop;  /* the ring's receive thread and its stop */
    volatile LONG ring_quit;        /* set with ring_stop */
    int64_t ring_cursor[AIR_RING_SLOTS];
    uint8_t *ring_buf;
    struct air_loss ring_loss;      /* the hub's --loss, applied by the listener */

    /* serial */
    HANDLE com;

    struct turn_stats turn;
};

double irmed__now_ms(void);
uint32_t irmed__entropy32(void);      /* config.c: not for keys (see airkey.h) */
/* Delivers received bytes (applies the loss option; buf may be modified). */
void irmed__deliver(irmed_t *m, uint8_t *buf, size_t len);
void irmed__event(irmed_t *m, int ev, uint32_t detail);
/* turnstat.c: the bench's turn times (see there); cheap no-ops when off.
 * _out with what goes on the air, _in with what was heard. */
void irmed__turn_init(irmed_t *m);
void irmed__turn_out(irmed_t *m, const uint8_t *p, size_t len);
void irmed__turn_in(irmed_t *m, const uint8_t *p, size_t len);
void irmed__turn_close(irmed_t *m);     /* writes the file, frees */

DWORD air_start(irmed_t *m);                     /* creates m->rx_thread */
DWORD air_write(irmed_t *m, const uint8_t *p, size_t len);
/* Several pieces in one write (each its own DATA message; at most
 * AIR_HDR + AIR_MAX_PAYLOAD bytes framed in all). */
DWORD air_write_pieces(irmed_t *m, struct txq_item *const *pieces, size_t n);
/* One piece from the sender's thread (caller holds send_lock). */
DWORD air_write_direct(irmed_t *m, const uint8_t *p, size_t len);
DWORD air_set_range(irmed_t *m, int in_range);
void  air_stop(irmed_t *m);                      /* wakes the receive thread */

/* hubstart.c: irair.exe by full path (configured, else beside this code's
 * module), 1 when found; and a detached start of it (the process handle, or
 * NULL; cmd is modified). */
int    hub_find(const irmed_t *m, WCHAR *out, size_t n);
HANDLE hub_launch(const WCHAR *path, WCHAR *cmd, DWORD *pid);

DWORD serial_start(irmed_t *m);
DWORD serial_write(irmed_t *m, const uint8_t *p, size_t len);
DWORD serial_apply_baud(irmed_t *m, uint32_t baud);
void  serial_stop(irmed_t *m);
void  serial_close(irmed_t *m);                  /* after the threads ended */

#endif
