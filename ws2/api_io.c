/*
 * api_io.c - data transfer: send/recv and their WSA, datagram and overlapped forms.
 *
 * Buffers are checked here so that every provider can trust them; an
 * overlapped call that names a completion routine also gets the calling
 * thread's WSATHREADID, which a provider needs to queue that routine back
 * to this thread with WPUQueueApc.
 */
#include "ws2_private.h"
#include <stdint.h>

/* The thread's WSATHREADID in a thread_slot block: opened at its first call
 * with a completion routine, closed when the thread exits (the slot's
 * release, run from DllMain's DLL_THREAD_DETACH; as a __thread variable it
 * was read there after emulated TLS had freed it). */
static void close_thread_id(void *block)
{
    WSATHREADID *id = block;
    int err;
    if (id->ThreadHandle)
        upcall_table.lpWPUCloseThread(id, &err);
}

static struct thread_slot this_thread = THREAD_SLOT_BLOCK(sizeof(WSATHREADID), close_thread_id);

/* Handed on when the thread's block cannot be made: no handle, as when
 * WPUOpenCurrentThread fails, so a provider's WPUQueueApc on it fails with
 * an error instead of dereferencing NULL.  Nothing ever writes to it. */
static WSATHREADID no_thread;

LPWSATHREADID api_calling_thread(LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    WSATHREADID *id;
    int err;
    if (!routine)
        return NULL;
    if (!(id = thread_slot_block(&this_thread)))
        return &no_thread;
    if (!id->ThreadHandle)
        upcall_table.lpWPUOpenCurrentThread(id, &err);
    return id;
}

/* Every buffer the application names; a zero-length one may have any
 * pointer (recv(s, NULL, 0, 0) is a valid call).  On 32-bit builds the
 * array's size is checked before it can wrap. */
