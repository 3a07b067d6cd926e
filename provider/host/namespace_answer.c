/*
 * namespace_answer.c - the answers of hostprov's NS_DNS namespace
 * provider, each from the host's resolver: gethostname, gethostbyname,
 * gethostbyaddr, GetAddrInfoW, GetNameInfoW.  These are the only calls of
 * the host's name resolution in ce-winsock (ws2.dll asks through the
 * namespace catalog; cews2.h lists the queries).
 */
#include "hostprov.h"

#include <string.h>
#include <wchar.h>
#include <stdio.h>
#include <wctype.h>

static WCHAR *widen(const char *s)
{
    int n;
    WCHAR *w;
    if (!s)
        return NULL;
    n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    w = n > 0 ? HeapAlloc(GetProcessHeap(), 0, (size_t)n * sizeof(WCHAR)) : NULL;
    if (w)
        MultiByteToWideChar(CP_ACP, 0, s, -1, w, n);
    return w;
}

/* Room for count addresses in the answer. */
static int reserve_addrs(struct ns_answer *a, DWORD count)
{
    if (!count)
        return 0;
    a->addrs = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, count * sizeof(*a->addrs));
    a->storage = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, count * sizeof(*a->storage));
    return a->addrs && a->storage ? 0 : WSA_NOT_ENOUGH_MEMORY;
}

static void add_addr(struct ns_answer *a, const SOCKADDR *sa, int length, int type, int protocol)
{
    DWORD i = a->addr_count++;
    if (length > (int)sizeof(a->storage[i]))
        length = (int)sizeof(a->storage[i]);
    memcpy(&a->storage[i], sa, (size_t)length);
    a->addrs[i].RemoteAddr.lpSockaddr = (SOCKADDR *)&a->storage[i];
    a->addrs[i].RemoteAddr.iSockaddrLength = length;
    a->addrs[i].iSocketType = type;
    a->addrs[i].iProtocol = protocol;
}

int ns_answer_hostname(struct ns_answer *a)
{
    char name[256];
    if (gethostname(name, sizeof(name)) == SOCKET_ERROR)
        return WSAGetLastError();
    a->name = widen(name);
    return a->name ? 0 : WSA_NOT_ENOUGH_MEMORY;
}

/* ---- hosts: gethostbyname and, for a reverse name, gethostbyaddr -------- */

/* "4.3.2.1.in-addr.arpa" -> 1.2.3.4; "<32 nibbles>.ip6.arpa" -> the
 * IPv6 address.  FALSE for any other name. */
static BOOL parse_reverse(const WCHAR *name, BYTE *address, int *length, int *family)
{
    size_t n = wcslen(name);
    if (n > 13 && !_wcsicmp(name + n - 13, L".in-addr.arpa")) {
        unsigned part[4];
        WCHAR tail[16];
        if (swscanf(name, L"%u.%u.%u.%u.%15ls", &part[3], &part[2], &part[1], &part[0], tail) != 5
            || _wcsicmp(tail, L"in-addr.arpa"))
            return FALSE;
        for (int i = 0; i < 4; i++) {
            if (part[i] > 255)
                return FALSE;
            address[i] = (BYTE)part[i];
        }
        *length = 4;
        *family = AF_INET;
        return TRUE;
    }
    if (n == 64 + 9 && !_wcsicmp(name + 64, L".ip6.arpa")) {
        memset(address, 0, 16);
        for (int i = 0; i < 32; i++) {
            WCHAR c = name[2 * i];
            int v = iswdigit(c) ? c - L'0' : (c >= L'a' && c <= L'f') ? c - L'a' + 10
                  : (c >= L'A' && c <= L'F') ? c - L'A' + 10 : -1;
            if (v < 0 || name[2 * i + 1] != L'.')
                return FALSE;
            /* nibble i counts from the address's last nibble */
            address[15 - i / 2] |= (BYTE)(i % 2 ? v << 4 : v);
        }
        *length = 16;
        *family = AF_INET6;
        return TRUE;
    }
    return FALSE;
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

/* The host's hostent as Windows' NSPs hand it out in a blob: the same
 * structure with offsets from the blob's start in place of pointers. */
static int hostent_blob(const struct hostent *h, struct ns_answer *a)
{
    size_t aliases = 0, addresses = 0, size, at;
    BYTE *blob;
    struct hostent *out;
    char **alias_table, **address_table;

    while (h->h_aliases && h->h_aliases[aliases]) aliases++;
    while (h->h_addr_list && h->h_addr_list[addresses]) addresses++;
    size = align8(sizeof(*out)) + align8((aliases + 1) * sizeof(char *))
         + align8((addresses + 1) * sizeof(char *)) + align8(strlen(h->h_name ? h->h_name : "") + 1);
    for (size_t i = 0; i < aliases; i++)
        size += strlen(h->h_aliases[i]) + 1;
    size = align8(size) + addresses * (size_t)h->h_length;
    blob = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size);
    if (!blob)
        return WSA_NOT_ENOUGH_MEMORY;
    out = (struct hostent *)blob;
    out->h_addrtype = h->h_addrtype;
    out->h_length = h->h_length;
    at = align8(sizeof(*out));
    alias_table = (char **)(blob + at);
    out->h_aliases = (char **)(ULONG_PTR)at;
    at += align8((aliases + 1) * sizeof(char *));
    address_table = (char **)(blob + at);
    out->h_addr_list = (char **)(ULONG_PTR)at;
    at += align8((addresses + 1) * sizeof(char *));
    out->h_name = (char *)(ULONG_PTR)at;
    strcpy((char *)blob + at, h->h_name ? h->h_name : "");
    at += align8(strlen(h->h_name ? h->h_name : "") + 1);
    for (size_t i = 0; i < aliases; i++) {
        alias_table[i] = (char *)(ULONG_PTR)at;
        strcpy((char *)blob + at, h->h_aliases[i]);
        at += strlen(h->h_aliases[i]) + 1;
    }
    at = align8(at);
    for (size_t i = 0; i < addresses; i++) {
        address_table[i] = (char *)(ULONG_PTR)at;
        memcpy(blob + at, h->h_addr_list[i], (size_t)h->h_length);
        at += (size_t)h->h_length;
    }
    a->blob = blob;
    a->blob_size = (DWORD)size;
    return 0;
}

