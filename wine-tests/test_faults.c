/*
 * test_faults.c - faults the stack must survive (issue 5), beyond what
 * test_registration (missing DLL, missing / failing / crashing registration
 * entry) and test_cancel (closesocket racing closesocket) already cover:
 *
 *   wspstartup_crash_is_contained
 *       a registration whose entry point succeeds (four catalog entries
 *       are installed) and whose WSPStartup succeeds (one family, which
 *       keeps the DLL loaded), fails (the next), crashes holding the DLL's
 *       lock (the third) or would wait for that lock (the fourth, first
 *       asked for after the crash): in a fresh child process WSAStartup
 *       succeeds, socket() of those families fails within 10 s each and
 *       does not crash (WSAEPROVIDERFAILEDINIT once the DLL crashed: it is
 *       not called again, nor its WSPCleanup at WSACleanup),
 *       TCP works to a host peer, AF_IRDA sockets can still be created when
 *       irdaprov is registered; `ws2inst verify` exits 3 and names the
 *       entries; once removed, verify is clean again.
 *   handled_fault_is_not_a_crash
 *       (child process) a provider whose WSPStartup takes a real access
 *       violation recovered by its own vectored handler and raises a fault
 *       code its own frame handler continues from: it is started (its
 *       WSPSocket answers, saying both faults were handled there), twice,
 *       and no diagnostic calls it crashed.
 *   peer_reset_during_linger_wait
 *       SO_LINGER {1,5} on a blocking socket with data queued that the peer
 *       never reads; the peer resets while closesocket waits: closesocket
 *       returns 0, well within the interval.
 *   wsacleanup_while_blocked
 *       (child process) threads blocked in recv, accept and select when
 *       another thread makes the last WSACleanup: each call returns
 *       SOCKET_ERROR, nothing hangs or crashes.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define LSP             CEWS2_LSP_KEY      /* under HKLM */
#define CRASH_REG       L"zz-test-wspstartup-crash"
#define AF_CRASH        0x7C4E
#define AF_FAIL         0x7C4F
#define AF_AFTER        0x7C50
#define AF_OK           0x7C52
#define HANDLED_REG     L"zz-test-handled-faults"
#define AF_HANDLED      0x7C51

static WCHAR crashprov_path[MAX_PATH], handledprov_path[MAX_PATH];

/* ---- child processes -------------------------------------------------------------- */

/* socket(af, SOCK_STREAM, 0) on a thread of its own, so a hang can be timed out */
struct bounded_socket { int af; SOCKET s; int err; };

static DWORD WINAPI bounded_socket_main(void *arg)
{
    struct bounded_socket *b = arg;
    WSASetLastError(0);
    b->s = socket(b->af, SOCK_STREAM, 0);
    b->err = WSAGetLastError();
    return 0;
}

static DWORD WINAPI bounded_cleanup_main(void *arg)
{
    (void)arg;
    return WSACleanup() ? 1 : 0;
}

/* handledprov's WSPStartup faults twice and handles both itself: it starts,
 * and its WSPSocket answers WSAESOCKTNOSUPPORT (both handled) each time */
static int child_handled(void)
{
    WSADATA wd;
    if (WSAStartup(MAKEWORD(2, 2), &wd)) return 10;
    for (int round = 0; round < 2; round++) {
        WSASetLastError(0);
        SOCKET s = socket(AF_HANDLED, SOCK_STREAM, 0);
        int e = WSAGetLastError();
        printf("child: socket(0x%x) -> %s, error %d\n", AF_HANDLED, s == INVALID_SOCKET ? "INVALID_SOCKET" : "a socket", e);
        if (s != INVALID_SOCKET) { closesocket(s); return 16; }
        if (e == WSAEPROVIDERFAILEDINIT) { printf("child: handledprov counted as not started\n"); return 17; }
        if (e == WSAEINVAL) { printf("child: handledprov's own handlers did not see both faults\n"); return 18; }
        if (e != WSAESOCKTNOSUPPORT) return 19;
    }
    if (WSACleanup()) return 15;
    printf("child: ok\n");
    fflush(stdout);
    return 0;
}


