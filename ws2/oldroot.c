/*
 * oldroot.c - moving what older builds left directly under
 * HKEY_LOCAL_MACHINE below the machine root (see oldroot.h).
 */
#include "oldroot.h"

#include "registration.h"

#include <wchar.h>

/* In the old Comm\WS2, the registration store's own parts: the
 * registrations move through the journal, the rest is the old store's
 * bookkeeping.  Nothing to skip in Comm\IrDA. */
static const WCHAR *const store_values[] = { REGISTRATION_SEQUENCE_VALUE, NULL };
static const WCHAR *const store_keys[] = { REGISTRATION_SET_KEY, REGISTRATION_JOURNAL_KEY, NULL };

static int is_ws2_key(const WCHAR *old_key)
{
    return CompareStringOrdinal(old_key, -1, CEWS2_WS2_SUBKEY, -1, TRUE) == CSTR_EQUAL;
}

/* One old key: merged into the machine root's key of the same path, then
 * deleted.  Both steps can be redone after an interruption. */
static LONG retire_key(const WCHAR *old_key)
{
    WCHAR machine_path[MAX_PATH];
    HKEY old, machine;
    LONG error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, old_key, 0, KEY_READ, &old);

    if (error == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;           /* never there, or already retired */
    if (error != ERROR_SUCCESS)
        return error;
    error = regroot_path(REGROOT_MACHINE, old_key, machine_path, ARRAYSIZE(machine_path));
    if (error == ERROR_SUCCESS)
        error = regtree_create_key(HKEY_LOCAL_MACHINE, machine_path, &machine);
    if (error == ERROR_SUCCESS) {
        int ws2 = is_ws2_key(old_key);

        error = regtree_merge(old, machine, ws2 ? store_values : NULL, ws2 ? store_keys : NULL, NULL);
        RegCloseKey(machine);
    }
    RegCloseKey(old);
    if (error == ERROR_SUCCESS)
        error = regtree_delete(HKEY_LOCAL_MACHINE, old_key);
    return error;
}

LONG oldroot_retire(void)
{
    LONG error = ERROR_SUCCESS;
    HKEY parent;

    for (size_t i = 0; i < REGROOT_OLD_KEY_COUNT && error == ERROR_SUCCESS; i++)
        error = retire_key(regroot_old_keys[i]);
    if (error != ERROR_SUCCESS)
        return error;
    /* Comm itself only if nothing but ours was in it. */
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, REGROOT_OLD_PARENT, 0, KEY_READ, &parent) != ERROR_SUCCESS)
        return ERROR_SUCCESS;
    if (!regtree_is_empty(parent)) {
        RegCloseKey(parent);
        return ERROR_SUCCESS;
    }
    RegCloseKey(parent);
    return regtree_delete(HKEY_LOCAL_MACHINE, REGROOT_OLD_PARENT);
}

/* ------------------------------------------------------------------------ */
/* Describing it.                                                           */

struct text {
    WCHAR *buffer;
    size_t capacity;
    int full;
};

/* Appends ", <path> <value>" (without the comma for the first one). */
static void text_add(struct text *text, const WCHAR *path, const WCHAR *value)
{
    size_t used = wcslen(text->buffer);
    int written;

    if (text->full)
        return;
    written = _snwprintf(text->buffer + used, text->capacity - used, L"%ls%ls %ls",
                         used ? L", " : L"", path, value[0] ? value : L"(default)");
    if (written < 0 || (size_t)written >= text->capacity - used) {
        /* Cut, and say so: room for "..." is kept back by the caller. */
        text->buffer[used] = 0;
        wcscat(text->buffer, used ? L", ..." : L"...");
        text->full = 1;
    }
}

/* Sorts each value of old (the old root's key path) into moved or kept, as
 * retire_key would treat it, then does the same for the subkeys. */
static void describe_key(HKEY old, const WCHAR *path, int top_of_ws2, struct text *moved,
                         struct text *kept)
{
    WCHAR name[16384], child[REGTREE_KEY_NAME_MAX + 1], child_path[MAX_PATH];
    HKEY machine = NULL, old_child;

    regroot_open(REGROOT_MACHINE, path, KEY_QUERY_VALUE, &machine);
    for (DWORD index = 0;; index++) {
        DWORD length = ARRAYSIZE(name);

        if (RegEnumValueW(old, index, name, &length, NULL, NULL, NULL, NULL) != ERROR_SUCCESS)
            break;
        if (top_of_ws2 && CompareStringOrdinal(name, -1, REGISTRATION_SEQUENCE_VALUE, -1, TRUE) == CSTR_EQUAL)
            continue;
        if (machine && RegQueryValueExW(machine, name, NULL, NULL, NULL, NULL) == ERROR_SUCCESS)
            text_add(kept, path, name);
        else
            text_add(moved, path, name);
    }
    if (machine)
        RegCloseKey(machine);
    for (DWORD index = 0;; index++) {
        DWORD length = ARRAYSIZE(child);

        if (RegEnumKeyExW(old, index, child, &length, NULL, NULL, NULL, NULL) != ERROR_SUCCESS)
            break;
        if (top_of_ws2 && (CompareStringOrdinal(child, -1, REGISTRATION_SET_KEY, -1, TRUE) == CSTR_EQUAL
                           || CompareStringOrdinal(child, -1, REGISTRATION_JOURNAL_KEY, -1, TRUE) == CSTR_EQUAL))
            continue;
        if (_snwprintf(child_path, ARRAYSIZE(child_path), L"%ls\\%ls", path, child) < 0)
            continue;
        child_path[ARRAYSIZE(child_path) - 1] = 0;
        if (RegOpenKeyExW(old, child, 0, KEY_READ, &old_child) == ERROR_SUCCESS) {
            describe_key(old_child, child_path, 0, moved, kept);
            RegCloseKey(old_child);
        }
    }
}

void oldroot_describe_settings(WCHAR *moved, size_t moved_capacity, WCHAR *kept, size_t kept_capacity)
{
    /* 6 characters kept back for ", ..." and its NUL. */
    struct text moved_text = { moved, moved_capacity - 6, 0 }, kept_text = { kept, kept_capacity - 6, 0 };

    moved[0] = kept[0] = 0;
    if (moved_capacity < 16 || kept_capacity < 16)
        return;
    for (size_t i = 0; i < REGROOT_OLD_KEY_COUNT; i++) {
        HKEY old;

        if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, regroot_old_keys[i], 0, KEY_READ, &old) != ERROR_SUCCESS)
            continue;
        describe_key(old, regroot_old_keys[i], is_ws2_key(regroot_old_keys[i]), &moved_text, &kept_text);
        RegCloseKey(old);
    }
}
