/*
 * linger.c - SO_LINGER, SO_DONTLINGER and SO_CEWS_LINGER_NOTE.
 *
 * These are kept here and never passed down: the host's own linger would
 * change how the host closes (and Wine's ignores it anyway), while the
 * contract is ours to keep.  The error codes are the documented ones:
 * WSAEFAULT for a missing or short buffer, WSAENOPROTOOPT for a linger
 * option on a socket that is not connection-oriented.
 *
 * SO_DONTLINGER and SO_CEWS_LINGER_NOTE are BOOLs, taken and given back as
 * Windows does its BOOL socket options (SO_REUSEADDR, SO_OOBINLINE, ...):
 * any length is accepted and its bytes, up to four, are the value; read
 * back, a buffer of four bytes or more gets four, a shorter one gets what
 * fits and *optlen says 1.  A struct linger read into too short a buffer
 * fails, the buffer zeroed as far as it goes, as on Windows.
 *
 * Lengths given to set are compared unsigned, as Windows compares them: an
 * optlen of -1 is a very long buffer, so SO_DONTLINGER reads its four bytes
 * and SO_LINGER its struct linger from it and both succeed (Wine's
 * test_set_getsockopt, sock.c:1495).  Read back, *optlen is the caller's
 * buffer size and a negative one stays WSAEFAULT, as on Windows.
 */
#include "celsp.h"

/* A BOOL as given: its first bytes (up to four, little-endian); none is FALSE. */
static int bool_from(const char *value, int length, BOOL *flag)
{
    DWORD bits = 0;
    size_t given = (unsigned)length;

    if (!value)
        return WSAEFAULT;
    memcpy(&bits, value, given < sizeof(bits) ? given : sizeof(bits));
    *flag = bits != 0;
    return 0;
}

/* A BOOL given back: four bytes, or as many as fit with *length then 1. */
static int bool_to(BOOL flag, char *value, int *length)
{
    DWORD bits = flag ? 1 : 0;

    if (!value || !length || *length < 1)
        return WSAEFAULT;
    if (*length >= (int)sizeof(bits)) {
        memcpy(value, &bits, sizeof(bits));
        *length = sizeof(bits);
    } else {
        memset(value, 0, (size_t)*length);
        value[0] = (char)bits;
        *length = 1;
    }
    return 0;
}

static BOOL is_linger_option(int optname)
{
    return optname == SO_LINGER || optname == SO_DONTLINGER;
}

/* Returns 0 or a Winsock error; the caller has checked level == SOL_SOCKET. */
int linger_set(struct lsp_socket *so, int optname, const char *value, int length)
{
    struct linger l;
    BOOL flag;
    int err;

    if (optname == SO_CEWS_LINGER_NOTE) {
        if ((err = bool_from(value, length, &flag)) != 0)
            return err;
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
        if (!value || (unsigned)length < sizeof(struct linger))
            return WSAEFAULT;
        memcpy(&l, value, sizeof(l));
        AcquireSRWLockExclusive(&so->lock);
        so->linger = l;
        ReleaseSRWLockExclusive(&so->lock);
        return 0;
    }
    /* SO_DONTLINGER: a BOOL that flips l_onoff and keeps the interval */
    if ((err = bool_from(value, length, &flag)) != 0)
        return err;
    AcquireSRWLockExclusive(&so->lock);
    so->linger.l_onoff = flag ? 0 : 1;
    ReleaseSRWLockExclusive(&so->lock);
    return 0;
}

int linger_get(struct lsp_socket *so, int optname, char *value, int *length)
{
    BOOL flag;

    if (optname == SO_CEWS_LINGER_NOTE) {
        AcquireSRWLockShared(&so->lock);
        flag = so->linger_note;
        ReleaseSRWLockShared(&so->lock);
        return bool_to(flag, value, length);
    }
    if (!is_linger_option(optname) || so->type != SOCK_STREAM)
        return WSAENOPROTOOPT;
    if (optname == SO_LINGER) {
        struct linger l;
        if (!value || !length || *length < (int)sizeof(struct linger)) {
            if (value && length && *length > 0)
                memset(value, 0, (size_t)*length);
            return WSAEFAULT;
        }
        AcquireSRWLockShared(&so->lock);
        l = so->linger;
        ReleaseSRWLockShared(&so->lock);
        memcpy(value, &l, sizeof(l));
        *length = sizeof(l);
        return 0;
    }
    AcquireSRWLockShared(&so->lock);
    flag = so->linger.l_onoff == 0;
    ReleaseSRWLockShared(&so->lock);
    return bool_to(flag, value, length);
}
