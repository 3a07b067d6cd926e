/*
 * cmd_list.c - "ws2inst [--user] list [--read-only]": the registrations of
 * both roots in lookup order (per-user, then machine-wide, with the machine
 * ones a per-user one replaces marked), then the catalog that ws2.dll
 * builds from them in this process.  The namespace providers of both
 * roots follow the protocol registrations.  --user makes no difference: both
 * roots are always shown, since both make the catalog.
 */
#include "installer.h"

#include <wchar.h>

/* One root's registrations; those whose names are in hidden_by (the
 * per-user set, for the machine root) are marked as not used. */
static void list_registrations(enum regroot_scope scope, const struct registration *list, size_t count,
                               struct registration *hidden_by, size_t hidden_count)
{
    int width = 4;

    /* Names in one column, unless one is absurdly long. */
    for (size_t i = 0; i < count; i++)
        if ((int)wcslen(list[i].name) > width)
            width = (int)wcslen(list[i].name);
    if (width > 24)
        width = 24;
    print_out(L"Registrations under %ls: %u%ls\n", store_display(scope), (unsigned)count,
              scope == REGROOT_USER ? L" (per-user: used first)" : L"");
    for (size_t i = 0; i < count; i++) {
        const struct registration *registration = &list[i];
        wchar_t order[16], entry[REGISTRATION_ENTRY_MAX + 1];
        const wchar_t *note = registration_find(hidden_by, hidden_count, registration->name)
                            ? L"  REPLACED by the per-user registration" : L"";

        if (registration->problem != REGISTRATION_OK) {
            if (registration->problem == REGISTRATION_UNREADABLE)
                print_out(L"  %-*ls  INVALID: %ls: %ls%ls\n", width, registration->name,
                          registration_problem_text(registration->problem),
                          error_text(registration->read_error), note);
            else
                print_out(L"  %-*ls  INVALID: %ls%ls\n", width, registration->name,
                          registration_problem_text(registration->problem), note);
            continue;
        }
        if (registration->order == CEWS2_DEFAULT_ORDER)
            wcscpy(order, L"last");
        else
            __mingw_snwprintf(order, ARRAYSIZE(order), L"%lu", registration->order);
        MultiByteToWideChar(CP_ACP, 0, registration->entry, -1, entry, ARRAYSIZE(entry));
        print_out(L"  %-*ls  Order %-4ls  Dll %ls  Entry %ls%ls%ls\n", width, registration->name, order,
                  registration->dll, entry, dll_is_present(registration->dll) ? L"" : L"  MISSING DLL",
                  note);
    }
}

static const wchar_t *family_name(int family)
{
    switch (family) {
    case AF_INET:  return L"AF_INET";
    case AF_INET6: return L"AF_INET6";
    case AF_IRDA:  return L"AF_IRDA";
    case AF_UNSPEC: return L"AF_UNSPEC";
    }
    return NULL;
}

static const wchar_t *type_name(int type)
{
    switch (type) {
    case SOCK_STREAM:    return L"SOCK_STREAM";
    case SOCK_DGRAM:     return L"SOCK_DGRAM";
    case SOCK_RAW:       return L"SOCK_RAW";
    case SOCK_RDM:       return L"SOCK_RDM";
    case SOCK_SEQPACKET: return L"SOCK_SEQPACKET";
    }
    return NULL;
}

static void print_catalog_entry(const WSAPROTOCOL_INFOW *info)
{
    wchar_t family[32], type[32], chain[16 * MAX_PROTOCOL_CHAIN + 16], path[MAX_PATH];
    int path_length = ARRAYSIZE(path), error = 0;
    const WSAPROTOCOLCHAIN *protocol_chain = &info->ProtocolChain;

    if (family_name(info->iAddressFamily))
        wcscpy(family, family_name(info->iAddressFamily));
    else
        __mingw_snwprintf(family, ARRAYSIZE(family), L"family %d", info->iAddressFamily);
    if (type_name(info->iSocketType))
        wcscpy(type, type_name(info->iSocketType));
    else
        __mingw_snwprintf(type, ARRAYSIZE(type), L"type %d", info->iSocketType);

    if (protocol_chain->ChainLen == LAYERED_PROTOCOL)
        wcscpy(chain, L"layered");
    else if (protocol_chain->ChainLen == BASE_PROTOCOL)
        wcscpy(chain, L"base");
    else if (protocol_chain->ChainLen < 0 || protocol_chain->ChainLen > MAX_PROTOCOL_CHAIN)
        __mingw_snwprintf(chain, ARRAYSIZE(chain), L"bad chain length %d", protocol_chain->ChainLen);
    else {
        wcscpy(chain, L"chain");
        for (int i = 0; i < protocol_chain->ChainLen; i++)
            __mingw_snwprintf(chain + wcslen(chain), ARRAYSIZE(chain) - wcslen(chain),
                              i ? L">%lu" : L" %lu", protocol_chain->ChainEntries[i]);
    }

    if (WSCGetProviderPath((GUID *)&info->ProviderId, path, &path_length, &error) != 0)
        __mingw_snwprintf(path, ARRAYSIZE(path), L"(no provider path: %ls)", error_text(error));

    print_out(L"  %lu  %ls/%ls/%d  %ls  %ls  %.*ls\n", info->dwCatalogEntryId, family, type,
              info->iProtocol, chain, path, WSAPROTOCOL_LEN + 1, info->szProtocol);
}

