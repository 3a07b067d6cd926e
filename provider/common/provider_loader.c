/*
 * provider_loader.c - the catalog, and one provider started through it
 * (provider_loader.h says who uses it).
 *
 * Everything comes from the ws2.dll that loaded us, found by its module
 * name: a provider never links ws2.dll, whose import library is the
 * applications', and never calls a Winsock of its own.
 */
#include "provider_loader.h"

#include <stdlib.h>

typedef int (WSPAPI *enum_protocols_fn)(LPINT, LPWSAPROTOCOL_INFOW, LPDWORD, LPINT);
typedef int (WSPAPI *provider_path_fn)(LPGUID, WCHAR *, LPINT, LPINT);
typedef LONG (WINAPI *catalog_version_fn)(void);

static FARPROC ws2_proc(const char *name)
{
    return GetProcAddress(GetModuleHandleW(L"ws2.dll"), name);
}

WSAPROTOCOL_INFOW *loader_catalog_read(int *count, int *err)
{
    enum_protocols_fn enum_protocols = (enum_protocols_fn)(void *)ws2_proc("WSCEnumProtocols");
    WSAPROTOCOL_INFOW *all;
    DWORD size = 0;

    if (!enum_protocols) {
        *err = WSAEPROVIDERFAILEDINIT;
        return NULL;
    }
    /* the first call only sizes the buffer */
    if (enum_protocols(NULL, NULL, &size, err) == SOCKET_ERROR && *err != WSAENOBUFS)
        return NULL;
    all = malloc(size ? size : 1);
    if (!all) {
        *err = WSA_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    *count = enum_protocols(NULL, all, &size, err);
    if (*count == SOCKET_ERROR) {
        free(all);
        return NULL;
    }
    return all;
}

BOOL loader_catalog_version(LONG *version)
{
    /* looked up once: ws2.dll outlives every provider it loaded */
    static catalog_version_fn catalog_version;
    static volatile LONG looked_up;

    if (!looked_up) {
        catalog_version = (catalog_version_fn)(void *)ws2_proc("CeWs2CatalogVersion");
        InterlockedExchange(&looked_up, 1);
    }
    if (!catalog_version)
        return FALSE;
    *version = catalog_version();
    return TRUE;
}

int loader_start(const GUID *provider_id, WSAPROTOCOL_INFOW *info, WSPUPCALLTABLE upcalls,
                 HMODULE *module, WSPPROC_TABLE *procs)
{
    provider_path_fn provider_path = (provider_path_fn)(void *)ws2_proc("WSCGetProviderPath");
    WCHAR path[MAX_PATH], expanded[MAX_PATH];
    int len = MAX_PATH, err = 0;
    GUID id = *provider_id;
    LPWSPSTARTUP startup;
    WSPDATA data;

    if (!provider_path || provider_path(&id, path, &len, &err) == SOCKET_ERROR)
        return err ? err : WSAEPROVIDERFAILEDINIT;
    /* a registered path may name %SystemRoot% and the like */
    if (!ExpandEnvironmentStringsW(path, expanded, MAX_PATH))
        lstrcpynW(expanded, path, MAX_PATH);
    *module = LoadLibraryW(expanded);
    if (!*module)
        return WSAEPROVIDERFAILEDINIT;
    startup = (LPWSPSTARTUP)(void *)GetProcAddress(*module, "WSPStartup");
    if (!startup) {
        FreeLibrary(*module);
        *module = NULL;
        return WSAEINVALIDPROVIDER;
    }
    err = startup(MAKEWORD(2, 2), &data, info, upcalls, procs);
    if (err) {
        FreeLibrary(*module);
        *module = NULL;
        return err;
    }
    return 0;
}

void loader_stop(HMODULE module, WSPPROC_TABLE *procs)
{
    int err;

    procs->lpWSPCleanup(&err);
    FreeLibrary(module);
}
