/*
 * irda_peer.c - the parent side of the AF_IRDA suites' two-station harness
 * (irda_peer.h): identities, the watchdog, small helpers over AF_IRDA, the
 * command protocol, starting the child stations and the group setup.
 */
#include "irda_peer.h"

#include <stdlib.h>
#include <string.h>

/* ---- identities and environment ------------------------------------------- */

unsigned short air_port;
DWORD parent_pid;
char parent_nick[24], child_nick[24], idle_nick[24];
unsigned long parent_addr, child_addr, idle_addr;

/*
 * The air port comes from the parent's pid AND this program's full path:
 * Wine numbers processes per prefix, so two worktrees' runs (each its own
 * prefix and wineserver) both start test_irda.exe as pid 32.  On one port
 * they met on one hub, and since the hub has an owner, the second run's
 * stations were refused by a hub whose key file is in another prefix and
 * never discovered each other.  Parent and child run the same program, so
 * they agree on the port (tu_program_hash).
 */
void identities(DWORD ppid)
{
    parent_pid = ppid;
    air_port = tu_private_air_port(ppid);
    snprintf(parent_nick, sizeof(parent_nick), "cews-P%lu", (unsigned long)(ppid % 100000));
    snprintf(child_nick, sizeof(child_nick), "cews-C%lu", (unsigned long)(ppid % 100000));
    snprintf(idle_nick, sizeof(idle_nick), "cews-I%lu", (unsigned long)(ppid % 100000));
    parent_addr = 0x5E000000ul | ((ppid & 0xFFFFul) << 8) | 0x11;
    child_addr  = 0x5E000000ul | ((ppid & 0xFFFFul) << 8) | 0x22;
    idle_addr   = 0x5E000000ul | ((ppid & 0xFFFFul) << 8) | 0x33;
}

/* ---- watchdog ------------------------------------------------------------- */

volatile double wd_deadline;
char wd_what[160];
HANDLE children[4];

DWORD WINAPI wd_thread(void *arg)
{
    (void)arg;
    for (;;) {
        Sleep(200);
        double d = wd_deadline;
        if (d > 0 && tu_now_ms() > d) {
            printf("WATCHDOG: no progress in step \"%s\": giving up (a hang)\n", wd_what);
            for (int i = 0; i < 4; i++)
                if (children[i]) TerminateProcess(children[i], 9);
            fflush(stdout);
            ExitProcess(3);
        }
    }
    return 0;
}

void wd_arm(double seconds, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(wd_what, sizeof(wd_what), fmt, ap);
    va_end(ap);
    tu_log("step: %s", wd_what);
    wd_deadline = tu_now_ms() + seconds * 1000.0;
}

void wd_off(void) { wd_deadline = 0; }

void wd_start(void)
{
    HANDLE h = CreateThread(NULL, 0, wd_thread, NULL, 0, NULL);
    if (h) CloseHandle(h);
}

/* ---- small helpers over AF_IRDA -------------------------------------------- */

SOCKET irda_socket(void)
{
    return socket(AF_IRDA, SOCK_STREAM, 0);
}

int irda_addr(SOCKADDR_IRDA *a, const unsigned char id[4], const char *service)
{
    memset(a, 0, sizeof(*a));
    a->irdaAddressFamily = AF_IRDA;
    if (id) memcpy(a->irdaDeviceID, id, 4);
    snprintf(a->irdaServiceName, sizeof(a->irdaServiceName), "%s", service);
    return (int)sizeof(*a);
}

const char *hexid(const unsigned char id[4])
{
    static __thread char buf[4][16];
    static __thread int k;
    char *b = buf[k++ & 3];
    snprintf(b, 16, "%02x%02x%02x%02x", id[0], id[1], id[2], id[3]);
    return b;
}

/* closesocket on an IrDA socket: 0, and never WSAENETDOWN */
int close_irda(SOCKET s)
{
    if (closesocket(s) == 0)
        return 0;
    return WSAGetLastError();
}
/* One ENUMDEVICES with a buffer of buflen bytes: number of devices, or -error. */
int enum_devices(SOCKET s, DEVICELIST *dl, int buflen)
{
    int len = buflen;
    if (getsockopt(s, SOL_IRLMP, IRLMP_ENUMDEVICES, (char *)dl, &len) == SOCKET_ERROR)
        return -WSAGetLastError();
    return (int)dl->numDevice;
}

int find_in_list(const DEVICELIST *dl, const char *nick, unsigned char id[4])
{
    for (ULONG i = 0; i < dl->numDevice; i++) {
        const IRDA_DEVICE_INFO *d = &dl->Device[i];
        size_t n = strnlen(d->irdaDeviceName, sizeof(d->irdaDeviceName));
        if (n == strlen(nick) && !memcmp(d->irdaDeviceName, nick, n)) {
            if (id) memcpy(id, d->irdaDeviceID, 4);
            return 1;
        }
    }
    return 0;
}

