/*
 * testutil.h - shared helpers for the Wine-run suites (linked into every
 * test program).  Timing, byte patterns, addresses, and small helpers over
 * OUR stack (ws2.dll) that return error codes instead of asserting, so they
 * can be used from any thread.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <cews2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

/* Milliseconds from QueryPerformanceCounter (arbitrary origin). */
double tu_now_ms(void);

/* The byte expected at stream offset off (not periodic at 256, so a lost
 * or duplicated block is caught). */
static inline unsigned char tu_pattern(unsigned long long off)
{
    return (unsigned char)((off * 131u) ^ (off >> 8) ^ (off >> 17));
}
void tu_fill(void *buf, unsigned long long off, size_t len);
/* Index of the first byte that differs from the pattern, or (size_t)-1. */
size_t tu_check(const void *buf, unsigned long long off, size_t len);

/* Loopback address of family (AF_INET: 127.0.0.1, AF_INET6: ::1) and port
 * (host order) into *ss; returns its length. */
int tu_loopback(int family, unsigned short port, struct sockaddr_storage *ss);
/* 127.0.0.1:port (host order) as a sockaddr_in. */
struct sockaddr_in tu_loopback4(unsigned short port);
/* Port (host order) of a sockaddr_in/in6, without calling Winsock. */
unsigned short tu_port_of(const struct sockaddr *sa);
int tu_is_loopback(const struct sockaddr *sa);

/* Verbose logging (TU_VERBOSE=1 in the environment). */
int tu_verbose(void);
void tu_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- helpers over our stack (no asserts) ---------------------------------- */
int tu_startup(void);                        /* WSAStartup(2.2); returns its result */
/* socket + bind(loopback:0) + listen; *port gets the bound port. */
SOCKET tu_listener(int family, int type, unsigned short *port);
SOCKET tu_connect(int family, unsigned short port);  /* blocking TCP connect */
/* socket(type) bound to loopback:0 (UDP). */
SOCKET tu_udp(int family, unsigned short *port);
/* An overlapped TCP/IPv4 socket of the catalog's base entry (chain length 1:
 * the provider below every layer), or INVALID_SOCKET with the error set;
 * fails the test when the catalog has no such entry. */
SOCKET tu_base_tcp_socket(void);
int tu_set_timeouts(SOCKET s, DWORD ms);      /* SO_RCVTIMEO + SO_SNDTIMEO */
int tu_send_all(SOCKET s, const void *buf, size_t len);  /* 0 or the Winsock error */
/* Receive exactly len bytes; 0, or the Winsock error, or -1 on early FIN. */
int tu_recv_all(SOCKET s, void *buf, size_t len);
/* Receive until FIN: returns total, or -(error) on error. */
long long tu_recv_to_eof(SOCKET s, unsigned long long pattern_off, int *pattern_ok);
/* Connected pair over our stack (client connects to our listener). */
int tu_tcp_pair(int family, SOCKET *client, SOCKET *server);

/* Runs cmdline (with env_name=env_value set for it, if given) with stdout
 * and stderr captured into *output (malloc'd); returns the exit code, -1 if
 * it could not start, -2 if it was killed after timeout_ms. */
int tu_run_capture(const WCHAR *cmdline, const WCHAR *env_name, const WCHAR *env_value,
                   char **output, DWORD timeout_ms);
/* Prints text indented under a "--- what ---" heading. */
void tu_print_indented(const char *what, const char *text);
/* Whether some line of text contains both a and b (b may be NULL). */
int tu_line_has(const char *text, const char *a, const char *b);

/* Sets an environment variable for GetEnvironmentVariable and for the
 * CRT's getenv alike (NULL removes it); children inherit it. */
void tu_set_env(const char *name, const char *value);

/* The environment that makes this process (and its children) an IrDA
 * station on the loopback air at air_port with nickname nick and device
 * address addr; the hub it starts leaves after 5 s idle. */
/* A loopback air port for this run and its child stations: the parent's
 * (CEWS2_TEST_AIR_PORT, inherited) or a free one chosen at random and
 * published there (testutil.c says why). */
unsigned short tu_private_air_port(DWORD salt);
void tu_station_env(unsigned short air_port, const char *nick, unsigned long addr);
/* A hash of this program's full path (FNV-1a, case folded): private air
 * ports are derived from a pid AND this, since Wine numbers processes per
 * prefix and two worktrees' runs both have a pid 32. */
unsigned tu_program_hash(void);

/* A child process's side of "TCP through our stack": echoes msg off an
 * independent host-ws2_32 peer.  0, or the child's exit code for the step
 * that failed (12 host peer, 13 connect, 14 echo), having printed why. */
int tu_echo_through_host_peer(const char *msg);

/* A sender that never pauses: pattern bytes (tu_fill, from stream offset
 * sent) in chunks of chunk bytes until send fails (err, failed_at: the
 * error and when) or stop is set.  CreateThread(..., tu_push_thread, p). */
struct tu_pusher {
    SOCKET s;
    size_t chunk;                       /* at most 8192 */
    volatile LONG stop;
    int err;
    double failed_at;
    volatile unsigned long long sent;
};
DWORD WINAPI tu_push_thread(void *arg);

/* Directory of this test program (with trailing backslash). */
void tu_exe_dir(WCHAR *buf, size_t n);
/* The whole of a file as a NUL-terminated string to free(); NULL if it
 * cannot be opened (or memory runs out).  Readable while a writer has it. */
char *tu_read_file(const WCHAR *path);

/* A registration for WSASetServiceW: name at the IPv4 address (host order)
 * and port over TCP, of service class class_id (NULL: none), in namespace
 * space (provider NULL: every provider of it).  tu_service_reg fills r and
 * returns its query set, which points into r. */
struct tu_service_reg {
    WSAQUERYSETW q;
    CSADDR_INFO csa;
    struct sockaddr_in at;
};
WSAQUERYSETW *tu_service_reg(struct tu_service_reg *r, const WCHAR *name, GUID *class_id, DWORD space,
                             GUID *provider, u_long address, u_short port);

/* cmocka group setup/teardown doing WSAStartup/WSACleanup. */
int tu_group_startup(void **state);
int tu_group_cleanup(void **state);

/* Common main: argv[1], if given, is a cmocka test-name filter (glob). */
void tu_main_init(int argc, char **argv);

/* Assertion helpers that print the Winsock error. */
#define assert_wsa_ok(expr) do { \
        int tu_r_ = (int)(expr); int tu_e_ = WSAGetLastError(); \
        if (tu_r_ == SOCKET_ERROR) fail_msg("%s failed: error %d", #expr, tu_e_); \
    } while (0)
/* expr must return SOCKET_ERROR (or INVALID_SOCKET / FALSE / NULL: give the
 * failure value) with WSAGetLastError() == err. */
#define assert_wsa_fail(expr, failval, err) do { \
        WSASetLastError(0xbeef); \
        long long tu_r_ = (long long)(expr); int tu_e_ = WSAGetLastError(); \
        if (tu_r_ != (long long)(failval) || tu_e_ != (err)) \
            fail_msg("%s: expected %.0f/error %d, got %.0f/error %d", #expr, \
                     (double)(long long)(failval), (int)(err), (double)tu_r_, tu_e_); \
    } while (0)

#endif /* TESTUTIL_H */
