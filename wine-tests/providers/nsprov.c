/*
 * nsprov.c - a test NS_DNS namespace provider, for test_namespace only
 * (installed by the test with WSCInstallNameSpace, never by ws2inst).
 *
 * It knows one made-up name, NSPROV_NAME, at NSPROV_ADDRESS, and answers
 * SVCID_INET_HOSTADDRBYNAME queries for it the standard way: the address
 * as a CSADDR_INFO, the name as the instance name, no blob.  Any other
 * name or class is WSASERVICE_NOT_FOUND.  NSPSetService registers other
 * names for the process's life (RNRSERVICE_REGISTER: the instance name at
 * the first CSADDR_INFO's LocalAddr, an IPv4 address; a second REGISTER of
 * the name replaces it; DEREGISTER and DELETE remove it, an unknown name
 * is WSASERVICE_NOT_FOUND); lookups answer them like NSPROV_NAME.  At most
 * NSPROV_SERVICES at once (then WSA_NOT_ENOUGH_MEMORY).  NSPROV_SLOW_NAME is answered
 * the same, after NSPROV_SLOW_MS (for cancel and timeout tests);
 * NSPROV_CRASH_NAME makes NSPLookupServiceBegin fault (a NULL write).  It
 * counts its NSPStartup and NSPCleanup calls in the process's environment
 * (NSPROV_STARTS, NSPROV_CLEANUPS), for the test to read.  The host cannot resolve the
 * name, so an application that gets the address back was answered through
 * ws2.dll's namespace catalog.
 */
#include <cews2.h>
#include <svcguid.h>
#include <string.h>
#include <wchar.h>

#define NSPROV_NAME    L"ce-winsock-nsp-test.invalid"
#define NSPROV_SLOW_NAME L"slow.ce-winsock-nsp-test.invalid"
#define NSPROV_SLOW_MS 1500
#define NSPROV_CRASH_NAME L"crash.ce-winsock-nsp-test.invalid"
/* its address: 192.0.2.77 (TEST-NET-1), set byte by byte (no Winsock import) */

static const GUID host_by_name = SVCID_INET_HOSTADDRBYNAME;

#define NSPROV_SERVICES 8
#define NSPROV_NAME_MAX 128

/* What a lookup answers: one name at one address. */
struct lookup {
    BOOL delivered;
    SOCKADDR_IN address;
    WCHAR name[NSPROV_NAME_MAX];
};

/* The names registered through WSASetService. */
struct service {
    BOOL used;
    SOCKADDR_IN address;
    WCHAR name[NSPROV_NAME_MAX];
};
static struct service services[NSPROV_SERVICES];
static SRWLOCK services_lock = SRWLOCK_INIT;

static INT fail(int error)
{
    SetLastError(error);
    return SOCKET_ERROR;
}

/* The registered service called name (lock held), or NULL. */
static struct service *service_find(const WCHAR *name)
{
    for (int i = 0; i < NSPROV_SERVICES; i++)
        if (services[i].used && !_wcsicmp(services[i].name, name))
            return &services[i];
    return NULL;
}

static INT WSAAPI set_service(LPGUID id, LPWSASERVICECLASSINFOW info, LPWSAQUERYSETW q, WSAESETSERVICEOP op,
                              DWORD flags)
{
    const SOCKADDR_IN *at = NULL;
    struct service *s;
    INT result = 0;
    (void)id; (void)info; (void)flags;
    if (!q || !q->lpszServiceInstanceName || wcslen(q->lpszServiceInstanceName) >= NSPROV_NAME_MAX)
        return fail(WSAEINVAL);
    if (op == RNRSERVICE_REGISTER) {
        if (q->dwNumberOfCsAddrs < 1 || !q->lpcsaBuffer || !q->lpcsaBuffer[0].LocalAddr.lpSockaddr
            || q->lpcsaBuffer[0].LocalAddr.iSockaddrLength < (INT)sizeof(SOCKADDR_IN)
            || q->lpcsaBuffer[0].LocalAddr.lpSockaddr->sa_family != AF_INET)
            return fail(WSAEINVAL);
        at = (const SOCKADDR_IN *)q->lpcsaBuffer[0].LocalAddr.lpSockaddr;
    }
    AcquireSRWLockExclusive(&services_lock);
    s = service_find(q->lpszServiceInstanceName);
    if (at) {
        for (int i = 0; !s && i < NSPROV_SERVICES; i++)
            if (!services[i].used)
                s = &services[i];
        if (s) {
            s->used = TRUE;
            s->address = *at;
            wcscpy(s->name, q->lpszServiceInstanceName);
        } else {
            result = fail(WSA_NOT_ENOUGH_MEMORY);
        }
    } else if (s) {
        s->used = FALSE;
    } else {
        result = fail(WSASERVICE_NOT_FOUND);
    }
    ReleaseSRWLockExclusive(&services_lock);
    return result;
}

