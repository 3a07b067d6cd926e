/*
 * nsservice.c - WSASetServiceW (CE 5.0) and WSASetServiceA (a desktop
 * extension): registering, deregistering and deleting a service instance
 * in the namespace providers of the catalog.
 *
 * The registration goes where a lookup with the same query set would go
 * (ns_catalog_select: lpqsRegInfo->dwNameSpace, NS_ALL for every
 * namespace, lpNSProviderId for that provider only), to each provider's
 * NSPSetService in the catalog's order.  As WSALookupServiceBeginW does,
 * the call succeeds when at least one provider took it, else fails with
 * the first provider's error; no provider selected is WSASERVICE_NOT_FOUND
 * (CE 5.0's page for NS_BTH: "SDP is not running").  ws2.dll keeps no
 * service class registry, so providers get no WSASERVICECLASSINFOW (NULL).
 */
#include "nslookup.h"

static BOOL operation_known(WSAESETSERVICEOP op)
{
    return op == RNRSERVICE_REGISTER || op == RNRSERVICE_DEREGISTER || op == RNRSERVICE_DELETE;
}

int impl_WSASetServiceW(LPWSAQUERYSETW info, WSAESETSERVICEOP op, DWORD flags)
{
    struct ns_registration *selected = NULL;
    size_t count = 0;
    DWORD space = 0;
    int err, first_error = 0, taken = 0;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!info)
        return api_fail(WSAEFAULT);
    /* the query set first: what is asked of whom */
    err = ns_query_check(info, &space);
    if (err)
        return api_fail(err);
    /* then the operation and its one documented flag */
    if (!operation_known(op) || (flags & ~(DWORD)SERVICE_MULTIPLE))
        return api_fail(WSAEINVAL);
    err = ns_catalog_select(space, info->lpNSProviderId, &selected, &count);
    if (err)
        return api_fail(err);
    /* each selected provider in order; one that fails does not stop the rest */
    for (size_t i = 0; i < count; i++) {
        struct ns_provider *p;
        err = ns_provider_get(&selected[i], &p);
        if (!err)
            err = nsp_set_service(p, info, op, flags);
        if (!err)
            taken++;
        else if (!first_error)
            first_error = err;
    }
    nsreg_free(selected);
    if (!taken)
        return api_fail(first_error ? first_error : WSASERVICE_NOT_FOUND);
    WSASetLastError(0);
    return 0;
}

int impl_WSASetServiceA(LPWSAQUERYSETA info, WSAESETSERVICEOP op, DWORD flags)
{
    WSAQUERYSETW wide;
    int err;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!info)
        return api_fail(WSAEFAULT);
    /* the strings widened; the rest of the set is the caller's */
    err = queryset_widen(info, &wide);
    if (err)
        return api_fail(err);
    return queryset_widened_done(&wide, impl_WSASetServiceW(&wide, op, flags));
}
