/*
 * api_exports.c - the exports whose bodies live elsewhere (process.c,
 * byteorder.c, hostnames.c, addrinfo.c, nameinfo.c, addrinfo_ex.c, upcall.c,
 * verify.c, as impl_*): each runs its
 * body and writes its trace line (diag.c), so that every export of ws2.def
 * is traced and ws2.dll's own uses of a body make no line.
 */
#include "ws2_private.h"

/* The error a call that returns a Winsock error (0: none) or fails with
 * SOCKET_ERROR / NULL has left. */
static int failed_with(BOOL failed)
{
    return failed ? (int)GetLastError() : 0;
}

int WSAAPI WSAStartup(WORD version, LPWSADATA data)
{
    TRACE_START(t);
    int result = impl_WSAStartup(version, data);
    TRACE_API(t, NULL, result, "WSAStartup(version=0x%04x, data=0x%llx) = %d", version, TP(data),
              result);
    return result;
}

int WSAAPI WSACleanup(void)
{
    TRACE_START(t);
    int result = impl_WSACleanup();
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "WSACleanup() = %d", result);
    return result;
}

/* ---- byteorder.c ------------------------------------------------------------ */

u_long WSAAPI htonl(u_long v)
{
    TRACE_START(t);
    u_long result = impl_htonl(v);
    TRACE_API(t, NULL, 0, "htonl(0x%08lx) = 0x%08lx", v, result);
    return result;
}

u_long WSAAPI ntohl(u_long v)
{
    TRACE_START(t);
    u_long result = impl_ntohl(v);
    TRACE_API(t, NULL, 0, "ntohl(0x%08lx) = 0x%08lx", v, result);
    return result;
}

u_short WSAAPI htons(u_short v)
{
    TRACE_START(t);
    u_short result = impl_htons(v);
    TRACE_API(t, NULL, 0, "htons(%u) = 0x%04x", v, result);
    return result;
}

u_short WSAAPI ntohs(u_short v)
{
    TRACE_START(t);
    u_short result = impl_ntohs(v);
    TRACE_API(t, NULL, 0, "ntohs(0x%04x) = %u", v, result);
    return result;
}

int WSAAPI WSAHtonl(SOCKET s, u_long v, u_long *out)
{
    TRACE_START(t);
    int result = impl_WSAHtonl(s, v, out);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "WSAHtonl(s=0x%llx, 0x%08lx, out=%s) = %d",
              TS(s), v, TINT(out), result);
    return result;
}

int WSAAPI WSAHtons(SOCKET s, u_short v, u_short *out)
{
    TRACE_START(t);
    int result = impl_WSAHtons(s, v, out);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "WSAHtons(s=0x%llx, %u, out=%s) = %d",
              TS(s), v, TINT(out), result);
    return result;
}

int WSAAPI WSANtohl(SOCKET s, u_long v, u_long *out)
{
    TRACE_START(t);
    int result = impl_WSANtohl(s, v, out);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "WSANtohl(s=0x%llx, 0x%08lx, out=%s) = %d",
              TS(s), v, TINT(out), result);
    return result;
}

int WSAAPI WSANtohs(SOCKET s, u_short v, u_short *out)
{
    TRACE_START(t);
    int result = impl_WSANtohs(s, v, out);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "WSANtohs(s=0x%llx, 0x%04x, out=%s) = %d",
              TS(s), v, TINT(out), result);
    return result;
}

unsigned long WSAAPI inet_addr(const char *text)
{
    TRACE_START(t);
    unsigned long result = impl_inet_addr(text);
    TRACE_API(t, NULL, 0, "inet_addr(%s) = 0x%08lx", TSTR(text), result);
    return result;
}

char *WSAAPI inet_ntoa(struct in_addr address)
{
    TRACE_START(t);
    char *result = impl_inet_ntoa(address);
    TRACE_API(t, NULL, 0, "inet_ntoa(0x%08lx) = %s", (unsigned long)address.s_addr, TSTR(result));
    return result;
}

/* ---- netdb.c (desktop extensions) ------------------------------------------- */

