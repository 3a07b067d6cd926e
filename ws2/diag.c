/*
 * diag.c - diagnostics and the call trace.
 *
 * Diagnostics say why a provider or registration was skipped: always to the
 * debugger (OutputDebugString), and to standard error when CEWS2_DIAG=1.
 *
 * The trace logs every call an application makes into ws2.dll (each export
 * of ws2.def: an "API" line) and every call ws2.dll makes into a provider
 * (the WSP* procedure it dispatched to, WSPStartup and WSPCleanup: an "SPI"
 * line), one line per call, written when the call returns, so that a user
 * can see why a socket behaved as it did.
 *
 * The switch, read once per process (at its first call into ws2.dll):
 *   CEWS2_TRACE=<path>   in the environment; it wins over the registry.
 *                        "1": the default file; "0" or empty: off.
 *   Comm\WS2 "Trace"     the setting, per user or else machine-wide, below
 *                        ce-winsock's registry roots (cews2.h):
 *                        REG_SZ/REG_EXPAND_SZ: the path (same "1"/"0"), or
 *                        REG_DWORD: 0 off, nonzero the default file.
 *   The default file is %TEMP%\ws2trace.log.  Lines are appended (several
 *   processes may share one file: every line carries pid:tid).  A file that
 *   cannot be opened leaves the trace off and says so in a diagnostic.
 *
 * The line (UTF-8, one per call, fields separated by one space):
 *
 *   <time> <pid>:<tid> <kind> <name>(<args>) = <result> err=<e> <dur>us via=<id> "<protocol>" "<dll>"
 *
 *   time      UTC wall clock of the call's start, 2026-11-27T05:40:01.123456Z
 *             (taken at the trace's start and advanced by QueryPerformanceCounter)
 *   pid:tid   decimal process and thread ids
 *   kind      API (the application called an export) or SPI (ws2.dll called a
 *             provider; a call's SPI lines come before its API line)
 *   args      name=value, ", "-separated: s=0x<socket>, af/type/protocol,
 *             level/optname (hex), optlen, lengths, flags (hex), how,
 *             backlog, ioctl code (hex), timeouts; addresses as text for
 *             AF_INET/AF_INET6 (127.0.0.1:5000, [::1]:5000), other
 *             pointers as 0x<hex> (NULL is 0x0); out-parameters show their
 *             value after the call (unreadable ones: the pointer)
 *   result    the return value: decimal, 0x<hex> for handles and pointers,
 *             TRUE/FALSE, "void"
 *   err       the Winsock error the call reported (WSAGetLastError, the
 *             error code returned, or *lpErrno), 0 on success, with its
 *             name when known: err=10038(WSAENOTSOCK)
 *   dur       duration in microseconds (QueryPerformanceCounter), one decimal
 *   via       the catalog entry that served the call: its id, its protocol
 *             name and the provider DLL; via=- "" "" when none did (a call
 *             that failed before reaching a provider; WSPCleanup names only
 *             the DLL)
 *
 * Lines starting with '#' are comments (one at the start of each process's
 * trace: the program, the file and the format).
 *
 * Cost: when off, each export tests one global at its start, and each
 * provider dispatch tests it again (TRACE_ON in ws2_private.h): no lock, no
 * TLS, no clock; the global is settled by the process's first call.  When
 * on, each line is formatted on the stack and written with one WriteFile
 * under a lock, so lines never interleave and nothing is held back in the
 * process: a crash right after a call loses no line (about 3.4 us a line
 * under Wine; `make bench BENCH_ARGS=trace` measures both).
 *
 * Inside ws2.dll, a body an export shares with another export (connect and
 * WSAConnect, send and WSASend, ...) is called untraced, so an application's
 * call makes exactly one API line.  Calls providers make into exports
 * (WSCInstallProvider, WSCEnumProtocols, WPUCompleteOverlappedRequest...)
 * are API lines too; upcalls through the WPU table are not traced.
 */
#include "ws2_private.h"
#include "regroot.h"
#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

#if CEWS2_TRACE_BUILD
int trace_enabled = 1;          /* "not read yet" until the first call reads the switch */
#endif

static INIT_ONCE settings_once = INIT_ONCE_STATIC_INIT;
static BOOL diag_to_stderr;
static HANDLE trace_file = INVALID_HANDLE_VALUE;
static SRWLOCK trace_lock = SRWLOCK_INIT;
static LONGLONG qpc_base, qpc_freq;
static ULONGLONG filetime_base;

static void write_utf8(HANDLE h, const WCHAR *text)
{
    char buf[4096];
    DWORD done;
    int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, sizeof(buf) - 1, NULL, NULL);
    if (n > 0 && h != INVALID_HANDLE_VALUE && h)
        WriteFile(h, buf, n - 1, &done, NULL);
}

