/*
 * api_protocols.c - the catalog seen from outside: WSAEnumProtocolsW and the
 * WSC* calls providers' installers use, plus address/string conversion,
 * which belongs to the provider of the protocol named.
 */
#include "ws2_private.h"
#include <wchar.h>

static struct catalog *target_catalog(void)
{
    /* during a catalog build, installers fill the catalog being built */
    struct catalog *being_built = process_catalog_being_built();
    return being_built ? being_built : process_catalog();
}

int api_enum_protocols(LPINT protocols, LPWSAPROTOCOL_INFOW buffer, LPDWORD length)
{
    int err, count = 0;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!api_writable(length, sizeof(*length)) ||
        (buffer && !api_writable(buffer, *length)))
        return api_fail(WSAEFAULT);
    process_lock();
    err = catalog_copy_infos(target_catalog(), protocols, buffer, length, TRUE, &count);
    process_unlock();
    return err ? api_fail(err) : count;
}

/* The installer's view: every entry, layered ones included; no WSAStartup needed. */
static int wsc_enum_protocols(LPINT protocols, LPWSAPROTOCOL_INFOW buffer, LPDWORD length,
                              LPINT errno_out)
{
    int err, count = 0;

    if (!api_writable(errno_out, sizeof(*errno_out)))
        return SOCKET_ERROR;
    if (!api_writable(length, sizeof(*length)) ||
        (buffer && !api_writable(buffer, *length))) {
        *errno_out = WSAEFAULT;
        return SOCKET_ERROR;
    }
    process_lock();
    err = catalog_copy_infos(target_catalog(), protocols, buffer, length, FALSE, &count);
    process_unlock();
    if (err) {
        *errno_out = err;
        return SOCKET_ERROR;
    }
    return count;
}

static int install_provider(LPGUID provider_id, const WCHAR *dll,
                            const LPWSAPROTOCOL_INFOW infos, DWORD count, LPINT errno_out)
{
    struct catalog *c;
    int err;

    if (!api_writable(errno_out, sizeof(*errno_out)))
        return SOCKET_ERROR;
    if (!api_readable(provider_id, sizeof(GUID)) || !api_readable(dll, sizeof(WCHAR)) ||
        !api_readable(infos, (size_t)count * sizeof(WSAPROTOCOL_INFOW))) {
        *errno_out = WSAEFAULT;
        return SOCKET_ERROR;
    }
    process_lock();
    c = target_catalog();
    err = c ? catalog_install(c, provider_id, dll, infos, count) : WSASYSNOTREADY;
    process_unlock();
    if (err) {
        *errno_out = err;
        return SOCKET_ERROR;
    }
    return 0;
}

static int deinstall_provider(LPGUID provider_id, LPINT errno_out)
{
    struct catalog *c;
    int err;

    if (!api_writable(errno_out, sizeof(*errno_out)))
        return SOCKET_ERROR;
    if (!api_readable(provider_id, sizeof(GUID))) {
        *errno_out = WSAEFAULT;
        return SOCKET_ERROR;
    }
    process_lock();
    c = target_catalog();
    err = c ? catalog_deinstall(c, provider_id) : WSASYSNOTREADY;
    process_unlock();
    if (err) {
        *errno_out = err;
        return SOCKET_ERROR;
    }
    return 0;
}