static int child_startup(void)
{
    WSADATA wd;
    int r = WSAStartup(MAKEWORD(2, 2), &wd);
    if (r) { printf("child: WSAStartup failed: %d\n", r); return 10; }

    DWORD len = 0;
    WSAEnumProtocolsW(NULL, NULL, &len);
    WSAPROTOCOL_INFOW *p = malloc(len ? len : 1);
    int n = WSAEnumProtocolsW(NULL, p, &len), have_crash = 0, have_irda = 0;
    for (int i = 0; i < n; i++) {
        if (p[i].iAddressFamily == AF_CRASH || p[i].iAddressFamily == AF_FAIL ||
            p[i].iAddressFamily == AF_AFTER || p[i].iAddressFamily == AF_OK) have_crash++;
        if (p[i].iAddressFamily == AF_IRDA) have_irda = 1;
    }
    free(p);
    printf("child: catalog has %d entries, %d of crashprov, AF_IRDA %s\n", n, have_crash, have_irda ? "yes" : "no");
    if (have_crash != 4) { printf("child: crashprov's entries are not in the catalog\n"); return 11; }

    /* AF_OK first (it starts, keeping the DLL loaded; its WSPSocket says
     * WSAESOCKTNOSUPPORT), AF_FAIL (its WSPStartup fails on its own,
     * releasing the DLL's lock), then AF_CRASH (crashes holding it), then
     * AF_AFTER, whose WSPStartup would wait for that lock forever if it
     * were called; the second round finds every entry refused */
    static const int families[4] = { AF_OK, AF_FAIL, AF_CRASH, AF_AFTER };
    for (int round = 0; round < 2; round++)     /* twice: a failed start is not cached as a success */
        for (int i = 0; i < 4; i++) {
            struct bounded_socket b = { families[i], INVALID_SOCKET, 0 };
            HANDLE t = CreateThread(NULL, 0, bounded_socket_main, &b, 0, NULL);
            int expected = round == 0 && i == 0 ? WSAESOCKTNOSUPPORT : WSAEPROVIDERFAILEDINIT;
            if (WaitForSingleObject(t, 10000) != WAIT_OBJECT_0) {
                printf("child: socket(0x%x) still blocked after 10 s: the crashed DLL was called again\n",
                       families[i]);
                fflush(stdout);
                TerminateProcess(GetCurrentProcess(), 22);
            }
            CloseHandle(t);
            printf("child: socket(0x%x) -> %s, error %d\n", families[i],
                   b.s == INVALID_SOCKET ? "INVALID_SOCKET" : "a socket", b.err);
            if (b.s != INVALID_SOCKET) { closesocket(b.s); return 16; }
            if (b.err != expected) { printf("child: expected error %d\n", expected); return 17; }
        }
    if ((r = tu_echo_through_host_peer("through the stack despite a crashing WSPStartup")) != 0)
        return r;
    if (have_irda) {
        SOCKET s = socket(AF_IRDA, SOCK_STREAM, 0);
        if (s == INVALID_SOCKET) { printf("child: socket(AF_IRDA) failed: %d\n", WSAGetLastError()); return 18; }
        if (closesocket(s)) { printf("child: closesocket(AF_IRDA): %d\n", WSAGetLastError()); return 19; }
        printf("child: AF_IRDA socket created and closed\n");
    }
    /* AF_OK's WSPCleanup would wait for the crashed start's lock */
    HANDLE t = CreateThread(NULL, 0, bounded_cleanup_main, NULL, 0, NULL);
    if (WaitForSingleObject(t, 10000) != WAIT_OBJECT_0) {
        printf("child: WSACleanup still blocked after 10 s: the crashed DLL's WSPCleanup was called\n");
        fflush(stdout);
        TerminateProcess(GetCurrentProcess(), 23);
    }
    DWORD cleanup_result = 1;
    GetExitCodeThread(t, &cleanup_result);
    CloseHandle(t);
    if (cleanup_result) { printf("child: WSACleanup failed\n"); return 15; }
    printf("child: ok\n");
    fflush(stdout);
    return 0;
}

struct blocked { SOCKET s; int kind; int result, err; double returned_ms; };

static DWORD WINAPI blocked_main(void *arg)
{
    struct blocked *b = arg;
    char buf[16];
    WSASetLastError(0);
    if (b->kind == 0) {
        b->result = recv(b->s, buf, sizeof(buf), 0);
    } else if (b->kind == 1) {
        b->result = (int)accept(b->s, NULL, NULL);
    } else {
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(b->s, &rd);
        b->result = select(0, &rd, NULL, NULL, NULL);
    }
    b->err = WSAGetLastError();
    b->returned_ms = tu_now_ms();
    return 0;
}

