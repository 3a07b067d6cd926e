/*
 * test_chain_lower.c - how celsp finds the provider below a chain on each
 * socket() (provider/lsp/lower.c:lower_for_chain), seen from outside.
 *
 *   catalog_not_read_per_socket   a child process traced (CEWS2_TRACE) makes
 *                                 5 TCP and UDP sockets, another 105: both
 *                                 traces hold as many WSCEnumProtocols calls
 *                                 (celsp reads the catalog once per chain,
 *                                 not once per socket)
 *   base_removed_under_chain      WSCDeinstallProvider of the host provider:
 *                                 the next socket() on celsp's TCP chain fails
 *                                 WSAEINVALIDPROVIDER, as it did when the
 *                                 catalog was read on every socket; a catalog
 *                                 rebuilt by WSACleanup + WSAStartup serves
 *                                 sockets again
 *   layer_removed_under_chain     WSCDeinstallProvider of celsp's own layered
 *                                 entry, its chains left: socket() on the TCP
 *                                 chain fails WSAEINVALIDPROVIDER (celsp no
 *                                 longer finds its place in the chain), where
 *                                 a lower kept regardless of the catalog
 *                                 would still make the socket
 *   unrelated_change_keeps_chains an entry of a family nobody uses installed
 *                                 and removed: TCP sockets keep working
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int child_main(int sockets)
{
    WSADATA wd;
    int i;

    if (WSAStartup(MAKEWORD(2, 2), &wd))
        return 10;
    for (i = 0; i < sockets; i++) {
        SOCKET s = socket(AF_INET, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
        if (s == INVALID_SOCKET)
            return 11;
        if (closesocket(s))
            return 12;
    }
    WSACleanup();
    return 0;
}

/* The WSCEnumProtocols calls in the trace of a child making n sockets. */
static int enum_calls_for(int n)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 48], trace[MAX_PATH];
    char *out = NULL, *text, *p;
    HANDLE h;
    DWORD size, got = 0;
    int code, calls = 0;

    tu_exe_dir(trace, MAX_PATH);
    _snwprintf(trace + wcslen(trace), MAX_PATH - wcslen(trace), L"chain_lower_%d.log", n);
    DeleteFileW(trace);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" --child %d", exe, n);
    code = tu_run_capture(cmd, L"CEWS2_TRACE", trace, &out, 120000);
    if (code != 0)
        tu_print_indented("child", out ? out : "");
    free(out);
    assert_int_equal(code, 0);
    h = CreateFileW(trace, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                    0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    size = GetFileSize(h, NULL);
    text = calloc(1, size + 1);
    assert_non_null(text);
    ReadFile(h, text, size, &got, NULL);
    CloseHandle(h);
    for (p = text; (p = strstr(p, "WSCEnumProtocols(")); p++)
        calls++;
    /* the trace is there and has the sockets in it */
    assert_non_null(strstr(text, "socket("));
    free(text);
    DeleteFileW(trace);
    return calls;
}

static void catalog_not_read_per_socket(void **state)
{
    int few, many;

    (void)state;
    few = enum_calls_for(5);
    many = enum_calls_for(105);
    tu_log("WSCEnumProtocols calls: %d for 5 sockets, %d for 105", few, many);
    assert_true(few > 0);       /* celsp's start reads the catalog */
    assert_int_equal(many, few);
}

static void expect_tcp_socket_works(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        fail_msg("socket(AF_INET, SOCK_STREAM): error %d", WSAGetLastError());
    assert_int_equal(closesocket(s), 0);
}

static void base_removed_under_chain(void **state)
{
    GUID host = CEWS2_HOST_PROVIDER_GUID;
    int err = 0;

    (void)state;
    assert_int_equal(tu_startup(), 0);
    expect_tcp_socket_works();
    expect_tcp_socket_works();
    assert_int_equal(WSCDeinstallProvider(&host, &err), 0);
    assert_wsa_fail(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), INVALID_SOCKET, WSAEINVALIDPROVIDER);
    assert_wsa_fail(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), INVALID_SOCKET, WSAEINVALIDPROVIDER);
    assert_int_equal(WSACleanup(), 0);
    /* the last WSACleanup dropped the catalog: the registrations run again */
    assert_int_equal(tu_startup(), 0);
    expect_tcp_socket_works();
    assert_int_equal(WSACleanup(), 0);
}

static void layer_removed_under_chain(void **state)
{
    GUID layer = CEWS2_CE_LSP_LAYER_GUID;
    int err = 0;

    (void)state;
    assert_int_equal(tu_startup(), 0);
    expect_tcp_socket_works();
    expect_tcp_socket_works();
    assert_int_equal(WSCDeinstallProvider(&layer, &err), 0);
    assert_wsa_fail(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), INVALID_SOCKET, WSAEINVALIDPROVIDER);
    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(tu_startup(), 0);
    expect_tcp_socket_works();
    assert_int_equal(WSACleanup(), 0);
}

static void unrelated_change_keeps_chains(void **state)
{
    static const GUID unused = { 0x5be1c0de, 0x6e2f, 0x4b7a, { 0x9d, 0x11, 0x3c, 0x70, 0x1a, 0x2b, 0x44, 0x05 } };
    WSAPROTOCOL_INFOW info;
    int err = 0;

    (void)state;
    assert_int_equal(tu_startup(), 0);
    expect_tcp_socket_works();
    memset(&info, 0, sizeof(info));
    info.iAddressFamily = 29999;        /* a family no one opens sockets of */
    info.iSocketType = SOCK_STREAM;
    info.iVersion = 2;
    info.ProtocolChain.ChainLen = BASE_PROTOCOL;
    wcscpy(info.szProtocol, L"unused family (test_chain_lower)");
    assert_int_equal(WSCInstallProvider((LPGUID)&unused, L"nowhere.dll", &info, 1, &err), 0);
    expect_tcp_socket_works();
    assert_int_equal(WSCDeinstallProvider((LPGUID)&unused, &err), 0);
    expect_tcp_socket_works();
    assert_int_equal(WSACleanup(), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalog_not_read_per_socket),
        cmocka_unit_test(base_removed_under_chain),
        cmocka_unit_test(layer_removed_under_chain),
        cmocka_unit_test(unrelated_change_keeps_chains),
    };
    if (argc == 3 && !strcmp(argv[1], "--child"))
        return child_main(atoi(argv[2]));
    tu_main_init(argc, argv);
    return cmocka_run_group_tests_name("chain_lower", tests, NULL, NULL);
}
