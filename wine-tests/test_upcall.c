/*
 * test_upcall.c - the WPU upcall table is real: a non-IFS provider
 * (loopprov.dll, wine-tests/providers/loopprov.c) that uses every upcall,
 * driven through ws2.dll.
 *
 * The group setup registers loopprov.dll (next to this program, by full
 * path, Order 300) under HKLM\CEWS2_LSP_KEY before its WSAStartup, so this
 * process's catalog has the private family AF_LOOPPROV; the teardown (and
 * an exit handler, and an unhandled-exception filter) removes the
 * registration again, so later suites never see it.
 *
 * Completions are checked exactly once through each channel: the event
 * (WSAGetOverlappedResult), the completion routine (on the issuing thread,
 * at an alertable wait) and a completion port the test associates with
 * the socket handle (a WPUCreateSocketHandle handle: ws2.dll completes the
 * request through that handle's own I/O so that the port gets its packet).
 *
 * OVERLAPPED structures and buffers given to pending operations are
 * static: a failed assertion leaves the test function, and the per-test
 * teardown's closesocket then completes those requests (aborted) into
 * memory that is still there.
 */
#include "testutil.h"
#include "providers/loopprov.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define LSP_NAME L"zz-test-upcall-loopprov"
#define LSP_KEY  CEWS2_LSP_KEY L"\\" LSP_NAME     /* under HKLM */
#define ORDER    300

static WCHAR loopprov_path[MAX_PATH];
static HMODULE loopprov_module;
static LOOPPROV_STATS loopprov_stats;
static int started;

/* ---- registration ------------------------------------------------------------ */

static void remove_registration(void)
{
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, LSP_KEY);
}

static LONG WINAPI crash_filter(EXCEPTION_POINTERS *e)
{
    (void)e;
    remove_registration();
    return EXCEPTION_CONTINUE_SEARCH;
}

static int add_registration(void)
{
    HKEY k;
    DWORD order = ORDER;
    LONG r = RegCreateKeyExW(HKEY_LOCAL_MACHINE, LSP_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL);
    if (r)
        return (int)r;
    r = RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)loopprov_path,
                       (DWORD)((wcslen(loopprov_path) + 1) * sizeof(WCHAR)));
    if (!r)
        r = RegSetValueExW(k, L"Order", 0, REG_DWORD, (const BYTE *)&order, sizeof(order));
    RegCloseKey(k);
    return (int)r;
}

