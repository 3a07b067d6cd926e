/*
 * api_async_lookup.c - WSAAsyncGetServByName, WSAAsyncGetServByPort,
 * WSAAsyncGetProtoByName, WSAAsyncGetProtoByNumber, WSAAsyncGetHostByName,
 * WSAAsyncGetHostByAddr and WSACancelAsyncRequest: desktop extensions
 * (CE 5.0's ws2.dll has none of them; MFC and older Windows servers call
 * them).
 *
 * Each request runs on a thread of its own, which asks ws2.dll's own
 * look-ups (impl_getservbyname, impl_gethostbyname, ...: whatever answers
 * those answers these, never the host directly), packs the answer into the
 * caller's buffer (netdb_pack.c) and posts the caller's message: wParam
 * the request's handle, lParam WSAMAKEASYNCREPLY(length, error).  The
 * length is the size the packed answer needs, also when the buffer is too
 * small (error WSAENOBUFS, nothing written); on another error it is 0.
 *
 * As on Windows the arguments are not judged when the request starts,
 * beyond what must be read then: a name or address that cannot be read is
 * WSAEFAULT at once (0 returned), and so is a buffer that cannot be
 * written; a NULL buffer or window is taken (the answer is then WSAENOBUFS,
 * or goes nowhere).  A buffer that stops being writable before the answer
 * is WSAEFAULT in the message.
 *
 * WSACancelAsyncRequest: a request still running is cancelled (0), and
 * from then on nothing is written to its buffer and no message is posted;
 * one that has finished is WSAEALREADY; a handle never given out is
 * WSAEINVAL.  Handles are numbered from 1, never reused in a process.
 */
#include "ws2_private.h"
#include "netdb_pack.h"
#include <stdint.h>

enum lookup_kind { SERV_BY_NAME, SERV_BY_PORT, PROTO_BY_NAME, PROTO_BY_NUMBER,
                   HOST_BY_NAME, HOST_BY_ADDR };
enum { TEXT_MAX = 1024 };   /* longer names are no name any database holds */

struct lookup {
    struct lookup *next;
    HANDLE handle;
    enum lookup_kind kind;
    HWND window;
    unsigned int message;
    char *buffer;
    int size;
    char name[TEXT_MAX], proto[TEXT_MAX];
    BOOL has_proto;
    int number, length, type;       /* port (network order), protocol, address */
    char address[16];
    BOOL cancelled;
};

static SRWLOCK lookups_lock = SRWLOCK_INIT;
static struct lookup *running;
static LONG handles_given;

/* Copies a caller's string of under TEXT_MAX characters; FALSE for one that
 * cannot be read (each page asked about before its first byte is read). */
static BOOL copy_text(char *to, const char *from)
{
    for (size_t i = 0; i < TEXT_MAX; i++) {
        if ((i == 0 || ((uintptr_t)(from + i) & 0xfff) == 0) && !api_readable(from + i, 1))
            return FALSE;
        to[i] = from[i];
        if (!to[i])
            return TRUE;
    }
    return FALSE;
}

/* The answer for q, packed for q->buffer into scratch; the reply's length
 * and error. */
static void answer(struct lookup *q, char *scratch, size_t scratch_size, size_t *length, int *error)
{
    ULONG_PTR base = (ULONG_PTR)q->buffer;
    const char *proto = q->has_proto ? q->proto : NULL;
    struct servent *serv = NULL;
    struct protoent *prot = NULL;
    struct hostent *host = NULL;

    switch (q->kind) {
    case SERV_BY_NAME: serv = impl_getservbyname(q->name, proto); break;
    case SERV_BY_PORT: serv = impl_getservbyport(q->number, proto); break;
    case PROTO_BY_NAME: prot = impl_getprotobyname(q->name); break;
    case PROTO_BY_NUMBER: prot = impl_getprotobynumber(q->number); break;
    case HOST_BY_NAME: host = impl_gethostbyname(q->name); break;
    case HOST_BY_ADDR: host = impl_gethostbyaddr(q->address, q->length, q->type); break;
    }
    *length = 0;
    if (!serv && !prot && !host) {
        *error = (int)GetLastError();
        if (!*error)
            *error = WSANO_DATA;
        return;
    }
    *length = serv ? netdb_pack_servent(serv, scratch, scratch_size, base)
            : prot ? netdb_pack_protoent(prot, scratch, scratch_size, base)
                   : netdb_pack_hostent(host, scratch, scratch_size, base);
    *error = !q->buffer || *length > (size_t)q->size || *length > scratch_size ? WSAENOBUFS : 0;
}

