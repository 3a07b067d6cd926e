/*
 * addrinfo.c - getaddrinfo, GetAddrInfoW and their frees, on the namespace
 * catalog (resolve.c), and the lists ws2.dll hands out: one heap block per
 * node, its address and (first node only) the canonical name inside it, so
 * freeaddrinfo walks ai_next and frees each.  The lists are ws2.dll's own,
 * never the host's.
 */
#include "resolve.h"

#include <stddef.h>

/* What the three list types share: their first seven fields, laid out as
 * here (checked below).  A node's are written as one block, so one builder
 * serves every type; only the size, where ai_next is and the canonical
 * name's spelling differ. */
struct node_head {
    int flags, family, socktype, protocol;
    size_t addrlen;
    void *canonname;
    SOCKADDR *addr;
};
#define HEAD_LAYOUT_OF(type)                                                                        \
    (offsetof(type, ai_flags) == offsetof(struct node_head, flags) &&                              \
     offsetof(type, ai_family) == offsetof(struct node_head, family) &&                            \
     offsetof(type, ai_socktype) == offsetof(struct node_head, socktype) &&                        \
     offsetof(type, ai_protocol) == offsetof(struct node_head, protocol) &&                        \
     offsetof(type, ai_addrlen) == offsetof(struct node_head, addrlen) &&                          \
     offsetof(type, ai_canonname) == offsetof(struct node_head, canonname) &&                      \
     offsetof(type, ai_addr) == offsetof(struct node_head, addr))
_Static_assert(HEAD_LAYOUT_OF(struct addrinfo) && HEAD_LAYOUT_OF(ADDRINFOW) && HEAD_LAYOUT_OF(ADDRINFOEXW),
               "addrinfo, ADDRINFOW and ADDRINFOEXW begin as struct node_head");

static const struct {
    size_t size, next_offset;
    BOOL ansi_name;             /* the canonical name in the ANSI code page, else UTF-16 */
} forms[] = {
    [LIST_ADDRINFO] = { sizeof(struct addrinfo), offsetof(struct addrinfo, ai_next), TRUE },
    [LIST_ADDRINFOW] = { sizeof(ADDRINFOW), offsetof(ADDRINFOW, ai_next), FALSE },
    [LIST_ADDRINFOEXW] = { sizeof(ADDRINFOEXW), offsetof(ADDRINFOEXW, ai_next), FALSE },
};

/* The bytes the canonical name takes in a node (0: it has none, or the
 * ANSI code page cannot spell it). */
static size_t name_bytes(const WCHAR *canonical, BOOL ansi)
{
    int n;
    if (!canonical)
        return 0;
    if (!ansi)
        return (wcslen(canonical) + 1) * sizeof(WCHAR);
    n = WideCharToMultiByte(CP_ACP, 0, canonical, -1, NULL, 0, NULL, NULL);
    return n > 0 ? (size_t)n : 0;
}

/* Node layout: the structure, then the sockaddr, then the name. */
static BYTE *node_alloc(size_t structure, const struct resolved_entry *e, size_t name_bytes,
                        struct node_head *head)
{
    size_t at = (structure + 7) & ~(size_t)7;
    BYTE *node = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, at + (size_t)e->length + name_bytes);
    if (!node)
        return NULL;
    head->addr = (SOCKADDR *)(node + at);
    memcpy(head->addr, &e->address, (size_t)e->length);
    head->canonname = name_bytes ? node + at + e->length : NULL;
    return node;
}

void addrinfo_list_free(void *list, enum list_form form)
{
    while (list) {
        void *next;
        memcpy(&next, (BYTE *)list + forms[form].next_offset, sizeof(next));
        HeapFree(GetProcessHeap(), 0, list);
        list = next;
    }
}

