/*
 * nameinfo.c - getnameinfo and GetNameInfoW on the namespace catalog: a
 * CEWS2_SVCID_NAMEINFO query (cews2.h) carrying the address, the flags and
 * the caller's buffer sizes, answered with the node as the instance name
 * and the service as the comment (hostprov asks the host's GetNameInfoW
 * with the same sizes, so a short buffer fails as the host's does).
 */
#include "nslookup.h"

static const GUID nameinfo_class = CEWS2_SVCID_NAMEINFO;

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

struct nameinfo_answer {
    WCHAR node[NI_MAXHOST];
    WCHAR service[NI_MAXSERV];
    BOOL answered;
};

static int collect(void *context, const WSAQUERYSETW *answer)
{
    struct nameinfo_answer *a = context;
    if (a->answered)
        return 0;
    a->answered = TRUE;
    if (answer->lpszServiceInstanceName)
        lstrcpynW(a->node, answer->lpszServiceInstanceName, NI_MAXHOST);
    if (answer->lpszComment)
        lstrcpynW(a->service, answer->lpszComment, NI_MAXSERV);
    return 0;
}

/* The query for both forms; lengths in characters. */
static int ask(const SOCKADDR *sa, socklen_t salen, const void *node, DWORD node_length,
               const void *service, DWORD service_length, int flags, struct nameinfo_answer *a)
{
    struct cews2_nameinfo_query q = { CEWS2_NAMEINFO_QUERY_MAGIC, flags, node != NULL, service != NULL,
                                      node_length, service_length };
    CSADDR_INFO address;
    BLOB blob = { sizeof(q), (BYTE *)&q };
    WSAQUERYSETW set;

    memset(a, 0, sizeof(*a));
    memset(&address, 0, sizeof(address));
    address.RemoteAddr.lpSockaddr = (SOCKADDR *)sa;
    address.RemoteAddr.iSockaddrLength = salen;
    memset(&set, 0, sizeof(set));
    set.dwSize = sizeof(set);
    set.lpServiceClassId = (GUID *)&nameinfo_class;
    set.dwNameSpace = NS_DNS;
    set.dwNumberOfCsAddrs = 1;
    set.lpcsaBuffer = &address;
    set.lpBlob = &blob;
    return ns_resolve(&set, LUP_RETURN_NAME | LUP_RETURN_COMMENT, collect, a);
}

static int check(const SOCKADDR *sa, socklen_t salen, BOOL node, BOOL service)
{
    if (!process_started())
        return WSANOTINITIALISED;
    if (!api_readable(sa, salen > 0 ? (size_t)salen : 1))
        return WSAEFAULT;
    return nameinfo_arguments(sa, salen, node, service);
}

int impl_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *node, DWORD nodelen,
                     char *service, DWORD servicelen, int flags)
{
    struct nameinfo_answer *a;
    int err = check(sa, salen, node != NULL, service != NULL);

    if (err) { WSASetLastError(err); return err; }
    a = HeapAlloc(GetProcessHeap(), 0, sizeof(*a));
    if (!a) { WSASetLastError(WSA_NOT_ENOUGH_MEMORY); return WSA_NOT_ENOUGH_MEMORY; }
    err = ask(sa, salen, node, nodelen, service, servicelen, flags, a);
    if (!err && ((node && !api_writable(node, nodelen)) || (service && !api_writable(service, servicelen))))
        err = WSAEFAULT;
    if (!err && node && !WideCharToMultiByte(CP_ACP, 0, a->node, -1, node, (int)nodelen, NULL, NULL))
        err = WSAEFAULT;
    if (!err && service && !WideCharToMultiByte(CP_ACP, 0, a->service, -1, service, (int)servicelen, NULL, NULL))
        err = WSAEFAULT;
    HeapFree(GetProcessHeap(), 0, a);
    WSASetLastError(err);
    return err;
}

int impl_GetNameInfoW(const SOCKADDR *sa, socklen_t salen, PWCHAR node, DWORD nodelen,
                      PWCHAR service, DWORD servicelen, INT flags)
{
    struct nameinfo_answer *a;
    int err = check(sa, salen, node != NULL, service != NULL);

    if (err) { WSASetLastError(err); return err; }
    a = HeapAlloc(GetProcessHeap(), 0, sizeof(*a));
    if (!a) { WSASetLastError(WSA_NOT_ENOUGH_MEMORY); return WSA_NOT_ENOUGH_MEMORY; }
    err = ask(sa, salen, node, nodelen, service, servicelen, flags, a);
    if (!err && node) {
        size_t n = wcslen(a->node) + 1;
        if (n > nodelen || !api_writable(node, n * sizeof(WCHAR)))
            err = WSAEFAULT;
        else
            memcpy(node, a->node, n * sizeof(WCHAR));
    }
    if (!err && service) {
        size_t n = wcslen(a->service) + 1;
        if (n > servicelen || !api_writable(service, n * sizeof(WCHAR)))
            err = WSAEFAULT;
        else
            memcpy(service, a->service, n * sizeof(WCHAR));
    }
    HeapFree(GetProcessHeap(), 0, a);
    WSASetLastError(err);
    return err;
}
