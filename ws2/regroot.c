/*
 * regroot.c - ce-winsock's registry roots and the order they are read in
 * (see regroot.h; the roots themselves are cews2.h's).
 */
#include "regroot.h"

#include <wchar.h>

const WCHAR *const regroot_old_keys[REGROOT_OLD_KEY_COUNT] = { CEWS2_WS2_SUBKEY, CEWS2_IRDA_SUBKEY };

HKEY regroot_hive(enum regroot_scope scope)
{
    return scope == REGROOT_USER ? HKEY_CURRENT_USER : HKEY_LOCAL_MACHINE;
}

static const WCHAR *root_of(enum regroot_scope scope)
{
    switch (scope) {
    case REGROOT_USER:    return CEWS2_USER_REGISTRY_ROOT;
    case REGROOT_MACHINE: return CEWS2_REGISTRY_ROOT;
    case REGROOT_OLD:     break;
    }
    return L"";     /* the old root is the hive itself */
}

static const WCHAR *hive_name(enum regroot_scope scope)
{
    return scope == REGROOT_USER ? L"HKEY_CURRENT_USER" : L"HKEY_LOCAL_MACHINE";
}

LONG regroot_path(enum regroot_scope scope, const WCHAR *subkey, WCHAR *path, size_t capacity)
{
    const WCHAR *root = root_of(scope);
    size_t root_length = wcslen(root), subkey_length = subkey ? wcslen(subkey) : 0;
    /* A separator only between two non-empty parts. */
    size_t separator = root_length && subkey_length ? 1 : 0;

    if (!path || capacity == 0)
        return ERROR_INSUFFICIENT_BUFFER;
    if (root_length + separator + subkey_length + 1 > capacity) {
        path[0] = 0;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    wcscpy(path, root);
    if (separator)
        wcscat(path, L"\\");
    if (subkey_length)
        wcscat(path, subkey);
    return ERROR_SUCCESS;
}

void regroot_display(enum regroot_scope scope, const WCHAR *subkey, WCHAR *text, size_t capacity)
{
    WCHAR path[MAX_PATH];

    if (!text || capacity == 0)
        return;
    if (regroot_path(scope, subkey, path, ARRAYSIZE(path)) != ERROR_SUCCESS)
        wcscpy(path, L"...");
    _snwprintf(text, capacity, L"%ls%ls%ls", hive_name(scope), path[0] ? L"\\" : L"", path);
    text[capacity - 1] = 0;
}

LONG regroot_open(enum regroot_scope scope, const WCHAR *subkey, REGSAM access, HKEY *key)
{
    WCHAR path[MAX_PATH];
    LONG error = regroot_path(scope, subkey, path, ARRAYSIZE(path));

    *key = NULL;
    if (error != ERROR_SUCCESS)
        return error;
    return RegOpenKeyExW(regroot_hive(scope), path, 0, access, key);
}

LONG regroot_get_setting(const WCHAR *subkey, const WCHAR *value, DWORD flags, DWORD *type,
                         void *data, DWORD *bytes)
{
    static const enum regroot_scope order[] = { REGROOT_USER, REGROOT_MACHINE };
    DWORD capacity = bytes ? *bytes : 0;
    LONG error = ERROR_FILE_NOT_FOUND;

    for (size_t i = 0; i < ARRAYSIZE(order); i++) {
        WCHAR path[MAX_PATH];

        if (regroot_path(order[i], subkey, path, ARRAYSIZE(path)) != ERROR_SUCCESS)
            return ERROR_INSUFFICIENT_BUFFER;
        /* Each root is asked with the caller's full capacity. */
        if (bytes)
            *bytes = capacity;
        error = RegGetValueW(regroot_hive(order[i]), path, value, flags, type, data, bytes);
        /* The first root that has the value decides, even when its value
         * cannot be used: a per-user mistake must show, not be papered
         * over by the machine's value. */
        if (error != ERROR_FILE_NOT_FOUND)
            return error;
    }
    return error;
}

int regroot_old_data_present(void)
{
    for (size_t i = 0; i < REGROOT_OLD_KEY_COUNT; i++) {
        HKEY key;

        if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, regroot_old_keys[i], 0, KEY_QUERY_VALUE, &key) == ERROR_SUCCESS) {
            RegCloseKey(key);
            return 1;
        }
    }
    return 0;
}