void *resolved_to_list(const struct resolved *r, enum list_form form)
{
    BYTE *first = NULL, *last = NULL;
    for (size_t i = 0; i < r->count; i++) {
        const struct resolved_entry *e = &r->entries[i];
        size_t name = i == 0 ? name_bytes(r->canonical, forms[form].ansi_name) : 0;
        struct node_head head = { e->flags, e->family, e->socktype, e->protocol, (size_t)e->length,
                                  NULL, NULL };
        BYTE *node = node_alloc(forms[form].size, e, name, &head);
        if (!node) {
            addrinfo_list_free(first, form);
            return NULL;
        }
        if (head.canonname && forms[form].ansi_name)
            WideCharToMultiByte(CP_ACP, 0, r->canonical, -1, head.canonname, (int)name, NULL, NULL);
        else if (head.canonname)
            memcpy(head.canonname, r->canonical, name);
        memcpy(node, &head, sizeof(head));
        /* the previous node's ai_next, whichever type's it is */
        if (last)
            memcpy(last + forms[form].next_offset, &node, sizeof(node));
        else
            first = node;
        last = node;
    }
    return first;
}

int resolve_to_list(const WCHAR *node, const WCHAR *service, const ADDRINFOW *hints, DWORD space,
                    const GUID *provider, enum list_form form, void **list)
{
    struct resolved r;
    int err = resolve_addresses(node, service, hints, space, provider, &r);
    *list = NULL;
    if (err)
        return err;
    *list = resolved_to_list(&r, form);
    resolved_free(&r);
    return *list ? 0 : WSA_NOT_ENOUGH_MEMORY;
}

/* What both forms check before the look-up, in this order: started, a
 * result pointer to write (then set to NULL), readable hints, copied as
 * ADDRINFOW (the same layout but for ai_canonname, which getaddrinfo's
 * hints never use).  0, or the error to return. */
static int start_lookup(void *result, const void *hints, size_t hints_size, ADDRINFOW *copy)
{
    void *none = NULL;
    if (!process_started())
        return WSANOTINITIALISED;
    if (!api_writable(result, sizeof(none)))
        return WSAEFAULT;
    memcpy(result, &none, sizeof(none));
    if (!hints)
        return 0;
    if (!api_readable(hints, hints_size))
        return WSAEFAULT;
    memcpy(copy, hints, sizeof(*copy) < hints_size ? sizeof(*copy) : hints_size);
    return 0;
}

int impl_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                     struct addrinfo **result)
{
    ADDRINFOW wide_hints;
    int err = start_lookup(result, hints, sizeof(*hints), &wide_hints);
    /* a name the code page cannot convert is one no host has */
    WCHAR *wide_node = api_widen(node, WSAHOST_NOT_FOUND, &err);
    WCHAR *wide_service = api_widen(service, WSAHOST_NOT_FOUND, &err);
    void *list = NULL;

    if (!err)
        err = resolve_to_list(wide_node, wide_service, hints ? &wide_hints : NULL, NS_DNS, NULL,
                              LIST_ADDRINFO, &list);
    HeapFree(GetProcessHeap(), 0, wide_node);
    HeapFree(GetProcessHeap(), 0, wide_service);
    if (!err)
        *result = list;
    WSASetLastError(err);
    return err;
}

void impl_freeaddrinfo(struct addrinfo *list)
{
    addrinfo_list_free(list, LIST_ADDRINFO);
}

int impl_GetAddrInfoW(PCWSTR node, PCWSTR service, const ADDRINFOW *hints, PADDRINFOW *result)
{
    ADDRINFOW copy;
    int err = start_lookup(result, hints, sizeof(*hints), &copy);
    void *list = NULL;

    if (!err && ((node && !api_readable(node, sizeof(WCHAR))) || (service && !api_readable(service, sizeof(WCHAR)))))
        err = WSAEFAULT;
    if (!err)
        err = resolve_to_list(node, service, hints ? &copy : NULL, NS_DNS, NULL, LIST_ADDRINFOW, &list);
    if (!err)
        *result = list;
    WSASetLastError(err);
    return err;
}

void impl_FreeAddrInfoW(PADDRINFOW list)
{
    addrinfo_list_free(list, LIST_ADDRINFOW);
}
