/*
 * linger_native.c - rows 3 and 4 of the linger table handed to the provider
 * below, when its own closesocket lingers (CEWS_LINGER_MECHANISM_NATIVE,
 * cews2.h): Windows' closesocket already waits for the queue to drain or
 * resets when the interval ends, and fails a non-blocking lingering close
 * with WSAEWOULDBLOCK while data is queued, keeping the socket.  No Windows
 * ioctl reports the backlog, so over such a provider celsp cannot judge the
 * rows itself: it passes SO_LINGER down and lets the provider's close
 * decide, and keeps everything else of the contract (cancellation, WSAEINTR,
 * no FD_CLOSE, references) in close.c.
 */
#include "celsp.h"

enum { RETRY_POLL_MS = 5 };

DWORD native_linger_mechanism(struct lsp_socket *so)
{
    DWORD mechanism = CEWS_LINGER_MECHANISM_NONE, returned = 0;
    int err;

    /* a provider that does not know the ioctl has no mechanism (cews2.h) */
    if (so->lower->procs.lpWSPIoctl(so->link.handle, SIO_CEWS_LINGER_MECHANISM, NULL, 0, &mechanism,
                                    sizeof(mechanism), &returned, NULL, NULL, NULL, &err) != 0)
        return CEWS_LINGER_MECHANISM_NONE;
    return mechanism;
}

static void linger_below(struct lsp_socket *so, u_short onoff, u_short seconds)
{
    struct linger value = { onoff, seconds };
    int err;
    so->lower->procs.lpWSPSetSockOpt(so->link.handle, SOL_SOCKET, SO_LINGER, (const char *)&value,
                                     sizeof(value), &err);
}

int native_close_nonblocking(struct lsp_socket *so, unsigned interval, LPINT err)
{
    int result;

    linger_below(so, 1, (u_short)interval);
    result = so->lower->procs.lpWSPCloseSocket(so->link.handle, err);
    /* still open below: as it was, so that a later SO_DONTLINGER close
     * does not linger there */
    if (result == SOCKET_ERROR && *err == WSAEWOULDBLOCK)
        linger_below(so, 0, 0);
    return result;
}

int native_close_lingering(struct lsp_socket *so, unsigned interval, LPINT err)
{
    ULONGLONG deadline = GetTickCount64() + (ULONGLONG)interval * 1000;
    u_long blocking = 0;
    DWORD returned;
    int result, ignored;

    /* only a blocking close waits below; the note's background close of a
     * non-blocking socket makes it blocking first (its notifications are
     * already off, so the provider allows it) */
    so->lower->procs.lpWSPIoctl(so->link.handle, FIONBIO, &blocking, sizeof(blocking), NULL, 0,
                                &returned, NULL, NULL, NULL, &ignored);
    linger_below(so, 1, (u_short)interval);
    /* a provider that still answers as non-blocking: ask again, as an
     * application would, until the interval ends; then reset */
    while ((result = so->lower->procs.lpWSPCloseSocket(so->link.handle, err)) == SOCKET_ERROR &&
           *err == WSAEWOULDBLOCK) {
        if (GetTickCount64() >= deadline) {
            linger_below(so, 1, 0);
            return so->lower->procs.lpWSPCloseSocket(so->link.handle, err);
        }
        Sleep(RETRY_POLL_MS);
    }
    return result;
}