/* The body of WSCGetProviderPath, which the WPUGetProviderPath upcall shares (untraced). */
int api_get_provider_path(LPGUID provider_id, WCHAR *path, LPINT path_len, LPINT errno_out)
{
    struct catalog_entry *e;
    int err = WSAEINVAL;

    if (!api_writable(errno_out, sizeof(*errno_out)))
        return SOCKET_ERROR;
    /* Windows' order: the pointers (WSAEFAULT), then a negative length and
     * an unknown provider (WSAEINVAL, whatever path is), then the path */
    if (!api_readable(provider_id, sizeof(GUID)) || !api_writable(path_len, sizeof(int))) {
        *errno_out = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (*path_len < 0) {
        *errno_out = WSAEINVAL;
        return SOCKET_ERROR;
    }
    process_lock();
    for (e = target_catalog()->first; e; e = e->next) {
        if (memcmp(&e->info.ProviderId, provider_id, sizeof(GUID)))
            continue;
        if ((int)wcslen(e->dll) + 1 > *path_len) {
            *path_len = (int)wcslen(e->dll) + 1;
            err = WSAEFAULT;
        } else if (!api_writable(path, (size_t)*path_len * sizeof(WCHAR))) {
            err = WSAEFAULT;
        } else {
            wcscpy(path, e->dll);
            err = 0;
        }
        break;
    }
    process_unlock();
    if (err) {
        *errno_out = err;
        return SOCKET_ERROR;
    }
    return 0;
}

/* Picks the provider for an address conversion: the given entry or the family's first.
 * *entry stays referenced (the SPI trace names it); the caller drops it. */
static struct provider *conversion_provider(LPWSAPROTOCOL_INFOW info, int af,
                                            WSAPROTOCOL_INFOW *used,
                                            struct catalog_entry **entry, int *err)
{
    struct catalog_entry *e = NULL;
    struct provider *p;
    struct catalog *c = process_catalog();

    process_lock();
    if (info) {
        if ((e = catalog_find_id(c, info->dwCatalogEntryId)))
            catalog_entry_reference(e);
        else
            *err = WSAEINVALIDPROVIDER;
    } else {
        for (e = c->first; e; e = e->next)
            if (e->info.iAddressFamily == af && e->info.ProtocolChain.ChainLen != LAYERED_PROTOCOL)
                break;
        if (e)
            catalog_entry_reference(e);
        else
            *err = WSAEINVAL;
    }
    process_unlock();
    *entry = e;
    if (!e)
        return NULL;
    *used = e->info;
    p = catalog_entry_provider(e, err);
    if (!p) {
        catalog_entry_dereference(e);
        *entry = NULL;
    }
    return p;
}

INT api_address_to_string(LPSOCKADDR address, DWORD length, LPWSAPROTOCOL_INFOW info,
                          LPWSTR text, LPDWORD text_length)
{
    WSAPROTOCOL_INFOW used;
    struct catalog_entry *entry;
    struct provider *p;
    int err = 0, result = SOCKET_ERROR;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!api_readable(address, length) || length < sizeof(u_short) ||
        !api_writable(text_length, sizeof(*text_length)))
        return api_fail(WSAEFAULT);
    p = conversion_provider(info, address->sa_family, &used, &entry, &err);
    if (!p)
        return api_fail(err);
    result = provider_procs(p, entry)->lpWSPAddressToString(address, length, &used, text,
                                                            text_length, &err);
    provider_dereference(p);
    catalog_entry_dereference(entry);
    return result == SOCKET_ERROR ? api_fail(err) : result;
}

INT api_string_to_address(LPWSTR text, INT af, LPWSAPROTOCOL_INFOW info,
                          LPSOCKADDR address, LPINT length)
{
    WSAPROTOCOL_INFOW used;
    struct catalog_entry *entry;
    struct provider *p;
    int err = 0, result = SOCKET_ERROR;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!api_readable(text, sizeof(WCHAR)) || !api_writable(length, sizeof(*length)) ||
        *length < 0 || !api_writable(address, (size_t)*length))
        return api_fail(WSAEFAULT);
    p = conversion_provider(info, af, &used, &entry, &err);
    if (!p)
        return api_fail(err);
    result = provider_procs(p, entry)->lpWSPStringToAddress(text, af, &used, address, length,
                                                            &err);
    provider_dereference(p);
    catalog_entry_dereference(entry);
    return result == SOCKET_ERROR ? api_fail(err) : result;
}

/* ---- the exports: each runs its body above and writes its trace line ------- */

/* The error a WSC* call reported through its errno argument. */
static int errno_of(int result, const INT *errno_out)
{
    return result == SOCKET_ERROR && api_readable(errno_out, sizeof(*errno_out)) ? *errno_out : 0;
}

/* The error an API call left as the last error; a success clears it, as on
 * Windows. */
