/*
 * api_control.c - socket options and I/O control codes.
 *
 * Options belong to the provider that owns the socket (a layered provider
 * keeps linger and blocking state itself), so these only check buffers.
 */
#include "ws2_private.h"

int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (optlen < 0 || (optlen > 0 && !api_readable(optval, (size_t)optlen)) ||
            (!optval && optlen > 0))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPSetSockOpt(s, level, optname, optval, optlen, &err);
    }
    return api_finish("setsockopt", s, r, result, err);
}

int WSAAPI getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_writable(optlen, sizeof(*optlen)) || *optlen < 0 ||
            !api_writable(optval, *optlen > 0 ? (size_t)*optlen : 1))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPGetSockOpt(s, level, optname, optval, optlen, &err);
    }
    return api_finish("getsockopt", s, r, result, err);
}

int WSAAPI WSAIoctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out, DWORD out_len,
                    LPDWORD returned, LPWSAOVERLAPPED ov,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if ((in_len && !api_readable(in, in_len)) || (out_len && !api_writable(out, out_len)) ||
            (!ov && !api_writable(returned, sizeof(*returned))) ||
            (ov && !api_writable(ov, sizeof(*ov))))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPIoctl(s, code, in, in_len, out, out_len, returned, ov,
                                                 routine, api_calling_thread(routine), &err);
    }
    return api_finish("WSAIoctl", s, r, result, err);
}

/* ioctlsocket is WSAIoctl with the 32-bit argument both in and out. */
int WSAAPI ioctlsocket(SOCKET s, __LONG32 cmd, u_long *argp)
{
    DWORD returned = 0;
    int err = 0;
    struct socket_record *r = api_enter(s, &err);

    if (!r)
        return api_fail(err);
    socket_record_dereference(r);
    if (!api_writable(argp, sizeof(*argp)))
        return api_fail(WSAEFAULT);
    return WSAIoctl(s, (DWORD)cmd, argp, sizeof(*argp), argp, sizeof(*argp), &returned, NULL,
                    NULL);
}
