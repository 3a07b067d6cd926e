/*
 * namespace.c - NSPStartup and the NSP_ROUTINE table of hostprov's NS_DNS
 * namespace provider: the lookup records.  What each query is answered
 * with, by the host's resolver, is namespace_answer.c's.
 *
 * Every query is answered at NSPLookupServiceBegin (so a name the host
 * cannot resolve fails there, with the host's error, as ws2.dll's callers
 * expect), as one result set that NSPLookupServiceNext hands out once.
 */
#include "hostprov.h"
#include "../common/queryset_pack.h"

#include <string.h>
#include <svcguid.h>

static const GUID hostname_class = SVCID_HOSTNAME;
static const GUID host_by_name_class = SVCID_INET_HOSTADDRBYNAME;
static const GUID nameinfo_class = CEWS2_SVCID_NAMEINFO;
static const GUID our_id = CEWS2_HOST_NSP_ID;

struct ns_lookup {
    struct ns_lookup *next;
    GUID class_id;
    DWORD flags;                    /* LUP_* of Begin */
    BOOL delivered;
    struct ns_answer answer;
};

static SRWLOCK lookups_lock = SRWLOCK_INIT;
static struct ns_lookup *lookups;
static LONG starts;

WCHAR *ns_strdup(const WCHAR *s)
{
    size_t bytes;
    WCHAR *copy;
    if (!s)
        return NULL;
    bytes = (wcslen(s) + 1) * sizeof(WCHAR);
    copy = HeapAlloc(GetProcessHeap(), 0, bytes);
    if (copy)
        memcpy(copy, s, bytes);
    return copy;
}

void ns_answer_free(struct ns_answer *a)
{
    HeapFree(GetProcessHeap(), 0, a->name);
    HeapFree(GetProcessHeap(), 0, a->comment);
    HeapFree(GetProcessHeap(), 0, a->addrs);
    HeapFree(GetProcessHeap(), 0, a->storage);
    HeapFree(GetProcessHeap(), 0, a->blob);
    memset(a, 0, sizeof(*a));
}

static int fail(int err)
{
    WSASetLastError(err);
    return SOCKET_ERROR;
}

/* WHY: ws2.dll ends every provider it started at its last WSACleanup;
 * the host session NSPStartup opened closes with it. */
static INT WSAAPI nsp_cleanup(LPGUID provider)
{
    (void)provider;
    if (InterlockedDecrement(&starts) >= 0)
        WSACleanup();
    return 0;
}

static const void *query_blob(const WSAQUERYSETW *q, DWORD magic, DWORD size)
{
    if (q->lpBlob && q->lpBlob->pBlobData && q->lpBlob->cbSize >= size
        && *(const DWORD *)q->lpBlob->pBlobData == magic)
        return q->lpBlob->pBlobData;
    return NULL;
}

/* The query's answer, by its class (cews2.h lists the queries). */
static int answer_query(const WSAQUERYSETW *q, struct ns_answer *a)
{
    const GUID *c = q->lpServiceClassId;
    const void *blob;

    if (!c)
        return 0;       /* "everything in the namespace": the host has no list to give */
    if (IsEqualGUID(c, &hostname_class))
        return ns_answer_hostname(a);
    if (IsEqualGUID(c, &host_by_name_class)) {
        blob = query_blob(q, CEWS2_ADDRINFO_QUERY_MAGIC, sizeof(struct cews2_addrinfo_query));
        if (blob)
            return ns_answer_addrinfo(q->lpszServiceInstanceName, blob, a);
        return ns_answer_host(q->lpszServiceInstanceName, a);
    }
    if (IsEqualGUID(c, &nameinfo_class)) {
        blob = query_blob(q, CEWS2_NAMEINFO_QUERY_MAGIC, sizeof(struct cews2_nameinfo_query));
        if (!blob || q->dwNumberOfCsAddrs < 1 || !q->lpcsaBuffer
            || !q->lpcsaBuffer[0].RemoteAddr.lpSockaddr)
            return WSAEINVAL;
        return ns_answer_nameinfo(q->lpcsaBuffer[0].RemoteAddr.lpSockaddr,
                                  q->lpcsaBuffer[0].RemoteAddr.iSockaddrLength, blob, a);
    }
    return WSASERVICE_NOT_FOUND;
}

/* WHY: ws2.dll's resolution and applications' WSALookupServiceBegin come
 * here; the host is asked now, so that its error is Begin's. */
static INT WSAAPI nsp_begin(LPGUID provider, LPWSAQUERYSETW query, LPWSASERVICECLASSINFOW info,
                            DWORD flags, LPHANDLE handle)
{
    struct ns_lookup *l;
    int err;

    (void)provider; (void)info;
    if (!query || !handle)
        return fail(WSAEFAULT);
    if (query->dwNameSpace != NS_DNS && query->dwNameSpace != NS_ALL)
        return fail(WSAEINVAL);
    l = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*l));
    if (!l)
        return fail(WSA_NOT_ENOUGH_MEMORY);
    err = answer_query(query, &l->answer);
    if (err) {
        ns_answer_free(&l->answer);
        HeapFree(GetProcessHeap(), 0, l);
        return fail(err);
    }
    /* a query for everything has nothing to hand out */
    l->delivered = query->lpServiceClassId == NULL;
    if (query->lpServiceClassId)
        l->class_id = *query->lpServiceClassId;
    l->flags = flags;
    AcquireSRWLockExclusive(&lookups_lock);
    l->next = lookups;
    lookups = l;
    ReleaseSRWLockExclusive(&lookups_lock);
    *handle = (HANDLE)l;
    return 0;
}

