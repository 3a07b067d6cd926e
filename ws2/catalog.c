/*
 * catalog.c - the protocol catalog of this process.
 *
 * CE semantics: nothing is persisted; the catalog is what the registrations'
 * entries install when they run, in Order.  Socket creation takes the first
 * matching entry, so a protocol chain installed over a protocol is placed
 * ahead of every entry already offering that protocol: the layer installed
 * last is the one applications reach first, as on CE where installation
 * order decides chain order.
 */
#include "ws2_private.h"
#include "registration.h"
#include <stdarg.h>
#include <wchar.h>

/* Changes with every catalog made, changed or deleted (CeWs2CatalogVersion):
 * what a provider resolved from WSCEnumProtocols holds while it is the same. */
static volatile LONG version;

LONG catalog_version(void)
{
    return InterlockedCompareExchange(&version, 0, 0);
}

static void catalog_changed(void)
{
    InterlockedIncrement(&version);
}

struct catalog *catalog_allocate(void)
{
    struct catalog *c = calloc(1, sizeof(*c));
    if (c)
        c->next_id = 1001;      /* ids as Windows numbers them: from 1001 up */
    catalog_changed();
    return c;
}

void catalog_delete(struct catalog *c)
{
    catalog_changed();
    while (c->first) {
        struct catalog_entry *e = c->first;
        c->first = e->next;
        catalog_entry_dereference(e);
    }
    free(c);
}

void catalog_problem(struct catalog *c, const WCHAR *who, int error, const WCHAR *fmt, ...)
{
    WCHAR text[512];
    va_list ap;

    va_start(ap, fmt);
    _vsnwprintf(text, ARRAYSIZE(text) - 1, fmt, ap);
    va_end(ap);
    text[ARRAYSIZE(text) - 1] = 0;
    if (error)
        c->problems++;
    if (c->report)
        c->report(c->report_context, who, error, text);
    if (error)
        diag(L"%ls: %ls", who, text);
}

struct entry_call {
    CEWS2_REGISTER_ENTRY entry;
    const WCHAR *dll;
};

static INT_PTR call_entry(void *arg)
{
    struct entry_call *call = arg;
    return call->entry(call->dll);
}

/* One registration: load its DLL, run its entry; any failure skips just it. */
static void catalog_run_registration(struct catalog *c, const struct registration *r)
{
    struct entry_call call;
    HMODULE module;
    INT_PTR result = 0;
    DWORD code = 0;
    struct catalog_entry *before = c->first;
    int installed_before = 0, installed_after = 0;
    struct catalog_entry *e;
    /* Every line says where a per-user registration came from, since it
     * hides any machine registration of its name. */
    const WCHAR *origin = r->source == REGROOT_USER ? L" (per-user registration)" : L"";

    if (r->problem != REGISTRATION_OK) {
        catalog_problem(c, r->name, WSAEINVALIDPROVIDER, L"malformed registration: %ls%ls",
                        registration_problem_text(r->problem), origin);
        return;
    }
    module = LoadLibraryW(r->dll);
    if (!module) {
        catalog_problem(c, r->name, WSAEPROVIDERFAILEDINIT,
                        L"DLL %ls cannot be loaded (error %lu)%ls", r->dll, GetLastError(), origin);
        return;
    }
    if (guard_module_crashed(module)) {
        /* it stopped inside its own code once: it may hold its own locks */
        catalog_problem(c, r->name, WSAEPROVIDERFAILEDINIT,
                        L"DLL %ls crashed earlier in this process and is not called again%ls",
                        r->dll, origin);
        FreeLibrary(module);
        return;
    }
    call.entry = (CEWS2_REGISTER_ENTRY)(void *)GetProcAddress(module, r->entry);
    if (!call.entry) {
        catalog_problem(c, r->name, WSAEINVALIDPROVIDER, L"DLL %ls has no entry point %hs%ls",
                        r->dll, r->entry, origin);
        FreeLibrary(module);
        return;
    }
    for (e = before; e; e = e->next)
        installed_before++;
    call.dll = r->dll;
    if (guard_call(call_entry, &call, module, &result, &code) != 0) {
        catalog_problem(c, r->name, WSAEPROVIDERFAILEDINIT,
                        L"entry %hs of %ls crashed (exception 0x%08lx)%ls", r->entry, r->dll, code,
                        origin);
        /* the DLL stays loaded: code in it may still be on some other stack */
        return;
    }
    if (result != 0) {
        catalog_problem(c, r->name, (int)result, L"entry %hs of %ls failed with error %d%ls",
                        r->entry, r->dll, (int)result, origin);
    } else {
        for (e = c->first; e; e = e->next)
            installed_after++;
        catalog_problem(c, r->name, 0, L"%ls installed %d catalog entries%ls", r->dll,
                        installed_after - installed_before, origin);
    }
    /* the catalog entries load the DLL again by path when first used */
    FreeLibrary(module);
}

