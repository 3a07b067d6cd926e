/*
 * nscatalog.h - ws2.dll's namespace-provider catalog: which registrations
 * (nsregistry.h) a query goes to, and each provider DLL started once
 * (NSPStartup) for the life of the process.
 */
#ifndef CEWS2_NSCATALOG_H
#define CEWS2_NSCATALOG_H

#include "ws2_private.h"
#include "nsregistry.h"

struct ns_provider {
    struct ns_provider *next;
    GUID id;
    WCHAR dll[MAX_PATH];
    HMODULE module;
    NSP_ROUTINE routine;
};

/* The registrations a query in space (NS_ALL: any) goes to, restricted to
 * provider when it is not NULL: enabled and well-formed ones only, in the
 * catalog's order.  The registry is read at each call, so that what
 * ws2inst or WSC* changed in another process counts at once.  Returns 0
 * or WSA_NOT_ENOUGH_MEMORY; *count may be 0. */
int ns_catalog_select(DWORD space, const GUID *provider, struct ns_registration **list, size_t *count);

/* The started provider of a registration: loaded and started on first use
 * (a crash or failure in NSPStartup is WSAEPROVIDERFAILEDINIT, with a
 * diagnostic, and the provider is skipped), then kept. */
int ns_provider_get(const struct ns_registration *registration, struct ns_provider **out);

/* nsp_call.c: the provider's calls under the crash guard; 0 or the
 * provider's error (WSAEPROVIDERFAILEDINIT once it has crashed). */
int nsp_begin(struct ns_provider *p, WSAQUERYSETW *query, DWORD flags, HANDLE *handle);
int nsp_next(struct ns_provider *p, HANDLE handle, DWORD flags, DWORD *length, WSAQUERYSETW *results);
void nsp_end(struct ns_provider *p, HANDLE handle);
void nsp_cleanup(struct ns_provider *p);
/* NSPSetService, with no service class information (ws2.dll keeps no
 * class registry); WSAEOPNOTSUPP from a provider that has none. */
int nsp_set_service(struct ns_provider *p, WSAQUERYSETW *query, WSAESETSERVICEOP op, DWORD flags);

#endif