static int group_setup(void **state)
{
    (void)state;
    tu_exe_dir(loopprov_path, MAX_PATH);
    wcscat(loopprov_path, L"loopprov.dll");
    remove_registration();      /* left over from an interrupted run */
    atexit(remove_registration);
    SetUnhandledExceptionFilter(crash_filter);
    /* our own reference: the counters outlive the provider's WSPCleanup */
    loopprov_module = LoadLibraryW(loopprov_path);
    if (!loopprov_module) {
        fprintf(stderr, "cannot load %ls (error %lu)\n", loopprov_path, GetLastError());
        return -1;
    }
    loopprov_stats = (LOOPPROV_STATS)(void *)GetProcAddress(loopprov_module, "LoopprovStats");
    if (!loopprov_stats) {
        fprintf(stderr, "loopprov.dll has no LoopprovStats\n");
        return -1;
    }
    int r = add_registration();
    if (r) {
        fprintf(stderr, "cannot register loopprov.dll: %d\n", r);
        remove_registration();
        return -1;
    }
    r = tu_startup();
    if (r) {
        fprintf(stderr, "WSAStartup: %d\n", r);
        remove_registration();
        return -1;
    }
    started = 1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    int r = started ? WSACleanup() : 0;
    started = 0;
    remove_registration();
    return r == 0 ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------------ */

#define MAX_OPEN 16
static SOCKET opened[MAX_OPEN];
static int nopened;

static SOCKET loop_socket(void)
{
    SOCKET s = WSASocketW(AF_LOOPPROV, SOCK_DGRAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET)
        fail_msg("socket(AF_LOOPPROV, SOCK_DGRAM, 0): %d", WSAGetLastError());
    if (nopened < MAX_OPEN)
        opened[nopened++] = s;
    return s;
}

static void forget(SOCKET s)
{
    for (int i = 0; i < nopened; i++)
        if (opened[i] == s)
            opened[i] = opened[--nopened];
}

static void close_loop(SOCKET s)
{
    forget(s);
    assert_wsa_ok(closesocket(s));
}

static int test_teardown(void **state)
{
    (void)state;
    while (nopened)
        closesocket(opened[--nopened]);
    SleepEx(0, TRUE);   /* let aborted completion routines run here, not in a later test */
    return 0;
}

static u_long id_of(SOCKET s)
{
    struct sockaddr_loop a;
    int len = sizeof(a);
    memset(&a, 0, sizeof(a));
    assert_wsa_ok(getsockname(s, (struct sockaddr *)&a, &len));
    assert_int_equal(len, sizeof(a));
    assert_int_equal(a.sloop_family, AF_LOOPPROV);
    assert_true(a.sloop_id != 0);
    return a.sloop_id;
}

static int loop_addr(u_long id, struct sockaddr_loop *a)
{
    memset(a, 0, sizeof(*a));
    a->sloop_family = AF_LOOPPROV;
    a->sloop_id = id;
    return sizeof(*a);
}

static struct loopprov_stats stats_now(void)
{
    struct loopprov_stats st;
    loopprov_stats(&st);
    return st;
}

/* A datagram sent from another thread after a delay. */
struct sender {
    SOCKET from;
    u_long to;
    DWORD delay_ms;
    char data[64];
    int len;
    int result, error;
    DWORD thread_id;
};

static DWORD WINAPI sender_thread(void *arg)
{
    struct sender *s = arg;
    struct sockaddr_loop to;
    s->thread_id = GetCurrentThreadId();
    Sleep(s->delay_ms);
    s->result = sendto(s->from, s->data, s->len, 0, (struct sockaddr *)&to, loop_addr(s->to, &to));
    s->error = s->result == SOCKET_ERROR ? WSAGetLastError() : 0;
    return 0;
}

static HANDLE send_later(struct sender *s, SOCKET from, SOCKET to, DWORD delay, const char *text)
{
    memset(s, 0, sizeof(*s));
    s->from = from;
    s->to = id_of(to);
    s->delay_ms = delay;
    s->len = (int)strlen(text);
    memcpy(s->data, text, (size_t)s->len);
    HANDLE t = CreateThread(NULL, 0, sender_thread, s, 0, NULL);
    assert_non_null(t);
    return t;
}

/* Joins t without an alertable wait (no completion routine may run here). */
static void join(HANDLE t, struct sender *s)
{
    assert_int_equal(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    if (s && s->result == SOCKET_ERROR)
        fail_msg("sendto from the sender thread: %d", s->error);
}

static void send_now(SOCKET from, SOCKET to, const char *text)
{
    struct sockaddr_loop a;
    int len = (int)strlen(text);
    assert_int_equal(sendto(from, text, len, 0, (struct sockaddr *)&a, loop_addr(id_of(to), &a)), len);
}

/* ---- the socket and its handle -------------------------------------------------- */

static void loop_catalog_entry_is_non_ifs(void **state)
{
    (void)state;
    DWORD len = 0;
    WSAEnumProtocolsW(NULL, NULL, &len);
    WSAPROTOCOL_INFOW *p = malloc(len ? len : 1);
    int n = WSAEnumProtocolsW(NULL, p, &len), found = 0;
    for (int i = 0; i < n; i++) {
        if (p[i].iAddressFamily != AF_LOOPPROV)
            continue;
        found++;
        assert_int_equal(p[i].iSocketType, SOCK_DGRAM);
        assert_int_equal(p[i].dwServiceFlags1 & XP1_IFS_HANDLES, 0);
    }
    free(p);
    if (found != 1)
        fail_msg("%d AF_LOOPPROV catalog entries (expected 1): loopprov.dll not registered?", found);
}

static void loop_handle_is_kernel_object(void **state)
{
    (void)state;
    struct loopprov_stats before = stats_now();
    SOCKET s = loop_socket();
    assert_int_equal(stats_now().handles_open, before.handles_open + 1);

    HANDLE dup = NULL;
    if (!DuplicateHandle(GetCurrentProcess(), (HANDLE)s, GetCurrentProcess(), &dup, 0, FALSE,
                         DUPLICATE_SAME_ACCESS))
        fail_msg("DuplicateHandle(socket): %lu", GetLastError());
    assert_true(CloseHandle(dup));

    HANDLE port = CreateIoCompletionPort((HANDLE)s, NULL, 1, 0);
    if (!port)
        fail_msg("CreateIoCompletionPort(socket): %lu", GetLastError());
    CloseHandle(port);

    int type = 0, tlen = sizeof(type);
    assert_wsa_ok(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &tlen));
    assert_int_equal(type, SOCK_DGRAM);
    close_loop(s);
    assert_int_equal(stats_now().handles_open, before.handles_open);
    /* the handle is gone, for ws2.dll and for the provider */
    assert_wsa_fail(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &tlen), SOCKET_ERROR,
                    WSAENOTSOCK);
}