static int last_error_of(int result)
{
    if (result != SOCKET_ERROR)
        SetLastError(0);
    return result == SOCKET_ERROR ? (int)GetLastError() : 0;
}

int WSAAPI WSAEnumProtocolsW(LPINT protocols, LPWSAPROTOCOL_INFOW buffer, LPDWORD length)
{
    TRACE_START(t);
    int result = api_enum_protocols(protocols, buffer, length);
    TRACE_API(t, NULL, last_error_of(result), "WSAEnumProtocolsW(protocols=0x%llx, buffer=0x%llx, "
              "length=%s) = %d", TP(protocols), TP(buffer), TINT(length), result);
    return result;
}

int WSPAPI WSCEnumProtocols(LPINT protocols, LPWSAPROTOCOL_INFOW buffer, LPDWORD length,
                            LPINT errno_out)
{
    TRACE_START(t);
    int result = wsc_enum_protocols(protocols, buffer, length, errno_out);
    TRACE_API(t, NULL, errno_of(result, errno_out), "WSCEnumProtocols(protocols=0x%llx, "
              "buffer=0x%llx, length=%s) = %d", TP(protocols), TP(buffer), TINT(length), result);
    return result;
}

/* Not traced: celsp asks on every socket() whether what it resolved from
 * the catalog still holds, and a line each would bury the application's. */
LONG WINAPI CeWs2CatalogVersion(void)
{
    return catalog_version();
}

int WSPAPI WSCInstallProvider(LPGUID provider_id, const WCHAR *dll,
                              const LPWSAPROTOCOL_INFOW infos, DWORD count, LPINT errno_out)
{
    TRACE_START(t);
    int result = install_provider(provider_id, dll, infos, count, errno_out);
    TRACE_API(t, NULL, errno_of(result, errno_out), "WSCInstallProvider(provider_id=%s, dll=%s, "
              "infos=0x%llx, count=%lu) = %d", TGUID(provider_id), TWSTR(dll), TP(infos), count,
              result);
    return result;
}

int WSPAPI WSCDeinstallProvider(LPGUID provider_id, LPINT errno_out)
{
    TRACE_START(t);
    int result = deinstall_provider(provider_id, errno_out);
    TRACE_API(t, NULL, errno_of(result, errno_out), "WSCDeinstallProvider(provider_id=%s) = %d",
              TGUID(provider_id), result);
    return result;
}

int WSPAPI WSCGetProviderPath(LPGUID provider_id, WCHAR *path, LPINT path_len, LPINT errno_out)
{
    TRACE_START(t);
    int result = api_get_provider_path(provider_id, path, path_len, errno_out);
    TRACE_API(t, NULL, errno_of(result, errno_out), "WSCGetProviderPath(provider_id=%s, path=%s, "
              "path_len=%s) = %d", TGUID(provider_id), result ? TP(path) ? "-" : "NULL"
              : TWSTR(path), TINT(path_len), result);
    return result;
}

INT WSAAPI WSAAddressToStringW(LPSOCKADDR address, DWORD length, LPWSAPROTOCOL_INFOW info,
                               LPWSTR text, LPDWORD text_length)
{
    TRACE_START(t);
    INT result = api_address_to_string(address, length, info, text, text_length);
    TRACE_API(t, NULL, last_error_of(result), "WSAAddressToStringW(address=%s, length=%lu, "
              "info=0x%llx, text=%s, text_length=%s) = %d", TADDR(address, (int)length), length,
              TP(info), result ? TP(text) ? "-" : "NULL" : TWSTR(text), TINT(text_length), result);
    return result;
}

INT WSAAPI WSAStringToAddressW(LPWSTR text, INT af, LPWSAPROTOCOL_INFOW info,
                               LPSOCKADDR address, LPINT length)
{
    TRACE_START(t);
    INT result = api_string_to_address(text, af, info, address, length);
    TRACE_API(t, NULL, last_error_of(result), "WSAStringToAddressW(text=%s, af=%d, info=0x%llx, "
              "address=%s, length=%s) = %d", TWSTR(text), af, TP(info),
              result ? TP(address) ? "-" : "NULL" : TADDRP(address, length), TINT(length), result);
    return result;
}
