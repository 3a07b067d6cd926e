/*
 * nscatalog.c - the namespace-provider catalog of this process: selecting
 * the registrations a query goes to, and starting each provider DLL once.
 *
 * As on CE 5.0 (and Windows), a provider is a DLL exporting NSPStartup,
 * called with its provider id; its NSP_ROUTINE table serves every lookup
 * of the process afterwards, until the last WSACleanup ends each with
 * NSPCleanup (ns_catalog_cleanup; the next lookup starts it again, as
 * CE's ws2 does).  A provider DLL stays loaded and its record is kept
 * until the process ends: a lookup in flight in another thread may still
 * be inside one.
 */
#include "nscatalog.h"

static SRWLOCK providers_lock = SRWLOCK_INIT;
static struct ns_provider *providers;
static struct ns_provider *retired;     /* ended by NSPCleanup, never freed */

int ns_catalog_select(DWORD space, const GUID *provider, struct ns_registration **list, size_t *count)
{
    size_t kept = 0;

    if (nsreg_read_effective(list, count))
        return WSA_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; i < *count; i++) {
        struct ns_registration *r = &(*list)[i];
        if (r->problem || !r->enabled)
            continue;
        if (space != NS_ALL && r->name_space != space)
            continue;
        if (provider && !IsEqualGUID(provider, &r->id))
            continue;
        (*list)[kept++] = *r;
    }
    *count = kept;
    return 0;
}

struct nsp_startup_call {
    LPNSPSTARTUP startup;
    GUID id;
    NSP_ROUTINE *routine;
};

static INT_PTR call_nsp_startup(void *arg)
{
    struct nsp_startup_call *c = arg;
    return c->startup(&c->id, c->routine);
}

/* Every call a lookup makes must be there: a hole would crash the lookup. */
static BOOL routine_complete(const NSP_ROUTINE *r)
{
    return r->NSPCleanup && r->NSPLookupServiceBegin && r->NSPLookupServiceNext
        && r->NSPLookupServiceEnd;
}

static struct ns_provider *find_started(const struct ns_registration *r)
{
    for (struct ns_provider *p = providers; p; p = p->next)
        if (IsEqualGUID(&p->id, &r->id) && !_wcsicmp(p->dll, r->dll))
            return p;
    return NULL;
}

int ns_provider_get(const struct ns_registration *r, struct ns_provider **out)
{
    struct nsp_startup_call call;
    struct ns_provider *p;
    INT_PTR result = 0;
    DWORD code = 0;

    AcquireSRWLockShared(&providers_lock);
    p = find_started(r);
    ReleaseSRWLockShared(&providers_lock);
    if (p && guard_module_crashed(p->module))
        return WSAEPROVIDERFAILEDINIT;     /* crashed in a lookup: never called again */
    if (p) {
        *out = p;
        return 0;
    }
    AcquireSRWLockExclusive(&providers_lock);
    p = find_started(r);
    if (p) {
        ReleaseSRWLockExclusive(&providers_lock);
        *out = p;
        return 0;
    }
    p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*p));
    if (!p) {
        ReleaseSRWLockExclusive(&providers_lock);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    p->id = r->id;
    wcscpy(p->dll, r->dll);
    p->routine.cbSize = sizeof(p->routine);
    p->module = LoadLibraryW(r->dll);
    call.startup = p->module ? (LPNSPSTARTUP)(void *)GetProcAddress(p->module, "NSPStartup") : NULL;
    if (!call.startup) {
        diag(L"namespace provider %ls (%ls): %ls", r->name, r->dll,
             p->module ? L"no NSPStartup export" : L"cannot be loaded");
        goto fail;
    }
    call.id = r->id;
    call.routine = &p->routine;
    if (guard_call(call_nsp_startup, &call, p->module, &result, &code)) {
        diag(L"namespace provider %ls: NSPStartup crashed (exception 0x%08lx)", r->name, code);
        goto fail;
    }
    if (result != 0 || !routine_complete(&p->routine)) {
        diag(L"namespace provider %ls: NSPStartup failed (%d) or left calls out", r->name, (int)result);
        goto fail;
    }
    p->next = providers;
    providers = p;
    ReleaseSRWLockExclusive(&providers_lock);
    *out = p;
    return 0;

fail:
    if (p->module && !guard_module_crashed(p->module))
        FreeLibrary(p->module);
    HeapFree(GetProcessHeap(), 0, p);
    ReleaseSRWLockExclusive(&providers_lock);
    return WSAEPROVIDERFAILEDINIT;
}

void ns_catalog_cleanup(void)
{
    struct ns_provider *ended;

    AcquireSRWLockExclusive(&providers_lock);
    ended = providers;
    providers = NULL;
    ReleaseSRWLockExclusive(&providers_lock);
    while (ended) {
        struct ns_provider *next = ended->next;
        nsp_cleanup(ended);
        AcquireSRWLockExclusive(&providers_lock);
        ended->next = retired;
        retired = ended;
        ReleaseSRWLockExclusive(&providers_lock);
        ended = next;
    }
}
