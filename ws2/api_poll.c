/*
 * api_poll.c - WSAPoll: a desktop extension (Windows Vista and later).
 *
 * Built on select's body (api_select.c), so every socket is asked through
 * its own provider's WSPSelect, however many providers the array spans.
 * The select sets say readable, writable, failed; the provider's own
 * answers (FIONREAD, SO_ACCEPTCONN, SO_ERROR) turn them into poll's
 * finer flags: a readable connected stream with nothing to read has been
 * closed by its peer (POLLHUP, still writable as Windows reports it), a
 * failed one has an error (POLLERR) or out-of-band data (POLLRDBAND).
 * A hang-up that was a reset is POLLERR too, as Windows reports it for as
 * long as the socket lives; once a recv has been told of the reset only
 * the provider's own poll still knows (SIO_CEWS_POLL_STATE, cews2.h).
 */
#include "ws2_private.h"

#define POLL_ASKABLE (POLLRDNORM | POLLRDBAND | POLLPRI | POLLWRNORM | POLLWRBAND)

static fd_set *set_allocate(ULONG n)
{
    fd_set *set = malloc(sizeof(u_int) + ((size_t)n + 1) * sizeof(SOCKET));
    if (set)
        set->fd_count = 0;
    return set;
}

/* An int option of s, asked of its provider; def when it does not answer. */
static int option_of(struct socket_record *r, int name, int def)
{
    int value = 0, len = sizeof(value), err;
    if (PROVIDER_CALL(r).lpWSPGetSockOpt(r->link.handle, SOL_SOCKET, name, (char *)&value, &len, &err))
        return def;
    return value;
}

/* Whether the provider's own poll says the connection was reset (POLLERR);
 * FALSE when it cannot tell. */
static BOOL provider_says_reset(struct socket_record *r)
{
    ULONG state = 0;
    DWORD returned = 0;
    int err;
    if (PROVIDER_CALL(r).lpWSPIoctl(r->link.handle, SIO_CEWS_POLL_STATE, NULL, 0, &state, sizeof(state),
                                    &returned, NULL, NULL, NULL, &err))
        return FALSE;
    return (state & POLLERR) != 0;
}

/* What select found for one entry, in poll's terms.  *idle is set when the
 * socket was readable only for data nobody asked about. */
static SHORT poll_flags(WSAPOLLFD *fd, BOOL readable, BOOL writable, BOOL failed, BOOL *idle)
{
    struct socket_record *r = socket_table_lookup(fd->fd);
    SHORT revents = 0;

    *idle = FALSE;
    if (!r)
        return POLLNVAL;  /* closed while we waited */
    if (failed) {
        if (option_of(r, SO_ERROR, 0))
            revents |= POLLERR;
        else
            revents |= fd->events & (POLLRDBAND | POLLPRI);   /* out-of-band data */
    }
    if (readable) {
        u_long pending = 0;
        DWORD returned;
        int err;
        BOOL stream = r->entry->info.iSocketType == SOCK_STREAM;
        /* a readable connected stream with nothing to read: the peer is gone
         * (POLLHUP, whatever was asked, and no POLLRDNORM, as on Windows) */
        if (stream && !option_of(r, SO_ACCEPTCONN, 0) &&
            PROVIDER_CALL(r).lpWSPIoctl(r->link.handle, FIONREAD, NULL, 0, &pending, sizeof(pending),
                                        &returned, NULL, NULL, NULL, &err) == 0 &&
            pending == 0) {
            revents |= POLLHUP;
            if (provider_says_reset(r))
                revents |= POLLERR;
        }
        else if (fd->events & POLLRDNORM)
            revents |= POLLRDNORM;   /* RDBAND is out-of-band data only */
        else
            *idle = TRUE;
    }
    if (writable)
        revents |= fd->events & (POLLWRNORM | POLLWRBAND);
    socket_record_dereference(r);
    return revents;
}

static void remove_from(fd_set *set, SOCKET s)
{
    u_int i;
    for (i = 0; i < set->fd_count; i++)
        if (set->fd_array[i] == s) {
            set->fd_array[i] = set->fd_array[--set->fd_count];
            return;
        }
}