static int child_cleanup(void)
{
    static const char *kinds[3] = { "recv", "accept", "select" };
    WSADATA wd;
    if (WSAStartup(MAKEWORD(2, 2), &wd)) return 10;
    /* the peers are host sockets, which WSACleanup leaves alone: a FIN from
     * a peer closed by the same WSACleanup would end a recv with 0 */
    SOCKET c, a, l0;
    unsigned short port;
    if (hostpeer_init()) return 11;
    l0 = tu_listener(AF_INET, SOCK_STREAM, &port);
    hostpeer_sock p1 = hostpeer_tcp_connect(AF_INET, port), p2 = hostpeer_tcp_connect(AF_INET, port);
    if (l0 == INVALID_SOCKET || p1 == HOSTPEER_BAD || p2 == HOSTPEER_BAD) { printf("child: peers failed\n"); return 11; }
    c = accept(l0, NULL, NULL);
    a = accept(l0, NULL, NULL);
    if (c == INVALID_SOCKET || a == INVALID_SOCKET) { printf("child: accept failed\n"); return 11; }
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    if (l == INVALID_SOCKET) return 12;
    struct blocked b[3] = { { c, 0, 0, 0, 0 }, { l, 1, 0, 0, 0 }, { a, 2, 0, 0, 0 } };
    HANDLE t[3];
    for (int i = 0; i < 3; i++)
        t[i] = CreateThread(NULL, 0, blocked_main, &b[i], 0, NULL);
    Sleep(300);
    double t0 = tu_now_ms();
    int r = WSACleanup();
    printf("child: WSACleanup -> %d (error %d) after %.0f ms\n", r, r ? WSAGetLastError() : 0, tu_now_ms() - t0);
    if (WaitForMultipleObjects(3, t, TRUE, 10000) != WAIT_OBJECT_0) {
        printf("child: a blocked call did not return within 10 s of WSACleanup\n");
        fflush(stdout);
        TerminateProcess(GetCurrentProcess(), 20);
    }
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        printf("child: blocked %s returned %d, error %d, %.0f ms after WSACleanup began\n", kinds[i], b[i].result,
               b[i].err, b[i].returned_ms - t0);
        if (b[i].result != SOCKET_ERROR) bad = 1;
        CloseHandle(t[i]);
    }
    /* after the last WSACleanup every call says so, and nothing crashes */
    if (send(c, "x", 1, 0) != SOCKET_ERROR || WSAGetLastError() != WSANOTINITIALISED) {
        printf("child: send after WSACleanup: error %d (expected WSANOTINITIALISED)\n", WSAGetLastError());
        bad = 1;
    }
    if (r != 0) bad = 1;
    hostpeer_close(p1);
    hostpeer_close(p2);
    printf(bad ? "child: FAILED\n" : "child: ok\n");
    fflush(stdout);
    return bad ? 21 : 0;
}

/* ---- helpers ---------------------------------------------------------------------- */

static int run_self(const WCHAR *mode, const WCHAR *env_name, const WCHAR *env_value, char **out)
{
    WCHAR cmd[MAX_PATH + 64];
    GetModuleFileNameW(NULL, cmd + 1, MAX_PATH);
    cmd[0] = L'"';
    wcscat(cmd, L"\" ");
    wcscat(cmd, mode);
    return tu_run_capture(cmd, env_name, env_value, out, 120000);
}

static void remove_key(const WCHAR *name)
{
    HKEY lsp;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, LSP, 0, KEY_ALL_ACCESS, &lsp))
        return;
    RegDeleteKeyW(lsp, name);
    RegCloseKey(lsp);
}

static void remove_crash_key(void)
{
    remove_key(CRASH_REG);
}

/* A machine registration name -> dll, run first (Order 1). */
static int add_key(const WCHAR *name, const WCHAR *dll)
{
    HKEY k, lsp;
    DWORD order = 1;
    LONG r = RegCreateKeyExW(HKEY_LOCAL_MACHINE, LSP, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &lsp, NULL);
    if (r) return (int)r;
    r = RegCreateKeyExW(lsp, name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL);
    RegCloseKey(lsp);
    if (r) return (int)r;
    r = RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)dll, (DWORD)((wcslen(dll) + 1) * sizeof(WCHAR)));
    if (!r) r = RegSetValueExW(k, L"Order", 0, REG_DWORD, (const BYTE *)&order, sizeof(order));
    RegCloseKey(k);
    return (int)r;
}

