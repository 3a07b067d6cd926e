/*
 * nslookup.c - WSALookupServiceBeginW/NextW/End on the namespace catalog,
 * and ns_resolve for ws2.dll's own resolution.
 *
 * As CE 5.0's ws2 does: Begin starts the query in every provider it
 * selects and succeeds when at least one accepted it (none selected is
 * WSASERVICE_NOT_FOUND); Next asks them in order, moving on when one says
 * WSA_E_NO_MORE; End ends each.  A lookup handle is the address of its
 * record, accepted only while the record is in the list of open lookups,
 * so a stale or made-up handle is WSA_INVALID_HANDLE, never a crash.
 */
#include "nslookup.h"

#define LOOKUP_MAGIC 0x4b4f4f4cu   /* "LOOK" */

struct lookup_member {
    struct ns_provider *provider;
    HANDLE handle;
    BOOL done;                  /* said WSA_E_NO_MORE or failed */
};

struct lookup {
    struct lookup *next;
    DWORD magic;
    LONG references;
    size_t count;
    struct lookup_member members[];
};

static SRWLOCK lookups_lock = SRWLOCK_INIT;
static struct lookup *lookups;

static struct lookup *lookup_take(HANDLE handle, BOOL unlink)
{
    struct lookup *found = NULL;
    AcquireSRWLockExclusive(&lookups_lock);
    for (struct lookup **at = &lookups; *at; at = &(*at)->next) {
        if ((HANDLE)*at == handle) {
            found = *at;
            found->references++;
            if (unlink)
                *at = found->next;
            break;
        }
    }
    ReleaseSRWLockExclusive(&lookups_lock);
    return found;
}

static void lookup_release(struct lookup *l)
{
    if (InterlockedDecrement(&l->references) == 0) {
        for (size_t i = 0; i < l->count; i++)
            nsp_end(l->members[i].provider, l->members[i].handle);
        l->magic = 0;
        HeapFree(GetProcessHeap(), 0, l);
    }
}

int ns_query_check(const WSAQUERYSETW *query, DWORD *space)
{
    if (!api_readable(query, sizeof(DWORD)))
        return WSAEFAULT;
    if (query->dwSize != sizeof(*query))
        return WSAEINVAL;
    if (!api_readable(query, sizeof(*query)))
        return WSAEFAULT;
    *space = query->dwNameSpace;
    return 0;
}

int impl_WSALookupServiceBeginW(LPWSAQUERYSETW query, DWORD flags, LPHANDLE handle)
{
    struct ns_registration *selected = NULL;
    struct lookup *l;
    size_t count = 0;
    DWORD space = 0;
    int err, first_error = 0;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!query || !handle || !api_writable(handle, sizeof(*handle)))
        return api_fail(WSAEFAULT);
    err = ns_query_check(query, &space);
    if (err)
        return api_fail(err);
    err = ns_catalog_select(space, query->lpNSProviderId, &selected, &count);
    if (err)
        return api_fail(err);
    if (count == 0) {
        nsreg_free(selected);
        return api_fail(WSASERVICE_NOT_FOUND);
    }
    l = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*l) + count * sizeof(l->members[0]));
    if (!l) {
        nsreg_free(selected);
        return api_fail(WSA_NOT_ENOUGH_MEMORY);
    }
    for (size_t i = 0; i < count; i++) {
        struct ns_provider *p;
        HANDLE h = NULL;
        err = ns_provider_get(&selected[i], &p);
        if (!err)
            err = nsp_begin(p, query, flags, &h);
        if (err) {
            if (!first_error)
                first_error = err;
            continue;
        }
        l->members[l->count].provider = p;
        l->members[l->count].handle = h;
        l->count++;
    }
    nsreg_free(selected);
    if (l->count == 0) {
        HeapFree(GetProcessHeap(), 0, l);
        return api_fail(first_error ? first_error : WSASERVICE_NOT_FOUND);
    }
    l->magic = LOOKUP_MAGIC;
    l->references = 1;
    AcquireSRWLockExclusive(&lookups_lock);
    l->next = lookups;
    lookups = l;
    ReleaseSRWLockExclusive(&lookups_lock);
    *handle = (HANDLE)l;
    WSASetLastError(0);
    return 0;
}