void log_list(const DEVICELIST *dl)
{
    for (ULONG i = 0; i < dl->numDevice; i++) {
        const IRDA_DEVICE_INFO *d = &dl->Device[i];
        tu_log("  device %lu: id %s name \"%.22s\" hints %02x %02x charset %u", (unsigned long)i,
               hexid(d->irdaDeviceID), d->irdaDeviceName, d->irdaDeviceHints1,
               d->irdaDeviceHints2, d->irdaCharSet);
    }
}

/* Discovers until the station nick answers (retrying for up to ms). */
int discover(const char *nick, unsigned char id[4], DWORD ms)
{
    static char buf[sizeof(ULONG) + 16 * sizeof(IRDA_DEVICE_INFO)];
    DEVICELIST *dl = (DEVICELIST *)buf;
    SOCKET s = irda_socket();
    double end = tu_now_ms() + ms;
    int found = 0, tries = 0;
    if (s == INVALID_SOCKET) {
        tu_log("discover: socket(AF_IRDA) failed: %d", WSAGetLastError());
        return 0;
    }
    while (!found && tu_now_ms() < end) {
        int n = enum_devices(s, dl, sizeof(buf));
        tries++;
        if (n < 0) {
            tu_log("discover: ENUMDEVICES failed: %d", -n);
            Sleep(300);
            continue;
        }
        found = find_in_list(dl, nick, id);
        if (!found) Sleep(200);
    }
    tu_log("discover \"%s\": %s after %d discoveries", nick, found ? "found" : "NOT found", tries);
    close_irda(s);
    return found;
}

int ias_query(SOCKET s, const unsigned char id[4], const char *cls, const char *attr,
                     IAS_QUERY *q)
{
    int len = sizeof(*q);
    memset(q, 0, sizeof(*q));
    memcpy(q->irdaDeviceID, id, 4);
    snprintf(q->irdaClassName, sizeof(q->irdaClassName), "%s", cls);
    snprintf(q->irdaAttribName, sizeof(q->irdaAttribName), "%s", attr);
    q->irdaAttribType = 0xDEAD;
    if (getsockopt(s, SOL_IRLMP, IRLMP_IAS_QUERY, (char *)q, &len) == SOCKET_ERROR)
        return WSAGetLastError();
    return 0;
}

/* ---- the command protocol between parent and child (irda_peer.h) ---------
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

void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
unsigned long get32(const unsigned char *p)
{
    return p[0] | (p[1] << 8) | ((unsigned long)p[2] << 16) | ((unsigned long)p[3] << 24);
}

int send_cmd(SOCKET s, char cmd, int flags, unsigned long a, unsigned long b, unsigned long c)
{
    unsigned char m[16];
    memset(m, 0, sizeof(m));
    m[1] = (unsigned char)cmd;
    m[2] = (unsigned char)flags;
    put32(m + 4, a); put32(m + 8, b); put32(m + 12, c);
    return tu_send_all(s, m, sizeof(m));
}

void fill_data(void *buf, unsigned long long off, size_t len, int zeros)
{
    if (zeros) memset(buf, 0, len);
    else tu_fill(buf, off, len);
}
size_t check_data(const void *buf, unsigned long long off, size_t len, int zeros)
{
    if (!zeros) return tu_check(buf, off, len);
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) if (p[i]) return i;
    return (size_t)-1;
}

/* Send len data bytes in chunks (0 or the error). */
int send_data(SOCKET s, unsigned long long len, int zeros)
{
    static __thread char buf[32768];
    unsigned long long off = 0;
    while (off < len) {
        size_t n = len - off > sizeof(buf) ? sizeof(buf) : (size_t)(len - off);
        fill_data(buf, off, n, zeros);
        int e = tu_send_all(s, buf, n);
        if (e) return e;
        off += n;
    }
    return 0;
}

/* Receive exactly len data bytes, checking them: 0, the error, -1 early end,
 * -2 a bad byte (*bad gets its offset). */
int recv_data(SOCKET s, unsigned long long len, int zeros, unsigned long long *bad,
                     const char *who)
{
    static __thread char buf[65536];
    unsigned long long off = 0, next_log = 1u << 20;
    while (off < len) {
        int want = len - off > sizeof(buf) ? (int)sizeof(buf) : (int)(len - off);
        int n = recv(s, buf, want, 0);
        if (n == SOCKET_ERROR) return WSAGetLastError();
        if (n == 0) { if (bad) *bad = off; return -1; }
        size_t k = check_data(buf, off, (size_t)n, zeros);
        if (k != (size_t)-1) { if (bad) *bad = off + k; return -2; }
        off += (unsigned long long)n;
        if (off >= next_log) {
            tu_log("%s: %llu bytes received", who, off);
            next_log += 1u << 20;
        }
    }
    return 0;
}

