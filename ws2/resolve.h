/*
 * resolve.h - getaddrinfo's question put to the namespace catalog, and its
 * answer as a plain list that addrinfo.c and addrinfo_ex.c turn into
 * addrinfo, ADDRINFOW and ADDRINFOEXW lists.
 */
#ifndef CEWS2_RESOLVE_H
#define CEWS2_RESOLVE_H

#include "nslookup.h"

struct resolved_entry {
    int flags, family, socktype, protocol;
    int length;
    SOCKADDR_STORAGE address;
};

struct resolved {
    struct resolved_entry *entries;     /* heap */
    size_t count, capacity;
    WCHAR *canonical;                   /* heap or NULL */
    /* what was asked, for answers that need the hints applied */
    const struct cews2_addrinfo_query *query;
    int error;                          /* set while collecting */
};

/* Asks the NS_DNS providers (space and provider: GetAddrInfoExW's; NS_DNS
 * and NULL otherwise) for node and service with these hints (NULL: none).
 * Returns 0 with *out filled (free with resolved_free), or the error that
 * getaddrinfo returns. */
int resolve_addresses(const WCHAR *node, const WCHAR *service, const ADDRINFOW *hints, DWORD space,
                      const GUID *provider, struct resolved *out);
void resolved_free(struct resolved *r);

/* The lists (addrinfo.c): one heap block per node (its address and, on the
 * first, the canonical name in it), so freeing walks ai_next.  One builder
 * for the three types, told which by its form.  NULL without memory. */
enum list_form { LIST_ADDRINFO, LIST_ADDRINFOW, LIST_ADDRINFOEXW };
void *resolved_to_list(const struct resolved *r, enum list_form form);
void addrinfo_list_free(void *list, enum list_form form);
/* resolve_addresses, then the list of that form: 0 with *list set, the
 * look-up's error, or WSA_NOT_ENOUGH_MEMORY (*list NULL on error). */
int resolve_to_list(const WCHAR *node, const WCHAR *service, const ADDRINFOW *hints, DWORD space,
                    const GUID *provider, enum list_form form, void **list);

#endif
