/*
 * cmd_remove.c - "ws2inst remove NAME": remove one registration.
 */
#include "installer.h"

#include <wchar.h>

/* Removes the registration from the current set; returns 0, a Win32 error,
 * or ERROR_NOT_FOUND if there is none of that name.  stored_name gets
 * the name as stored, which may differ in case from the one asked for. */
static DWORD remove_registration(const wchar_t *name, wchar_t stored_name[REGISTRATION_NAME_MAX + 1])
{
    struct registration *list = NULL, *found;
    size_t count = 0;
    DWORD error = registration_read_all(&list, &count);

    if (error)
        return error;
    found = registration_find(list, count, name);
    if (!found) {
        registration_free(list);
        return ERROR_NOT_FOUND;
    }
    wcscpy(stored_name, found->name);
    memmove(found, found + 1, (count - (size_t)(found - list) - 1) * sizeof(*found));
    count--;
    /* The others, malformed ones included, are carried over untouched. */
    error = registration_write_all(list, count);
    registration_free(list);
    return error;
}

int command_remove(int argc, wchar_t **argv)
{
    wchar_t stored_name[REGISTRATION_NAME_MAX + 1];
    HANDLE lock;
    DWORD error;

    if (argc != 1)
        return usage_error(argc ? L"remove: takes exactly one NAME" : L"remove: NAME is required");
    /* Held from reading the set to writing it back (see cmd_install.c). */
    error = registration_lock(&lock);
    if (error) {
        print_err(L"ws2inst: remove: cannot lock the registrations under %ls: %ls\n",
                  LSP_KEY_DISPLAY, error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }
    error = remove_registration(argv[0], stored_name);
    registration_unlock(lock);
    if (error == ERROR_NOT_FOUND) {
        print_err(L"ws2inst: remove: there is no registration '%ls' under %ls: %ls\n",
                  argv[0], LSP_KEY_DISPLAY, error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }
    if (error) {
        print_err(L"ws2inst: remove: cannot remove the registration '%ls' under %ls: %ls\n",
                  argv[0], LSP_KEY_DISPLAY, error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }
    print_out(L"removed '%ls'\n", stored_name);
    return EXIT_OK;
}
