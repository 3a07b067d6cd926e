/*
 * extension.c - the Microsoft extension functions (AcceptEx, ConnectEx,
 * TransmitFile, ...) as celsp hands them out.
 *
 * An application gets these through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)
 * once and then calls them directly, on any socket, without ws2.dll or
 * celsp in the way.  If celsp handed out the provider below's functions,
 * it would never learn which handle an AcceptEx or ConnectEx was issued
 * through, and closesocket could only guess (it used to take any ioctl,
 * even FIONBIO, as "may have started something").  So celsp hands out its
 * own functions: each finds the socket's context, notes that an operation
 * that can pend was issued through this handle (note_io), and calls the
 * provider below's function, which that provider gave for this socket.
 * Completion stays the provider below's: the application's OVERLAPPED goes
 * down as it is, so its event, routine or port hears of it as before.
 *
 * GetAcceptExSockaddrs issues nothing (it parses a buffer) and is handed
 * out as the provider below's own.
 */
#include "celsp.h"
#include <mswsock.h>

enum extension_kind {
    EXT_ACCEPT_EX,
    EXT_CONNECT_EX,
    EXT_DISCONNECT_EX,
    EXT_TRANSMIT_FILE,
    EXT_TRANSMIT_PACKETS,
    EXT_RECV_MSG,
    EXT_SEND_MSG,
    EXT_COUNT
};

static const GUID extension_ids[EXT_COUNT] = {
    WSAID_ACCEPTEX, WSAID_CONNECTEX, WSAID_DISCONNECTEX, WSAID_TRANSMITFILE,
    WSAID_TRANSMITPACKETS, WSAID_WSARECVMSG, WSAID_WSASENDMSG,
};

/* The provider below's function of this kind for so, asked for once per
 * lower provider (its functions serve all its sockets); NULL with *err. */
static void *lower_function(struct lsp_socket *so, enum extension_kind kind, int *err)
{
    void *fn = so->lower->extensions[kind];
    GUID id = extension_ids[kind];
    DWORD returned = 0;

    if (fn)
        return fn;
    if (so->lower->procs.lpWSPIoctl(so->link.handle, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
                                    sizeof(id), &fn, sizeof(fn), &returned, NULL, NULL, NULL,
                                    err) || !fn) {
        if (!*err)
            *err = WSAEOPNOTSUPP;
        return NULL;
    }
    InterlockedExchangePointer(&so->lower->extensions[kind], fn);
    return fn;
}

/* The context of s with the lower function of kind, noted as issuing I/O;
 * NULL with the thread's last error set (the extension functions report
 * errors the way Winsock calls do: FALSE or SOCKET_ERROR, and the error in
 * GetLastError, which is WSAGetLastError's).  As the provider below's own
 * functions do (and Windows: Wine's test_AcceptEx), the OVERLAPPED says
 * STATUS_PENDING even when the socket is refused. */
static struct lsp_socket *enter(SOCKET s, enum extension_kind kind, void **fn,
                                LPOVERLAPPED ov)
{
    int err = 0;
    struct lsp_socket *so = socket_context_lookup(s, &err);

    if (!so) {
        if (ov)
            ov->Internal = STATUS_PENDING;
        SetLastError((DWORD)err);
        return NULL;
    }
    *fn = lower_function(so, kind, &err);
    if (!*fn) {
        socket_context_dereference(so);
        SetLastError((DWORD)err);
        return NULL;
    }
    note_io(so);
    return so;
}

/* A call closesocket cancelled reports WSAEINTR, a pending one stays pending
 * (celsp.h, interrupted_if_closing); then the reference goes. */
static void leave(struct lsp_socket *so, BOOL failed)
{
    if (failed) {
        int err = (int)GetLastError();
        interrupted_if_closing(so, SOCKET_ERROR, &err);
        SetLastError((DWORD)err);
    }
    socket_context_dereference(so);
}

/* WHY: the listener is where the accept pends: closing it must cancel it. */
static BOOL PASCAL ext_accept_ex(SOCKET listener, SOCKET accepted, PVOID buffer, DWORD data_len,
                                 DWORD local_len, DWORD remote_len, LPDWORD received,
                                 LPOVERLAPPED ov)
{
    void *fn;
    struct lsp_socket *so = enter(listener, EXT_ACCEPT_EX, &fn, (LPOVERLAPPED)ov);
    BOOL ok;

    if (!so)
        return FALSE;
    ok = ((LPFN_ACCEPTEX)fn)(listener, accepted, buffer, data_len, local_len, remote_len,
                             received, ov);
    leave(so, !ok);
    return ok;
}

