/*
 * hostpeer.h - an independent peer for the Wine-run tests.
 *
 * Everything here goes through the HOST's ws2_32.dll, loaded at run time
 * with LoadLibraryW + GetProcAddress, never through ce-winsock's ws2.dll.
 * That makes the peer an outside witness of what our stack put on the wire:
 * bytes, FIN (recv returns 0) or reset (WSAECONNRESET), addresses.
 *
 * Sockets handed out by this API (hostpeer_sock) are HOST socket handles:
 * only pass them to hostpeer_* functions, never to the Winsock API.
 * All functions are safe to call from any thread; none of them asserts.
 */
#ifndef HOSTPEER_H
#define HOSTPEER_H

#include <cews2.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Load the host ws2_32.dll and start it (host WSAStartup, held for the
 * whole process).  Returns 0, or -1 (see hostpeer_error_text()).  Every
 * other function calls it implicitly. */
int hostpeer_init(void);
const char *hostpeer_error_text(void);

/* Whether the host can bind ::1 (the test machine may lack IPv6). */
int hostpeer_have_ipv6(void);

/* ---- TCP listener accepting one connection ------------------------------ */

typedef enum hostpeer_end {
    HOSTPEER_PENDING = 0,   /* still connected (or never connected) */
    HOSTPEER_FIN,           /* recv returned 0: orderly end of stream */
    HOSTPEER_RESET,         /* recv failed with WSAECONNRESET / WSAECONNABORTED */
    HOSTPEER_ERROR,         /* recv failed with another error (see error) */
    HOSTPEER_NOCONN         /* no connection was accepted before stop */
} hostpeer_end;

const char *hostpeer_end_name(hostpeer_end e);

typedef struct hostpeer_tcp_opts {
    int family;             /* AF_INET (default when 0) or AF_INET6 */
    int echo;               /* send back everything received */
    int check_pattern;      /* check received bytes against tu_pattern(offset) */
    size_t send_bytes;      /* after accept (+ send_delay_ms), send this many pattern bytes */
    DWORD send_delay_ms;
    int shutdown_after_send;/* shutdown(SD_SEND) after send_bytes were sent */
    int reset_after_send;   /* abortive close (SO_LINGER {1,0}) after send_bytes */
    int no_read;            /* accept, but never read (leave data queued) */
    DWORD read_delay_ms;    /* wait this long after accept before reading */
    int probe_reset;        /* at end of stream, tell reset from FIN by a 1-byte send
                               (Wine loses resets that arrive while no recv is pending) */
} hostpeer_tcp_opts;

typedef struct hostpeer_result {
    int accepted;                 /* a connection was accepted */
    struct sockaddr_storage remote; /* the accepted connection's peer address */
    int remote_len;
    unsigned long long bytes;     /* bytes received */
    unsigned long long echoed;    /* bytes sent back by echo */
    unsigned long long sent;      /* bytes sent by send_bytes */
    hostpeer_end end;
    int error;                    /* the host error that ended the stream, or 0 */
    int pattern_ok;               /* 1 when check_pattern and every byte matched */
    unsigned long long first_bad; /* offset of the first mismatch, if any */
    double accept_ms;             /* tu-style timestamps (QueryPerformanceCounter ms) */
    double end_ms;
} hostpeer_result;

typedef struct hostpeer_listener hostpeer_listener;

/* Bind the loopback address of opts->family on an ephemeral port, listen and
 * start a thread that accepts ONE connection and serves it until end of
 * stream.  NULL on failure. */
hostpeer_listener *hostpeer_tcp_listen(const hostpeer_tcp_opts *opts);
unsigned short hostpeer_listener_port(const hostpeer_listener *l);
/* Wait up to timeout_ms for the connection to end; copies the state into
 * *out either way.  Returns 1 if the connection ended (or failed), 0 on
 * timeout. */
int hostpeer_listener_wait(hostpeer_listener *l, DWORD timeout_ms, hostpeer_result *out);
/* Snapshot without waiting. */
void hostpeer_listener_peek(hostpeer_listener *l, hostpeer_result *out);
/* Stops the thread (closing the host sockets) and frees. */
void hostpeer_listener_free(hostpeer_listener *l);

/* ---- TCP client and raw host socket helpers ------------------------------ */

typedef UINT_PTR hostpeer_sock;
#define HOSTPEER_BAD ((hostpeer_sock)~(UINT_PTR)0)

/* Blocking connect to the loopback address of family on port. */
hostpeer_sock hostpeer_tcp_connect(int family, unsigned short port);
int hostpeer_send(hostpeer_sock s, const void *buf, int len);     /* send all; -1 on error */
/* One recv with a timeout: >0 bytes, 0 FIN, -1 error (hostpeer_last_error),
 * -2 timeout. */
int hostpeer_recv(hostpeer_sock s, void *buf, int len, DWORD timeout_ms);
int hostpeer_shutdown(hostpeer_sock s, int how);
int hostpeer_close(hostpeer_sock s);
int hostpeer_close_reset(hostpeer_sock s);   /* SO_LINGER {1,0} then close */
int hostpeer_getsockname(hostpeer_sock s, struct sockaddr *sa, int *len);
int hostpeer_last_error(void);               /* the host WSAGetLastError() */

/* ---- UDP echo ------------------------------------------------------------- */

typedef struct hostpeer_udp hostpeer_udp;
/* Bound to loopback of family on an ephemeral port; echoes every datagram to
 * its sender, unchanged. */
hostpeer_udp *hostpeer_udp_echo(int family);
unsigned short hostpeer_udp_port(const hostpeer_udp *u);
unsigned long hostpeer_udp_count(const hostpeer_udp *u);    /* datagrams echoed */
/* Size of the i-th datagram received (i < 64), or -1. */
int hostpeer_udp_size(const hostpeer_udp *u, unsigned i);
void hostpeer_udp_free(hostpeer_udp *u);

/* Host-side UDP socket for a one-off check: bound to loopback, ephemeral port. */
hostpeer_sock hostpeer_udp_socket(int family, unsigned short *port);
int hostpeer_sendto(hostpeer_sock s, const void *buf, int len, int family, unsigned short port);
/* >=0 bytes, -1 error, -2 timeout; *from_port set if not NULL. */
int hostpeer_recvfrom(hostpeer_sock s, void *buf, int len, DWORD timeout_ms, unsigned short *from_port);

#ifdef __cplusplus
}
#endif

#endif /* HOSTPEER_H */
