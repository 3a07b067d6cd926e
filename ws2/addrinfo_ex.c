/*
 * addrinfo_ex.c - GetAddrInfoExW, GetAddrInfoExOverlappedResult,
 * GetAddrInfoExCancel, FreeAddrInfoExW (desktop extensions, Windows 8), on
 * the namespace catalog as getaddrinfo is (resolve.c), with the caller's
 * name space and provider id as the query's.
 *
 * The overlapped form runs the same look-up on a worker thread.  Exactly
 * one completion per call: the look-up's end, GetAddrInfoExCancel
 * (WSA_E_CANCELLED) or the caller's timeout (WSAETIMEDOUT), whichever
 * comes first, writes the status to the OVERLAPPED (Internal,
 * which GetAddrInfoExOverlappedResult reads), and then sets the caller's
 * event or queues its completion routine to the calling thread (run at
 * its next alertable wait).  A cancelled look-up's late result is freed.
 * The cancel handle is the address of the record, accepted only while the
 * look-up is pending.
 */
#include "resolve.h"

struct async_lookup {
    struct async_lookup *next;
    LONG references;        /* the worker's, the pending completion's, the timer's */
    LONG completed;
    WCHAR *name, *service;
    ADDRINFOW hints;
    BOOL has_hints;
    DWORD space;
    GUID provider;
    BOOL has_provider;
    PADDRINFOEXW *result;
    LPOVERLAPPED overlapped;
    addrinfo_ex_routine routine;
    HANDLE thread;          /* the caller's, for the routine */
    HANDLE timer;           /* the caller's timeout, or NULL */
};

static SRWLOCK pending_lock = SRWLOCK_INIT;
static struct async_lookup *pending;

static WCHAR *copy_text(const WCHAR *s, int *err)
{
    size_t bytes;
    WCHAR *copy;
    if (!s || *err)
        return NULL;
    if (!api_readable(s, sizeof(WCHAR))) { *err = WSAEFAULT; return NULL; }
    bytes = (wcslen(s) + 1) * sizeof(WCHAR);
    copy = HeapAlloc(GetProcessHeap(), 0, bytes);
    if (!copy) { *err = WSA_NOT_ENOUGH_MEMORY; return NULL; }
    memcpy(copy, s, bytes);
    return copy;
}

static void release(struct async_lookup *op)
{
    if (InterlockedDecrement(&op->references))
        return;
    HeapFree(GetProcessHeap(), 0, op->name);
    HeapFree(GetProcessHeap(), 0, op->service);
    if (op->thread)
        CloseHandle(op->thread);
    /* the non-waiting form: this may run inside the timer's own callback;
     * the worker's reference, taken before the timer existed and dropped
     * after, makes op->timer set by now */
    if (op->timer)
        DeleteTimerQueueTimer(NULL, op->timer, NULL);
    HeapFree(GetProcessHeap(), 0, op);
}

struct routine_call {
    addrinfo_ex_routine routine;
    DWORD error;
    LPOVERLAPPED overlapped;
};

static void CALLBACK run_routine(ULONG_PTR arg)
{
    struct routine_call *call = (struct routine_call *)arg;
    call->routine(call->error, 0, call->overlapped);
    HeapFree(GetProcessHeap(), 0, call);
}

/* The one completion; FALSE when the other side already completed. */
static BOOL complete(struct async_lookup *op, int error, ADDRINFOEXW *list)
{
    if (InterlockedCompareExchange(&op->completed, 1, 0) != 0)
        return FALSE;
    AcquireSRWLockExclusive(&pending_lock);
    for (struct async_lookup **at = &pending; *at; at = &(*at)->next)
        if (*at == op) { *at = op->next; break; }
    ReleaseSRWLockExclusive(&pending_lock);
    *op->result = list;
    op->overlapped->Internal = (ULONG_PTR)error;
    if (op->routine) {
        struct routine_call *call = HeapAlloc(GetProcessHeap(), 0, sizeof(*call));
        if (call) {
            call->routine = op->routine;
            call->error = (DWORD)error;
            call->overlapped = op->overlapped;
            if (!QueueUserAPC(run_routine, op->thread, (ULONG_PTR)call))
                HeapFree(GetProcessHeap(), 0, call);
        }
    } else if (op->overlapped->hEvent) {
        SetEvent(op->overlapped->hEvent);
    }
    release(op);
    return TRUE;
}

static int look_up(const WCHAR *name, const WCHAR *service, const ADDRINFOW *hints, DWORD space,
                   const GUID *provider, ADDRINFOEXW **list)
{
    void *built;
    int err = resolve_to_list(name, service, hints, space, provider, LIST_ADDRINFOEXW, &built);
    *list = built;
    return err;
}

static DWORD WINAPI worker(void *arg)
{
    struct async_lookup *op = arg;
    ADDRINFOEXW *list;
    int err = look_up(op->name, op->service, op->has_hints ? &op->hints : NULL, op->space,
                      op->has_provider ? &op->provider : NULL, &list);
    if (!complete(op, err, list))
        impl_FreeAddrInfoExW(list);
    release(op);
    return 0;
}

