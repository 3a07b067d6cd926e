/*
 * test_trace.c - the trace switch (ws2/diag.c).
 *
 * A child process (this program, run with "--child") makes a fixed script
 * of Winsock calls; the parent starts it with the switch set one way or
 * another and reads the file back:
 *
 *   on (CEWS2_TRACE=<file>)  every line well formed; one API line per call
 *                            the child made (the providers' own WSC* calls
 *                            aside), in order, with the right names, arguments
 *                            (the port in connect, af/type/protocol, option
 *                            level and name), results and errors (a
 *                            deliberate WSAENOTSOCK), the catalog entry that
 *                            served it; SPI lines for the provider calls
 *                            (WSPStartup, WSPConnect, WSPCleanup);
 *   threads                  4 threads at once: every line whole, one each;
 *   abrupt end               a process terminated right after a call: its
 *                            line is in the file already;
 *   off (no variable, or CEWS2_TRACE=0)  nothing written;
 *   registry (Comm\WS2 "Trace" REG_SZ, machine root)  traced; the environment wins
 *                            over it (CEWS2_TRACE=0 with the value set: off).
 *
 * The child prints "<listener> <client> <accepted> <port>" so that the
 * parent can check handles and the port in the lines.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOGUS_SOCKET ((SOCKET)0x7770)

/* ---- the child: the script ------------------------------------------------- */

static int child_main(void)
{
    WSADATA wd;
    struct sockaddr_in a;
    int len = sizeof(a), v = 65536, got = 0, glen = sizeof(got);
    SOCKET ls, c, s;
    char b = 'x';

    if (WSAStartup(MAKEWORD(2, 2), &wd))
        return 10;
    ls = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (ls == INVALID_SOCKET || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 5) ||
        getsockname(ls, (struct sockaddr *)&a, &len))
        return 11;
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (c == INVALID_SOCKET || connect(c, (struct sockaddr *)&a, sizeof(a)))
        return 12;
    if (closesocket(BOGUS_SOCKET) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK)
        return 13;
    if (setsockopt(c, SOL_SOCKET, SO_RCVBUF, (const char *)&v, sizeof(v)) ||
        getsockopt(c, SOL_SOCKET, SO_RCVBUF, (char *)&got, &glen))
        return 14;
    if (send(c, &b, 1, 0) != 1)
        return 15;
    s = accept(ls, NULL, NULL);
    if (s == INVALID_SOCKET || recv(s, &b, 1, 0) != 1)
        return 16;
    if (shutdown(c, SD_BOTH) || closesocket(s) || closesocket(c) || closesocket(ls))
        return 17;
    printf("%llu %llu %llu %u\n", (unsigned long long)ls, (unsigned long long)c,
           (unsigned long long)s, ntohs(a.sin_port));
    fflush(stdout);
    if (WSACleanup())
        return 18;
    return 0;
}

/* --child-threads: THREADS threads, each CALLS getsockopt on a socket of its own. */
#define THREADS 4
#define CALLS 500

static DWORD WINAPI hammer(void *arg)
{
    SOCKET s = (SOCKET)(ULONG_PTR)arg;
    int i, v, len;

    for (i = 0; i < CALLS; i++) {
        len = sizeof(v);
        if (getsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&v, &len))
            return 1;
    }
    return 0;
}

static int child_threads(void)
{
    WSADATA wd;
    HANDLE th[THREADS];
    SOCKET s[THREADS];
    DWORD code;
    int i, bad = 0;

    if (WSAStartup(MAKEWORD(2, 2), &wd))
        return 10;
    for (i = 0; i < THREADS; i++)
        if ((s[i] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) == INVALID_SOCKET)
            return 11;
    for (i = 0; i < THREADS; i++)
        th[i] = CreateThread(NULL, 0, hammer, (void *)(ULONG_PTR)s[i], 0, NULL);
    WaitForMultipleObjects(THREADS, th, TRUE, 60000);
    for (i = 0; i < THREADS; i++) {
        if (!GetExitCodeThread(th[i], &code) || code)
            bad = 1;
        CloseHandle(th[i]);
        closesocket(s[i]);
    }
    printf("0 0 0 1\n");
    fflush(stdout);
    WSACleanup();
    return bad ? 12 : 0;
}

/* --child-crash: a failing call, then the process ends abruptly (no
 * cleanup, no DLL detach): the line must already be in the file. */
static int child_crash(void)
{
    WSADATA wd;

    if (WSAStartup(MAKEWORD(2, 2), &wd))
        return 10;
    printf("0 0 0 1\n");
    fflush(stdout);
    closesocket(BOGUS_SOCKET);
    TerminateProcess(GetCurrentProcess(), 0);
    return 0;
}

