/*
 * regtree.c - registry keys as trees, each modification counted for the
 * CEWS2_INSTALL_CRASH_AT test hook (see regtree.h).
 */
#include "regtree.h"

#include <string.h>
#include <wchar.h>

/* ------------------------------------------------------------------------ */
/* The crash hook: terminate after the N-th modification.                   */

static LONG modification_count;
static LONG crash_at = -1;              /* -1: environment not read yet; 0: off */

static LONG crash_point_from_environment(void)
{
    WCHAR text[16];
    DWORD length = GetEnvironmentVariableW(CEWS2_INSTALL_CRASH_ENV, text, ARRAYSIZE(text));
    LONG value = 0;

    if (length == 0 || length >= ARRAYSIZE(text))
        return 0;
    for (DWORD i = 0; i < length; i++) {
        if (text[i] < L'0' || text[i] > L'9' || value > 100000000)
            return 0;
        value = value * 10 + (text[i] - L'0');
    }
    return value;
}

/* Called right after each successful registry modification. */
static void modified(void)
{
    LONG count;

    if (crash_at < 0)
        InterlockedCompareExchange(&crash_at, crash_point_from_environment(), -1);
    count = InterlockedIncrement(&modification_count);
    if (crash_at > 0 && count == crash_at)
        /* TerminateProcess, not ExitProcess: a killed process runs no
         * DLL detach code or atexit handlers, and neither should the test. */
        TerminateProcess(GetCurrentProcess(), CEWS2_INSTALL_CRASH_EXIT_CODE);
}

/* ------------------------------------------------------------------------ */
/* Small helpers.                                                           */

static void *allocate(size_t bytes)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, bytes ? bytes : 1);
}

static void release(void *block)
{
    if (block)
        HeapFree(GetProcessHeap(), 0, block);
}

static int named_in(const WCHAR *name, const WCHAR *const *list)
{
    for (; list && *list; list++)
        if (CompareStringOrdinal(name, -1, *list, -1, TRUE) == CSTR_EQUAL)
            return 1;
    return 0;
}

