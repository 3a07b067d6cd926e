/*
 * hostnames.c - gethostbyname, gethostbyaddr, gethostname and GetHostNameW,
 * resolved through the namespace catalog (nslookup.h) as Winsock 2 does:
 * a SVCID_INET_HOSTADDRBYNAME query (gethostbyaddr asks the reverse name,
 * "4.3.2.1.in-addr.arpa" or the ip6.arpa nibbles) or a SVCID_HOSTNAME
 * query on the NS_DNS providers.  ws2.dll never calls the host's resolver:
 * hostprov's namespace provider does, like any other provider would.
 *
 * The hostent is one per thread (a thread_slot block), overwritten by the
 * thread's next call, as Windows documents; it is built from the
 * provider's HOSTENT blob when it gives one (offsets from the blob's start,
 * checked to stay inside it), or from the addresses and name it returned.
 */
#include "nslookup.h"

#include <stdio.h>
#include <svcguid.h>

static const GUID host_by_name_class = SVCID_INET_HOSTADDRBYNAME;
static const GUID hostname_class = SVCID_HOSTNAME;

#define MAX_ENTRIES 35   /* aliases and addresses kept, as Windows' MAXADDRS */

struct host_parts {
    char name[256];
    char *aliases[MAX_ENTRIES + 1];
    size_t alias_count;
    BYTE addresses[MAX_ENTRIES][16];
    size_t address_count;
    short family, length;
    char alias_text[2048];
    size_t alias_used;
    BOOL answered;
};

/*
 * The calling thread's hostent and everything it points to, one thread_slot
 * block per thread, rewritten in place by the thread's next call (what a
 * caller still holds stays readable memory) and freed at thread exit by
 * DllMain.  Not a __thread variable: thread_slot.h says why (this one, read
 * again at DLL_THREAD_DETACH after emulated TLS had freed it, hung
 * processes whose short-lived threads looked names up).
 */
struct thread_hostent {
    struct hostent ent;
    char *aliases[MAX_ENTRIES + 1];
    char *addresses[MAX_ENTRIES + 1];
    char name[256];
    char alias_text[2048];
    BYTE address_bytes[MAX_ENTRIES][16];
};

static struct thread_slot hostent_slot = THREAD_SLOT_BLOCK(sizeof(struct thread_hostent), NULL);

/* A blob's offset as a pointer into it, or NULL when it leaves the blob. */
static const BYTE *inside(const BLOB *b, ULONG_PTR offset, size_t n)
{
    if (offset >= b->cbSize || n > b->cbSize - offset)
        return NULL;
    return b->pBlobData + offset;
}

static const char *blob_string(const BLOB *b, ULONG_PTR offset)
{
    const BYTE *s = inside(b, offset, 1);
    if (!s || !memchr(s, 0, b->cbSize - offset))
        return NULL;
    return (const char *)s;
}

/* A provider's HOSTENT blob into parts; FALSE if it is not a sound one. */
static BOOL parts_from_blob(const BLOB *b, struct host_parts *p)
{
    const struct hostent *h = (const struct hostent *)inside(b, 0, sizeof(struct hostent));
    const char *name;
    if (!h || (h->h_length != 4 && h->h_length != 16) || !(name = blob_string(b, (ULONG_PTR)h->h_name)))
        return FALSE;
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->family = h->h_addrtype;
    p->length = h->h_length;
    for (size_t i = 0; p->alias_count < MAX_ENTRIES; i++) {
        const ULONG_PTR *slot = (const ULONG_PTR *)inside(b, (ULONG_PTR)h->h_aliases + i * sizeof(ULONG_PTR), sizeof(ULONG_PTR));
        const char *alias;
        size_t n;
        if (!slot || !*slot || !(alias = blob_string(b, *slot)))
            break;
        n = strlen(alias) + 1;
        if (p->alias_used + n > sizeof(p->alias_text))
            break;
        memcpy(p->alias_text + p->alias_used, alias, n);
        p->aliases[p->alias_count++] = p->alias_text + p->alias_used;
        p->alias_used += n;
    }
    for (size_t i = 0; p->address_count < MAX_ENTRIES; i++) {
        const ULONG_PTR *slot = (const ULONG_PTR *)inside(b, (ULONG_PTR)h->h_addr_list + i * sizeof(ULONG_PTR), sizeof(ULONG_PTR));
        const BYTE *address;
        if (!slot || !*slot || !(address = inside(b, *slot, (size_t)h->h_length)))
            break;
        memcpy(p->addresses[p->address_count++], address, (size_t)h->h_length);
    }
    return TRUE;
}

