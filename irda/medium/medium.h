/*
 * medium.h - the IrDA medium: where SIR-framed bytes go and come from.
 *
 * Two backends behind one interface:
 *   - the loopback "air" (default): every station on the machine connects
 *     by TCP to a hub, irair.exe, on 127.0.0.1:6417; the hub relays every
 *     chunk a station sends to every OTHER station.  The hub is started on
 *     demand, by full path only (the configured Hub, else next to the
 *     module that contains this code; see hubstart.c), detached, and exits
 *     when idle.
 *   - a serial port (COMn): a real SIR dongle, or under Wine a pty pair.
 *
 * The medium moves bytes only; it knows nothing of frames.  On the air,
 * each irmed_send() call of up to 65535 bytes arrives at the other stations
 * as one piece (one rx callback), in order; a serial port may split and
 * merge pieces as any UART does, so the core must reframe (BOF/EOF).
 *
 * THREADING CONTRACT
 *   - irmed_open() starts the medium's own threads (a receive thread and a
 *     transmit thread) and returns without waiting for the air to be
 *     connected, unless cfg->open_wait_ms > 0.  Do not call it, or
 *     irmed_wait_ready(), while holding a lock that the embedding's Winsock
 *     calls need on another thread (the air connects from its own thread,
 *     through the Winsock the embedding gives, cfg->wsock, else ws2.dll).
 *   - cb->rx is called on the medium's receive thread, one call at a time,
 *     in arrival order, never after irmed_close() has returned.  cb->event
 *     is called on the same thread (so rx and event never run
 *     concurrently).  Callbacks may call irmed_send(), irmed_set_baud(),
 *     irmed_get_stats(); they must NOT call irmed_close() (it waits for
 *     that thread) nor block for long (received bytes wait meanwhile).
 *   - irmed_send() may be called from any thread, concurrently.  With
 *     line-rate emulation or pieces already queued it copies the bytes into
 *     the transmit queue and returns at once; on the unshaped air with
 *     nothing queued it sends on the caller's thread (send_now), which can
 *     block for up to the air's send timeout (AIR_SEND_TIMEOUT_MS) when the
 *     hub does not read.  Pieces go out
 *     in the order of the irmed_send() calls that returned (concurrent
 *     callers are serialised in some order).  While the air is not
 *     connected, sent bytes are dropped (counted in tx_dropped): the air is
 *     lossy, like real infrared, and the protocol above recovers.
 *   - irmed_close() may be called from any thread except the medium's own;
 *     it stops both threads, drops unsent bytes and frees the object.
 *
 * Return values: 0 or a Win32/Winsock error code (never negative).
 */
#ifndef IRDA_MEDIUM_MEDIUM_H
#define IRDA_MEDIUM_MEDIUM_H

#include <winsock2.h>
#include <windows.h>
#include <cews2.h>          /* CEWS2_IRDA_SUBKEY */
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Registry settings and environment; the environment wins.  The settings
 * are below ce-winsock's registry roots (cews2.h): each value per user if
 * HKCU\Software\ce-winsock\<arch> has it, else machine-wide from
 * HKLM\Software\ce-winsock (ws2/regroot.h).
 *
 *  Comm\IrDA           Medium        REG_SZ    "air" (default) | "COMn"   env CEWS2_IRDA_MEDIUM
 *                      DeviceAddress REG_DWORD fixed address (0: random)  env CEWS2_IRDA_DEVICE_ADDRESS
 *                      Nickname      REG_SZ    default "ce-winsock-<pid>" env CEWS2_IRDA_NICKNAME
 *                      Baud          REG_DWORD initial rate (9600)        env CEWS2_IRDA_BAUD
 *  Comm\IrDA\Air       Port          REG_DWORD hub port (6417)            env CEWS2_IRDA_AIR_PORT
 *                      Rate          REG_DWORD|SZ 0 off, bit/s, "link"     env CEWS2_IRDA_AIR_RATE
 *                      Loss          REG_SZ "0.1" (fraction) or REG_DWORD (parts per million)
 *                                                                         env CEWS2_IRDA_AIR_LOSS
 *                      LossMode      REG_SZ    "chunk" | "byte"           env CEWS2_IRDA_AIR_LOSS_MODE
 *                      Seed          REG_DWORD loss RNG seed (0: random)  env CEWS2_IRDA_AIR_SEED
 *                      OutOfRange    REG_DWORD 1: start out of range      env CEWS2_IRDA_AIR_OUT_OF_RANGE
 *                      StartHub      REG_DWORD 0: never start the hub     env CEWS2_IRDA_AIR_START_HUB
 *                      Hub           REG_SZ    path of irair.exe          env CEWS2_IRDA_AIR_HUB
 *                      HubIdle       REG_DWORD seconds the hub it starts  env CEWS2_IRDA_AIR_HUB_IDLE
 *                                              lingers without stations (10)
 *                      HubArgs       REG_SZ    extra hub arguments        env CEWS2_IRDA_AIR_HUB_ARGS
 *                      Path          REG_SZ    "hub" | "ring": how a hub  env CEWS2_IRDA_AIR_PATH
 *                                              this station starts carries DATA (airring.h);
 *                                              every station follows its hub's path
 */