/* WHY: a connect that pends belongs to the connecting socket. */
static BOOL PASCAL ext_connect_ex(SOCKET s, const struct sockaddr *name, int namelen,
                                  PVOID send_buffer, DWORD send_len, LPDWORD sent,
                                  LPOVERLAPPED ov)
{
    void *fn;
    struct lsp_socket *so = enter(s, EXT_CONNECT_EX, &fn, (LPOVERLAPPED)ov);
    BOOL ok;

    if (!so)
        return FALSE;
    ok = ((LPFN_CONNECTEX)fn)(s, name, namelen, send_buffer, send_len, sent, ov);
    leave(so, !ok);
    return ok;
}

static BOOL PASCAL ext_disconnect_ex(SOCKET s, LPOVERLAPPED ov, DWORD flags, DWORD reserved)
{
    void *fn;
    struct lsp_socket *so = enter(s, EXT_DISCONNECT_EX, &fn, (LPOVERLAPPED)ov);
    BOOL ok;

    if (!so)
        return FALSE;
    ok = ((LPFN_DISCONNECTEX)fn)(s, ov, flags, reserved);
    leave(so, !ok);
    return ok;
}

static BOOL PASCAL ext_transmit_file(SOCKET s, HANDLE file, DWORD bytes, DWORD per_send,
                                     LPOVERLAPPED ov, LPTRANSMIT_FILE_BUFFERS buffers,
                                     DWORD flags)
{
    void *fn;
    struct lsp_socket *so = enter(s, EXT_TRANSMIT_FILE, &fn, (LPOVERLAPPED)ov);
    BOOL ok;

    if (!so)
        return FALSE;
    ok = ((LPFN_TRANSMITFILE)fn)(s, file, bytes, per_send, ov, buffers, flags);
    leave(so, !ok);
    return ok;
}

static BOOL PASCAL ext_transmit_packets(SOCKET s, LPTRANSMIT_PACKETS_ELEMENT elements,
                                        DWORD count, DWORD per_send, LPOVERLAPPED ov,
                                        DWORD flags)
{
    void *fn;
    struct lsp_socket *so = enter(s, EXT_TRANSMIT_PACKETS, &fn, (LPOVERLAPPED)ov);
    BOOL ok;

    if (!so)
        return FALSE;
    ok = ((LPFN_TRANSMITPACKETS)fn)(s, elements, count, per_send, ov, flags);
    leave(so, !ok);
    return ok;
}

static INT PASCAL ext_recv_msg(SOCKET s, LPWSAMSG msg, LPDWORD received, LPWSAOVERLAPPED ov,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    void *fn;
    struct lsp_socket *so = enter(s, EXT_RECV_MSG, &fn, (LPOVERLAPPED)ov);
    INT result;

    if (!so)
        return SOCKET_ERROR;
    result = ((LPFN_WSARECVMSG)fn)(s, msg, received, ov, routine);
    leave(so, result == SOCKET_ERROR);
    return result;
}

static INT WSAAPI ext_send_msg(SOCKET s, LPWSAMSG msg, DWORD flags, LPDWORD sent,
                               LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine)
{
    void *fn;
    struct lsp_socket *so = enter(s, EXT_SEND_MSG, &fn, (LPOVERLAPPED)ov);
    INT result;

    if (!so)
        return SOCKET_ERROR;
    result = ((LPFN_WSASENDMSG)fn)(s, msg, flags, sent, ov, routine);
    leave(so, result == SOCKET_ERROR);
    return result;
}

static void *const wrappers[EXT_COUNT] = {
    (void *)ext_accept_ex, (void *)ext_connect_ex, (void *)ext_disconnect_ex,
    (void *)ext_transmit_file, (void *)ext_transmit_packets, (void *)ext_recv_msg,
    (void *)ext_send_msg,
};

/*
 * After the provider below answered SIO_GET_EXTENSION_FUNCTION_POINTER for
 * so: an extension function that issues I/O is replaced by ours (the
 * provider below's is kept for it); any other answer is left as it is.
 */
void extension_wrap(struct lsp_socket *so, const void *in, DWORD in_len, void *out,
                    DWORD out_len)
{
    GUID id;
    void *fn;
    int kind;

    if (!in || in_len < sizeof(id) || !out || out_len < sizeof(fn))
        return;
    memcpy(&id, in, sizeof(id));
    memcpy(&fn, out, sizeof(fn));
    if (!fn)
        return;
    for (kind = 0; kind < EXT_COUNT; kind++)
        if (!memcmp(&id, &extension_ids[kind], sizeof(id))) {
            InterlockedExchangePointer(&so->lower->extensions[kind], fn);
            memcpy(out, &wrappers[kind], sizeof(fn));
            return;
        }
}
