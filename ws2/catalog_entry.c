/*
 * catalog_entry.c - one protocol a provider offers, and the provider started for it.
 */
#include "ws2_private.h"

struct catalog_entry *catalog_entry_allocate(const GUID *provider_id, const WCHAR *dll,
                                             const WSAPROTOCOL_INFOW *info, DWORD id)
{
    struct catalog_entry *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    /* initialise: the catalog, not the installer, owns ids and provider GUIDs */
    e->refs = 1;
    e->info = *info;
    e->info.dwCatalogEntryId = id;
    e->info.ProviderId = *provider_id;
    e->info.szProtocol[WSAPROTOCOL_LEN] = 0;
    lstrcpynW(e->dll, dll, MAX_PATH);
    return e;
}

void catalog_entry_reference(struct catalog_entry *e)
{
    InterlockedIncrement(&e->refs);
}

void catalog_entry_dereference(struct catalog_entry *e)
{
    if (InterlockedDecrement(&e->refs) != 0)
        return;
    if (e->provider)
        provider_dereference(e->provider);
    free(e);
}

struct provider *catalog_entry_provider(struct catalog_entry *e, int *err)
{
    struct provider *p;

    process_lock();
    /* start on first use; a failed start is not retried within this catalog */
    if (!e->provider && !e->start_error) {
        WSAPROTOCOL_INFOW info = e->info;
        e->start_error = provider_start(e->dll, &info, &e->provider);
        if (e->start_error)
            diag(L"catalog entry %lu (%ls): provider not started, error %d",
                 e->info.dwCatalogEntryId, e->info.szProtocol, e->start_error);
    }
    p = e->provider;
    if (p && guard_module_crashed(p->module)) {
        /* started before its DLL crashed in another entry's start: no new
         * socket goes into code that may hold its own locks forever */
        p = NULL;
        *err = WSAEPROVIDERFAILEDINIT;
    } else if (p) {
        provider_reference(p);
    } else {
        *err = e->start_error;
    }
    process_unlock();
    return p;
}