static void diag_write(const WCHAR *text)
{
    OutputDebugStringW(text);
    if (diag_to_stderr)
        write_utf8(GetStdHandle(STD_ERROR_HANDLE), text);
}

/* "0"/"" off, "1" the default file, else a path; FALSE when off. */
static BOOL trace_path_from(const WCHAR *value, WCHAR *path, DWORD size)
{
    if (!value[0] || !wcscmp(value, L"0"))
        return FALSE;
    if (!wcscmp(value, L"1")) {
        DWORD n = GetTempPathW(size, path);
        if (!n || n + 13 >= size)
            return FALSE;
        wcscat(path, L"ws2trace.log");
        return TRUE;
    }
    return ExpandEnvironmentStringsW(value, path, size) - 1 < size;
}

/* The environment wins; then the setting Comm\WS2 "Trace" (per user, else
 * machine-wide: regroot.h). */
static BOOL trace_switch(WCHAR *path, DWORD size)
{
    WCHAR value[MAX_PATH];
    DWORD type, bytes = sizeof(value) - sizeof(WCHAR), n;
    LONG rc;

    SetLastError(0);    /* 0 and no error: set, but empty */
    n = GetEnvironmentVariableW(L"CEWS2_TRACE", value, ARRAYSIZE(value));
    if (n < ARRAYSIZE(value) && (n || GetLastError() != ERROR_ENVVAR_NOT_FOUND))
        return trace_path_from(value, path, size);
    /* Any type, unexpanded: the type is judged below, and trace_path_from
     * expands the text itself. */
    rc = regroot_get_setting(CEWS2_WS2_SUBKEY, L"Trace", RRF_RT_ANY | RRF_NOEXPAND, &type, value, &bytes);
    if (rc)
        return FALSE;
    if (type == REG_DWORD && bytes == sizeof(DWORD)) {
        DWORD on;
        memcpy(&on, value, sizeof(on));
        return trace_path_from(on ? L"1" : L"0", path, size);
    }
    if (type != REG_SZ && type != REG_EXPAND_SZ)
        return FALSE;
    value[bytes / sizeof(WCHAR)] = 0;
    return trace_path_from(value, path, size);
}

static void trace_open(void)
{
    WCHAR path[MAX_PATH], exe[MAX_PATH], text[3 * MAX_PATH];
    LARGE_INTEGER li;
    FILETIME ft;

    if (!trace_switch(path, ARRAYSIZE(path)))
        return;
    trace_file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE |
                             FILE_SHARE_DELETE, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (trace_file == INVALID_HANDLE_VALUE) {
        _snwprintf(text, ARRAYSIZE(text) - 1, L"ws2: trace file %ls: cannot open (error %lu); "
                   L"trace off\n", path, GetLastError());
        text[ARRAYSIZE(text) - 1] = 0;
        diag_write(text);
        return;
    }
    QueryPerformanceFrequency(&li);
    qpc_freq = li.QuadPart;
    QueryPerformanceCounter(&li);
    qpc_base = li.QuadPart;
    GetSystemTimeAsFileTime(&ft);
    filetime_base = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    if (!GetModuleFileNameW(NULL, exe, ARRAYSIZE(exe)))
        wcscpy(exe, L"?");
    _snwprintf(text, ARRAYSIZE(text) - 1, L"# ws2 trace: pid %lu, %ls, into %ls; "
               L"<time> <pid>:<tid> <API|SPI> <name>(<args>) = <result> err=<e> <dur>us "
               L"via=<entry> \"<protocol>\" \"<dll>\"\n", GetCurrentProcessId(), exe, path);
    text[ARRAYSIZE(text) - 1] = 0;
    write_utf8(trace_file, text);
}

static BOOL CALLBACK read_settings(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    WCHAR value[8];
    DWORD saved = GetLastError();
    (void)once; (void)param; (void)ctx;
    if (GetEnvironmentVariableW(L"CEWS2_DIAG", value, ARRAYSIZE(value)) && value[0] == L'1')
        diag_to_stderr = TRUE;
    trace_open();
#if CEWS2_TRACE_BUILD
    trace_enabled = trace_file != INVALID_HANDLE_VALUE;
#endif
    SetLastError(saved);
    return TRUE;
}

void diag(const WCHAR *fmt, ...)
{
    WCHAR text[600];
    va_list ap;
    int n;

    InitOnceExecuteOnce(&settings_once, read_settings, NULL, NULL);
    n = _snwprintf(text, 32, L"ws2: ");
    va_start(ap, fmt);
    _vsnwprintf(text + n, ARRAYSIZE(text) - n - 2, fmt, ap);
    va_end(ap);
    text[ARRAYSIZE(text) - 3] = 0;
    wcscat(text, L"\n");
    diag_write(text);
}

/* ---- the trace ------------------------------------------------------------- */