/* What the parent expects of the child's API lines, in order. */
static const char *const script[] = {
    "WSAStartup", "socket", "htonl", "bind", "listen", "getsockname", "socket", "connect",
    "closesocket", "WSAGetLastError", "setsockopt", "getsockopt", "send", "accept", "recv",
    "shutdown", "closesocket", "closesocket", "closesocket", "ntohs", "WSACleanup",
};
#define SCRIPT_CALLS (sizeof(script) / sizeof(script[0]))

/* ---- the parent: run the child, read the file -------------------------------- */

struct child_out {
    unsigned long long ls, c, s;
    unsigned port;
    DWORD pid;
};

/* Runs the child (mode: its option) with CEWS2_TRACE as given (NULL: unset);
 * 0 when it exited 0. */
static int run_child_mode(const WCHAR *mode, const WCHAR *trace, struct child_out *out)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 32], saved[MAX_PATH];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    HANDLE rd, wr;
    char text[256];
    DWORD got = 0, n, code = 99;
    BOOL had = GetEnvironmentVariableW(L"CEWS2_TRACE", saved, MAX_PATH) > 0;

    memset(out, 0, sizeof(*out));
    if (!CreatePipe(&rd, &wr, &sa, 0))
        return -1;
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" %ls", exe, mode);
    SetEnvironmentVariableW(L"CEWS2_TRACE", trace);
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        CloseHandle(rd);
        CloseHandle(wr);
        return -1;
    }
    SetEnvironmentVariableW(L"CEWS2_TRACE", had ? saved : NULL);
    CloseHandle(wr);
    while (got < sizeof(text) - 1 && ReadFile(rd, text + got, sizeof(text) - 1 - got, &n, NULL) && n)
        got += n;
    text[got] = 0;
    CloseHandle(rd);
    WaitForSingleObject(pi.hProcess, 60000);
    GetExitCodeProcess(pi.hProcess, &code);
    out->pid = pi.dwProcessId;
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    if (sscanf(text, "%llu %llu %llu %u", &out->ls, &out->c, &out->s, &out->port) != 4)
        tu_log("child output: \"%s\"", text);
    return (int)code;
}

static int run_child(const WCHAR *trace, struct child_out *out)
{
    return run_child_mode(L"--child", trace, out);
}

static void temp_file(WCHAR *path, const WCHAR *name)
{
    tu_exe_dir(path, MAX_PATH);
    wcscat(path, name);
    DeleteFileW(path);
}

/* One line, taken apart (see the format in ws2/diag.c). */
struct line {
    DWORD pid, tid;
    char kind[4];
    char name[48];
    char args[512];
    char result[64];
    int err;
    char err_name[40];
    double us;
    char via[16];
    char protocol[256];
    char dll[MAX_PATH];
};

/* 0 when well formed (and *l filled), else a reason. */
static const char *parse_line(const char *text, struct line *l)
{
    int y, mo, d, h, mi, s, n = 0;
    unsigned long us;
    const char *p, *open, *close, *e;
    size_t k;

    memset(l, 0, sizeof(*l));
    if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d.%6luZ %lu:%lu %3s %n", &y, &mo, &d, &h, &mi, &s,
               &us, &l->pid, &l->tid, l->kind, &n) != 10 || !n)
        return "prefix (time pid:tid kind)";
    if (y < 2000 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return "timestamp";
    if (strcmp(l->kind, "API") && strcmp(l->kind, "SPI"))
        return "kind";
    p = text + n;
    open = strchr(p, '(');
    if (!open || open == p || (size_t)(open - p) >= sizeof(l->name))
        return "name";
    for (k = 0; p + k < open; k++) {
        char ch = p[k];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return "name characters";
        l->name[k] = ch;
    }
    e = strstr(open, " err=");
    while (e && strstr(e + 1, " err="))
        e = strstr(e + 1, " err=");
    if (!e)
        return "err=";
    /* ") = <result>" just before " err=" */
    for (close = e; close > open && strncmp(close, ") = ", 4); close--)
        ;
    if (close <= open)
        return ") = result";
    if ((size_t)(close - open - 1) >= sizeof(l->args) || (size_t)(e - close - 4) >= sizeof(l->result) ||
        e == close + 4)
        return "args/result length";
    memcpy(l->args, open + 1, (size_t)(close - open - 1));
    memcpy(l->result, close + 4, (size_t)(e - close - 4));
    n = 0;
    if (sscanf(e, " err=%d%n", &l->err, &n) != 1)
        return "err value";
    e += n;
    if (*e == '(') {
        const char *end = strchr(e, ')');
        if (!end || (size_t)(end - e - 1) >= sizeof(l->err_name) || !l->err)
            return "err name";
        memcpy(l->err_name, e + 1, (size_t)(end - e - 1));
        e = end + 1;
    }
    n = 0;
    if (sscanf(e, " %lfus via=%15s%n", &l->us, l->via, &n) != 2 || !n || l->us < 0)
        return "duration/via";
    e += n;
    if (strcmp(l->via, "-") && strspn(l->via, "0123456789") != strlen(l->via))
        return "via id";
    if (sscanf(e, " \"%255[^\"]\"%n", l->protocol, &n) != 1) {
        if (strncmp(e, " \"\"", 3))
            return "protocol";
        n = 3;
    }
    e += n;
    if (sscanf(e, " \"%259[^\"]\"%n", l->dll, &n) != 1) {
        if (strncmp(e, " \"\"", 3))
            return "dll";
        n = 3;
    }
    e += n;
    if (strcmp(e, "\n") && strcmp(e, "\r\n"))
        return "end of line";
    return NULL;
}

