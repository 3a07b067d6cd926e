/*
 * test_namespace.c - the namespace-provider catalog, seen from outside:
 *   - WSAEnumNameSpaceProvidersW/A list hostprov's NS_DNS provider as
 *     ws2inst reset installs it (GUID, NS_DNS, version 1, active, "HostDns");
 *   - WSALookupServiceBeginW/NextW/End for "localhost" and for "127.0.0.1"
 *     return the addresses the host's own ws2_32 returns, then
 *     WSA_E_NO_MORE; a short buffer is WSAEFAULT with the size, and the
 *     result is still there for the next call; the A forms give the same;
 *   - with hostprov's provider disabled (WSCEnableNSProvider) or
 *     uninstalled (WSCUnInstallNameSpace), gethostbyname and getaddrinfo
 *     fail with WSANO_RECOVERY (no provider to ask), and work again after
 *     it is enabled or installed again: resolution goes through the catalog;
 *   - a test provider (providers/nsprov.c) installed for NS_DNS makes
 *     getaddrinfo and gethostbyname return its address for a name the host
 *     cannot resolve, with the service's port applied; uninstalled, the
 *     name fails with the host's WSAHOST_NOT_FOUND again;
 *   - GetAddrInfoExW's overlapped form on the test provider (its slow name,
 *     answered after 1.5 s): the answer arrives through the event; a cancel
 *     completes it at once with WSA_E_CANCELLED and the late answer never
 *     signals again; a 200 ms timeout completes it with WSAETIMEDOUT;
 *   - gethostbyaddr, getnameinfo, GetNameInfoW and gethostname give the
 *     host's answers, and fail with WSANO_RECOVERY with the provider
 *     disabled (the reverse and name queries go through the catalog too);
 *   - WSASetServiceW/A: a name registered in the test provider resolves
 *     through getaddrinfo and gethostbyname, a second REGISTER replaces its
 *     address, DELETE and DEREGISTER remove it (again: the provider's
 *     WSASERVICE_NOT_FOUND); without a provider id it reaches every
 *     provider of the namespace (hostprov's DNS takes it as a no-op, as
 *     Windows' DNS does); with every provider disabled it is
 *     WSASERVICE_NOT_FOUND;
 *   - a provider that faults in a lookup fails that lookup, is never asked
 *     again (WSAEPROVIDERFAILEDINIT when asked by id), and resolution goes
 *     on through the others (last: it marks the test provider crashed);
 *   - the last WSACleanup ends a started provider (its NSPCleanup runs,
 *     as the provider counts), and the next lookup starts it again.
 * Every test leaves the catalog as ws2inst reset made it.
 */
#include "testutil.h"

#include <cews2.h>
#include <svcguid.h>
#include <stdio.h>
#include <string.h>

#define MADE_UP_NAME  "ce-winsock-nsp-test.invalid"
#define MADE_UP_NAMEW L"ce-winsock-nsp-test.invalid"