struct protoent *WSAAPI getprotobyname(const char *name)
{
    TRACE_START(t);
    struct protoent *result = impl_getprotobyname(name);
    TRACE_API(t, NULL, failed_with(!result), "getprotobyname(name=%s) = 0x%llx", TSTR(name), TP(result));
    return result;
}

struct protoent *WSAAPI getprotobynumber(int number)
{
    TRACE_START(t);
    struct protoent *result = impl_getprotobynumber(number);
    TRACE_API(t, NULL, failed_with(!result), "getprotobynumber(number=%d) = 0x%llx", number, TP(result));
    return result;
}

struct servent *WSAAPI getservbyname(const char *name, const char *proto)
{
    TRACE_START(t);
    struct servent *result = impl_getservbyname(name, proto);
    TRACE_API(t, NULL, failed_with(!result), "getservbyname(name=%s, proto=%s) = 0x%llx", TSTR(name),
              TSTR(proto), TP(result));
    return result;
}

struct servent *WSAAPI getservbyport(int port, const char *proto)
{
    TRACE_START(t);
    struct servent *result = impl_getservbyport(port, proto);
    TRACE_API(t, NULL, failed_with(!result), "getservbyport(port=%d, proto=%s) = 0x%llx",
              impl_ntohs((u_short)port), TSTR(proto), TP(result));
    return result;
}

/* ---- hostnames.c ------------------------------------------------------------ */

struct hostent *WSAAPI gethostbyname(const char *name)
{
    TRACE_START(t);
    struct hostent *result = impl_gethostbyname(name);
    TRACE_API(t, NULL, failed_with(!result), "gethostbyname(name=%s) = 0x%llx", TSTR(name),
              TP(result));
    return result;
}

struct hostent *WSAAPI gethostbyaddr(const char *addr, int len, int type)
{
    TRACE_START(t);
    struct hostent *result = impl_gethostbyaddr(addr, len, type);
    TRACE_API(t, NULL, failed_with(!result), "gethostbyaddr(addr=0x%llx, len=%d, type=%d) = 0x%llx",
              TP(addr), len, type, TP(result));
    return result;
}

int WSAAPI gethostname(char *name, int len)
{
    TRACE_START(t);
    int result = impl_gethostname(name, len);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "gethostname(name=%s, len=%d) = %d",
              result ? TP(name) ? "-" : "NULL" : TSTR(name), len, result);
    return result;
}

int WSAAPI GetHostNameW(PWSTR name, int len)
{
    TRACE_START(t);
    int result = impl_GetHostNameW(name, len);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "GetHostNameW(name=%s, len=%d) = %d",
              result ? TP(name) ? "-" : "NULL" : TWSTR(name), len, result);
    return result;
}

int WSAAPI getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **result)
{
    TRACE_START(t);
    int err = impl_getaddrinfo(node, service, hints, result);
    TRACE_API(t, NULL, err, "getaddrinfo(node=%s, service=%s, hints=0x%llx, result=0x%llx) = %d",
              TSTR(node), TSTR(service), TP(hints), TP(err ? NULL : *result), err);
    return err;
}

void WSAAPI freeaddrinfo(struct addrinfo *list)
{
    TRACE_START(t);
    impl_freeaddrinfo(list);
    TRACE_API(t, NULL, 0, "freeaddrinfo(0x%llx) = void", TP(list));
}

int WSAAPI getnameinfo(const struct sockaddr *sa, socklen_t salen, char *node, DWORD nodelen,
                       char *service, DWORD servicelen, int flags)
{
    TRACE_START(t);
    int err = impl_getnameinfo(sa, salen, node, nodelen, service, servicelen, flags);
    TRACE_API(t, NULL, err, "getnameinfo(sa=%s, salen=%d, node=%s, nodelen=%lu, service=%s, "
              "servicelen=%lu, flags=0x%x) = %d", TADDR(sa, salen), salen,
              err || !nodelen ? "-" : TSTR(node), nodelen,
              err || !servicelen ? "-" : TSTR(service), servicelen, flags, err);
    return err;
}

int WSAAPI GetAddrInfoW(PCWSTR node, PCWSTR service, const ADDRINFOW *hints, PADDRINFOW *result)
{
    TRACE_START(t);
    int err = impl_GetAddrInfoW(node, service, hints, result);
    TRACE_API(t, NULL, err, "GetAddrInfoW(node=%s, service=%s, hints=0x%llx, result=0x%llx) = %d",
              TWSTR(node), TWSTR(service), TP(hints), TP(err ? NULL : *result), err);
    return err;
}