/* The child's lines, parsed (asserting every line of the file is well formed). */
static int parse_file(const char *text, DWORD pid, struct line *lines, int max)
{
    int count = 0;
    const char *p = text;

    while (*p) {
        const char *nl = strchr(p, '\n');
        char one[2048];
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        struct line l;
        const char *why;

        assert_true(nl != NULL);            /* every line is complete */
        assert_true(len < sizeof(one));
        memcpy(one, p, len);
        one[len] = 0;
        p += len;
        if (one[0] == '#')
            continue;
        why = parse_line(one, &l);
        if (why)
            fail_msg("malformed trace line (%s): %s", why, one);
        if (l.pid != pid)
            continue;
        assert_true(count < max);
        lines[count++] = l;
    }
    return count;
}

static const struct line *find_spi(const struct line *lines, int n, const char *name)
{
    int i;
    for (i = 0; i < n; i++)
        if (!strcmp(lines[i].kind, "SPI") && !strcmp(lines[i].name, name))
            return &lines[i];
    return NULL;
}

static void expect_arg(const struct line *l, const char *text)
{
    if (!l) {
        fail_msg("no line for \"%s\"", text);
        return;
    }
    if (!strstr(l->args, text))
        fail_msg("%s: \"%s\" not in the arguments \"%s\"", l->name, text, l->args);
}

