/*
 * api_connect_by_name.c - WSAConnectByNameW/A: a desktop extension.
 *
 * Resolve a name and service, then connect the socket to each address in
 * turn until one answers, all within the caller's time limit.  Resolution
 * is ws2.dll's own (GetAddrInfoW, addrinfo.c, on the namespace catalog) and each attempt is the
 * socket's provider's WSPConnect, so the connection has the same CE
 * semantics as one made with connect.  With a time limit the socket is made
 * non-blocking for the attempts and blocking again after (Windows documents
 * the call as blocking; an application that had made the socket
 * non-blocking must set it again).
 */
#include "ws2_private.h"
#include <mswsock.h>

/* Time left before deadline (ms), never negative. */
static LONGLONG remaining_ms(ULONGLONG deadline)
{
    ULONGLONG now = GetTickCount64();
    return now >= deadline ? 0 : (LONGLONG)(deadline - now);
}

/* One attempt: 0 when connected, else the Winsock error. */
static int connect_one(struct socket_record *r, const struct sockaddr *to, int tolen,
                       BOOL timed, ULONGLONG deadline)
{
    int err = 0, soerr = 0, len = sizeof(soerr), n;
    fd_set writable, failed;
    struct timeval tv;
    SOCKET s = r->link.handle;

    if (PROVIDER_CALL(r).lpWSPConnect(s, to, tolen, NULL, NULL, NULL, NULL, &err) == 0)
        return 0;
    if (!timed || err != WSAEWOULDBLOCK)
        return err;
    /* non-blocking: wait for the outcome as select reports it */
    LONGLONG left = remaining_ms(deadline);
    tv.tv_sec = (long)(left / 1000);
    tv.tv_usec = (long)(left % 1000) * 1000;
    writable.fd_count = failed.fd_count = 1;
    writable.fd_array[0] = failed.fd_array[0] = s;
    n = PROVIDER_CALL(r).lpWSPSelect(0, NULL, &writable, &failed, &tv, &err);
    if (n == SOCKET_ERROR)
        return err;
    if (n == 0)
        return WSAETIMEDOUT;
    if (failed.fd_count) {
        if (PROVIDER_CALL(r).lpWSPGetSockOpt(s, SOL_SOCKET, SO_ERROR, (char *)&soerr, &len,
                                             &err) == 0 && soerr)
            return soerr;
        return WSAECONNREFUSED;
    }
    return 0;
}

