/*
 * hostnames.c - name resolution, answered by the host.
 *
 * The one place above the host base provider that reaches the host's
 * ws2_32: ce-winsock has no resolver of its own and CE applications expect
 * the system's (DNS, hosts file).  The host library is loaded on first use
 * and started once for the life of the process; our own WSAStartup state
 * still decides whether a call is allowed.
 */
#include "ws2_private.h"

#define HOST_FUNCTIONS(X) \
    X(struct hostent *, gethostbyname, (const char *)) \
    X(struct hostent *, gethostbyaddr, (const char *, int, int)) \
    X(int, gethostname, (char *, int)) \
    X(int, getaddrinfo, (const char *, const char *, const struct addrinfo *, struct addrinfo **)) \
    X(void, freeaddrinfo, (struct addrinfo *)) \
    X(int, getnameinfo, (const struct sockaddr *, socklen_t, char *, DWORD, char *, DWORD, int)) \
    X(int, GetAddrInfoW, (PCWSTR, PCWSTR, const ADDRINFOW *, PADDRINFOW *)) \
    X(void, FreeAddrInfoW, (PADDRINFOW)) \
    X(int, GetNameInfoW, (const SOCKADDR *, socklen_t, PWCHAR, DWORD, PWCHAR, DWORD, INT)) \
    X(int, WSAGetLastError, (void))

static struct {
#define MEMBER(ret, name, args) ret (WSAAPI *name) args;
    HOST_FUNCTIONS(MEMBER)
#undef MEMBER
} host;
/* GetAddrInfoExW and its companions (Windows 8 and later): looked up apart,
 * so that a host without them still resolves with the others. */
#define HOST_EX_FUNCTIONS(X) \
    X(int, GetAddrInfoExW, (PCWSTR, PCWSTR, DWORD, LPGUID, const ADDRINFOEXW *, PADDRINFOEXW *, \
                            struct timeval *, LPOVERLAPPED, addrinfo_ex_routine, LPHANDLE)) \
    X(int, GetAddrInfoExOverlappedResult, (LPOVERLAPPED)) \
    X(int, GetAddrInfoExCancel, (LPHANDLE)) \
    X(void, FreeAddrInfoExW, (PADDRINFOEXW))

static struct {
#define MEMBER(ret, name, args) ret (WSAAPI *name) args;
    HOST_EX_FUNCTIONS(MEMBER)
#undef MEMBER
} host_ex;
static INIT_ONCE host_once = INIT_ONCE_STATIC_INIT;
static BOOL host_ready, host_ex_ready;

