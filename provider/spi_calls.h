/*
 * spi_calls.h - the service provider interface, written once.
 *
 * Every WSP procedure of WSPPROC_TABLE, one line each, in the table's order:
 *
 *   X(result, Name, kind, (parameters), (arguments), ("trace format", trace values...))
 *
 *   result  int, SOCKET or BOOL: the return type, which also says what
 *           failure looks like (SPI_FAILED_int is SOCKET_ERROR, ...)
 *   Name    the member is lpWSP<Name>
 *   kind    what the call is to a layer that sits on sockets:
 *             ON_SOCKET   a call on an existing socket (the first parameter, s)
 *             MAY_BLOCK   the same, and it may block (closesocket must
 *                         wake it while it is inside: WSAEINTR)
 *             MAY_PEND    the same, and given an OVERLAPPED (ov) it may
 *                         also pend after it returned (closesocket must
 *                         cancel it then: a completion)
 *             NEW_SOCKET  it makes a socket, which the layer must take on
 *             NO_SOCKET   not a call on one socket
 *   the parameters always end with LPINT err (the SPI's error out-parameter)
 *   trace   the arguments as ws2.dll's trace prints them (docs: ws2/diag.c);
 *           only ws2/spi_trace.c expands this column, with its formatters
 *           (TS, TP, TADDR, TINT, ...) and the call's result in r.
 *
 * Each layer generates what it needs from this list: the host provider its
 * table (SPI_FILL_TABLE), celsp its pass-through forwards, the IrDA
 * provider the answer WSAEOPNOTSUPP for what it does not do, ws2.dll its
 * trace thunks.  Adding a WSP procedure means one line here plus the
 * layers that really do something different for it.
 */
#ifndef CEWS_SPI_CALLS_H
#define CEWS_SPI_CALLS_H

#include <winsock2.h>
#include <ws2spi.h>