/* A root that cannot be read: its registrations are missing from this
 * catalog, which must not go unnoticed. */
static void report_unreadable_root(struct catalog *c, enum regroot_scope scope, DWORD error)
{
    WCHAR where[MAX_PATH + 32];

    if (!error)
        return;
    regroot_display(scope, CEWS2_LSP_SUBKEY, where, ARRAYSIZE(where));
    catalog_problem(c, L"registry", WSASYSCALLFAILURE, L"cannot read %ls (error %lu); "
                    L"its registrations are not used", where, error);
}

/* The old root is never read (see cews2.h): a registration or setting left
 * there is reported each time a catalog is built, never used silently. */
static void report_old_root(struct catalog *c)
{
    WCHAR old[64], machine[MAX_PATH + 32];

    if (!regroot_old_data_present())
        return;
    regroot_display(REGROOT_OLD, REGROOT_OLD_PARENT, old, ARRAYSIZE(old));
    regroot_display(REGROOT_MACHINE, REGROOT_OLD_PARENT, machine, ARRAYSIZE(machine));
    catalog_problem(c, L"old root", WSASYSNOTREADY, L"the registrations and settings an older "
                    L"ce-winsock left under %ls are not used; run 'ws2inst migrate' (as administrator) "
                    L"to move them to %ls", old, machine);
}

void catalog_load_registrations(struct catalog *c)
{
    struct registration *list = NULL;
    size_t count = 0, i;
    DWORD user_error = 0, machine_error = 0;
    int err = registration_read_effective(&list, &count, &user_error, &machine_error);

    report_old_root(c);
    report_unreadable_root(c, REGROOT_USER, user_error);
    report_unreadable_root(c, REGROOT_MACHINE, machine_error);
    if (err) {
        catalog_problem(c, L"registry", WSA_NOT_ENOUGH_MEMORY,
                        L"cannot merge the per-user and machine registrations (error %d)", err);
        return;
    }
    for (i = 0; i < count; i++)
        catalog_run_registration(c, &list[i]);
    registration_free(list);
}

static BOOL guid_equal(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof(GUID)) == 0;
}

static BOOL same_protocol(const WSAPROTOCOL_INFOW *a, const WSAPROTOCOL_INFOW *b)
{
    return a->iAddressFamily == b->iAddressFamily && a->iSocketType == b->iSocketType &&
           a->iProtocol == b->iProtocol;
}

int catalog_install(struct catalog *c, const GUID *provider_id, const WCHAR *dll,
                    const WSAPROTOCOL_INFOW *infos, DWORD count)
{
    struct catalog_entry **added;
    struct catalog_entry *e;
    DWORD i;

    if (count == 0 || !dll || !*dll || wcslen(dll) >= MAX_PATH)
        return WSAEINVAL;
    for (e = c->first; e; e = e->next)
        if (guid_equal(&e->info.ProviderId, provider_id))
            return WSAEINVAL;   /* a provider installs once; WSCDeinstallProvider first */
    for (i = 0; i < count; i++) {
        int len = infos[i].ProtocolChain.ChainLen;
        if (len < 0 || len > MAX_PROTOCOL_CHAIN)
            return WSAEINVAL;
    }
    /* allocate all first, so a failure installs nothing */
    added = calloc(count, sizeof(*added));
    if (!added)
        return WSA_NOT_ENOUGH_MEMORY;
    for (i = 0; i < count; i++) {
        added[i] = catalog_entry_allocate(provider_id, dll, &infos[i], c->next_id + i);
        if (!added[i]) {
            while (i--)
                catalog_entry_dereference(added[i]);
            free(added);
            return WSA_NOT_ENOUGH_MEMORY;
        }
    }
    c->next_id += count;
    catalog_changed();
    for (i = 0; i < count; i++) {
        struct catalog_entry **link = &c->first;
        e = added[i];
        /* a chain goes before the first entry offering its protocol; the rest append */
        if (e->info.ProtocolChain.ChainLen > 1) {
            while (*link && !((*link)->info.ProtocolChain.ChainLen != LAYERED_PROTOCOL &&
                              same_protocol(&(*link)->info, &e->info)))
                link = &(*link)->next;
        } else {
            while (*link)
                link = &(*link)->next;
        }
        e->next = *link;
        *link = e;
    }
    free(added);
    return 0;
}

