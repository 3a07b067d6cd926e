/*
 * poll_state.c - SIO_CEWS_POLL_STATE: the host's own poll flags for a socket.
 *
 * Windows keeps a connection's reset for as long as the socket lives:
 * WSAPoll reports POLLERR | POLLHUP for it even after a recv has been told
 * WSAECONNRESET, and SO_ERROR is 0 by then.  Above the host nothing can
 * tell that connection from one the peer closed with a FIN (Wine's host
 * gives a later recv 0), but the host's poll still knows, so ws2.dll's
 * WSAPoll asks it through this ioctl (sdk/include/cews2.h).
 */
#include "hostprov.h"

/*
 * WHY: only the host knows whether the connection was reset once a recv
 * has consumed the error.  (The output buffer has been checked by
 * WSPIoctl.)  A zero-timeout poll: it never blocks.
 */
int poll_state(SOCKET s, LPVOID out, LPDWORD bytes_returned, LPWSAOVERLAPPED overlapped,
               LPINT error)
{
    WSAPOLLFD fd;
    ULONG revents;

    if (overlapped) {
        *error = WSAEINVAL;
        return SOCKET_ERROR;
    }
    fd.fd = s;
    fd.events = POLLRDNORM | POLLWRNORM;
    fd.revents = 0;
    if (WSAPoll(&fd, 1, 0) == SOCKET_ERROR) {
        *error = WSAGetLastError();
        return SOCKET_ERROR;
    }
    revents = (USHORT)fd.revents;
    memcpy(out, &revents, sizeof(revents));
    if (bytes_returned)
        *bytes_returned = sizeof(revents);
    *error = NO_ERROR;
    return 0;
}
