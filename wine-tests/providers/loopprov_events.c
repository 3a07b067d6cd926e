/*
 * loopprov_events.c - event select, async select, select, socket options and ioctls (loopprov.dll: loopprov_internal.h).
 */
#include "loopprov_internal.h"

int WSPAPI lp_eventselect(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    if (!ls)
        return SOCKET_ERROR;
    EnterCriticalSection(&loop_lock);
    ls->hwnd = NULL;
    ls->async_mask = 0;
    ls->select_event = event;
    ls->select_mask = event ? events : 0;
    ls->recorded = 0;
    if (ls->q_head)
        record_read(ls);
    LeaveCriticalSection(&loop_lock);
    put_socket(ls);
    return 0;
}

int WSPAPI lp_enumnetworkevents(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS out,
                                       LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    int e;
    if (!ls)
        return SOCKET_ERROR;
    memset(out, 0, sizeof(*out));
    EnterCriticalSection(&loop_lock);
    out->lNetworkEvents = ls->recorded & ls->select_mask;
    ls->recorded = 0;
    if (event)
        loop_up.lpWPUResetEvent(event, &e);
    LeaveCriticalSection(&loop_lock);
    put_socket(ls);
    return 0;
}

int WSPAPI lp_asyncselect(SOCKET s, HWND hwnd, unsigned int msg, __LONG32 events,
                                 LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    if (!ls)
        return SOCKET_ERROR;
    EnterCriticalSection(&loop_lock);
    ls->select_event = NULL;
    ls->select_mask = 0;
    ls->hwnd = hwnd;
    ls->msg = msg;
    ls->async_mask = hwnd ? events : 0;
    if (ls->q_head)
        record_read(ls);
    LeaveCriticalSection(&loop_lock);
    put_socket(ls);
    return 0;
}

int WSPAPI lp_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                            const PTIMEVAL timeout, LPINT err)
{
    fd_set in_r, in_w, out_r, out_w;
    fd_set *sets[3] = { readfds, writefds, exceptfds };
    DWORD start = GetTickCount(), limit = INFINITE;
    LPBLOCKINGCALLBACK callback = NULL;
    DWORD_PTR callback_context = 0;
    int k, count;
    u_int i;
    (void)nfds;

    /* every handle must be one of this provider's */
    for (k = 0; k < 3; k++)
        for (i = 0; sets[k] && i < sets[k]->fd_count; i++) {
            struct lsock *ls = get_socket(sets[k]->fd_array[i], err);
            if (!ls)
                return SOCKET_ERROR;
            put_socket(ls);
        }
    FD_ZERO(&in_r);
    FD_ZERO(&in_w);
    if (readfds) in_r = *readfds;
    if (writefds) in_w = *writefds;
    if (timeout)
        limit = (DWORD)timeout->tv_sec * 1000 + (DWORD)timeout->tv_usec / 1000;
    if (loop_up.lpWPUQueryBlockingCallback(loop_catalog_id, &callback, &callback_context, err))
        callback = NULL;
    for (;;) {
        struct lsock *ls;
        FD_ZERO(&out_r);
        FD_ZERO(&out_w);
        count = 0;
        EnterCriticalSection(&loop_lock);
        for (ls = loop_sockets; ls; ls = ls->next) {
            if (ls->q_head && loop_up.lpWPUFDIsSet(ls->handle, &in_r)) {
                out_r.fd_array[out_r.fd_count++] = ls->handle;
                count++;
            }
            if (loop_up.lpWPUFDIsSet(ls->handle, &in_w)) {
                out_w.fd_array[out_w.fd_count++] = ls->handle;
                count++;
            }
        }
        LeaveCriticalSection(&loop_lock);
        if (count || (limit != INFINITE && GetTickCount() - start >= limit))
            break;
        if (callback && !callback(callback_context)) {
            *err = WSAEINTR;
            return SOCKET_ERROR;
        }
        Sleep(5);
    }
    if (readfds) *readfds = out_r;
    if (writefds) *writefds = out_w;
    if (exceptfds) FD_ZERO(exceptfds);
    return count;
}

