/*
 * upcall.c - the WPU upcall table ws2.dll gives every provider at WSPStartup.
 *
 * Non-IFS handles (WPUCreateSocketHandle) must be real kernel file objects:
 * applications hand SOCKETs to kernel32 (CreateIoCompletionPort,
 * WaitForSingleObject on overlapped events, DuplicateHandle).  A named pipe
 * instance opened for overlapped I/O is the cheapest such object Wine
 * offers, and nothing is ever read from or written to it.
 */
#include "ws2_private.h"
#include <stdio.h>

struct provider_handle {
    struct provider_handle *next;
    SOCKET handle;
    DWORD catalog_id;
    DWORD_PTR context;
};

static struct provider_handle *provider_handles;
static SRWLOCK handles_lock = SRWLOCK_INIT;
static LONG pipe_counter;

static BOOL catalog_has_id(DWORD id)
{
    struct catalog *c = catalog_being_built ? catalog_being_built : process_catalog();
    BOOL found;
    process_lock();
    found = c && catalog_find_id(c, id) != NULL;
    process_unlock();
    return found;
}

BOOL upcall_is_provider_handle(SOCKET s)
{
    struct provider_handle *h;
    AcquireSRWLockShared(&handles_lock);
    for (h = provider_handles; h && h->handle != s; h = h->next)
        ;
    ReleaseSRWLockShared(&handles_lock);
    return h != NULL;
}

static SOCKET WSPAPI wpu_create_socket_handle(DWORD catalog_id, DWORD_PTR context, LPINT err)
{
    struct provider_handle *h;
    WCHAR name[80];
    HANDLE pipe;

    if (!catalog_has_id(catalog_id)) {
        *err = WSAEINVALIDPROVIDER;
        return INVALID_SOCKET;
    }
    h = calloc(1, sizeof(*h));
    if (!h) {
        *err = WSAENOBUFS;
        return INVALID_SOCKET;
    }
    _snwprintf(name, ARRAYSIZE(name), L"\\\\.\\pipe\\cews2-socket-%lu-%ld",
               GetCurrentProcessId(), InterlockedIncrement(&pipe_counter));
    pipe = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED |
                            FILE_FLAG_FIRST_PIPE_INSTANCE, PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
    if (pipe == INVALID_HANDLE_VALUE) {
        free(h);
        *err = WSAENOBUFS;
        return INVALID_SOCKET;
    }
    h->handle = (SOCKET)pipe;
    h->catalog_id = catalog_id;
    h->context = context;
    AcquireSRWLockExclusive(&handles_lock);
    h->next = provider_handles;
    provider_handles = h;
    ReleaseSRWLockExclusive(&handles_lock);
    return h->handle;
}

static int WSPAPI wpu_close_socket_handle(SOCKET s, LPINT err)
{
    struct provider_handle **link, *found = NULL;

    AcquireSRWLockExclusive(&handles_lock);
    for (link = &provider_handles; *link; link = &(*link)->next)
        if ((*link)->handle == s) {
            found = *link;
            *link = found->next;
            break;
        }
    ReleaseSRWLockExclusive(&handles_lock);
    if (!found) {
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    CloseHandle((HANDLE)found->handle);
    free(found);
    return 0;
}

static int WSPAPI wpu_query_socket_handle_context(SOCKET s, PDWORD_PTR context, LPINT err)
{
    struct provider_handle *h;
    int result = SOCKET_ERROR;

    if (!context) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    AcquireSRWLockShared(&handles_lock);
    for (h = provider_handles; h; h = h->next)
        if (h->handle == s) {
            *context = h->context;
            result = 0;
            break;
        }
    ReleaseSRWLockShared(&handles_lock);
    if (result)
        *err = WSAENOTSOCK;
    return result;
}

/* IFS providers keep their own handle; ws2 only checks who is asking. */
static SOCKET WSPAPI wpu_modify_ifs_handle(DWORD catalog_id, SOCKET proposed, LPINT err)
{
    if (proposed == INVALID_SOCKET || proposed == 0) {
        *err = WSAEINVAL;
        return INVALID_SOCKET;
    }
    if (!catalog_has_id(catalog_id)) {
        *err = WSAEINVALIDPROVIDER;
        return INVALID_SOCKET;
    }
    return proposed;
}

static WSAEVENT WSPAPI wpu_create_event(LPINT err)
{
    HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!e)
        *err = WSA_NOT_ENOUGH_MEMORY;
    return e ? e : WSA_INVALID_EVENT;
}