static BOOL connect_by_name(LONGLONG t, const char *api, SOCKET s, const WCHAR *node,
                            const WCHAR *service, LPDWORD local_length, LPSOCKADDR local,
                            LPDWORD remote_length, LPSOCKADDR remote, const struct timeval *timeout,
                            LPWSAOVERLAPPED reserved)
{
    int err = 0, ignored;
    BOOL ok = FALSE, timed = FALSE;
    ADDRINFOW hints, *list = NULL, *ai;
    ULONGLONG deadline = 0;
    struct socket_record *r = NULL;

    /* Windows judges the arguments before the socket: a closed socket with
     * no service is WSAEINVAL, not WSAENOTSOCK */
    if (reserved || !node || !service) {
        err = WSAEINVAL;
        goto done;
    }
    if (!(r = api_enter(s, &err)))
        goto done;
    /* an address is only wanted with its length: Windows ignores (and
     * leaves alone) an address whose length pointer is NULL */
    if (!local_length)
        local = NULL;
    if (!remote_length)
        remote = NULL;
    if ((timeout && !api_readable(timeout, sizeof(*timeout))) ||
        (local && !api_writable(local_length, sizeof(*local_length))) ||
        (remote && !api_writable(remote_length, sizeof(*remote_length)))) {
        err = WSAEFAULT;
        goto done;
    }
    /* addresses of the socket's own family and type */
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = r->entry->info.iAddressFamily;
    hints.ai_socktype = r->entry->info.iSocketType;
    hints.ai_protocol = r->entry->info.iProtocol;
    err = impl_GetAddrInfoW(node, service, &hints, &list);
    if (err)
        goto done;
    if (timeout) {
        u_long on = 1;
        DWORD returned;
        timed = TRUE;
        deadline = GetTickCount64() + (ULONGLONG)timeout->tv_sec * 1000 +
                   ((ULONGLONG)timeout->tv_usec + 999) / 1000;
        if (PROVIDER_CALL(r).lpWSPIoctl(s, FIONBIO, &on, sizeof(on), NULL, 0, &returned, NULL,
                                        NULL, NULL, &err))
            goto done;
    }
    err = WSAEHOSTUNREACH;
    for (ai = list; ai; ai = ai->ai_next) {
        if (timed && !remaining_ms(deadline)) {
            err = WSAETIMEDOUT;
            break;
        }
        err = connect_one(r, ai->ai_addr, (int)ai->ai_addrlen, timed, deadline);
        if (!err)
            break;
    }
    if (timed) {
        u_long off = 0;
        DWORD returned;
        PROVIDER_CALL(r).lpWSPIoctl(s, FIONBIO, &off, sizeof(off), NULL, 0, &returned, NULL, NULL,
                                    NULL, &ignored);
    }
    if (err)
        goto done;
    /* the addresses in use, where the caller has room for them */
    if (remote) {
        if (*remote_length < ai->ai_addrlen) {
            err = WSAEFAULT;
            goto done;
        }
        memcpy(remote, ai->ai_addr, ai->ai_addrlen);
        *remote_length = (DWORD)ai->ai_addrlen;
    }
    if (local) {
        int len = (int)*local_length;
        if (PROVIDER_CALL(r).lpWSPGetSockName(s, local, &len, &err))
            goto done;
        *local_length = (DWORD)len;
    }
    /* as Windows does, so that getsockopt and shutdown see a connected socket */
    PROVIDER_CALL(r).lpWSPSetSockOpt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0, &ignored);
    ok = TRUE;
done:
    if (list)
        impl_FreeAddrInfoW(list);
    TRACE_API(t, r ? r->entry : NULL, ok ? 0 : err, "%s(s=0x%llx, node=%s, service=%s, "
              "timeout=0x%llx) = %s", api, TS(s), TWSTR(node), TWSTR(service), TP(timeout),
              ok ? "TRUE" : "FALSE");
    api_finish(api, s, r, ok ? 0 : SOCKET_ERROR, err);
    return ok;
}

BOOL PASCAL WSAConnectByNameW(SOCKET s, LPWSTR node, LPWSTR service, LPDWORD local_length,
                              LPSOCKADDR local, LPDWORD remote_length, LPSOCKADDR remote,
                              const PTIMEVAL timeout, LPWSAOVERLAPPED reserved)
{
    TRACE_START(t);
    return connect_by_name(t, "WSAConnectByNameW", s, node, service, local_length, local,
                           remote_length, remote, timeout, reserved);
}

/* Text in the ANSI code page, made Unicode (NULL stays NULL). */
static WCHAR *widen(const char *text)
{
    WCHAR *w;
    int n;
    if (!text)
        return NULL;
    n = MultiByteToWideChar(CP_ACP, 0, text, -1, NULL, 0);
    if (n <= 0 || !(w = malloc((size_t)n * sizeof(WCHAR))))
        return NULL;
    MultiByteToWideChar(CP_ACP, 0, text, -1, w, n);
    return w;
}

BOOL PASCAL WSAConnectByNameA(SOCKET s, LPSTR node, LPSTR service, LPDWORD local_length,
                              LPSOCKADDR local, LPDWORD remote_length, LPSOCKADDR remote,
                              const PTIMEVAL timeout, LPWSAOVERLAPPED reserved)
{
    TRACE_START(t);
    WCHAR *wide_node = widen(node), *wide_service = widen(service);
    BOOL ok;

    if ((node && !wide_node) || (service && !wide_service)) {
        free(wide_node);
        free(wide_service);
        SetLastError(WSAENOBUFS);
        return FALSE;
    }
    ok = connect_by_name(t, "WSAConnectByNameA", s, wide_node, wide_service, local_length, local,
                         remote_length, remote, timeout, reserved);
    free(wide_node);
    free(wide_service);
    return ok;
}