static void loop_sendto_recvfrom(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    u_long ida = id_of(a), idb = id_of(b);
    assert_true(ida != idb);

    struct sockaddr_loop to, from;
    const char msg[] = "hello through loopprov";
    assert_int_equal(sendto(a, msg, sizeof(msg), 0, (struct sockaddr *)&to, loop_addr(idb, &to)),
                     sizeof(msg));
    char buf[100];
    int flen = sizeof(from);
    memset(&from, 0, sizeof(from));
    assert_int_equal(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), sizeof(msg));
    assert_memory_equal(buf, msg, sizeof(msg));
    assert_int_equal(flen, sizeof(from));
    assert_int_equal(from.sloop_family, AF_LOOPPROV);
    assert_int_equal(from.sloop_id, ida);

    /* connected form, the other way */
    assert_wsa_ok(connect(b, (struct sockaddr *)&to, loop_addr(ida, &to)));
    assert_int_equal(send(b, "pong", 4, 0), 4);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 4);
    assert_memory_equal(buf, "pong", 4);

    /* datagram boundaries: a short buffer truncates with WSAEMSGSIZE */
    assert_int_equal(send(b, "0123456789", 10, 0), 10);
    assert_wsa_fail(recv(a, buf, 4, 0), SOCKET_ERROR, WSAEMSGSIZE);
    assert_memory_equal(buf, "0123", 4);

    /* nothing queued: non-blocking says so */
    u_long nb = 1;
    assert_wsa_ok(ioctlsocket(a, FIONBIO, &nb));
    assert_wsa_fail(recv(a, buf, sizeof(buf), 0), SOCKET_ERROR, WSAEWOULDBLOCK);
    close_loop(a);
    close_loop(b);
}

/* ---- overlapped receives completed later, from the sender's thread ------------------ */

static void loop_overlapped_event_completed_later(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov;
    static char buf[64];
    static struct sender snd;
    SOCKET a = loop_socket(), b = loop_socket();
    WSABUF wb = { sizeof(buf), buf };
    DWORD got = 0, flags = 0;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    assert_false(WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags));
    assert_int_equal(WSAGetLastError(), WSA_IO_INCOMPLETE);

    HANDLE t = send_later(&snd, a, b, 100, "later, by event");
    assert_int_equal(WaitForSingleObject(ov.hEvent, 10000), WAIT_OBJECT_0);
    join(t, &snd);
    got = 0;
    if (!WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags))
        fail_msg("WSAGetOverlappedResult: %d", WSAGetLastError());
    assert_int_equal(got, strlen("later, by event"));
    assert_memory_equal(buf, "later, by event", got);
    /* what kernel32 sees in the OVERLAPPED agrees */
    DWORD k32 = 0;
    assert_true(HasOverlappedIoCompleted((LPOVERLAPPED)&ov));
    assert_true(GetOverlappedResult(ov.hEvent, (LPOVERLAPPED)&ov, &k32, FALSE));
    assert_int_equal(k32, got);
    WSACloseEvent(ov.hEvent);
    close_loop(a);
    close_loop(b);
}

static struct {
    int calls;
    DWORD thread, error, bytes;
    LPWSAOVERLAPPED ov;
} routine_seen;

static void CALLBACK recv_routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    (void)flags;
    routine_seen.calls++;
    routine_seen.thread = GetCurrentThreadId();
    routine_seen.error = error;
    routine_seen.bytes = bytes;
    routine_seen.ov = ov;
}

