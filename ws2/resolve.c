/*
 * resolve.c - getaddrinfo's look-up on the namespace catalog (resolve.h),
 * as Windows does it: a SVCID_INET_HOSTADDRBYNAME query on the NS_DNS
 * providers.  The query carries the caller's service and hints in its blob
 * (struct cews2_addrinfo_query, cews2.h): hostprov hands them to the host's
 * resolver and answers the finished list, so results and errors are the
 * host's; a provider that ignores the blob answers addresses only, and the
 * hints and the service's port are applied here.
 */
#include "resolve.h"

#include <svcguid.h>
#include <wchar.h>

static const GUID host_by_name_class = SVCID_INET_HOSTADDRBYNAME;

static int add_entry(struct resolved *r, const struct resolved_entry *e)
{
    if (r->count == r->capacity) {
        size_t capacity = r->capacity ? r->capacity * 2 : 8;
        void *grown = r->entries
            ? HeapReAlloc(GetProcessHeap(), 0, r->entries, capacity * sizeof(*r->entries))
            : HeapAlloc(GetProcessHeap(), 0, capacity * sizeof(*r->entries));
        if (!grown)
            return WSA_NOT_ENOUGH_MEMORY;
        r->entries = grown;
        r->capacity = capacity;
    }
    r->entries[r->count++] = *e;
    return 0;
}

static int keep_canonical(struct resolved *r, const WCHAR *name)
{
    size_t bytes;
    if (r->canonical || !name)
        return 0;
    bytes = (wcslen(name) + 1) * sizeof(WCHAR);
    r->canonical = HeapAlloc(GetProcessHeap(), 0, bytes);
    if (!r->canonical)
        return WSA_NOT_ENOUGH_MEMORY;
    memcpy(r->canonical, name, bytes);
    return 0;
}

/* The port of the caller's service for a provider that answered only
 * addresses: a number, or a name from the services database. */
static int service_port(const struct cews2_addrinfo_query *q, int socktype, u_short *port)
{
    char narrow[256], *end;
    unsigned long n;
    struct servent *s;

    *port = 0;
    if (!q->has_service)
        return 0;
    if (!WideCharToMultiByte(CP_ACP, 0, q->service, -1, narrow, sizeof(narrow), NULL, NULL))
        return WSATYPE_NOT_FOUND;
    n = strtoul(narrow, &end, 10);
    if (narrow[0] && !*end && n <= 65535) {
        *port = htons((u_short)n);
        return 0;
    }
    if (q->flags & AI_NUMERICSERV)
        return WSAHOST_NOT_FOUND;
    s = impl_getservbyname(narrow, socktype == SOCK_DGRAM ? "udp" : "tcp");
    if (!s)
        return WSATYPE_NOT_FOUND;
    *port = (u_short)s->s_port;
    return 0;
}

/* One CSADDR_INFO of a provider that did not read the blob. */
static int add_plain(struct resolved *r, const CSADDR_INFO *c)
{
    const struct cews2_addrinfo_query *q = r->query;
    const SOCKET_ADDRESS *a = &c->RemoteAddr;
    struct resolved_entry e;
    u_short port;
    int err;

    if (!a->lpSockaddr || a->iSockaddrLength <= 0 || a->iSockaddrLength > (int)sizeof(e.address))
        return 0;
    memset(&e, 0, sizeof(e));
    e.family = a->lpSockaddr->sa_family;
    if ((e.family != AF_INET && e.family != AF_INET6) || (q->family && q->family != e.family))
        return 0;
    e.socktype = q->socktype ? q->socktype : c->iSocketType;
    e.protocol = q->protocol ? q->protocol : c->iProtocol;
    e.length = a->iSockaddrLength;
    memcpy(&e.address, a->lpSockaddr, (size_t)e.length);
    err = service_port(q, e.socktype, &port);
    if (err)
        return err;
    if (e.family == AF_INET)
        ((SOCKADDR_IN *)&e.address)->sin_port = port;
    else
        ((SOCKADDR_IN6 *)&e.address)->sin6_port = port;
    return add_entry(r, &e);
}

