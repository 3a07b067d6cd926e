/*
 * api_common.c - what every export does first, and the per-thread last error.
 */
#include "ws2_private.h"
#include <stdint.h>

#undef WSASetLastError   /* the export itself (ws2_private.h) */

/* Winsock's last error is the thread's Win32 last error, as on CE and desktop. */
int WSAAPI WSAGetLastError(void)
{
    TRACE_START(t);
    int error = (int)GetLastError();
    TRACE_API(t, NULL, 0, "WSAGetLastError() = %d", error);
    return error;
}

void WSAAPI WSASetLastError(int error)
{
    TRACE_START(t);
    TRACE_API(t, NULL, 0, "WSASetLastError(error=%d) = void", error);
    SetLastError((DWORD)error);
}

int api_fail(int err)
{
    SetLastError((DWORD)err);
    return SOCKET_ERROR;
}

/*
 * Applications pass garbage pointers; Winsock answers WSAEFAULT rather than
 * faulting.  The pages are asked about (VirtualQuery), never touched: a
 * probe that reads or writes them (IsBadReadPtr/IsBadWritePtr) can race
 * with another thread using the memory and eats a stack's guard page,
 * after which that stack cannot grow.  The calling thread's own committed
 * stack, the commonest place for small buffers, needs no question.
 */
/* The calling thread's committed stack, from its TIB (gcc 12 misreads the
 * segment-register read in mingw's NtCurrentTeb as an out-of-bounds one). */
static const NT_TIB *this_tib(void)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
    return (const NT_TIB *)NtCurrentTeb();
#pragma GCC diagnostic pop
}

static BOOL memory_allows(const void *p, size_t n, BOOL write)
{
    const NT_TIB *tib = this_tib();
    const char *at = p, *end;
    MEMORY_BASIC_INFORMATION info;

    if (!p)
        return FALSE;
    if (!n)
        return TRUE;
    if ((uintptr_t)at + n < (uintptr_t)at)
        return FALSE;
    end = at + n;
    if (at >= (const char *)tib->StackLimit && end <= (const char *)tib->StackBase)
        return TRUE;
    while (at < end) {
        DWORD prot;
        if (!VirtualQuery(at, &info, sizeof(info)) || info.State != MEM_COMMIT)
            return FALSE;
        prot = info.Protect;
        if (prot & (PAGE_GUARD | PAGE_NOACCESS))
            return FALSE;
        if (write ? !(prot & (PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE |
                              PAGE_EXECUTE_WRITECOPY))
                  : !(prot & (PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
                              PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY)))
            return FALSE;
        at = (const char *)info.BaseAddress + info.RegionSize;
    }
    return TRUE;
}

BOOL api_readable(const void *p, size_t n)
{
    return memory_allows(p, n, FALSE);
}

BOOL api_writable(void *p, size_t n)
{
    return memory_allows(p, n, TRUE);
}

struct socket_record *api_enter(SOCKET s, int *err)
{
    struct socket_record *r;

    if (!process_started()) {
        *err = WSANOTINITIALISED;
        return NULL;
    }
    r = socket_table_lookup(s);
    if (!r)
        *err = WSAENOTSOCK;
    return r;
}

/* Windows (and Wine) clear the last error when a call succeeds, and programs
 * written against them read WSAGetLastError() after a success; so do we. */
int api_finish(const char *api, SOCKET s, struct socket_record *r, int result, int err)
{
    (void)api; (void)s;
    if (r)
        socket_record_dereference(r);
    SetLastError(result == SOCKET_ERROR ? (DWORD)err : 0);
    return result;
}

/* The shortest address the socket's protocol accepts (its catalog entry says). */
int api_min_address(const struct socket_record *r)
{
    int min = r->entry->info.iMinSockAddr;
    return min > (int)sizeof(u_short) ? min : (int)sizeof(u_short);
}

/* An A form's text argument made Unicode for the W form it calls. */
WCHAR *api_widen(const char *text, int unconvertible, int *err)
{
    int n;
    WCHAR *w;
    if (!text || *err)
        return NULL;
    if (!api_readable(text, 1)) { *err = WSAEFAULT; return NULL; }
    n = MultiByteToWideChar(CP_ACP, 0, text, -1, NULL, 0);
    w = n > 0 ? HeapAlloc(GetProcessHeap(), 0, (size_t)n * sizeof(WCHAR)) : NULL;
    if (!w) { *err = n > 0 ? WSA_NOT_ENOUGH_MEMORY : unconvertible; return NULL; }
    MultiByteToWideChar(CP_ACP, 0, text, -1, w, n);
    return w;
}