int regtree_key_exists(HKEY parent, const WCHAR *name)
{
    HKEY key;

    if (RegOpenKeyExW(parent, name, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return 0;
    RegCloseKey(key);
    return 1;
}

int regtree_is_empty(HKEY key)
{
    DWORD subkeys, values;

    return RegQueryInfoKeyW(key, NULL, NULL, NULL, &subkeys, NULL, NULL, &values,
                            NULL, NULL, NULL, NULL) == ERROR_SUCCESS
        && subkeys == 0 && values == 0;
}

/* ------------------------------------------------------------------------ */
/* Modifications: each one counted for the crash hook.                      */

LONG regtree_create_key(HKEY parent, const WCHAR *name, HKEY *key)
{
    DWORD disposition = 0;
    LONG error = RegCreateKeyExW(parent, name, 0, NULL, REG_OPTION_NON_VOLATILE,
                                 KEY_ALL_ACCESS, NULL, key, &disposition);

    if (error == ERROR_SUCCESS && disposition == REG_CREATED_NEW_KEY)
        modified();
    return error;
}

LONG regtree_set_value(HKEY key, const WCHAR *name, DWORD type, const void *data, DWORD bytes)
{
    LONG error = RegSetValueExW(key, name, 0, type, data, bytes);

    if (error == ERROR_SUCCESS)
        modified();
    return error;
}

LONG regtree_set_string(HKEY key, const WCHAR *name, const WCHAR *text)
{
    return regtree_set_value(key, name, REG_SZ, text, (DWORD)((wcslen(text) + 1) * sizeof(WCHAR)));
}

LONG regtree_delete_value(HKEY key, const WCHAR *name)
{
    LONG error = RegDeleteValueW(key, name);

    if (error == ERROR_SUCCESS)
        modified();
    return error == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : error;
}

LONG regtree_delete(HKEY parent, const WCHAR *name)
{
    WCHAR child[REGTREE_KEY_NAME_MAX + 1];
    HKEY key;
    LONG error = RegOpenKeyExW(parent, name, 0, KEY_ALL_ACCESS, &key);

    if (error == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (error != ERROR_SUCCESS)
        return error;
    for (;;) {
        DWORD length = ARRAYSIZE(child);

        /* Always index 0: each deletion shifts the rest down. */
        error = RegEnumKeyExW(key, 0, child, &length, NULL, NULL, NULL, NULL);
        if (error == ERROR_NO_MORE_ITEMS)
            break;
        if (error == ERROR_SUCCESS)
            error = regtree_delete(key, child);
        if (error != ERROR_SUCCESS) {
            RegCloseKey(key);
            return error;
        }
    }
    RegCloseKey(key);
    error = RegDeleteKeyW(parent, name);
    if (error == ERROR_SUCCESS)
        modified();
    return error == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : error;
}

/* ------------------------------------------------------------------------ */
/* Copying.                                                                 */

/* Buffers big enough for any value name and value data of key. */
struct value_buffers {
    WCHAR *name;
    DWORD name_capacity;            /* in characters, NUL included */
    BYTE *data;
    DWORD data_capacity;            /* in bytes */
};

static LONG value_buffers_for(HKEY key, struct value_buffers *buffers)
{
    DWORD longest_name = 0, longest_data = 0;
    LONG error = RegQueryInfoKeyW(key, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                  &longest_name, &longest_data, NULL, NULL);

    if (error != ERROR_SUCCESS)
        return error;
    buffers->name_capacity = longest_name + 1;
    buffers->data_capacity = longest_data;
    buffers->name = allocate(buffers->name_capacity * sizeof(WCHAR));
    buffers->data = allocate(buffers->data_capacity);
    if (!buffers->name || !buffers->data) {
        release(buffers->name);
        release(buffers->data);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return ERROR_SUCCESS;
}

static void value_buffers_free(struct value_buffers *buffers)
{
    release(buffers->name);
    release(buffers->data);
}

/*
 * The work of regtree_copy (overwrite 1) and regtree_merge (overwrite 0):
 * source's values and subkeys into destination, recursively; the skip
 * lists apply to this level only.
 */
static LONG copy_into(HKEY source, HKEY destination, int overwrite, const WCHAR *const *skip_values,
                      const WCHAR *const *skip_keys, DWORD *added)
{
    struct value_buffers buffers;
    WCHAR child[REGTREE_KEY_NAME_MAX + 1];
    LONG error = value_buffers_for(source, &buffers);

    if (error != ERROR_SUCCESS)
        return error;
    for (DWORD index = 0; error == ERROR_SUCCESS; index++) {
        DWORD name_length = buffers.name_capacity, bytes = buffers.data_capacity, type;

        error = RegEnumValueW(source, index, buffers.name, &name_length, NULL, &type,
                              buffers.data, &bytes);
        if (error == ERROR_NO_MORE_ITEMS) {
            error = ERROR_SUCCESS;
            break;
        }
        if (error != ERROR_SUCCESS || named_in(buffers.name, skip_values))
            continue;
        /* Merging: a value the destination has, whatever its data, stays. */
        if (!overwrite && RegQueryValueExW(destination, buffers.name, NULL, NULL, NULL, NULL) == ERROR_SUCCESS)
            continue;
        error = regtree_set_value(destination, buffers.name, type, buffers.data, bytes);
        if (error == ERROR_SUCCESS && added)
            (*added)++;
    }
    for (DWORD index = 0; error == ERROR_SUCCESS; index++) {
        DWORD length = ARRAYSIZE(child);
        HKEY source_child, destination_child;

        error = RegEnumKeyExW(source, index, child, &length, NULL, NULL, NULL, NULL);
        if (error == ERROR_NO_MORE_ITEMS) {
            error = ERROR_SUCCESS;
            break;
        }
        if (error != ERROR_SUCCESS || named_in(child, skip_keys))
            continue;
        error = RegOpenKeyExW(source, child, 0, KEY_READ, &source_child);
        if (error != ERROR_SUCCESS)
            break;
        error = regtree_create_key(destination, child, &destination_child);
        if (error == ERROR_SUCCESS) {
            error = copy_into(source_child, destination_child, overwrite, NULL, NULL, added);
            RegCloseKey(destination_child);
        }
        RegCloseKey(source_child);
    }
    value_buffers_free(&buffers);
    return error;
}

LONG regtree_copy(HKEY source, HKEY destination_parent, const WCHAR *name)
{
    HKEY destination;
    LONG error = regtree_create_key(destination_parent, name, &destination);

    if (error != ERROR_SUCCESS)
        return error;
    error = copy_into(source, destination, 1, NULL, NULL, NULL);
    RegCloseKey(destination);
    return error;
}

LONG regtree_merge(HKEY source, HKEY destination, const WCHAR *const *skip_values,
                   const WCHAR *const *skip_keys, DWORD *added)
{
    return copy_into(source, destination, 0, skip_values, skip_keys, added);
}

/* ------------------------------------------------------------------------ */
/* Comparing.                                                               */

/* Equal counts, and every value and subkey of a found equal in b, make the
 * trees equal: names are unique within a key, so that is a bijection. */
int regtree_equal(HKEY a, HKEY b)
{
    DWORD a_subkeys, a_values, b_subkeys, b_values;
    struct value_buffers buffers;
    WCHAR child[REGTREE_KEY_NAME_MAX + 1];
    BYTE *other = NULL;
    int equal = 1;

    if (RegQueryInfoKeyW(a, NULL, NULL, NULL, &a_subkeys, NULL, NULL, &a_values,
                         NULL, NULL, NULL, NULL) != ERROR_SUCCESS
        || RegQueryInfoKeyW(b, NULL, NULL, NULL, &b_subkeys, NULL, NULL, &b_values,
                            NULL, NULL, NULL, NULL) != ERROR_SUCCESS
        || a_subkeys != b_subkeys || a_values != b_values
        || value_buffers_for(a, &buffers) != ERROR_SUCCESS)
        return 0;
    other = allocate(buffers.data_capacity);
    if (!other)
        equal = 0;
    for (DWORD index = 0; equal && index < a_values; index++) {
        DWORD name_length = buffers.name_capacity, bytes = buffers.data_capacity, type;
        DWORD other_bytes = buffers.data_capacity, other_type;

        equal = RegEnumValueW(a, index, buffers.name, &name_length, NULL, &type,
                              buffers.data, &bytes) == ERROR_SUCCESS
             && RegQueryValueExW(b, buffers.name, NULL, &other_type, other,
                                 &other_bytes) == ERROR_SUCCESS
             && type == other_type && bytes == other_bytes
             && memcmp(buffers.data, other, bytes) == 0;
    }
    for (DWORD index = 0; equal && index < a_subkeys; index++) {
        DWORD length = ARRAYSIZE(child);
        HKEY a_child, b_child;

        equal = RegEnumKeyExW(a, index, child, &length, NULL, NULL, NULL, NULL) == ERROR_SUCCESS
             && RegOpenKeyExW(a, child, 0, KEY_READ, &a_child) == ERROR_SUCCESS;
        if (!equal)
            break;
        equal = RegOpenKeyExW(b, child, 0, KEY_READ, &b_child) == ERROR_SUCCESS;
        if (equal) {
            equal = regtree_equal(a_child, b_child);
            RegCloseKey(b_child);
        }
        RegCloseKey(a_child);
    }
    release(other);
    value_buffers_free(&buffers);
    return equal;
}
