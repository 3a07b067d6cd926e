/*
 * test_regroot.c - ce-winsock's registry roots, observed from outside.
 *
 * The roots (cews2.h): the machine root HKLM\Software\ce-winsock, the
 * per-user root HKCU\Software\ce-winsock\<arch>, and the old root HKLM\Comm
 * that older builds used.  What is checked is what a user sees: what
 * ws2inst prints and exits with, the catalog a fresh child process gets
 * (WSAEnumProtocols), whether socket() and a TCP echo through the stack
 * work there, and where the trace of a child goes.  The registry itself is
 * only read to prove what was not touched (HKLM by --user commands, the old
 * root by readers) and written to set up what an older build or a user
 * would have left.
 *
 *   machine_root_works              the prefix's own registrations are below
 *                                   the machine root; the old root does not
 *                                   exist; a child's TCP works
 *   user_root_works_without_hklm    an empty machine root, then
 *                                   ws2inst --user reset: HKLM unchanged,
 *                                   and a child's TCP works
 *   user_registration_replaces_machine_one
 *                                   the lookup order: a per-user HostBase
 *                                   (loopprov.dll) hides the machine's, a
 *                                   per-user registration of a new name
 *                                   joins the machine ones
 *   settings_per_user_then_machine  Comm\WS2 "Trace": the per-user value
 *                                   wins, the machine's applies without it
 *   old_root_is_reported_not_used   registrations under HKLM\Comm only: the
 *                                   catalog is empty, CEWS2_DIAG and
 *                                   ws2inst verify/list say so, nothing moves
 *   migrate_moves_the_old_root      ws2inst migrate: one line saying what
 *                                   moved, the old root gone, a child's TCP
 *                                   works, settings moved, nothing left to move
 *   writing_command_migrates_too    ws2inst remove with an old root: the move
 *                                   and the removal in one change; the machine
 *                                   root's own registration of a name is kept
 *
 * Each test starts from the prefix's state (ws2inst reset, no per-user or
 * old root) and the group teardown returns to it, so later suites in the
 * same prefix are unaffected.  loopprov.dll (wine-tests/providers) must be
 * next to this program.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* The roots' keys this test writes or reads, from cews2.h. */
#define MACHINE_WS2   CEWS2_REGISTRY_ROOT L"\\" CEWS2_WS2_SUBKEY         /* HKLM */
#define MACHINE_IRDA  CEWS2_REGISTRY_ROOT L"\\" CEWS2_IRDA_SUBKEY        /* HKLM */
#define USER_WS2      CEWS2_USER_REGISTRY_ROOT L"\\" CEWS2_WS2_SUBKEY    /* HKCU */
/* The old root is HKLM itself: older builds kept CE's layout right there. */
#define OLD_PARENT    L"Comm"
#define OLD_LSP       CEWS2_LSP_SUBKEY
#define OLD_IRDA      CEWS2_IRDA_SUBKEY

#define LOOP_PROTOCOL "ce-winsock loopprov (WPU upcall test)"
#define HOST_TCP      "Host TCP/IPv4 (ce-winsock)"
#define CE_TCP        "CE 5.0 over Host TCP/IPv4 (ce-winsock)"

static WCHAR loopprov_path[MAX_PATH];
static WCHAR system_dir[MAX_PATH];

/* ---- child process: what its catalog has, and whether TCP works ---------------- */

/* Prints one "entry <family> <type> <name>" line per catalog entry, then
 * "socket ok" or "socket error <e>" for socket(AF_INET, SOCK_STREAM, 0),
 * then, with "tcp", "tcp ok" after an echo through the stack.  The exit
 * code says only whether the child could run at all. */
static int child_main(int tcp)
{
    WSADATA wd;
    int r = WSAStartup(MAKEWORD(2, 2), &wd);
    if (r) { printf("child: WSAStartup failed: %d\n", r); return 10; }

    DWORD len = 0;
    WSAEnumProtocolsW(NULL, NULL, &len);
    WSAPROTOCOL_INFOW *p = malloc(len ? len : 1);
    int n = len ? WSAEnumProtocolsW(NULL, p, &len) : 0;
    for (int i = 0; i < n; i++)
        printf("entry %d %d %ls\n", p[i].iAddressFamily, p[i].iSocketType, p[i].szProtocol);
    free(p);

    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET) {
        printf("socket error %d\n", WSAGetLastError());
    } else {
        printf("socket ok\n");
        closesocket(s);
    }
    if (tcp) {
        fflush(stdout);
        if (tu_echo_through_host_peer("through the stack, registered below a ce-winsock root") == 0)
            printf("tcp ok\n");
    }
    WSACleanup();
    fflush(stdout);
    return 0;
}

