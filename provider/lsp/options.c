/*
 * options.c - socket options and ioctls that celsp keeps or watches.
 *
 * Linger settings are kept here (linger.c); FIONBIO is watched, because a
 * socket's blocking mode picks its row of the linger table; everything
 * else belongs to the provider below.
 */
#include "celsp.h"
#include "../common/protocol_info_text.h"
#include <mswsock.h>

static BOOL celsp_option(int level, int optname)
{
    return level == SOL_SOCKET &&
           (optname == SO_LINGER || optname == SO_DONTLINGER || optname == SO_CEWS_LINGER_NOTE);
}

int WSPAPI lsp_set_sock_opt(SOCKET s, int level, int optname, const char *value, int length,
                            LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    int result;

    if (!so)
        return SOCKET_ERROR;
    if (celsp_option(level, optname)) {
        *err = linger_set(so, optname, value, length);
        result = *err ? SOCKET_ERROR : 0;
    } else {
        result = so->lower->procs.lpWSPSetSockOpt(s, level, optname, value, length, err);
    }
    socket_context_dereference(so);
    return result;
}

/*
 * A socket of ours is described by our chain entry, not by the entry of the
 * provider below: that is the entry the application opened it through.
 * As on Windows, a short buffer fails with WSAEFAULT and is told the size
 * it needs in *length; a big enough one keeps its *length (Windows leaves
 * it alone when the call succeeds, even for a larger buffer).
 */
static int describe_socket(struct lsp_socket *so, int optname, char *value, int *length)
{
    int needed = optname == SO_PROTOCOL_INFOW ? (int)sizeof(WSAPROTOCOL_INFOW)
                                              : (int)sizeof(WSAPROTOCOL_INFOA);
    WSAPROTOCOL_INFOW info;

    if (!length)
        return WSAEFAULT;
    if (*length < needed) {
        *length = needed;
        return WSAEFAULT;
    }
    if (!value)
        return WSAEFAULT;
    if (!chain_info(so->catalog_id, &info))
        return WSAENOPROTOOPT;
    if (optname == SO_PROTOCOL_INFOW) {
        memcpy(value, &info, sizeof(info));
    } else {
        WSAPROTOCOL_INFOA narrow;
        protocol_info_narrow(&info, &narrow);
        memcpy(value, &narrow, sizeof(narrow));
    }
    return 0;
}

int WSPAPI lsp_get_sock_opt(SOCKET s, int level, int optname, char *value, int *length,
                            LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    int result;

    if (!so)
        return SOCKET_ERROR;
    if (celsp_option(level, optname)) {
        *err = linger_get(so, optname, value, length);
        result = *err ? SOCKET_ERROR : 0;
    } else if (level == SOL_SOCKET &&
               (optname == SO_PROTOCOL_INFOW || optname == SO_PROTOCOL_INFOA)) {
        *err = describe_socket(so, optname, value, length);
        result = *err ? SOCKET_ERROR : 0;
    } else {
        result = so->lower->procs.lpWSPGetSockOpt(s, level, optname, value, length, err);
    }
    socket_context_dereference(so);
    return result;
}

/*
 * Whether an ioctl may leave something pending that closesocket must
 * cancel: any overlapped one, and any not known to answer at once (the
 * change notifications block until a change).  The ones that answer at
 * once (FIONBIO above all, which nearly every server calls) do not make
 * closesocket cancel, which matters when another handle refers to the
 * same socket: a cancel is by socket, and would abort its operations.
 */
static BOOL ioctl_may_pend(DWORD code, LPWSAOVERLAPPED ov)
{
    if (ov)
        return TRUE;
    switch (code) {
    case FIONBIO:
    case FIONREAD:
    case SIOCATMARK:
    case SIO_GET_EXTENSION_FUNCTION_POINTER:
    case SIO_BASE_HANDLE:
    case SIO_ADDRESS_LIST_QUERY:
    case SIO_ROUTING_INTERFACE_QUERY:
    case SIO_GET_INTERFACE_LIST:
    case SIO_KEEPALIVE_VALS:
    case SIO_CEWS_SEND_BACKLOG:
    case SIO_CEWS_LINGER_MECHANISM:
    case SIO_CEWS_POLL_STATE:
        return FALSE;
    default:
        return TRUE;
    }
}

int WSPAPI lsp_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out, DWORD out_len,
                     LPDWORD returned, LPWSAOVERLAPPED ov,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                     LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    int result;

    if (!so)
        return SOCKET_ERROR;
    if (ioctl_may_pend(code, ov))
        note_io(so);
    result = so->lower->procs.lpWSPIoctl(s, code, in, in_len, out, out_len, returned, ov,
                                         routine, thread, err);
    /* AcceptEx, ConnectEx...: ours, so that we see the handle they issue on */
    if (result == 0 && code == SIO_GET_EXTENSION_FUNCTION_POINTER)
        extension_wrap(so, in, in_len, out, out_len);
    if (result == 0 && code == (DWORD)FIONBIO && in && in_len >= sizeof(u_long)) {
        u_long on;
        memcpy(&on, in, sizeof(on));
        AcquireSRWLockExclusive(&so->lock);
        so->nonblocking = on != 0;
        ReleaseSRWLockExclusive(&so->lock);
    }
    result = interrupted_if_closing(so, result, err);
    socket_context_dereference(so);
    return result;
}
