/*
 * select_split.c - one select over sockets of several owners (select_split.h).
 *
 * With one owner the call goes straight through: that owner can block in
 * its own way (the host's select, IrDA's station condition) and be woken
 * by a close.  With several, no one wait covers them all, so each owner is
 * asked with a zero timeout in turn and the thread sleeps between rounds,
 * 1 ms at first, doubling to 16 ms: a socket that becomes ready is seen
 * within a round, and a long select costs little CPU.
 */
#include <winsock2.h>
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include "select_split.h"

struct group {
    void *owner;
    void *hint;
    fd_set *in[3];      /* the owner's sockets from each application set */
    fd_set *scratch[3]; /* a copy its select clears in place */
};

struct split {
    struct group *groups;
    size_t count;
    void *one_block;    /* every set of every group, allocated together */
};

static void split_free(struct split *sp)
{
    free(sp->groups);
    free(sp->one_block);
}

static struct group *group_for(struct split *sp, void *owner, void *hint)
{
    size_t i;
    for (i = 0; i < sp->count; i++)
        if (sp->groups[i].owner == owner)
            return &sp->groups[i];
    sp->groups[sp->count].owner = owner;
    sp->groups[sp->count].hint = hint;
    return &sp->groups[sp->count++];
}

/* Sorts every socket into its owner's group; 0 or a Winsock error. */
static int split_build(const struct select_split_ops *ops, void *ctx, fd_set *sets[3],
                       struct split *sp)
{
    size_t total = 0, bytes_per_group = 0, g;
    char *block;
    u_int i;
    int k, err = 0;

    memset(sp, 0, sizeof(*sp));
    for (k = 0; k < 3; k++)
        if (sets[k]) {
            total += sets[k]->fd_count;
            bytes_per_group += 2 * SELECT_SET_BYTES(sets[k]->fd_count);
        }
    /* at most one group per socket */
    sp->groups = calloc(total ? total : 1, sizeof(*sp->groups));
    if (!sp->groups)
        return WSAENOBUFS;
    for (k = 0; k < 3; k++) {
        if (!sets[k])
            continue;
        for (i = 0; i < sets[k]->fd_count; i++) {
            void *hint = NULL;
            void *owner = ops->owner_of(ctx, sets[k]->fd_array[i], &hint, &err);
            if (!owner)
                return err ? err : WSAENOTSOCK;
            group_for(sp, owner, hint);
        }
    }
    if (sp->count < 2)
        return 0;
    /* each group gets sets as large as the application's, and their copies */
    sp->one_block = block = calloc(sp->count, bytes_per_group);
    if (!block)
        return WSAENOBUFS;
    for (g = 0; g < sp->count; g++)
        for (k = 0; k < 3; k++) {
            if (!sets[k])
                continue;
            sp->groups[g].in[k] = (fd_set *)block;
            block += SELECT_SET_BYTES(sets[k]->fd_count);
            sp->groups[g].scratch[k] = (fd_set *)block;
            block += SELECT_SET_BYTES(sets[k]->fd_count);
        }
    for (k = 0; k < 3; k++) {
        if (!sets[k])
            continue;
        for (i = 0; i < sets[k]->fd_count; i++) {
            void *hint = NULL;
            void *owner = ops->owner_of(ctx, sets[k]->fd_array[i], &hint, &err);
            struct group *gr;
            if (!owner)
                return err ? err : WSAENOTSOCK;
            gr = group_for(sp, owner, hint);
            gr->in[k]->fd_array[gr->in[k]->fd_count++] = sets[k]->fd_array[i];
        }
    }
    return 0;
}

/* One round: every group with a zero timeout; results gathered into sets. */
static int split_round(const struct select_split_ops *ops, void *ctx, struct split *sp,
                       fd_set *sets[3], int *err)
{
    static const struct timeval zero = { 0, 0 };
    int ready = 0, k;
    size_t g;
    u_int i;

    for (g = 0; g < sp->count; g++) {
        struct group *gr = &sp->groups[g];
        fd_set *s3[3] = { NULL, NULL, NULL };
        int n;
        for (k = 0; k < 3; k++)
            if (gr->in[k] && gr->in[k]->fd_count) {
                memcpy(gr->scratch[k], gr->in[k], SELECT_SET_BYTES(gr->in[k]->fd_count));
                s3[k] = gr->scratch[k];
            }
        n = ops->select(ctx, gr->hint, s3, &zero, err);
        if (n == SOCKET_ERROR)
            return SOCKET_ERROR;
        ready += n;
    }
    if (!ready)
        return 0;
    /* the application's sets become the union of what each owner found ready */
    for (k = 0; k < 3; k++) {
        if (!sets[k])
            continue;
        sets[k]->fd_count = 0;
        for (g = 0; g < sp->count; g++) {
            struct group *gr = &sp->groups[g];
            if (!gr->in[k] || !gr->in[k]->fd_count)
                continue;
            for (i = 0; i < gr->scratch[k]->fd_count; i++)
                sets[k]->fd_array[sets[k]->fd_count++] = gr->scratch[k]->fd_array[i];
        }
    }
    return ready;
}

int select_split(const struct select_split_ops *ops, void *ctx, fd_set *sets[3],
                 const struct timeval *timeout, int *err)
{
    struct split sp;
    ULONGLONG deadline = 0, now;
    DWORD nap = 1;
    int result = SOCKET_ERROR, k;

    *err = split_build(ops, ctx, sets, &sp);
    if (*err)
        goto done;
    if (sp.count == 0) {
        /* nothing to wait for: Winsock says the arguments are wrong */
        *err = WSAEINVAL;
        goto done;
    }
    if (sp.count == 1) {
        result = ops->select(ctx, sp.groups[0].hint, sets, timeout, err);
        goto done;
    }
    if (timeout)
        deadline = GetTickCount64() + (ULONGLONG)timeout->tv_sec * 1000 +
                   ((ULONGLONG)timeout->tv_usec + 999) / 1000;
    for (;;) {
        result = split_round(ops, ctx, &sp, sets, err);
        if (result != 0)
            break;
        now = GetTickCount64();
        if (timeout && now >= deadline) {
            for (k = 0; k < 3; k++)
                if (sets[k])
                    sets[k]->fd_count = 0;
            break;
        }
        Sleep(timeout && deadline - now < nap ? (DWORD)(deadline - now) : nap);
        if (nap < 16)
            nap *= 2;
    }
done:
    split_free(&sp);
    if (result != SOCKET_ERROR)
        *err = 0;
    return result;
}
