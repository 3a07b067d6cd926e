/*
 * stress_worker.h - what the parts of the TCP load test share (inside
 * wine-tests/stress only; the interface is stress_core.h):
 *
 *   stress_core.c        pattern, handle and memory readings, the workers
 *                        and the runs (stress_tcp, stress_cycles)
 *   stress_peers.c       a worker's helpers, and the scenarios judged by a
 *                        peer: HOST_PEER, host only, OWN_PEER
 *   stress_overlapped.c  the scenarios of pending calls: OV_EVENT,
 *                        OV_ROUTINE, OV_PORT, BLOCKED, OV_RACE
 */
#ifndef STRESS_WORKER_H
#define STRESS_WORKER_H

#include "stress_core.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEND_MAX        32768
#define WAIT_MS         10000       /* a completion, a blocked call or a peer later than this: a hang */
#define OP_MAGIC        0x5354524fu
#define RING            4096        /* overlapped requests kept alive to catch late duplicates */

/* The bytes every connection sends (tu_fill's pattern), filled once. */
extern unsigned char stress_send_pattern[SEND_MAX];
void stress_pattern_ready(void);
/* Set once stress_handle_count had to scan the handles (Wine 8 answers
 * GetProcessHandleCount with 0). */
extern int stress_handle_count_scanned;
/* Held shared while a socket of our stack is created, exclusively by a
 * blocked-call scenario from its close until the blocked call returned
 * (stress_core.c says why). */
extern SRWLOCK stress_creation_lock;

/* ---- per-thread state ----------------------------------------------------------- */

struct op {
    WSAOVERLAPPED ov;
    unsigned magic;
    volatile LONG count;        /* completions seen */
    DWORD err, bytes;
    int is_send;
    DWORD expect_bytes;
    char buf[64];
};

struct blocker {
    HANDLE thread, go, done;
    SOCKET s;
    int op;                     /* 0 recv, 1 select, 2 WSARecv (not overlapped) */
    int result, err;
    volatile LONG quit;
};

struct worker {
    const struct stress_tcp_cfg *cfg;
    struct stress_tcp_result r;     /* this thread's counts, summed at the end */
    unsigned rng;
    int index;
    SOCKET listener;
    unsigned short port;
    HANDLE port_handle;             /* completion port */
    struct op *ring[RING];
    size_t ring_next;
    struct blocker b;
    struct ovrace race;             /* OV_RACE: the closing thread */
    struct ovrace_op *race_ring[RING];
    size_t race_next;
};

/* stress_peers.c */
unsigned rnd(struct worker *w);
void fail_note(struct worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int set_linger(struct worker *w, SOCKET s, int *kind);
int own_pair(struct worker *w, SOCKET *c, SOCKET *a);
void read_own_peer(struct worker *w, SOCKET a, int graceful, long long sent_ok, long long sent_max, const char *who);
int close_ok(struct worker *w, SOCKET s, const char *who);
void sc_host_peer(struct worker *w);
void sc_host_only(struct worker *w);
void sc_own_peer(struct worker *w);

/* stress_overlapped.c */
void drain_port(struct worker *w, DWORD ms);
void sc_overlapped(struct worker *w, int mode);
DWORD WINAPI blocker_main(void *arg);
int sc_blocked(struct worker *w);
void race_judge_all(struct worker *w);
void sc_ov_race(struct worker *w);

#endif
