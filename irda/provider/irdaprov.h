/*
 * irdaprov.h - private header of irdaprov.dll, the AF_IRDA base provider.
 *
 * One station per process: the portable IrDA stack (irda/core/stack.h) on a
 * medium (irda/medium/medium.h: the loopback air, or a COM port), driven by
 * one worker thread.  Sockets are the Windows AF_IRDA model with CE 5.0's
 * header values.  Handles are non-IFS: ws2.dll makes them
 * (WPUCreateSocketHandle) and completes our overlapped operations through
 * them (WPUCompleteOverlappedRequest), so completion ports work too.
 *
 * LOCKING: one lock, the station's, guards the stack and every socket's
 * state; waiters sleep on the station's condition variable, which every
 * stack event wakes.  The stack's callbacks run with the lock held and
 * only record what happened.
 */
#ifndef IRDAPROV_H
#define IRDAPROV_H

#include <cews2.h>
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include "stack.h"
#include "medium.h"

#define IRDA_SERVICE_MAX   25           /* SOCKADDR_IRDA.irdaServiceName */
#define IRDA_DEFAULT_SLOTS 6
#define IRDA_TX_ROOM       8192         /* writable while less than this is queued */
#define IRDA_CONNECT_MS    15000        /* give up waiting for a connect answer */
#define IRDA_LSAP_ATTRIBUTE "IrDA:TinyTP:LsapSel"
#define IRDA_LMP_ATTRIBUTE  "IrDA:IrLMP:LsapSel"   /* IrLPT mode: IrLMP without TinyTP */

/* ---- station.c ------------------------------------------------------------ */
struct irop;
struct irsock;

#define STATION_OUT_MAX 32768

struct station {
    CRITICAL_SECTION lock;
    CONDITION_VARIABLE changed;         /* any stack event, any socket change */
    struct irda_stack stack;
    irmed_t *medium;
    HANDLE worker, wake;
    volatile LONG stopping;
    BOOL discovering;                   /* an IRLMP_ENUMDEVICES is running */
    unsigned discovery_gen;             /* bumped when a discovery ends */
    ULONGLONG discovery_end;            /* GetTickCount64 then, for IRLMP_LAZY_DISCOVERY */
    BOOL ias_busy;                      /* the stack runs one IAS query at a time */
    BOOL ias_done;
    int ias_status;
    struct ias_result ias;
    struct irsock *by_conn[IRDA_STACK_MAX_CONN + 1];
    HANDLE capture_file;
    struct irda_pcap capture;
    /* what the stack put on the medium since the lock was taken: it goes
     * out as one piece when the lock is let go (a whole IrLAP window in one
     * write to the air instead of seven) */
    BOOL coalesce;                      /* the unshaped air only */
    size_t out_len;
    uint8_t out[STATION_OUT_MAX];
};
extern struct station station;

int station_start(void);            /* first WSPStartup; 0 or a Winsock error */
void station_stop(void);            /* last WSPCleanup */
void station_lock(void);
void station_unlock(void);
void station_poke(void);            /* the worker looks at pending operations */
/* Sleeps on the condition variable (lock held); FALSE on timeout. */
BOOL station_wait(DWORD ms);
uint64_t station_now(void);         /* sets the stack's time; lock held */
int irda_error_to_wsa(int err);
/* hints.c: advertise the hint bits of what is served now, or the Hints
 * setting (lock held, or before the station is shared). */
void station_hints_update(void);

/* ---- airsock.c: the medium's TCP, from the host provider's SPI ------------ */
/* NULL when the host provider cannot be loaded (a serial medium needs none). */
const struct irmed_wsock *airsock_open(void);
void airsock_close(void);

/* ---- socket.c -------------------------------------------------------------- */
enum irsock_state {
    IRS_NEW, IRS_BOUND, IRS_LISTENING, IRS_CONNECTING, IRS_CONNECTED, IRS_CLOSED
};

struct irsock {
    LONG refs;
    SOCKET handle;
    DWORD catalog_id;
    enum irsock_state state;
    int conn;                           /* stack handle (listener or stream), 0 none */
    int lsap;                           /* bound LSAP */
    char service[IRDA_SERVICE_MAX + 1]; /* bound service name ("" for LSAP-SELn) */
    BOOL ias_registered;
    BOOL irlpt;                         /* IRLMP_IRLPT_MODE: IrLMP data, no TinyTP */
    BOOL ninewire;                      /* IRLMP_9WIRE_MODE: IrCOMM 9-wire frames over TinyTP */
    BOOL exclusive;                     /* IRLMP_EXCLUSIVE_MODE: connect takes the link alone */
    uint32_t peer_addr;
    char peer_service[IRDA_SERVICE_MAX + 1];
    BOOL nonblocking;
    BOOL connect_pending;               /* a non-blocking connect's thread runs */
    BOOL closing;
    unsigned cancel_gen;                /* bumped by SIO_CEWS_CANCEL */
    struct linger linger;
    int so_error;                       /* last connection error, for SO_ERROR */
    WSAEVENT select_event;
    long select_mask;
    long network_events;                /* recorded, not yet enumerated */
    int event_errors[FD_MAX_EVENTS];
    long reported;                      /* level events already signalled */
    struct irop *ops;                   /* pending overlapped operations */
};