/* Without a blob: the name and the addresses of the first family seen. */
static void parts_from_addresses(const WSAQUERYSETW *answer, struct host_parts *p)
{
    if (answer->lpszServiceInstanceName)
        WideCharToMultiByte(CP_ACP, 0, answer->lpszServiceInstanceName, -1, p->name,
                            sizeof(p->name), NULL, NULL);
    for (DWORD i = 0; i < answer->dwNumberOfCsAddrs && p->address_count < MAX_ENTRIES; i++) {
        const SOCKET_ADDRESS *a = &answer->lpcsaBuffer[i].RemoteAddr;
        if (!a->lpSockaddr)
            continue;
        if (a->lpSockaddr->sa_family == AF_INET && a->iSockaddrLength >= (int)sizeof(SOCKADDR_IN)
            && (!p->family || p->family == AF_INET)) {
            p->family = AF_INET;
            p->length = 4;
            memcpy(p->addresses[p->address_count++], &((SOCKADDR_IN *)a->lpSockaddr)->sin_addr, 4);
        } else if (a->lpSockaddr->sa_family == AF_INET6 && a->iSockaddrLength >= (int)sizeof(SOCKADDR_IN6)
                   && (!p->family || p->family == AF_INET6)) {
            p->family = AF_INET6;
            p->length = 16;
            memcpy(p->addresses[p->address_count++], &((SOCKADDR_IN6 *)a->lpSockaddr)->sin6_addr, 16);
        }
    }
}

static int collect_host(void *context, const WSAQUERYSETW *answer)
{
    struct host_parts *p = context;
    if (p->answered)
        return 0;
    p->answered = TRUE;
    if (!(answer->lpBlob && parts_from_blob(answer->lpBlob, p)))
        parts_from_addresses(answer, p);
    return 0;
}

/* The parts as the thread's hostent (the previous one overwritten). */
static struct hostent *thread_result(const struct host_parts *p)
{
    struct thread_hostent *t = thread_slot_block(&hostent_slot);

    if (!t)
        return NULL;
    memset(t, 0, sizeof(*t));
    strcpy(t->name, p->name);
    memcpy(t->alias_text, p->alias_text, p->alias_used);
    for (size_t i = 0; i < p->alias_count; i++)
        t->aliases[i] = t->alias_text + (p->aliases[i] - p->alias_text);
    for (size_t i = 0; i < p->address_count; i++) {
        memcpy(t->address_bytes[i], p->addresses[i], (size_t)p->length);
        t->addresses[i] = (char *)t->address_bytes[i];
    }
    t->ent.h_name = t->name;
    t->ent.h_aliases = t->aliases;
    t->ent.h_addr_list = t->addresses;
    t->ent.h_addrtype = p->family;
    t->ent.h_length = p->length;
    return &t->ent;
}

/* One SVCID_INET_HOSTADDRBYNAME query for name (NULL: this host). */
static struct hostent *host_query(const WCHAR *name)
{
    WSAQUERYSETW q;
    struct host_parts *p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*p));
    struct hostent *h = NULL;
    int err;

    if (!p) { WSASetLastError(WSA_NOT_ENOUGH_MEMORY); return NULL; }
    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpszServiceInstanceName = (WCHAR *)name;
    q.lpServiceClassId = (GUID *)&host_by_name_class;
    q.dwNameSpace = NS_DNS;
    err = ns_resolve(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR | LUP_RETURN_ALIASES | LUP_RETURN_BLOB,
                     collect_host, p);
    if (!err && p->address_count == 0)
        err = WSANO_DATA;
    if (!err && !(h = thread_result(p)))
        err = WSA_NOT_ENOUGH_MEMORY;
    HeapFree(GetProcessHeap(), 0, p);
    WSASetLastError(err);
    return h;
}