/* The catalog as this process's ws2.dll builds it at WSAStartup. */
static int list_catalog(void)
{
    WSAPROTOCOL_INFOW *catalog;
    WSADATA data;
    DWORD bytes = 0;
    int error = 0, entries, started = WSAStartup(MAKEWORD(2, 2), &data);

    if (started != 0) {
        print_err(L"ws2inst: list: WSAStartup(2.2) failed: %ls\n", error_text(started));
        return EXIT_RUNTIME_FAILURE;
    }
    /* The first call only asks for the size. */
    entries = WSCEnumProtocols(NULL, NULL, &bytes, &error);
    if (entries == SOCKET_ERROR && error != WSAENOBUFS) {
        print_err(L"ws2inst: list: WSCEnumProtocols failed: %ls\n", error_text(error));
        WSACleanup();
        return EXIT_RUNTIME_FAILURE;
    }
    catalog = HeapAlloc(GetProcessHeap(), 0, bytes ? bytes : 1);
    if (!catalog) {
        print_err(L"ws2inst: list: %ls\n", error_text(ERROR_NOT_ENOUGH_MEMORY));
        WSACleanup();
        return EXIT_RUNTIME_FAILURE;
    }
    entries = bytes ? WSCEnumProtocols(NULL, catalog, &bytes, &error) : 0;
    if (entries == SOCKET_ERROR) {
        print_err(L"ws2inst: list: WSCEnumProtocols failed: %ls\n", error_text(error));
        HeapFree(GetProcessHeap(), 0, catalog);
        WSACleanup();
        return EXIT_RUNTIME_FAILURE;
    }
    print_out(L"Catalog of this process: %d entr%ls\n", entries, entries == 1 ? L"y" : L"ies");
    for (int i = 0; i < entries; i++)
        print_catalog_entry(&catalog[i]);
    HeapFree(GetProcessHeap(), 0, catalog);
    WSACleanup();
    return EXIT_OK;
}

/* Reads one root's set, after completing an interrupted change unless
 * read_only; 0 or EXIT_RUNTIME_FAILURE (said why). */
static int read_root(enum regroot_scope scope, int read_only, struct registration **list, size_t *count)
{
    DWORD error;

    /* An interrupted change is completed first, as any writer would; a user
     * without write access still gets the (same) effective set below. */
    if (!read_only) {
        error = registration_recover(scope);
        if (error && error != ERROR_ACCESS_DENIED)
            print_err(L"ws2inst: list: warning: cannot complete an interrupted change under %ls: %ls\n",
                      store_display(scope), error_text(error));
    }
    error = registration_read_all(scope, list, count);
    if (error) {
        print_err(L"ws2inst: list: cannot read the registrations under %ls: %ls\n",
                  store_display(scope), error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }
    return EXIT_OK;
}

int command_list(enum regroot_scope scope, int argc, wchar_t **argv)
{
    struct registration *user = NULL, *machine = NULL;
    size_t user_count = 0, machine_count = 0;
    int read_only = 0, result;

    (void)scope;
    for (int i = 0; i < argc; i++) {
        if (wcscmp(argv[i], L"--read-only") == 0)
            read_only = 1;
        else
            return usage_error(L"list: unexpected argument '%ls'", argv[i]);
    }
    result = read_root(REGROOT_USER, read_only, &user, &user_count);
    if (result == EXIT_OK)
        result = read_root(REGROOT_MACHINE, read_only, &machine, &machine_count);
    if (result != EXIT_OK) {
        registration_free(user);
        return result;
    }
    list_registrations(REGROOT_USER, user, user_count, NULL, 0);
    list_registrations(REGROOT_MACHINE, machine, machine_count, user, user_count);
    registration_free(user);
    registration_free(machine);
    namespaces_list();
    /* Not used, so not listed; but never silently ignored. */
    if (regroot_old_data_present()) {
        wchar_t old[64];

        regroot_display(REGROOT_OLD, REGROOT_OLD_PARENT, old, ARRAYSIZE(old));
        print_err(L"ws2inst: warning: %ls holds registrations or settings of an older ce-winsock; "
                  L"they are not used until 'ws2inst migrate' moves them\n", old);
    }
    return list_catalog();
}
