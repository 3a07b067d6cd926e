/*
 * api_namespace.c - the namespace catalog seen from outside:
 * WSAEnumNameSpaceProvidersW (CE 5.0) and A (desktop extension),
 * WSCInstallNameSpace, WSCUnInstallNameSpace (CE 5.0) and
 * WSCEnableNSProvider (desktop extension).  The WSC calls write the
 * machine root's registrations (nsregistry.h); every process sees a change
 * at its next lookup.
 */
#include "nslookup.h"

/* Every well-formed registration, enabled or not (fActive says which). */
static int read_listed(struct ns_registration **list, size_t *count)
{
    size_t kept = 0;
    if (nsreg_read_effective(list, count))
        return WSA_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; i < *count; i++)
        if (!(*list)[i].problem)
            (*list)[kept++] = (*list)[i];
    *count = kept;
    return 0;
}

/* Both forms: the array, then the identifiers after it. */
static int enumerate(LPDWORD length, void *buffer, BOOL narrow)
{
    struct ns_registration *list = NULL;
    size_t count = 0, entry = narrow ? sizeof(WSANAMESPACE_INFOA) : sizeof(WSANAMESPACE_INFOW);
    DWORD need;
    BYTE *text;
    int err;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!length || !api_writable(length, sizeof(*length)))
        return api_fail(WSAEFAULT);
    err = read_listed(&list, &count);
    if (err)
        return api_fail(err);
    need = (DWORD)(count * entry);
    for (size_t i = 0; i < count; i++)
        need += narrow ? (DWORD)WideCharToMultiByte(CP_ACP, 0, list[i].name, -1, NULL, 0, NULL, NULL)
                       : (DWORD)((wcslen(list[i].name) + 1) * sizeof(WCHAR));
    if (!buffer || *length < need || !api_writable(buffer, need)) {
        nsreg_free(list);
        *length = need;
        return api_fail(WSAEFAULT);
    }
    text = (BYTE *)buffer + count * entry;
    for (size_t i = 0; i < count; i++) {
        /* the A and W structures differ only in the identifier's type */
        WSANAMESPACE_INFOW *info = (WSANAMESPACE_INFOW *)((BYTE *)buffer + i * entry);
        info->NSProviderId = list[i].id;
        info->dwNameSpace = list[i].name_space;
        info->fActive = list[i].enabled;
        info->dwVersion = list[i].version;
        info->lpszIdentifier = (WCHAR *)text;
        if (narrow)
            text += WideCharToMultiByte(CP_ACP, 0, list[i].name, -1, (char *)text,
                                        (int)(need - (DWORD)(text - (BYTE *)buffer)), NULL, NULL);
        else {
            size_t bytes = (wcslen(list[i].name) + 1) * sizeof(WCHAR);
            memcpy(text, list[i].name, bytes);
            text += bytes;
        }
    }
    nsreg_free(list);
    WSASetLastError(0);
    return (int)count;
}

int impl_WSAEnumNameSpaceProvidersW(LPDWORD length, LPWSANAMESPACE_INFOW buffer)
{
    return enumerate(length, buffer, FALSE);
}

int impl_WSAEnumNameSpaceProvidersA(LPDWORD length, LPWSANAMESPACE_INFOA buffer)
{
    return enumerate(length, buffer, TRUE);
}

/* The machine root's registration with this provider id, or -1. */
static int find_installed(const GUID *id, struct ns_registration **list, size_t *count)
{
    if (nsreg_read_root(REGROOT_MACHINE, list, count))
        return -2;
    for (size_t i = 0; i < *count; i++)
        if (!(*list)[i].problem && IsEqualGUID(&(*list)[i].id, id))
            return (int)i;
    return -1;
}

static int registry_error(LONG err)
{
    return err == ERROR_ACCESS_DENIED ? WSAEACCES : WSANO_RECOVERY;
}

/* WSCInstallNameSpace: one more provider, known by its id; the identifier
 * names its key, so an id or identifier already there is WSAEINVAL. */
int impl_WSCInstallNameSpace(LPWSTR identifier, LPWSTR path, DWORD space, DWORD version, LPGUID id)
{
    struct ns_registration *list = NULL, r;
    size_t count = 0, length;
    LONG err;

    if (!identifier || !path || !id)
        return api_fail(WSAEINVAL);
    if (!api_readable(identifier, sizeof(WCHAR)) || !api_readable(path, sizeof(WCHAR))
        || !api_readable(id, sizeof(*id)))
        return api_fail(WSAEFAULT);
    length = wcsnlen(identifier, NSREG_NAME_MAX + 1);
    if (length == 0 || length > NSREG_NAME_MAX || wcschr(identifier, L'\\')
        || !path[0] || wcsnlen(path, MAX_PATH) >= MAX_PATH)
        return api_fail(WSAEINVAL);
    int at = find_installed(id, &list, &count);
    if (at != -1) {
        nsreg_free(list);
        return api_fail(at >= 0 ? WSAEINVAL : WSANO_RECOVERY);
    }
    for (size_t i = 0; i < count; i++)
        if (!_wcsicmp(list[i].name, identifier)) {
            nsreg_free(list);
            return api_fail(WSAEINVAL);
        }
    nsreg_free(list);
    memset(&r, 0, sizeof(r));
    wcscpy(r.name, identifier);
    wcscpy(r.dll, path);
    r.id = *id;
    r.name_space = space;
    r.version = version;
    r.order = NSREG_DEFAULT_ORDER;
    r.enabled = TRUE;
    err = nsreg_write(REGROOT_MACHINE, &r);
    if (err)
        return api_fail(registry_error(err));
    WSASetLastError(0);
    return 0;
}

/* WSCUnInstallNameSpace and WSCEnableNSProvider: the machine root's
 * registration with this id found (none is WSAEINVAL), then deleted, or
 * enabled or disabled. */
static int change_installed(const GUID *id, BOOL remove, BOOL enable)
{
    struct ns_registration *list = NULL;
    size_t count = 0;
    int at;
    LONG err;

    if (!id)
        return api_fail(WSAEINVAL);
    if (!api_readable(id, sizeof(*id)))
        return api_fail(WSAEFAULT);
    at = find_installed(id, &list, &count);
    if (at < 0) {
        nsreg_free(list);
        return api_fail(at == -1 ? WSAEINVAL : WSANO_RECOVERY);
    }
    err = remove ? nsreg_delete(REGROOT_MACHINE, list[at].name)
                 : nsreg_set_enabled(REGROOT_MACHINE, list[at].name, enable);
    nsreg_free(list);
    if (err)
        return api_fail(registry_error(err));
    WSASetLastError(0);
    return 0;
}

int impl_WSCUnInstallNameSpace(LPGUID id)
{
    return change_installed(id, TRUE, FALSE);
}

int impl_WSCEnableNSProvider(LPGUID id, BOOL enable)
{
    return change_installed(id, FALSE, enable);
}
