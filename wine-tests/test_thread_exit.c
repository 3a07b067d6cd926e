/*
 * test_thread_exit.c - ws2.dll's per-thread values across hundreds of
 * short-lived threads (issue 13).
 *
 * ws2.dll keeps per-thread results (inet_ntoa's text, the getservby*,
 * getprotoby* and gethostby* structures, the WSATHREADID of a completion
 * routine, the trace's current SPI call) in Win32 TLS slots let go at
 * DLL_THREAD_DETACH (ws2/thread_slot.h).  When they were __thread
 * variables, one was read at thread detach after mingw's emulated TLS had
 * freed it, and short-lived look-up threads hung the process in the heap
 * lock.  Here each round starts ROUND_THREADS threads that all make those
 * calls, meet (so that every one is alive while the others' results
 * exist), check that nothing another thread did rewrote what they were
 * handed, and exit together; the round then waits a bounded time for every
 * thread to end.  A round that does not end reports how many threads are
 * stuck and ends this process at once (exit code 3): a thread stuck in its
 * detach holds the loader lock, and the process could not exit otherwise.
 *
 *   short_threads_keep_their_own_results   4 rounds; the process's open
 *       handles do not grow with the threads (each had ws2.dll open a
 *       handle to it for its completion routine, closed at its exit)
 *   traced_short_threads_end               the same, 2 rounds, in a child
 *       with the call trace on (CEWS2_TRACE): every thread's SPI lines name
 *       the entry that served them
 *   irda_sockets_in_short_threads          2 rounds whose threads also open
 *       an AF_IRDA socket (irdaprov under celsp) and see its bind fail with
 *       their own WSAEFAULT; this process is a station on a private air
 *   unloaded_copies_give_their_slots_back  a copy of ws2.dll loaded and
 *       freed 1200 times, inet_ntoa called in two threads each time: the
 *       unload gives its TLS index back (else the process runs out)
 */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND_THREADS 100
#define ROUNDS 4
#define TRACED_ROUNDS 2
#define IRDA_ROUND_THREADS 50
#define IRDA_ROUNDS 2
#define WAIT_MS 60000
#define STACK_BYTES (256 * 1024)

struct run {
    unsigned count;
    volatile LONG arrived;
    HANDLE all_arrived, release;
};

/* One thread: what it was handed and what it expects to find there. */
struct worker {
    struct run *run;
    unsigned index;                 /* distinct in the process: its inet_ntoa address */
    BOOL irda;
    char why[240];                  /* the first thing that went wrong; "" when none */
    char *ntoa, ntoa_want[16];
    struct servent *serv;
    char serv_name[64];
    unsigned short port_want;
    struct protoent *proto;
    int proto_want;
    struct hostent *host;
    char host_name[256];
    volatile LONG routine_calls;
    DWORD routine_thread, routine_error, routine_bytes;
};

#define WORKER_FAIL(w, ...) do { \
        if (!(w)->why[0]) snprintf((w)->why, sizeof((w)->why), __VA_ARGS__); } while (0)

/* ---- in each thread ----------------------------------------------------------------- */

static void look_ups(struct worker *w)
{
    struct in_addr a;
    BOOL odd = w->index & 1;

    a.s_addr = htonl(0x0A000000u | w->index);
    snprintf(w->ntoa_want, sizeof(w->ntoa_want), "10.%u.%u.%u", (w->index >> 16) & 255,
             (w->index >> 8) & 255, w->index & 255);
    w->ntoa = inet_ntoa(a);
    if (!w->ntoa || strcmp(w->ntoa, w->ntoa_want))
        WORKER_FAIL(w, "inet_ntoa: \"%s\", not %s", w->ntoa ? w->ntoa : "(null)", w->ntoa_want);

    w->port_want = odd ? 21 : 80;
    w->serv = getservbyname(odd ? "ftp" : "http", "tcp");
    if (!w->serv || ntohs(w->serv->s_port) != w->port_want || !w->serv->s_name)
        WORKER_FAIL(w, "getservbyname(%s, tcp): %s (error %d)", odd ? "ftp" : "http",
                    w->serv ? "wrong port" : "NULL", WSAGetLastError());
    else
        snprintf(w->serv_name, sizeof(w->serv_name), "%s", w->serv->s_name);

    w->proto_want = odd ? IPPROTO_UDP : IPPROTO_TCP;
    w->proto = getprotobyname(odd ? "udp" : "tcp");
    if (!w->proto || w->proto->p_proto != w->proto_want)
        WORKER_FAIL(w, "getprotobyname(%s): %s (error %d)", odd ? "udp" : "tcp",
                    w->proto ? "wrong number" : "NULL", WSAGetLastError());

    w->host = gethostbyname("localhost");
    if (!w->host || w->host->h_addrtype != AF_INET || w->host->h_length != 4 ||
        !w->host->h_addr_list[0] || (unsigned char)w->host->h_addr_list[0][0] != 127 ||
        !w->host->h_name)
        WORKER_FAIL(w, "gethostbyname(localhost): %s (error %d)", w->host ? "not 127.x" : "NULL",
                    WSAGetLastError());
    else
        snprintf(w->host_name, sizeof(w->host_name), "%s", w->host->h_name);
}