LONGLONG trace_begin(void)
{
    LARGE_INTEGER now;

    InitOnceExecuteOnce(&settings_once, read_settings, NULL, NULL);
    if (trace_file == INVALID_HANDLE_VALUE)
        return 0;
    QueryPerformanceCounter(&now);
    return now.QuadPart ? now.QuadPart : 1;
}

static const char *error_name(int e)
{
    static const struct { int code; const char *name; } names[] = {
        { WSAEINTR, "WSAEINTR" }, { WSAEBADF, "WSAEBADF" }, { WSAEACCES, "WSAEACCES" },
        { WSAEFAULT, "WSAEFAULT" }, { WSAEINVAL, "WSAEINVAL" }, { WSAEMFILE, "WSAEMFILE" },
        { WSAEWOULDBLOCK, "WSAEWOULDBLOCK" }, { WSAEINPROGRESS, "WSAEINPROGRESS" },
        { WSAEALREADY, "WSAEALREADY" }, { WSAENOTSOCK, "WSAENOTSOCK" },
        { WSAEDESTADDRREQ, "WSAEDESTADDRREQ" }, { WSAEMSGSIZE, "WSAEMSGSIZE" },
        { WSAEPROTOTYPE, "WSAEPROTOTYPE" }, { WSAENOPROTOOPT, "WSAENOPROTOOPT" },
        { WSAEPROTONOSUPPORT, "WSAEPROTONOSUPPORT" },
        { WSAESOCKTNOSUPPORT, "WSAESOCKTNOSUPPORT" }, { WSAEOPNOTSUPP, "WSAEOPNOTSUPP" },
        { WSAEPFNOSUPPORT, "WSAEPFNOSUPPORT" }, { WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT" },
        { WSAEADDRINUSE, "WSAEADDRINUSE" }, { WSAEADDRNOTAVAIL, "WSAEADDRNOTAVAIL" },
        { WSAENETDOWN, "WSAENETDOWN" }, { WSAENETUNREACH, "WSAENETUNREACH" },
        { WSAENETRESET, "WSAENETRESET" }, { WSAECONNABORTED, "WSAECONNABORTED" },
        { WSAECONNRESET, "WSAECONNRESET" }, { WSAENOBUFS, "WSAENOBUFS" },
        { WSAEISCONN, "WSAEISCONN" }, { WSAENOTCONN, "WSAENOTCONN" },
        { WSAESHUTDOWN, "WSAESHUTDOWN" }, { WSAETIMEDOUT, "WSAETIMEDOUT" },
        { WSAECONNREFUSED, "WSAECONNREFUSED" }, { WSAEHOSTDOWN, "WSAEHOSTDOWN" },
        { WSAEHOSTUNREACH, "WSAEHOSTUNREACH" }, { WSASYSNOTREADY, "WSASYSNOTREADY" },
        { WSAVERNOTSUPPORTED, "WSAVERNOTSUPPORTED" }, { WSANOTINITIALISED, "WSANOTINITIALISED" },
        { WSAEDISCON, "WSAEDISCON" }, { WSAENOMORE, "WSAENOMORE" },
        { WSAECANCELLED, "WSAECANCELLED" }, { WSAEINVALIDPROCTABLE, "WSAEINVALIDPROCTABLE" },
        { WSAEINVALIDPROVIDER, "WSAEINVALIDPROVIDER" },
        { WSAEPROVIDERFAILEDINIT, "WSAEPROVIDERFAILEDINIT" },
        { WSASYSCALLFAILURE, "WSASYSCALLFAILURE" }, { WSAHOST_NOT_FOUND, "WSAHOST_NOT_FOUND" },
        { WSATRY_AGAIN, "WSATRY_AGAIN" }, { WSANO_RECOVERY, "WSANO_RECOVERY" },
        { WSANO_DATA, "WSANO_DATA" }, { WSA_IO_PENDING, "WSA_IO_PENDING" },
        { WSA_IO_INCOMPLETE, "WSA_IO_INCOMPLETE" }, { WSA_INVALID_HANDLE, "WSA_INVALID_HANDLE" },
        { WSA_INVALID_PARAMETER, "WSA_INVALID_PARAMETER" },
        { WSA_NOT_ENOUGH_MEMORY, "WSA_NOT_ENOUGH_MEMORY" },
        { WSA_OPERATION_ABORTED, "WSA_OPERATION_ABORTED" },
    };
    size_t i;
    for (i = 0; i < ARRAYSIZE(names); i++)
        if (names[i].code == e)
            return names[i].name;
    return NULL;
}

/* Appends s to line (at *used, within size) as UTF-8, '"' made '\''. */
static void append_quoted(char *line, size_t size, size_t *used, const WCHAR *s)
{
    char utf8[3 * MAX_PATH];
    int n, i;

    n = s ? WideCharToMultiByte(CP_UTF8, 0, s, -1, utf8, sizeof(utf8), NULL, NULL) : 0;
    if (n <= 0)
        utf8[0] = 0;
    for (i = 0; utf8[i]; i++)
        if (utf8[i] == '"' || utf8[i] == '\r' || utf8[i] == '\n')
            utf8[i] = '\'';
    n = __mingw_snprintf(line + *used, size - *used, " \"%s\"", utf8);
    if (n > 0)
        *used = *used + (size_t)n < size ? *used + (size_t)n : size - 1;
}

void trace_line(LONGLONG t0, const char *kind, const struct catalog_entry *via,
                const WCHAR *dll, int err, const char *fmt, ...)
{
    char line[2048];
    const size_t room = sizeof(line) - 2;      /* the newline always fits */
    DWORD saved = GetLastError(), done;
    LARGE_INTEGER now;
    SYSTEMTIME st;
    FILETIME ft;
    ULONGLONG at;
    const char *name;
    size_t used;
    va_list ap;
    int n;

    QueryPerformanceCounter(&now);
    if (t0 < qpc_base)
        t0 = qpc_base;
    at = filetime_base + (ULONGLONG)((t0 - qpc_base) * 10000000.0 / (double)qpc_freq);
    ft.dwLowDateTime = (DWORD)at;
    ft.dwHighDateTime = (DWORD)(at >> 32);
    FileTimeToSystemTime(&ft, &st);
    n = __mingw_snprintf(line, room, "%04u-%02u-%02uT%02u:%02u:%02u.%06luZ %lu:%lu %s ",
                         st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute, st.wSecond,
                         (unsigned long)(at % 10000000u) / 10, GetCurrentProcessId(),
                         GetCurrentThreadId(), kind);
    used = n > 0 ? (size_t)n : 0;
    va_start(ap, fmt);
    n = __mingw_vsnprintf(line + used, room - used, fmt, ap);
    va_end(ap);
    if (n > 0)
        used = used + (size_t)n < room ? used + (size_t)n : room - 1;
    name = err ? error_name(err) : NULL;
    n = __mingw_snprintf(line + used, room - used, name ? " err=%d(%s) %.1fus via=" :
                         " err=%d%s %.1fus via=", err, name ? name : "",
                         (double)(now.QuadPart - t0) * 1e6 / (double)qpc_freq);
    if (n > 0)
        used = used + (size_t)n < room ? used + (size_t)n : room - 1;
    if (via)
        n = __mingw_snprintf(line + used, room - used, "%lu", via->info.dwCatalogEntryId);
    else
        n = __mingw_snprintf(line + used, room - used, "-");
    if (n > 0)
        used = used + (size_t)n < room ? used + (size_t)n : room - 1;
    append_quoted(line, room, &used, via ? via->info.szProtocol : NULL);
    append_quoted(line, room, &used, via ? via->dll : dll);
    line[used++] = '\n';
    AcquireSRWLockExclusive(&trace_lock);
    WriteFile(trace_file, line, (DWORD)used, &done, NULL);
    ReleaseSRWLockExclusive(&trace_lock);
    SetLastError(saved);
}

void trace_startup(LONGLONG t0, const WCHAR *dll, const WSAPROTOCOL_INFOW *info, int result,
                   DWORD code)
{
    struct catalog_entry shown;

    if (!t0)
        return;
    /* the entry being started, as far as the line needs it */
    shown.info.dwCatalogEntryId = info->dwCatalogEntryId;
    lstrcpynW(shown.info.szProtocol, info->szProtocol, WSAPROTOCOL_LEN + 1);
    lstrcpynW(shown.dll, dll, MAX_PATH);
    if (code)
        trace_line(t0, "SPI", &shown, NULL, WSAEPROVIDERFAILEDINIT,
                   "WSPStartup(version=0x0202, info=0x%llx) = crashed(0x%08lx)", TP(info), code);
    else
        trace_line(t0, "SPI", &shown, NULL, result, "WSPStartup(version=0x0202, info=0x%llx) = %d",
                   TP(info), result);
}

/* ---- argument text ---------------------------------------------------------- */

const char *trace_addr(char *b, size_t n, const void *sa, int len)
{
    const struct sockaddr *a = sa;

    if (!sa)
        return "NULL";
    if (len < (int)sizeof(u_short) || !api_readable(sa, (size_t)len)) {
        __mingw_snprintf(b, n, "0x%llx", TP(sa));
        return b;
    }
    if (a->sa_family == AF_INET && len >= (int)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = sa;
        const unsigned char *q = (const unsigned char *)&in->sin_addr;
        __mingw_snprintf(b, n, "%u.%u.%u.%u:%u", q[0], q[1], q[2], q[3],
                         (unsigned)impl_ntohs(in->sin_port));
    } else if (a->sa_family == AF_INET6 && len >= (int)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = sa;
        const unsigned char *q = in6->sin6_addr.s6_addr;
        unsigned g[8];
        int i, j, best = -1, best_len = 1;
        size_t used = 1;
        for (i = 0; i < 8; i++)
            g[i] = (unsigned)q[2 * i] << 8 | q[2 * i + 1];
        for (i = 0; i < 8; i = j + 1) {     /* the longest run of zero groups becomes "::" */
            for (j = i; j < 8 && !g[j]; j++)
                ;
            if (j - i > best_len) {
                best = i;
                best_len = j - i;
            }
        }
        b[0] = '[';
        for (i = 0; i < 8 && used + 8 < n; i++) {
            if (i == best) {
                used += (size_t)__mingw_snprintf(b + used, n - used, "::");
                i += best_len - 1;
                continue;
            }
            used += (size_t)__mingw_snprintf(b + used, n - used, "%s%x",
                                             i && i != best + best_len ? ":" : "", g[i]);
        }
        __mingw_snprintf(b + used, n - used, "]:%u", (unsigned)impl_ntohs(in6->sin6_port));
    } else {
        __mingw_snprintf(b, n, "0x%llx(af=%u)", TP(sa), (unsigned)a->sa_family);
    }
    return b;
}

const char *trace_addr_p(char *b, size_t n, const void *sa, const int *len)
{
    if (!sa)
        return "NULL";
    if (!api_readable(len, sizeof(*len))) {
        __mingw_snprintf(b, n, "0x%llx", TP(sa));
        return b;
    }
    return trace_addr(b, n, sa, *len);
}

const char *trace_int_p(char *b, size_t n, const void *p, size_t size)
{
    if (!p)
        return "NULL";
    if (!api_readable(p, size))
        __mingw_snprintf(b, n, "0x%llx", TP(p));
    else if (size == sizeof(USHORT))
        __mingw_snprintf(b, n, "%u", *(const USHORT *)p);
    else if (size == sizeof(LONG))
        __mingw_snprintf(b, n, "%ld", *(const LONG *)p);
    else
        __mingw_snprintf(b, n, "%lld", *(const LONGLONG *)p);
    return b;
}

const char *trace_str(char *b, size_t n, const char *s)
{
    size_t i = 0;
    if (!s)
        return "NULL";
    b[i++] = '"';
    while (i + 5 < n && api_readable(s, 1) && *s) {
        b[i++] = (*s == '"' || (unsigned char)*s < 0x20) ? '?' : *s;
        s++;
    }
    if (!api_readable(s, 1) && i == 1) {
        __mingw_snprintf(b, n, "0x%llx", TP(s));
        return b;
    }
    if (api_readable(s, 1) && *s) {
        b[i++] = '.';
        b[i++] = '.';
    }
    b[i++] = '"';
    b[i] = 0;
    return b;
}

const char *trace_wstr(char *b, size_t n, const WCHAR *s)
{
    WCHAR copy[48];
    char utf8[48 * 3];
    size_t i;
    if (!s)
        return "NULL";
    if (!api_readable(s, sizeof(WCHAR))) {
        __mingw_snprintf(b, n, "0x%llx", TP(s));
        return b;
    }
    for (i = 0; i + 1 < ARRAYSIZE(copy) && api_readable(s + i, sizeof(WCHAR)) && s[i]; i++)
        copy[i] = s[i];
    copy[i] = 0;
    if (WideCharToMultiByte(CP_UTF8, 0, copy, -1, utf8, sizeof(utf8), NULL, NULL) <= 0)
        utf8[0] = 0;
    return trace_str(b, n, utf8);
}

const char *trace_bufs(char *b, size_t n, const WSABUF *bufs, DWORD count)
{
    unsigned long long total = 0;
    DWORD i;
    if (!api_readable(bufs, (size_t)count * sizeof(WSABUF))) {
        __mingw_snprintf(b, n, "0x%llx", TP(bufs));
        return b;
    }
    for (i = 0; i < count; i++)
        total += bufs[i].len;
    __mingw_snprintf(b, n, "%llu", total);
    return b;
}

const char *trace_fdset(char *b, size_t n, const fd_set *set)
{
    if (!set)
        return "NULL";
    if (!api_readable(set, sizeof(u_int)))
        __mingw_snprintf(b, n, "0x%llx", TP(set));
    else
        __mingw_snprintf(b, n, "0x%llx[%u]", TP(set), set->fd_count);
    return b;
}

const char *trace_guid(char *b, size_t n, const GUID *g)
{
    if (!g)
        return "NULL";
    if (!api_readable(g, sizeof(*g)))
        __mingw_snprintf(b, n, "0x%llx", TP(g));
    else
        __mingw_snprintf(b, n, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", g->Data1,
                         g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
                         g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
    return b;
}

/* ---- SPI: the provider's table, wrapped ------------------------------------- */
/*
 * While tracing, provider_procs() hands out this table of thunks; the
 * provider and entry the call is for travel in a thread-local, set just
 * before the call and read by the thunk before anything else can run.
 */
struct spi_call {
    struct provider *p;
    const struct catalog_entry *e;
};
static __thread struct spi_call spi_current;

#define SPI_ENTER \
    struct spi_call c_ = spi_current; \
    LONGLONG t_ = trace_begin(); \
    WCHAR dll_[MAX_PATH]; \
    if (!c_.e && !GetModuleFileNameW(c_.p->module, dll_, MAX_PATH)) dll_[0] = 0
#define SPI_LINE(err, ...) \
    do { if (t_) trace_line(t_, "SPI", c_.e, c_.e ? NULL : dll_, (err), __VA_ARGS__); } while (0)
#define REAL c_.p->procs
#define FAILED_ERR(r) ((r) == SOCKET_ERROR ? *e : 0)

static SOCKET WSPAPI t_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                              LPCONDITIONPROC cond, DWORD_PTR data, LPINT e)
{
    SPI_ENTER;
    SOCKET r = REAL.lpWSPAccept(s, addr, addrlen, cond, data, e);
    SPI_LINE(r == INVALID_SOCKET ? *e : 0, "WSPAccept(s=0x%llx, addr=%s, addrlen=%s, "
             "condition=0x%llx) = 0x%llx", TS(s), r == INVALID_SOCKET ? "-" : TADDRP(addr, addrlen),
             TINT(addrlen), TP(cond), TS(r));
    return r;
}

static INT WSPAPI t_address_to_string(LPSOCKADDR a, DWORD len, LPWSAPROTOCOL_INFOW info,
                                      LPWSTR text, LPDWORD text_len, LPINT e)
{
    SPI_ENTER;
    INT r = REAL.lpWSPAddressToString(a, len, info, text, text_len, e);
    SPI_LINE(FAILED_ERR(r), "WSPAddressToString(address=%s, length=%lu, text=%s, "
             "text_length=%s) = %d", TADDR(a, (int)len), len, r ? "-" : TWSTR(text),
             TINT(text_len), r);
    return r;
}

static int WSPAPI t_async_select(SOCKET s, HWND hwnd, unsigned int msg, __LONG32 ev, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPAsyncSelect(s, hwnd, msg, ev, e);
    SPI_LINE(FAILED_ERR(r), "WSPAsyncSelect(s=0x%llx, hwnd=0x%llx, msg=%u, events=0x%lx) = %d",
             TS(s), TP(hwnd), msg, (unsigned long)ev, r);
    return r;
}

static int WSPAPI t_bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPBind(s, name, namelen, e);
    SPI_LINE(FAILED_ERR(r), "WSPBind(s=0x%llx, name=%s, namelen=%d) = %d", TS(s),
             TADDR(name, namelen), namelen, r);
    return r;
}

