/*
 * io.c - the data path: send, receive and overlapped results.
 *
 * Every call goes to the host unchanged, overlapped structure and
 * completion routine included.  That is what makes our IFS handles
 * complete like any Windows socket: the host signals the application's
 * event, queues the application's completion routine as an APC to the
 * calling thread (which is the application's own thread, since ws2.dll
 * calls us there, so lpThreadId is not needed), or posts to the
 * completion port the application bound with CreateIoCompletionPort.
 * A pending operation returns SOCKET_ERROR with WSA_IO_PENDING, as the SPI
 * expects.
 *
 * A socket created without WSA_FLAG_OVERLAPPED is the exception: the SPI
 * says lpOverlapped and lpCompletionRoutine are ignored for it, so the call
 * blocks like send/recv and nothing completes later.  Wine's host blocks
 * but then also signals the event and queues the routine, so for such a
 * socket the two are withheld from the host.
 *
 * What Windows does with the OVERLAPPED it is given there (Wine's
 * test_nonblocking_async_recv, which passes on Windows): the call blocks
 * until it is done even on a non-blocking socket (FIONBIO), where the
 * same call without an OVERLAPPED fails WSAEWOULDBLOCK, and the result is
 * written into the OVERLAPPED (Internal STATUS_SUCCESS, InternalHigh the
 * count), so GetOverlappedResult reads it afterwards.  So the host is
 * given an OVERLAPPED of ours, without event or routine (the host blocks
 * on a synchronous socket given one, whatever its FIONBIO), and on
 * success the result is copied into the application's; a failure leaves
 * the application's OVERLAPPED as it was.
 */
#include "hostprov.h"

/* A non-overlapped socket's data call made with an OVERLAPPED (see above). */
struct sync_call {
    LPWSAOVERLAPPED application;    /* NULL: the call goes down as given */
    WSAOVERLAPPED own;
    DWORD spare_count;
};

static void sync_call_begin(SOCKET s, struct sync_call *c, LPWSAOVERLAPPED *overlapped,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE *completion, LPDWORD *count)
{
    c->application = NULL;
    if (!*overlapped || socket_map_overlapped(s))
        return;
    c->application = *overlapped;
    memset(&c->own, 0, sizeof(c->own));
    c->spare_count = 0;
    *overlapped = &c->own;
    *completion = NULL;
    if (!*count)
        *count = &c->spare_count;
}

/* Called with the host's result before its last error is read: a call the
 * host still left pending is waited for (our OVERLAPPED lives on this
 * stack), and a success is written into the application's OVERLAPPED. */
static int sync_call_end(SOCKET s, struct sync_call *c, int result, LPDWORD count,
                         LPDWORD flags)
{
    DWORD done_flags = 0;

    if (!c->application)
        return result;
    if (result == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING)
        result = WSAGetOverlappedResult(s, &c->own, count, TRUE, flags ? flags : &done_flags)
                     ? 0 : SOCKET_ERROR;
    if (result == 0) {
        c->application->Internal = 0;           /* STATUS_SUCCESS */
        c->application->InternalHigh = *count;
    }
    return result;
}

/* A non-overlapped socket's call: lpOverlapped and the routine are dropped,
 * and a missing count (allowed with lpOverlapped) gets a place to go. */
BOOL ignore_overlapped(SOCKET s, LPWSAOVERLAPPED *overlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE *completion, LPDWORD *count,
                       LPDWORD spare_count)
{
    if (!*overlapped || socket_map_overlapped(s))
        return FALSE;
    *overlapped = NULL;
    *completion = NULL;
    if (!*count)
        *count = spare_count;
    return TRUE;
}

/*
 * WHY: the bytes go into the host's TCP/UDP; see the top of the file for
 * why the overlapped arguments pass straight through.
 */
