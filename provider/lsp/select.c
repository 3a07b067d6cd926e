/*
 * select.c - WSPSelect: a blocking call like any other, so a closesocket of
 * one of its sockets from another thread interrupts it with WSAEINTR.
 *
 * The sets go down unchanged (IFS handles) to the provider below; the
 * contexts of all sockets in them are held for the length of the wait.
 * closesocket cancels the socket's I/O, which also ends a host select
 * waiting on it.  Sockets over different providers below (IrDA and TCP in
 * one select) are split among them (ws2/select_split.c).  A select
 * during which one of its sockets began closing reports WSAEINTR even when
 * the provider below came back with a count: the close may be what made
 * the socket look ready, and a handle that is already dead must not be
 * reported readable.  Readiness is level-triggered, so a caller that
 * selects again on its other sockets loses nothing.
 *
 * The sets of such a select come back as Windows writes them when a close
 * ends a select's wait (the CE page speaks of the result, not the sets):
 * the closed sockets stay in the read set, where Windows reports them
 * readable, and leave the write and except sets, and no other socket is
 * in any set (Wine's test_select, sock.c:4525 and 4538).  The result is
 * still CE's SOCKET_ERROR/WSAEINTR.  Sets of a select refused before its
 * wait (a handle already closed) stay as given, as on Windows.
 */
#include "celsp.h"
#include "select_split.h"

struct held {
    struct lsp_socket **so;     /* the read set's first, then write, except */
    size_t count;
    size_t read_count;          /* how many of them came from the read set */
};

static void release(struct held *h)
{
    size_t i;
    for (i = 0; i < h->count; i++)
        socket_context_dereference(h->so[i]);
    free(h->so);
}

static int hold_all(fd_set *sets[3], struct held *h, LPINT err)
{
    size_t total = 0;
    u_int i;
    int k;

    for (k = 0; k < 3; k++)
        if (sets[k])
            total += sets[k]->fd_count;
    h->so = calloc(total ? total : 1, sizeof(*h->so));
    h->count = 0;
    h->read_count = 0;
    if (!h->so) {
        *err = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    for (k = 0; k < 3; k++) {
        if (!sets[k])
            continue;
        for (i = 0; i < sets[k]->fd_count; i++) {
            struct lsp_socket *so = socket_context_lookup(sets[k]->fd_array[i], err);
            if (!so)
                return SOCKET_ERROR;
            h->so[h->count++] = so;     /* held: a close finds a call inside and cancels */
        }
        if (k == 0)
            h->read_count = h->count;
    }
    if (!h->count) {
        *err = WSAEINVAL;
        return SOCKET_ERROR;
    }
    return 0;
}

/* select_split's owner: the provider DLL below (its select takes all of its
 * sockets, whichever of its catalog entries made them). */
static void *owner_of(void *ctx, SOCKET s, void **hint, int *err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    void *owner;
    (void)ctx;

    if (!so)
        return NULL;
    *hint = so->lower;
    owner = so->lower->module;
    socket_context_dereference(so);   /* hold_all holds it for the whole call */
    return owner;
}

static int lower_select(void *ctx, void *hint, fd_set *sets[3], const struct timeval *timeout,
                        int *err)
{
    struct lower *lower = hint;
    (void)ctx;
    return lower->procs.lpWSPSelect(0, sets[0], sets[1], sets[2], (const PTIMEVAL)timeout, err);
}

static const struct select_split_ops split_ops = { owner_of, lower_select };

/* The sets as Windows leaves them after a close ended the wait: only the
 * closing sockets of the read set. */
static void sets_after_close(fd_set *sets[3], const struct held *h)
{
    size_t i;
    if (sets[0]) {
        sets[0]->fd_count = 0;
        for (i = 0; i < h->read_count; i++)
            if (h->so[i]->closing)
                sets[0]->fd_array[sets[0]->fd_count++] = h->so[i]->link.handle;
    }
    if (sets[1])
        sets[1]->fd_count = 0;
    if (sets[2])
        sets[2]->fd_count = 0;
}

int WSPAPI lsp_select(int nfds, fd_set *r, fd_set *w, fd_set *e, const PTIMEVAL timeout,
                      LPINT err)
{
    fd_set *sets[3] = { r, w, e };
    struct held held = { NULL, 0, 0 };
    int result = SOCKET_ERROR;
    size_t i;
    (void)nfds;

    if (hold_all(sets, &held, err) == 0) {
        result = select_split(&split_ops, NULL, sets, timeout, err);
        for (i = 0; i < held.count; i++)
            if (held.so[i]->closing) {
                result = SOCKET_ERROR;
                *err = WSAEINTR;
                sets_after_close(sets, &held);
                break;
            }
    }
    release(&held);
    return result;
}