static int WSPAPI t_cancel_blocking_call(LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPCancelBlockingCall(e);
    SPI_LINE(FAILED_ERR(r), "WSPCancelBlockingCall() = %d", r);
    return r;
}

static int WSPAPI t_cleanup(LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPCleanup(e);
    SPI_LINE(FAILED_ERR(r), "WSPCleanup() = %d", r);
    return r;
}

static int WSPAPI t_close_socket(SOCKET s, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPCloseSocket(s, e);
    SPI_LINE(FAILED_ERR(r), "WSPCloseSocket(s=0x%llx) = %d", TS(s), r);
    return r;
}

static int WSPAPI t_connect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller,
                            LPWSABUF callee, LPQOS sqos, LPQOS gqos, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPConnect(s, name, namelen, caller, callee, sqos, gqos, e);
    SPI_LINE(FAILED_ERR(r), "WSPConnect(s=0x%llx, name=%s, namelen=%d) = %d", TS(s),
             TADDR(name, namelen), namelen, r);
    return r;
}

static int WSPAPI t_duplicate_socket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPDuplicateSocket(s, pid, info, e);
    SPI_LINE(FAILED_ERR(r), "WSPDuplicateSocket(s=0x%llx, pid=%lu) = %d", TS(s), pid, r);
    return r;
}