/* The addresses of a hostent as CSADDR_INFO, for callers that read those. */
static int hostent_addrs(const struct hostent *h, struct ns_answer *a)
{
    DWORD count = 0;
    while (h->h_addr_list && h->h_addr_list[count]) count++;
    if (reserve_addrs(a, count))
        return WSA_NOT_ENOUGH_MEMORY;
    for (DWORD i = 0; i < count; i++) {
        SOCKADDR_STORAGE s;
        memset(&s, 0, sizeof(s));
        if (h->h_addrtype == AF_INET6 && h->h_length == 16) {
            SOCKADDR_IN6 *v6 = (SOCKADDR_IN6 *)&s;
            v6->sin6_family = AF_INET6;
            memcpy(&v6->sin6_addr, h->h_addr_list[i], 16);
            add_addr(a, (SOCKADDR *)v6, sizeof(*v6), SOCK_STREAM, IPPROTO_TCP);
        } else if (h->h_addrtype == AF_INET && h->h_length == 4) {
            SOCKADDR_IN *v4 = (SOCKADDR_IN *)&s;
            v4->sin_family = AF_INET;
            memcpy(&v4->sin_addr, h->h_addr_list[i], 4);
            add_addr(a, (SOCKADDR *)v4, sizeof(*v4), SOCK_STREAM, IPPROTO_TCP);
        }
    }
    return 0;
}

int ns_answer_host(const WCHAR *name, struct ns_answer *a)
{
    struct hostent *h;
    BYTE address[16];
    int length, family, err;

    if (name && parse_reverse(name, address, &length, &family)) {
        h = gethostbyaddr((const char *)address, length, family);
    } else if (name) {
        char narrow[1024];
        if (!WideCharToMultiByte(CP_ACP, 0, name, -1, narrow, sizeof(narrow), NULL, NULL))
            return WSAHOST_NOT_FOUND;
        h = gethostbyname(narrow);
    } else {
        h = gethostbyname(NULL);
    }
    if (!h)
        return WSAGetLastError();
    /* copied at once: the host's hostent is per thread and the next call's */
    a->name = widen(h->h_name);
    err = hostent_blob(h, a);
    if (!err)
        err = hostent_addrs(h, a);
    return err;
}

/* ---- getaddrinfo and getnameinfo ----------------------------------------- */

int ns_answer_addrinfo(const WCHAR *name, const struct cews2_addrinfo_query *q, struct ns_answer *a)
{
    ADDRINFOW hints, *list = NULL;
    struct cews2_addrinfo_answer *flags;
    DWORD count = 0;
    int err;

    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = q->flags;
    hints.ai_family = q->family;
    hints.ai_socktype = q->socktype;
    hints.ai_protocol = q->protocol;
    err = GetAddrInfoW(name, q->has_service ? q->service : NULL, q->has_hints ? &hints : NULL, &list);
    if (err)
        return err;
    for (ADDRINFOW *i = list; i; i = i->ai_next)
        count++;
    err = reserve_addrs(a, count);
    a->blob_size = (DWORD)(sizeof(*flags) + (count ? count - 1 : 0) * sizeof(int));
    flags = a->blob = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, a->blob_size);
    if (!err && !flags)
        err = WSA_NOT_ENOUGH_MEMORY;
    if (!err) {
        flags->magic = CEWS2_ADDRINFO_ANSWER_MAGIC;
        flags->count = count;
        for (ADDRINFOW *i = list; i; i = i->ai_next) {
            flags->flags[a->addr_count] = i->ai_flags;
            add_addr(a, i->ai_addr, (int)i->ai_addrlen, i->ai_socktype, i->ai_protocol);
        }
        if (list->ai_canonname && !(a->name = ns_strdup(list->ai_canonname)))
            err = WSA_NOT_ENOUGH_MEMORY;
    }
    FreeAddrInfoW(list);
    return err;
}

int ns_answer_nameinfo(const SOCKADDR *sa, int length, const struct cews2_nameinfo_query *q,
                       struct ns_answer *a)
{
    WCHAR node[NI_MAXHOST], service[NI_MAXSERV];
    DWORD node_length = q->node_length < NI_MAXHOST ? q->node_length : NI_MAXHOST;
    DWORD service_length = q->service_length < NI_MAXSERV ? q->service_length : NI_MAXSERV;
    int err = GetNameInfoW(sa, length, q->want_node ? node : NULL, node_length,
                           q->want_service ? service : NULL, service_length, q->flags);
    if (err)
        return err;
    if (q->want_node && !(a->name = ns_strdup(node)))
        return WSA_NOT_ENOUGH_MEMORY;
    if (q->want_service && !(a->comment = ns_strdup(service)))
        return WSA_NOT_ENOUGH_MEMORY;
    return 0;
}
