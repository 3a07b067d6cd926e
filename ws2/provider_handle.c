/*
 * provider_handle.c - the socket handles of non-IFS providers.
 *
 * They must be real kernel file objects: applications hand SOCKETs to
 * kernel32 (CreateIoCompletionPort, WaitForSingleObject on overlapped
 * events, DuplicateHandle).  Each one is the server end of a private
 * message-mode named pipe, opened for overlapped I/O, whose client end
 * ws2.dll opens and keeps itself.  The pipe carries no data of the
 * application's: it is the handle's own I/O path (upcall.c completes a
 * provider's overlapped requests through it).
 *
 * Lifecycle as everywhere: allocate and initialise (create), reference per
 * lookup, dereference, delete on the last reference (the pipe's two ends
 * closed then).  While a record is in the table its pipe is open, so its
 * value names no other handle: the table never holds a stale record here.
 */
#include "provider_handle.h"
#include <stdio.h>
#include <stdlib.h>

static struct handle_table handles = HANDLE_TABLE_INIT;
static LONG pipe_counter;

static struct provider_handle *record_of(struct handle_entry *e)
{
    return e ? HANDLE_ENTRY_RECORD(e, struct provider_handle, link) : NULL;
}

static void provider_handle_delete(struct provider_handle *h)
{
    if (h->client)
        CloseHandle(h->client);
    if (h->link.handle)
        CloseHandle((HANDLE)h->link.handle);
    DeleteCriticalSection(&h->io);
    free(h);
}

void provider_handle_dereference(struct provider_handle *h)
{
    /* dereference; delete on the last one */
    if (handle_entry_dereference(&h->link))
        provider_handle_delete(h);
}

struct provider_handle *provider_handle_reference(SOCKET s)
{
    return record_of(handle_table_lookup(&handles, (ULONG_PTR)s));
}

SOCKET provider_handle_create(DWORD catalog_id, DWORD_PTR context, LPINT err)
{
    struct provider_handle *h;
    struct handle_entry *stale;
    LARGE_INTEGER now;
    WCHAR name[96];
    HANDLE pipe, client;

    /* allocate */
    h = calloc(1, sizeof(*h));
    if (!h) {
        *err = WSAENOBUFS;
        return INVALID_SOCKET;
    }
    /* the pipe: one instance only, and ws2.dll opens the client end at once:
     * if anybody else got there first, CreateFileW fails and so does this */
    QueryPerformanceCounter(&now);
    _snwprintf(name, ARRAYSIZE(name), L"\\\\.\\pipe\\cews2-socket-%lu-%ld-%lx",
               GetCurrentProcessId(), InterlockedIncrement(&pipe_counter),
               (unsigned long)now.LowPart);
    name[ARRAYSIZE(name) - 1] = 0;
    pipe = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED |
                            FILE_FLAG_FIRST_PIPE_INSTANCE,
                            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_REJECT_REMOTE_CLIENTS,
                            1, 65536, 65536, 0, NULL);
    if (pipe == INVALID_HANDLE_VALUE) {
        free(h);
        *err = WSAENOBUFS;
        return INVALID_SOCKET;
    }
    client = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         FILE_FLAG_OVERLAPPED, NULL);
    if (client == INVALID_HANDLE_VALUE) {
        CloseHandle(pipe);
        free(h);
        *err = WSAENOBUFS;
        return INVALID_SOCKET;
    }
    /* initialise: the one reference is the table's */
    handle_entry_initialise(&h->link, (ULONG_PTR)pipe);
    InitializeCriticalSection(&h->io);
    h->client = client;
    h->catalog_id = catalog_id;
    h->context = context;
    /* insert; an open pipe's value cannot be in the table already, but a
     * record there would be one nobody can reach any more */
    stale = handle_table_insert(&handles, &h->link);
    if (stale)
        provider_handle_dereference(record_of(stale));
    return (SOCKET)pipe;
}

BOOL provider_handle_close(SOCKET s)
{
    struct provider_handle *h = record_of(handle_table_take(&handles, (ULONG_PTR)s));

    if (!h)
        return FALSE;
    /* let a completion in progress on another thread finish on the open pipe */
    EnterCriticalSection(&h->io);
    LeaveCriticalSection(&h->io);
    provider_handle_dereference(h);
    return TRUE;
}
