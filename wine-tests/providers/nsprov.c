/*
 * nsprov.c - a test NS_DNS namespace provider, for test_namespace only
 * (installed by the test with WSCInstallNameSpace, never by ws2inst).
 *
 * It knows one made-up name, NSPROV_NAME, at NSPROV_ADDRESS, and answers
 * SVCID_INET_HOSTADDRBYNAME queries for it the standard way: the address
 * as a CSADDR_INFO, the name as the instance name, no blob.  Any other
 * name or class is WSASERVICE_NOT_FOUND.  NSPROV_SLOW_NAME is answered
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

struct lookup { BOOL delivered; };

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
        || !q->lpszServiceInstanceName) {
        SetLastError(WSASERVICE_NOT_FOUND);
        return SOCKET_ERROR;
    }
    if (!_wcsicmp(q->lpszServiceInstanceName, NSPROV_CRASH_NAME))
        *(volatile int *)0 = 0;
    if (!_wcsicmp(q->lpszServiceInstanceName, NSPROV_SLOW_NAME))
        Sleep(NSPROV_SLOW_MS);
    else if (_wcsicmp(q->lpszServiceInstanceName, NSPROV_NAME)) {
        SetLastError(WSASERVICE_NOT_FOUND);
        return SOCKET_ERROR;
    }
    l = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*l));
    if (!l) { SetLastError(WSA_NOT_ENOUGH_MEMORY); return SOCKET_ERROR; }
    *handle = l;
    return 0;
}

/* One result set: [WSAQUERYSETW][CSADDR_INFO][SOCKADDR_IN][name]. */
static INT WSAAPI next(HANDLE handle, DWORD flags, LPDWORD length, LPWSAQUERYSETW out)
{
    struct lookup *l = handle;
    DWORD need = sizeof(WSAQUERYSETW) + sizeof(CSADDR_INFO) + sizeof(SOCKADDR_IN) + sizeof(NSPROV_NAME);
    CSADDR_INFO *addr;
    SOCKADDR_IN *sin;
    (void)flags;
    if (l->delivered) { SetLastError(WSA_E_NO_MORE); return SOCKET_ERROR; }
    if (*length < need) { *length = need; SetLastError(WSAEFAULT); return SOCKET_ERROR; }
    memset(out, 0, need);
    addr = (CSADDR_INFO *)(out + 1);
    sin = (SOCKADDR_IN *)(addr + 1);
    sin->sin_family = AF_INET;
    sin->sin_addr.S_un.S_un_b.s_b1 = 192;
    sin->sin_addr.S_un.S_un_b.s_b2 = 0;
    sin->sin_addr.S_un.S_un_b.s_b3 = 2;
    sin->sin_addr.S_un.S_un_b.s_b4 = 77;
    addr->RemoteAddr.lpSockaddr = (SOCKADDR *)sin;
    addr->RemoteAddr.iSockaddrLength = sizeof(*sin);
    addr->iSocketType = SOCK_STREAM;
    addr->iProtocol = IPPROTO_TCP;
    memcpy(sin + 1, NSPROV_NAME, sizeof(NSPROV_NAME));
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
    return 0;
}