static int poll_core(WSAPOLLFD *fds, ULONG count, INT timeout, struct socket_record **first,
                     int *err)
{
    fd_set *sets[3] = { NULL, NULL, NULL }, *asked[3] = { NULL, NULL, NULL };
    struct timeval tv, *tvp = NULL;
    ULONGLONG deadline = timeout >= 0 ? GetTickCount64() + (ULONGLONG)timeout : 0;
    int ready = 0, k, n, sockets = 0;
    ULONG i;

    *first = NULL;
    if (!api_writable(fds, (size_t)count * sizeof(*fds))) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    /* Windows' order: every revents is written; handles that are not
     * sockets are POLLNVAL and, when there is no socket at all, the call
     * fails with WSAENOTSOCK; then events outside poll's set fail it with
     * WSAEINVAL and every revents 0 */
    for (i = 0; i < count; i++) {
        struct socket_record *r = fds[i].fd == INVALID_SOCKET ? NULL : socket_table_lookup(fds[i].fd);
        fds[i].revents = r ? 0 : POLLNVAL;   /* reported, not counted: Windows counts sockets */
        if (r) {
            sockets++;
            socket_record_dereference(r);
        }
    }
    if (!sockets) {
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    for (i = 0; i < count; i++)
        if (fds[i].fd != INVALID_SOCKET && (fds[i].events & ~POLL_ASKABLE)) {
            for (i = 0; i < count; i++)
                fds[i].revents = 0;
            *err = WSAEINVAL;
            return SOCKET_ERROR;
        }
    for (k = 0; k < 3; k++)
        if (!(sets[k] = set_allocate(count)) || !(asked[k] = set_allocate(count))) {
            *err = WSAENOBUFS;
            ready = SOCKET_ERROR;
            goto done;
        }
    for (i = 0; i < count; i++) {
        if (fds[i].revents == POLLNVAL)
            continue;
        /* the read set for hang-ups too (reported whatever was asked), the
         * except set for errors and out-of-band data */
        asked[0]->fd_array[asked[0]->fd_count++] = fds[i].fd;
        if (fds[i].events & (POLLWRNORM | POLLWRBAND))
            asked[1]->fd_array[asked[1]->fd_count++] = fds[i].fd;
        asked[2]->fd_array[asked[2]->fd_count++] = fds[i].fd;
    }
    for (;;) {
        for (k = 0; k < 3; k++) {
            sets[k]->fd_count = asked[k]->fd_count;
            memcpy(sets[k]->fd_array, asked[k]->fd_array, asked[k]->fd_count * sizeof(SOCKET));
        }
        if (timeout >= 0) {
            ULONGLONG now = GetTickCount64(), left = deadline > now ? deadline - now : 0;
            tv.tv_sec = (long)(left / 1000);
            tv.tv_usec = (long)(left % 1000) * 1000;
            tvp = &tv;
        }
        if (*first) {
            socket_record_dereference(*first);
            *first = NULL;
        }
        n = api_select_core(sets, tvp, first, err);
        if (n == SOCKET_ERROR) {
            /* includes WSAEINTR for a socket closed in another thread: the
             * CE closesocket contract, as for select (ce-differences.txt) */
            ready = SOCKET_ERROR;
            goto done;
        }
        for (i = 0; i < count; i++) {
            BOOL idle;
            if (fds[i].revents == POLLNVAL)
                continue;
            fds[i].revents = poll_flags(&fds[i], api_fd_is_set(fds[i].fd, sets[0]),
                                        api_fd_is_set(fds[i].fd, sets[1]),
                                        api_fd_is_set(fds[i].fd, sets[2]), &idle);
            if (fds[i].revents)
                ready++;
            else if (idle)
                remove_from(asked[0], fds[i].fd);   /* unread data nobody asked about */
        }
        /* select woke only for data nobody asked about: wait on without it */
        if (ready || !n || (timeout >= 0 && GetTickCount64() >= deadline))
            break;
    }
done:
    for (k = 0; k < 3; k++) {
        free(sets[k]);
        free(asked[k]);
    }
    return ready;
}

int WSAAPI WSAPoll(WSAPOLLFD fds[], ULONG count, INT timeout)
{
    TRACE_START(t);
    struct socket_record *first = NULL;
    int err = 0, result = SOCKET_ERROR;

    if (!process_started())
        err = WSANOTINITIALISED;
    else if (!count)
        err = WSAEINVAL;
    else
        result = poll_core(fds, count, timeout, &first, &err);
    TRACE_API(t, first ? first->entry : NULL, result == SOCKET_ERROR ? err : 0,
              "WSAPoll(fds=0x%llx, count=%lu, timeout=%d) = %d", TP(fds), count, timeout, result);
    return api_finish("WSAPoll", INVALID_SOCKET, first, result, err);
}
