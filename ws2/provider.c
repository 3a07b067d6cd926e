/*
 * provider.c - a service provider DLL loaded and started for one catalog entry.
 *
 * Each catalog entry gets its own WSPStartup with its own WSAPROTOCOL_INFOW
 * (ReactOS, by contrast, starts one provider per provider DLL): a layered
 * provider reads its place in the chain from that structure, and celsp
 * keeps one lower provider per chain from it.
 */
#include "ws2_private.h"

struct startup_call {
    LPWSPSTARTUP startup;
    struct provider *p;
    WSAPROTOCOL_INFOW *info;
};

static INT_PTR call_startup(void *arg)
{
    struct startup_call *c = arg;
    return c->startup(MAKEWORD(2, 2), &c->p->data, c->info, upcall_table, &c->p->procs);
}

/* A table with holes would crash the first call that reaches one. */
static BOOL procs_complete(const WSPPROC_TABLE *t)
{
    const void *const *slot = (const void *const *)t;
    size_t i;
    for (i = 0; i < sizeof(*t) / sizeof(void *); i++)
        if (!slot[i])
            return FALSE;
    return TRUE;
}

int provider_start(const WCHAR *dll, WSAPROTOCOL_INFOW *info, struct provider **out)
{
    struct startup_call call;
    struct provider *p;
    INT_PTR result = 0;
    DWORD code = 0;
    LONGLONG t0;
    BOOL crashed;
    int err;

    /* allocate */
    p = calloc(1, sizeof(*p));
    if (!p)
        return WSA_NOT_ENOUGH_MEMORY;
    /* initialise: load the DLL and find its single SPI entry point */
    p->refs = 1;
    p->module = LoadLibraryW(dll);
    if (!p->module) {
        diag(L"provider %ls: cannot load (error %lu)", dll, GetLastError());
        err = WSAEPROVIDERFAILEDINIT;
        goto fail;
    }
    if (guard_module_crashed(p->module)) {
        /* it stopped inside its own code once, perhaps holding its own
         * locks: calling it again could hang this thread */
        diag(L"provider %ls: not started: it crashed earlier in this process", dll);
        err = WSAEPROVIDERFAILEDINIT;
        goto fail;
    }
    call.startup = (LPWSPSTARTUP)(void *)GetProcAddress(p->module, "WSPStartup");
    if (!call.startup) {
        diag(L"provider %ls: no WSPStartup export", dll);
        err = WSAEINVALIDPROVIDER;
        goto fail;
    }
    /* start it, surviving a crash inside its startup */
    call.p = p;
    call.info = info;
    t0 = TRACE_ON() ? trace_begin() : 0;
    crashed = guard_call(call_startup, &call, p->module, &result, &code) != 0;
    trace_startup(t0, dll, info, (int)result, crashed ? code : 0);
    if (crashed) {
        diag(L"provider %ls: WSPStartup crashed (exception 0x%08lx)", dll, code);
        err = WSAEPROVIDERFAILEDINIT;
        goto fail;
    }
    if (result != 0) {
        diag(L"provider %ls: WSPStartup failed with %d", dll, (int)result);
        err = (int)result;
        goto fail;
    }
    if (!procs_complete(&p->procs)) {
        int ignored;
        diag(L"provider %ls: WSPStartup returned an incomplete WSPPROC_TABLE", dll);
        if (p->procs.lpWSPCleanup)
            provider_procs(p, NULL)->lpWSPCleanup(&ignored);
        err = WSAEINVALIDPROCTABLE;
        goto fail;
    }
    *out = p;
    return 0;

fail:
    if (p->module)
        FreeLibrary(p->module);
    free(p);
    return err;
}

void provider_reference(struct provider *p)
{
    InterlockedIncrement(&p->refs);
}

/* The last reference stops the provider: every WSPStartup pairs with one WSPCleanup. */
void provider_dereference(struct provider *p)
{
    int err = 0;
    if (InterlockedDecrement(&p->refs) != 0)
        return;
    /* a DLL that crashed since (in another entry's start) may hold its own
     * locks: its WSPCleanup could hang WSACleanup, so it is not called */
    if (guard_module_crashed(p->module))
        diag(L"provider: WSPCleanup not called: the DLL crashed earlier in this process");
    else
        provider_procs(p, NULL)->lpWSPCleanup(&err);
    FreeLibrary(p->module);
    free(p);
}