static int add_crash_key(void)
{
    return add_key(CRASH_REG, crashprov_path);
}

/* ---- tests ------------------------------------------------------------------------ */

static void wspstartup_crash_is_contained(void **state)
{
    (void)state;
    char *out;
    if (GetFileAttributesW(crashprov_path) == INVALID_FILE_ATTRIBUTES)
        fail_msg("%ls is not built", crashprov_path);
    remove_crash_key();
    int r = add_crash_key();
    if (r) fail_msg("cannot write the registration: %d", r);

    int code = run_self(L"--child-startup", L"CEWS2_DIAG", L"1", &out);
    if (tu_verbose() || code != 0)
        tu_print_indented("child (CEWS2_DIAG=1)", out);
    if (code == -2) { remove_crash_key(); fail_msg("the child hung (killed after 120 s)"); }
    if (code != 0) { remove_crash_key(); fail_msg("child exited %d (0x%x)", code, (unsigned)code); }
    if (!strstr(out, "WSPStartup crashed")) {
        tu_print_indented("child (CEWS2_DIAG=1)", out);
        remove_crash_key();
        fail_msg("no CEWS2_DIAG diagnostic says that WSPStartup crashed");
    }
    /* AF_FAIL's own failure was its own; AF_AFTER was refused without a call */
    if (!strstr(out, "WSPStartup failed with 10106") || !strstr(out, "crashed earlier in this process")) {
        tu_print_indented("child (CEWS2_DIAG=1)", out);
        remove_crash_key();
        fail_msg("the diagnostics do not show AF_FAIL's own failure and the crashed DLL refused");
    }
    if (strstr(out, "WSPCleanup not called") == NULL && tu_verbose())
        print_message("    (no started entry of the crashed DLL needed a WSPCleanup)\n");
    free(out);

    code = tu_run_capture(L"ws2inst.exe verify", NULL, NULL, &out, 120000);
    if (tu_verbose() || code != 3)
        tu_print_indented("ws2inst verify", out);
    if (code != 3) { remove_crash_key(); fail_msg("ws2inst verify exited %d (expected 3)", code); }
    if (!tu_line_has(out, "PROBLEM", "WSPStartup crashes") || !tu_line_has(out, "PROBLEM", "WSPStartup fails")) {
        tu_print_indented("ws2inst verify", out);
        remove_crash_key();
        fail_msg("ws2inst verify does not name both crashprov entries as problems");
    }
    assert_false(tu_line_has(out, "PROBLEM", "HostBase"));
    free(out);

    remove_crash_key();
    code = tu_run_capture(L"ws2inst.exe verify", NULL, NULL, &out, 120000);
    if (code != 0) {
        tu_print_indented("ws2inst verify", out);
        fail_msg("ws2inst verify exited %d after the registration was removed", code);
    }
    free(out);
}

static void handled_fault_is_not_a_crash(void **state)
{
    (void)state;
    char *out;
    if (GetFileAttributesW(handledprov_path) == INVALID_FILE_ATTRIBUTES)
        fail_msg("%ls is not built", handledprov_path);
    remove_key(HANDLED_REG);
    int r = add_key(HANDLED_REG, handledprov_path);
    if (r) fail_msg("cannot write the registration: %d", r);
    int code = run_self(L"--child-handled", L"CEWS2_DIAG", L"1", &out);
    remove_key(HANDLED_REG);
    if (tu_verbose() || code != 0)
        tu_print_indented("child (CEWS2_DIAG=1)", out);
    if (code == -2) fail_msg("the child hung (killed after 120 s)");
    if (code != 0) fail_msg("child exited %d (0x%x)", code, (unsigned)code);
    if (strstr(out, "crashed")) {
        tu_print_indented("child (CEWS2_DIAG=1)", out);
        fail_msg("a diagnostic counts handledprov's own handled faults as a crash");
    }
    free(out);
}

struct resetter { hostpeer_sock peer; DWORD delay_ms; double at_ms; };

static DWORD WINAPI reset_later(void *arg)
{
    struct resetter *r = arg;
    Sleep(r->delay_ms);
    r->at_ms = tu_now_ms();
    hostpeer_close_reset(r->peer);
    return 0;
}