/* ---- helpers --------------------------------------------------------------------- */

static char *utf8(const WCHAR *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = malloc(n > 0 ? n : 1);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

/* Runs "ws2inst.exe <args>" (system32's), output into *out; its exit code. */
static int ws2inst(const WCHAR *args, char **out)
{
    WCHAR cmd[1024];
    swprintf(cmd, ARRAYSIZE(cmd), L"ws2inst.exe %ls", args);
    int code = tu_run_capture(cmd, NULL, NULL, out, 120000);
    if (tu_verbose()) {
        char *a = utf8(args), title[300];
        snprintf(title, sizeof(title), "ws2inst %s (exit %d)", a, code);
        tu_print_indented(title, *out);
        free(a);
    }
    return code;
}

/* ws2inst <args> must exit with want; returns its output. */
static char *ws2inst_expect(const WCHAR *args, int want)
{
    char *out;
    int code = ws2inst(args, &out);
    if (code != want) {
        char *a = utf8(args);
        tu_print_indented("ws2inst", out);
        fail_msg("ws2inst %s exited %d (expected %d)", a, code, want);
    }
    return out;
}

/* A fresh child of this program (its catalog is built at its first
 * WSAStartup), with env_name=env_value if given. */
static char *child(int tcp, const WCHAR *env_name, const WCHAR *env_value)
{
    WCHAR cmd[MAX_PATH + 32];
    char *out;
    GetModuleFileNameW(NULL, cmd + 1, MAX_PATH);
    cmd[0] = L'"';
    wcscat(cmd, tcp ? L"\" --child-tcp" : L"\" --child");
    int code = tu_run_capture(cmd, env_name, env_value, &out, 120000);
    if (tu_verbose() || code != 0)
        tu_print_indented("child", out);
    if (code != 0)
        fail_msg("the child process exited with %d", code);
    return out;
}

/* Whether some line of text starts with start. */
static int has_line_starting(const char *text, const char *start)
{
    size_t n = strlen(start);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, start, n) == 0)
            return 1;
    return 0;
}

static int lines_of(const char *text)
{
    int n = 0;
    for (const char *c = text; *c; c++)
        n += *c == '\n';
    return n;
}

static int key_exists(HKEY hive, const WCHAR *path)
{
    HKEY k;
    if (RegOpenKeyExW(hive, path, 0, KEY_READ, &k))
        return 0;
    RegCloseKey(k);
    return 1;
}

static LONG set_string(HKEY hive, const WCHAR *path, const WCHAR *name, const WCHAR *text)
{
    HKEY k;
    LONG r = RegCreateKeyExW(hive, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL);
    if (r) return r;
    r = RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)text, (DWORD)((wcslen(text) + 1) * sizeof(WCHAR)));
    RegCloseKey(k);
    return r;
}

/* A registration written straight into the registry (as an older build or
 * a hand edit would have left it). */
static void write_registration(HKEY hive, const WCHAR *lsp, const WCHAR *name, const WCHAR *dll, DWORD order)
{
    WCHAR path[512];
    HKEY k;
    swprintf(path, ARRAYSIZE(path), L"%ls\\%ls", lsp, name);
    assert_int_equal(RegCreateKeyExW(hive, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL), 0);
    assert_int_equal(RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)dll,
                                    (DWORD)((wcslen(dll) + 1) * sizeof(WCHAR))), 0);
    assert_int_equal(RegSetValueExW(k, L"Order", 0, REG_DWORD, (const BYTE *)&order, sizeof(order)), 0);
    RegCloseKey(k);
}