int impl_WSALookupServiceNextW(HANDLE handle, DWORD flags, LPDWORD length, LPWSAQUERYSETW results)
{
    struct lookup *l;
    int err = WSA_E_NO_MORE;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    if (!length || !api_writable(length, sizeof(*length)))
        return api_fail(WSAEFAULT);
    if (*length && !api_writable(results, *length))
        return api_fail(WSAEFAULT);
    l = lookup_take(handle, FALSE);
    if (!l)
        return api_fail(WSA_INVALID_HANDLE);
    for (size_t i = 0; i < l->count; i++) {
        struct lookup_member *m = &l->members[i];
        if (m->done)
            continue;
        err = nsp_next(m->provider, m->handle, flags, length, results);
        if (!err)
            break;
        if (err == WSAEFAULT)       /* the caller's buffer: *length says what it needs */
            break;
        m->done = TRUE;
        err = WSA_E_NO_MORE;
    }
    lookup_release(l);
    if (err)
        return api_fail(err);
    WSASetLastError(0);
    return 0;
}

int impl_WSALookupServiceEnd(HANDLE handle)
{
    struct lookup *l;

    if (!process_started())
        return api_fail(WSANOTINITIALISED);
    l = lookup_take(handle, TRUE);
    if (!l)
        return api_fail(WSA_INVALID_HANDLE);
    lookup_release(l);   /* the reference lookup_take added */
    lookup_release(l);   /* the list's: ends it, unless a Next is still inside */
    WSASetLastError(0);
    return 0;
}

/* ---- ns_resolve ------------------------------------------------------------ */

/* Every result set of one provider's lookup, each handed to answer.
 * Returns answer's error (or WSA_NOT_ENOUGH_MEMORY); a failing Next of
 * the provider's ends its sets, its error in *failed. */
static int drain(struct ns_provider *p, HANDLE h, ns_answer_fn answer, void *context, int *sets,
                 int *failed)
{
    DWORD size = 4096;
    WSAQUERYSETW *buffer = HeapAlloc(GetProcessHeap(), 0, size);
    int err = 0;

    while (buffer) {
        DWORD length = size;
        err = nsp_next(p, h, 0, &length, buffer);
        if (err) {
            if (err == WSAEFAULT && length > size) {
                HeapFree(GetProcessHeap(), 0, buffer);
                size = length;
                buffer = HeapAlloc(GetProcessHeap(), 0, size);
                err = 0;
                continue;
            }
            if (err != WSA_E_NO_MORE && err != WSAENOMORE)
                *failed = err;
            err = 0;
            break;
        }
        (*sets)++;
        err = answer(context, buffer);
        if (err)
            break;
    }
    if (!buffer)
        err = WSA_NOT_ENOUGH_MEMORY;
    HeapFree(GetProcessHeap(), 0, buffer);
    return err;
}

int ns_resolve(WSAQUERYSETW *query, DWORD flags, ns_answer_fn answer, void *context)
{
    struct ns_registration *selected = NULL;
    size_t count = 0;
    int err, first_error = 0, sets = 0, accepted = 0, answer_error = 0;

    err = ns_catalog_select(query->dwNameSpace, query->lpNSProviderId, &selected, &count);
    if (err)
        return err;
    for (size_t i = 0; i < count && sets == 0; i++) {
        struct ns_provider *p;
        HANDLE h = NULL;
        err = ns_provider_get(&selected[i], &p);
        if (!err)
            err = nsp_begin(p, query, flags, &h);
        if (err) {
            if (!first_error)
                first_error = err;
            continue;
        }
        accepted++;
        int failed = 0;
        answer_error = drain(p, h, answer, context, &sets, &failed);
        nsp_end(p, h);
        if (failed && !sets && !first_error)
            first_error = failed;
        if (answer_error)
            break;
    }
    nsreg_free(selected);
    if (answer_error)
        return answer_error;        /* the answer could not be kept (memory) */
    if (sets)
        return 0;
    if (first_error)
        return first_error;
    return accepted ? WSAHOST_NOT_FOUND : WSANO_RECOVERY;
}