static int WSPAPI t_enum_network_events(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS events,
                                        LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPEnumNetworkEvents(s, ev, events, e);
    SPI_LINE(FAILED_ERR(r), "WSPEnumNetworkEvents(s=0x%llx, event=0x%llx, events=%s) = %d",
             TS(s), TP(ev), r ? "-" : TINT(&events->lNetworkEvents), r);
    return r;
}

static int WSPAPI t_event_select(SOCKET s, WSAEVENT ev, __LONG32 events, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPEventSelect(s, ev, events, e);
    SPI_LINE(FAILED_ERR(r), "WSPEventSelect(s=0x%llx, event=0x%llx, events=0x%lx) = %d", TS(s),
             TP(ev), (unsigned long)events, r);
    return r;
}

static WINBOOL WSPAPI t_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD n,
                                              WINBOOL wait, LPDWORD flags, LPINT e)
{
    SPI_ENTER;
    WINBOOL r = REAL.lpWSPGetOverlappedResult(s, ov, n, wait, flags, e);
    SPI_LINE(r ? 0 : *e, "WSPGetOverlappedResult(s=0x%llx, ov=0x%llx, transferred=%s, wait=%d, "
             "flags=%s) = %s", TS(s), TP(ov), TINT(n), wait, TINT(flags), r ? "TRUE" : "FALSE");
    return r;
}

