/*
 * nslookup.h - queries on the namespace catalog: the lookup handles of
 * WSALookupServiceBegin/Next/End, and ns_resolve, which ws2.dll's own name
 * resolution (gethostbyname, getaddrinfo, ...) is built on.
 */
#ifndef CEWS2_NSLOOKUP_H
#define CEWS2_NSLOOKUP_H

#include "nscatalog.h"

/* Called with each result set one provider returns; nonzero stops with
 * that error. */
typedef int (*ns_answer_fn)(void *context, const WSAQUERYSETW *answer);

/*
 * Asks the providers of query->dwNameSpace (query->lpNSProviderId: only
 * that one) one after the other, in the catalog's order, until one returns
 * at least one result set; each of its sets goes to answer.  Returns 0
 * when a provider answered, else the first provider's error (its Begin
 * failing, e.g. WSAHOST_NOT_FOUND), WSAHOST_NOT_FOUND when every provider
 * accepted the query but returned nothing, WSANO_RECOVERY when no provider
 * serves the namespace (none installed, or all disabled), or answer's error.
 */
int ns_resolve(WSAQUERYSETW *query, DWORD flags, ns_answer_fn answer, void *context);

/* A caller's query set: readable (else WSAEFAULT), dwSize its size (else
 * WSAEINVAL); *space its namespace. */
int ns_query_check(const WSAQUERYSETW *query, DWORD *space);

int impl_WSALookupServiceBeginW(LPWSAQUERYSETW query, DWORD flags, LPHANDLE lookup);
int impl_WSALookupServiceNextW(HANDLE lookup, DWORD flags, LPDWORD length, LPWSAQUERYSETW results);
int impl_WSALookupServiceEnd(HANDLE lookup);
int impl_WSALookupServiceBeginA(LPWSAQUERYSETA query, DWORD flags, LPHANDLE lookup);
int impl_WSALookupServiceNextA(HANDLE lookup, DWORD flags, LPDWORD length, LPWSAQUERYSETA results);

/* nsservice.c */
int impl_WSASetServiceW(LPWSAQUERYSETW info, WSAESETSERVICEOP op, DWORD flags);
int impl_WSASetServiceA(LPWSAQUERYSETA info, WSAESETSERVICEOP op, DWORD flags);

/* api_namespace.c */
int impl_WSAEnumNameSpaceProvidersW(LPDWORD length, LPWSANAMESPACE_INFOW buffer);
int impl_WSAEnumNameSpaceProvidersA(LPDWORD length, LPWSANAMESPACE_INFOA buffer);
int impl_WSCInstallNameSpace(LPWSTR identifier, LPWSTR path, DWORD space, DWORD version, LPGUID id);
int impl_WSCUnInstallNameSpace(LPGUID id);
int impl_WSCEnableNSProvider(LPGUID id, BOOL enable);

/* nslookup_ansi.c: a packed WSAQUERYSETW rewritten as WSAQUERYSETA in
 * buffer (*length bytes); WSAEFAULT with *length = what it needs. */
int queryset_narrow(const WSAQUERYSETW *wide, WSAQUERYSETA *buffer, DWORD *length);
/* A caller's WSAQUERYSETA as a WSAQUERYSETW whose strings are allocated;
 * 0, WSAEFAULT, WSAEINVAL or WSA_NOT_ENOUGH_MEMORY.  The A form then calls
 * its W form with it and returns queryset_widened_done(&wide, result),
 * which frees the strings and keeps the W form's result and error. */
int queryset_widen(const WSAQUERYSETA *narrow, WSAQUERYSETW *wide);
int queryset_widened_done(WSAQUERYSETW *wide, int result);

#endif
