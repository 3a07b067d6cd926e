/*
 * lower.c - the providers below celsp.
 *
 * celsp finds its own place in each protocol chain it is started for (its
 * layered entry's id among ChainEntries) and loads the entry after it.  A
 * base provider below is given its own catalog entry, as it would be
 * without us; another layered provider below is given the chain, so that
 * it can find its own place in turn.  Each distinct lower entry is loaded
 * and started once, and cleaned up at our last WSPCleanup.
 */
#include "celsp.h"

typedef int (WSPAPI *enum_protocols_fn)(LPINT, LPWSAPROTOCOL_INFOW, LPDWORD, LPINT);
typedef int (WSPAPI *provider_path_fn)(LPGUID, WCHAR *, LPINT, LPINT);

static struct lower *lowers;
static CRITICAL_SECTION lowers_lock;
static INIT_ONCE lock_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_lock(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once; (void)param; (void)ctx;
    InitializeCriticalSection(&lowers_lock);
    return TRUE;
}

/* The whole catalog, from the ws2.dll that loaded us; free() the result. */
WSAPROTOCOL_INFOW *catalog_read(int *count, int *err)
{
    enum_protocols_fn enum_protocols = (enum_protocols_fn)(void *)GetProcAddress(
        GetModuleHandleW(L"ws2.dll"), "WSCEnumProtocols");
    WSAPROTOCOL_INFOW *all = NULL;
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

static const WSAPROTOCOL_INFOW *find_by_id(const WSAPROTOCOL_INFOW *all, int count, DWORD id)
{
    int i;
    for (i = 0; i < count; i++)
        if (all[i].dwCatalogEntryId == id)
            return &all[i];
    return NULL;
}

static DWORD own_layer_id(const WSAPROTOCOL_INFOW *all, int count)
{
    static const GUID layer = CEWS2_CE_LSP_LAYER_GUID;
    int i;
    for (i = 0; i < count; i++)
        if (!memcmp(&all[i].ProviderId, &layer, sizeof(GUID)) &&
            all[i].ProtocolChain.ChainLen == LAYERED_PROTOCOL)
            return all[i].dwCatalogEntryId;
    return 0;
}

static int lower_start(struct lower *l, const WSAPROTOCOL_INFOW *next)
{
    provider_path_fn provider_path = (provider_path_fn)(void *)GetProcAddress(
        GetModuleHandleW(L"ws2.dll"), "WSCGetProviderPath");
    WCHAR path[MAX_PATH], expanded[MAX_PATH];
    int len = MAX_PATH, err = 0;
    LPWSPSTARTUP startup;
    WSPDATA data;
    GUID id = next->ProviderId;

    if (!provider_path || provider_path(&id, path, &len, &err) == SOCKET_ERROR)
        return err ? err : WSAEPROVIDERFAILEDINIT;
    if (!ExpandEnvironmentStringsW(path, expanded, MAX_PATH))
        lstrcpynW(expanded, path, MAX_PATH);
    l->module = LoadLibraryW(expanded);
    if (!l->module)
        return WSAEPROVIDERFAILEDINIT;
    startup = (LPWSPSTARTUP)(void *)GetProcAddress(l->module, "WSPStartup");
    if (!startup) {
        FreeLibrary(l->module);
        return WSAEINVALIDPROVIDER;
    }
    err = startup(MAKEWORD(2, 2), &data, &l->info, upcalls, &l->procs);
    if (err) {
        FreeLibrary(l->module);
        return err;
    }
    return 0;
}

struct lower *lower_for_chain(const WSAPROTOCOL_INFOW *info, int *err)
{
    const WSAPROTOCOL_INFOW *next;
    WSAPROTOCOL_INFOW *all = NULL;
    struct lower *l = NULL;
    DWORD layer, next_id = 0;
    int count = 0, i;

    InitOnceExecuteOnce(&lock_once, init_lock, NULL, NULL);
    EnterCriticalSection(&lowers_lock);
    all = catalog_read(&count, err);
    if (!all)
        goto done;
    /* our place in the chain, and the entry after it */
    layer = own_layer_id(all, count);
    for (i = 0; i + 1 < info->ProtocolChain.ChainLen; i++)
        if (info->ProtocolChain.ChainEntries[i] == layer) {
            next_id = info->ProtocolChain.ChainEntries[i + 1];
            break;
        }
    next = next_id ? find_by_id(all, count, next_id) : NULL;
    if (!layer || !next) {
        *err = WSAEINVALIDPROVIDER;
        goto done;
    }
    for (l = lowers; l && l->catalog_id != next_id; l = l->next)
        ;
    if (l)
        goto done;
    l = calloc(1, sizeof(*l));
    if (!l) {
        *err = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    l->catalog_id = next_id;
    l->info = next->ProtocolChain.ChainLen == BASE_PROTOCOL ? *next : *info;
    *err = lower_start(l, next);
    if (*err) {
        free(l);
        l = NULL;
        goto done;
    }
    l->next = lowers;
    lowers = l;
done:
    LeaveCriticalSection(&lowers_lock);
    free(all);
    return l;
}

void lower_cleanup_all(void)
{
    InitOnceExecuteOnce(&lock_once, init_lock, NULL, NULL);
    EnterCriticalSection(&lowers_lock);
    while (lowers) {
        struct lower *l = lowers;
        int err;
        lowers = l->next;
        l->procs.lpWSPCleanup(&err);
        FreeLibrary(l->module);
        free(l);
    }
    LeaveCriticalSection(&lowers_lock);
}