static BOOL CALLBACK load_host(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    HMODULE m = LoadLibraryW(L"ws2_32.dll");
    int (WSAAPI *startup)(WORD, LPWSADATA);
    WSADATA data;
    (void)once; (void)param; (void)ctx;

    if (!m)
        return TRUE;
#define LOAD(ret, name, args) \
    host.name = (ret (WSAAPI *) args)(void *)GetProcAddress(m, #name); \
    if (!host.name) return TRUE;
    HOST_FUNCTIONS(LOAD)
#undef LOAD
#define LOAD_EX(ret, name, args) \
    host_ex.name = (ret (WSAAPI *) args)(void *)GetProcAddress(m, #name); \
    host_ex_ready = host_ex_ready && host_ex.name;
    host_ex_ready = TRUE;
    HOST_EX_FUNCTIONS(LOAD_EX)
#undef LOAD_EX
    startup = (int (WSAAPI *)(WORD, LPWSADATA))(void *)GetProcAddress(m, "WSAStartup");
    host_ready = startup && startup(MAKEWORD(2, 2), &data) == 0;
    return TRUE;
}

/* Fails the way Winsock does when we are not started or the host is unusable. */
static int host_check(void)
{
    if (!process_started())
        return WSANOTINITIALISED;
    InitOnceExecuteOnce(&host_once, load_host, NULL, NULL);
    return host_ready ? 0 : WSANO_RECOVERY;
}

struct hostent *impl_gethostbyname(const char *name)
{
    struct hostent *h;
    int err = host_check();
    if (err) { WSASetLastError(err); return NULL; }
    if (name && !api_readable(name, 1)) { WSASetLastError(WSAEFAULT); return NULL; }
    h = host.gethostbyname(name);
    if (!h) WSASetLastError(host.WSAGetLastError());
    return h;
}

struct hostent *impl_gethostbyaddr(const char *addr, int len, int type)
{
    struct hostent *h;
    int err = host_check();
    if (err) { WSASetLastError(err); return NULL; }
    if (len <= 0 || !api_readable(addr, (size_t)len)) { WSASetLastError(WSAEFAULT); return NULL; }
    /* "len too small" is WSAEFAULT (Wine's host says WSAEAFNOSUPPORT) */
    if ((type == AF_INET && len < 4) || (type == AF_INET6 && len < 16)) { WSASetLastError(WSAEFAULT); return NULL; }
    h = host.gethostbyaddr(addr, len, type);
    if (!h) WSASetLastError(host.WSAGetLastError());
    return h;
}

int impl_gethostname(char *name, int len)
{
    int err = host_check();
    if (err) return api_fail(err);
    if (len <= 0 || !api_writable(name, (size_t)len)) return api_fail(WSAEFAULT);
    if (host.gethostname(name, len) == SOCKET_ERROR) return api_fail(host.WSAGetLastError());
    return 0;
}

/* GetHostNameW (a desktop extension, Windows 8): the same name in UTF-16;
 * len counts characters, and a buffer too short for the name and its NUL
 * is WSAEFAULT with the buffer left alone, as gethostname does. */
int impl_GetHostNameW(WCHAR *name, int len)
{
    char narrow[256];
    WCHAR wide[256];
    int n, err = host_check();
    if (err) return api_fail(err);
    if (!name || len <= 0) return api_fail(WSAEFAULT);
    if (host.gethostname(narrow, sizeof(narrow)) == SOCKET_ERROR) return api_fail(host.WSAGetLastError());
    n = MultiByteToWideChar(CP_ACP, 0, narrow, -1, wide, 256);
    if (!n) return api_fail(WSANO_RECOVERY);
    if (n > len || !api_writable(name, (size_t)n * sizeof(WCHAR))) return api_fail(WSAEFAULT);
    memcpy(name, wide, (size_t)n * sizeof(WCHAR));
    return 0;
}

int impl_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                     struct addrinfo **result)
{
    int err = host_check();
    if (err) { WSASetLastError(err); return err; }
    if (!api_writable(result, sizeof(*result))) { WSASetLastError(WSAEFAULT); return WSAEFAULT; }
    err = host.getaddrinfo(node, service, hints, result);
    if (err) WSASetLastError(err);
    return err;
}

void impl_freeaddrinfo(struct addrinfo *list)
{
    if (list && host_ready)
        host.freeaddrinfo(list);
}

/* What getnameinfo documents and Wine's host does not check: salen shorter
 * than the family's sockaddr is WSAEFAULT, neither host nor service asked
 * for is EAI_NONAME. */
static int nameinfo_arguments(const struct sockaddr *sa, socklen_t salen, int node, int service)
{
    if (salen < (socklen_t)sizeof(sa->sa_family))
        return WSAEFAULT;
    if ((sa->sa_family == AF_INET && salen < (socklen_t)sizeof(struct sockaddr_in))
        || (sa->sa_family == AF_INET6 && salen < (socklen_t)sizeof(struct sockaddr_in6))
        || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6 && salen < (socklen_t)sizeof(struct sockaddr_in)))
        return WSAEFAULT;
    if (!node && !service)
        return WSAHOST_NOT_FOUND;
    return 0;
}