/* Alertable waits until the routine ran or timeout_ms passed. */
static void alertable_wait(DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    while (!routine_seen.calls && GetTickCount() - start < timeout_ms)
        SleepEx(50, TRUE);
}

static void loop_overlapped_routine_completed_later(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov;
    static char buf[64];
    static struct sender snd;
    SOCKET a = loop_socket(), b = loop_socket();
    WSABUF wb = { sizeof(buf), buf };
    DWORD got = 0, flags = 0;
    struct loopprov_stats before = stats_now();

    memset(&ov, 0, sizeof(ov));
    memset(&routine_seen, 0, sizeof(routine_seen));
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, recv_routine), SOCKET_ERROR,
                    WSA_IO_PENDING);
    HANDLE t = send_later(&snd, a, b, 50, "later, by routine");
    join(t, &snd);          /* not alertable: the routine must wait for us */
    Sleep(100);
    assert_int_equal(routine_seen.calls, 0);

    alertable_wait(10000);
    assert_int_equal(routine_seen.calls, 1);
    assert_int_equal(routine_seen.thread, GetCurrentThreadId());
    assert_true(routine_seen.thread != snd.thread_id);
    assert_int_equal(routine_seen.error, 0);
    assert_int_equal(routine_seen.bytes, strlen("later, by routine"));
    assert_ptr_equal(routine_seen.ov, &ov);
    assert_memory_equal(buf, "later, by routine", routine_seen.bytes);
    assert_int_equal(stats_now().apcs_run, before.apcs_run + 1);

    SleepEx(200, TRUE);     /* exactly once */
    assert_int_equal(routine_seen.calls, 1);
    close_loop(a);
    close_loop(b);
}

/* Takes every packet the port has within wait_ms, then any later ones (200 ms). */
static int take_packets(HANDLE port, DWORD wait_ms, DWORD *bytes, ULONG_PTR *key,
                        LPOVERLAPPED *ov, BOOL *ok, DWORD *error, int max)
{
    int n = 0;
    while (n < max) {
        SetLastError(0);
        BOOL r = GetQueuedCompletionStatus(port, &bytes[n], &key[n], &ov[n], n ? 200 : wait_ms);
        if (!ov[n])
            break;
        ok[n] = r;
        error[n] = r ? 0 : GetLastError();
        n++;
    }
    return n;
}

static void loop_overlapped_port_completed_later(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov, ov_now;
    static char buf[64], buf_now[64];
    static struct sender snd;
    SOCKET a = loop_socket(), b = loop_socket();
    WSABUF wb = { sizeof(buf), buf }, wb_now = { sizeof(buf_now), buf_now };
    DWORD got = 0, flags = 0, bytes[4], error[4];
    ULONG_PTR key[4];
    LPOVERLAPPED pov[4];
    BOOL ok[4];

    HANDLE port = CreateIoCompletionPort((HANDLE)b, NULL, 0x5150, 0);
    assert_non_null(port);
    memset(&ov, 0, sizeof(ov));
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_int_equal(take_packets(port, 100, bytes, key, pov, ok, error, 4), 0);

    HANDLE t = send_later(&snd, a, b, 100, "later, by port");
    int n = take_packets(port, 10000, bytes, key, pov, ok, error, 4);
    join(t, &snd);
    assert_int_equal(n, 1);
    assert_true(ok[0]);
    assert_ptr_equal(pov[0], &ov);
    assert_int_equal(key[0], 0x5150);
    assert_int_equal(bytes[0], strlen("later, by port"));
    assert_memory_equal(buf, "later, by port", bytes[0]);
    got = 0;
    assert_true(WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags));
    assert_int_equal(got, bytes[0]);

    /* data already queued: WSARecv completes at once, and the port still
     * gets its one packet (as for a socket with no skip-on-success mode) */
    send_now(a, b, "at once");
    memset(&ov_now, 0, sizeof(ov_now));
    got = 0;
    assert_wsa_ok(WSARecv(b, &wb_now, 1, &got, &flags, &ov_now, NULL));
    assert_int_equal(got, 7);
    n = take_packets(port, 5000, bytes, key, pov, ok, error, 4);
    assert_int_equal(n, 1);
    assert_true(ok[0]);
    assert_ptr_equal(pov[0], &ov_now);
    assert_int_equal(bytes[0], 7);

    /* a datagram longer than the buffer: the port says ERROR_MORE_DATA with
     * the bytes delivered, WSAGetOverlappedResult says WSAEMSGSIZE */
    static char small[4];
    WSABUF wsmall = { sizeof(small), small };
    memset(&ov, 0, sizeof(ov));
    assert_wsa_fail(WSARecv(b, &wsmall, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    t = send_later(&snd, a, b, 50, "too long for four");
    n = take_packets(port, 10000, bytes, key, pov, ok, error, 4);
    join(t, &snd);
    assert_int_equal(n, 1);
    assert_false(ok[0]);
    assert_int_equal(error[0], ERROR_MORE_DATA);
    assert_ptr_equal(pov[0], &ov);
    assert_int_equal(bytes[0], 4);
    assert_memory_equal(small, "too ", 4);
    assert_false(WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags));
    assert_int_equal(WSAGetLastError(), WSAEMSGSIZE);
    assert_int_equal(got, 4);
    /* and the pipe under the handle was left clean: the next one is exact */
    memset(&ov, 0, sizeof(ov));
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    send_now(a, b, "next");
    n = take_packets(port, 5000, bytes, key, pov, ok, error, 4);
    assert_int_equal(n, 1);
    assert_true(ok[0]);
    assert_int_equal(bytes[0], 4);

    close_loop(a);
    close_loop(b);
    CloseHandle(port);
}