int irsock_create(DWORD catalog_id, struct irsock **out, SOCKET *handle);
/* The context of s, referenced; NULL with *err = WSAENOTSOCK. */
struct irsock *irsock_lookup(SOCKET s, int *err);
void irsock_release(struct irsock *so);
/* Completes pending operations as cancelled and wakes blocked calls (lock held). */
void irsock_cancel_all(struct irsock *so);
/* Records that the stack connection conn belongs to so (lock held). */
void irsock_attach(struct irsock *so, int conn);
void irsock_detach(struct irsock *so);

/* ---- io.c ------------------------------------------------------------------ */
struct irop {
    struct irop *next;
    BOOL is_send;
    WSABUF *bufs;
    DWORD count;
    DWORD done;                         /* bytes moved so far */
    LPWSAOVERLAPPED ov;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    WSATHREADID thread;
};
/* Moves data for every pending operation that can progress (lock held). */
void io_pump(void);
/* The Winsock error of a connection's end for the stack's reason (0: clean). */
int irda_end_error(int reason);
/* Completes one operation through its own mechanism and frees it. */
void io_complete(struct irsock *so, struct irop *op, DWORD error);

/* ---- notify.c --------------------------------------------------------------- */
/* Readiness for select and WSAEventSelect (lock held). */
BOOL notify_readable(struct irsock *so);
BOOL notify_writable(struct irsock *so);
/* Signals the socket's WSAEventSelect event for what became true (lock held). */
void notify_update(struct irsock *so);

/* ---- the WSP functions ------------------------------------------------------ */
void table_fill(WSPPROC_TABLE *t);
extern WSPUPCALLTABLE upcalls;

/* Starts an IAS query, waiting while the stack is not ready for one (lock held). */
int ias_start(uint32_t daddr, const char *cls, const char *attr);
#define IAS_START_MS 3000
/* Runs one IAS query, retrying one that fails at once (lock held); the answer
 * is in station.ias.  0 or WSAETIMEDOUT. */
int ias_run(uint32_t daddr, const char *cls, const char *attr);
#define IAS_RETRY_MS 3000
#define IAS_RETRY_PAUSE_MS 100
#define LINK_WAIT_STEP_MS 50            /* re-check a busy link this often */

int WSPAPI irda_bind(SOCKET s, const struct sockaddr *name, int len, LPINT err);
int WSPAPI irda_listen(SOCKET s, int backlog, LPINT err);
SOCKET WSPAPI irda_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                          LPCONDITIONPROC condition, DWORD_PTR data, LPINT err);
int WSPAPI irda_connect(SOCKET s, const struct sockaddr *name, int len, LPWSABUF caller,
                        LPWSABUF callee, LPQOS sqos, LPQOS gqos, LPINT err);
int WSPAPI irda_get_sock_name(SOCKET s, struct sockaddr *name, LPINT len, LPINT err);
int WSPAPI irda_get_peer_name(SOCKET s, struct sockaddr *name, LPINT len, LPINT err);
int WSPAPI irda_shutdown(SOCKET s, int how, LPINT err);
int WSPAPI irda_close_socket(SOCKET s, LPINT err);
int WSPAPI irda_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD got, LPDWORD flags,
                     LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                     LPWSATHREADID thread, LPINT err);
int WSPAPI irda_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                     LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                     LPWSATHREADID thread, LPINT err);
BOOL WSPAPI irda_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
                                       BOOL wait, LPDWORD flags, LPINT err);
int WSPAPI irda_set_sock_opt(SOCKET s, int level, int name, const char *value, int len,
                             LPINT err);
int WSPAPI irda_get_sock_opt(SOCKET s, int level, int name, char *value, LPINT len,
                             LPINT err);
int WSPAPI irda_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out,
                      DWORD out_len, LPDWORD returned, LPWSAOVERLAPPED ov,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                      LPINT err);
int WSPAPI irda_select(int nfds, fd_set *r, fd_set *w, fd_set *e, const PTIMEVAL timeout,
                       LPINT err);
int WSPAPI irda_event_select(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err);
int WSPAPI irda_enum_network_events(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS events,
                                    LPINT err);
/* Waits (lock held) until the socket's blocking operation may go on; returns
 * 0, or WSAEINTR when the socket is being closed or its calls were cancelled
 * since the call began (gen: so->cancel_gen then), or WSAETIMEDOUT. */
int wait_for_socket(struct irsock *so, unsigned gen, DWORD ms);

#endif
