/*
 * api_common.c - what every export does first, and the per-thread last error.
 */
#include "ws2_private.h"

/* Winsock's last error is the thread's Win32 last error, as on CE and desktop. */
int WSAAPI WSAGetLastError(void)
{
    return (int)GetLastError();
}

void WSAAPI WSASetLastError(int error)
{
    SetLastError((DWORD)error);
}

int api_fail(int err)
{
    WSASetLastError(err);
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

int api_finish(const char *api, SOCKET s, struct socket_record *r, int result, int err)
{
    trace_call(api, s, r, result, result == SOCKET_ERROR ? err : 0);
    if (r)
        socket_record_dereference(r);
    if (result == SOCKET_ERROR)
        WSASetLastError(err);
    return result;
}

/* The shortest address the socket's protocol accepts (its catalog entry says). */
int api_min_address(const struct socket_record *r)
{
    int min = r->entry->info.iMinSockAddr;
    return min > (int)sizeof(u_short) ? min : (int)sizeof(u_short);
}