int WSPAPI WSPSend(SOCKET s, LPWSABUF buffers, DWORD buffer_count,
                   LPDWORD bytes_sent, DWORD flags, LPWSAOVERLAPPED overlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                   LPWSATHREADID thread, LPINT error)
{
    struct sync_call sync;
    DWORD caller_error;
    int result;

    (void)thread;
    sync_call_begin(s, &sync, &overlapped, &completion, &bytes_sent);
    caller_error = host_call_begin();
    result = WSASend(s, buffers, buffer_count, bytes_sent, flags, overlapped,
                     completion);
    result = sync_call_end(s, &sync, result, bytes_sent, NULL);
    result = host_call_end(caller_error, result, error);
    async_relay_poke(s);    /* what this call re-enabled is posted before it returns */
    return result;
}

/*
 * WHY: as WSPSend, with a destination for datagrams (and for a connected
 * stream socket the host ignores it, as Winsock specifies).
 */
int WSPAPI WSPSendTo(SOCKET s, LPWSABUF buffers, DWORD buffer_count,
                     LPDWORD bytes_sent, DWORD flags, const struct sockaddr *to,
                     int to_length, LPWSAOVERLAPPED overlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                     LPWSATHREADID thread, LPINT error)
{
    struct sync_call sync;
    DWORD caller_error;
    int result;

    (void)thread;
    sync_call_begin(s, &sync, &overlapped, &completion, &bytes_sent);
    caller_error = host_call_begin();
    result = WSASendTo(s, buffers, buffer_count, bytes_sent, flags, to,
                       to_length, overlapped, completion);
    result = sync_call_end(s, &sync, result, bytes_sent, NULL);
    result = host_call_end(caller_error, result, error);
    async_relay_poke(s);    /* what this call re-enabled is posted before it returns */
    return result;
}

/*
 * WHY: the host holds the received data; flags go both ways (MSG_PEEK and
 * MSG_OOB in, MSG_PARTIAL out), so the application's word is passed, not
 * a copy.
 */
int WSPAPI WSPRecv(SOCKET s, LPWSABUF buffers, DWORD buffer_count,
                   LPDWORD bytes_received, LPDWORD flags,
                   LPWSAOVERLAPPED overlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                   LPWSATHREADID thread, LPINT error)
{
    struct sync_call sync;
    DWORD caller_error;
    int result;

    (void)thread;
    sync_call_begin(s, &sync, &overlapped, &completion, &bytes_received);
    caller_error = host_call_begin();
    result = WSARecv(s, buffers, buffer_count, bytes_received, flags,
                     overlapped, completion);
    result = sync_call_end(s, &sync, result, bytes_received, flags);
    result = host_call_end(caller_error, result, error);
    async_relay_poke(s);    /* what this call re-enabled is posted before it returns */
    return result;
}

/*
 * WHY: as WSPRecv, also reporting the sender; for an overlapped call the
 * host writes the address when the operation completes, so the
 * application's buffers are passed, never copies.
 */
int WSPAPI WSPRecvFrom(SOCKET s, LPWSABUF buffers, DWORD buffer_count,
                       LPDWORD bytes_received, LPDWORD flags,
                       struct sockaddr *from, LPINT from_length,
                       LPWSAOVERLAPPED overlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                       LPWSATHREADID thread, LPINT error)
{
    struct sync_call sync;
    DWORD caller_error;
    int result;

    (void)thread;
    sync_call_begin(s, &sync, &overlapped, &completion, &bytes_received);
    caller_error = host_call_begin();
    result = WSARecvFrom(s, buffers, buffer_count, bytes_received, flags,
                         from, from_length, overlapped, completion);
    result = sync_call_end(s, &sync, result, bytes_received, flags);
    result = host_call_end(caller_error, result, error);
    async_relay_poke(s);    /* what this call re-enabled is posted before it returns */
    return result;
}

/*
 * WHY: the overlapped operations are the host's, so only the host knows
 * their outcome (and can wait for it).  Still incomplete without waiting
 * is WSA_IO_INCOMPLETE.
 */
WINBOOL WSPAPI WSPGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED overlapped,
                                      LPDWORD bytes_transferred, WINBOOL wait,
                                      LPDWORD flags, LPINT error)
{
    DWORD caller_error = host_call_begin();
    WINBOOL done = WSAGetOverlappedResult(s, overlapped, bytes_transferred,
                                          wait, flags);

    if (!done)
        host_call_failed(caller_error, error);
    else
        host_call_succeeded(caller_error, error);
    return done;
}