static void CALLBACK datagram_sent(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    struct worker *w = ov->hEvent;      /* free for the application with a routine */
    (void)flags;
    w->routine_error = error;
    w->routine_bytes = bytes;
    w->routine_thread = GetCurrentThreadId();
    InterlockedIncrement(&w->routine_calls);
}

/* A datagram to itself with a completion routine: ws2.dll opens the
 * thread's WSATHREADID for it; the routine runs once, in this thread. */
static void send_with_routine(struct worker *w)
{
    unsigned short port = 0;
    SOCKET s = tu_udp(AF_INET, &port);
    struct sockaddr_in to = tu_loopback4(port);
    char payload[32], got[32];
    int n = snprintf(payload, sizeof(payload), "thread %u", w->index), i;
    WSABUF b = { (ULONG)n, payload };
    WSAOVERLAPPED ov;
    DWORD count = 0;

    if (s == INVALID_SOCKET) {
        WORKER_FAIL(w, "UDP socket: error %d", WSAGetLastError());
        return;
    }
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = w;
    if (WSASendTo(s, &b, 1, &count, 0, (struct sockaddr *)&to, sizeof(to), &ov, datagram_sent) &&
        WSAGetLastError() != WSA_IO_PENDING)
        WORKER_FAIL(w, "WSASendTo with a routine: error %d", WSAGetLastError());
    for (i = 0; i < 200 && !w->routine_calls; i++)
        SleepEx(50, TRUE);
    SleepEx(0, TRUE);                   /* a second call would show now */
    if (w->routine_calls != 1 || w->routine_thread != GetCurrentThreadId() ||
        w->routine_error || w->routine_bytes != (DWORD)n)
        WORKER_FAIL(w, "completion routine: %ld calls, thread %lu (this %lu), error %lu, %lu bytes",
                    (long)w->routine_calls, (unsigned long)w->routine_thread,
                    (unsigned long)GetCurrentThreadId(), (unsigned long)w->routine_error,
                    (unsigned long)w->routine_bytes);
    tu_set_timeouts(s, 5000);
    if (recv(s, got, sizeof(got), 0) != n || memcmp(got, payload, (size_t)n))
        WORKER_FAIL(w, "the datagram to itself did not come back (error %d)", WSAGetLastError());
    closesocket(s);
}

/* An AF_IRDA socket through celsp and irdaprov, and a bind too short to be
 * an address: WSAEFAULT, in this thread's last error. */
static void irda_bind_fault(struct worker *w)
{
    SOCKADDR_IRDA a;
    SOCKET s = socket(AF_IRDA, SOCK_STREAM, 0);

    if (s == INVALID_SOCKET) {
        WORKER_FAIL(w, "socket(AF_IRDA): error %d (is irdaprov registered?)", WSAGetLastError());
        return;
    }
    memset(&a, 0, sizeof(a));
    a.irdaAddressFamily = AF_IRDA;
    snprintf(a.irdaServiceName, sizeof(a.irdaServiceName), "CeExit%u", w->index);
    WSASetLastError(0);
    if (bind(s, (struct sockaddr *)&a, 2) != SOCKET_ERROR || WSAGetLastError() != WSAEFAULT)
        WORKER_FAIL(w, "bind(AF_IRDA, 2 bytes): error %d, not WSAEFAULT", WSAGetLastError());
    if (closesocket(s))
        WORKER_FAIL(w, "closesocket(AF_IRDA): error %d", WSAGetLastError());
}

/* After every thread of the round made its calls: what this one was
 * handed still says what it said. */