#define SPI_CALLS(X) \
    X(SOCKET, Accept, NEW_SOCKET, \
      (SOCKET s, struct sockaddr *addr, LPINT addrlen, LPCONDITIONPROC condition, \
       DWORD_PTR data, LPINT err), \
      (s, addr, addrlen, condition, data, err), \
      ("s=0x%llx, addr=%s, addrlen=%s, condition=0x%llx", TS(s), \
       r == INVALID_SOCKET ? "-" : TADDRP(addr, addrlen), TINT(addrlen), TP(condition))) \
    X(int, AddressToString, NO_SOCKET, \
      (LPSOCKADDR address, DWORD length, LPWSAPROTOCOL_INFOW info, LPWSTR text, \
       LPDWORD text_length, LPINT err), \
      (address, length, info, text, text_length, err), \
      ("address=%s, length=%lu, text=%s, text_length=%s", TADDR(address, (int)length), \
       length, r ? "-" : TWSTR(text), TINT(text_length))) \
    X(int, AsyncSelect, ON_SOCKET, \
      (SOCKET s, HWND hwnd, unsigned int msg, __LONG32 events, LPINT err), \
      (s, hwnd, msg, events, err), \
      ("s=0x%llx, hwnd=0x%llx, msg=%u, events=0x%lx", TS(s), TP(hwnd), msg, \
       (unsigned long)events)) \
    X(int, Bind, ON_SOCKET, \
      (SOCKET s, const struct sockaddr *name, int namelen, LPINT err), \
      (s, name, namelen, err), \
      ("s=0x%llx, name=%s, namelen=%d", TS(s), TADDR(name, namelen), namelen)) \
    X(int, CancelBlockingCall, NO_SOCKET, (LPINT err), (err), ("")) \
    X(int, Cleanup, NO_SOCKET, (LPINT err), (err), ("")) \
    X(int, CloseSocket, ON_SOCKET, (SOCKET s, LPINT err), (s, err), ("s=0x%llx", TS(s))) \
    X(int, Connect, MAY_BLOCK, \
      (SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller, LPWSABUF callee, \
       LPQOS sqos, LPQOS gqos, LPINT err), \
      (s, name, namelen, caller, callee, sqos, gqos, err), \
      ("s=0x%llx, name=%s, namelen=%d", TS(s), TADDR(name, namelen), namelen)) \
    X(int, DuplicateSocket, ON_SOCKET, \
      (SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err), (s, pid, info, err), \
      ("s=0x%llx, pid=%lu", TS(s), pid)) \
    X(int, EnumNetworkEvents, ON_SOCKET, \
      (SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS events, LPINT err), \
      (s, event, events, err), \
      ("s=0x%llx, event=0x%llx, events=%s", TS(s), TP(event), \
       r ? "-" : TINT(&events->lNetworkEvents))) \
    X(int, EventSelect, ON_SOCKET, \
      (SOCKET s, WSAEVENT event, __LONG32 events, LPINT err), (s, event, events, err), \
      ("s=0x%llx, event=0x%llx, events=0x%lx", TS(s), TP(event), (unsigned long)events)) \
    X(BOOL, GetOverlappedResult, ON_SOCKET, \
      (SOCKET s, LPWSAOVERLAPPED ov, LPDWORD transferred, BOOL wait, LPDWORD flags, \
       LPINT err), \
      (s, ov, transferred, wait, flags, err), \
      ("s=0x%llx, ov=0x%llx, transferred=%s, wait=%d, flags=%s", TS(s), TP(ov), \
       TINT(transferred), wait, TINT(flags))) \
    X(int, GetPeerName, ON_SOCKET, \
      (SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err), (s, name, namelen, err), \
      ("s=0x%llx, name=%s, namelen=%s", TS(s), r ? "-" : TADDRP(name, namelen), \
       TINT(namelen))) \
    X(int, GetSockName, ON_SOCKET, \
      (SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err), (s, name, namelen, err), \
      ("s=0x%llx, name=%s, namelen=%s", TS(s), r ? "-" : TADDRP(name, namelen), \
       TINT(namelen))) \
    X(int, GetSockOpt, ON_SOCKET, \
      (SOCKET s, int level, int optname, char *optval, LPINT optlen, LPINT err), \
      (s, level, optname, optval, optlen, err), \
      ("s=0x%llx, level=0x%x, optname=0x%x, optval=0x%llx, optlen=%s", TS(s), level, \
       optname, TP(optval), TINT(optlen))) \
    X(BOOL, GetQOSByName, ON_SOCKET, \
      (SOCKET s, LPWSABUF name, LPQOS qos, LPINT err), (s, name, qos, err), \
      ("s=0x%llx", TS(s))) \
    X(int, Ioctl, MAY_PEND, \
      (SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out, DWORD out_len, \
       LPDWORD returned, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, \
       LPWSATHREADID thread, LPINT err), \
      (s, code, in, in_len, out, out_len, returned, ov, routine, thread, err), \
      ("s=0x%llx, code=0x%lx, in_len=%lu, out_len=%lu, returned=%s, ov=0x%llx, " \
       "routine=0x%llx", TS(s), code, in_len, out_len, TINT(returned), TP(ov), TP(routine))) \
    X(SOCKET, JoinLeaf, NEW_SOCKET, \
      (SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller, LPWSABUF callee, \
       LPQOS sqos, LPQOS gqos, DWORD flags, LPINT err), \
      (s, name, namelen, caller, callee, sqos, gqos, flags, err), \
      ("s=0x%llx, name=%s, namelen=%d, flags=0x%lx", TS(s), TADDR(name, namelen), namelen, \
       flags)) \
    X(int, Listen, ON_SOCKET, (SOCKET s, int backlog, LPINT err), (s, backlog, err), \
      ("s=0x%llx, backlog=%d", TS(s), backlog)) \
    X(int, Recv, MAY_PEND, \
      (SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received, LPDWORD flags, \
       LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, \
       LPINT err), \
      (s, bufs, count, received, flags, ov, routine, thread, err), \
      ("s=0x%llx, count=%lu, len=%s, received=%s, flags=%s, ov=0x%llx, routine=0x%llx", \
       TS(s), count, TBUFS(bufs, count), TINT(received), TINT(flags), TP(ov), TP(routine))) \
    X(int, RecvDisconnect, ON_SOCKET, (SOCKET s, LPWSABUF data, LPINT err), (s, data, err), \
      ("s=0x%llx", TS(s))) \
    X(int, RecvFrom, MAY_PEND, \
      (SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received, LPDWORD flags, \
       struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov, \
       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err), \
      (s, bufs, count, received, flags, from, fromlen, ov, routine, thread, err), \
      ("s=0x%llx, count=%lu, len=%s, received=%s, flags=%s, from=%s, fromlen=%s, " \
       "ov=0x%llx, routine=0x%llx", TS(s), count, TBUFS(bufs, count), TINT(received), \
       TINT(flags), r || ov ? "-" : TADDRP(from, fromlen), TINT(fromlen), TP(ov), \
       TP(routine))) \
    X(int, Select, NO_SOCKET, \
      (int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, \
       const PTIMEVAL timeout, LPINT err), \
      (nfds, readfds, writefds, exceptfds, timeout, err), \
      ("nfds=%d, readfds=%s, writefds=%s, exceptfds=%s, timeout=0x%llx", nfds, \
       TFDS(readfds), TFDS(writefds), TFDS(exceptfds), TP(timeout))) \
    X(int, Send, MAY_PEND, \
      (SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags, LPWSAOVERLAPPED ov, \
       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err), \
      (s, bufs, count, sent, flags, ov, routine, thread, err), \
      ("s=0x%llx, count=%lu, len=%s, sent=%s, flags=0x%lx, ov=0x%llx, routine=0x%llx", \
       TS(s), count, TBUFS(bufs, count), TINT(sent), flags, TP(ov), TP(routine))) \
    X(int, SendDisconnect, ON_SOCKET, (SOCKET s, LPWSABUF data, LPINT err), (s, data, err), \
      ("s=0x%llx", TS(s))) \
    X(int, SendTo, MAY_PEND, \
      (SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags, \
       const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov, \
       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err), \
      (s, bufs, count, sent, flags, to, tolen, ov, routine, thread, err), \
      ("s=0x%llx, count=%lu, len=%s, sent=%s, flags=0x%lx, to=%s, tolen=%d, ov=0x%llx, " \
       "routine=0x%llx", TS(s), count, TBUFS(bufs, count), TINT(sent), flags, \
       TADDR(to, tolen), tolen, TP(ov), TP(routine))) \
    X(int, SetSockOpt, ON_SOCKET, \
      (SOCKET s, int level, int optname, const char *optval, int optlen, LPINT err), \
      (s, level, optname, optval, optlen, err), \
      ("s=0x%llx, level=0x%x, optname=0x%x, optval=0x%llx, optlen=%d", TS(s), level, \
       optname, TP(optval), optlen)) \
    X(int, Shutdown, ON_SOCKET, (SOCKET s, int how, LPINT err), (s, how, err), \
      ("s=0x%llx, how=%d", TS(s), how)) \
    X(SOCKET, Socket, NEW_SOCKET, \
      (int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP group, DWORD flags, \
       LPINT err), \
      (af, type, protocol, info, group, flags, err), \
      ("af=%d, type=%d, protocol=%d, info=0x%llx, group=%u, flags=0x%lx", af, type, \
       protocol, TP(info), group, flags)) \
    X(int, StringToAddress, NO_SOCKET, \
      (LPWSTR text, INT af, LPWSAPROTOCOL_INFOW info, LPSOCKADDR address, LPINT length, \
       LPINT err), \
      (text, af, info, address, length, err), \
      ("text=%s, af=%d, address=%s, length=%s", TWSTR(text), af, \
       r ? "-" : TADDRP(address, length), TINT(length)))