/* ---- closesocket with overlapped receives pending: 995, once, each way ---------- */

static void loop_close_aborts_event(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov;
    static char buf[16];
    SOCKET b = loop_socket();
    WSABUF wb = { sizeof(buf), buf };
    DWORD got = 0, flags = 0;
    struct loopprov_stats before = stats_now();

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    close_loop(b);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    assert_int_equal(stats_now().aborted, before.aborted + 1);
    /* the OVERLAPPED says 995 to kernel32 and to the WPU convention */
    DWORD k32 = 0;
    assert_false(GetOverlappedResult(ov.hEvent, (LPOVERLAPPED)&ov, &k32, FALSE));
    assert_int_equal(GetLastError(), ERROR_OPERATION_ABORTED);
    assert_int_equal(ov.OffsetHigh, WSA_OPERATION_ABORTED);
    /* once: the event is not set again */
    WSAResetEvent(ov.hEvent);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 300), WAIT_TIMEOUT);
    WSACloseEvent(ov.hEvent);
}

static void loop_close_aborts_routine(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov;
    static char buf[16];
    SOCKET b = loop_socket();
    WSABUF wb = { sizeof(buf), buf };
    DWORD got = 0, flags = 0;

    memset(&ov, 0, sizeof(ov));
    memset(&routine_seen, 0, sizeof(routine_seen));
    assert_wsa_fail(WSARecv(b, &wb, 1, &got, &flags, &ov, recv_routine), SOCKET_ERROR,
                    WSA_IO_PENDING);
    close_loop(b);
    assert_int_equal(routine_seen.calls, 0);    /* not before an alertable wait */
    alertable_wait(5000);
    assert_int_equal(routine_seen.calls, 1);
    assert_int_equal(routine_seen.error, WSA_OPERATION_ABORTED);
    assert_int_equal(routine_seen.bytes, 0);
    assert_ptr_equal(routine_seen.ov, &ov);
    assert_int_equal(routine_seen.thread, GetCurrentThreadId());
    SleepEx(200, TRUE);
    assert_int_equal(routine_seen.calls, 1);
}

