/*
 * stress_core.h - the load tests of issue 5, shared by the long runs
 * (wine-tests/stress/stress.c, `make stress`) and CI's short profile
 * (wine-tests/test_stress_short.c).  Everything goes through OUR ws2.dll
 * (celsp over hostprov); the host's ws2_32 is used only by hostpeer, as an
 * outside witness of what reached the wire.
 *
 * stress_tcp: T threads x N TCP connections over loopback.  Each connection
 * runs one scenario, chosen at random, with a random linger setting
 * (default, SO_DONTLINGER, SO_LINGER {1,0}, SO_LINGER {1,1..2}):
 *
 *   HOST_PEER   blocking sends to a host ws2_32 peer (hostpeer), close;
 *               the peer checks the byte count and pattern, FIN or reset
 *   OWN_PEER    the same with our own accepted socket as the peer
 *   OV_EVENT    an overlapped WSARecv (never satisfied) and WSASend pending,
 *   OV_ROUTINE  closesocket at a random moment; each must complete exactly
 *   OV_PORT     once, through its event / completion routine / completion
 *               port, with a valid code (recv 995; send 0 or 995), and the
 *               peer gets at least every byte of the completed sends
 *   BLOCKED     another thread blocked in recv / select / WSARecv on the
 *               socket when it is closed: the call returns (WSAEINTR, or
 *               WSAENOTSOCK if the close came first)
 *   OV_RACE     an overlapped WSARecv or WSASend (event, routine or port,
 *               at random) issued while another thread closes the socket
 *               (wine-tests/ovrace.h): it fails at once and nothing ever
 *               completes, or it completes exactly once, never both
 *
 * Handle count (GetProcessHandleCount) and private memory (committed
 * MEM_PRIVATE summed over VirtualQuery, since Wine reports PrivateUsage as
 * 0) are read after a warm-up round and again at the end.
 *
 * stress_cycles: socket/close cycles (TCP and UDP, some bound, every 16th a
 * connected pair), sampling handles and private bytes; least-squares slope.
 */
#ifndef STRESS_CORE_H
#define STRESS_CORE_H

#include "testutil.h"
#include "ovrace.h"

enum stress_scenario { SC_HOST_PEER, SC_OWN_PEER, SC_OV_EVENT, SC_OV_ROUTINE, SC_OV_PORT, SC_BLOCKED,
                       SC_OV_RACE, SC_COUNT };

#define STRESS_MASK_HOST_ONLY  (1u << SC_COUNT)

struct stress_tcp_cfg {
    int threads;
    int sockets_per_thread;
    unsigned seed;
    int max_send;           /* bytes per connection at most (<= 32768) */
    int progress;           /* print a line every this many connections per thread (0: never) */
    unsigned scenario_mask; /* 0: all; else bit (1 << scenario) for each one to run, or
                               STRESS_MASK_HOST_ONLY: host sockets at both ends (attribution) */
};

struct stress_tcp_result {
    long long connections, by_scenario[SC_COUNT];
    long long bytes_sent, bytes_peer;         /* sent by us / counted by the peers */
    long long graceful, graceful_ok;          /* graceful closes; those with every byte + FIN */
    long long hard, hard_ok;                  /* SO_LINGER {1,0}; pattern intact, nothing extra */
    long long ov_issued, ov_once, ov_missing, ov_duplicate, ov_bad_code;
    long long blocked, blocked_returned, blocked_hung, blocked_bad_code;
    long long codes_eintr, codes_enotsock;
    struct ovrace_tally race;                 /* OV_RACE: one outcome per call */
    long long errors;                         /* anything else that went wrong */
    long handles_before, handles_after;
    unsigned long long private_before, private_after;
    double seconds;
    char first_error[320];
};

int stress_tcp(const struct stress_tcp_cfg *cfg, struct stress_tcp_result *r);
/* Every promise kept (no loss, exactly once, no hang, no stray error). */
int stress_tcp_ok(const struct stress_tcp_result *r);

struct stress_cycles_cfg {
    long cycles;
    int samples;            /* samples of handles and private bytes along the way */
};

struct stress_cycles_result {
    long cycles, errors;
    long handles_start, handles_end;
    unsigned long long private_start, private_end;
    double bytes_per_cycle, handles_per_cycle;   /* slopes over the samples after the first tenth */
    double seconds;
    char first_error[200];
};

int stress_cycles(const struct stress_cycles_cfg *cfg, struct stress_cycles_result *r);

long stress_handle_count(void);
unsigned long long stress_private_bytes(void);

#endif /* STRESS_CORE_H */