static BOOL WSPAPI wpu_close_event(WSAEVENT e, LPINT err)
{
    if (CloseHandle(e))
        return TRUE;
    *err = WSA_INVALID_HANDLE;
    return FALSE;
}

static BOOL WSPAPI wpu_set_event(WSAEVENT e, LPINT err)
{
    if (SetEvent(e))
        return TRUE;
    *err = WSA_INVALID_HANDLE;
    return FALSE;
}

static BOOL WSPAPI wpu_reset_event(WSAEVENT e, LPINT err)
{
    if (ResetEvent(e))
        return TRUE;
    *err = WSA_INVALID_HANDLE;
    return FALSE;
}

static int WSPAPI wpu_fd_is_set(SOCKET s, fd_set *set)
{
    return __WSAFDIsSet(s, set);
}

static int WSPAPI wpu_get_provider_path(LPGUID id, WCHAR *path, LPINT len, LPINT err)
{
    return WSCGetProviderPath(id, path, len, err);
}

static BOOL WSPAPI wpu_post_message(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    return PostMessageW(hwnd, msg, wparam, lparam);
}

/*
 * Winsock 2 has no blocking hooks (and CE none at all); the callback still
 * has a job: it tells a provider looping in a blocking call that the
 * process has begun its last WSACleanup, so the call should give up.
 */
static BOOL CALLBACK blocking_callback(DWORD_PTR context)
{
    (void)context;
    return process_started();
}

static int WSPAPI wpu_query_blocking_callback(DWORD catalog_id, LPBLOCKINGCALLBACK *callback,
                                              PDWORD_PTR context, LPINT err)
{
    if (!callback || !context) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!catalog_has_id(catalog_id)) {
        *err = WSAEINVALIDPROVIDER;
        return SOCKET_ERROR;
    }
    *callback = blocking_callback;
    *context = catalog_id;
    return 0;
}

static int WSPAPI wpu_queue_apc(LPWSATHREADID thread, LPWSAUSERAPC routine, DWORD_PTR context,
                                LPINT err)
{
    if (!thread || !routine) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!QueueUserAPC((PAPCFUNC)routine, thread->ThreadHandle, context)) {
        *err = WSA_INVALID_HANDLE;
        return SOCKET_ERROR;
    }
    return 0;
}

/* A real handle the provider can queue APCs to after the call returns. */
static int WSPAPI wpu_open_current_thread(LPWSATHREADID thread, LPINT err)
{
    if (!thread) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                         &thread->ThreadHandle, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
        *err = WSASYSCALLFAILURE;
        return SOCKET_ERROR;
    }
    thread->Reserved = GetCurrentThreadId();
    return 0;
}

static int WSPAPI wpu_close_thread(LPWSATHREADID thread, LPINT err)
{
    if (!thread || !CloseHandle(thread->ThreadHandle)) {
        *err = thread ? WSA_INVALID_HANDLE : WSAEFAULT;
        return SOCKET_ERROR;
    }
    thread->ThreadHandle = NULL;
    return 0;
}

/*
 * The overlapped structure carries the result the way WSPGetOverlappedResult
 * of a non-IFS provider reads it: Internal holds the Winsock error (0 for
 * success), InternalHigh the byte count.  The event is signalled unless the
 * caller set its low bit (kernel32's "no port notification" convention).
 */
int WSPAPI WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED ov, DWORD error,
                                        DWORD bytes, LPINT err)
{
    HANDLE event;
    (void)s;

    if (!ov || !err) {
        if (err)
            *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    ov->Internal = error;
    ov->InternalHigh = bytes;
    ov->Offset = bytes;
    ov->OffsetHigh = error;
    event = (HANDLE)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1);
    if (event && !SetEvent(event)) {
        *err = WSA_INVALID_HANDLE;
        return SOCKET_ERROR;
    }
    return 0;
}

const WSPUPCALLTABLE upcall_table = {
    wpu_close_event,
    wpu_close_socket_handle,
    wpu_create_event,
    wpu_create_socket_handle,
    wpu_fd_is_set,
    wpu_get_provider_path,
    wpu_modify_ifs_handle,
    wpu_post_message,
    wpu_query_blocking_callback,
    wpu_query_socket_handle_context,
    wpu_queue_apc,
    wpu_reset_event,
    wpu_set_event,
    wpu_open_current_thread,
    wpu_close_thread,
};