int impl_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *node, DWORD nodelen,
                     char *service, DWORD servicelen, int flags)
{
    int err = host_check();
    if (err) { WSASetLastError(err); return err; }
    if (!api_readable(sa, salen > 0 ? (size_t)salen : 1)) { WSASetLastError(WSAEFAULT); return WSAEFAULT; }
    err = nameinfo_arguments(sa, salen, node != NULL, service != NULL);
    if (err) { WSASetLastError(err); return err; }
    err = host.getnameinfo(sa, salen, node, nodelen, service, servicelen, flags);
    if (err) WSASetLastError(err);
    return err;
}

int impl_GetAddrInfoW(PCWSTR node, PCWSTR service, const ADDRINFOW *hints, PADDRINFOW *result)
{
    int err = host_check();
    if (err) { WSASetLastError(err); return err; }
    if (!api_writable(result, sizeof(*result))) { WSASetLastError(WSAEFAULT); return WSAEFAULT; }
    err = host.GetAddrInfoW(node, service, hints, result);
    if (err) WSASetLastError(err);
    return err;
}

void impl_FreeAddrInfoW(PADDRINFOW list)
{
    if (list && host_ready)
        host.FreeAddrInfoW(list);
}

int impl_GetNameInfoW(const SOCKADDR *sa, socklen_t salen, PWCHAR node, DWORD nodelen,
                      PWCHAR service, DWORD servicelen, INT flags)
{
    int err = host_check();
    if (err) { WSASetLastError(err); return err; }
    if (!api_readable(sa, salen > 0 ? (size_t)salen : 1)) { WSASetLastError(WSAEFAULT); return WSAEFAULT; }
    err = nameinfo_arguments(sa, salen, node != NULL, service != NULL);
    if (err) { WSASetLastError(err); return err; }
    err = host.GetNameInfoW(sa, salen, node, nodelen, service, servicelen, flags);
    if (err) WSASetLastError(err);
    return err;
}

/* ---- GetAddrInfoExW (desktop extension) ------------------------------------
 * The host's resolver, as for GetAddrInfoW, overlapped form included: the
 * host signals the caller's event, queues its completion routine and
 * writes the result where ppResult points when the look-up ends, so the
 * caller's own OVERLAPPED, routine and cancel handle are passed, never
 * copies.  A host without these calls answers WSAEOPNOTSUPP. */
static int host_ex_check(void)
{
    int err = host_check();
    if (!err && !host_ex_ready)
        err = WSAEOPNOTSUPP;
    return err;
}

int impl_GetAddrInfoExW(PCWSTR name, PCWSTR service, DWORD space, LPGUID provider,
                        const ADDRINFOEXW *hints, PADDRINFOEXW *result, struct timeval *timeout,
                        LPOVERLAPPED overlapped, addrinfo_ex_routine routine, LPHANDLE handle)
{
    int err = host_ex_check();
    if (!err && !api_writable(result, sizeof(*result)))
        err = WSAEFAULT;
    if (!err && overlapped && !api_writable(overlapped, sizeof(*overlapped)))
        err = WSAEFAULT;
    if (!err)
        err = host_ex.GetAddrInfoExW(name, service, space, provider, hints, result, timeout,
                                     overlapped, routine, handle);
    WSASetLastError(err);
    return err;
}

int impl_GetAddrInfoExOverlappedResult(LPOVERLAPPED overlapped)
{
    int err = host_ex_check();
    /* as Windows documents: no OVERLAPPED is WSAEINVAL, asked of no host */
    if (!err && !overlapped)
        err = WSAEINVAL;
    if (!err)
        err = host_ex.GetAddrInfoExOverlappedResult(overlapped);
    return err;
}

int impl_GetAddrInfoExCancel(LPHANDLE handle)
{
    int err = host_ex_check();
    /* no handle to cancel by is WSA_INVALID_HANDLE, as Windows documents */
    if (!err && !handle)
        err = WSA_INVALID_HANDLE;
    if (!err)
        err = host_ex.GetAddrInfoExCancel(handle);
    return err;
}

void impl_FreeAddrInfoExW(PADDRINFOEXW list)
{
    if (list && host_ex_ready)
        host_ex.FreeAddrInfoExW(list);
}
