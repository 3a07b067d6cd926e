/*
 * netdb_pack.c - a hostent, servent or protoent copied into one buffer,
 * the layout the WSAAsyncGetXByY calls hand back: the structure first,
 * then its pointer arrays (each NULL-terminated), then the addresses,
 * then the strings, every pointer pointing inside the buffer.
 *
 * The bytes are written to `out` but the pointers are made for `base`,
 * the caller's buffer: the answer is built aside and copied there in one
 * go once it is certain the request still stands (api_async_lookup.c).
 * Each function returns the size the whole answer needs and writes only
 * when that fits in `size`.
 */
#include "ws2_private.h"
#include "netdb_pack.h"

/* A cursor over the answer being built. */
struct pack {
    char *out;          /* where the bytes go (NULL: only measuring) */
    ULONG_PTR base;     /* what the pointers are made relative to */
    size_t used;
};

static size_t align_up(size_t n)
{
    return (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
}

/* Reserves n bytes, pointer-aligned when asked; their offset. */
static size_t take(struct pack *p, size_t n, BOOL aligned)
{
    size_t at;
    if (aligned)
        p->used = align_up(p->used);
    at = p->used;
    p->used += n;
    return at;
}

static char *at(struct pack *p, size_t offset)
{
    return p->out ? p->out + offset : NULL;
}

static void *as_pointer(struct pack *p, size_t offset)
{
    return (void *)(p->base + offset);
}

static size_t count_list(char **list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

/* A string of the answer; its pointer. */
static char *put_string(struct pack *p, const char *s)
{
    size_t n = strlen(s) + 1, offset = take(p, n, FALSE);
    if (p->out)
        memcpy(at(p, offset), s, n);
    return as_pointer(p, offset);
}

/* A NULL-terminated array of strings: the array first, then its strings
 * (after whatever else is reserved before the strings are put). */
static size_t reserve_list(struct pack *p, size_t count)
{
    return take(p, (count + 1) * sizeof(char *), TRUE);
}

static void fill_list(struct pack *p, size_t offset, char **list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char *s = put_string(p, list[i]);
        if (p->out)
            ((char **)(void *)at(p, offset))[i] = s;
    }
    if (p->out)
        ((char **)(void *)at(p, offset))[count] = NULL;
}

size_t netdb_pack_servent(const struct servent *e, char *out, size_t size, ULONG_PTR base)
{
    struct pack p = { NULL, base, 0 };
    size_t aliases = count_list(e->s_aliases), need;

    /* one measuring pass, one writing pass when it fits */
    for (int pass = 0; pass < 2; pass++) {
        struct servent *copy;
        size_t list;
        p.used = 0;
        take(&p, sizeof(struct servent), TRUE);
        list = reserve_list(&p, aliases);
        copy = (struct servent *)(void *)at(&p, 0);
        if (copy) {
            copy->s_port = e->s_port;
            copy->s_aliases = as_pointer(&p, list);
            copy->s_name = put_string(&p, e->s_name);
            copy->s_proto = put_string(&p, e->s_proto ? e->s_proto : "");
        } else {
            put_string(&p, e->s_name);
            put_string(&p, e->s_proto ? e->s_proto : "");
        }
        fill_list(&p, list, e->s_aliases, aliases);
        need = p.used;
        if (pass == 1 || need > size || !out)
            break;
        p.out = out;
    }
    return need;
}

size_t netdb_pack_protoent(const struct protoent *e, char *out, size_t size, ULONG_PTR base)
{
    struct pack p = { NULL, base, 0 };
    size_t aliases = count_list(e->p_aliases), need;

    for (int pass = 0; pass < 2; pass++) {
        struct protoent *copy;
        size_t list;
        p.used = 0;
        take(&p, sizeof(struct protoent), TRUE);
        list = reserve_list(&p, aliases);
        copy = (struct protoent *)(void *)at(&p, 0);
        if (copy) {
            copy->p_proto = e->p_proto;
            copy->p_aliases = as_pointer(&p, list);
            copy->p_name = put_string(&p, e->p_name);
        } else {
            put_string(&p, e->p_name);
        }
        fill_list(&p, list, e->p_aliases, aliases);
        need = p.used;
        if (pass == 1 || need > size || !out)
            break;
        p.out = out;
    }
    return need;
}

size_t netdb_pack_hostent(const struct hostent *e, char *out, size_t size, ULONG_PTR base)
{
    struct pack p = { NULL, base, 0 };
    size_t aliases = count_list(e->h_aliases), addresses = count_list(e->h_addr_list), need;
    size_t length = e->h_length > 0 ? (size_t)e->h_length : 0;

    for (int pass = 0; pass < 2; pass++) {
        struct hostent *copy;
        size_t alias_list, address_list, bytes;
        p.used = 0;
        take(&p, sizeof(struct hostent), TRUE);
        alias_list = reserve_list(&p, aliases);
        address_list = reserve_list(&p, addresses);
        bytes = take(&p, addresses * length, TRUE);
        copy = (struct hostent *)(void *)at(&p, 0);
        if (copy) {
            copy->h_addrtype = e->h_addrtype;
            copy->h_length = e->h_length;
            copy->h_aliases = as_pointer(&p, alias_list);
            copy->h_addr_list = as_pointer(&p, address_list);
            for (size_t i = 0; i < addresses; i++) {
                memcpy(at(&p, bytes + i * length), e->h_addr_list[i], length);
                ((char **)(void *)at(&p, address_list))[i] = as_pointer(&p, bytes + i * length);
            }
            ((char **)(void *)at(&p, address_list))[addresses] = NULL;
            copy->h_name = put_string(&p, e->h_name ? e->h_name : "");
        } else {
            put_string(&p, e->h_name ? e->h_name : "");
        }
        fill_list(&p, alias_list, e->h_aliases, aliases);
        need = p.used;
        if (pass == 1 || need > size || !out)
            break;
        p.out = out;
    }
    return need;
}
