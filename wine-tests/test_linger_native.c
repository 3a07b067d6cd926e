/*
 * test_linger_native.c - the linger table over a host whose own
 * closesocket lingers, as Windows' does: every case of test_linger.c, run
 * over nativeprov.dll (wine-tests/providers/nativeprov.c), a test base
 * provider that answers CEWS_LINGER_MECHANISM_NATIVE and carries out the
 * lingering close itself.  celsp then hands rows 3 and 4 to it
 * (provider/lsp/linger_native.c) and cannot judge the backlog itself:
 * nativeprov answers SIO_CEWS_SEND_BACKLOG with WSAEOPNOTSUPP, as a Windows
 * host would.  The peer judges the rows from outside exactly as in
 * test_linger.c; each row also checks that nativeprov's close was the one
 * that lingered (its counters), so a celsp that judged the row itself
 * would fail here.
 *
 * The group setup registers nativeprov.dll ahead of hostprov (Order 90),
 * so celsp's chain over it is the one socket(AF_INET, SOCK_STREAM, 0)
 * gets, and checks that through the chain the mechanism is NATIVE.
 */
#include "testutil.h"
#include "providers/nativeprov.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define NATIVE_LSP_NAME L"aa-test-linger-nativeprov"
#define NATIVE_LSP_KEY  CEWS2_LSP_KEY L"\\" NATIVE_LSP_NAME      /* under HKLM */
#define NATIVE_ORDER    90

static NATIVEPROV_STATS nativeprov_stats;
static struct nativeprov_stats seen;

static void native_remove_registration(void)
{
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, NATIVE_LSP_KEY);
}

static int native_add_registration(const WCHAR *dll)
{
    HKEY k;
    DWORD order = NATIVE_ORDER;
    LONG r = RegCreateKeyExW(HKEY_LOCAL_MACHINE, NATIVE_LSP_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL,
                             &k, NULL);
    if (r)
        return (int)r;
    r = RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)dll,
                       (DWORD)((wcslen(dll) + 1) * sizeof(WCHAR)));
    if (!r)
        r = RegSetValueExW(k, L"Order", 0, REG_DWORD, (const BYTE *)&order, sizeof(order));
    RegCloseKey(k);
    return (int)r;
}

/* Registers nativeprov before the first WSAStartup builds the catalog. */
static int native_setup(void)
{
    WCHAR dll[MAX_PATH];
    HMODULE module;
    int r;

    tu_exe_dir(dll, MAX_PATH);
    wcscat(dll, L"nativeprov.dll");
    native_remove_registration();       /* left over from an interrupted run */
    atexit(native_remove_registration);
    /* our own reference: the counters outlive the provider's WSPCleanup */
    module = LoadLibraryW(dll);
    nativeprov_stats = module ? (NATIVEPROV_STATS)(void *)GetProcAddress(module, "NativeprovStats")
                              : NULL;
    if (!nativeprov_stats) {
        fprintf(stderr, "cannot load %ls with NativeprovStats (error %lu)\n", dll, GetLastError());
        return -1;
    }
    r = native_add_registration(dll);
    if (r) {
        fprintf(stderr, "cannot register nativeprov.dll: %d\n", r);
        return -1;
    }
    return 0;
}

/* After each row: the close that lingered was nativeprov's. */
static void expect_delegated(size_t offset, const char *name)
{
    struct nativeprov_stats now;
    LONG before = *(const LONG *)((const char *)&seen + offset);
    LONG after;

    nativeprov_stats(&now);
    after = *(const LONG *)((const char *)&now + offset);
    if (after <= before)
        fail_msg("nativeprov's %s stayed at %ld: celsp did not hand the row to it", name, after);
    seen = now;
}

/* A TCP/IPv4 socket of celsp's chain over nativeprov, connected: the
 * catalog puts the chain over hostprov first, so socket() would not do. */
static SOCKET native_connect(int family, unsigned short port)
{
    WSAPROTOCOL_INFOW *list = NULL;
    DWORD size = 0, mechanism = 0, returned;
    struct sockaddr_storage ss;
    int len = tu_loopback(family, port, &ss), count, i;
    SOCKET s = INVALID_SOCKET;

    if (WSAEnumProtocolsW(NULL, NULL, &size) == SOCKET_ERROR && WSAGetLastError() == WSAENOBUFS)
        list = malloc(size);
    count = list ? WSAEnumProtocolsW(NULL, list, &size) : 0;
    for (i = 0; i < count && s == INVALID_SOCKET; i++)
        if (list[i].ProtocolChain.ChainLen > 1 && wcsstr(list[i].szProtocol, NATIVEPROV_PROTOCOL_NAME))
            s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &list[i], 0,
                           0);
    free(list);
    if (s == INVALID_SOCKET)
        fail_msg("no socket of celsp's chain over nativeprov (%d)", WSAGetLastError());
    /* through celsp, the provider below says its close lingers */
    assert_wsa_ok(WSAIoctl(s, SIO_CEWS_LINGER_MECHANISM, NULL, 0, &mechanism, sizeof(mechanism),
                           &returned, NULL, NULL));
    assert_int_equal(mechanism, CEWS_LINGER_MECHANISM_NATIVE);
    if (connect(s, (struct sockaddr *)&ss, len) == SOCKET_ERROR) {
        int e = WSAGetLastError();
        closesocket(s);
        WSASetLastError(e);
        return INVALID_SOCKET;
    }
    return s;
}

#define LINGER_SUITE "linger_native"
#define LINGER_CONNECT(family, port) native_connect(family, port)
#define LINGER_SUITE_SETUP() native_setup()
#define EXPECT_DELEGATED(counter) \
    expect_delegated(offsetof(struct nativeprov_stats, counter), #counter)

#include "test_linger.c"