static GUID host_id = CEWS2_HOST_NSP_ID;
static GUID test_id = { 0x5e1f7e57, 0x4e53, 0x4d0c, { 0x9a, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static GUID host_by_name = SVCID_INET_HOSTADDRBYNAME;

/* ---- the host's answer, from the host's own ws2_32 (the independent peer) -- */

static int host_addresses(const char *name, DWORD *out, int max)
{
    HMODULE m = LoadLibraryW(L"ws2_32.dll");
    int (WSAAPI *startup)(WORD, LPWSADATA) = (void *)GetProcAddress(m, "WSAStartup");
    struct hostent *(WSAAPI *byname)(const char *) = (void *)GetProcAddress(m, "gethostbyname");
    WSADATA data;
    struct hostent *h;
    int n = 0;

    assert_non_null(startup);
    assert_non_null(byname);
    assert_int_equal(startup(MAKEWORD(2, 2), &data), 0);
    h = byname(name);
    assert_non_null(h);
    for (; h->h_addr_list[n] && n < max; n++)
        memcpy(&out[n], h->h_addr_list[n], 4);
    return n;
}

/* The IPv4 addresses of one lookup, through WSALookupServiceBeginW. */
static int lookup_addresses(const WCHAR *name, DWORD *out, int max)
{
    WSAQUERYSETW q, *r;
    char buffer[4096];
    DWORD len;
    HANDLE h;
    int n = 0;

    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpszServiceInstanceName = (WCHAR *)name;
    q.lpServiceClassId = &host_by_name;
    q.dwNameSpace = NS_DNS;
    assert_int_equal(WSALookupServiceBeginW(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h), 0);
    r = (WSAQUERYSETW *)buffer;
    len = sizeof(buffer);
    assert_int_equal(WSALookupServiceNextW(h, 0, &len, r), 0);
    assert_non_null(r->lpszServiceInstanceName);
    for (DWORD i = 0; i < r->dwNumberOfCsAddrs && n < max; i++) {
        SOCKADDR_IN *sin = (SOCKADDR_IN *)r->lpcsaBuffer[i].RemoteAddr.lpSockaddr;
        assert_int_equal(sin->sin_family, AF_INET);
        out[n++] = sin->sin_addr.s_addr;
    }
    len = sizeof(buffer);
    assert_wsa_fail(WSALookupServiceNextW(h, 0, &len, r), SOCKET_ERROR, WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    assert_wsa_fail(WSALookupServiceEnd(h), SOCKET_ERROR, WSA_INVALID_HANDLE);
    return n;
}

static FARPROC host_call(const char *name)
{
    HMODULE m = LoadLibraryW(L"ws2_32.dll");
    int (WSAAPI *startup)(WORD, LPWSADATA) = (void *)GetProcAddress(m, "WSAStartup");
    WSADATA data;
    assert_int_equal(startup(MAKEWORD(2, 2), &data), 0);
    FARPROC f = GetProcAddress(m, name);
    assert_non_null(f);
    return f;
}

/* ---- the tests ----------------------------------------------------------- */

static void enumeration_shows_host_provider(void **state)
{
    (void)state;
    char buffer[4096];
    WSANAMESPACE_INFOW *w = (WSANAMESPACE_INFOW *)buffer;
    WSANAMESPACE_INFOA *a = (WSANAMESPACE_INFOA *)buffer;
    DWORD len = 0;
    int n, found = 0;

    assert_wsa_fail(WSAEnumNameSpaceProvidersW(&len, NULL), SOCKET_ERROR, WSAEFAULT);
    assert_true(len > sizeof(WSANAMESPACE_INFOW) && len <= sizeof(buffer));
    n = WSAEnumNameSpaceProvidersW(&len, w);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++) {
        if (!IsEqualGUID(&w[i].NSProviderId, &host_id))
            continue;
        found++;
        assert_int_equal(w[i].dwNameSpace, NS_DNS);
        assert_int_equal(w[i].dwVersion, 1);
        assert_true(w[i].fActive);
        assert_true(wcscmp(w[i].lpszIdentifier, L"HostDns") == 0);
    }
    assert_int_equal(found, 1);
    len = sizeof(buffer);
    assert_int_equal(WSAEnumNameSpaceProvidersA(&len, a), n);
    for (int i = 0; i < n; i++)
        if (IsEqualGUID(&a[i].NSProviderId, &host_id))
            assert_string_equal(a[i].lpszIdentifier, "HostDns");
}

static void lookup_matches_host(void **state)
{
    (void)state;
    DWORD ours[16], host[16];
    int n;

    n = lookup_addresses(L"localhost", ours, 16);
    assert_int_equal(n, host_addresses("localhost", host, 16));
    assert_true(n >= 1);
    assert_memory_equal(ours, host, (size_t)n * sizeof(DWORD));

    n = lookup_addresses(L"127.0.0.1", ours, 16);
    assert_int_equal(n, 1);
    assert_int_equal(ours[0], htonl(INADDR_LOOPBACK));
}

/* A buffer too short: WSAEFAULT and the size, the result kept; the A form. */
static void short_buffer_and_ansi(void **state)
{
    (void)state;
    WSAQUERYSETW q;
    WSAQUERYSETA qa, *ra;
    char buffer[4096];
    DWORD len = sizeof(WSAQUERYSETW);
    HANDLE h;

    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpszServiceInstanceName = (WCHAR *)L"localhost";
    q.lpServiceClassId = &host_by_name;
    q.dwNameSpace = NS_DNS;
    assert_int_equal(WSALookupServiceBeginW(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h), 0);
    assert_wsa_fail(WSALookupServiceNextW(h, 0, &len, (WSAQUERYSETW *)buffer), SOCKET_ERROR, WSAEFAULT);
    assert_true(len > sizeof(WSAQUERYSETW) && len <= sizeof(buffer));
    assert_int_equal(WSALookupServiceNextW(h, 0, &len, (WSAQUERYSETW *)buffer), 0);
    assert_true(((WSAQUERYSETW *)buffer)->dwNumberOfCsAddrs >= 1);
    assert_int_equal(WSALookupServiceEnd(h), 0);

    memset(&qa, 0, sizeof(qa));
    qa.dwSize = sizeof(qa);
    qa.lpszServiceInstanceName = (char *)"localhost";
    qa.lpServiceClassId = &host_by_name;
    qa.dwNameSpace = NS_DNS;
    assert_int_equal(WSALookupServiceBeginA(&qa, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h), 0);
    len = sizeof(buffer);
    ra = (WSAQUERYSETA *)buffer;
    assert_int_equal(WSALookupServiceNextA(h, 0, &len, ra), 0);
    assert_non_null(ra->lpszServiceInstanceName);
    assert_true(strlen(ra->lpszServiceInstanceName) > 0);
    assert_true(ra->dwNumberOfCsAddrs >= 1);
    assert_int_equal(ra->lpcsaBuffer[0].RemoteAddr.lpSockaddr->sa_family == AF_INET
                     || ra->lpcsaBuffer[0].RemoteAddr.lpSockaddr->sa_family == AF_INET6, 1);
    len = sizeof(buffer);
    assert_wsa_fail(WSALookupServiceNextA(h, 0, &len, ra), SOCKET_ERROR, WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

static void resolution_fails_the_catalog_way(void)
{
    struct addrinfo *list = (struct addrinfo *)1;
    assert_null(gethostbyname("localhost"));
    assert_int_equal(WSAGetLastError(), WSANO_RECOVERY);
    assert_int_equal(getaddrinfo("localhost", NULL, NULL, &list), WSANO_RECOVERY);
    assert_null(list);
}

static void resolution_works(void)
{
    struct addrinfo *list = NULL;
    assert_non_null(gethostbyname("localhost"));
    assert_int_equal(getaddrinfo("localhost", NULL, NULL, &list), 0);
    assert_non_null(list);
    freeaddrinfo(list);
}

static void disabled_provider_stops_resolution(void **state)
{
    (void)state;
    resolution_works();
    assert_int_equal(WSCEnableNSProvider(&host_id, FALSE), 0);
    resolution_fails_the_catalog_way();
    assert_int_equal(WSCEnableNSProvider(&host_id, TRUE), 0);
    resolution_works();
}

static void uninstalled_provider_stops_resolution(void **state)
{
    (void)state;
    WCHAR path[MAX_PATH];

    GetSystemDirectoryW(path, MAX_PATH);
    wcscat(path, L"\\" CEWS2_HOST_PROVIDER_DLL);
    assert_int_equal(WSCUnInstallNameSpace(&host_id), 0);
    assert_wsa_fail(WSCUnInstallNameSpace(&host_id), SOCKET_ERROR, WSAEINVAL);
    resolution_fails_the_catalog_way();
    assert_int_equal(WSCInstallNameSpace((WCHAR *)L"HostDns", path, NS_DNS, 1, &host_id), 0);
    assert_wsa_fail(WSCInstallNameSpace((WCHAR *)L"HostDns", path, NS_DNS, 1, &host_id), SOCKET_ERROR, WSAEINVAL);
    resolution_works();
}

static void test_provider_answers_made_up_name(void **state)
{
    (void)state;
    struct addrinfo hints, *list = NULL;
    WCHAR path[MAX_PATH];
    struct hostent *h;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    /* the host does not know the name */
    assert_int_equal(getaddrinfo(MADE_UP_NAME, "80", &hints, &list), WSAHOST_NOT_FOUND);

    tu_exe_dir(path, MAX_PATH);
    wcscat(path, L"nsprov.dll");
    assert_int_equal(WSCInstallNameSpace((WCHAR *)L"TestDns", path, NS_DNS, 1, &test_id), 0);
    int err = getaddrinfo(MADE_UP_NAME, "80", &hints, &list);
    h = gethostbyname(MADE_UP_NAME);
    assert_int_equal(WSCUnInstallNameSpace(&test_id), 0);

    assert_int_equal(err, 0);
    assert_non_null(list);
    assert_null(list->ai_next);
    assert_int_equal(list->ai_family, AF_INET);
    assert_int_equal(list->ai_socktype, SOCK_STREAM);
    struct sockaddr_in *sin = (struct sockaddr_in *)list->ai_addr;
    assert_int_equal(sin->sin_addr.s_addr, inet_addr("192.0.2.77"));
    assert_int_equal(ntohs(sin->sin_port), 80);
    freeaddrinfo(list);
    assert_non_null(h);
    assert_string_equal(h->h_name, MADE_UP_NAME);
    assert_int_equal(h->h_addrtype, AF_INET);
    assert_memory_equal(h->h_addr_list[0], "\xc0\x00\x02\x4d", 4);
    assert_null(h->h_addr_list[1]);

    list = NULL;
    assert_int_equal(getaddrinfo(MADE_UP_NAME, "80", &hints, &list), WSAHOST_NOT_FOUND);
}

static GUID *install_test_provider(void)
{
    WCHAR path[MAX_PATH];
    tu_exe_dir(path, MAX_PATH);
    wcscat(path, L"nsprov.dll");
    assert_int_equal(WSCInstallNameSpace((WCHAR *)L"TestDns", path, NS_DNS, 1, &test_id), 0);
    return &test_id;
}

static void overlapped_cancel_and_timeout(void **state)
{
    (void)state;
    ADDRINFOEXW *result = NULL;
    OVERLAPPED ov;
    HANDLE cancel = NULL, event = CreateEventW(NULL, TRUE, FALSE, NULL);
    struct timeval limit = { 0, 200000 };
    GUID *provider = install_test_provider();
    double t0;

    /* answered late, through the event */
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = event;
    t0 = tu_now_ms();
    assert_int_equal(GetAddrInfoExW(L"slow." MADE_UP_NAMEW, NULL, NS_DNS, provider, NULL, &result, NULL,
                                    &ov, NULL, &cancel), WSA_IO_PENDING);
    assert_int_equal(GetAddrInfoExOverlappedResult(&ov), WSAEINPROGRESS);
    assert_int_equal(WaitForSingleObject(event, 5000), WAIT_OBJECT_0);
    assert_true(tu_now_ms() - t0 >= 1400);
    assert_int_equal(GetAddrInfoExOverlappedResult(&ov), 0);
    assert_non_null(result);
    assert_int_equal(((SOCKADDR_IN *)result->ai_addr)->sin_addr.s_addr, inet_addr("192.0.2.77"));
    FreeAddrInfoExW(result);
    assert_int_equal(GetAddrInfoExCancel(&cancel), WSA_INVALID_HANDLE);   /* it is over */

    /* cancelled: at once, once */
    result = NULL;
    ResetEvent(event);
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = event;
    t0 = tu_now_ms();
    assert_int_equal(GetAddrInfoExW(L"slow." MADE_UP_NAMEW, NULL, NS_DNS, provider, NULL, &result, NULL,
                                    &ov, NULL, &cancel), WSA_IO_PENDING);
    assert_int_equal(GetAddrInfoExCancel(&cancel), 0);
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_OBJECT_0);
    assert_true(tu_now_ms() - t0 < 1000);
    assert_int_equal(GetAddrInfoExOverlappedResult(&ov), WSA_E_CANCELLED);
    assert_null(result);
    assert_int_equal(GetAddrInfoExCancel(&cancel), WSA_INVALID_HANDLE);
    ResetEvent(event);
    Sleep(2000);                                    /* the provider has answered by now */
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_TIMEOUT);
    assert_null(result);

    /* timed out */
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = event;
    t0 = tu_now_ms();
    assert_int_equal(GetAddrInfoExW(L"slow." MADE_UP_NAMEW, NULL, NS_DNS, provider, NULL, &result, &limit,
                                    &ov, NULL, NULL), WSA_IO_PENDING);
    assert_int_equal(WaitForSingleObject(event, 5000), WAIT_OBJECT_0);
    double took = tu_now_ms() - t0;
    assert_true(took >= 150 && took < 1200);
    assert_int_equal(GetAddrInfoExOverlappedResult(&ov), WSAETIMEDOUT);
    assert_null(result);
    Sleep(1600);                                    /* let the provider's late answer pass */
    assert_null(result);
    CloseHandle(event);
}

static unsigned provider_count(const WCHAR *variable)
{
    WCHAR text[16];
    return GetEnvironmentVariableW(variable, text, 16) ? (unsigned)wcstoul(text, NULL, 10) : 0;
}

static void cleanup_ends_providers(void **state)
{
    (void)state;
    struct addrinfo *list = NULL;
    unsigned starts, cleanups;

    install_test_provider();
    assert_int_equal(getaddrinfo(MADE_UP_NAME, NULL, NULL, &list), 0);
    freeaddrinfo(list);
    starts = provider_count(L"NSPROV_STARTS");
    cleanups = provider_count(L"NSPROV_CLEANUPS");
    assert_true(starts >= 1);
    assert_int_equal(WSACleanup(), 0);              /* the group's start: the last one */
    assert_int_equal(provider_count(L"NSPROV_CLEANUPS"), cleanups + 1);
    assert_int_equal(tu_startup(), 0);
    list = NULL;
    assert_int_equal(getaddrinfo(MADE_UP_NAME, NULL, NULL, &list), 0);
    freeaddrinfo(list);
    assert_int_equal(provider_count(L"NSPROV_STARTS"), starts + 1);
}

static void reverse_and_name_queries_match_host(void **state)
{
    (void)state;
    struct hostent *(WSAAPI *host_byaddr)(const char *, int, int) = (void *)host_call("gethostbyaddr");
    int (WSAAPI *host_nameinfo)(const SOCKADDR *, socklen_t, char *, DWORD, char *, DWORD, int) =
        (void *)host_call("getnameinfo");
    int (WSAAPI *host_gethostname)(char *, int) = (void *)host_call("gethostname");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(80) };
    char host_name[256], ours_name[256], node[NI_MAXHOST], service[NI_MAXSERV];
    char host_node[NI_MAXHOST], host_service[NI_MAXSERV];
    WCHAR wnode[NI_MAXHOST];
    struct hostent *h;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    h = host_byaddr((const char *)&a.sin_addr, 4, AF_INET);
    assert_non_null(h);
    snprintf(host_name, sizeof(host_name), "%s", h->h_name);
    h = gethostbyaddr((const char *)&a.sin_addr, 4, AF_INET);
    assert_non_null(h);
    assert_string_equal(h->h_name, host_name);
    assert_int_equal(h->h_addrtype, AF_INET);

    assert_int_equal(host_nameinfo((SOCKADDR *)&a, sizeof(a), host_node, sizeof(host_node), host_service,
                                   sizeof(host_service), 0), 0);
    assert_int_equal(getnameinfo((SOCKADDR *)&a, sizeof(a), node, sizeof(node), service, sizeof(service), 0), 0);
    assert_string_equal(node, host_node);
    assert_string_equal(service, host_service);
    assert_int_equal(GetNameInfoW((SOCKADDR *)&a, sizeof(a), wnode, NI_MAXHOST, NULL, 0, NI_NUMERICHOST), 0);
    assert_true(wcscmp(wnode, L"127.0.0.1") == 0);

    assert_int_equal(host_gethostname(host_name, sizeof(host_name)), 0);
    assert_int_equal(gethostname(ours_name, sizeof(ours_name)), 0);
    assert_string_equal(ours_name, host_name);

    assert_int_equal(WSCEnableNSProvider(&host_id, FALSE), 0);
    assert_null(gethostbyaddr((const char *)&a.sin_addr, 4, AF_INET));
    assert_int_equal(WSAGetLastError(), WSANO_RECOVERY);
    assert_int_equal(getnameinfo((SOCKADDR *)&a, sizeof(a), node, sizeof(node), NULL, 0, NI_NUMERICHOST),
                     WSANO_RECOVERY);
    assert_wsa_fail(gethostname(ours_name, sizeof(ours_name)), SOCKET_ERROR, WSANO_RECOVERY);
    assert_int_equal(WSCEnableNSProvider(&host_id, TRUE), 0);
}

/* ---- WSASetService ---------------------------------------------------------- */

#define SERVICE_NAME  "printer.ce-winsock-nsp-test.invalid"
#define SERVICE_NAMEW L"printer.ce-winsock-nsp-test.invalid"

/* A registration of the test name at 192.0.2.last:515 in space (provider
 * NULL: every provider of space) */
static WSAQUERYSETW *service_reg(struct tu_service_reg *r, DWORD space, GUID *provider, unsigned char last)
{
    return tu_service_reg(r, SERVICE_NAMEW, &host_by_name, space, provider, 0xC0000200u | last, 515);
}

/* The IPv4 address getaddrinfo gives for name (0: WSAHOST_NOT_FOUND). */
static DWORD resolved(const char *name)
{
    struct addrinfo hints, *list = NULL;
    DWORD address;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    int err = getaddrinfo(name, NULL, &hints, &list);
    if (err) {
        assert_int_equal(err, WSAHOST_NOT_FOUND);
        return 0;
    }
    assert_non_null(list);
    address = ((struct sockaddr_in *)list->ai_addr)->sin_addr.s_addr;
    freeaddrinfo(list);
    return address;
}

static void set_service_registers_and_deletes(void **state)
{
    (void)state;
    struct tu_service_reg r;
    struct hostent *h;

    GUID *provider = install_test_provider();
    assert_int_equal(resolved(SERVICE_NAME), 0);
    /* registered in the test provider: the whole resolution finds it */
    assert_int_equal(WSASetServiceW(service_reg(&r, NS_DNS, provider, 99), RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(resolved(SERVICE_NAME), inet_addr("192.0.2.99"));
    h = gethostbyname(SERVICE_NAME);
    assert_non_null(h);
    assert_string_equal(h->h_name, SERVICE_NAME);
    assert_memory_equal(h->h_addr_list[0], "\xc0\x00\x02\x63", 4);
    /* a second registration replaces the address */
    assert_int_equal(WSASetServiceW(service_reg(&r, NS_DNS, provider, 100), RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(resolved(SERVICE_NAME), inet_addr("192.0.2.100"));
    /* deleted: gone, and a second delete is the provider's WSASERVICE_NOT_FOUND */
    assert_int_equal(WSASetServiceW(service_reg(&r, NS_DNS, provider, 100), RNRSERVICE_DELETE, 0), 0);
    assert_int_equal(resolved(SERVICE_NAME), 0);
    assert_wsa_fail(WSASetServiceW(service_reg(&r, NS_DNS, provider, 100), RNRSERVICE_DELETE, 0), SOCKET_ERROR,
                    WSASERVICE_NOT_FOUND);
    /* a registration without an address is the provider's WSAEINVAL */
    service_reg(&r, NS_DNS, provider, 1);
    r.q.dwNumberOfCsAddrs = 0;
    assert_wsa_fail(WSASetServiceW(&r.q, RNRSERVICE_REGISTER, 0), SOCKET_ERROR, WSAEINVAL);
    assert_int_equal(resolved(SERVICE_NAME), 0);
}

static void set_service_reaches_every_provider_of_the_space(void **state)
{
    (void)state;
    struct tu_service_reg r;
    WSAQUERYSETA qa;

    install_test_provider();
    /* NS_DNS without a provider: hostprov takes it as a no-op (as DNS on
     * Windows), the test provider registers it */
    assert_int_equal(WSASetServiceW(service_reg(&r, NS_DNS, NULL, 7), RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(resolved(SERVICE_NAME), inet_addr("192.0.2.7"));
    /* NS_ALL reaches it too */
    assert_int_equal(WSASetServiceW(service_reg(&r, NS_ALL, NULL, 7), RNRSERVICE_DEREGISTER, 0), 0);
    assert_int_equal(resolved(SERVICE_NAME), 0);
    /* the ANSI form: the same registration with narrow strings */
    memset(&qa, 0, sizeof(qa));
    service_reg(&r, NS_DNS, &test_id, 8);
    memcpy(&qa, &r.q, sizeof(qa));
    qa.dwSize = sizeof(qa);
    qa.lpszServiceInstanceName = (char *)SERVICE_NAME;
    assert_int_equal(WSASetServiceA(&qa, RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(resolved(SERVICE_NAME), inet_addr("192.0.2.8"));
    assert_int_equal(WSASetServiceA(&qa, RNRSERVICE_DELETE, 0), 0);
    assert_int_equal(resolved(SERVICE_NAME), 0);
    /* only hostprov left: taken (its no-op), and nothing resolves */
    assert_int_equal(WSCUnInstallNameSpace(&test_id), 0);
    assert_int_equal(WSASetServiceW(service_reg(&r, NS_DNS, NULL, 9), RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(resolved(SERVICE_NAME), 0);
    /* every provider disabled: none selected */
    assert_int_equal(WSCEnableNSProvider(&host_id, FALSE), 0);
    assert_wsa_fail(WSASetServiceW(service_reg(&r, NS_DNS, NULL, 9), RNRSERVICE_REGISTER, 0), SOCKET_ERROR,
                    WSASERVICE_NOT_FOUND);
    assert_int_equal(WSCEnableNSProvider(&host_id, TRUE), 0);
}

static void crashing_provider_is_skipped(void **state)
{
    (void)state;
    struct addrinfo *list = NULL;
    WSAQUERYSETW q;
    HANDLE h;

    install_test_provider();
    assert_int_equal(getaddrinfo(MADE_UP_NAME, NULL, NULL, &list), 0);
    freeaddrinfo(list);
    list = NULL;
    /* the host says not found first; the test provider then faults */
    assert_int_equal(getaddrinfo("crash." MADE_UP_NAME, NULL, NULL, &list), WSAHOST_NOT_FOUND);
    assert_null(list);
    assert_int_equal(getaddrinfo(MADE_UP_NAME, NULL, NULL, &list), WSAHOST_NOT_FOUND);
    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpszServiceInstanceName = (WCHAR *)MADE_UP_NAMEW;
    q.lpServiceClassId = &host_by_name;
    q.dwNameSpace = NS_DNS;
    q.lpNSProviderId = &test_id;
    assert_wsa_fail(WSALookupServiceBeginW(&q, LUP_RETURN_ADDR, &h), SOCKET_ERROR, WSAEPROVIDERFAILEDINIT);
    resolution_works();
}

/* Whatever a failed test left: hostprov's provider installed and enabled,
 * the test provider gone. */
static int restore_catalog(void **state)
{
    WCHAR path[MAX_PATH];
    (void)state;
    WSCUnInstallNameSpace(&test_id);
    GetSystemDirectoryW(path, MAX_PATH);
    wcscat(path, L"\\" CEWS2_HOST_PROVIDER_DLL);
    WSCInstallNameSpace((WCHAR *)L"HostDns", path, NS_DNS, 1, &host_id);
    WSCEnableNSProvider(&host_id, TRUE);
    return 0;
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(enumeration_shows_host_provider),
        cmocka_unit_test(lookup_matches_host),
        cmocka_unit_test(short_buffer_and_ansi),
        cmocka_unit_test_teardown(disabled_provider_stops_resolution, restore_catalog),
        cmocka_unit_test_teardown(uninstalled_provider_stops_resolution, restore_catalog),
        cmocka_unit_test_teardown(test_provider_answers_made_up_name, restore_catalog),
        cmocka_unit_test_teardown(overlapped_cancel_and_timeout, restore_catalog),
        cmocka_unit_test_teardown(cleanup_ends_providers, restore_catalog),
        cmocka_unit_test_teardown(reverse_and_name_queries_match_host, restore_catalog),
        cmocka_unit_test_teardown(set_service_registers_and_deletes, restore_catalog),
        cmocka_unit_test_teardown(set_service_reaches_every_provider_of_the_space, restore_catalog),
        cmocka_unit_test_teardown(crashing_provider_is_skipped, restore_catalog),   /* last */
    };
    return cmocka_run_group_tests_name("namespace", tests, tu_group_startup, tu_group_cleanup);
}
