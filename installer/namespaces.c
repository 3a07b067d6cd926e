/*
 * namespaces.c - ws2inst's side of the namespace-provider registrations
 * (ws2/nsregistry.h): reset installs the default set, list shows both
 * roots' keys, verify loads each provider DLL and looks for NSPStartup.
 */
#include "installer.h"
#include "../ws2/nsregistry.h"

#include <wchar.h>

static const struct {
    const wchar_t *name;
    const wchar_t *dll_file;    /* next to ws2inst.exe */
    GUID id;
    DWORD name_space;
} default_namespaces[] = {
    { L"HostDns", CEWS2_HOST_PROVIDER_DLL, CEWS2_HOST_NSP_ID, NS_DNS },  /* the host's resolver */
};

/* "HKEY_LOCAL_MACHINE\Software\ce-winsock\Comm\WS2\NameSpace", in a static buffer. */
static const wchar_t *namespace_display(enum regroot_scope scope)
{
    static wchar_t text[2][300];
    wchar_t *t = text[scope == REGROOT_USER];
    regroot_display(scope, CEWS2_NAMESPACE_SUBKEY, t, 300);
    return t;
}

int namespaces_reset(enum regroot_scope scope, const wchar_t *directory)
{
    struct ns_registration *old = NULL;
    size_t old_count = 0;
    LONG err;
    int installed = 0;

    /* the whole set is replaced, as reset does with the protocol set */
    err = nsreg_read_root(scope, &old, &old_count);
    for (size_t i = 0; !err && i < old_count; i++)
        err = nsreg_delete(scope, old[i].name);
    nsreg_free(old);
    if (err && err != ERROR_FILE_NOT_FOUND) {
        print_err(L"ws2inst: reset: cannot clear the namespace providers under %ls: %ls\n",
                  namespace_display(scope), error_text((DWORD)err));
        return -1;
    }
    for (size_t i = 0; i < ARRAYSIZE(default_namespaces); i++) {
        struct ns_registration r;
        memset(&r, 0, sizeof(r));
        wcscpy(r.name, default_namespaces[i].name);
        __mingw_snwprintf(r.dll, ARRAYSIZE(r.dll), L"%ls\\%ls", directory, default_namespaces[i].dll_file);
        if (!dll_is_present(r.dll)) {
            print_err(L"ws2inst: reset: skipped namespace provider '%ls': %ls not found\n", r.name, r.dll);
            continue;
        }
        r.id = default_namespaces[i].id;
        r.name_space = default_namespaces[i].name_space;
        r.version = 1;
        r.order = NSREG_DEFAULT_ORDER;
        r.enabled = TRUE;
        err = nsreg_write(scope, &r);
        if (err) {
            print_err(L"ws2inst: reset: cannot write namespace provider '%ls': %ls\n", r.name,
                      error_text((DWORD)err));
            return -1;
        }
        print_out(L"reset namespace provider %ls (NameSpace %lu, %ls)\n", r.name, r.name_space, r.dll);
        installed++;
    }
    return installed;
}

static const wchar_t *space_name(DWORD space)
{
    switch (space) {
    case NS_DNS: return L"NS_DNS";
    case NS_NLA: return L"NS_NLA";
    case NS_ALL: return L"NS_ALL";
    default:     return L"other";
    }
}

void namespaces_list(void)
{
    static const enum regroot_scope roots[] = { REGROOT_USER, REGROOT_MACHINE };
    for (size_t k = 0; k < ARRAYSIZE(roots); k++) {
        struct ns_registration *list = NULL;
        size_t count = 0;
        LONG err = nsreg_read_root(roots[k], &list, &count);
        if (err) {
            print_out(L"Namespace providers under %ls: cannot read: %ls\n", namespace_display(roots[k]),
                      error_text((DWORD)err));
            continue;
        }
        print_out(L"Namespace providers under %ls: %u\n", namespace_display(roots[k]), (unsigned)count);
        for (size_t i = 0; i < count; i++) {
            const struct ns_registration *r = &list[i];
            WCHAR id[39];
            if (r->problem) {
                print_out(L"  %-12ls  INVALID: %ls\n", r->name, r->problem);
                continue;
            }
            nsreg_guid_text(&r->id, id);
            print_out(L"  %-12ls  %ls (%lu)  Version %lu  Order %lu  %ls  Id %ls  Dll %ls%ls\n", r->name,
                      space_name(r->name_space), r->name_space, r->version, r->order,
                      r->enabled ? L"enabled" : L"DISABLED", id, r->dll,
                      dll_is_present(r->dll) ? L"" : L"  MISSING DLL");
        }
        nsreg_free(list);
    }
}

int namespaces_verify(void)
{
    struct ns_registration *list = NULL;
    size_t count = 0;
    int problems = 0;

    if (nsreg_read_effective(&list, &count)) {
        print_out(L"PROBLEM  (namespace providers): cannot read the registrations\n");
        return 1;
    }
    for (size_t i = 0; i < count; i++) {
        const struct ns_registration *r = &list[i];
        HMODULE module;
        if (r->problem) {
            print_out(L"PROBLEM  namespace %ls: %ls\n", r->name, r->problem);
            problems++;
            continue;
        }
        /* loaded as data would not resolve exports' forwarders; loading the
         * DLL runs only its DllMain, never NSPStartup */
        module = LoadLibraryW(r->dll);
        if (!module) {
            print_out(L"PROBLEM  namespace %ls: %ls cannot be loaded [%ls]\n", r->name, r->dll,
                      error_text(GetLastError()));
            problems++;
        } else if (!GetProcAddress(module, "NSPStartup")) {
            print_out(L"PROBLEM  namespace %ls: %ls has no NSPStartup export\n", r->name, r->dll);
            problems++;
        } else {
            print_out(L"ok       namespace %ls: %ls, %ls%ls\n", r->name, r->dll, space_name(r->name_space),
                      r->enabled ? L"" : L" (disabled)");
        }
        if (module)
            FreeLibrary(module);
    }
    nsreg_free(list);
    return problems;
}
