/*
 * test_registration.c - bad provider registrations are skipped, never fatal.
 *
 * Adds registrations under HKLM\Software\ce-winsock\Comm\WS2\LSP (the
 * machine root, CEWS2_LSP_KEY; straight through the registry
 * API) whose DLL is missing, whose DLL lacks the entry point, whose entry
 * fails (WSAEPROVIDERFAILEDINIT) and whose entry crashes, all ordered before
 * the host provider.  Then, in a fresh child process (the catalog is built
 * at a process's first WSAStartup), WSAStartup must succeed and TCP must
 * work; `ws2inst verify` must name each bad registration and exit 3.
 * Finally the bad keys are removed again and verify is clean, so later
 * suites (same prefix, run sequentially) are unaffected.
 *
 * The failing and crashing entries live in badprov.dll next to this
 * program (wine-tests/providers/badprov.c); without it those two cases are
 * left out, and the test says so.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define LSP CEWS2_LSP_KEY     /* under HKLM */

typedef struct badreg {
    const WCHAR *name;
    const WCHAR *dll;          /* NULL: badprov.dll next to the test */
    const char *entry;         /* NULL: leave Entry absent (the default) */
    DWORD order;
    int needs_badprov;
} badreg;

static const badreg bad[] = {
    { L"zz-test-missing-dll", L"C:\\windows\\system32\\cews2-no-such-provider.dll", NULL, 1, 0 },
    { L"zz-test-no-entry",    L"kernel32.dll", NULL, 2, 0 },
    { L"zz-test-entry-fails", NULL, "FailProvider", 3, 1 },
    { L"zz-test-entry-crash", NULL, "InstallProvider", 4, 1 },
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

static WCHAR badprov_path[MAX_PATH];
static int have_badprov;

/* ---- child process: WSAStartup and TCP with the bad registrations in place ---- */

static int child_main(void)
{
    WSADATA wd;
    int r = WSAStartup(MAKEWORD(2, 2), &wd);
    if (r) { printf("child: WSAStartup failed: %d\n", r); return 10; }

    DWORD len = 0;
    WSAEnumProtocolsW(NULL, NULL, &len);
    WSAPROTOCOL_INFOW *p = malloc(len ? len : 1);
    int n = WSAEnumProtocolsW(NULL, p, &len), tcp = 0;
    for (int i = 0; i < n; i++)
        if (p[i].iAddressFamily == AF_INET && p[i].iSocketType == SOCK_STREAM) tcp = 1;
    free(p);
    if (!tcp) { printf("child: no TCP/IPv4 catalog entry (%d entries)\n", n); return 11; }

    /* TCP through our stack to an independent host peer, echoed back */
    int echo = tu_echo_through_host_peer("through the stack despite bad providers");
    if (echo)
        return echo;
    if (WSACleanup()) { printf("child: WSACleanup failed: %d\n", WSAGetLastError()); return 15; }
    printf("child: ok\n");
    fflush(stdout);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------- */

static DWORD sequence_value(void)
{
    DWORD v = 0, size = sizeof(v);
    if (RegGetValueW(HKEY_LOCAL_MACHINE, CEWS2_REGISTRY_ROOT L"\\" CEWS2_WS2_SUBKEY, L"LspSequence", RRF_RT_REG_DWORD, NULL, &v, &size))
        return 0;
    return v;
}

static void remove_bad_keys(void)
{
    HKEY lsp;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, LSP, 0, KEY_ALL_ACCESS, &lsp))
        return;
    for (size_t i = 0; i < NBAD; i++)
        RegDeleteKeyW(lsp, bad[i].name);
    RegCloseKey(lsp);
}

static int add_bad_key(const badreg *b)
{
    WCHAR path[300];
    swprintf(path, 300, L"%ls\\%ls", LSP, b->name);
    HKEY k;
    LONG r = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL);
    if (r) return (int)r;
    const WCHAR *dll = b->dll ? b->dll : badprov_path;
    r = RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)dll, (DWORD)((wcslen(dll) + 1) * sizeof(WCHAR)));
    if (!r) r = RegSetValueExW(k, L"Order", 0, REG_DWORD, (const BYTE *)&b->order, sizeof(DWORD));
    if (!r && b->entry) {
        WCHAR w[64];
        MultiByteToWideChar(CP_ACP, 0, b->entry, -1, w, 64);
        r = RegSetValueExW(k, L"Entry", 0, REG_SZ, (const BYTE *)w, (DWORD)((wcslen(w) + 1) * sizeof(WCHAR)));
    }
    RegCloseKey(k);
    return (int)r;
}

