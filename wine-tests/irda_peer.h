/*
 * irda_peer.h - the two-station harness of the AF_IRDA suites (test_irda,
 * test_irda_connect, test_irda_linger): this program is the first station;
 * it starts a copy of itself as the second ("--irda-child server ..."), a
 * station with its own nickname and device address, which binds the
 * services the tests talk to and serves one command per connection
 * (irda_peer_child.c).  A third station ("--irda-child idle ...") joins for
 * the device-list tests.  Every process of one run meets on the air port
 * chosen by the parent (CEWS2_IRDA_AIR_PORT, derived from the parent's
 * pid), never on 6417.  A watchdog turns a hang into a message naming the
 * step (exit code 3).
 */
#ifndef IRDA_PEER_H
#define IRDA_PEER_H

#include "testutil.h"

#include <stdio.h>

#define SVC_TEST      "CeTestSvc"
#define SVC_COMM      "IrDA:IrCOMM"
#define INFO_CLASS    "CeTestInfo"
#define LSAPSEL_ATTR  "IrDA:TinyTP:LsapSel"
#define BIG           (10u << 20)      /* 10 MiB each way */
#define CLOSE_BYTES   (1u << 20)

#define assert_close_ok(s) do { int e_ = close_irda(s); \
        if (e_ == WSAENETDOWN) fail_msg("closesocket returned WSAENETDOWN"); \
        if (e_) fail_msg("closesocket failed: %d", e_); } while (0)

/* The command protocol between parent and child:
 * One command per connection, 16 bytes: [0] 0 (IrCOMM clen 0), [1] command,
 * [2] flags (CMD_ZEROS: the data is all zeros, else tu_pattern), [3] 0,
 * [4..7] a, [8..11] b, [12..15] c (little endian).
 *   'X' a: both ways at once, a bytes each; then the child sends an 8-byte
 *          verdict on what it received (all zero: good; else [1] 'F' and
 *          [4..7] the first bad offset), then waits for the close.
 *   'S' a: the child sends a bytes and closes at once.
 *   'R' b: the child reads to the end and records (bytes, pattern, end) in slot b.
 *   'Q' b: the child waits for slot b and answers 12 bytes: bytes, pattern ok,
 *          end (0: recv returned 0, else the Winsock error).
 *   'D' a b c: the child sleeps a ms, sends b bytes, then reads to the end
 *          into slot c.
 *   'P' a b: the child sleeps a ms (not reading), then reads to the end into slot b.
 *   'L' a b c: a slow reader: the child reads at most a bytes at a time,
 *          pausing c ms after each, to the end into slot b.
 *   'H':   the child reads until an error or the end and logs it.
 */
#define CMD_ZEROS 1
#define VERDICT_LEN 8
#define NSLOTS 32

#define need_child() do { \
        if (!have_irda) fail_msg("no AF_IRDA provider: socket(AF_IRDA, SOCK_STREAM, 0) fails"); \
        if (!child_found) fail_msg("the child station \"%s\" was never discovered", child_nick); \
    } while (0)

struct xsend { SOCKET s; unsigned long long len; int zeros; int err; };

/* test_irda*.exe --irda-child server|idle PARENTPID INDEX SERVICES */
int child_main(int argc, char **argv);

extern unsigned short air_port;
extern DWORD parent_pid;
extern char parent_nick[24], child_nick[24], idle_nick[24];
extern unsigned long parent_addr, child_addr, idle_addr;
void identities(DWORD ppid);
extern volatile double wd_deadline;
extern char wd_what[160];
extern HANDLE children[4];
DWORD WINAPI wd_thread(void *arg);
void wd_arm(double seconds, const char *fmt, ...);
void wd_off(void);
void wd_start(void);
SOCKET irda_socket(void);
int irda_addr(SOCKADDR_IRDA *a, const unsigned char id[4], const char *service);
const char *hexid(const unsigned char id[4]);
int close_irda(SOCKET s);
int enum_devices(SOCKET s, DEVICELIST *dl, int buflen);
int find_in_list(const DEVICELIST *dl, const char *nick, unsigned char id[4]);
void log_list(const DEVICELIST *dl);
int discover(const char *nick, unsigned char id[4], DWORD ms);
int ias_query(SOCKET s, const unsigned char id[4], const char *cls, const char *attr,
              IAS_QUERY *q);
void put32(unsigned char *p, unsigned long v);
unsigned long get32(const unsigned char *p);
int send_cmd(SOCKET s, char cmd, int flags, unsigned long a, unsigned long b, unsigned long c);
void fill_data(void *buf, unsigned long long off, size_t len, int zeros);
size_t check_data(const void *buf, unsigned long long off, size_t len, int zeros);
int send_data(SOCKET s, unsigned long long len, int zeros);
int recv_data(SOCKET s, unsigned long long len, int zeros, unsigned long long *bad,
              const char *who);
DWORD WINAPI xsend_thread(void *arg);
HANDLE start_child(const char *mode, int index, const char *services, DWORD wait_ms);
void stop_child(HANDLE *h);
void dump_child_log(int index);
extern int have_irda;           /* socket(AF_IRDA) works */
extern int child_found;
extern unsigned char child_id[4];
extern long child_lsap;
int irda_group_setup(void **state);
int irda_group_teardown(void **state);
SOCKET connect_child(const char *service);
/* Asks the child ('Q') what it recorded in slot: bytes, pattern ok (1/0),
 * end (0: recv returned 0, else the Winsock error). */
void query_slot(unsigned slot, unsigned long *bytes, unsigned long *ok, long *end);

#endif
