/*
 * cmd_reset.c - "ws2inst [--user] reset": replace every registration of
 * the root by the default set (defaults.c), using the provider DLLs next
 * to ws2inst.exe.
 */
#include "installer.h"

#include <wchar.h>

int command_reset(enum regroot_scope scope, int argc, wchar_t **argv)
{
    struct set_edit edit;
    struct registration *list;
    wchar_t directory[MAX_PATH], summary[1024] = L"";
    size_t count = 0;
    DWORD error;

    (void)argv;
    if (argc != 0)
        return usage_error(L"reset: takes no arguments");
    if (!installer_directory(directory, ARRAYSIZE(directory))) {
        print_err(L"ws2inst: reset: cannot find the directory of ws2inst.exe: %ls\n",
                  error_text(GetLastError()));
        return EXIT_RUNTIME_FAILURE;
    }
    list = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY,
                     (default_registration_count + 1) * sizeof(*list));
    if (!list) {
        print_err(L"ws2inst: reset: %ls\n", error_text(ERROR_NOT_ENOUGH_MEMORY));
        return EXIT_RUNTIME_FAILURE;
    }
    for (size_t i = 0; i < default_registration_count; i++) {
        const struct default_registration *default_registration = &default_registrations[i];
        struct registration *registration = &list[count];
        int length = __mingw_snwprintf(registration->dll, ARRAYSIZE(registration->dll), L"%ls\\%ls",
                                       directory, default_registration->dll_file);

        /* Only providers that are actually installed here: registering a
         * missing DLL would just make every WSAStartup skip it. */
        if (length < 0 || length >= (int)ARRAYSIZE(registration->dll) || !dll_is_present(registration->dll)) {
            print_err(L"ws2inst: reset: skipped '%ls': %ls\\%ls not found\n",
                      default_registration->name, directory, default_registration->dll_file);
            continue;
        }
        wcscpy(registration->name, default_registration->name);
        /* A key of that name in this root keeps its other values. */
        registration->source = scope;
        registration->order = default_registration->order;
        strcpy(registration->entry, CEWS2_DEFAULT_ENTRY);
        __mingw_snwprintf(summary + wcslen(summary), ARRAYSIZE(summary) - wcslen(summary),
                          L"%ls%ls (Order %lu, %ls)", count ? L", " : L"",
                          registration->name, registration->order, registration->dll);
        count++;
    }
    summary[ARRAYSIZE(summary) - 1] = 0;
    if (count == 0) {
        HeapFree(GetProcessHeap(), 0, list);
        /* An empty set would leave applications with no network at all. */
        print_err(L"ws2inst: reset: none of the default provider DLLs is in %ls; "
                  L"the registrations under %ls are left unchanged\n", directory, store_display(scope));
        return EXIT_RUNTIME_FAILURE;
    }
    /* The whole set is replaced: whatever set_edit_begin read (and folded
     * in from the old root) is dropped, but the old root still moves. */
    error = set_edit_begin(scope, &edit);
    if (error == ERROR_SUCCESS) {
        HeapFree(GetProcessHeap(), 0, edit.list);
        edit.list = list;
        edit.count = count;
        edit.replaces_set = 1;
        error = set_edit_commit(&edit);
    } else {
        HeapFree(GetProcessHeap(), 0, list);
    }
    set_edit_end(&edit);
    if (error) {
        print_err(L"ws2inst: reset: cannot replace the registrations under %ls: %ls\n",
                  store_display(scope), error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }
    print_out(L"reset %ls to %u registration%ls: %ls\n", store_display(scope), (unsigned)count,
              count == 1 ? L"" : L"s", summary);
    if (namespaces_reset(scope, directory) < 0)
        return EXIT_RUNTIME_FAILURE;
    return EXIT_OK;
}