static char *utf8(const WCHAR *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = malloc(n > 0 ? n : 1);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

static int verify(char **out)
{
    return tu_run_capture(L"ws2inst.exe verify", NULL, NULL, out, 120000);
}

/* ---- tests ---------------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    tu_exe_dir(badprov_path, MAX_PATH);
    wcscat(badprov_path, L"badprov.dll");
    have_badprov = GetFileAttributesW(badprov_path) != INVALID_FILE_ATTRIBUTES;
    if (!have_badprov)
        printf("    note: %ls not built: the failing and crashing entries are not tested\n", badprov_path);
    remove_bad_keys();   /* left over from an interrupted run */
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    remove_bad_keys();
    return 0;
}

static void verify_clean_before(void **state)
{
    (void)state;
    char *out;
    int code = verify(&out);
    if (code != 0) {
        tu_print_indented("ws2inst verify", out);
        fail_msg("ws2inst verify exited %d on the installed set (expected 0)", code);
    }
    assert_true(tu_line_has(out, "ok", "HostBase"));
    free(out);
}

static void bad_registrations_are_skipped(void **state)
{
    (void)state;
    if (sequence_value() & 1)
        fail_msg("LspSequence is odd: an interrupted ws2inst change is pending; run ws2inst list first");
    for (size_t i = 0; i < NBAD; i++) {
        if (bad[i].needs_badprov && !have_badprov) continue;
        int r = add_bad_key(&bad[i]);
        if (r) fail_msg("cannot write registration %ls: %d", bad[i].name, r);
    }
    WCHAR cmd[MAX_PATH + 32];
    GetModuleFileNameW(NULL, cmd + 1, MAX_PATH);
    cmd[0] = L'"';
    wcscat(cmd, L"\" --child");
    char *out;
    int code = tu_run_capture(cmd, L"CEWS2_DIAG", L"1", &out, 120000);
    if (tu_verbose() || code != 0)
        tu_print_indented("child (CEWS2_DIAG=1)", out);
    if (code == -2) fail_msg("the child process hung (killed after 120 s)");
    if (code != 0) fail_msg("child process exited with %d (0x%x): networking did not survive the bad registrations", code, (unsigned)code);
    assert_true(strstr(out, "child: ok") != NULL);
    /* one diagnostic per skipped registration, naming it */
    for (size_t i = 0; i < NBAD; i++) {
        if (bad[i].needs_badprov && !have_badprov) continue;
        char *name = utf8(bad[i].name);
        if (!strstr(out, name)) {
            tu_print_indented("child (CEWS2_DIAG=1)", out);
            fail_msg("no CEWS2_DIAG diagnostic names the skipped registration %s", name);
        }
        free(name);
    }
    free(out);
}

static void verify_reports_each_bad_registration(void **state)
{
    (void)state;
    char *out;
    int code = verify(&out);
    if (tu_verbose() || code != 3)
        tu_print_indented("ws2inst verify", out);
    if (code != 3) fail_msg("ws2inst verify exited %d with broken registrations (expected 3)", code);
    for (size_t i = 0; i < NBAD; i++) {
        if (bad[i].needs_badprov && !have_badprov) continue;
        char *name = utf8(bad[i].name);
        if (!tu_line_has(out, "PROBLEM", name)) {
            tu_print_indented("ws2inst verify", out);
            fail_msg("ws2inst verify has no PROBLEM line for %s", name);
        }
        free(name);
    }
    /* the good one is still fine */
    assert_true(tu_line_has(out, "ok", "HostBase"));
    assert_false(tu_line_has(out, "PROBLEM", "HostBase"));
    free(out);
}

static void removing_them_restores_a_clean_catalog(void **state)
{
    (void)state;
    remove_bad_keys();
    for (size_t i = 0; i < NBAD; i++) {
        WCHAR path[300];
        HKEY k;
        swprintf(path, 300, L"%ls\\%ls", LSP, bad[i].name);
        if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, &k)) {
            RegCloseKey(k);
            fail_msg("registration %ls still present after removal", bad[i].name);
        }
    }
    char *out;
    int code = verify(&out);
    if (code != 0) {
        tu_print_indented("ws2inst verify", out);
        fail_msg("ws2inst verify exited %d after the bad registrations were removed", code);
    }
    free(out);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child_main();
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verify_clean_before),
        cmocka_unit_test(bad_registrations_are_skipped),
        cmocka_unit_test(verify_reports_each_bad_registration),
        cmocka_unit_test(removing_them_restores_a_clean_catalog),
    };
    return cmocka_run_group_tests_name("registration", tests, group_setup, group_teardown);
}