static void trace_on_logs_every_call(void **state)
{
    static struct line lines[512];
    struct line api[64];
    WCHAR path[MAX_PATH];
    struct child_out out;
    char want[96], *text;
    const struct line *spi;
    int n, i, n_api = 0, code;

    (void)state;
    temp_file(path, L"trace_on.log");
    code = run_child(path, &out);
    assert_int_equal(code, 0);
    text = tu_read_file(path);
    assert_non_null(text);
    assert_int_equal(text[0], '#');
    n = parse_file(text, out.pid, lines, 512);
    /* the application's calls: providers call WSC* (installing themselves,
     * reading the catalog) and WPU* exports too, and those are traced as well */
    for (i = 0; i < n; i++)
        if (!strcmp(lines[i].kind, "API") && strncmp(lines[i].name, "WSC", 3) &&
            strncmp(lines[i].name, "WPU", 3)) {
            assert_true(n_api < 64);
            api[n_api++] = lines[i];
        }
    tu_log("%d lines, %d API", n, n_api);
    /* one API line per call, in the script's order */
    assert_int_equal(n_api, (int)SCRIPT_CALLS);
    for (i = 0; i < n_api; i++) {
        if (strcmp(api[i].name, script[i]))
            fail_msg("API line %d is %s, expected %s", i, api[i].name, script[i]);
        assert_true(api[i].tid != 0);
    }
    /* WSAStartup(0x0202) = 0 */
    expect_arg(&api[0], "version=0x0202");
    assert_string_equal(api[0].result, "0");
    assert_int_equal(api[0].err, 0);
    /* socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = the listener, served by a catalog entry */
    expect_arg(&api[1], "af=2, type=1, protocol=6");
    snprintf(want, sizeof(want), "0x%llx", out.ls);
    assert_string_equal(api[1].result, want);
    assert_true(strcmp(api[1].via, "-") != 0);
    assert_non_null(strstr(api[1].dll, ".dll"));
    /* bind(127.0.0.1:0), listen(backlog 5) */
    snprintf(want, sizeof(want), "s=0x%llx, name=127.0.0.1:0, namelen=16", out.ls);
    expect_arg(&api[3], want);
    expect_arg(&api[4], "backlog=5");
    /* getsockname: the bound port, after the call */
    snprintf(want, sizeof(want), "name=127.0.0.1:%u", out.port);
    expect_arg(&api[5], want);
    /* connect(client, 127.0.0.1:port) = 0 */
    snprintf(want, sizeof(want), "s=0x%llx, name=127.0.0.1:%u, namelen=16", out.c, out.port);
    expect_arg(&api[7], want);
    assert_string_equal(api[7].result, "0");
    assert_int_equal(api[7].err, 0);
    assert_string_equal(api[7].via, api[6].via);
    /* closesocket(bogus) = -1, WSAENOTSOCK, served by nobody */
    snprintf(want, sizeof(want), "s=0x%llx", (unsigned long long)BOGUS_SOCKET);
    expect_arg(&api[8], want);
    assert_string_equal(api[8].result, "-1");
    assert_int_equal(api[8].err, WSAENOTSOCK);
    assert_string_equal(api[8].err_name, "WSAENOTSOCK");
    assert_string_equal(api[8].via, "-");
    assert_string_equal(api[8].dll, "");
    /* ...and the application read that error back */
    assert_string_equal(api[9].result, "10038");
    /* setsockopt(SOL_SOCKET, SO_RCVBUF, 65536, 4) */
    expect_arg(&api[10], "level=0xffff, optname=0x1002");
    expect_arg(&api[10], "{65536}, optlen=4");
    expect_arg(&api[11], "level=0xffff, optname=0x1002");
    expect_arg(&api[11], "optlen=4");
    /* send 1 byte = 1; accept = the accepted socket; recv = 1 */
    expect_arg(&api[12], "len=1, flags=0x0");
    assert_string_equal(api[12].result, "1");
    snprintf(want, sizeof(want), "0x%llx", out.s);
    assert_string_equal(api[13].result, want);
    assert_string_equal(api[14].result, "1");
    expect_arg(&api[15], "how=2");
    assert_string_equal(api[20].result, "0");
    /* SPI: the providers started, the connect went down with its port, they stopped */
    spi = find_spi(lines, n, "WSPStartup");
    assert_non_null(spi);
    assert_string_equal(spi->result, "0");
    spi = find_spi(lines, n, "WSPConnect");
    snprintf(want, sizeof(want), "name=127.0.0.1:%u", out.port);
    expect_arg(spi, want);
    assert_string_equal(spi ? spi->via : "", api[7].via);
    assert_non_null(find_spi(lines, n, "WSPSocket"));
    assert_non_null(find_spi(lines, n, "WSPCloseSocket"));
    spi = find_spi(lines, n, "WSPCleanup");
    assert_non_null(spi);
    assert_true(spi && strlen(spi->dll) > 4 && !strcmp(spi->dll + strlen(spi->dll) - 4, ".dll"));
    /* the SPI line of a call comes before its API line */
    for (i = 0; i < n && strcmp(lines[i].name, "WSPConnect"); i++)
        ;
    assert_true(i + 1 < n && !strcmp(lines[i + 1].name, "connect"));
    free(text);
    DeleteFileW(path);
}

/* Four threads calling at once: every line whole, one per call. */
static void trace_threads_lines_whole(void **state)
{
    static struct line lines[8192];
    WCHAR path[MAX_PATH];
    struct child_out out;
    DWORD tids[THREADS];
    char *text;
    int n, i, k, api = 0, spi = 0, n_tids = 0;

    (void)state;
    temp_file(path, L"trace_threads.log");
    assert_int_equal(run_child_mode(L"--child-threads", path, &out), 0);
    text = tu_read_file(path);
    assert_non_null(text);
    n = parse_file(text, out.pid, lines, 8192);      /* asserts every line well formed */
    for (i = 0; i < n; i++) {
        if (strcmp(lines[i].name, "getsockopt") && strcmp(lines[i].name, "WSPGetSockOpt"))
            continue;
        if (lines[i].kind[0] == 'A')
            api++;
        else
            spi++;
        for (k = 0; k < n_tids && tids[k] != lines[i].tid; k++)
            ;
        if (k == n_tids && n_tids < THREADS)
            tids[n_tids++] = lines[i].tid;
    }
    assert_int_equal(api, THREADS * CALLS);
    assert_int_equal(spi, THREADS * CALLS);
    assert_int_equal(n_tids, THREADS);
    free(text);
    DeleteFileW(path);
}

