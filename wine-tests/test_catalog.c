/*
 * test_catalog.c - the protocol catalog as an application sees it:
 * WSAEnumProtocolsW (entries, filtering, buffer sizing), WSCEnumProtocols,
 * WSCGetProviderPath, the socket's SO_PROTOCOL_INFOW, and socket()'s errors
 * for families, types and protocols nobody provides.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static WSAPROTOCOL_INFOW *enum_all(DWORD *count, DWORD *bytes, INT *filter)
{
    DWORD len = 0;
    WSASetLastError(0);
    int r = WSAEnumProtocolsW(filter, NULL, &len);
    if (r != SOCKET_ERROR || WSAGetLastError() != WSAENOBUFS)
        fail_msg("WSAEnumProtocolsW(NULL buffer) returned %d, error %d (want SOCKET_ERROR/WSAENOBUFS)",
                 r, WSAGetLastError());
    if (len == 0 || len % sizeof(WSAPROTOCOL_INFOW))
        fail_msg("required length %lu is not a positive multiple of %u", len, (unsigned)sizeof(WSAPROTOCOL_INFOW));
    WSAPROTOCOL_INFOW *buf = malloc(len);
    DWORD len2 = len;
    r = WSAEnumProtocolsW(filter, buf, &len2);
    if (r == SOCKET_ERROR)
        fail_msg("WSAEnumProtocolsW: %d", WSAGetLastError());
    if ((DWORD)r != len / sizeof(WSAPROTOCOL_INFOW))
        fail_msg("WSAEnumProtocolsW returned %d entries for %lu bytes", r, len);
    *count = (DWORD)r;
    if (bytes) *bytes = len;
    return buf;
}

static const WSAPROTOCOL_INFOW *find_entry(const WSAPROTOCOL_INFOW *p, DWORD n, int af, int type, int proto)
{
    for (DWORD i = 0; i < n; i++)
        if (p[i].iAddressFamily == af && p[i].iSocketType == type && p[i].iProtocol == proto)
            return &p[i];
    return NULL;
}

static int family_known(const WSAPROTOCOL_INFOW *p, DWORD n, int af)
{
    for (DWORD i = 0; i < n; i++)
        if (p[i].iAddressFamily == af) return 1;
    return 0;
}

static int type_known(const WSAPROTOCOL_INFOW *p, DWORD n, int af, int type)
{
    for (DWORD i = 0; i < n; i++)
        if (p[i].iAddressFamily == af && p[i].iSocketType == type) return 1;
    return 0;
}

static const WCHAR *base_name(const WCHAR *path)
{
    const WCHAR *b = path;
    for (const WCHAR *q = path; *q; q++)
        if (*q == L'\\' || *q == L'/') b = q + 1;
    return b;
}

static void host_provider_entries(void **state)
{
    (void)state;
    DWORD n;
    WSAPROTOCOL_INFOW *p = enum_all(&n, NULL, NULL);
    static const struct { int af, type, proto; const char *what; } want[] = {
        { AF_INET,  SOCK_STREAM, IPPROTO_TCP, "TCP/IPv4" },
        { AF_INET,  SOCK_DGRAM,  IPPROTO_UDP, "UDP/IPv4" },
        { AF_INET6, SOCK_STREAM, IPPROTO_TCP, "TCP/IPv6" },
        { AF_INET6, SOCK_DGRAM,  IPPROTO_UDP, "UDP/IPv6" },
    };
    const GUID host_guid = CEWS2_HOST_PROVIDER_GUID;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        /* the base entry (chain length 1) of the host provider */
        const WSAPROTOCOL_INFOW *e = NULL;
        for (DWORD j = 0; j < n; j++)
            if (p[j].iAddressFamily == want[i].af && p[j].iSocketType == want[i].type &&
                p[j].iProtocol == want[i].proto && p[j].ProtocolChain.ChainLen == BASE_PROTOCOL)
                e = &p[j];
        if (!e) fail_msg("no base catalog entry for %s", want[i].what);
        tu_log("%s: entry %lu \"%ls\"", want[i].what, e->dwCatalogEntryId, e->szProtocol);
        assert_true(e->dwCatalogEntryId != 0);
        assert_true(e->szProtocol[0] != 0);
        assert_memory_equal(&e->ProviderId, &host_guid, sizeof(GUID));
        assert_true(e->dwServiceFlags1 & XP1_IFS_HANDLES);
        if (want[i].type == SOCK_STREAM)
            assert_true(e->dwServiceFlags1 & XP1_GUARANTEED_DELIVERY);
        else
            assert_true(e->dwServiceFlags1 & XP1_CONNECTIONLESS);

        WCHAR path[MAX_PATH];
        INT plen = MAX_PATH, err = 0;
        GUID id = e->ProviderId;
        if (WSCGetProviderPath(&id, path, &plen, &err) != 0)
            fail_msg("WSCGetProviderPath for %s failed: %d", want[i].what, err);
        if (_wcsicmp(base_name(path), CEWS2_HOST_PROVIDER_DLL) != 0)
            fail_msg("provider of %s is \"%ls\", not %ls", want[i].what, path, CEWS2_HOST_PROVIDER_DLL);
    }
    /* catalog entry ids are unique */
    for (DWORD i = 0; i < n; i++)
        for (DWORD j = i + 1; j < n; j++)
            if (p[i].dwCatalogEntryId == p[j].dwCatalogEntryId)
                fail_msg("entries %lu and %lu share catalog id %lu", i, j, p[i].dwCatalogEntryId);
    free(p);
}