static void loop_close_aborts_port(void **state)
{
    (void)state;
    static WSAOVERLAPPED ov1, ov2;
    static char buf1[16], buf2[16];
    SOCKET b = loop_socket();
    WSABUF wb1 = { sizeof(buf1), buf1 }, wb2 = { sizeof(buf2), buf2 };
    DWORD got = 0, flags = 0, bytes[4], error[4];
    ULONG_PTR key[4];
    LPOVERLAPPED pov[4];
    BOOL ok[4];

    HANDLE port = CreateIoCompletionPort((HANDLE)b, NULL, 77, 0);
    assert_non_null(port);
    memset(&ov1, 0, sizeof(ov1));
    memset(&ov2, 0, sizeof(ov2));
    assert_wsa_fail(WSARecv(b, &wb1, 1, &got, &flags, &ov1, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_wsa_fail(WSARecv(b, &wb2, 1, &got, &flags, &ov2, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    close_loop(b);
    int n = take_packets(port, 5000, bytes, key, pov, ok, error, 4);
    assert_int_equal(n, 2);
    int seen1 = 0, seen2 = 0;
    for (int i = 0; i < n; i++) {
        assert_false(ok[i]);
        assert_int_equal(error[i], ERROR_OPERATION_ABORTED);
        assert_int_equal(bytes[i], 0);
        assert_int_equal(key[i], 77);
        seen1 += pov[i] == (LPOVERLAPPED)&ov1;
        seen2 += pov[i] == (LPOVERLAPPED)&ov2;
    }
    assert_int_equal(seen1, 1);
    assert_int_equal(seen2, 1);
    CloseHandle(port);
}

/* ---- blocking recv and the blocking callback --------------------------------- */

static int cleanup_result, cleanup_error;

static DWORD WINAPI cleanup_thread(void *arg)
{
    Sleep((DWORD)(ULONG_PTR)arg);
    cleanup_result = WSACleanup();
    cleanup_error = cleanup_result ? WSAGetLastError() : 0;
    return 0;
}

static void loop_blocking_recv_interrupted_by_cleanup(void **state)
{
    (void)state;
    SOCKET b = loop_socket();
    DWORD timeout = 10000;
    char buf[16];
    assert_wsa_ok(setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout)));
    struct loopprov_stats before = stats_now();

    /* this process's only WSAStartup is the group's: the other thread's
     * WSACleanup is the last one, and the blocking callback says stop */
    HANDLE t = CreateThread(NULL, 0, cleanup_thread, (void *)(ULONG_PTR)300, 0, NULL);
    assert_non_null(t);
    DWORD start = GetTickCount();
    int r = recv(b, buf, sizeof(buf), 0);
    int e = WSAGetLastError();
    DWORD took = GetTickCount() - start;
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
    nopened = 0;                    /* WSACleanup closed them all */
    started = tu_startup() == 0;    /* the rest of the group needs Winsock again */
    struct loopprov_stats after = stats_now();

    assert_int_equal(cleanup_result, 0);
    assert_int_equal(r, SOCKET_ERROR);
    assert_int_equal(e, WSAEINTR);
    assert_true(took < 5000);
    assert_int_equal(after.callback_interrupts, before.callback_interrupts + 1);
    assert_int_equal(after.close_interrupts, before.close_interrupts);
    assert_true(started);
}

/* ---- the other upcalls ------------------------------------------------------- */

static void loop_query_context_foreign_handle(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    INT result = -1;
    DWORD ret = 0;
    SOCKET target;

    /* its own handle: the context WPUCreateSocketHandle was given */
    target = a;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, 0);
    /* another loopprov socket's handle */
    target = b;
    result = -1;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, 0);

    /* a kernel object ws2.dll did not create */
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    target = (SOCKET)ev;
    result = -1;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, WSAENOTSOCK);
    CloseHandle(ev);

    /* an IFS provider's socket (the host provider's UDP) */
    unsigned short port = 0;
    SOCKET u = tu_udp(AF_INET, &port);
    assert_true(u != INVALID_SOCKET);
    target = u;
    result = -1;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, WSAENOTSOCK);
    closesocket(u);

    /* a loopprov handle after WPUCloseSocketHandle */
    close_loop(b);
    target = b;
    result = -1;
    assert_wsa_ok(WSAIoctl(a, SIO_LOOPPROV_QUERY_CONTEXT, &target, sizeof(target), &result,
                           sizeof(result), &ret, NULL, NULL));
    assert_int_equal(result, WSAENOTSOCK);
    close_loop(a);
}

static void loop_provider_path(void **state)
{
    (void)state;
    SOCKET s = loop_socket();
    WCHAR path[MAX_PATH + 1];
    int len = sizeof(path);
    memset(path, 0, sizeof(path));
    assert_wsa_ok(getsockopt(s, LOOPPROV_SOL, LOOPPROV_SO_PROVIDER_PATH, (char *)path, &len));
    assert_int_equal(len, (int)((wcslen(path) + 1) * sizeof(WCHAR)));
    if (_wcsicmp(path, loopprov_path))
        fail_msg("WPUGetProviderPath gave '%ls', registered '%ls'", path, loopprov_path);
    close_loop(s);
}