int WSPAPI lp_getsockopt(SOCKET s, int level, int optname, char *optval, LPINT optlen,
                                LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    int e = 0;

    if (!ls)
        return SOCKET_ERROR;
    if (level == LOOPPROV_SOL && optname == LOOPPROV_SO_PROVIDER_PATH) {
        WCHAR path[MAX_PATH];
        int len = MAX_PATH;
        if (loop_up.lpWPUGetProviderPath(&loop_provider_guid, path, &len, &e) == 0) {
            int size = (int)((wcslen(path) + 1) * sizeof(WCHAR));
            if (*optlen < size) {
                e = WSAEFAULT;
            } else {
                memcpy(optval, path, size);
                *optlen = size;
            }
        }
    } else if (level == SOL_SOCKET && optname == SO_TYPE && *optlen >= (int)sizeof(int)) {
        *(int *)optval = SOCK_DGRAM;
        *optlen = sizeof(int);
    } else if (level == SOL_SOCKET && optname == SO_RCVTIMEO && *optlen >= (int)sizeof(DWORD)) {
        *(DWORD *)optval = ls->rcvtimeo;
        *optlen = sizeof(DWORD);
    } else if (level == SOL_SOCKET && (optname == SO_TYPE || optname == SO_RCVTIMEO)) {
        e = WSAEFAULT;
    } else {
        e = WSAENOPROTOOPT;
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}

int WSPAPI lp_setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen,
                                LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    int e = 0;

    if (!ls)
        return SOCKET_ERROR;
    if (level == SOL_SOCKET && optname == SO_RCVTIMEO) {
        if (optlen < (int)sizeof(DWORD))
            e = WSAEFAULT;
        else
            ls->rcvtimeo = *(const DWORD *)optval;
    } else {
        e = WSAENOPROTOOPT;
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}

int WSPAPI lp_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out,
                           DWORD out_len, LPDWORD returned, LPWSAOVERLAPPED ov,
                           LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                           LPINT err)
{
    struct lsock *ls = get_socket(s, err);
    int e = 0;
    (void)ov; (void)routine; (void)thread;

    if (!ls)
        return SOCKET_ERROR;
    if (returned)
        *returned = 0;
    if (code == (DWORD)FIONBIO) {
        if (in_len < sizeof(u_long)) e = WSAEFAULT;
        else ls->nonblocking = *(u_long *)in != 0;
    } else if (code == (DWORD)FIONREAD) {
        if (out_len < sizeof(u_long)) {
            e = WSAEFAULT;
        } else {
            EnterCriticalSection(&loop_lock);
            *(u_long *)out = ls->q_head ? ls->q_head->len : 0;
            LeaveCriticalSection(&loop_lock);
            if (returned) *returned = sizeof(u_long);
        }
    } else if (code == SIO_LOOPPROV_QUERY_CONTEXT) {
        if (in_len < sizeof(SOCKET) || out_len < sizeof(INT)) {
            e = WSAEFAULT;
        } else {
            SOCKET other = *(SOCKET *)in;
            DWORD_PTR context = 0;
            int result = 0;
            if (loop_up.lpWPUQuerySocketHandleContext(other, &context, &result) == 0) {
                struct lsock *x;
                EnterCriticalSection(&loop_lock);
                for (x = loop_sockets; x && (DWORD_PTR)x != context; x = x->next)
                    ;
                LeaveCriticalSection(&loop_lock);
                result = (other == s ? context == (DWORD_PTR)ls : x != NULL) ? 0 : WSAEINVAL;
            }
            *(INT *)out = result;
            if (returned) *returned = sizeof(INT);
        }
    } else if (code == SIO_LOOPPROV_ASYNC_SELECT) {
        if (in_len < sizeof(struct loopprov_async_select)) {
            e = WSAEFAULT;
        } else {
            const struct loopprov_async_select *a = in;
            put_socket(ls);
            return lp_asyncselect(s, a->hwnd, a->msg, a->events, err);
        }
    } else {
        e = WSAEOPNOTSUPP;
    }
    put_socket(ls);
    if (e) { *err = e; return SOCKET_ERROR; }
    return 0;
}