static void recheck(struct worker *w)
{
    if (w->why[0])
        return;
    if (strcmp(w->ntoa, w->ntoa_want))
        WORKER_FAIL(w, "its inet_ntoa text became \"%.15s\" (was %s)", w->ntoa, w->ntoa_want);
    if (ntohs(w->serv->s_port) != w->port_want || strcmp(w->serv->s_name, w->serv_name))
        WORKER_FAIL(w, "its servent became %s/%u", w->serv->s_name, ntohs(w->serv->s_port));
    if (w->proto->p_proto != w->proto_want)
        WORKER_FAIL(w, "its protoent became %d (was %d)", w->proto->p_proto, w->proto_want);
    if (strcmp(w->host->h_name, w->host_name))
        WORKER_FAIL(w, "its hostent's name became \"%s\"", w->host->h_name);
}

static DWORD WINAPI worker_main(void *arg)
{
    struct worker *w = arg;
    struct run *run = w->run;

    look_ups(w);
    send_with_routine(w);
    if (w->irda)
        irda_bind_fault(w);
    if ((unsigned)InterlockedIncrement(&run->arrived) == run->count)
        SetEvent(run->all_arrived);
    if (WaitForSingleObject(run->release, WAIT_MS) != WAIT_OBJECT_0)
        WORKER_FAIL(w, "never released");
    recheck(w);
    return 0;
}

/* ---- the rounds ---------------------------------------------------------------------- */

/* A thread stuck at its exit holds the loader lock: nothing after this
 * could end the process, so it ends here, saying why. */
static void give_up(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("[  ERROR   ] ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    TerminateProcess(GetCurrentProcess(), 3);
}

/* Waits up to ms for all of them (in groups of MAXIMUM_WAIT_OBJECTS); the
 * number still running. */
static unsigned wait_all(const HANDLE *th, unsigned n, DWORD ms)
{
    double deadline = tu_now_ms() + ms;
    unsigned i, left = 0;

    for (i = 0; i < n; i += MAXIMUM_WAIT_OBJECTS) {
        unsigned k = n - i < MAXIMUM_WAIT_OBJECTS ? n - i : MAXIMUM_WAIT_OBJECTS;
        double rest = deadline - tu_now_ms();
        WaitForMultipleObjects(k, th + i, TRUE, rest > 0 ? (DWORD)rest : 0);
    }
    for (i = 0; i < n; i++)
        if (WaitForSingleObject(th[i], 0) != WAIT_OBJECT_0)
            left++;
    return left;
}

/* No two live threads were handed the same buffer. */
static void results_are_distinct(const struct worker *w, unsigned n)
{
    unsigned i, j;
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++) {
            if (w[i].why[0] || w[j].why[0])
                continue;
            if (w[i].ntoa == w[j].ntoa || (void *)w[i].serv == (void *)w[j].serv ||
                (void *)w[i].proto == (void *)w[j].proto || (void *)w[i].host == (void *)w[j].host)
                fail_msg("threads %u and %u, both alive, were handed the same result buffer",
                         w[i].index, w[j].index);
        }
}

static void run_round(unsigned count, unsigned first_index, BOOL irda)
{
    struct worker *w = calloc(count, sizeof(*w));
    HANDLE *th = calloc(count, sizeof(*th));
    struct run run;
    unsigned i, left;
    DWORD code;

    assert_non_null(w);
    assert_non_null(th);
    run.count = count;
    run.arrived = 0;
    run.all_arrived = CreateEventW(NULL, TRUE, FALSE, NULL);
    run.release = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < count; i++) {
        w[i].run = &run;
        w[i].index = first_index + i;
        w[i].irda = irda;
        th[i] = CreateThread(NULL, STACK_BYTES, worker_main, &w[i],
                             STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (!th[i])
            give_up("CreateThread %u of %u: error %lu", i, count, (unsigned long)GetLastError());
    }
    if (WaitForSingleObject(run.all_arrived, WAIT_MS) != WAIT_OBJECT_0)
        give_up("only %ld of %u threads made their calls within %d s", (long)run.arrived, count,
                WAIT_MS / 1000);
    results_are_distinct(w, count);
    SetEvent(run.release);
    left = wait_all(th, count, WAIT_MS);
    if (left)
        give_up("%u of %u threads (from %u) did not end within %d s of leaving: a thread exit hangs",
                left, count, first_index, WAIT_MS / 1000);
    for (i = 0; i < count; i++) {
        if (!GetExitCodeThread(th[i], &code) || code)
            fail_msg("thread %u ended with code %lu", w[i].index, (unsigned long)code);
        CloseHandle(th[i]);
    }
    CloseHandle(run.all_arrived);
    CloseHandle(run.release);
    for (i = 0; i < count; i++)
        if (w[i].why[0])
            fail_msg("thread %u: %s", w[i].index, w[i].why);
    free(th);
    free(w);
}

