/*
 * nsregistry.c - reading and writing namespace-provider registrations
 * (nsregistry.h; the layout is in cews2.h).
 */
#include "nsregistry.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

void nsreg_guid_text(const GUID *id, WCHAR text[39])
{
    __mingw_snwprintf(text, 39, L"{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
                      id->Data1, id->Data2, id->Data3, id->Data4[0], id->Data4[1], id->Data4[2],
                      id->Data4[3], id->Data4[4], id->Data4[5], id->Data4[6], id->Data4[7]);
}

BOOL nsreg_guid_parse(const WCHAR *text, GUID *id)
{
    unsigned long d1;
    unsigned d2, d3, b[8];
    WCHAR end;

    if (wcslen(text) != 38)
        return FALSE;
    if (swscanf(text, L"{%8lx-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%lc", &d1, &d2, &d3, &b[0], &b[1],
                &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &end) != 12 || end != L'}')
        return FALSE;
    id->Data1 = d1;
    id->Data2 = (USHORT)d2;
    id->Data3 = (USHORT)d3;
    for (int i = 0; i < 8; i++)
        id->Data4[i] = (BYTE)b[i];
    return TRUE;
}

static DWORD read_dword(HKEY key, const WCHAR *value, DWORD fallback, const WCHAR **problem)
{
    DWORD data, bytes = sizeof(data);
    LONG err = RegGetValueW(key, NULL, value, RRF_RT_REG_DWORD, NULL, &data, &bytes);
    if (err == ERROR_FILE_NOT_FOUND)
        return fallback;
    if (err != ERROR_SUCCESS && !*problem)
        *problem = L"a DWORD value has the wrong type or cannot be read";
    return err == ERROR_SUCCESS ? data : fallback;
}

/* One key into one registration; problem says what is wrong with it. */
static void read_one(HKEY parent, const WCHAR *name, enum regroot_scope scope,
                     struct ns_registration *out)
{
    WCHAR id_text[64];
    DWORD bytes;
    HKEY key;

    memset(out, 0, sizeof(*out));
    wcsncpy(out->name, name, NSREG_NAME_MAX);
    out->source = scope;
    out->enabled = TRUE;
    out->version = 1;
    out->order = NSREG_DEFAULT_ORDER;
    if (RegOpenKeyExW(parent, name, 0, KEY_READ, &key) != ERROR_SUCCESS) {
        out->problem = L"the key cannot be opened";
        return;
    }
    bytes = sizeof(out->dll);
    if (RegGetValueW(key, NULL, L"Dll", RRF_RT_REG_SZ, NULL, out->dll, &bytes) != ERROR_SUCCESS
        || !out->dll[0])
        out->problem = L"no usable Dll value";
    bytes = sizeof(id_text);
    if (RegGetValueW(key, NULL, L"ProviderId", RRF_RT_REG_SZ, NULL, id_text, &bytes) != ERROR_SUCCESS
        || !nsreg_guid_parse(id_text, &out->id)) {
        if (!out->problem)
            out->problem = L"no usable ProviderId value (a GUID in braces)";
    }
    bytes = sizeof(out->name_space);
    if (RegGetValueW(key, NULL, L"NameSpace", RRF_RT_REG_DWORD, NULL, &out->name_space, &bytes)
        != ERROR_SUCCESS && !out->problem)
        out->problem = L"no usable NameSpace value";
    out->version = read_dword(key, L"Version", 1, &out->problem);
    out->order = read_dword(key, L"Order", NSREG_DEFAULT_ORDER, &out->problem);
    out->enabled = read_dword(key, L"Enabled", 1, &out->problem) != 0;
    RegCloseKey(key);
}

static int by_order(const void *a, const void *b)
{
    const struct ns_registration *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return _wcsicmp(x->name, y->name);
}

LONG nsreg_read_root(enum regroot_scope scope, struct ns_registration **list, size_t *count)
{
    WCHAR name[256];
    DWORD subkeys = 0;
    HKEY parent;
    LONG err;

    *list = NULL;
    *count = 0;
    err = regroot_open(scope, CEWS2_NAMESPACE_SUBKEY, KEY_READ, &parent);
    if (err == ERROR_FILE_NOT_FOUND)
        return 0;
    if (err != ERROR_SUCCESS)
        return err;
    err = RegQueryInfoKeyW(parent, NULL, NULL, NULL, &subkeys, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if (err == ERROR_SUCCESS && subkeys) {
        *list = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, subkeys * sizeof(**list));
        if (!*list)
            err = ERROR_NOT_ENOUGH_MEMORY;
    }
    for (DWORD i = 0; err == ERROR_SUCCESS && *count < subkeys; i++) {
        DWORD length = ARRAYSIZE(name);
        LONG e = RegEnumKeyExW(parent, i, name, &length, NULL, NULL, NULL, NULL);
        if (e == ERROR_NO_MORE_ITEMS)
            break;
        if (e != ERROR_SUCCESS || length > NSREG_NAME_MAX)
            continue;
        read_one(parent, name, scope, &(*list)[(*count)++]);
    }
    RegCloseKey(parent);
    if (err != ERROR_SUCCESS) {
        nsreg_free(*list);
        *list = NULL;
        *count = 0;
        return err;
    }
    qsort(*list, *count, sizeof(**list), by_order);
    return 0;
}