static void count(const WCHAR *variable)
{
    WCHAR text[16];
    unsigned n = 0;
    if (GetEnvironmentVariableW(variable, text, 16))
        n = (unsigned)wcstoul(text, NULL, 10);
    _snwprintf(text, 16, L"%u", n + 1);
    text[15] = 0;
    SetEnvironmentVariableW(variable, text);
}

static INT WSAAPI cleanup(LPGUID id) { (void)id; count(L"NSPROV_CLEANUPS"); return 0; }

static INT WSAAPI begin(LPGUID id, LPWSAQUERYSETW q, LPWSASERVICECLASSINFOW info, DWORD flags,
                        LPHANDLE handle)
{
    struct lookup *l;
    (void)id; (void)info; (void)flags;
    if (!q || !q->lpServiceClassId || !IsEqualGUID(q->lpServiceClassId, &host_by_name)
        || !q->lpszServiceInstanceName)
        return fail(WSASERVICE_NOT_FOUND);
    if (!_wcsicmp(q->lpszServiceInstanceName, NSPROV_CRASH_NAME))
        *(volatile int *)0 = 0;
    l = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*l));
    if (!l)
        return fail(WSA_NOT_ENOUGH_MEMORY);
    /* NSPROV_NAME (and the slow one) at 192.0.2.77, set byte by byte */
    l->address.sin_family = AF_INET;
    l->address.sin_addr.S_un.S_un_b.s_b1 = 192;
    l->address.sin_addr.S_un.S_un_b.s_b2 = 0;
    l->address.sin_addr.S_un.S_un_b.s_b3 = 2;
    l->address.sin_addr.S_un.S_un_b.s_b4 = 77;
    wcscpy(l->name, NSPROV_NAME);
    if (!_wcsicmp(q->lpszServiceInstanceName, NSPROV_SLOW_NAME)) {
        Sleep(NSPROV_SLOW_MS);
    } else if (_wcsicmp(q->lpszServiceInstanceName, NSPROV_NAME)) {
        /* else one registered through WSASetService */
        struct service *s;
        AcquireSRWLockShared(&services_lock);
        s = service_find(q->lpszServiceInstanceName);
        if (s) {
            l->address = s->address;
            wcscpy(l->name, s->name);
        }
        ReleaseSRWLockShared(&services_lock);
        if (!s) {
            HeapFree(GetProcessHeap(), 0, l);
            return fail(WSASERVICE_NOT_FOUND);
        }
    }
    *handle = l;
    return 0;
}

/* One result set: [WSAQUERYSETW][CSADDR_INFO][SOCKADDR_IN][name]. */
static INT WSAAPI next(HANDLE handle, DWORD flags, LPDWORD length, LPWSAQUERYSETW out)
{
    struct lookup *l = handle;
    DWORD name_size = (DWORD)((wcslen(l->name) + 1) * sizeof(WCHAR));
    DWORD need = sizeof(WSAQUERYSETW) + sizeof(CSADDR_INFO) + sizeof(SOCKADDR_IN) + name_size;
    CSADDR_INFO *addr;
    SOCKADDR_IN *sin;
    (void)flags;
    if (l->delivered)
        return fail(WSA_E_NO_MORE);
    if (*length < need) {
        *length = need;
        return fail(WSAEFAULT);
    }
    memset(out, 0, need);
    addr = (CSADDR_INFO *)(out + 1);
    sin = (SOCKADDR_IN *)(addr + 1);
    *sin = l->address;
    addr->RemoteAddr.lpSockaddr = (SOCKADDR *)sin;
    addr->RemoteAddr.iSockaddrLength = sizeof(*sin);
    addr->iSocketType = SOCK_STREAM;
    addr->iProtocol = IPPROTO_TCP;
    memcpy(sin + 1, l->name, name_size);
    out->dwSize = sizeof(*out);
    out->dwNameSpace = NS_DNS;
    out->lpszServiceInstanceName = (WCHAR *)(sin + 1);
    out->dwNumberOfCsAddrs = 1;
    out->lpcsaBuffer = addr;
    l->delivered = TRUE;
    return 0;
}

static INT WSAAPI end(HANDLE handle) { HeapFree(GetProcessHeap(), 0, handle); return 0; }

__declspec(dllexport) INT WSAAPI NSPStartup(LPGUID id, LPNSP_ROUTINE routine)
{
    (void)id;
    count(L"NSPROV_STARTS");
    memset(routine, 0, sizeof(*routine));
    routine->cbSize = sizeof(*routine);
    routine->dwMajorVersion = 1;
    routine->NSPCleanup = cleanup;
    routine->NSPLookupServiceBegin = begin;
    routine->NSPLookupServiceNext = next;
    routine->NSPLookupServiceEnd = end;
    routine->NSPSetService = set_service;
    return 0;
}