static void loop_event_select_fd_read(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    WSAEVENT e = WSACreateEvent();
    WSANETWORKEVENTS ne;
    char buf[16];

    assert_wsa_ok(WSAEventSelect(b, e, FD_READ));
    assert_int_equal(WaitForSingleObject(e, 100), WAIT_TIMEOUT);
    send_now(a, b, "ready");
    assert_int_equal(WaitForSingleObject(e, 5000), WAIT_OBJECT_0);
    assert_wsa_ok(WSAEnumNetworkEvents(b, e, &ne));
    assert_true(ne.lNetworkEvents & FD_READ);
    assert_int_equal(ne.iErrorCode[FD_READ_BIT], 0);
    assert_int_equal(WaitForSingleObject(e, 0), WAIT_TIMEOUT);     /* reset by the enum */
    assert_int_equal(recv(b, buf, sizeof(buf), 0), 5);
    assert_int_equal(WaitForSingleObject(e, 100), WAIT_TIMEOUT);    /* nothing left */
    assert_wsa_ok(WSAEventSelect(b, NULL, 0));
    close_loop(a);
    close_loop(b);
    WSACloseEvent(e);
}

static void loop_select_read(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    fd_set r;
    struct timeval tv = { 0, 0 };
    char buf[16];

    FD_ZERO(&r);
    FD_SET(b, &r);
    assert_int_equal(select(0, &r, NULL, NULL, &tv), 0);
    assert_false(FD_ISSET(b, &r));
    send_now(a, b, "sel");
    FD_ZERO(&r);
    FD_SET(a, &r);
    FD_SET(b, &r);
    tv.tv_sec = 2;
    assert_int_equal(select(0, &r, NULL, NULL, &tv), 1);
    assert_true(FD_ISSET(b, &r));
    assert_false(FD_ISSET(a, &r));
    assert_int_equal(recv(b, buf, sizeof(buf), 0), 3);
    close_loop(a);
    close_loop(b);
}

static void loop_async_select_posts_message(void **state)
{
    (void)state;
    SOCKET a = loop_socket(), b = loop_socket();
    HWND w = CreateWindowExW(0, L"STATIC", L"loopprov", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL,
                             NULL);
    if (!w)
        fail_msg("CreateWindowExW(HWND_MESSAGE): %lu", GetLastError());
    struct loopprov_async_select as = { w, WM_USER + 7, FD_READ };
    DWORD ret = 0;
    MSG m;

    assert_wsa_ok(WSAIoctl(b, SIO_LOOPPROV_ASYNC_SELECT, &as, sizeof(as), NULL, 0, &ret, NULL, NULL));
    send_now(a, b, "msg");
    DWORD start = GetTickCount();
    BOOL got = FALSE;
    while (!(got = PeekMessageW(&m, w, WM_USER + 7, WM_USER + 7, PM_REMOVE)) &&
           GetTickCount() - start < 5000)
        Sleep(10);
    assert_true(got);
    assert_int_equal(m.wParam, b);
    assert_int_equal(WSAGETSELECTEVENT(m.lParam), FD_READ);
    assert_int_equal(WSAGETSELECTERROR(m.lParam), 0);
    assert_false(PeekMessageW(&m, w, WM_USER + 7, WM_USER + 7, PM_REMOVE));
    close_loop(a);
    close_loop(b);
    DestroyWindow(w);
}

/* WPUCompleteOverlappedRequest on a handle ws2.dll did not create: the
 * OVERLAPPED fields and the event, and nothing on a port. */
static void complete_foreign_handle_fields_and_event_only(void **state)
{
    (void)state;
    unsigned short p = 0;
    SOCKET u = tu_udp(AF_INET, &p);
    assert_true(u != INVALID_SOCKET);
    HANDLE port = CreateIoCompletionPort((HANDLE)u, NULL, 9, 0);
    assert_non_null(port);
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    int err = 0;
    assert_int_equal(WPUCompleteOverlappedRequest(u, &ov, 0, 7, &err), 0);
    assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    assert_int_equal(ov.Offset, 7);
    assert_int_equal(ov.OffsetHigh, 0);
    assert_int_equal(ov.Internal, 0);
    assert_int_equal(ov.InternalHigh, 7);
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov = NULL;
    GetQueuedCompletionStatus(port, &bytes, &key, &pov, 200);
    assert_null(pov);
    WSACloseEvent(ov.hEvent);
    closesocket(u);
    CloseHandle(port);
}