static void enum_buffer_too_small(void **state)
{
    (void)state;
    DWORD n, need;
    WSAPROTOCOL_INFOW *p = enum_all(&n, &need, NULL);
    free(p);
    assert_true(n >= 4);
    /* room for one entry fewer than needed: WSAENOBUFS and the length needed */
    DWORD len = need - sizeof(WSAPROTOCOL_INFOW);
    WSAPROTOCOL_INFOW *small = malloc(need);
    assert_wsa_fail(WSAEnumProtocolsW(NULL, small, &len), SOCKET_ERROR, WSAENOBUFS);
    assert_int_equal(len, need);
    /* a length of 0 with a buffer: the same */
    len = 0;
    assert_wsa_fail(WSAEnumProtocolsW(NULL, small, &len), SOCKET_ERROR, WSAENOBUFS);
    assert_int_equal(len, need);
    /* a NULL length pointer */
    assert_wsa_fail(WSAEnumProtocolsW(NULL, small, NULL), SOCKET_ERROR, WSAEFAULT);
    free(small);
}

static void enum_filter_by_protocol(void **state)
{
    (void)state;
    INT udp_only[] = { IPPROTO_UDP, 0 };
    DWORD n;
    WSAPROTOCOL_INFOW *p = enum_all(&n, NULL, udp_only);
    assert_true(n >= 2);
    for (DWORD i = 0; i < n; i++)
        if (p[i].iProtocol != IPPROTO_UDP)
            fail_msg("filter {IPPROTO_UDP} returned protocol %d", p[i].iProtocol);
    assert_non_null(find_entry(p, n, AF_INET, SOCK_DGRAM, IPPROTO_UDP));
    assert_non_null(find_entry(p, n, AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
    free(p);

    /* a protocol nobody provides: zero entries, not an error */
    INT none[] = { 4242, 0 };
    WSAPROTOCOL_INFOW one;
    DWORD len = sizeof(one);
    assert_int_equal(WSAEnumProtocolsW(none, &one, &len), 0);
}

static void wsc_enum_matches_wsa_enum(void **state)
{
    (void)state;
    DWORD n;
    WSAPROTOCOL_INFOW *p = enum_all(&n, NULL, NULL);
    DWORD len = 0;
    INT err = 0;
    assert_int_equal(WSCEnumProtocols(NULL, NULL, &len, &err), SOCKET_ERROR);
    assert_int_equal(err, WSAENOBUFS);
    assert_true(len >= n * sizeof(WSAPROTOCOL_INFOW));
    WSAPROTOCOL_INFOW *q = malloc(len);
    int m = WSCEnumProtocols(NULL, q, &len, &err);
    if (m == SOCKET_ERROR) fail_msg("WSCEnumProtocols: %d", err);
    /* every entry the application sees is in the SPI view too */
    for (DWORD i = 0; i < n; i++) {
        int found = 0;
        for (int j = 0; j < m; j++)
            if (q[j].dwCatalogEntryId == p[i].dwCatalogEntryId) found = 1;
        if (!found) fail_msg("catalog entry %lu missing from WSCEnumProtocols", p[i].dwCatalogEntryId);
    }
    free(p);
    free(q);
}

static void socket_protocol_info_names_catalog_entry(void **state)
{
    (void)state;
    DWORD n;
    WSAPROTOCOL_INFOW *p = enum_all(&n, NULL, NULL);
    static const struct { int af, type, proto, arg_proto; } cases[] = {
        { AF_INET,  SOCK_STREAM, IPPROTO_TCP, 0 },
        { AF_INET,  SOCK_STREAM, IPPROTO_TCP, IPPROTO_TCP },
        { AF_INET,  SOCK_DGRAM,  IPPROTO_UDP, 0 },
        { AF_INET6, SOCK_STREAM, IPPROTO_TCP, 0 },
        { AF_INET6, SOCK_DGRAM,  IPPROTO_UDP, IPPROTO_UDP },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        SOCKET s = socket(cases[i].af, cases[i].type, cases[i].arg_proto);
        if (s == INVALID_SOCKET)
            fail_msg("socket(%d, %d, %d): %d", cases[i].af, cases[i].type, cases[i].arg_proto, WSAGetLastError());
        WSAPROTOCOL_INFOW info;
        int len = sizeof(info);
        memset(&info, 0, sizeof(info));
        if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len))
            fail_msg("getsockopt(SO_PROTOCOL_INFOW): %d", WSAGetLastError());
        assert_int_equal(len, sizeof(info));
        assert_int_equal(info.iAddressFamily, cases[i].af);
        assert_int_equal(info.iSocketType, cases[i].type);
        assert_int_equal(info.iProtocol, cases[i].proto);
        /* the first catalog entry matching the triple is the one used */
        const WSAPROTOCOL_INFOW *e = find_entry(p, n, cases[i].af, cases[i].type, cases[i].proto);
        assert_non_null(e);
        if (info.dwCatalogEntryId != e->dwCatalogEntryId)
            fail_msg("socket(%d,%d,%d) reports catalog entry %lu, the catalog's first match is %lu",
                     cases[i].af, cases[i].type, cases[i].arg_proto, info.dwCatalogEntryId, e->dwCatalogEntryId);
        assert_memory_equal(&info.ProviderId, &e->ProviderId, sizeof(GUID));
        assert_true(wcscmp(info.szProtocol, e->szProtocol) == 0);
        /* SO_TYPE agrees */
        int type = 0;
        len = sizeof(type);
        assert_int_equal(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
        assert_int_equal(type, cases[i].type);
        assert_int_equal(closesocket(s), 0);
    }
    /* WSASocketW from a catalog entry's protocol info */
    const WSAPROTOCOL_INFOW *udp = find_entry(p, n, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    WSAPROTOCOL_INFOW copy = *udp;
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &copy, 0, WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET) fail_msg("WSASocketW(FROM_PROTOCOL_INFO): %d", WSAGetLastError());
    int type = 0, len = sizeof(type);
    assert_int_equal(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    assert_int_equal(type, SOCK_DGRAM);
    closesocket(s);
    free(p);
}

static void socket_unsupported_combinations(void **state)
{
    (void)state;
    DWORD n;
    WSAPROTOCOL_INFOW *p = enum_all(&n, NULL, NULL);

    /* AF_APPLETALK: no provider for the family */
    assert_false(family_known(p, n, 16));
    assert_wsa_fail(socket(16, SOCK_STREAM, 0), INVALID_SOCKET, WSAEAFNOSUPPORT);
    assert_wsa_fail(socket(16, SOCK_DGRAM, 0), INVALID_SOCKET, WSAEAFNOSUPPORT);
    assert_wsa_fail(WSASocketW(16, SOCK_STREAM, 0, NULL, 0, 0), INVALID_SOCKET, WSAEAFNOSUPPORT);

    /* family known, type not */
    assert_false(type_known(p, n, AF_INET, 0xdead));
    assert_wsa_fail(socket(AF_INET, 0xdead, 0), INVALID_SOCKET, WSAESOCKTNOSUPPORT);
    if (!type_known(p, n, AF_INET, SOCK_SEQPACKET))
        assert_wsa_fail(socket(AF_INET, SOCK_SEQPACKET, 0), INVALID_SOCKET, WSAESOCKTNOSUPPORT);
    if (!type_known(p, n, AF_INET6, SOCK_RDM))
        assert_wsa_fail(socket(AF_INET6, SOCK_RDM, 0), INVALID_SOCKET, WSAESOCKTNOSUPPORT);

    /* family and type known, protocol not */
    assert_null(find_entry(p, n, AF_INET, SOCK_STREAM, IPPROTO_UDP));
    assert_wsa_fail(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), INVALID_SOCKET, WSAEPROTONOSUPPORT);
    assert_wsa_fail(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), INVALID_SOCKET, WSAEPROTONOSUPPORT);
    assert_wsa_fail(socket(AF_INET6, SOCK_STREAM, IPPROTO_UDP), INVALID_SOCKET, WSAEPROTONOSUPPORT);
    assert_wsa_fail(socket(AF_INET, SOCK_STREAM, 4242), INVALID_SOCKET, WSAEPROTONOSUPPORT);
    free(p);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_provider_entries),
        cmocka_unit_test(enum_buffer_too_small),
        cmocka_unit_test(enum_filter_by_protocol),
        cmocka_unit_test(wsc_enum_matches_wsa_enum),
        cmocka_unit_test(socket_protocol_info_names_catalog_entry),
        cmocka_unit_test(socket_unsupported_combinations),
    };
    return cmocka_run_group_tests_name("catalog", tests, tu_group_startup, tu_group_cleanup);
}
