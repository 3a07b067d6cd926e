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