static struct ns_lookup *find_lookup(HANDLE handle, BOOL unlink)
{
    struct ns_lookup *found = NULL;
    AcquireSRWLockExclusive(&lookups_lock);
    for (struct ns_lookup **at = &lookups; *at; at = &(*at)->next)
        if ((HANDLE)*at == handle) {
            found = *at;
            if (unlink)
                *at = found->next;
            break;
        }
    ReleaseSRWLockExclusive(&lookups_lock);
    return found;
}

/* WHY: hands the one result set out, with the parts the caller's LUP_*
 * flags of Begin or Next ask for; a buffer too small keeps it for the next
 * call (WSAEFAULT and the size). */
static INT WSAAPI nsp_next(HANDLE handle, DWORD flags, LPDWORD length, LPWSAQUERYSETW results)
{
    struct ns_lookup *l = find_lookup(handle, FALSE);
    struct queryset_content c;
    DWORD want;
    int err;

    if (!l)
        return fail(WSA_INVALID_HANDLE);
    if (!length)
        return fail(WSAEFAULT);
    if (l->delivered)
        return fail(WSA_E_NO_MORE);
    want = l->flags | flags;
    memset(&c, 0, sizeof(c));
    c.class_id = &l->class_id;
    c.name_space = NS_DNS;
    c.provider_id = &our_id;
    if (want & LUP_RETURN_NAME)
        c.name = l->answer.name;
    if (want & LUP_RETURN_COMMENT)
        c.comment = l->answer.comment;
    if (want & LUP_RETURN_ADDR) {
        c.addrs = l->answer.addrs;
        c.addr_count = l->answer.addr_count;
    }
    if ((want & LUP_RETURN_BLOB) && l->answer.blob) {
        c.blob = l->answer.blob;
        c.blob_size = l->answer.blob_size;
    }
    err = queryset_pack(&c, FALSE, results, length);
    if (err)
        return fail(err);
    l->delivered = TRUE;
    return 0;
}

static INT WSAAPI nsp_end(HANDLE handle)
{
    struct ns_lookup *l = find_lookup(handle, TRUE);
    if (!l)
        return fail(WSA_INVALID_HANDLE);
    ns_answer_free(&l->answer);
    HeapFree(GetProcessHeap(), 0, l);
    return 0;
}

/* Registering in DNS is a no-op on Windows (WSASetService's page: "This
 * is a NOP for the DNS namespace"), so it succeeds here too and changes
 * nothing the host resolves; an unknown operation is WSAEINVAL. */
static INT WSAAPI nsp_set_service(LPGUID provider, LPWSASERVICECLASSINFOW info, LPWSAQUERYSETW q,
                                  WSAESETSERVICEOP op, DWORD flags)
{
    (void)provider; (void)info; (void)q; (void)flags;
    if (op != RNRSERVICE_REGISTER && op != RNRSERVICE_DEREGISTER && op != RNRSERVICE_DELETE)
        return fail(WSAEINVAL);
    return 0;
}

/* The host's DNS holds no service classes we could install: WSAEOPNOTSUPP,
 * as for any provider without a registry. */
static INT WSAAPI nsp_install_class(LPGUID provider, LPWSASERVICECLASSINFOW info)
{
    (void)provider; (void)info;
    return fail(WSAEOPNOTSUPP);
}

static INT WSAAPI nsp_remove_class(LPGUID provider, LPGUID class_id)
{
    (void)provider; (void)class_id;
    return fail(WSAEOPNOTSUPP);
}

static INT WSAAPI nsp_class_info(LPGUID provider, LPDWORD size, LPWSASERVICECLASSINFOW info)
{
    (void)provider; (void)size; (void)info;
    return fail(WSAEOPNOTSUPP);
}

/*
 * WHY: ws2.dll calls this once per process when a lookup first needs the
 * NS_DNS provider; the host session it opens lives until NSPCleanup.
 */
INT WSAAPI NSPStartup(LPGUID provider, LPNSP_ROUTINE routine)
{
    WSADATA data;
    DWORD caller_error = GetLastError();
    int err;

    if (!provider || !routine)
        return fail(WSAEFAULT);
    if (!IsEqualGUID(provider, &our_id))
        return fail(WSAEINVAL);
    err = WSAStartup(MAKEWORD(2, 2), &data);
    SetLastError(caller_error);
    if (err)
        return fail(err);
    InterlockedIncrement(&starts);
    memset(routine, 0, sizeof(*routine));
    routine->cbSize = sizeof(*routine);
    routine->dwMajorVersion = 1;
    routine->dwMinorVersion = 0;
    routine->NSPCleanup = nsp_cleanup;
    routine->NSPLookupServiceBegin = nsp_begin;
    routine->NSPLookupServiceNext = nsp_next;
    routine->NSPLookupServiceEnd = nsp_end;
    routine->NSPSetService = nsp_set_service;
    routine->NSPInstallServiceClass = nsp_install_class;
    routine->NSPRemoveServiceClass = nsp_remove_class;
    routine->NSPGetServiceClassInfo = nsp_class_info;
    return 0;
}