/* A key's whole tree as text (names, types, data), to compare snapshots. */
static void dump(HKEY key, const WCHAR *path, char **text, size_t *used, size_t *capacity)
{
    WCHAR name[16384], child_name[256];
    BYTE data[4096];
    char line[20000];
    DWORD i, type, name_len, data_len;

    for (i = 0;; i++) {
        name_len = ARRAYSIZE(name);
        data_len = sizeof(data);
        if (RegEnumValueW(key, i, name, &name_len, NULL, &type, data, &data_len))
            break;
        int n = snprintf(line, sizeof(line), "%ls|%ls|%lu|", path, name, type);
        for (DWORD b = 0; b < data_len && n < (int)sizeof(line) - 4; b++)
            n += snprintf(line + n, sizeof(line) - n, "%02x", data[b]);
        n += snprintf(line + n, sizeof(line) - n, "\n");
        while (*used + n + 1 > *capacity) {
            *capacity = *capacity ? *capacity * 2 : 4096;
            *text = realloc(*text, *capacity);
        }
        memcpy(*text + *used, line, n + 1);
        *used += n;
    }
    for (i = 0;; i++) {
        HKEY sub;
        WCHAR sub_path[1024];
        DWORD len = ARRAYSIZE(child_name);
        if (RegEnumKeyExW(key, i, child_name, &len, NULL, NULL, NULL, NULL))
            break;
        swprintf(sub_path, ARRAYSIZE(sub_path), L"%ls\\%ls", path, child_name);
        if (!RegOpenKeyExW(key, child_name, 0, KEY_READ, &sub)) {
            dump(sub, sub_path, text, used, capacity);
            RegCloseKey(sub);
        }
    }
}

static char *snapshot(HKEY hive, const WCHAR *path)
{
    char *text = calloc(1, 1);
    size_t used = 0, capacity = 1;
    HKEY k;
    if (!RegOpenKeyExW(hive, path, 0, KEY_READ, &k)) {
        dump(k, path, &text, &used, &capacity);
        RegCloseKey(k);
    }
    return text;
}

/* The old root, as an older build left it: CE's layout right under HKLM. */
static void delete_old_root(void)
{
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, CEWS2_WS2_SUBKEY);
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, CEWS2_IRDA_SUBKEY);
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, OLD_PARENT);
}

/* The prefix's state: the default machine set, no per-user root, no old
 * root, none of the settings these tests write. */
static void baseline(void)
{
    char *out;
    HKEY k;

    RegDeleteTreeW(HKEY_CURRENT_USER, CEWS2_USER_REGISTRY_ROOT);
    delete_old_root();
    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, MACHINE_WS2, 0, KEY_ALL_ACCESS, &k)) {
        RegDeleteValueW(k, L"Trace");
        RegCloseKey(k);
    }
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, MACHINE_IRDA);
    if (ws2inst(L"reset", &out) != 0)
        tu_print_indented("ws2inst reset", out);
    free(out);
}

/* An empty machine set, through ws2inst as an administrator would do it. */
static void empty_machine_root(void)
{
    static const WCHAR *const names[] = { L"HostBase", L"IrdaBase", L"CeLayered" };
    for (size_t i = 0; i < ARRAYSIZE(names); i++) {
        WCHAR args[64];
        swprintf(args, ARRAYSIZE(args), L"remove %ls", names[i]);
        free(ws2inst_expect(args, 0));
    }
}

/* The prefix's default set, written below the old root instead. */
static void old_root_with_default_set(void)
{
    static const struct { const WCHAR *name, *file; DWORD order; } defaults[] = {
        { L"HostBase", L"hostprov.dll", 100 }, { L"IrdaBase", L"irdaprov.dll", 150 },
        { L"CeLayered", L"celsp.dll", 200 },
    };
    for (size_t i = 0; i < ARRAYSIZE(defaults); i++) {
        WCHAR dll[MAX_PATH];
        swprintf(dll, ARRAYSIZE(dll), L"%ls\\%ls", system_dir, defaults[i].file);
        write_registration(HKEY_LOCAL_MACHINE, OLD_LSP, defaults[i].name, dll, defaults[i].order);
    }
    assert_int_equal(set_string(HKEY_LOCAL_MACHINE, OLD_IRDA, L"Nickname", L"old-station"), 0);
}