/* WPUCompleteOverlappedRequest on a WPUCreateSocketHandle handle, called
 * directly (as any provider may): every kind of completion gives the port
 * exactly one packet, the event, and the result for WSAGetOverlappedResult. */
static void complete_own_handle_every_kind(void **state)
{
    (void)state;
    static const struct {
        DWORD error, bytes;
        BOOL ok;            /* what GetQueuedCompletionStatus returns */
        DWORD port_error, port_bytes;
    } kinds[] = {
        { 0, 0, TRUE, 0, 0 },                           /* zero-length success */
        { 0, 100000, TRUE, 0, 100000 },                 /* beyond the pipe's buffer quota */
        { WSAEMSGSIZE, 3, FALSE, ERROR_MORE_DATA, 3 },
        { WSA_OPERATION_ABORTED, 0, FALSE, ERROR_OPERATION_ABORTED, 0 },
        { WSAECONNRESET, 0, FALSE, ERROR_OPERATION_ABORTED, 0 },  /* no faithful status: 995 */
        { 0, 5, TRUE, 0, 5 },                           /* and the pipe is still clean */
    };
    static WSAOVERLAPPED ov;
    SOCKET b = loop_socket();
    HANDLE port = CreateIoCompletionPort((HANDLE)b, NULL, 3, 0);
    assert_non_null(port);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        DWORD bytes[4], error[4], got = 0, flags = 0;
        ULONG_PTR key[4];
        LPOVERLAPPED pov[4];
        BOOL ok[4];
        int err = 0;
        memset(&ov, 0, sizeof(ov));
        ov.hEvent = WSACreateEvent();
        if (WPUCompleteOverlappedRequest(b, &ov, kinds[i].error, kinds[i].bytes, &err))
            fail_msg("kind %u: WPUCompleteOverlappedRequest failed: %d", (unsigned)i, err);
        assert_int_equal(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
        int n = take_packets(port, 5000, bytes, key, pov, ok, error, 4);
        if (n != 1 || ok[0] != kinds[i].ok || error[0] != kinds[i].port_error ||
            bytes[0] != kinds[i].port_bytes || pov[0] != (LPOVERLAPPED)&ov || key[0] != 3)
            fail_msg("kind %u (error %lu, %lu bytes): %d packets, first ok=%d error=%lu bytes=%lu",
                     (unsigned)i, kinds[i].error, kinds[i].bytes, n, n ? ok[0] : -1,
                     n ? error[0] : 0, n ? bytes[0] : 0);
        BOOL r = WSAGetOverlappedResult(b, &ov, &got, FALSE, &flags);
        int e = r ? 0 : WSAGetLastError();
        assert_int_equal(r, kinds[i].error == 0);
        assert_int_equal(e, kinds[i].error);
        assert_int_equal(got, kinds[i].bytes);
        WSACloseEvent(ov.hEvent);
    }
    close_loop(b);
    CloseHandle(port);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
#define T(f) cmocka_unit_test_teardown(f, test_teardown)
    const struct CMUnitTest tests[] = {
        T(loop_catalog_entry_is_non_ifs),
        T(loop_handle_is_kernel_object),
        T(loop_sendto_recvfrom),
        T(loop_overlapped_event_completed_later),
        T(loop_overlapped_routine_completed_later),
        T(loop_overlapped_port_completed_later),
        T(loop_close_aborts_event),
        T(loop_close_aborts_routine),
        T(loop_close_aborts_port),
        T(loop_query_context_foreign_handle),
        T(loop_provider_path),
        T(loop_event_select_fd_read),
        T(loop_select_read),
        T(loop_async_select_posts_message),
        T(complete_foreign_handle_fields_and_event_only),
        T(complete_own_handle_every_kind),
        T(loop_blocking_recv_interrupted_by_cleanup),
    };
    return cmocka_run_group_tests_name("upcall", tests, group_setup, group_teardown);
}
