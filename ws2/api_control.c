/*
 * api_control.c - socket options and I/O control codes.
 *
 * Options belong to the provider that owns the socket (a layered provider
 * keeps linger and blocking state itself), so these only check buffers.
 * The one exception is SO_OPENTYPE, which belongs to the calling thread.
 */
#include "ws2_private.h"

#define VIA(r) ((r) ? (r)->entry : NULL)

/*
 * SO_OPENTYPE (SOL_SOCKET): not a socket's option but the calling thread's,
 * saying whether socket() makes overlapped sockets (0, the default) or not
 * (SO_SYNCHRONOUS_ALERT, SO_SYNCHRONOUS_NONALERT).  No provider owns it, so
 * it is answered here for any handle, INVALID_SOCKET included, as Windows
 * does.  Windows compares the lengths unsigned (-1 is a large buffer) and
 * stores whatever value it is given.
 */
#ifndef SO_OPENTYPE
#define SO_OPENTYPE 0x7008      /* mswsock.h, which ws2.dll does not include */
#endif
#include <mstcpip.h>             /* SIO_KEEPALIVE_VALS */

/* A thread_slot value holding the option itself, so there is nothing to
 * free at thread exit; a thread that never set it reads 0, the default.
 * (A __thread variable here made a traced multi-threaded process hang now
 * and then at thread exit under Wine: see test_trace's --child-threads and
 * thread_slot.h.) */
static struct thread_slot open_type = THREAD_SLOT_VALUE;

int api_thread_open_type(void)
{
    return (int)(INT_PTR)thread_slot_get(&open_type);
}

static BOOL open_type_store(int value)
{
    return thread_slot_set(&open_type, (void *)(INT_PTR)value);
}

static BOOL is_open_type(int level, int optname)
{
    return level == SOL_SOCKET && optname == SO_OPENTYPE;
}

static int open_type_set(const char *optval, int optlen, int *err)
{
    if (!process_started())
        *err = WSANOTINITIALISED;
    else if ((unsigned)optlen < sizeof(int) || !api_readable(optval, sizeof(int)))
        *err = WSAEFAULT;
    else {
        int value;
        memcpy(&value, optval, sizeof(value));
        if (!open_type_store(value))
            *err = WSAENOBUFS;
    }
    return *err ? SOCKET_ERROR : 0;
}

static int open_type_get(char *optval, int *optlen, int *err)
{
    if (!process_started())
        *err = WSANOTINITIALISED;
    else if (!api_writable(optlen, sizeof(*optlen)) || (unsigned)*optlen < sizeof(int) ||
             !api_writable(optval, sizeof(int)))
        *err = WSAEFAULT;
    else {
        int value = api_thread_open_type();
        memcpy(optval, &value, sizeof(value));
        *optlen = sizeof(int);
    }
    return *err ? SOCKET_ERROR : 0;
}

int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen)
{
    TRACE_START(t);
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = NULL;

    if (is_open_type(level, optname)) {
        result = open_type_set(optval, optlen, &err);
    } else if ((r = api_enter(s, &err)) != NULL) {
        /* A negative optlen is the provider's to judge: Windows (10 21H1
         * on) compares it unsigned, so it is big enough for a four-byte
         * SOL_SOCKET option and WSAENOBUFS for the others; a value is
         * still read, so four bytes of it must be there. */
        if ((optlen > 0 && !api_readable(optval, (size_t)optlen)) ||
            (optlen < 0 && !api_readable(optval, sizeof(int))))
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
    struct socket_record *r = NULL;

    if (is_open_type(level, optname)) {
        result = open_type_get(optval, optlen, &err);
    } else if ((r = api_enter(s, &err)) != NULL) {
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
        /* Only the directions the code declares are checked, as Windows
         * does (FIONBIO ignores any output buffer; FIONREAD any input).  No
         * output buffer at all is the provider's to judge: it reports the
         * size it needs (WSAEFAULT and *returned), or needs none. */
        BOOL in_used = (code & IOC_IN) != 0, out_used = (code & IOC_OUT) != 0;
        if ((!ov && !api_writable(returned, sizeof(*returned))) ||
            (ov && !api_writable(ov, sizeof(*ov)))) {
            *err = WSAEFAULT;
        } else if ((in_used && in_len && !api_readable(in, in_len)) ||
                   (out_used && out && out_len && !api_writable(out, out_len))) {
            /* Windows zeroes the count for a refused SIO_KEEPALIVE_VALS
             * input; other codes (SIO_ROUTING_INTERFACE_QUERY) leave it */
            if (!ov && code == SIO_KEEPALIVE_VALS)
                *returned = 0;
            *err = WSAEFAULT;
        } else
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