#define IRMED_KEY      CEWS2_IRDA_SUBKEY
#define IRMED_AIR_KEY  CEWS2_IRDA_SUBKEY L"\\Air"

enum irmed_kind { IRMED_AIR = 0, IRMED_SERIAL = 1 };

#define IRMED_NICK_MAX 64    /* bytes, NUL included */

/* Rate emulation (cfg.rate): 0 off; IRMED_RATE_LINK: pace at the current
 * baud (cfg.baud, then whatever irmed_set_baud() sets); any other value:
 * pace at that fixed rate.  Up to 115200 bit/s a byte costs 10 bits (SIR,
 * start + 8 + stop); above, 8 bits (FIR 4 Mbit/s).  The sender paces its
 * own pieces: a piece of n bytes leaves n*bits/rate seconds after the
 * previous one finished (or after it was sent, if the air was idle). */
#define IRMED_RATE_LINK 1u

/* Socket functions the air uses: by default taken from the ws2.dll already
 * loaded in the process (GetModuleHandleW(L"ws2.dll"), else LoadLibraryW),
 * never from the host's ws2_32.  An embedding may pass its own table. */
struct irmed_wsock {
    int    (WSAAPI *p_WSAStartup)(WORD, LPWSADATA);
    int    (WSAAPI *p_WSACleanup)(void);
    int    (WSAAPI *p_WSAGetLastError)(void);
    SOCKET (WSAAPI *p_socket)(int, int, int);
    int    (WSAAPI *p_connect)(SOCKET, const struct sockaddr *, int);
    int    (WSAAPI *p_send)(SOCKET, const char *, int, int);
    int    (WSAAPI *p_recv)(SOCKET, char *, int, int);
    int    (WSAAPI *p_closesocket)(SOCKET);
    int    (WSAAPI *p_setsockopt)(SOCKET, int, int, const char *, int);
    int    (WSAAPI *p_shutdown)(SOCKET, int);
};
/* Fills w from ws2.dll; returns 0 or ERROR_MOD_NOT_FOUND/ERROR_PROC_NOT_FOUND. */
DWORD irmed_wsock_load(struct irmed_wsock *w);

struct irmed_config {
    enum irmed_kind kind;
    WCHAR    serial_port[16];      /* IRMED_SERIAL: L"COM5" */
    uint32_t baud;                 /* initial rate, default 9600 */
    uint32_t device_address;       /* 0: random per process (see irmed_identity) */
    char     nickname[IRMED_NICK_MAX];  /* "": irmed_nickname() */

    /* air */
    unsigned short air_port;       /* default 6417 */
    uint32_t rate;                 /* rate emulation, see above (default 0: off) */
    int      air_ring;             /* a hub this station starts gets --path ring (1), else --path hub */
    double   loss;                 /* fraction this station fails to hear (0) */
    int      loss_bytes;           /* 0: whole pieces, 1: single bytes */
    uint32_t seed;                 /* loss RNG seed; 0: from pid and time */
    int      out_of_range;         /* start out of range */
    int      start_hub;            /* start irair.exe when nothing listens (1) */
    WCHAR    hub_path[MAX_PATH];   /* full path; L"": beside this code (see top) */
    uint32_t hub_idle_s;           /* --idle for a hub we start (10) */
    WCHAR    hub_args[256];        /* extra arguments for a hub we start */

