/*
 * cmd_remove.c - "ws2inst remove NAME": remove one registration.
 */
#include "installer.h"

#include <wchar.h>

/* Removes the registration from scope's set; returns 0, a Win32 error,
 * or ERROR_NOT_FOUND if there is none of that name.  stored_name gets
 * the name as stored, which may differ in case from the one asked for. */
static DWORD remove_registration(enum regroot_scope scope, const wchar_t *name,
                                 wchar_t stored_name[REGISTRATION_NAME_MAX + 1])
{
    struct set_edit edit;
    struct registration *found;
    DWORD error = set_edit_begin(scope, &edit);

    if (error == ERROR_SUCCESS) {
        found = registration_find(edit.list, edit.count, name);
        if (found) {
            wcscpy(stored_name, found->name);
            memmove(found, found + 1, (edit.count - (size_t)(found - edit.list) - 1) * sizeof(*found));
            edit.count--;
            /* The others, malformed ones included, are carried over untouched. */
            error = set_edit_commit(&edit);
        } else {
            error = ERROR_NOT_FOUND;
        }
    }
    set_edit_end(&edit);
    return error;
}

int command_remove(enum regroot_scope scope, int argc, wchar_t **argv)
{
    wchar_t stored_name[REGISTRATION_NAME_MAX + 1];
    DWORD error;

    if (argc != 1)
        return usage_error(argc ? L"remove: takes exactly one NAME" : L"remove: NAME is required");
    error = remove_registration(scope, argv[0], stored_name);
    if (error == ERROR_NOT_FOUND) {
        print_err(L"ws2inst: remove: there is no registration '%ls' under %ls: %ls\n",
                  argv[0], store_display(scope), error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }
    if (error) {
        print_err(L"ws2inst: remove: cannot remove the registration '%ls' under %ls: %ls\n",
                  argv[0], store_display(scope), error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }
    print_out(L"removed '%ls' from %ls\n", stored_name, store_display(scope));
    return EXIT_OK;
}
