/*
 * api_control.c - socket options and I/O control codes.
 *
 * Options belong to the provider that owns the socket (a layered provider
 * keeps linger and blocking state itself), so these only check buffers.
 */
#include "ws2_private.h"

#define VIA(r) ((r) ? (r)->entry : NULL)

int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (optlen < 0 || (optlen > 0 && !api_readable(optval, (size_t)optlen)) ||
            (!optval && optlen > 0))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPSetSockOpt(s, level, optname, optval, optlen, &err);
    }
    TRACE_API(t, VIA(r), result ? err : 0, "setsockopt(s=0x%llx, level=0x%x, optname=0x%x, "
              "optval=0x%llx%s%s%s, optlen=%d) = %d", TS(s), level, optname, TP(optval),
              optlen == sizeof(int) ? "{" : "", optlen == sizeof(int) ? TINT((const int *)optval) : "",
              optlen == sizeof(int) ? "}" : "", optlen, result);
    return api_finish("setsockopt", s, r, result, err);
}

int WSAAPI getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_writable(optlen, sizeof(*optlen)) || *optlen < 0 ||
            !api_writable(optval, *optlen > 0 ? (size_t)*optlen : 1))
            err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPGetSockOpt(s, level, optname, optval, optlen, &err);
    }
    if (t) {
        BOOL show = !result && api_readable(optlen, sizeof(int)) && *optlen == sizeof(int);
        TRACE_API(t, VIA(r), result ? err : 0, "getsockopt(s=0x%llx, level=0x%x, optname=0x%x, "
                  "optval=0x%llx%s%s%s, optlen=%s) = %d", TS(s), level, optname, TP(optval),
                  show ? "{" : "", show ? TINT((const int *)optval) : "", show ? "}" : "",
                  TINT(optlen), result);
    }
    return api_finish("getsockopt", s, r, result, err);
}

static int ioctl_core(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out, DWORD out_len,
                      LPDWORD returned, LPWSAOVERLAPPED ov,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, struct socket_record **rec,
                      int *err)
{
    int result = SOCKET_ERROR;
    struct socket_record *r = *rec = api_enter(s, err);

    if (r) {
        if ((in_len && !api_readable(in, in_len)) || (out_len && !api_writable(out, out_len)) ||
            (!ov && !api_writable(returned, sizeof(*returned))) ||
            (ov && !api_writable(ov, sizeof(*ov))))
            *err = WSAEFAULT;
        else
            result = PROVIDER_CALL(r).lpWSPIoctl(s, code, in, in_len, out, out_len, returned, ov,
                                                 routine, api_calling_thread(routine), err);
    }
    return result;
}

int WSAAPI WSAIoctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out, DWORD out_len,
                    LPDWORD returned, LPWSAOVERLAPPED ov,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    TRACE_START(t);
    struct socket_record *r;
    int err = 0, result = ioctl_core(s, code, in, in_len, out, out_len, returned, ov, routine, &r,
                                     &err);

    TRACE_API(t, VIA(r), result ? err : 0, "WSAIoctl(s=0x%llx, code=0x%lx, in=0x%llx, in_len=%lu, "
              "out=0x%llx, out_len=%lu, returned=%s, ov=0x%llx, routine=0x%llx) = %d", TS(s), code,
              TP(in), in_len, TP(out), out_len, TINT(returned), TP(ov), TP(routine), result);
    return api_finish("WSAIoctl", s, r, result, err);
}

/* ioctlsocket is WSAIoctl with the 32-bit argument both in and out. */
int WSAAPI ioctlsocket(SOCKET s, __LONG32 cmd, u_long *argp)
{
    TRACE_START(t);
    DWORD returned = 0;
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if (!api_writable(argp, sizeof(*argp))) {
            err = WSAEFAULT;
        } else {
            socket_record_dereference(r);
            result = ioctl_core(s, (DWORD)cmd, argp, sizeof(*argp), argp, sizeof(*argp),
                                &returned, NULL, NULL, &r, &err);
        }
    }
    TRACE_API(t, VIA(r), result ? err : 0, "ioctlsocket(s=0x%llx, cmd=0x%lx, argp=0x%llx{%s}) = %d",
              TS(s), (unsigned long)cmd, TP(argp), TINT(argp), result);
    return api_finish("ioctlsocket", s, r, result, err);
}