LONG nsreg_read_effective(struct ns_registration **list, size_t *count)
{
    struct ns_registration *user = NULL, *machine = NULL;
    size_t users = 0, machines = 0;

    *list = NULL;
    *count = 0;
    nsreg_read_root(REGROOT_USER, &user, &users);
    nsreg_read_root(REGROOT_MACHINE, &machine, &machines);
    if (users + machines) {
        *list = HeapAlloc(GetProcessHeap(), 0, (users + machines) * sizeof(**list));
        if (!*list) {
            nsreg_free(user);
            nsreg_free(machine);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    for (size_t i = 0; i < users; i++)
        (*list)[(*count)++] = user[i];
    for (size_t i = 0; i < machines; i++) {
        BOOL replaced = FALSE;
        for (size_t j = 0; j < users && !replaced; j++)
            replaced = !_wcsicmp(user[j].name, machine[i].name);
        if (!replaced)
            (*list)[(*count)++] = machine[i];
    }
    nsreg_free(user);
    nsreg_free(machine);
    if (*count)
        qsort(*list, *count, sizeof(**list), by_order);
    return 0;
}

void nsreg_free(struct ns_registration *list)
{
    if (list)
        HeapFree(GetProcessHeap(), 0, list);
}

static LONG open_parent(enum regroot_scope scope, HKEY *parent)
{
    WCHAR path[512];
    LONG err = regroot_path(scope, CEWS2_NAMESPACE_SUBKEY, path, ARRAYSIZE(path));
    if (err != ERROR_SUCCESS)
        return err;
    return RegCreateKeyExW(regroot_hive(scope), path, 0, NULL, 0, KEY_READ | KEY_WRITE, NULL,
                           parent, NULL);
}

static LONG set_dword(HKEY key, const WCHAR *name, DWORD value)
{
    return RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&value, sizeof(value));
}

static LONG set_text(HKEY key, const WCHAR *name, const WCHAR *value)
{
    return RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value,
                          (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
}

LONG nsreg_write(enum regroot_scope scope, const struct ns_registration *r)
{
    WCHAR id_text[39];
    HKEY parent, key;
    LONG err = open_parent(scope, &parent);

    if (err != ERROR_SUCCESS)
        return err;
    /* ProviderId last: a key a killed writer left without it is malformed,
     * never a provider with half its values */
    err = RegCreateKeyExW(parent, r->name, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);
    RegCloseKey(parent);
    if (err != ERROR_SUCCESS)
        return err;
    RegDeleteValueW(key, L"ProviderId");
    nsreg_guid_text(&r->id, id_text);
    if (!(err = set_text(key, L"Dll", r->dll)) && !(err = set_dword(key, L"NameSpace", r->name_space))
        && !(err = set_dword(key, L"Version", r->version)) && !(err = set_dword(key, L"Order", r->order))
        && !(err = set_dword(key, L"Enabled", r->enabled ? 1 : 0)))
        err = set_text(key, L"ProviderId", id_text);
    RegCloseKey(key);
    return err;
}

LONG nsreg_delete(enum regroot_scope scope, const WCHAR *name)
{
    HKEY parent;
    LONG err = regroot_open(scope, CEWS2_NAMESPACE_SUBKEY, KEY_READ | KEY_WRITE, &parent);
    if (err != ERROR_SUCCESS)
        return err;
    err = RegDeleteTreeW(parent, name);
    RegCloseKey(parent);
    return err;
}

LONG nsreg_set_enabled(enum regroot_scope scope, const WCHAR *name, BOOL enabled)
{
    HKEY parent, key;
    LONG err = regroot_open(scope, CEWS2_NAMESPACE_SUBKEY, KEY_READ, &parent);
    if (err != ERROR_SUCCESS)
        return err;
    err = RegOpenKeyExW(parent, name, 0, KEY_WRITE, &key);
    RegCloseKey(parent);
    if (err != ERROR_SUCCESS)
        return err;
    err = set_dword(key, L"Enabled", enabled ? 1 : 0);
    RegCloseKey(key);
    return err;
}