/* The caller's timeout ran out before the look-up ended. */
static void CALLBACK timed_out(void *arg, BOOLEAN fired)
{
    struct async_lookup *op = arg;
    (void)fired;
    complete(op, WSAETIMEDOUT, NULL);
    release(op);
}

static DWORD timeout_ms(const struct timeval *t)
{
    ULONGLONG ms = (ULONGLONG)t->tv_sec * 1000 + (ULONGLONG)t->tv_usec / 1000;
    return ms > 0x7fffffff ? 0x7fffffff : (DWORD)ms;
}

int impl_GetAddrInfoExW(PCWSTR name, PCWSTR service, DWORD space, LPGUID provider,
                        const ADDRINFOEXW *hints, PADDRINFOEXW *result, struct timeval *timeout,
                        LPOVERLAPPED overlapped, addrinfo_ex_routine routine, LPHANDLE handle)
{
    struct async_lookup *op;
    ADDRINFOW plain;
    int err = 0;

    if (!process_started())
        err = WSANOTINITIALISED;
    else if (!api_writable(result, sizeof(*result)))
        err = WSAEFAULT;
    else if (overlapped && !api_writable(overlapped, sizeof(*overlapped)))
        err = WSAEFAULT;
    else if ((hints && !api_readable(hints, sizeof(*hints))) || (provider && !api_readable(provider, sizeof(*provider)))
             || (handle && !api_writable(handle, sizeof(*handle))))
        err = WSAEFAULT;
    else if (timeout && !api_readable(timeout, sizeof(*timeout)))
        err = WSAEFAULT;
    else if (routine && (!overlapped || overlapped->hEvent))
        err = WSAEINVAL;    /* a routine needs an OVERLAPPED and excludes its event */
    if (err) {
        WSASetLastError(err);
        return err;
    }
    memset(&plain, 0, sizeof(plain));
    if (hints) {
        plain.ai_flags = hints->ai_flags;
        plain.ai_family = hints->ai_family;
        plain.ai_socktype = hints->ai_socktype;
        plain.ai_protocol = hints->ai_protocol;
    }
    *result = NULL;
    if (!overlapped) {
        err = look_up(name, service, hints ? &plain : NULL, space, provider, result);
        WSASetLastError(err);
        return err;
    }
    op = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*op));
    if (!op) {
        WSASetLastError(WSA_NOT_ENOUGH_MEMORY);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    op->references = 2;
    op->name = copy_text(name, &err);
    op->service = copy_text(service, &err);
    op->hints = plain;
    op->has_hints = hints != NULL;
    op->space = space;
    if (provider) {
        op->provider = *provider;
        op->has_provider = TRUE;
    }
    op->result = result;
    op->overlapped = overlapped;
    op->routine = routine;
    if (!err && routine && !DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                                            &op->thread, 0, FALSE, DUPLICATE_SAME_ACCESS))
        err = WSA_NOT_ENOUGH_MEMORY;
    if (err) {
        op->references = 1;
        release(op);
        WSASetLastError(err);
        return err;
    }
    overlapped->Internal = WSAEINPROGRESS;
    AcquireSRWLockExclusive(&pending_lock);
    op->next = pending;
    pending = op;
    ReleaseSRWLockExclusive(&pending_lock);
    if (handle)
        *handle = (HANDLE)op;
    /* the timer's own reference, dropped when it fires */
    InterlockedIncrement(&op->references);
    if (!timeout || !CreateTimerQueueTimer(&op->timer, NULL, timed_out, op, timeout_ms(timeout), 0,
                                           WT_EXECUTEONLYONCE))
        release(op);
    if (!QueueUserWorkItem(worker, op, WT_EXECUTELONGFUNCTION)) {
        complete(op, WSA_NOT_ENOUGH_MEMORY, NULL);
        release(op);
    }
    WSASetLastError(WSA_IO_PENDING);
    return WSA_IO_PENDING;
}

int impl_GetAddrInfoExOverlappedResult(LPOVERLAPPED overlapped)
{
    if (!process_started())
        return WSANOTINITIALISED;
    /* as Windows documents: no OVERLAPPED is WSAEINVAL */
    if (!overlapped)
        return WSAEINVAL;
    if (!api_readable(overlapped, sizeof(*overlapped)))
        return WSAEFAULT;
    return (int)overlapped->Internal;
}

int impl_GetAddrInfoExCancel(LPHANDLE handle)
{
    struct async_lookup *found = NULL;

    if (!process_started())
        return WSANOTINITIALISED;
    /* no handle to cancel by is WSA_INVALID_HANDLE, as Windows documents */
    if (!handle || !api_readable(handle, sizeof(*handle)))
        return WSA_INVALID_HANDLE;
    AcquireSRWLockExclusive(&pending_lock);
    for (struct async_lookup *op = pending; op; op = op->next)
        if ((HANDLE)op == *handle) {
            found = op;
            InterlockedIncrement(&found->references);
            break;
        }
    ReleaseSRWLockExclusive(&pending_lock);
    if (!found)
        return WSA_INVALID_HANDLE;
    complete(found, WSA_E_CANCELLED, NULL);
    release(found);
    return 0;
}

void impl_FreeAddrInfoExW(PADDRINFOEXW list)
{
    addrinfo_list_free(list, LIST_ADDRINFOEXW);
}