/* ---- tests ------------------------------------------------------------------------- */

/* The process's open handles, counted by asking each handle value (Wine
 * 8's GetProcessHandleCount answers 0); handles are multiples of 4. */
static unsigned open_handles(void)
{
    DWORD flags;
    unsigned n = 0;
    ULONG_PTR h;
    for (h = 4; h < 0x20000; h += 4)
        if (GetHandleInformation((HANDLE)h, &flags))
            n++;
    return n;
}

static void short_threads_keep_their_own_results(void **state)
{
    unsigned before, after;
    double t0;
    int r;
    (void)state;

    run_round(ROUND_THREADS, 1, FALSE);       /* whatever the process makes once */
    before = open_handles();
    t0 = tu_now_ms();
    for (r = 1; r < ROUNDS; r++)
        run_round(ROUND_THREADS, 1 + (unsigned)r * ROUND_THREADS, FALSE);
    print_message("%d threads in %d more rounds, %.0f ms\n", (ROUNDS - 1) * ROUND_THREADS, ROUNDS - 1,
                  tu_now_ms() - t0);
    after = open_handles();
    print_message("the process's open handles: %u before those rounds, %u after\n", before, after);
    assert_true(before > 0);
    /* each thread's own handle (its WSATHREADID) was closed at its exit */
    if (after >= before + ROUND_THREADS / 2)
        fail_msg("%u handles more after %d threads: their WSATHREADIDs were not closed",
                 after - before, (ROUNDS - 1) * ROUND_THREADS);
}

/* The child's one test: the rounds, with the trace on from the environment. */
static void traced_rounds(void **state)
{
    int r;
    (void)state;
    for (r = 0; r < TRACED_ROUNDS; r++)
        run_round(ROUND_THREADS, 1 + (unsigned)r * ROUND_THREADS, FALSE);
}

static unsigned count_lines(const char *text, const char *a, const char *b)
{
    unsigned n = 0;
    const char *line = text;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *copy = malloc(len + 1);
        if (copy) {
            memcpy(copy, line, len);
            copy[len] = 0;
            if (strstr(copy, a) && (!b || strstr(copy, b)))
                n++;
            free(copy);
        }
        line = end ? end + 1 : NULL;
    }
    return n;
}

static void traced_short_threads_end(void **state)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 32], trace[MAX_PATH];
    char *out = NULL, *text;
    unsigned calls, sends, unnamed, threads = TRACED_ROUNDS * ROUND_THREADS;
    int code;
    (void)state;

    tu_exe_dir(trace, MAX_PATH);
    wcscat(trace, L"thread_exit_trace.log");
    DeleteFileW(trace);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" --traced-child", exe);
    code = tu_run_capture(cmd, L"CEWS2_TRACE", trace, &out, 3 * WAIT_MS);
    if (code != 0) {
        tu_print_indented("the traced child", out ? out : "");
        fail_msg("the traced child: exit code %d (-2: killed after %d s)", code, 3 * WAIT_MS / 1000);
    }
    free(out);
    text = tu_read_file(trace);
    assert_non_null(text);
    calls = count_lines(text, " API gethostbyname(", NULL);
    sends = count_lines(text, " SPI WSPSendTo(", NULL);
    unnamed = count_lines(text, " SPI WSPSendTo(", "via=- ");
    print_message("trace: %u gethostbyname lines, %u WSPSendTo lines (%u without their entry) "
                  "from %u threads\n", calls, sends, unnamed, threads);
    free(text);
    DeleteFileW(trace);
    assert_int_equal(calls, threads);
    /* each thread's send reached the provider through the trace's thunk,
     * which found who the call was for in the thread's own block */
    assert_true(sends >= threads);
    assert_int_equal(unnamed, 0);
}

static void irda_sockets_in_short_threads(void **state)
{
    DWORD pid = GetCurrentProcessId();
    int r;
    (void)state;

    /* a station of its own on a private air, before the first AF_IRDA socket */
    tu_station_env(tu_private_air_port(pid ^ tu_program_hash()), "CeThreadExit",
                   0x5E000000ul | ((pid & 0xFFFFul) << 8) | 0x33);
    for (r = 0; r < IRDA_ROUNDS; r++)
        run_round(IRDA_ROUND_THREADS, 100000 + (unsigned)r * IRDA_ROUND_THREADS, TRUE);
}

/* ---- unloading: a copy of ws2.dll loaded and freed over and over ------------------- */

