/*
 * upcall.c - the WPU upcall table ws2.dll gives every provider at WSPStartup.
 *
 * Non-IFS handles (WPUCreateSocketHandle) are pipes ws2.dll makes and
 * keeps (provider_handle.c).  WPUCompleteOverlappedRequest completes a
 * provider's overlapped request through the handle's pipe, so that the I/O
 * manager delivers it (event, and a packet on any completion port the
 * application associated with the handle) exactly as for a socket of an
 * IFS provider.
 */
#include "ws2_private.h"
#include "provider_handle.h"
#include <winternl.h>
#include <stdio.h>

#ifndef STATUS_PENDING
#define STATUS_PENDING ((NTSTATUS)0x00000103L)
#endif
#define ST_SUCCESS          ((NTSTATUS)0x00000000L)
#define ST_BUFFER_OVERFLOW  ((NTSTATUS)0x80000005L)  /* ERROR_MORE_DATA (234) */
#define ST_CANCELLED        ((NTSTATUS)0xC0000120L)  /* ERROR_OPERATION_ABORTED (995) */


/*
 * An upcall never builds a catalog: a provider's own thread may make a
 * socket (and so call WPUModifyIFSHandle) while the last WSACleanup is
 * tearing the catalog down, and building a new one there would load
 * providers under the loader lock that the cleanup holds.  No catalog
 * means no such entry.
 */
static BOOL catalog_has_id(DWORD id)
{
    struct catalog *c, *being_built = process_catalog_being_built();
    BOOL found;
    process_lock();
    c = being_built ? being_built : process_catalog_if_built();
    found = c && catalog_find_id(c, id) != NULL;
    process_unlock();
    return found;
}

static SOCKET WSPAPI wpu_create_socket_handle(DWORD catalog_id, DWORD_PTR context, LPINT err)
{
    if (!catalog_has_id(catalog_id)) {
        *err = WSAEINVALIDPROVIDER;
        return INVALID_SOCKET;
    }
    return provider_handle_create(catalog_id, context, err);
}