static BOOL buffers_ok(LPWSABUF buffers, DWORD count, BOOL for_writing)
{
    DWORD i;
#if SIZE_MAX <= 0xFFFFFFFFu
    if (count > SIZE_MAX / sizeof(WSABUF))
        return FALSE;
#endif
    if (!api_readable(buffers, (size_t)count * sizeof(WSABUF)))
        return FALSE;
    for (i = 0; i < count; i++) {
        if (!buffers[i].len)
            continue;
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

/*
 * The four transfers, shared by the WSA and BSD forms: each returns the
 * provider's result with *rec still referenced (or NULL) and *err set, so
 * that the export can write its trace line before api_finish.
 */
static int send_core(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD sent, DWORD flags,
                     LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                     struct socket_record **rec, int *err)
{
    int result = SOCKET_ERROR;
    struct socket_record *r = *rec = api_enter(s, err);

    if (r) {
        if (!buffers_ok(buffers, count, FALSE) || !overlapped_ok(ov, sent))
            *err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPSend(s, buffers, count, sent, flags, ov, routine,
                                                api_calling_thread(routine), err);
    }
    return result;
}

static int send_to_core(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD sent, DWORD flags,
                        const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, struct socket_record **rec,
                        int *err)
{
    int result = SOCKET_ERROR;
    struct socket_record *r = *rec = api_enter(s, err);

    if (r) {
        if (!buffers_ok(buffers, count, FALSE) || !overlapped_ok(ov, sent) ||
            (to && (tolen < api_min_address(r) || !api_readable(to, (size_t)tolen))))
            *err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPSendTo(s, buffers, count, sent, flags, to, tolen, ov,
                                                  routine, api_calling_thread(routine), err);
    }
    return result;
}

static int recv_core(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD received, LPDWORD flags,
                     LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                     struct socket_record **rec, int *err)
{
    int result = SOCKET_ERROR;
    struct socket_record *r = *rec = api_enter(s, err);

    if (r) {
        if (!buffers_ok(buffers, count, TRUE) || !overlapped_ok(ov, received) ||
            !api_writable(flags, sizeof(*flags)))
            *err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPRecv(s, buffers, count, received, flags, ov, routine,
                                                api_calling_thread(routine), err);
    }
    return result;
}

static int recv_from_core(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD received,
                          LPDWORD flags, struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, struct socket_record **rec,
                          int *err)
{
    int result = SOCKET_ERROR;
    struct socket_record *r = *rec = api_enter(s, err);

    if (r) {
        /* A connection-oriented socket ignores from and fromlen (Microsoft's
         * WSARecvFrom page): they are neither checked nor handed on, so an
         * uninitialised fromlen there is no error. */
        if (!(r->entry->info.dwServiceFlags1 & XP1_CONNECTIONLESS))
            from = NULL, fromlen = NULL;
        if (!buffers_ok(buffers, count, TRUE) || !overlapped_ok(ov, received) ||
            !api_writable(flags, sizeof(*flags)) ||
            (from && (!api_writable(fromlen, sizeof(*fromlen)) || *fromlen < api_min_address(r) ||
                      !api_writable(from, (size_t)*fromlen))))
            *err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPRecvFrom(s, buffers, count, received, flags, from,
                                                    fromlen, ov, routine, api_calling_thread(routine),
                                                    err);
    }
    return result;
}

#define VIA(r) ((r) ? (r)->entry : NULL)

int WSAAPI WSASend(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD sent, DWORD flags,
                   LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    TRACE_START(t);
    struct socket_record *r;
    int err = 0, result = send_core(s, buffers, count, sent, flags, ov, routine, &r, &err);

    TRACE_API(t, VIA(r), result ? err : 0, "WSASend(s=0x%llx, buffers=0x%llx, count=%lu, len=%s, "
              "sent=%s, flags=0x%lx, ov=0x%llx, routine=0x%llx) = %d", TS(s), TP(buffers), count,
              TBUFS(buffers, count), TINT(sent), flags, TP(ov), TP(routine), result);
    return api_finish("WSASend", s, r, result, err);
}

int WSAAPI WSASendTo(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD sent, DWORD flags,
                     const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    TRACE_START(t);
    struct socket_record *r;
    int err = 0, result = send_to_core(s, buffers, count, sent, flags, to, tolen, ov, routine, &r,
                                       &err);

    TRACE_API(t, VIA(r), result ? err : 0, "WSASendTo(s=0x%llx, buffers=0x%llx, count=%lu, "
              "len=%s, sent=%s, flags=0x%lx, to=%s, tolen=%d, ov=0x%llx, routine=0x%llx) = %d",
              TS(s), TP(buffers), count, TBUFS(buffers, count), TINT(sent), flags, TADDR(to, tolen),
              tolen, TP(ov), TP(routine), result);
    return api_finish("WSASendTo", s, r, result, err);
}

int WSAAPI WSARecv(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD received, LPDWORD flags,
                   LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    TRACE_START(t);
    struct socket_record *r;
    int err = 0, result = recv_core(s, buffers, count, received, flags, ov, routine, &r, &err);

    TRACE_API(t, VIA(r), result ? err : 0, "WSARecv(s=0x%llx, buffers=0x%llx, count=%lu, len=%s, "
              "received=%s, flags=%s, ov=0x%llx, routine=0x%llx) = %d", TS(s), TP(buffers), count,
              TBUFS(buffers, count), TINT(received), TINT(flags), TP(ov), TP(routine), result);
    return api_finish("WSARecv", s, r, result, err);
}

int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD received,
                       LPDWORD flags, struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    TRACE_START(t);
    struct socket_record *r;
    int err = 0, result = recv_from_core(s, buffers, count, received, flags, from, fromlen, ov,
                                         routine, &r, &err);

    TRACE_API(t, VIA(r), result ? err : 0, "WSARecvFrom(s=0x%llx, buffers=0x%llx, count=%lu, "
              "len=%s, received=%s, flags=%s, from=%s, fromlen=%s, ov=0x%llx, routine=0x%llx) = %d",
              TS(s), TP(buffers), count, TBUFS(buffers, count), TINT(received), TINT(flags),
              result || ov ? TP(from) ? "-" : "NULL" : TADDRP(from, fromlen), TINT(fromlen),
              TP(ov), TP(routine), result);
    return api_finish("WSARecvFrom", s, r, result, err);
}

/* The BSD-style calls are one-buffer, non-overlapped forms of the above. */
int WSAAPI send(SOCKET s, const char *buf, int len, int flags)
{
    TRACE_START(t);
    WSABUF b = { (ULONG)len, (char *)buf };
    DWORD sent = 0;
    struct socket_record *r = NULL;
    int err, result;

    if (len < 0) {
        err = process_started() ? WSAEFAULT : WSANOTINITIALISED;
        result = SOCKET_ERROR;
    } else {
        result = send_core(s, &b, 1, &sent, (DWORD)flags, NULL, NULL, &r, &err);
        if (result == 0)
            result = (int)sent;
    }
    TRACE_API(t, VIA(r), result == SOCKET_ERROR ? err : 0, "send(s=0x%llx, buf=0x%llx, len=%d, "
              "flags=0x%x) = %d", TS(s), TP(buf), len, flags, result);
    return api_finish("send", s, r, result, err);
}

int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to,
                  int tolen)
{
    TRACE_START(t);
    WSABUF b = { (ULONG)len, (char *)buf };
    DWORD sent = 0;
    struct socket_record *r = NULL;
    int err, result;

    if (len < 0) {
        err = process_started() ? WSAEFAULT : WSANOTINITIALISED;
        result = SOCKET_ERROR;
    } else {
        result = send_to_core(s, &b, 1, &sent, (DWORD)flags, to, tolen, NULL, NULL, &r, &err);
        if (result == 0)
            result = (int)sent;
    }
    TRACE_API(t, VIA(r), result == SOCKET_ERROR ? err : 0, "sendto(s=0x%llx, buf=0x%llx, len=%d, "
              "flags=0x%x, to=%s, tolen=%d) = %d", TS(s), TP(buf), len, flags, TADDR(to, tolen),
              tolen, result);
    return api_finish("sendto", s, r, result, err);
}