static void forget(struct lookup *q)
{
    struct lookup **p;
    for (p = &running; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            return;
        }
}

static DWORD WINAPI lookup_thread(void *arg)
{
    struct lookup *q = arg;
    size_t scratch_size = q->size > 0 ? (size_t)q->size : 0, length = 0;
    char *scratch = scratch_size ? malloc(scratch_size) : NULL;
    int error = 0;
    BOOL post;

    if (scratch_size && !scratch)
        error = WSAENOBUFS;
    else
        answer(q, scratch, scratch_size, &length, &error);
    if (length > 0xffff)
        length = 0xffff;    /* the reply has 16 bits for it */
    AcquireSRWLockExclusive(&lookups_lock);
    forget(q);
    post = !q->cancelled;
    if (post && !error) {
        if (api_writable(q->buffer, length))
            memcpy(q->buffer, scratch, length);
        else
            error = WSAEFAULT;
    }
    ReleaseSRWLockExclusive(&lookups_lock);
    if (post)
        PostMessageW(q->window, q->message, (WPARAM)q->handle,
                     WSAMAKEASYNCREPLY(error && error != WSAENOBUFS ? 0 : length, error));
    free(scratch);
    free(q);
    return 0;
}

/* Starts q (filled in by the export): its handle, or 0 with the error set. */
static HANDLE start(LONGLONG t, const char *api, struct lookup *q)
{
    HANDLE thread, handle = NULL;
    int err = 0;

    if (!process_started())
        err = WSANOTINITIALISED;
    else if (q->size < 0 || (q->buffer && !api_writable(q->buffer, (size_t)q->size)))
        err = WSAEFAULT;
    if (!err) {
        AcquireSRWLockExclusive(&lookups_lock);
        q->handle = handle = (HANDLE)(ULONG_PTR)(ULONG)InterlockedIncrement(&handles_given);
        q->next = running;
        running = q;
        thread = CreateThread(NULL, 0, lookup_thread, q, 0, NULL);
        if (thread) {
            CloseHandle(thread);
        } else {
            forget(q);
            handle = NULL;
            err = WSAEWOULDBLOCK;   /* "cannot be scheduled at this time" */
        }
        ReleaseSRWLockExclusive(&lookups_lock);
    }
    TRACE_API(t, NULL, err, "%s(hwnd=0x%llx, msg=%u, buf=0x%llx, buflen=%d) = 0x%llx", api,
              TP(q->window), q->message, TP(q->buffer), q->size, TP(handle));
    if (err)
        free(q);
    SetLastError((DWORD)err);
    return handle;
}

/* A request with the parts every kind has, or NULL (the error set). */
static struct lookup *request(enum lookup_kind kind, HWND window, unsigned int message,
                              char *buffer, int size)
{
    struct lookup *q = calloc(1, sizeof(*q));
    if (!q) {
        SetLastError(WSAENOBUFS);
        return NULL;
    }
    q->kind = kind;
    q->window = window;
    q->message = message;
    q->buffer = buffer;
    q->size = size;
    return q;
}

/* A request whose name (and protocol, when given) must be read now. */
static HANDLE start_named(LONGLONG t, const char *api, enum lookup_kind kind, HWND window,
                          unsigned int message, const char *name, const char *proto,
                          char *buffer, int size)
{
    struct lookup *q = request(kind, window, message, buffer, size);
    if (!q)
        return NULL;
    q->has_proto = proto != NULL;
    if (!name || !copy_text(q->name, name) || (proto && !copy_text(q->proto, proto))) {
        free(q);
        TRACE_API(t, NULL, WSAEFAULT, "%s(name=0x%llx) = 0", api, TP(name));
        SetLastError(WSAEFAULT);
        return NULL;
    }
    return start(t, api, q);
}