/* A process that ends abruptly right after a call: the call's line is there. */
static void trace_survives_abrupt_end(void **state)
{
    static struct line lines[512];
    WCHAR path[MAX_PATH];
    struct child_out out;
    char *text;
    int n;

    (void)state;
    temp_file(path, L"trace_crash.log");
    assert_int_equal(run_child_mode(L"--child-crash", path, &out), 0);
    text = tu_read_file(path);
    assert_non_null(text);
    n = parse_file(text, out.pid, lines, 512);
    assert_true(n > 0);
    assert_string_equal(lines[n - 1].name, "closesocket");
    assert_int_equal(lines[n - 1].err, WSAENOTSOCK);
    free(text);
    DeleteFileW(path);
}

/* Off: no variable (and no registry value), or CEWS2_TRACE=0: nothing written. */
static void trace_off_writes_nothing(void **state)
{
    WCHAR path[MAX_PATH], deflt[MAX_PATH];
    struct child_out out;
    WIN32_FILE_ATTRIBUTE_DATA before, after;
    BOOL had_default;

    (void)state;
    GetTempPathW(MAX_PATH, deflt);
    wcscat(deflt, L"ws2trace.log");
    had_default = GetFileAttributesExW(deflt, GetFileExInfoStandard, &before);
    assert_int_equal(run_child(NULL, &out), 0);
    assert_true(out.port != 0);
    if (had_default) {
        assert_true(GetFileAttributesExW(deflt, GetFileExInfoStandard, &after));
        assert_int_equal(before.nFileSizeLow, after.nFileSizeLow);
    } else {
        assert_int_equal(GetFileAttributesW(deflt), INVALID_FILE_ATTRIBUTES);
    }
    temp_file(path, L"trace_off.log");
    assert_int_equal(run_child(L"0", &out), 0);
    assert_int_equal(GetFileAttributesW(path), INVALID_FILE_ATTRIBUTES);
    if (had_default) {
        assert_true(GetFileAttributesExW(deflt, GetFileExInfoStandard, &after));
        assert_int_equal(before.nFileSizeLow, after.nFileSizeLow);
    } else {
        assert_int_equal(GetFileAttributesW(deflt), INVALID_FILE_ATTRIBUTES);
    }
}

/* The machine setting Comm\WS2 "Trace" REG_SZ turns it on; CEWS2_TRACE=0 wins
 * over it.  (test_regroot: a per-user value wins over the machine's.) */
static void trace_registry_switch(void **state)
{
    WCHAR path[MAX_PATH];
    struct child_out out;
    HKEY key;
    char *text;
    static struct line lines[512];
    int n;

    (void)state;
    temp_file(path, L"trace_reg.log");
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, CEWS2_REGISTRY_ROOT L"\\" CEWS2_WS2_SUBKEY, 0, NULL, 0,
                                     KEY_SET_VALUE, NULL, &key, NULL), 0);
    assert_int_equal(RegSetValueExW(key, L"Trace", 0, REG_SZ, (const BYTE *)path,
                                    (DWORD)(wcslen(path) + 1) * sizeof(WCHAR)), 0);
    /* the environment wins: off */
    if (run_child(L"0", &out) != 0 || GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES) {
        RegDeleteValueW(key, L"Trace");
        RegCloseKey(key);
        fail_msg("CEWS2_TRACE=0 did not win over the registry");
    }
    /* no variable: the registry's file */
    n = run_child(NULL, &out);
    RegDeleteValueW(key, L"Trace");
    RegCloseKey(key);
    assert_int_equal(n, 0);
    text = tu_read_file(path);
    assert_non_null(text);
    n = parse_file(text, out.pid, lines, 512);
    assert_true(n > (int)SCRIPT_CALLS);
    free(text);
    DeleteFileW(path);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trace_on_logs_every_call),
        cmocka_unit_test(trace_threads_lines_whole),
        cmocka_unit_test(trace_survives_abrupt_end),
        cmocka_unit_test(trace_off_writes_nothing),
        cmocka_unit_test(trace_registry_switch),
    };

    if (argc == 2 && !strcmp(argv[1], "--child"))
        return child_main();
    if (argc == 2 && !strcmp(argv[1], "--child-threads"))
        return child_threads();
    if (argc == 2 && !strcmp(argv[1], "--child-crash"))
        return child_crash();
    /* this process's own ws2.dll: read the (absent) switch now, untraced */
    WSASetLastError(0);
    tu_main_init(argc, argv);
    return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
