/*
 * async_relay.c - WSPAsyncSelect over a provider's WSPEventSelect
 * (async_relay.h says what and why).
 *
 * Each selected socket is a watch: the window, the message, the events
 * and an event object of ours that the provider signals.  Watches live in
 * groups of up to 63, one watcher thread per group waiting on the group's
 * events and on its wake event (MAXIMUM_WAIT_OBJECTS is 64).  One lock
 * covers every watch: a message is posted only under it and only for a
 * live watch, so once async_relay_forget has marked a watch dead no
 * message follows.  A dead watch's event is closed by its own watcher
 * thread, the only one that may be waiting on it, when it next rebuilds
 * its wait list.
 */
#include "async_relay.h"
#include <stdlib.h>
#include <string.h>

enum { GROUP_SLOTS = MAXIMUM_WAIT_OBJECTS - 1, STOP_WAIT_MS = 5000 };

struct group;

struct watch {
    SOCKET s;
    HWND window;
    unsigned int message;
    __LONG32 events;
    WSAEVENT event;
    const struct async_relay_ops *ops;
    struct group *group;
    BOOL dead;
    BOOL closed;        /* FD_CLOSE posted since the last WSAAsyncSelect: it comes once */
};

struct group {
    struct group *next;
    HANDLE thread, wake;
    struct watch *slot[GROUP_SLOTS];
    int count;
    BOOL stop;
};

static SRWLOCK lock = SRWLOCK_INIT;
static struct group *groups;
static LONG live_watches;   /* read without the lock by async_relay_poke, as a hint */

/* Marks w dead (lock held): nothing more is posted for it. */
static void kill(struct watch *w)
{
    if (!w->dead) {
        w->dead = TRUE;
        InterlockedDecrement(&live_watches);
    }
}

/*
 * The order messages go out in when one look at the provider finds
 * several events: a connection's start before its data, data before the
 * end (Windows posts FD_CONNECT before FD_WRITE, FD_READ before FD_WRITE
 * and FD_CLOSE; Wine's own tests check the first two).
 */
static const int post_order[] = {
    FD_CONNECT_BIT, FD_ACCEPT_BIT, FD_READ_BIT, FD_OOB_BIT, FD_WRITE_BIT, FD_CLOSE_BIT,
    FD_QOS_BIT, FD_GROUP_QOS_BIT, FD_ROUTING_INTERFACE_CHANGE_BIT, FD_ADDRESS_LIST_CHANGE_BIT,
};

/* The live watch of s (lock held). */
static struct watch *find(SOCKET s)
{
    for (struct group *g = groups; g; g = g->next)
        for (int i = 0; i < g->count; i++)
            if (g->slot[i]->s == s && !g->slot[i]->dead)
                return g->slot[i];
    return NULL;
}

/* Drops the group's dead watches (lock held; only its watcher thread, or
 * async_relay_stop once that thread is gone, calls this). */
static void reap(struct group *g)
{
    int kept = 0;

    for (int i = 0; i < g->count; i++) {
        struct watch *w = g->slot[i];
        if (w->dead) {
            CloseHandle(w->event);
            free(w);
        } else {
            g->slot[kept++] = w;
        }
    }
    g->count = kept;
}

/* What the provider recorded for w, as messages (lock held). */
static void deliver(struct watch *w)
{
    WSANETWORKEVENTS recorded;
    int err;

    memset(&recorded, 0, sizeof(recorded));
    if (w->ops->enum_network_events(w->s, w->event, &recorded, &err)) {
        /* the socket is gone under us (its handle closed with CloseHandle):
         * nothing will be recorded for it any more */
        ResetEvent(w->event);
        kill(w);
        SetEvent(w->group->wake);
        return;
    }
    for (size_t i = 0; i < sizeof(post_order) / sizeof(post_order[0]); i++) {
        int bit = post_order[i];
        if (!(recorded.lNetworkEvents & w->events & (1L << bit)))
            continue;
        /* the provider may record the end a moment after start_afresh
         * posted it: FD_CLOSE still comes once */
        if (bit == FD_CLOSE_BIT) {
            if (w->closed)
                continue;
            w->closed = TRUE;
        }
        w->ops->post_message(w->window, w->message, (WPARAM)w->s,
                             WSAMAKESELECTREPLY(1L << bit, recorded.iErrorCode[bit]));
    }
}

