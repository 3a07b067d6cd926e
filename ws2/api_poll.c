/*
 * api_poll.c - WSAPoll: a desktop extension (Windows Vista and later).
 *
 * Built on select's body (api_select.c), so every socket is asked through
 * its own provider's WSPSelect, however many providers the array spans.
 * The select sets say readable, writable, failed; the provider's own
 * answers (FIONREAD, SO_ACCEPTCONN, SO_ERROR) turn them into poll's
 * finer flags: a readable connected stream with nothing to read has been
 * closed by its peer (POLLHUP), a failed one has an error (POLLERR).
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
    if (PROVIDER_CALL(r).lpWSPGetSockOpt(r->handle, SOL_SOCKET, name, (char *)&value, &len, &err))
        return def;
    return value;
}

/* What select found for one entry, in poll's terms. */
static SHORT poll_flags(WSAPOLLFD *fd, BOOL readable, BOOL writable, BOOL failed)
{
    struct socket_record *r = socket_table_lookup(fd->fd);
    SHORT revents = 0;

    if (!r)
        return POLLNVAL;  /* closed while we waited */
    if (failed) {
        if (option_of(r, SO_ERROR, 0))
            revents |= POLLERR;
        else if (fd->events & POLLPRI)
            revents |= POLLPRI;   /* out-of-band data */
    }
    if (readable) {
        u_long pending = 0;
        DWORD returned;
        int err;
        BOOL stream = r->entry->info.iSocketType == SOCK_STREAM;
        if (stream && !option_of(r, SO_ACCEPTCONN, 0) &&
            PROVIDER_CALL(r).lpWSPIoctl(r->handle, FIONREAD, NULL, 0, &pending, sizeof(pending),
                                        &returned, NULL, NULL, NULL, &err) == 0 &&
            pending == 0)
            revents |= POLLHUP | (fd->events & POLLRDNORM);
        else
            revents |= fd->events & POLLRDNORM;   /* RDBAND is out-of-band data only */
    }
    /* a connection the peer has closed is not reported writable */
    if (writable && !(revents & POLLHUP))
        revents |= fd->events & (POLLWRNORM | POLLWRBAND);
    socket_record_dereference(r);
    return revents;
}

static int poll_core(WSAPOLLFD *fds, ULONG count, INT timeout, struct socket_record **first,
                     int *err)
{
    fd_set *sets[3] = { NULL, NULL, NULL };
    struct timeval tv, *tvp = NULL;
    int ready = 0, k, n;
    ULONG i;

    *first = NULL;
    if (!api_writable(fds, (size_t)count * sizeof(*fds))) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    for (i = 0; i < count; i++)
        if (fds[i].fd != INVALID_SOCKET && (fds[i].events & ~POLL_ASKABLE)) {
            *err = WSAEINVAL;
            return SOCKET_ERROR;
        }
    for (k = 0; k < 3; k++)
        if (!(sets[k] = set_allocate(count))) {
            *err = WSAENOBUFS;
            ready = SOCKET_ERROR;
            goto done;
        }
    /* handles that are not sockets are answered at once, without waiting */
    for (i = 0; i < count; i++) {
        struct socket_record *r;
        fds[i].revents = 0;
        if (fds[i].fd == INVALID_SOCKET) {
            fds[i].revents = POLLNVAL;
            continue;
        }
        if (!(r = socket_table_lookup(fds[i].fd))) {
            /* reported, but not counted: Windows counts only sockets */
            fds[i].revents = POLLNVAL;
            continue;
        }
        socket_record_dereference(r);
        if (fds[i].events & (POLLRDNORM | POLLRDBAND))
            sets[0]->fd_array[sets[0]->fd_count++] = fds[i].fd;
        if (fds[i].events & (POLLWRNORM | POLLWRBAND))
            sets[1]->fd_array[sets[1]->fd_count++] = fds[i].fd;
        /* errors and hang-ups are reported whatever was asked */
        sets[2]->fd_array[sets[2]->fd_count++] = fds[i].fd;
    }
    if (!sets[2]->fd_count) {
        /* not one socket among them: Windows fails the call */
        *err = WSAENOTSOCK;
        ready = SOCKET_ERROR;
        goto done;
    }
    if (timeout >= 0) {
        tv.tv_sec = timeout / 1000;
        tv.tv_usec = (timeout % 1000) * 1000;
        tvp = &tv;
    }
    n = api_select_core(sets, tvp, first, err);
    if (n == SOCKET_ERROR) {
        ready = SOCKET_ERROR;
        goto done;
    }
    for (i = 0; i < count; i++) {
        if (fds[i].revents == POLLNVAL)
            continue;
        fds[i].revents = poll_flags(&fds[i], api_fd_is_set(fds[i].fd, sets[0]),
                                    api_fd_is_set(fds[i].fd, sets[1]),
                                    api_fd_is_set(fds[i].fd, sets[2]));
        if (fds[i].revents)
            ready++;
    }
done:
    for (k = 0; k < 3; k++)
        free(sets[k]);
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