/* What each result type means by failure. */
#define SPI_FAILED_int     SOCKET_ERROR
#define SPI_FAILED_SOCKET  INVALID_SOCKET
#define SPI_FAILED_BOOL    FALSE

/* The list covers the whole table: a WSPPROC_TABLE member it lacked
 * would be left NULL by every layer that fills its table from it. */
#define SPI_COUNT_ONE(result, name, kind, params, args, trace) +1
_Static_assert(sizeof(WSPPROC_TABLE) == (0 SPI_CALLS(SPI_COUNT_ONE)) * sizeof(void *),
               "spi_calls.h lists every WSPPROC_TABLE member");

/* For providers whose WSP procedures are named WSP<Name>: their table. */
#define SPI_FILL_ONE(result, name, kind, params, args, trace) t->lpWSP##name = WSP##name;
#define SPI_FILL_TABLE(table) do { WSPPROC_TABLE *t = (table); SPI_CALLS(SPI_FILL_ONE) } while (0)

/*
 * spi_unsupported_table(): every procedure answering WSAEOPNOTSUPP with its
 * own failure value, for a provider to start from and replace what it does.
 * Define SPI_UNSUPPORTED_DEFINE in one file of the provider to get the body.
 */
void spi_unsupported_table(WSPPROC_TABLE *t);

#ifdef SPI_UNSUPPORTED_DEFINE
/* a procedure that does nothing has no use for its parameters */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define SPI_UNSUPPORTED_ONE(result, name, kind, params, args, trace)                     \
    static result WSPAPI unsupported_##name params                                      \
    {                                                                                   \
        *err = WSAEOPNOTSUPP;                                                           \
        return SPI_FAILED_##result;                                                     \
    }
#define SPI_UNSUPPORTED_SET(result, name, kind, params, args, trace)                     \
    t->lpWSP##name = unsupported_##name;
SPI_CALLS(SPI_UNSUPPORTED_ONE)
#pragma GCC diagnostic pop
void spi_unsupported_table(WSPPROC_TABLE *t)
{
    SPI_CALLS(SPI_UNSUPPORTED_SET)
}
#endif

#endif