/* The conditions that hold for s now, as network events. */
static __LONG32 conditions_now(const struct async_relay_ops *ops, SOCKET s)
{
    fd_set readable, writable, exceptional;
    TIMEVAL zero = { 0, 0 };
    struct sockaddr_storage peer;
    int err, type = 0, listening = 0, length = sizeof(type), peer_length = sizeof(peer);
    u_long queued = 0;
    DWORD returned = 0;
    __LONG32 now = 0;

    if (ops->get_sock_opt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &length, &err))
        return 0;
    length = sizeof(listening);
    if (ops->get_sock_opt(s, SOL_SOCKET, SO_ACCEPTCONN, (char *)&listening, &length, &err))
        listening = 0;
    /* a stream socket that is neither listening nor connected has nothing
     * to say (a fresh socket, a connect in progress) */
    if (type == SOCK_STREAM && !listening &&
        ops->get_peer_name(s, (struct sockaddr *)&peer, &peer_length, &err))
        return 0;
    readable.fd_count = writable.fd_count = exceptional.fd_count = 1;
    readable.fd_array[0] = writable.fd_array[0] = exceptional.fd_array[0] = s;
    if (ops->select(0, &readable, listening ? NULL : &writable,
                    listening || type != SOCK_STREAM ? NULL : &exceptional, &zero,
                    &err) == SOCKET_ERROR)
        return 0;
    /* a connected stream socket's exceptional condition is urgent data */
    if (!listening && type == SOCK_STREAM && exceptional.fd_count == 1)
        now |= FD_OOB;
    if (readable.fd_count == 1) {
        if (listening)
            now |= FD_ACCEPT;
        else if (!ops->ioctl(s, FIONREAD, NULL, 0, &queued, sizeof(queued), &returned, NULL,
                             NULL, NULL, &err) && queued > 0)
            now |= FD_READ;
        else if (type == SOCK_STREAM && !(now & FD_OOB))
            now |= FD_CLOSE;        /* readable with nothing to read: the end */
    }
    if (!listening && writable.fd_count == 1)
        now |= FD_WRITE;
    return now;
}

/*
 * A new WSAAsyncSelect (lock held): what the provider recorded before is
 * read and dropped, and what holds now is posted, in the usual order.
 */
static void start_afresh(struct watch *w)
{
    WSANETWORKEVENTS dropped;
    __LONG32 now;
    int err;

    w->ops->enum_network_events(w->s, w->event, &dropped, &err);
    now = conditions_now(w->ops, w->s) & w->events;
    w->closed = (now & FD_CLOSE) != 0;
    for (size_t i = 0; i < sizeof(post_order) / sizeof(post_order[0]); i++)
        if (now & (1L << post_order[i]))
            w->ops->post_message(w->window, w->message, (WPARAM)w->s,
                                 WSAMAKESELECTREPLY(1L << post_order[i], 0));
}

static DWORD WINAPI watcher(void *arg)
{
    struct group *g = arg;
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    struct watch *seen[GROUP_SLOTS];

    for (;;) {
        DWORD n, r;

        AcquireSRWLockExclusive(&lock);
        reap(g);
        if (g->stop) {
            ReleaseSRWLockExclusive(&lock);
            return 0;
        }
        n = (DWORD)g->count;
        handles[0] = g->wake;
        for (DWORD i = 0; i < n; i++) {
            seen[i] = g->slot[i];
            handles[i + 1] = seen[i]->event;
        }
        ReleaseSRWLockExclusive(&lock);

        r = WaitForMultipleObjects(n + 1, handles, FALSE, INFINITE);
        if (r == WAIT_FAILED) {
            Sleep(1);       /* not expected: every handle is ours and open */
            continue;
        }
        if (r == WAIT_OBJECT_0 || r > WAIT_OBJECT_0 + n)
            continue;
        /* the one that woke us, and any other already signalled, so that a
         * busy socket early in the list cannot starve the later ones */
        AcquireSRWLockExclusive(&lock);
        for (DWORD i = r - WAIT_OBJECT_0 - 1; i < n; i++)
            if (!seen[i]->dead && WaitForSingleObject(seen[i]->event, 0) == WAIT_OBJECT_0)
                deliver(seen[i]);
        ReleaseSRWLockExclusive(&lock);
    }
}

/* A group with a free slot, made (with its thread) when none has one
 * (lock held); NULL when out of resources. */
static struct group *group_with_room(void)
{
    struct group *g;