HANDLE WSAAPI WSAAsyncGetServByName(HWND window, u_int message, const char *name,
                                    const char *proto, char *buffer, int size)
{
    TRACE_START(t);
    return start_named(t, "WSAAsyncGetServByName", SERV_BY_NAME, window, message, name, proto,
                       buffer, size);
}

HANDLE WSAAPI WSAAsyncGetServByPort(HWND window, u_int message, int port, const char *proto,
                                    char *buffer, int size)
{
    TRACE_START(t);
    struct lookup *q = request(SERV_BY_PORT, window, message, buffer, size);
    if (!q)
        return NULL;
    q->number = port;
    q->has_proto = proto != NULL;
    if (proto && !copy_text(q->proto, proto)) {
        free(q);
        TRACE_API(t, NULL, WSAEFAULT, "WSAAsyncGetServByPort(proto=0x%llx) = 0", TP(proto));
        SetLastError(WSAEFAULT);
        return NULL;
    }
    return start(t, "WSAAsyncGetServByPort", q);
}

HANDLE WSAAPI WSAAsyncGetProtoByName(HWND window, u_int message, const char *name,
                                     char *buffer, int size)
{
    TRACE_START(t);
    return start_named(t, "WSAAsyncGetProtoByName", PROTO_BY_NAME, window, message, name, NULL,
                       buffer, size);
}

HANDLE WSAAPI WSAAsyncGetProtoByNumber(HWND window, u_int message, int number, char *buffer,
                                       int size)
{
    TRACE_START(t);
    struct lookup *q = request(PROTO_BY_NUMBER, window, message, buffer, size);
    if (!q)
        return NULL;
    q->number = number;
    return start(t, "WSAAsyncGetProtoByNumber", q);
}

HANDLE WSAAPI WSAAsyncGetHostByName(HWND window, u_int message, const char *name, char *buffer,
                                    int size)
{
    TRACE_START(t);
    return start_named(t, "WSAAsyncGetHostByName", HOST_BY_NAME, window, message, name, NULL,
                       buffer, size);
}

HANDLE WSAAPI WSAAsyncGetHostByAddr(HWND window, u_int message, const char *address, int length,
                                    int type, char *buffer, int size)
{
    TRACE_START(t);
    struct lookup *q = request(HOST_BY_ADDR, window, message, buffer, size);
    if (!q)
        return NULL;
    /* the address is read now; gethostbyaddr judges its length and type */
    if (length <= 0 || !api_readable(address, (size_t)length)) {
        free(q);
        TRACE_API(t, NULL, WSAEFAULT, "WSAAsyncGetHostByAddr(addr=0x%llx, len=%d) = 0", TP(address),
                  length);
        SetLastError(WSAEFAULT);
        return NULL;
    }
    q->length = length;
    q->type = type;
    memcpy(q->address, address, length < (int)sizeof(q->address) ? (size_t)length
                                                                 : sizeof(q->address));
    if (q->length > (int)sizeof(q->address))
        q->length = sizeof(q->address);
    return start(t, "WSAAsyncGetHostByAddr", q);
}

int WSAAPI WSACancelAsyncRequest(HANDLE handle)
{
    TRACE_START(t);
    struct lookup *q;
    int err = 0;

    if (!process_started()) {
        err = WSANOTINITIALISED;
    } else {
        AcquireSRWLockExclusive(&lookups_lock);
        for (q = running; q && q->handle != handle; q = q->next)
            ;
        if (q && !q->cancelled)
            q->cancelled = TRUE;
        else if (q || ((ULONG_PTR)handle >= 1 && (ULONG_PTR)handle <= (ULONG)handles_given))
            err = WSAEALREADY;
        else
            err = WSAEINVAL;
        ReleaseSRWLockExclusive(&lookups_lock);
    }
    TRACE_API(t, NULL, err, "WSACancelAsyncRequest(handle=0x%llx) = %d", TP(handle),
              err ? SOCKET_ERROR : 0);
    SetLastError((DWORD)err);
    return err ? SOCKET_ERROR : 0;
}