int WSAAPI recv(SOCKET s, char *buf, int len, int flags)
{
    TRACE_START(t);
    WSABUF b = { (ULONG)len, buf };
    DWORD received = 0, f = (DWORD)flags;
    struct socket_record *r = NULL;
    int err, result;

    if (len < 0) {
        err = process_started() ? WSAEFAULT : WSANOTINITIALISED;
        result = SOCKET_ERROR;
    } else {
        result = recv_core(s, &b, 1, &received, &f, NULL, NULL, &r, &err);
        if (result == 0)
            result = (int)received;
    }
    TRACE_API(t, VIA(r), result == SOCKET_ERROR ? err : 0, "recv(s=0x%llx, buf=0x%llx, len=%d, "
              "flags=0x%x) = %d", TS(s), TP(buf), len, flags, result);
    return api_finish("recv", s, r, result, err);
}

int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from,
                    int *fromlen)
{
    TRACE_START(t);
    WSABUF b = { (ULONG)len, buf };
    DWORD received = 0, f = (DWORD)flags;
    struct socket_record *r = NULL;
    int err, result;

    if (len < 0) {
        err = process_started() ? WSAEFAULT : WSANOTINITIALISED;
        result = SOCKET_ERROR;
    } else {
        result = recv_from_core(s, &b, 1, &received, &f, from, fromlen, NULL, NULL, &r, &err);
        if (result == 0)
            result = (int)received;
    }
    TRACE_API(t, VIA(r), result == SOCKET_ERROR ? err : 0, "recvfrom(s=0x%llx, buf=0x%llx, "
              "len=%d, flags=0x%x, from=%s, fromlen=%s) = %d", TS(s), TP(buf), len, flags,
              result == SOCKET_ERROR ? TP(from) ? "-" : "NULL" : TADDRP(from, fromlen),
              TINT(fromlen), result);
    return api_finish("recvfrom", s, r, result, err);
}

BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD transferred,
                                   BOOL wait, LPDWORD flags)
{
    TRACE_START(t);
    int err = 0;
    BOOL ok = FALSE;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        /* flags may be NULL (Windows accepts it): the provider gets a place anyway */
        DWORD ignored_flags = 0;
        if (!api_writable(ov, sizeof(*ov)) || !api_writable(transferred, sizeof(*transferred)) ||
            (flags && !api_writable(flags, sizeof(*flags))))
            err = WSAEFAULT;
        else
            ok = PROVIDER_CALL(r).lpWSPGetOverlappedResult(s, ov, transferred, wait,
                                                           flags ? flags : &ignored_flags, &err);
    }
    TRACE_API(t, VIA(r), ok ? 0 : err, "WSAGetOverlappedResult(s=0x%llx, ov=0x%llx, "
              "transferred=%s, wait=%d, flags=%s) = %s", TS(s), TP(ov), TINT(transferred), wait,
              TINT(flags), ok ? "TRUE" : "FALSE");
    api_finish("WSAGetOverlappedResult", s, r, ok ? 0 : SOCKET_ERROR, err);
    return ok;
}
