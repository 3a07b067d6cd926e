/*
 * loopharness.h - the upcall suites' harness around loopprov.dll
 * (wine-tests/providers/loopprov.c): its registration for the group, the
 * sockets a test opened (closed by the per-test teardown), addresses,
 * counters, and datagrams sent now or later from another thread.
 */
#ifndef LOOPHARNESS_H
#define LOOPHARNESS_H

#include "testutil.h"
#include "providers/loopprov.h"

#define LSP_NAME L"zz-test-upcall-loopprov"
#define LSP_KEY  CEWS2_LSP_KEY L"\\" LSP_NAME     /* under HKLM */
#define ORDER    300
#define LOOP_MAX_OPEN 16

extern WCHAR loopprov_path[MAX_PATH];
extern int loop_started;                 /* WSAStartup done by the group setup */
extern SOCKET loop_opened[LOOP_MAX_OPEN];
extern int loop_nopened;

/* Group setup/teardown: registers loopprov, WSAStartup; WSACleanup, unregisters. */
int loop_group_setup(void **state);
int loop_group_teardown(void **state);
/* Per-test teardown: closes what the test opened, runs aborted routines. */
int loop_test_teardown(void **state);

/* A datagram socket of AF_LOOPPROV (overlapped), remembered for the teardown. */
SOCKET loop_socket(void);
void loop_forget(SOCKET s);
void close_loop(SOCKET s);
/* The socket's loopback id (from getsockname) and an address for an id. */
u_long loop_id_of(SOCKET s);
int loop_addr(u_long id, struct sockaddr_loop *a);
struct loopprov_stats loop_stats_now(void);

/* A datagram sent from another thread after a delay. */
struct loop_sender {
    SOCKET from;
    u_long to;
    DWORD delay_ms;
    char data[64];
    int len;
    int result, error;
    DWORD thread_id;
};

/* Sends text from "from" to "to" after delay ms, from a new thread. */
HANDLE loop_send_later(struct loop_sender *s, SOCKET from, SOCKET to, DWORD delay, const char *text);
/* Joins t without an alertable wait (no completion routine may run here). */
void loop_join(HANDLE t, struct loop_sender *s);
void loop_send_now(SOCKET from, SOCKET to, const char *text);

/* Takes every packet the port has within wait_ms, then any later ones (200 ms). */
int loop_take_packets(HANDLE port, DWORD wait_ms, DWORD *bytes, ULONG_PTR *key,
                      LPOVERLAPPED *ov, BOOL *ok, DWORD *error, int max);

#endif