int catalog_deinstall(struct catalog *c, const GUID *provider_id)
{
    struct catalog_entry **link = &c->first;
    int removed = 0;

    while (*link) {
        struct catalog_entry *e = *link;
        if (guid_equal(&e->info.ProviderId, provider_id)) {
            if (!removed)
                catalog_changed();
            *link = e->next;
            /* open sockets keep their own reference to the entry */
            catalog_entry_dereference(e);
            removed++;
        } else {
            link = &e->next;
        }
    }
    return removed ? 0 : WSAEINVAL;
}

struct catalog_entry *catalog_find_id(struct catalog *c, DWORD id)
{
    struct catalog_entry *e;
    for (e = c->first; e; e = e->next)
        if (e->info.dwCatalogEntryId == id)
            return e;
    return NULL;
}

/* Entries applications may open: base protocols and chains, never bare layers. */
static BOOL offered_to_applications(const struct catalog_entry *e)
{
    return e->info.ProtocolChain.ChainLen != LAYERED_PROTOCOL;
}

static BOOL protocol_matches(const WSAPROTOCOL_INFOW *info, int protocol)
{
    if (protocol == 0)
        return (info->dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO) != 0;
    return protocol >= info->iProtocol && protocol <= info->iProtocol + info->iProtocolMaxOffset;
}

/* Whether any entry offered to applications has this family / this type. */
static BOOL catalog_offers(struct catalog *c, int af, int type)
{
    struct catalog_entry *e;
    for (e = c->first; e; e = e->next)
        if (offered_to_applications(e) && (af == AF_UNSPEC || e->info.iAddressFamily == af) &&
            (type == 0 || e->info.iSocketType == type))
            return TRUE;
    return FALSE;
}

/*
 * Winsock's choice: the first entry, in catalog order, whose family, type and
 * protocol match.  When none does, the error names what is wrong in the
 * order Windows checks, as applications test for it: no family to choose
 * by (AF_UNSPEC and protocol 0) is WSAEINVAL; a type no entry has at all
 * is WSAESOCKTNOSUPPORT even with a bad family; then the family; then the
 * type within the family; then the protocol.  Raw sockets are not offered:
 * as for an unprivileged program on Windows, that is WSAEACCES.
 */
int catalog_find_for_socket(struct catalog *c, int af, int type, int protocol,
                            struct catalog_entry **out)
{
    struct catalog_entry *e;

    if (af == AF_UNSPEC && protocol == 0)
        return WSAEINVAL;
    for (e = c->first; e; e = e->next) {
        const WSAPROTOCOL_INFOW *info = &e->info;
        if (!offered_to_applications(e))
            continue;
        if ((af != AF_UNSPEC && info->iAddressFamily != af) ||
            (type != 0 && info->iSocketType != type) || !protocol_matches(info, protocol))
            continue;
        catalog_entry_reference(e);
        *out = e;
        return 0;
    }
    /* no provider at all (nothing registered): no family is supported */
    if (!catalog_offers(c, AF_UNSPEC, 0))
        return WSAEAFNOSUPPORT;
    if (type == SOCK_RAW && (af == AF_INET || af == AF_INET6 || af == AF_UNSPEC))
        return WSAEACCES;
    if (type != 0 && !catalog_offers(c, AF_UNSPEC, type))
        return WSAESOCKTNOSUPPORT;
    if (!catalog_offers(c, af, 0))
        return WSAEAFNOSUPPORT;
    if (!catalog_offers(c, af, type))
        return WSAESOCKTNOSUPPORT;
    return WSAEPROTONOSUPPORT;
}

static BOOL in_protocol_list(const INT *protocols, int protocol)
{
    if (!protocols)
        return TRUE;
    for (; *protocols; protocols++)
        if (*protocols == protocol)
            return TRUE;
    return FALSE;
}

int catalog_copy_infos(struct catalog *c, const INT *protocols, WSAPROTOCOL_INFOW *buffer,
                       DWORD *length, BOOL for_applications, int *count)
{
    struct catalog_entry *e;
    DWORD needed = 0;
    int n = 0;

    for (e = c->first; e; e = e->next) {
        if (for_applications && !offered_to_applications(e))
            continue;
        if (in_protocol_list(protocols, e->info.iProtocol))
            needed += sizeof(WSAPROTOCOL_INFOW);
    }
    if (!buffer || *length < needed) {
        *length = needed;
        return WSAENOBUFS;
    }
    for (e = c->first; e; e = e->next) {
        if (for_applications && !offered_to_applications(e))
            continue;
        if (in_protocol_list(protocols, e->info.iProtocol))
            buffer[n++] = e->info;
    }
    *count = n;
    return 0;
}