struct hostent *impl_gethostbyname(const char *name)
{
    WCHAR wide[1024];
    if (!process_started()) { WSASetLastError(WSANOTINITIALISED); return NULL; }
    if (name && !api_readable(name, 1)) { WSASetLastError(WSAEFAULT); return NULL; }
    if (name && !MultiByteToWideChar(CP_ACP, 0, name, -1, wide, ARRAYSIZE(wide))) {
        WSASetLastError(WSAHOST_NOT_FOUND);
        return NULL;
    }
    return host_query(name ? wide : NULL);
}

struct hostent *impl_gethostbyaddr(const char *addr, int len, int type)
{
    const BYTE *a = (const BYTE *)addr;
    WCHAR name[80];

    if (!process_started()) { WSASetLastError(WSANOTINITIALISED); return NULL; }
    if (len <= 0 || !api_readable(addr, (size_t)len)) { WSASetLastError(WSAEFAULT); return NULL; }
    /* "len too small" is WSAEFAULT (Wine's host says WSAEAFNOSUPPORT) */
    if ((type == AF_INET && len < 4) || (type == AF_INET6 && len < 16)) { WSASetLastError(WSAEFAULT); return NULL; }
    if (type == AF_INET) {
        __mingw_snwprintf(name, ARRAYSIZE(name), L"%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
    } else if (type == AF_INET6) {
        WCHAR *at = name;
        for (int i = 15; i >= 0; i--) {
            *at++ = L"0123456789abcdef"[a[i] & 15];
            *at++ = L'.';
            *at++ = L"0123456789abcdef"[a[i] >> 4];
            *at++ = L'.';
        }
        wcscpy(at, L"ip6.arpa");
    } else {
        WSASetLastError(WSAEAFNOSUPPORT);
        return NULL;
    }
    return host_query(name);
}

static int collect_name(void *context, const WSAQUERYSETW *answer)
{
    WCHAR *name = context;
    if (!name[0] && answer->lpszServiceInstanceName)
        lstrcpynW(name, answer->lpszServiceInstanceName, 256);
    return 0;
}

/* This host's name from the providers' SVCID_HOSTNAME answer. */
static int host_name(WCHAR name[256])
{
    WSAQUERYSETW q;
    int err;

    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpszServiceInstanceName = (WCHAR *)L"";
    q.lpServiceClassId = (GUID *)&hostname_class;
    q.dwNameSpace = NS_DNS;
    name[0] = 0;
    err = ns_resolve(&q, LUP_RETURN_NAME, collect_name, name);
    if (!err && !name[0])
        err = WSANO_DATA;
    return err;
}

int impl_gethostname(char *name, int len)
{
    WCHAR wide[256];
    char narrow[256 * 2];
    int n, err;

    if (!process_started()) return api_fail(WSANOTINITIALISED);
    if (len <= 0 || !api_writable(name, (size_t)len)) return api_fail(WSAEFAULT);
    err = host_name(wide);
    if (err) return api_fail(err);
    n = WideCharToMultiByte(CP_ACP, 0, wide, -1, narrow, sizeof(narrow), NULL, NULL);
    if (!n) return api_fail(WSANO_RECOVERY);
    /* a buffer too short for the name and its NUL is WSAEFAULT, untouched */
    if (n > len) return api_fail(WSAEFAULT);
    memcpy(name, narrow, (size_t)n);
    WSASetLastError(0);
    return 0;
}

/* GetHostNameW (a desktop extension, Windows 8): the same name in UTF-16;
 * len counts characters, and a buffer too short for the name and its NUL
 * is WSAEFAULT with the buffer left alone, as gethostname does. */
int impl_GetHostNameW(WCHAR *name, int len)
{
    WCHAR wide[256];
    int n, err;

    if (!process_started()) return api_fail(WSANOTINITIALISED);
    if (!name || len <= 0) return api_fail(WSAEFAULT);
    err = host_name(wide);
    if (err) return api_fail(err);
    n = (int)wcslen(wide) + 1;
    if (n > len || !api_writable(name, (size_t)n * sizeof(WCHAR))) return api_fail(WSAEFAULT);
    memcpy(name, wide, (size_t)n * sizeof(WCHAR));
    WSASetLastError(0);
    return 0;
}