    for (g = groups; g; g = g->next)
        if (g->count < GROUP_SLOTS && !g->stop)
            return g;
    g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->wake = CreateEventW(NULL, FALSE, FALSE, NULL);
    g->thread = g->wake ? CreateThread(NULL, 0, watcher, g, 0, NULL) : NULL;
    if (!g->thread) {
        if (g->wake)
            CloseHandle(g->wake);
        free(g);
        return NULL;
    }
    g->next = groups;
    groups = g;
    return g;
}

/* A new watch for s in some group (lock held), or NULL. */
static struct watch *watch_add(const struct async_relay_ops *ops, SOCKET s)
{
    struct watch *w = calloc(1, sizeof(*w));
    struct group *g;

    if (!w)
        return NULL;
    w->event = CreateEventW(NULL, TRUE, FALSE, NULL);
    g = w->event ? group_with_room() : NULL;
    if (!g) {
        if (w->event)
            CloseHandle(w->event);
        free(w);
        return NULL;
    }
    w->s = s;
    w->ops = ops;
    w->group = g;
    g->slot[g->count++] = w;
    InterlockedIncrement(&live_watches);
    return w;
}

void async_relay_forget(SOCKET s)
{
    struct watch *w;

    AcquireSRWLockExclusive(&lock);
    w = find(s);
    if (w) {
        kill(w);
        SetEvent(w->group->wake);
    }
    ReleaseSRWLockExclusive(&lock);
}

void async_relay_poke(SOCKET s)
{
    struct watch *w;

    if (!InterlockedCompareExchange(&live_watches, 0, 0))
        return;
    AcquireSRWLockExclusive(&lock);
    w = find(s);
    if (w && WaitForSingleObject(w->event, 0) != WAIT_OBJECT_0) {
        /* a look at the socket's state lets the provider record what the
         * call just changed (Wine's server notes an end of stream when it
         * polls the socket) before we look at what it recorded */
        fd_set readable;
        TIMEVAL zero = { 0, 0 };
        int err;
        readable.fd_count = 1;
        readable.fd_array[0] = s;
        w->ops->select(0, &readable, NULL, NULL, &zero, &err);
    }
    if (w && WaitForSingleObject(w->event, 0) == WAIT_OBJECT_0)
        deliver(w);
    ReleaseSRWLockExclusive(&lock);
}

int async_relay_select(const struct async_relay_ops *ops, SOCKET s, HWND window,
                       unsigned int message, __LONG32 events, LPINT err)
{
    struct watch *w, before;
    BOOL added = FALSE;
    int result;

    if (!events) {
        /* cancelled: no more messages; the socket stays non-blocking */
        async_relay_forget(s);
        return ops->event_select(s, NULL, 0, err);
    }
    AcquireSRWLockExclusive(&lock);
    w = find(s);
    if (!w) {
        w = watch_add(ops, s);
        if (!w) {
            ReleaseSRWLockExclusive(&lock);
            *err = WSAENOBUFS;
            return SOCKET_ERROR;
        }
        added = TRUE;
    }
    before = *w;
    w->window = window;
    w->message = message;
    w->events = events;
    w->ops = ops;
    result = ops->event_select(s, w->event, events, err);
    if (result) {
        if (added)
            kill(w);
        else
            *w = before;
    } else {
        start_afresh(w);
    }
    SetEvent(w->group->wake);
    ReleaseSRWLockExclusive(&lock);
    return result;
}

void async_relay_inherit(const struct async_relay_ops *ops, SOCKET listener, SOCKET accepted)
{
    struct watch *w, copy;
    int err;

    AcquireSRWLockExclusive(&lock);
    w = find(listener);
    if (w)
        copy = *w;
    ReleaseSRWLockExclusive(&lock);
    if (w)
        async_relay_select(ops, accepted, copy.window, copy.message, copy.events, &err);
}

void async_relay_stop(void)
{
    struct group *all, *g, *next;

    AcquireSRWLockExclusive(&lock);
    all = groups;
    groups = NULL;
    for (g = all; g; g = g->next) {
        g->stop = TRUE;
        for (int i = 0; i < g->count; i++)
            kill(g->slot[i]);
        SetEvent(g->wake);
    }
    ReleaseSRWLockExclusive(&lock);
    for (g = all; g; g = next) {
        next = g->next;
        /* a thread that does not end in time keeps its group (and its
         * memory): freeing what it may still read would be worse */
        if (WaitForSingleObject(g->thread, STOP_WAIT_MS) != WAIT_OBJECT_0)
            continue;
        AcquireSRWLockExclusive(&lock);
        reap(g);
        ReleaseSRWLockExclusive(&lock);
        CloseHandle(g->thread);
        CloseHandle(g->wake);
        free(g);
    }
}