static int per_test_setup(void **state)
{
    (void)state;
    baseline();
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    tu_exe_dir(loopprov_path, MAX_PATH);
    wcscat(loopprov_path, L"loopprov.dll");
    GetSystemDirectoryW(system_dir, MAX_PATH);
    if (GetFileAttributesW(loopprov_path) == INVALID_FILE_ATTRIBUTES) {
        fprintf(stderr, "%ls is missing (make tests)\n", loopprov_path);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    baseline();
    return 0;
}

/* ---- tests ------------------------------------------------------------------------ */

static void machine_root_works(void **state)
{
    (void)state;
    char *out = ws2inst_expect(L"list", 0);
    assert_true(has_line_starting(out, "Registrations under HKEY_LOCAL_MACHINE\\Software\\ce-winsock\\Comm\\WS2\\LSP: 3"));
    assert_true(tu_line_has(out, "HostBase", "hostprov.dll"));
    assert_true(tu_line_has(out, "Registrations under HKEY_CURRENT_USER\\Software\\ce-winsock\\", ": 0"));
    assert_false(tu_line_has(out, "REPLACED", NULL));
    free(out);
    /* Where Windows allows no new key, nothing was made. */
    assert_false(key_exists(HKEY_LOCAL_MACHINE, OLD_PARENT));
    assert_true(key_exists(HKEY_LOCAL_MACHINE, CEWS2_LSP_KEY L"\\HostBase"));

    out = child(1, NULL, NULL);
    assert_true(tu_line_has(out, "entry", CE_TCP));
    assert_true(has_line_starting(out, "socket ok"));
    assert_true(has_line_starting(out, "tcp ok"));
    free(out);
}

static void user_root_works_without_hklm(void **state)
{
    (void)state;
    empty_machine_root();
    /* Nothing registered: no TCP at all, so what follows comes from HKCU. */
    char *out = child(0, NULL, NULL);
    assert_false(tu_line_has(out, "entry", NULL));
    assert_true(has_line_starting(out, "socket error 10047"));     /* WSAEAFNOSUPPORT */
    free(out);

    char *machine_before = snapshot(HKEY_LOCAL_MACHINE, CEWS2_REGISTRY_ROOT);
    out = ws2inst_expect(L"--user reset", 0);
    assert_true(has_line_starting(out, "reset HKEY_CURRENT_USER\\Software\\ce-winsock\\" ));
    assert_true(tu_line_has(out, "to 3 registrations", "HostBase"));
    free(out);
    out = ws2inst_expect(L"--user list", 0);
    assert_true(tu_line_has(out, "Registrations under HKEY_CURRENT_USER\\Software\\ce-winsock\\", ": 3 (per-user"));
    assert_true(has_line_starting(out, "Registrations under HKEY_LOCAL_MACHINE\\Software\\ce-winsock\\Comm\\WS2\\LSP: 0"));
    free(out);
    free(ws2inst_expect(L"--user verify", 0));

    out = child(1, NULL, NULL);
    assert_true(tu_line_has(out, "entry", CE_TCP));
    assert_true(has_line_starting(out, "socket ok"));
    assert_true(has_line_starting(out, "tcp ok"));
    free(out);

    /* --user reset, list, verify and a process's start wrote nothing to HKLM. */
    char *machine_after = snapshot(HKEY_LOCAL_MACHINE, CEWS2_REGISTRY_ROOT);
    assert_string_equal(machine_after, machine_before);
    assert_false(key_exists(HKEY_LOCAL_MACHINE, OLD_PARENT));
    free(machine_before);
    free(machine_after);
}

static void user_registration_replaces_machine_one(void **state)
{
    (void)state;
    WCHAR args[MAX_PATH + 96];

    /* A per-user HostBase: the machine's HostBase is not run at all. */
    swprintf(args, ARRAYSIZE(args), L"--user install --name HostBase --dll \"%ls\"", loopprov_path);
    char *out = ws2inst_expect(args, 0);
    assert_true(tu_line_has(out, "note: for this user, 'HostBase' replaces", NULL));
    free(out);
    out = ws2inst_expect(L"list", 0);
    assert_true(tu_line_has(out, "HostBase", "REPLACED by the per-user registration"));
    assert_false(tu_line_has(out, "IrdaBase", "REPLACED"));
    free(out);
    out = child(0, NULL, NULL);
    assert_true(tu_line_has(out, "entry", LOOP_PROTOCOL));
    assert_false(tu_line_has(out, "entry", HOST_TCP));
    assert_false(tu_line_has(out, "entry", CE_TCP));
    assert_true(has_line_starting(out, "socket error 10047"));     /* no TCP provider */
    free(out);

    /* A per-user registration of another name runs with the machine ones. */
    free(ws2inst_expect(L"--user remove HostBase", 0));
    swprintf(args, ARRAYSIZE(args), L"--user install --name zz-user-loop --dll \"%ls\" --order 300",
             loopprov_path);
    out = ws2inst_expect(args, 0);
    assert_false(tu_line_has(out, "note:", NULL));
    free(out);
    out = child(1, NULL, NULL);
    assert_true(tu_line_has(out, "entry", LOOP_PROTOCOL));
    assert_true(tu_line_has(out, "entry", CE_TCP));
    assert_true(has_line_starting(out, "tcp ok"));
    free(out);
    /* verify names where each registration came from. */
    ws2inst(L"verify", &out);
    assert_true(tu_line_has(out, "zz-user-loop", "(per-user registration)"));
    assert_false(tu_line_has(out, "CeLayered", "(per-user registration)"));
    free(out);
}

static void settings_per_user_then_machine(void **state)
{
    (void)state;
    WCHAR machine_file[MAX_PATH], user_file[MAX_PATH];
    GetTempPathW(MAX_PATH, machine_file);
    wcscpy(user_file, machine_file);
    wcscat(machine_file, L"cews2-regroot-machine.log");
    wcscat(user_file, L"cews2-regroot-user.log");
    DeleteFileW(machine_file);
    DeleteFileW(user_file);
    if (GetEnvironmentVariableW(L"CEWS2_TRACE", NULL, 0))
        SetEnvironmentVariableW(L"CEWS2_TRACE", NULL);     /* it would win over both */

    assert_int_equal(set_string(HKEY_LOCAL_MACHINE, MACHINE_WS2, L"Trace", machine_file), 0);
    assert_int_equal(set_string(HKEY_CURRENT_USER, USER_WS2, L"Trace", user_file), 0);
    free(child(0, NULL, NULL));
    int user_traced = GetFileAttributesW(user_file) != INVALID_FILE_ATTRIBUTES;
    int machine_traced = GetFileAttributesW(machine_file) != INVALID_FILE_ATTRIBUTES;

    /* Without the per-user value, the machine's applies. */
    HKEY k;
    if (!RegOpenKeyExW(HKEY_CURRENT_USER, USER_WS2, 0, KEY_ALL_ACCESS, &k)) {
        RegDeleteValueW(k, L"Trace");
        RegCloseKey(k);
    }
    DeleteFileW(user_file);
    free(child(0, NULL, NULL));
    int machine_traced_alone = GetFileAttributesW(machine_file) != INVALID_FILE_ATTRIBUTES;
    DeleteFileW(machine_file);
    DeleteFileW(user_file);

    assert_true(user_traced);
    assert_false(machine_traced);
    assert_true(machine_traced_alone);
}

static void old_root_is_reported_not_used(void **state)
{
    (void)state;
    empty_machine_root();
    old_root_with_default_set();
    char *old_before = snapshot(HKEY_LOCAL_MACHINE, OLD_PARENT);

    /* Not used: no TCP; and said so, naming the way out. */
    char *out = child(0, L"CEWS2_DIAG", L"1");
    assert_false(tu_line_has(out, "entry", NULL));
    assert_true(has_line_starting(out, "socket error 10047"));
    assert_true(tu_line_has(out, "HKEY_LOCAL_MACHINE\\Comm", "ws2inst migrate"));
    free(out);
    int code = ws2inst(L"verify", &out);
    if (code != 3) {
        tu_print_indented("ws2inst verify", out);
        fail_msg("ws2inst verify exited %d with an old root (expected 3)", code);
    }
    assert_true(tu_line_has(out, "PROBLEM", "ws2inst migrate"));
    free(out);
    out = ws2inst_expect(L"list", 0);
    assert_true(tu_line_has(out, "warning: HKEY_LOCAL_MACHINE\\Comm", "ws2inst migrate"));
    assert_true(has_line_starting(out, "Registrations under HKEY_LOCAL_MACHINE\\Software\\ce-winsock\\Comm\\WS2\\LSP: 0"));
    free(out);

    /* Readers moved nothing; --user commands do not take it over either. */
    out = ws2inst_expect(L"--user migrate", 2);
    free(out);
    free(ws2inst_expect(L"--user reset", 0));
    char *old_after = snapshot(HKEY_LOCAL_MACHINE, OLD_PARENT);
    assert_string_equal(old_after, old_before);
    free(old_before);
    free(old_after);
}

static void migrate_moves_the_old_root(void **state)
{
    (void)state;
    empty_machine_root();
    old_root_with_default_set();

    char *out = ws2inst_expect(L"migrate", 0);
    /* One line: what moved, from where to where. */
    assert_int_equal(lines_of(out), 1);
    assert_true(has_line_starting(out, "moved HKEY_LOCAL_MACHINE\\Comm to "
                                       "HKEY_LOCAL_MACHINE\\Software\\ce-winsock\\Comm: "
                                       "registrations HostBase, IrdaBase, CeLayered; "
                                       "settings Comm\\IrDA Nickname"));
    free(out);
    assert_false(key_exists(HKEY_LOCAL_MACHINE, OLD_PARENT));

    out = ws2inst_expect(L"list", 0);
    assert_true(has_line_starting(out, "Registrations under HKEY_LOCAL_MACHINE\\Software\\ce-winsock\\Comm\\WS2\\LSP: 3"));
    assert_false(tu_line_has(out, "warning", NULL));
    free(out);
    free(ws2inst_expect(L"verify", 0));
    out = child(1, NULL, NULL);
    assert_true(tu_line_has(out, "entry", CE_TCP));
    assert_true(has_line_starting(out, "tcp ok"));
    free(out);

    /* The setting came along (IrDA's nickname, read by irdaprov). */
    WCHAR nick[64];
    DWORD size = sizeof(nick);
    assert_int_equal(RegGetValueW(HKEY_LOCAL_MACHINE, MACHINE_IRDA, L"Nickname", RRF_RT_REG_SZ, NULL,
                                  nick, &size), 0);
    assert_true(wcscmp(nick, L"old-station") == 0);

    out = ws2inst_expect(L"migrate", 0);
    assert_true(has_line_starting(out, "nothing to move"));
    free(out);
}

static void writing_command_migrates_too(void **state)
{
    (void)state;
    /* The machine root has its own HostBase; the old root another one, a
     * provider of its own, and one about to be removed. */
    write_registration(HKEY_LOCAL_MACHINE, OLD_LSP, L"HostBase", L"C:\\nowhere\\old-hostprov.dll", 100);
    write_registration(HKEY_LOCAL_MACHINE, OLD_LSP, L"zz-old-loop", loopprov_path, 300);
    write_registration(HKEY_LOCAL_MACHINE, OLD_LSP, L"zz-old-gone", L"C:\\nowhere\\gone.dll", 400);

    char *out = ws2inst_expect(L"remove zz-old-gone", 0);
    assert_int_equal(lines_of(out), 2);
    assert_true(has_line_starting(out, "moved HKEY_LOCAL_MACHINE\\Comm to HKEY_LOCAL_MACHINE\\Software\\ce-winsock\\Comm: "
                                       "registrations zz-old-loop, zz-old-gone; "
                                       "kept the machine root's own HostBase"));
    assert_true(has_line_starting(out, "removed 'zz-old-gone'"));
    free(out);
    assert_false(key_exists(HKEY_LOCAL_MACHINE, OLD_PARENT));

    out = ws2inst_expect(L"list", 0);
    assert_true(has_line_starting(out, "Registrations under HKEY_LOCAL_MACHINE\\Software\\ce-winsock\\Comm\\WS2\\LSP: 4"));
    assert_true(tu_line_has(out, "HostBase", "system32\\hostprov.dll"));
    assert_true(tu_line_has(out, "zz-old-loop", "loopprov.dll"));
    assert_false(tu_line_has(out, "zz-old-gone", NULL));
    free(out);
    out = child(1, NULL, NULL);
    assert_true(tu_line_has(out, "entry", LOOP_PROTOCOL));
    assert_true(tu_line_has(out, "entry", CE_TCP));
    assert_true(has_line_starting(out, "tcp ok"));
    free(out);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child_main(0);
    if (argc > 1 && strcmp(argv[1], "--child-tcp") == 0)
        return child_main(1);
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(machine_root_works, per_test_setup),
        cmocka_unit_test_setup(user_root_works_without_hklm, per_test_setup),
        cmocka_unit_test_setup(user_registration_replaces_machine_one, per_test_setup),
        cmocka_unit_test_setup(settings_per_user_then_machine, per_test_setup),
        cmocka_unit_test_setup(old_root_is_reported_not_used, per_test_setup),
        cmocka_unit_test_setup(migrate_moves_the_old_root, per_test_setup),
        cmocka_unit_test_setup(writing_command_migrates_too, per_test_setup),
    };
    return cmocka_run_group_tests_name("regroot", tests, group_setup, group_teardown);
}
