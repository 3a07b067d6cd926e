/*
 * api_io.c - data transfer: send/recv and their WSA, datagram and overlapped forms.
 *
 * Buffers are checked here so that every provider can trust them; an
 * overlapped call that names a completion routine also gets the calling
 * thread's WSATHREADID, which a provider needs to queue that routine back
 * to this thread with WPUQueueApc.
 */
#include "ws2_private.h"

static __thread WSATHREADID this_thread;

/* The thread's WSATHREADID, opened once per thread and closed when it exits. */
LPWSATHREADID api_calling_thread(LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    int err;
    if (!routine)
        return NULL;
    if (!this_thread.ThreadHandle)
        upcall_table.lpWPUOpenCurrentThread(&this_thread, &err);
    return &this_thread;
}

void api_io_thread_exit(void)
{
    int err;
    if (this_thread.ThreadHandle)
        upcall_table.lpWPUCloseThread(&this_thread, &err);
}

static BOOL buffers_ok(LPWSABUF buffers, DWORD count, BOOL for_writing)
{
    DWORD i;
    if (!api_readable(buffers, (size_t)count * sizeof(WSABUF)))
        return FALSE;
    for (i = 0; i < count; i++) {
        if (for_writing ? !api_writable(buffers[i].buf, buffers[i].len)
                        : !api_readable(buffers[i].buf, buffers[i].len))
            return FALSE;
    }
    return TRUE;
}

static BOOL overlapped_ok(LPWSAOVERLAPPED ov, LPDWORD count)
{
    if (ov)
        return api_writable(ov, sizeof(*ov)) && (!count || api_writable(count, sizeof(*count)));
    return api_writable(count, sizeof(*count));
}

int WSAAPI WSASend(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD sent, DWORD flags,
                   LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!buffers_ok(buffers, count, FALSE) || !overlapped_ok(ov, sent))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPSend(s, buffers, count, sent, flags, ov, routine,
                                                api_calling_thread(routine), &err);
    }
    return api_finish("WSASend", s, r, result, err);
}

int WSAAPI WSASendTo(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD sent, DWORD flags,
                     const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!buffers_ok(buffers, count, FALSE) || !overlapped_ok(ov, sent) ||
            (to && (tolen < api_min_address(r) || !api_readable(to, (size_t)tolen))))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPSendTo(s, buffers, count, sent, flags, to, tolen, ov,
                                                  routine, api_calling_thread(routine), &err);
    }
    return api_finish("WSASendTo", s, r, result, err);
}

int WSAAPI WSARecv(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD received, LPDWORD flags,
                   LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!buffers_ok(buffers, count, TRUE) || !overlapped_ok(ov, received) ||
            !api_writable(flags, sizeof(*flags)))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPRecv(s, buffers, count, received, flags, ov, routine,
                                                api_calling_thread(routine), &err);
    }
    return api_finish("WSARecv", s, r, result, err);
}

int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD received,
                       LPDWORD flags, struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!buffers_ok(buffers, count, TRUE) || !overlapped_ok(ov, received) ||
            !api_writable(flags, sizeof(*flags)) ||
            (from && (!api_writable(fromlen, sizeof(*fromlen)) || *fromlen < api_min_address(r) ||
                      !api_writable(from, (size_t)*fromlen))))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPRecvFrom(s, buffers, count, received, flags, from,
                                                    fromlen, ov, routine, api_calling_thread(routine),
                                                    &err);
    }
    return api_finish("WSARecvFrom", s, r, result, err);
}

/* The BSD-style calls are one-buffer, non-overlapped forms of the above. */
int WSAAPI send(SOCKET s, const char *buf, int len, int flags)
{
    WSABUF b = { (ULONG)len, (char *)buf };
    DWORD sent = 0;
    if (len < 0)
        return api_fail(process_started() ? WSAEFAULT : WSANOTINITIALISED);
    if (WSASend(s, &b, 1, &sent, (DWORD)flags, NULL, NULL) == SOCKET_ERROR)
        return SOCKET_ERROR;
    return (int)sent;
}

int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to,
                  int tolen)
{
    WSABUF b = { (ULONG)len, (char *)buf };
    DWORD sent = 0;
    if (len < 0)
        return api_fail(process_started() ? WSAEFAULT : WSANOTINITIALISED);
    if (WSASendTo(s, &b, 1, &sent, (DWORD)flags, to, tolen, NULL, NULL) == SOCKET_ERROR)
        return SOCKET_ERROR;
    return (int)sent;
}

int WSAAPI recv(SOCKET s, char *buf, int len, int flags)
{
    WSABUF b = { (ULONG)len, buf };
    DWORD received = 0, f = (DWORD)flags;
    if (len < 0)
        return api_fail(process_started() ? WSAEFAULT : WSANOTINITIALISED);
    if (WSARecv(s, &b, 1, &received, &f, NULL, NULL) == SOCKET_ERROR)
        return SOCKET_ERROR;
    return (int)received;
}

int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from,
                    int *fromlen)
{
    WSABUF b = { (ULONG)len, buf };
    DWORD received = 0, f = (DWORD)flags;
    if (len < 0)
        return api_fail(process_started() ? WSAEFAULT : WSANOTINITIALISED);
    if (WSARecvFrom(s, &b, 1, &received, &f, from, fromlen, NULL, NULL) == SOCKET_ERROR)
        return SOCKET_ERROR;
    return (int)received;
}

BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD transferred,
                                   BOOL wait, LPDWORD flags)
{
    int err = 0;
    BOOL ok = FALSE;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_writable(ov, sizeof(*ov)) || !api_writable(transferred, sizeof(*transferred)) ||
            !api_writable(flags, sizeof(*flags)))
            err = WSAEFAULT;
        else
            ok = PROVIDER_CALL(r).lpWSPGetOverlappedResult(s, ov, transferred, wait, flags, &err);
    }
    api_finish("WSAGetOverlappedResult", s, r, ok ? 0 : SOCKET_ERROR, err);
    return ok;
}