static int WSPAPI t_get_peer_name(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPGetPeerName(s, name, namelen, e);
    SPI_LINE(FAILED_ERR(r), "WSPGetPeerName(s=0x%llx, name=%s, namelen=%s) = %d", TS(s),
             r ? "-" : TADDRP(name, namelen), TINT(namelen), r);
    return r;
}

static int WSPAPI t_get_sock_name(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPGetSockName(s, name, namelen, e);
    SPI_LINE(FAILED_ERR(r), "WSPGetSockName(s=0x%llx, name=%s, namelen=%s) = %d", TS(s),
             r ? "-" : TADDRP(name, namelen), TINT(namelen), r);
    return r;
}

static int WSPAPI t_get_sock_opt(SOCKET s, int level, int opt, char *val, LPINT len, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPGetSockOpt(s, level, opt, val, len, e);
    SPI_LINE(FAILED_ERR(r), "WSPGetSockOpt(s=0x%llx, level=0x%x, optname=0x%x, optval=0x%llx, "
             "optlen=%s) = %d", TS(s), level, opt, TP(val), TINT(len), r);
    return r;
}

static WINBOOL WSPAPI t_get_qos_by_name(SOCKET s, LPWSABUF name, LPQOS qos, LPINT e)
{
    SPI_ENTER;
    WINBOOL r = REAL.lpWSPGetQOSByName(s, name, qos, e);
    SPI_LINE(r ? 0 : *e, "WSPGetQOSByName(s=0x%llx) = %s", TS(s), r ? "TRUE" : "FALSE");
    return r;
}

