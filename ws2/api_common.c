/*
 * api_common.c - what every export does first, and the per-thread last error.
 */
#include "ws2_private.h"

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
 * faulting.  IsBad*Ptr probe the pages with structured exception handling.
 */
BOOL api_readable(const void *p, size_t n)
{
    return p && (n == 0 || !IsBadReadPtr(p, n));
}

BOOL api_writable(void *p, size_t n)
{
    return p && (n == 0 || !IsBadWritePtr(p, n));
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