DWORD WINAPI xsend_thread(void *arg)
{
    struct xsend *x = arg;
    x->err = send_data(x->s, x->len, x->zeros);
    return 0;
}
/* ---- the parent: starting children ------------------------------------------ */

HANDLE start_child(const char *mode, int index, const char *services, DWORD wait_ms)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 256];
    char evname[64];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;

    snprintf(evname, sizeof(evname), "cews2-irda-ready-%lu-%d", (unsigned long)parent_pid, index);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, evname);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" --irda-child %hs %lu %d %hs", exe, mode,
               (unsigned long)parent_pid, index, services);
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        tu_log("CreateProcess failed: %lu", GetLastError());
        CloseHandle(ev);
        return NULL;
    }
    CloseHandle(pi.hThread);
    HANDLE both[2] = { ev, pi.hProcess };
    DWORD w = WaitForMultipleObjects(2, both, FALSE, wait_ms);
    CloseHandle(ev);
    if (w != WAIT_OBJECT_0) {
        DWORD code = 0;
        GetExitCodeProcess(pi.hProcess, &code);
        printf("child %d (%s) not ready (wait %lu, exit code %lu)\n", index, mode,
               (unsigned long)w, (unsigned long)code);
        TerminateProcess(pi.hProcess, 9);
        CloseHandle(pi.hProcess);
        return NULL;
    }
    return pi.hProcess;
}

void stop_child(HANDLE *h)
{
    if (*h) {
        TerminateProcess(*h, 0);
        WaitForSingleObject(*h, 10000);
        CloseHandle(*h);
        *h = NULL;
    }
}

void dump_child_log(int index)
{
    char path[64], line[512];
    snprintf(path, sizeof(path), "test_irda-child%d.log", index);
    FILE *f = fopen(path, "r");
    if (!f) return;
    printf("---- %s\n", path);
    while (fgets(line, sizeof(line), f)) printf("  %s", line);
    fclose(f);
}

/* ---- group state -------------------------------------------------------------- */

int have_irda;           /* socket(AF_IRDA) works */
int child_found;
unsigned char child_id[4];
long child_lsap = -1;

int irda_group_setup(void **state)
{
    (void)state;
    if (tu_startup()) return -1;
    SOCKET s = irda_socket();
    if (s == INVALID_SOCKET) {
        printf("socket(AF_IRDA, SOCK_STREAM, 0) failed: %d (irdaprov.dll registered?)\n",
               WSAGetLastError());
        return 0;
    }
    have_irda = 1;
    close_irda(s);
    wd_arm(90, "group setup: start the child station and discover it");
    children[0] = start_child("server", 1, SVC_TEST, 60000);
    if (children[0])
        child_found = discover(child_nick, child_id, 30000);
    wd_off();
    printf("air port %u; this station \"%s\" 0x%08lX; child \"%s\" 0x%08lX id %s %s\n",
           air_port, parent_nick, parent_addr, child_nick, child_addr, hexid(child_id),
           child_found ? "discovered" : "NOT discovered");
    return 0;
}

int irda_group_teardown(void **state)
{
    (void)state;
    stop_child(&children[0]);
    stop_child(&children[1]);
    dump_child_log(1);
    dump_child_log(2);
    WSACleanup();
    return 0;
}

SOCKET connect_child(const char *service)
{
    SOCKADDR_IRDA a;
    SOCKET s = irda_socket();
    if (s == INVALID_SOCKET) fail_msg("socket: %d", WSAGetLastError());
    wd_arm(60, "connect to \"%s\"", service);
    double t0 = tu_now_ms();
    if (connect(s, (struct sockaddr *)&a, irda_addr(&a, child_id, service)) == SOCKET_ERROR) {
        int e = WSAGetLastError();
        fail_msg("connect to \"%s\" on %s: error %d after %.0f ms", service, hexid(child_id), e,
                 tu_now_ms() - t0);
    }
    wd_off();
    return s;
}

void query_slot(unsigned slot, unsigned long *bytes, unsigned long *ok, long *end)
{
    SOCKET s = connect_child(SVC_TEST);
    unsigned char r[12];
    assert_int_equal(send_cmd(s, 'Q', 0, 0, slot, 0), 0);
    wd_arm(90, "ask the child about slot %u", slot);
    assert_int_equal(tu_recv_all(s, r, sizeof(r)), 0);
    wd_off();
    *bytes = get32(r); *ok = get32(r + 4); *end = (long)get32(r + 8);
    print_message("child slot %u: %lu bytes, pattern %s, end %ld\n", slot, *bytes, *ok ? "ok" : "BAD", *end);
    assert_close_ok(s);
}
