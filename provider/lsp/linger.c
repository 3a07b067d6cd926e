/*
 * linger.c - SO_LINGER, SO_DONTLINGER and SO_CEWS_LINGER_NOTE.
 *
 * These are kept here and never passed down: the host's own linger would
 * change how the host closes (and Wine's ignores it anyway), while the
 * contract is ours to keep.  The error codes are the documented ones:
 * WSAEFAULT for a missing or short buffer, WSAENOPROTOOPT for a linger
 * option on a socket that is not connection-oriented.
 */
#include "celsp.h"

static BOOL is_linger_option(int optname)
{
    return optname == SO_LINGER || optname == SO_DONTLINGER;
}

/* Returns 0 or a Winsock error; the caller has checked level == SOL_SOCKET. */
int linger_set(struct lsp_socket *so, int optname, const char *value, int length)
{
    struct linger l;
    int flag;

    if (optname == SO_CEWS_LINGER_NOTE) {
        if (!value || length < (int)sizeof(int))
            return WSAEFAULT;
        memcpy(&flag, value, sizeof(flag));
        AcquireSRWLockExclusive(&so->lock);
        so->linger_note = flag != 0;
        ReleaseSRWLockExclusive(&so->lock);
        return 0;
    }
    if (!is_linger_option(optname))
        return WSAENOPROTOOPT;
    if (so->type != SOCK_STREAM)
        return WSAENOPROTOOPT;
    if (optname == SO_LINGER) {
        if (!value || length < (int)sizeof(struct linger))
            return WSAEFAULT;
        memcpy(&l, value, sizeof(l));
        AcquireSRWLockExclusive(&so->lock);
        so->linger = l;
        ReleaseSRWLockExclusive(&so->lock);
        return 0;
    }
    /* SO_DONTLINGER: a BOOL that flips l_onoff and keeps the interval */
    if (!value || length < (int)sizeof(int))
        return WSAEFAULT;
    memcpy(&flag, value, sizeof(flag));
    AcquireSRWLockExclusive(&so->lock);
    so->linger.l_onoff = flag ? 0 : 1;
    ReleaseSRWLockExclusive(&so->lock);
    return 0;
}

int linger_get(struct lsp_socket *so, int optname, char *value, int *length)
{
    int flag;

    if (optname == SO_CEWS_LINGER_NOTE) {
        if (!value || !length || *length < (int)sizeof(int))
            return WSAEFAULT;
        AcquireSRWLockShared(&so->lock);
        flag = so->linger_note;
        ReleaseSRWLockShared(&so->lock);
        memcpy(value, &flag, sizeof(flag));
        *length = sizeof(flag);
        return 0;
    }
    if (!is_linger_option(optname) || so->type != SOCK_STREAM)
        return WSAENOPROTOOPT;
    if (optname == SO_LINGER) {
        struct linger l;
        if (!value || !length || *length < (int)sizeof(struct linger))
            return WSAEFAULT;
        AcquireSRWLockShared(&so->lock);
        l = so->linger;
        ReleaseSRWLockShared(&so->lock);
        memcpy(value, &l, sizeof(l));
        *length = sizeof(l);
        return 0;
    }
    if (!value || !length || *length < (int)sizeof(int))
        return WSAEFAULT;
    AcquireSRWLockShared(&so->lock);
    flag = so->linger.l_onoff == 0;
    ReleaseSRWLockShared(&so->lock);
    memcpy(value, &flag, sizeof(flag));
    *length = sizeof(flag);
    return 0;
}