static int WSPAPI t_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out,
                          DWORD out_len, LPDWORD returned, LPWSAOVERLAPPED ov,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                          LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPIoctl(s, code, in, in_len, out, out_len, returned, ov, routine, thread, e);
    SPI_LINE(FAILED_ERR(r), "WSPIoctl(s=0x%llx, code=0x%lx, in_len=%lu, out_len=%lu, "
             "returned=%s, ov=0x%llx, routine=0x%llx) = %d", TS(s), code, in_len, out_len,
             TINT(returned), TP(ov), TP(routine), r);
    return r;
}

static SOCKET WSPAPI t_join_leaf(SOCKET s, const struct sockaddr *name, int namelen,
                                 LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
                                 DWORD flags, LPINT e)
{
    SPI_ENTER;
    SOCKET r = REAL.lpWSPJoinLeaf(s, name, namelen, caller, callee, sqos, gqos, flags, e);
    SPI_LINE(r == INVALID_SOCKET ? *e : 0, "WSPJoinLeaf(s=0x%llx, name=%s, namelen=%d, "
             "flags=0x%lx) = 0x%llx", TS(s), TADDR(name, namelen), namelen, flags, TS(r));
    return r;
}

static int WSPAPI t_listen(SOCKET s, int backlog, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPListen(s, backlog, e);
    SPI_LINE(FAILED_ERR(r), "WSPListen(s=0x%llx, backlog=%d) = %d", TS(s), backlog, r);
    return r;
}

static int WSPAPI t_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD got, LPDWORD flags,
                         LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                         LPWSATHREADID thread, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPRecv(s, bufs, count, got, flags, ov, routine, thread, e);
    SPI_LINE(FAILED_ERR(r), "WSPRecv(s=0x%llx, count=%lu, len=%s, received=%s, flags=%s, "
             "ov=0x%llx, routine=0x%llx) = %d", TS(s), count, TBUFS(bufs, count), TINT(got),
             TINT(flags), TP(ov), TP(routine), r);
    return r;
}

static int WSPAPI t_recv_disconnect(SOCKET s, LPWSABUF data, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPRecvDisconnect(s, data, e);
    SPI_LINE(FAILED_ERR(r), "WSPRecvDisconnect(s=0x%llx) = %d", TS(s), r);
    return r;
}

static int WSPAPI t_recv_from(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD got, LPDWORD flags,
                              struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                              LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPRecvFrom(s, bufs, count, got, flags, from, fromlen, ov, routine, thread, e);
    SPI_LINE(FAILED_ERR(r), "WSPRecvFrom(s=0x%llx, count=%lu, len=%s, received=%s, flags=%s, "
             "from=%s, fromlen=%s, ov=0x%llx, routine=0x%llx) = %d", TS(s), count,
             TBUFS(bufs, count), TINT(got), TINT(flags), r || ov ? "-" : TADDRP(from, fromlen),
             TINT(fromlen), TP(ov), TP(routine), r);
    return r;
}