static void peer_reset_during_linger_wait(void **state)
{
    (void)state;
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    assert_true(l != INVALID_SOCKET);
    assert_int_equal(hostpeer_init(), 0);
    hostpeer_sock p = hostpeer_tcp_connect(AF_INET, port);
    assert_true(p != HOSTPEER_BAD);
    SOCKET c = accept(l, NULL, NULL);
    assert_true(c != INVALID_SOCKET);
    closesocket(l);

    /* fill the send path until it would block: the peer never reads */
    static char chunk[65536];
    tu_fill(chunk, 0, sizeof(chunk));
    u_long nb = 1;
    assert_wsa_ok(ioctlsocket(c, FIONBIO, &nb));
    long long queued = 0;
    for (int i = 0; i < 4096; i++) {
        int n = send(c, chunk, sizeof(chunk), 0);
        if (n == SOCKET_ERROR) {
            assert_int_equal(WSAGetLastError(), WSAEWOULDBLOCK);
            break;
        }
        queued += n;
    }
    nb = 0;
    assert_wsa_ok(ioctlsocket(c, FIONBIO, &nb));
    struct linger lg = { 1, 5 };
    assert_wsa_ok(setsockopt(c, SOL_SOCKET, SO_LINGER, (char *)&lg, sizeof(lg)));

    struct resetter rs = { p, 700, 0 };
    HANDLE t = CreateThread(NULL, 0, reset_later, &rs, 0, NULL);
    double t0 = tu_now_ms();
    int r = closesocket(c);
    int e = WSAGetLastError();
    double took = tu_now_ms() - t0;
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
    print_message("    %lld bytes queued; peer reset after %.0f ms; closesocket returned %d after %.0f ms\n",
                  queued, rs.at_ms - t0, r, took);
    if (r != 0) fail_msg("closesocket returned %d, error %d (expected 0)", r, e);
    if (took > 5000 + 1000) fail_msg("closesocket took %.0f ms: longer than the 5 s interval", took);
    if (took < 600) fail_msg("closesocket returned after %.0f ms, before the peer reset: it did not linger", took);
    /* the queued bytes can never leave once the peer has reset: the wait ends there */
    if (took > rs.at_ms - t0 + 1000)
        fail_msg("closesocket returned %.0f ms after the peer's reset: the wait did not end with the connection",
                 took - (rs.at_ms - t0));
    assert_wsa_fail(send(c, "x", 1, 0), SOCKET_ERROR, WSAENOTSOCK);
}

static void wsacleanup_while_blocked(void **state)
{
    (void)state;
    char *out;
    int code = run_self(L"--child-cleanup", NULL, NULL, &out);
    if (tu_verbose() || code != 0)
        tu_print_indented("child", out);
    else
        for (const char *p = out; (p = strstr(p, "child: blocked")) != NULL; p++) {
            const char *e = strchr(p, '\n');
            print_message("    %.*s\n", e ? (int)(e - p) : (int)strlen(p), p);
        }
    if (code == -2) fail_msg("the child hung (killed after 120 s)");
    if (code != 0) fail_msg("child exited %d (0x%x)", code, (unsigned)code);
    free(out);
}

static int group_setup(void **state)
{
    tu_exe_dir(crashprov_path, MAX_PATH);
    wcscat(crashprov_path, L"crashprov.dll");
    tu_exe_dir(handledprov_path, MAX_PATH);
    wcscat(handledprov_path, L"handledprov.dll");
    remove_crash_key();     /* left over from an interrupted run */
    remove_key(HANDLED_REG);
    return tu_group_startup(state);
}

static int group_teardown(void **state)
{
    remove_crash_key();
    remove_key(HANDLED_REG);
    return tu_group_cleanup(state);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child-startup") == 0)
        return child_startup();
    if (argc > 1 && strcmp(argv[1], "--child-cleanup") == 0)
        return child_cleanup();
    if (argc > 1 && strcmp(argv[1], "--child-handled") == 0)
        return child_handled();
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wspstartup_crash_is_contained),
        cmocka_unit_test(handled_fault_is_not_a_crash),
        cmocka_unit_test(peer_reset_during_linger_wait),
        cmocka_unit_test(wsacleanup_while_blocked),
    };
    return cmocka_run_group_tests_name("faults", tests, group_setup, group_teardown);
}
