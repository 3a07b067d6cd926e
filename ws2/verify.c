/*
 * verify.c - CeWs2VerifyCatalog: what ws2inst verify reports.
 *
 * The check is the real thing done on a throw-away catalog: the
 * registrations run exactly as at WSAStartup, every entry's provider is
 * started (and cleaned up again), and every protocol chain is followed to
 * a base protocol.  The process's own catalog is not touched.
 */
#include "ws2_private.h"

static void verify_chain(struct catalog *c, struct catalog_entry *e)
{
    const WSAPROTOCOLCHAIN *chain = &e->info.ProtocolChain;
    struct catalog_entry *base;
    int i;

    for (i = 1; i < chain->ChainLen; i++) {
        if (!catalog_find_id(c, chain->ChainEntries[i])) {
            catalog_problem(c, e->info.szProtocol, WSAEINVALIDPROVIDER,
                            L"chain of entry %lu refers to missing catalog entry %lu",
                            e->info.dwCatalogEntryId, chain->ChainEntries[i]);
            return;
        }
    }
    base = catalog_find_id(c, chain->ChainEntries[chain->ChainLen - 1]);
    if (base->info.ProtocolChain.ChainLen != BASE_PROTOCOL)
        catalog_problem(c, e->info.szProtocol, WSAEINVALIDPROVIDER,
                        L"chain of entry %lu does not end in a base protocol (entry %lu)",
                        e->info.dwCatalogEntryId, base->info.dwCatalogEntryId);
}

static void verify_provider(struct catalog *c, struct catalog_entry *e)
{
    int err = 0;
    struct provider *p = catalog_entry_provider(e, &err);

    if (p) {
        provider_dereference(p);
        return;
    }
    catalog_problem(c, e->info.szProtocol, err, L"provider %ls of entry %lu does not start (error %d)",
                    e->dll, e->info.dwCatalogEntryId, err);
}

INT impl_CeWs2VerifyCatalog(CEWS2_VERIFY_REPORT report, void *context)
{
    struct catalog *c = catalog_allocate();
    struct catalog *outer = NULL;
    struct catalog_entry *e;
    int problems;

    if (!c)
        return 1;
    c->report = report;
    c->report_context = context;
    process_lock();
    if (!process_build_enter(c, &outer)) {
        process_unlock();
        catalog_delete(c);
        return 1;
    }
    catalog_load_registrations(c);
    for (e = c->first; e; e = e->next) {
        if (e->info.ProtocolChain.ChainLen > 1)
            verify_chain(c, e);
        /* layered entries start only as part of a chain; the chain checks them */
        if (e->info.ProtocolChain.ChainLen != LAYERED_PROTOCOL)
            verify_provider(c, e);
    }
    process_build_leave(outer);
    process_unlock();
    problems = c->problems;
    catalog_delete(c);
    return problems;
}
