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
#include "../common/provider_loader.h"

static struct lower *lowers;
static CRITICAL_SECTION lowers_lock;
static INIT_ONCE lock_once = INIT_ONCE_STATIC_INIT;

/*
 * Which lower each chain leads to, resolved once per chain: socket() asks
 * on every call, and reading the catalog each time costs a copy of every
 * entry.  What was resolved holds while ws2.dll's catalog version is the
 * one read before the catalog was (any change since gives another
 * version), so a provider installed or removed is seen exactly as a fresh
 * read would see it.  Only successes are kept.
 */
struct route {
    struct route *next;
    WSAPROTOCOLCHAIN chain;
    struct lower *lower;
};
static struct route *routes;
static LONG routes_version;
static SRWLOCK routes_lock = SRWLOCK_INIT;

static BOOL CALLBACK init_lock(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once; (void)param; (void)ctx;
    InitializeCriticalSection(&lowers_lock);
    return TRUE;
}

static BOOL same_chain(const WSAPROTOCOLCHAIN *a, const WSAPROTOCOLCHAIN *b)
{
    int len = a->ChainLen;
    if (len != b->ChainLen)
        return FALSE;
    if (len < 0 || len > MAX_PROTOCOL_CHAIN)
        len = MAX_PROTOCOL_CHAIN;
    return !memcmp(a->ChainEntries, b->ChainEntries, (size_t)len * sizeof(DWORD));
}

/* The lower this chain was resolved to at this catalog version, or NULL. */
static struct lower *route_find(const WSAPROTOCOLCHAIN *chain, LONG version)
{
    struct lower *l = NULL;
    struct route *r;

    AcquireSRWLockShared(&routes_lock);
    if (routes_version == version)
        for (r = routes; r; r = r->next)
            if (same_chain(&r->chain, chain)) {
                l = r->lower;
                break;
            }
    ReleaseSRWLockShared(&routes_lock);
    return l;
}

static void routes_forget_locked(void)
{
    while (routes) {
        struct route *r = routes;
        routes = r->next;
        free(r);
    }
}

/* Keeps what the catalog of this version resolved; a newer version's
 * routes replace every older one.  Without memory nothing is kept. */
static void route_remember(const WSAPROTOCOLCHAIN *chain, LONG version, struct lower *l)
{
    struct route *r;

    AcquireSRWLockExclusive(&routes_lock);
    if (routes_version != version) {
        routes_forget_locked();
        routes_version = version;
    }
    for (r = routes; r && !same_chain(&r->chain, chain); r = r->next)
        ;
    if (!r && (r = calloc(1, sizeof(*r)))) {
        r->chain = *chain;
        r->lower = l;
        r->next = routes;
        routes = r;
    }
    ReleaseSRWLockExclusive(&routes_lock);
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

/* The catalog read again: our place in the chain, the entry after it, and
 * that entry's provider, started on first use. */
static struct lower *lower_resolve(const WSAPROTOCOL_INFOW *info, int *err)
{
    const WSAPROTOCOL_INFOW *next;
    WSAPROTOCOL_INFOW *all = NULL;
    struct lower *l = NULL;
    DWORD layer, next_id = 0;
    int count = 0, i;

    EnterCriticalSection(&lowers_lock);
    all = loader_catalog_read(&count, err);
    if (!all)
        goto done;
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
    /* allocate and initialise one lower per lower entry, started once */
    l = calloc(1, sizeof(*l));
    if (!l) {
        *err = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    l->catalog_id = next_id;
    l->info = next->ProtocolChain.ChainLen == BASE_PROTOCOL ? *next : *info;
    *err = loader_start(&next->ProviderId, &l->info, upcalls, &l->module, &l->procs);
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

struct lower *lower_for_chain(const WSAPROTOCOL_INFOW *info, int *err)
{
    struct lower *l;
    LONG version;
    BOOL versioned;

    InitOnceExecuteOnce(&lock_once, init_lock, NULL, NULL);
    /* the version first: a change while we read gives a version we never keep */
    versioned = loader_catalog_version(&version);
    if (versioned && (l = route_find(&info->ProtocolChain, version)))
        return l;
    l = lower_resolve(info, err);
    if (l && versioned)
        route_remember(&info->ProtocolChain, version, l);
    return l;
}

void lower_cleanup_all(void)
{
    InitOnceExecuteOnce(&lock_once, init_lock, NULL, NULL);
    AcquireSRWLockExclusive(&routes_lock);
    routes_forget_locked();
    ReleaseSRWLockExclusive(&routes_lock);
    EnterCriticalSection(&lowers_lock);
    while (lowers) {
        struct lower *l = lowers;
        lowers = l->next;
        loader_stop(l->module, &l->procs);
        free(l);
    }
    LeaveCriticalSection(&lowers_lock);
}
