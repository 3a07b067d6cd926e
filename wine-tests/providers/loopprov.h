/*
 * loopprov.h - what test_upcall and loopprov.dll (the non-IFS test provider,
 * wine-tests/providers/loopprov.c) agree on.
 *
 * A private address family with one protocol, SOCK_DGRAM protocol 0, a
 * loopback inside the process: every socket has a 32-bit id (getsockname
 * gives it) and a datagram sent to an id is queued on that socket.
 */
#ifndef LOOPPROV_H
#define LOOPPROV_H

#include <cews2.h>

/* mingw-w64 knows AF_* up to 33 (AF_MAX); this one is far from them all */
#define AF_LOOPPROV  0x7C4C

struct sockaddr_loop {
    u_short sloop_family;       /* AF_LOOPPROV */
    u_short sloop_reserved;
    u_long  sloop_id;           /* the socket's id (host order); 0 = unbound/any */
    char    sloop_zero[8];
};

/* {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0010} */
#define LOOPPROV_GUID \
    { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x10 } }

/* getsockopt level/option: the provider's DLL path as WPUGetProviderPath
 * gives it (WCHAR string, NUL-terminated). */
#define LOOPPROV_SOL                0x4C50
#define LOOPPROV_SO_PROVIDER_PATH   1

/* WSAIoctl: in = a SOCKET (any handle value); out = INT: 0 when
 * WPUQuerySocketHandleContext(handle) succeeds AND gives this socket's own
 * context back when handle is this socket, else the error it failed with
 * (or WSAEINVAL for a context that is not a loopprov socket's). */
#define SIO_LOOPPROV_QUERY_CONTEXT  _WSAIOW(IOC_VENDOR, 0x4C01)
/* WSAIoctl: in = struct loopprov_async_select: WSPAsyncSelect on this
 * socket (ws2.dll has no WSAAsyncSelect, as CE), so WPUPostMessage is reachable. */
#define SIO_LOOPPROV_ASYNC_SELECT   _WSAIOW(IOC_VENDOR, 0x4C02)
struct loopprov_async_select {
    HWND hwnd;
    UINT msg;
    LONG events;
};

/* Counters, exported as LoopprovStats (the test loads the DLL itself too,
 * so they outlive the provider's WSPCleanup). */
struct loopprov_stats {
    LONG startups, cleanups;
    LONG callback_interrupts;   /* blocking recv ended: blocking callback said stop */
    LONG close_interrupts;      /* blocking recv ended: socket closed under it */
    LONG aborted;               /* pending overlapped requests aborted by close */
    LONG apcs_run;              /* completion routines run through WPUQueueApc */
    LONG handles_open;          /* WPUCreateSocketHandle minus WPUCloseSocketHandle */
};
typedef void (WINAPI *LOOPPROV_STATS)(struct loopprov_stats *out);

#endif
