/*
 * nslookup_ansi.c - WSALookupServiceBeginA and WSALookupServiceNextA
 * (desktop extensions; CE 5.0 has only the W forms): the W forms with the
 * query set's strings converted in the ANSI code page, the restriction on
 * the way in, the packed result on the way out.
 */
#include "nslookup.h"
#include "../provider/common/queryset_pack.h"

static void queryset_widened_free(WSAQUERYSETW *w)
{
    HeapFree(GetProcessHeap(), 0, w->lpszServiceInstanceName);
    HeapFree(GetProcessHeap(), 0, w->lpszComment);
    HeapFree(GetProcessHeap(), 0, w->lpszContext);
    HeapFree(GetProcessHeap(), 0, w->lpszQueryString);
    memset(w, 0, sizeof(*w));
}

int queryset_widen(const WSAQUERYSETA *a, WSAQUERYSETW *w)
{
    int err = 0;

    memset(w, 0, sizeof(*w));
    if (!api_readable(a, sizeof(DWORD)))
        return WSAEFAULT;
    if (a->dwSize != sizeof(*a))
        return WSAEINVAL;
    if (!api_readable(a, sizeof(*a)))
        return WSAEFAULT;
    /* the same layout: every field but the strings carries over */
    memcpy(w, a, sizeof(*w));
    w->dwSize = sizeof(*w);
    w->lpszServiceInstanceName = api_widen(a->lpszServiceInstanceName, WSAEINVAL, &err);
    w->lpszComment = api_widen(a->lpszComment, WSAEINVAL, &err);
    w->lpszContext = api_widen(a->lpszContext, WSAEINVAL, &err);
    w->lpszQueryString = api_widen(a->lpszQueryString, WSAEINVAL, &err);
    if (err)
        queryset_widened_free(w);
    return err;
}

/* The free reads the W form's error first: HeapFree may set another. */
int queryset_widened_done(WSAQUERYSETW *w, int result)
{
    int err = result ? (int)GetLastError() : 0;

    queryset_widened_free(w);
    WSASetLastError(err);
    return result;
}

int queryset_narrow(const WSAQUERYSETW *w, WSAQUERYSETA *buffer, DWORD *length)
{
    struct queryset_content c = {
        .name = w->lpszServiceInstanceName, .class_id = w->lpServiceClassId,
        .name_space = w->dwNameSpace, .provider_id = w->lpNSProviderId,
        .comment = w->lpszComment, .addrs = w->lpcsaBuffer, .addr_count = w->dwNumberOfCsAddrs,
        .blob = w->lpBlob ? w->lpBlob->pBlobData : NULL,
        .blob_size = w->lpBlob ? w->lpBlob->cbSize : 0, .output_flags = w->dwOutputFlags,
    };
    return queryset_pack(&c, TRUE, buffer, length);
}

int impl_WSALookupServiceBeginA(LPWSAQUERYSETA query, DWORD flags, LPHANDLE handle)
{
    WSAQUERYSETW wide;
    int err;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!query || !handle)
        return api_fail(WSAEFAULT);
    err = queryset_widen(query, &wide);
    if (err)
        return api_fail(err);
    return queryset_widened_done(&wide, impl_WSALookupServiceBeginW(&wide, flags, handle));
}

/* The W result fetched with the caller's size into a buffer of our own,
 * then narrowed into the caller's.  The A form never needs more bytes than
 * the W form, so a W result that does not fit is reported (WSAEFAULT, the
 * W size) while the provider keeps it for the next call, and one that fits
 * is never lost. */
int impl_WSALookupServiceNextA(HANDLE handle, DWORD flags, LPDWORD length, LPWSAQUERYSETA results)
{
    DWORD wide_length;
    WSAQUERYSETW *wide;
    int err;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!length || !api_writable(length, sizeof(*length)))
        return api_fail(WSAEFAULT);
    if (*length && !api_writable(results, *length))
        return api_fail(WSAEFAULT);
    wide_length = *length;
    wide = HeapAlloc(GetProcessHeap(), 0, wide_length ? wide_length : 1);
    if (!wide)
        return api_fail(WSA_NOT_ENOUGH_MEMORY);
    if (impl_WSALookupServiceNextW(handle, flags, &wide_length, wide) != 0) {
        err = (int)GetLastError();
        if (err == WSAEFAULT)
            *length = wide_length;
        HeapFree(GetProcessHeap(), 0, wide);
        return api_fail(err);
    }
    err = queryset_narrow(wide, results, length);
    HeapFree(GetProcessHeap(), 0, wide);
    if (err)
        return api_fail(err);
    WSASetLastError(0);
    return 0;
}