static int WSPAPI wpu_close_socket_handle(SOCKET s, LPINT err)
{
    if (!provider_handle_close(s)) {
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    return 0;
}

static int WSPAPI wpu_query_socket_handle_context(SOCKET s, PDWORD_PTR context, LPINT err)
{
    struct provider_handle *h;

    if (!context) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    h = provider_handle_reference(s);
    if (!h) {
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    *context = h->context;
    provider_handle_dereference(h);
    return 0;
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
    return api_fd_is_set(s, set);
}

static int WSPAPI wpu_get_provider_path(LPGUID id, WCHAR *path, LPINT len, LPINT err)
{
    return api_get_provider_path(id, path, len, err);
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
 * WPUCompleteOverlappedRequest.
 *
 * Whatever the handle, the overlapped structure first gets the result the
 * way a non-IFS provider's WSPGetOverlappedResult reads it back: Offset =
 * bytes transferred, OffsetHigh = the Winsock error (0 for success).
 *
 * A handle ws2.dll did not create (an IFS provider's own handle, or one
 * already closed) gets what it always got: Internal = the error, InternalHigh
 * = the bytes, and the event signalled unless its low bit is set; nothing
 * reaches a completion port, which is the IFS provider's own business.
 *
 * A WPUCreateSocketHandle handle is completed through its own pipe, so that
 * the I/O manager does the delivering: event set, and a completion packet
 * (carrying this OVERLAPPED and the byte count) on the port the application
 * associated with the socket, exactly once.  ws2.dll reads from the server
 * end with the application's event and OVERLAPPED as the I/O's completion
 * context, but with a status block of its own, so that it never touches the
 * application's OVERLAPPED once the completion may have been seen (the
 * application may reuse it at once); Internal and InternalHigh are written
 * beforehand with the final status and count.  The read is issued on an
 * empty pipe, so it always pends first and completes asynchronously: a
 * packet is queued even if the application set
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS (which Windows documents as unsafe
 * with non-IFS providers), just as its WSARecv had returned WSA_IO_PENDING.
 *
 *   error 0             an N-byte message (zeros) written to the client end
 *                       ends the N-byte read: STATUS_SUCCESS, N bytes; the
 *                       port's GetQueuedCompletionStatus returns TRUE, N.
 *   WSAEMSGSIZE         an (N+1)-byte message ends the N-byte read with
 *                       STATUS_BUFFER_OVERFLOW, N bytes (the port reports
 *                       FALSE, ERROR_MORE_DATA = 234, as for a truncated
 *                       datagram on an IFS socket); ws2.dll then reads the
 *                       rest of the message itself, with no completion context.
 *   any other error     the read is cancelled (CancelIoEx): STATUS_CANCELLED,
 *                       0 bytes; the port reports FALSE, 995.  For
 *                       WSA_OPERATION_ABORTED (995) that is exact.  A pipe
 *                       cannot end a read with an arbitrary status, so every
 *                       other error is reported to the port as 995 too: the
 *                       application still gets its one packet (rather than
 *                       an operation that never completes), and
 *                       WSAGetOverlappedResult (OffsetHigh) gives the real error.
 *
 * Internal holds the NTSTATUS the I/O ended with, InternalHigh its count, as
 * kernel32's GetOverlappedResult and HasOverlappedIoCompleted expect.  If
 * the pipe refuses the read (it cannot, short of a broken handle), the
 * fields are set and the event signalled as for an IFS handle.
 */
typedef NTSTATUS (NTAPI *nt_read_file_fn)(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID,
                                          PIO_STATUS_BLOCK, PVOID, ULONG, PLARGE_INTEGER,
                                          PULONG);
static nt_read_file_fn nt_read_file;
static HANDLE never_signalled;
static INIT_ONCE completion_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK completion_init(PINIT_ONCE once, PVOID param, PVOID *context)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    (void)once; (void)param; (void)context;
    nt_read_file = ntdll ? (nt_read_file_fn)(void *)GetProcAddress(ntdll, "NtReadFile") : NULL;
    never_signalled = CreateEventW(NULL, TRUE, FALSE, NULL);
    return nt_read_file && never_signalled;
}

/*
 * Waits for a read ws2.dll issued to end.  Each wait is a trip to the
 * kernel (wineserver), where the completion of an I/O this thread issued is
 * delivered to it; the read always ends (data, or cancel), and a read that
 * somebody else's I/O on the handle keeps waiting is cancelled after 5 s.
 */
static void wait_read(HANDLE pipe, IO_STATUS_BLOCK *iosb)
{
    volatile NTSTATUS *status = &iosb->Status;
    DWORD start = GetTickCount();
    BOOL cancelled = FALSE;

    while (*status == STATUS_PENDING) {
        WaitForSingleObject(never_signalled, 1);
        if (!cancelled && GetTickCount() - start > 5000) {
            CancelIoEx(pipe, (LPOVERLAPPED)iosb);
            cancelled = TRUE;
        }
    }
    MemoryBarrier();
}

static BOOL complete_through_pipe(struct provider_handle *h, LPWSAOVERLAPPED ov, DWORD error,
                                  DWORD bytes)
{
    static char empty[1];
    IO_STATUS_BLOCK iosb;
    OVERLAPPED write_ov;
    LARGE_INTEGER offset;
    HANDLE event = (HANDLE)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1);
    PVOID apc_context = ((ULONG_PTR)ov->hEvent & 1) ? NULL : ov;
    BOOL message = error == 0 || error == WSAEMSGSIZE;
    DWORD message_len = error == WSAEMSGSIZE ? bytes + 1 : bytes;
    char *scratch = NULL, *zeros = NULL;
    NTSTATUS status;
    DWORD written;
    BOOL delivered = FALSE;

    if (!InitOnceExecuteOnce(&completion_once, completion_init, NULL, NULL))
        return FALSE;
    if (!message)
        bytes = 0;
    if (message && (bytes > 0x7fffffffu ||
                    !(scratch = bytes ? malloc(bytes) : empty) ||
                    !(zeros = calloc(1, message_len ? message_len : 1)))) {
        if (scratch != empty)
            free(scratch);
        return FALSE;
    }
    memset(&write_ov, 0, sizeof(write_ov));
    write_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!write_ov.hEvent)
        goto out;

    /* the final result first: nothing below may touch *ov once the read ends */
    ov->InternalHigh = bytes;
    ov->Internal = error == 0 ? ST_SUCCESS : error == WSAEMSGSIZE ? ST_BUFFER_OVERFLOW
                                                                  : ST_CANCELLED;
    MemoryBarrier();

    EnterCriticalSection(&h->io);
    iosb.Status = STATUS_PENDING;
    iosb.Information = 0;
    offset.QuadPart = 0;
    status = nt_read_file((HANDLE)h->link.handle, event, NULL, apc_context, &iosb,
                          message ? scratch : empty, message ? bytes : 0, &offset, NULL);
    if (status == STATUS_PENDING) {
        if (message) {
            if (!WriteFile(h->client, zeros, message_len, NULL, &write_ov) &&
                GetLastError() != ERROR_IO_PENDING)
                CancelIoEx((HANDLE)h->link.handle, (LPOVERLAPPED)&iosb);
        } else {
            CancelIoEx((HANDLE)h->link.handle, (LPOVERLAPPED)&iosb);
        }
        wait_read((HANDLE)h->link.handle, &iosb);
        delivered = TRUE;
        /* the write ends when the read has taken the message (and must not
         * be left waiting if the read ended some other way) */
        if (message) {
            if (iosb.Status != ST_SUCCESS && iosb.Status != ST_BUFFER_OVERFLOW)
                CancelIoEx(h->client, &write_ov);
            GetOverlappedResult(h->client, &write_ov, &written, TRUE);
        }
        /* a datagram too long for the buffer: take the rest of the message */
        if (error == WSAEMSGSIZE && iosb.Status == ST_BUFFER_OVERFLOW) {
            char rest[1];
            IO_STATUS_BLOCK rest_iosb;
            rest_iosb.Status = STATUS_PENDING;
            rest_iosb.Information = 0;
            ResetEvent(write_ov.hEvent);
            if (nt_read_file((HANDLE)h->link.handle, write_ov.hEvent, NULL, NULL, &rest_iosb, rest,
                             sizeof(rest), &offset, NULL) == STATUS_PENDING)
                wait_read((HANDLE)h->link.handle, &rest_iosb);
        }
    } else if (NT_SUCCESS(status)) {
        /* the pipe held a stray message: the read took it and was delivered */
        delivered = TRUE;
    }
    LeaveCriticalSection(&h->io);

out:
    if (write_ov.hEvent)
        CloseHandle(write_ov.hEvent);
    if (scratch && scratch != empty)
        free(scratch);
    free(zeros);
    return delivered;
}

int impl_WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED ov, DWORD error,
                                      DWORD bytes, LPINT err)
{
    struct provider_handle *h;
    HANDLE event;
    BOOL delivered = FALSE;

    if (!ov || !err) {
        if (err)
            *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    ov->Offset = bytes;
    ov->OffsetHigh = error;
    h = provider_handle_reference(s);
    if (h) {
        delivered = complete_through_pipe(h, ov, error, bytes);
        provider_handle_dereference(h);
        if (delivered)
            return 0;
    }
    ov->Internal = error;
    ov->InternalHigh = bytes;
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
