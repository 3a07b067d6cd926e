/*
 * diag.c - diagnostics and the call trace.
 *
 * Diagnostics say why a provider or registration was skipped: always to the
 * debugger (OutputDebugString), and to standard error when CEWS2_DIAG=1.
 * The trace (CEWS2_TRACE=<file>) logs each API call with the provider that
 * served it, so a user can see that a socket went through the stack.
 */
#include "ws2_private.h"
#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

static INIT_ONCE settings_once = INIT_ONCE_STATIC_INIT;
static BOOL diag_to_stderr;
static HANDLE trace_file = INVALID_HANDLE_VALUE;
static SRWLOCK trace_lock = SRWLOCK_INIT;

static BOOL CALLBACK read_settings(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    WCHAR value[MAX_PATH];
    (void)once; (void)param; (void)ctx;
    if (GetEnvironmentVariableW(L"CEWS2_DIAG", value, ARRAYSIZE(value)) && value[0] == L'1')
        diag_to_stderr = TRUE;
    if (GetEnvironmentVariableW(L"CEWS2_TRACE", value, ARRAYSIZE(value)) && value[0])
        trace_file = CreateFileW(value, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                 NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    return TRUE;
}

static void write_utf8(HANDLE h, const WCHAR *text)
{
    char buf[1024];
    DWORD done;
    int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, sizeof(buf) - 1, NULL, NULL);
    if (n > 0 && h != INVALID_HANDLE_VALUE && h)
        WriteFile(h, buf, n - 1, &done, NULL);
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
    OutputDebugStringW(text);
    if (diag_to_stderr)
        write_utf8(GetStdHandle(STD_ERROR_HANDLE), text);
}

void trace_call(const char *api, SOCKET s, const struct socket_record *r, int result, int error)
{
    WCHAR line[400];

    InitOnceExecuteOnce(&settings_once, read_settings, NULL, NULL);
    if (trace_file == INVALID_HANDLE_VALUE)
        return;
    _snwprintf(line, ARRAYSIZE(line) - 1, L"%lu %hs(0x%Ix) -> %d err=%d via %ls [entry %lu, %ls]\n",
               GetCurrentThreadId(), api, (ULONG_PTR)s, result, error,
               r ? r->entry->info.szProtocol : L"-", r ? r->entry->info.dwCatalogEntryId : 0,
               r ? r->entry->dll : L"-");
    line[ARRAYSIZE(line) - 1] = 0;
    AcquireSRWLockExclusive(&trace_lock);
    write_utf8(trace_file, line);
    ReleaseSRWLockExclusive(&trace_lock);
}