void WSAAPI FreeAddrInfoW(PADDRINFOW list)
{
    TRACE_START(t);
    impl_FreeAddrInfoW(list);
    TRACE_API(t, NULL, 0, "FreeAddrInfoW(0x%llx) = void", TP(list));
}

/* Desktop extensions (Windows 8): the overlapped name look-up. */
int WSAAPI GetAddrInfoExW(PCWSTR name, PCWSTR service, DWORD space, LPGUID provider,
                          const ADDRINFOEXW *hints, PADDRINFOEXW *result, struct timeval *timeout,
                          LPOVERLAPPED overlapped, LPLOOKUPSERVICE_COMPLETION_ROUTINE routine,
                          LPHANDLE handle)
{
    TRACE_START(t);
    int err = impl_GetAddrInfoExW(name, service, space, provider, hints, result, timeout,
                                  overlapped, (addrinfo_ex_routine)routine, handle);
    TRACE_API(t, NULL, err, "GetAddrInfoExW(name=%s, service=%s, space=%lu, hints=0x%llx, "
              "overlapped=0x%llx, routine=0x%llx) = %d", TWSTR(name), TWSTR(service),
              (unsigned long)space, TP(hints), TP(overlapped), TP(routine), err);
    return err;
}

int WSAAPI GetAddrInfoExOverlappedResult(LPOVERLAPPED overlapped)
{
    TRACE_START(t);
    int err = impl_GetAddrInfoExOverlappedResult(overlapped);
    TRACE_API(t, NULL, err, "GetAddrInfoExOverlappedResult(0x%llx) = %d", TP(overlapped), err);
    return err;
}

int WSAAPI GetAddrInfoExCancel(LPHANDLE handle)
{
    TRACE_START(t);
    int err = impl_GetAddrInfoExCancel(handle);
    TRACE_API(t, NULL, err, "GetAddrInfoExCancel(0x%llx) = %d", TP(handle), err);
    return err;
}

void WSAAPI FreeAddrInfoExW(PADDRINFOEXW list)
{
    TRACE_START(t);
    impl_FreeAddrInfoExW(list);
    TRACE_API(t, NULL, 0, "FreeAddrInfoExW(0x%llx) = void", TP(list));
}

int WSAAPI GetNameInfoW(const SOCKADDR *sa, socklen_t salen, PWCHAR node, DWORD nodelen,
                        PWCHAR service, DWORD servicelen, INT flags)
{
    TRACE_START(t);
    int err = impl_GetNameInfoW(sa, salen, node, nodelen, service, servicelen, flags);
    TRACE_API(t, NULL, err, "GetNameInfoW(sa=%s, salen=%d, node=%s, nodelen=%lu, service=%s, "
              "servicelen=%lu, flags=0x%x) = %d", TADDR(sa, salen), salen,
              err || !nodelen ? "-" : TWSTR(node), nodelen,
              err || !servicelen ? "-" : TWSTR(service), servicelen, flags, err);
    return err;
}

/* ---- upcall.c, verify.c ----------------------------------------------------- */

int WSPAPI WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED ov, DWORD error,
                                        DWORD bytes, LPINT err)
{
    TRACE_START(t);
    int result = impl_WPUCompleteOverlappedRequest(s, ov, error, bytes, err);
    TRACE_API(t, NULL, result == SOCKET_ERROR && api_readable(err, sizeof(*err)) ? *err : 0,
              "WPUCompleteOverlappedRequest(s=0x%llx, ov=0x%llx, error=%lu, bytes=%lu) = %d",
              TS(s), TP(ov), error, bytes, result);
    return result;
}

INT WINAPI CeWs2VerifyCatalog(CEWS2_VERIFY_REPORT report, void *context)
{
    TRACE_START(t);
    INT result = impl_CeWs2VerifyCatalog(report, context);
    TRACE_API(t, NULL, 0, "CeWs2VerifyCatalog(report=0x%llx, context=0x%llx) = %d", TP(report),
              TP(context), result);
    return result;
}