    /* embedding */
    int      wsa_startup;          /* 1: call WSAStartup/WSACleanup around the
                                      medium's life (default 1; a provider DLL
                                      inside ws2.dll passes 0) */
    const struct irmed_wsock *wsock;   /* NULL: irmed_wsock_load() */
    DWORD    open_wait_ms;         /* irmed_open waits this long for the air (0) */
    size_t   tx_queue_max;         /* bytes queued before irmed_send fails (1 MiB) */
};

/* Built-in defaults (air, port 6417, 9600, no faults). */
void irmed_config_default(struct irmed_config *cfg);
/* Defaults, then the settings Comm\IrDA..., then the environment (see above). */
void irmed_config_load(struct irmed_config *cfg);

/* Station identity: the configured device address (registry/env), else one
 * random address per process (never 0 or 0xFFFFFFFF, stable for the
 * process's life); the configured nickname, else "ce-winsock-<pid>". */
uint32_t irmed_device_address(void);
void     irmed_nickname(char *buf, size_t len);

enum irmed_event {
    IRMED_EV_UP = 1,     /* air: connected to a hub (detail: hub pid); serial: port open */
    IRMED_EV_DOWN = 2,   /* air: lost the hub (detail: Winsock error); reconnecting */
};

struct irmed_callbacks {
    void *ctx;
    void (*rx)(void *ctx, const uint8_t *data, size_t len);
    void (*event)(void *ctx, int event, uint32_t detail);   /* optional */
};

typedef struct irmed irmed_t;

struct irmed_stats {
    uint64_t tx_bytes, tx_dropped;     /* put on the medium / dropped (down, queue full) */
    uint64_t rx_bytes, rx_lost;        /* delivered to rx / dropped by the loss option */
    uint32_t connects;                 /* air: successful (re)connections; serial: opens of the port */
    uint32_t hub_starts;               /* air: irair.exe processes this station started */
    uint32_t hub_pid;                  /* air: the current hub's process id (0 if down) */
    uint32_t station_id;               /* air: the hub's number for this station */
    int      up;                       /* connected / port open */
};

DWORD irmed_open(const struct irmed_config *cfg, const struct irmed_callbacks *cb, irmed_t **out);
DWORD irmed_send(irmed_t *m, const void *data, size_t len);
/* The rate IrLAP negotiated: serial: reprograms the port once the queue
 * has drained; air: the pacing rate when cfg.rate is IRMED_RATE_LINK. */
DWORD irmed_set_baud(irmed_t *m, uint32_t baud);
/* Moves this station out of range (0) or back (1).  Air: told to the hub
 * and remembered across reconnects; waits (up to 2 s) for the hub to
 * acknowledge if connected.  Serial: bytes are dropped both ways locally. */
DWORD irmed_set_in_range(irmed_t *m, int in_range);
/* Waits until the air is connected (serial: at once); 0 or WAIT_TIMEOUT. */
DWORD irmed_wait_ready(irmed_t *m, DWORD timeout_ms);
void  irmed_get_stats(irmed_t *m, struct irmed_stats *st);
uint32_t irmed_get_address(irmed_t *m);   /* cfg.device_address, or irmed_device_address() */
void  irmed_close(irmed_t *m);

/* ---- air control client (tests, tools): a short connection to the hub ---- */
/* Moves the station with device address addr out of (0) or into (1) range;
 * *changed (optional) gets the number of stations affected.  0 or an error
 * (WSAECONNREFUSED: no hub). */
DWORD irmed_air_range(const struct irmed_wsock *w, unsigned short port, uint32_t addr,
                      int in_range, uint32_t *changed);
/* The hub's STATUS text (see airproto.h), NUL-terminated. */
DWORD irmed_air_status(const struct irmed_wsock *w, unsigned short port, char *buf, size_t len);
/* Kills the air for ms milliseconds while the hub keeps the port: every
 * station is dropped and cannot come back until then (*dropped: how many). */
DWORD irmed_air_down(const struct irmed_wsock *w, unsigned short port, uint32_t ms, uint32_t *dropped);
/* Asks the hub to exit. */
DWORD irmed_air_quit(const struct irmed_wsock *w, unsigned short port);

#ifdef __cplusplus
}
#endif
#endif /* IRDA_MEDIUM_MEDIUM_H */