#define UNLOAD_CYCLES 1200      /* more than a process's 1088 TLS indexes */

struct unload_helper {
    char *(WSAAPI *ntoa)(struct in_addr);
    unsigned index;
    char *text;
    HANDLE done, leave;
};

static DWORD WINAPI unload_helper_main(void *arg)
{
    struct unload_helper *h = arg;
    struct in_addr a;
    a.s_addr = htonl(0xC0A80000u | (h->index & 0xFFFF));
    h->text = h->ntoa(a);
    SetEvent(h->done);
    WaitForSingleObject(h->leave, WAIT_MS);     /* alive while its DLL is freed */
    return 0;
}

/* Each load of the copy takes a TLS index for inet_ntoa's text; an unload
 * that did not give it back would run the process out of indexes within
 * UNLOAD_CYCLES loads (inet_ntoa: NULL).  Each cycle a second thread, still
 * alive at the FreeLibrary, holds a block of the copy's too (let go by the
 * unload, not by a thread detach the copy no longer gets). */
static void unloaded_copies_give_their_slots_back(void **state)
{
    WCHAR original[MAX_PATH], copy[MAX_PATH];
    unsigned i;
    double t0;
    (void)state;

    assert_true(GetModuleFileNameW(GetModuleHandleW(L"ws2.dll"), original, MAX_PATH) > 0);
    tu_exe_dir(copy, MAX_PATH);
    wcscat(copy, L"ws2_unload_copy.dll");
    if (!CopyFileW(original, copy, FALSE))
        fail_msg("copying %ls: error %lu", original, (unsigned long)GetLastError());
    t0 = tu_now_ms();
    for (i = 0; i < UNLOAD_CYCLES; i++) {
        struct unload_helper h;
        struct in_addr a;
        char want[16], mine[16], *text;
        HMODULE m = LoadLibraryW(copy);
        HANDLE th;

        if (!m)
            fail_msg("LoadLibrary of the copy, cycle %u: error %lu", i, (unsigned long)GetLastError());
        h.ntoa = (void *)GetProcAddress(m, "inet_ntoa");
        assert_non_null(h.ntoa);
        assert_true(m != GetModuleHandleW(L"ws2.dll"));
        h.index = i;
        h.text = NULL;
        h.done = CreateEventW(NULL, TRUE, FALSE, NULL);
        h.leave = CreateEventW(NULL, TRUE, FALSE, NULL);
        th = CreateThread(NULL, STACK_BYTES, unload_helper_main, &h, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        assert_non_null(th);
        a.s_addr = htonl(0x0A000000u | i);
        text = h.ntoa(a);
        snprintf(mine, sizeof(mine), "10.0.%u.%u", (i >> 8) & 255, i & 255);
        if (!text || strcmp(text, mine))
            fail_msg("cycle %u: inet_ntoa of the copy gave %s, not %s (TLS indexes run out?)", i,
                     text ? text : "NULL", mine);
        if (WaitForSingleObject(h.done, WAIT_MS) != WAIT_OBJECT_0)
            give_up("cycle %u: the helper thread never called inet_ntoa", i);
        snprintf(want, sizeof(want), "192.168.%u.%u", (i >> 8) & 255, i & 255);
        if (!h.text || strcmp(h.text, want))
            fail_msg("cycle %u: the helper's inet_ntoa gave %s, not %s", i, h.text ? h.text : "NULL",
                     want);
        assert_true(FreeLibrary(m));
        SetEvent(h.leave);
        if (WaitForSingleObject(th, WAIT_MS) != WAIT_OBJECT_0)
            give_up("cycle %u: the helper thread did not end after its DLL was freed", i);
        CloseHandle(th);
        CloseHandle(h.done);
        CloseHandle(h.leave);
    }
    print_message("%u loads and unloads of a copy of ws2.dll, inet_ntoa in two threads each: %.0f ms\n",
                  UNLOAD_CYCLES, tu_now_ms() - t0);
    DeleteFileW(copy);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_threads_keep_their_own_results),
        cmocka_unit_test(traced_short_threads_end),
        cmocka_unit_test(irda_sockets_in_short_threads),
        cmocka_unit_test(unloaded_copies_give_their_slots_back),
    };
    const struct CMUnitTest child_tests[] = {
        cmocka_unit_test(traced_rounds),
    };

    if (argc == 2 && !strcmp(argv[1], "--traced-child"))
        return cmocka_run_group_tests(child_tests, tu_group_startup, tu_group_cleanup);
    tu_main_init(argc, argv);
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