static int WSPAPI t_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const PTIMEVAL timeout,
                           LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPSelect(nfds, rd, wr, ex, timeout, e);
    SPI_LINE(FAILED_ERR(r), "WSPSelect(nfds=%d, readfds=%s, writefds=%s, exceptfds=%s, "
             "timeout=0x%llx) = %d", nfds, TFDS(rd), TFDS(wr), TFDS(ex), TP(timeout), r);
    return r;
}

static int WSPAPI t_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                         LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                         LPWSATHREADID thread, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPSend(s, bufs, count, sent, flags, ov, routine, thread, e);
    SPI_LINE(FAILED_ERR(r), "WSPSend(s=0x%llx, count=%lu, len=%s, sent=%s, flags=0x%lx, "
             "ov=0x%llx, routine=0x%llx) = %d", TS(s), count, TBUFS(bufs, count), TINT(sent),
             flags, TP(ov), TP(routine), r);
    return r;
}

static int WSPAPI t_send_disconnect(SOCKET s, LPWSABUF data, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPSendDisconnect(s, data, e);
    SPI_LINE(FAILED_ERR(r), "WSPSendDisconnect(s=0x%llx) = %d", TS(s), r);
    return r;
}

static int WSPAPI t_send_to(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                            const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                            LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPSendTo(s, bufs, count, sent, flags, to, tolen, ov, routine, thread, e);
    SPI_LINE(FAILED_ERR(r), "WSPSendTo(s=0x%llx, count=%lu, len=%s, sent=%s, flags=0x%lx, "
             "to=%s, tolen=%d, ov=0x%llx, routine=0x%llx) = %d", TS(s), count, TBUFS(bufs, count),
             TINT(sent), flags, TADDR(to, tolen), tolen, TP(ov), TP(routine), r);
    return r;
}

static int WSPAPI t_set_sock_opt(SOCKET s, int level, int opt, const char *val, int len, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPSetSockOpt(s, level, opt, val, len, e);
    SPI_LINE(FAILED_ERR(r), "WSPSetSockOpt(s=0x%llx, level=0x%x, optname=0x%x, optval=0x%llx, "
             "optlen=%d) = %d", TS(s), level, opt, TP(val), len, r);
    return r;
}

static int WSPAPI t_shutdown(SOCKET s, int how, LPINT e)
{
    SPI_ENTER;
    int r = REAL.lpWSPShutdown(s, how, e);
    SPI_LINE(FAILED_ERR(r), "WSPShutdown(s=0x%llx, how=%d) = %d", TS(s), how, r);
    return r;
}

static SOCKET WSPAPI t_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                              DWORD flags, LPINT e)
{
    SPI_ENTER;
    SOCKET r = REAL.lpWSPSocket(af, type, protocol, info, g, flags, e);
    SPI_LINE(r == INVALID_SOCKET ? *e : 0, "WSPSocket(af=%d, type=%d, protocol=%d, "
             "info=0x%llx, group=%u, flags=0x%lx) = 0x%llx", af, type, protocol, TP(info), g,
             flags, TS(r));
    return r;
}

static INT WSPAPI t_string_to_address(LPWSTR text, INT af, LPWSAPROTOCOL_INFOW info,
                                      LPSOCKADDR a, LPINT len, LPINT e)
{
    SPI_ENTER;
    INT r = REAL.lpWSPStringToAddress(text, af, info, a, len, e);
    SPI_LINE(FAILED_ERR(r), "WSPStringToAddress(text=%s, af=%d, address=%s, length=%s) = %d",
             TWSTR(text), af, r ? "-" : TADDRP(a, len), TINT(len), r);
    return r;
}

static const WSPPROC_TABLE spi_thunks = {
    t_accept, t_address_to_string, t_async_select, t_bind, t_cancel_blocking_call, t_cleanup,
    t_close_socket, t_connect, t_duplicate_socket, t_enum_network_events, t_event_select,
    t_get_overlapped_result, t_get_peer_name, t_get_sock_name, t_get_sock_opt,
    t_get_qos_by_name, t_ioctl, t_join_leaf, t_listen, t_recv, t_recv_disconnect, t_recv_from,
    t_select, t_send, t_send_disconnect, t_send_to, t_set_sock_opt, t_shutdown, t_socket,
    t_string_to_address,
};

const WSPPROC_TABLE *trace_spi_table(struct provider *p, const struct catalog_entry *e)
{
    if (!trace_begin())
        return &p->procs;
    spi_current.p = p;
    spi_current.e = e;
    return &spi_thunks;
}