static int collect(void *context, const WSAQUERYSETW *answer)
{
    struct resolved *r = context;
    const struct cews2_addrinfo_answer *full = NULL;
    int err = 0;

    if (answer->lpBlob && answer->lpBlob->cbSize >= sizeof(*full)) {
        full = (const struct cews2_addrinfo_answer *)answer->lpBlob->pBlobData;
        if (full->magic != CEWS2_ADDRINFO_ANSWER_MAGIC || full->count != answer->dwNumberOfCsAddrs
            || answer->lpBlob->cbSize < sizeof(*full) + (full->count ? full->count - 1 : 0) * sizeof(int))
            full = NULL;
    }
    for (DWORD i = 0; !err && i < answer->dwNumberOfCsAddrs; i++) {
        const CSADDR_INFO *c = &answer->lpcsaBuffer[i];
        struct resolved_entry e;
        if (!full) {
            err = add_plain(r, c);
            continue;
        }
        if (!c->RemoteAddr.lpSockaddr || c->RemoteAddr.iSockaddrLength <= 0
            || c->RemoteAddr.iSockaddrLength > (int)sizeof(e.address))
            continue;
        memset(&e, 0, sizeof(e));
        e.flags = full->flags[i];
        e.family = c->RemoteAddr.lpSockaddr->sa_family;
        e.socktype = c->iSocketType;
        e.protocol = c->iProtocol;
        e.length = c->RemoteAddr.iSockaddrLength;
        memcpy(&e.address, c->RemoteAddr.lpSockaddr, (size_t)e.length);
        err = add_entry(r, &e);
    }
    if (!err && (r->query->flags & AI_CANONNAME))
        err = keep_canonical(r, answer->lpszServiceInstanceName);
    /* a provider's failure to answer this caller is getaddrinfo's error,
     * not a reason to stop collecting what it can use */
    if (err && err != WSA_NOT_ENOUGH_MEMORY) {
        r->error = err;
        err = 0;
    }
    return err;
}

int resolve_addresses(const WCHAR *node, const WCHAR *service, const ADDRINFOW *hints, DWORD space,
                      const GUID *provider, struct resolved *out)
{
    struct cews2_addrinfo_query q;
    BLOB blob;
    WSAQUERYSETW set;
    int err;

    memset(out, 0, sizeof(*out));
    memset(&q, 0, sizeof(q));
    q.magic = CEWS2_ADDRINFO_QUERY_MAGIC;
    if (hints) {
        q.has_hints = 1;
        q.flags = hints->ai_flags;
        q.family = hints->ai_family;
        q.socktype = hints->ai_socktype;
        q.protocol = hints->ai_protocol;
    }
    if (service) {
        if (wcslen(service) >= ARRAYSIZE(q.service))
            return WSATYPE_NOT_FOUND;
        q.has_service = 1;
        wcscpy(q.service, service);
    }
    blob.cbSize = sizeof(q);
    blob.pBlobData = (BYTE *)&q;
    memset(&set, 0, sizeof(set));
    set.dwSize = sizeof(set);
    set.lpszServiceInstanceName = (WCHAR *)node;
    set.lpServiceClassId = (GUID *)&host_by_name_class;
    set.dwNameSpace = space;
    set.lpNSProviderId = (GUID *)provider;
    set.lpBlob = &blob;
    out->query = &q;
    err = ns_resolve(&set, LUP_RETURN_NAME | LUP_RETURN_ADDR | LUP_RETURN_BLOB, collect, out);
    if (!err && out->count == 0)
        err = out->error ? out->error : WSAHOST_NOT_FOUND;
    out->query = NULL;
    if (err)
        resolved_free(out);
    return err;
}

void resolved_free(struct resolved *r)
{
    HeapFree(GetProcessHeap(), 0, r->entries);
    HeapFree(GetProcessHeap(), 0, r->canonical);
    memset(r, 0, sizeof(*r));
}
