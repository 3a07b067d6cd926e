/*
 * badinput_namespace.c - the bad calls of test_badinput's namespace rows
 * (badinput_namespace.h).
 */
#include "testutil.h"
#include "badinput_namespace.h"

#include <string.h>

static GUID unknown_id = { 0x0badf00d, 0x4e53, 0x5678, { 8, 7, 6, 5, 4, 3, 2, 1 } };

long long b_enumns_nulllen(void) { WSANAMESPACE_INFOW i[4]; return WSAEnumNameSpaceProvidersW(NULL, i); }
long long b_enumns_nullbuf(void) { DWORD len = 0; return WSAEnumNameSpaceProvidersW(&len, NULL); }
long long b_enumnsa_nulllen(void) { WSANAMESPACE_INFOA i[4]; return WSAEnumNameSpaceProvidersA(NULL, i); }

long long b_lookupbegin_null(void) { HANDLE h; return WSALookupServiceBeginW(NULL, LUP_RETURN_ALL, &h); }

long long b_lookupbegin_size0(void)
{
    WSAQUERYSETW q;
    HANDLE h;
    memset(&q, 0, sizeof(q));
    return WSALookupServiceBeginW(&q, LUP_RETURN_ALL, &h);
}

/* a service class no provider knows */
long long b_lookupbegin_class(void)
{
    WSAQUERYSETW q;
    HANDLE h;
    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.dwNameSpace = NS_DNS;
    q.lpServiceClassId = &unknown_id;
    q.lpszServiceInstanceName = (WCHAR *)L"localhost";
    return WSALookupServiceBeginW(&q, LUP_RETURN_ALL, &h);
}

long long b_lookupbegina_nullhandle(void)
{
    WSAQUERYSETA q;
    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    return WSALookupServiceBeginA(&q, LUP_RETURN_ALL, NULL);
}

long long b_lookupnext_made_up(void)
{
    char buffer[512];
    DWORD len = sizeof(buffer);
    return WSALookupServiceNextW((HANDLE)(ULONG_PTR)0x4e5e7, 0, &len, (WSAQUERYSETW *)buffer);
}

long long b_lookupnext_nulllen(void)
{
    char buffer[512];
    return WSALookupServiceNextW((HANDLE)(ULONG_PTR)0x4e5e7, 0, NULL, (WSAQUERYSETW *)buffer);
}

long long b_lookupnexta_made_up(void)
{
    char buffer[512];
    DWORD len = sizeof(buffer);
    return WSALookupServiceNextA((HANDLE)(ULONG_PTR)0x4e5e7, 0, &len, (WSAQUERYSETA *)buffer);
}

long long b_lookupend_null(void) { return WSALookupServiceEnd(NULL); }
long long b_nsinstall_nullid(void) { return WSCInstallNameSpace(L"Bad", L"bad.dll", NS_DNS, 1, NULL); }
long long b_nsuninstall_unknown(void) { return WSCUnInstallNameSpace(&unknown_id); }
long long b_nsenable_unknown(void) { return WSCEnableNSProvider(&unknown_id, FALSE); }

/* a valid registration of a made-up name at 192.0.2.5:7, in NS_DNS; each
 * row spoils one thing */
/* The rows' registration, one thing of which each row then makes wrong
 * (the rows run one at a time) */
static struct tu_service_reg row_reg;

static WSAQUERYSETW *row_query(void)
{
    return tu_service_reg(&row_reg, L"bad-row.ce-winsock-nsp-test.invalid", NULL, NS_DNS, NULL, 0xC0000205,
                          7);
}

long long b_setservice_null(void) { return WSASetServiceW(NULL, RNRSERVICE_REGISTER, 0); }

long long b_setservice_size0(void)
{
    WSAQUERYSETW *q = row_query();
    q->dwSize = 0;
    return WSASetServiceW(q, RNRSERVICE_REGISTER, 0);
}

long long b_setservice_op(void) { return WSASetServiceW(row_query(), (WSAESETSERVICEOP)7, 0); }

long long b_setservice_flags(void) { return WSASetServiceW(row_query(), RNRSERVICE_REGISTER, 0x80); }

long long b_setservice_space(void)
{
    WSAQUERYSETW *q = row_query();
    q->dwNameSpace = NS_NIS;
    return WSASetServiceW(q, RNRSERVICE_REGISTER, 0);
}

long long b_setservice_provider(void)
{
    WSAQUERYSETW *q = row_query();
    q->lpNSProviderId = &unknown_id;
    return WSASetServiceW(q, RNRSERVICE_REGISTER, 0);
}

long long b_setservicea_null(void) { return WSASetServiceA(NULL, RNRSERVICE_DELETE, 0); }

long long b_setservicea_size0(void)
{
    WSAQUERYSETA q;
    memset(&q, 0, sizeof(q));
    return WSASetServiceA(&q, RNRSERVICE_DELETE, 0);
}
