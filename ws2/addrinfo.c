/*
 * addrinfo.c - getaddrinfo, GetAddrInfoW and their frees, on the namespace
 * catalog (resolve.c), and the lists ws2.dll hands out: one heap block per
 * node, its address and (first node only) the canonical name inside it, so
 * freeaddrinfo walks ai_next and frees each.  The lists are ws2.dll's own,
 * never the host's.
 */
#include "resolve.h"

#include <stddef.h>

/* Node layout, shared by the three list types: the structure, then the
 * sockaddr, then the name. */
static void *node_alloc(size_t structure, const struct resolved_entry *e, size_t name_bytes,
                        SOCKADDR **address, void **name)
{
    size_t at = (structure + 7) & ~(size_t)7;
    BYTE *node = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, at + (size_t)e->length + name_bytes);
    if (!node)
        return NULL;
    *address = (SOCKADDR *)(node + at);
    memcpy(*address, &e->address, (size_t)e->length);
    *name = name_bytes ? node + at + e->length : NULL;
    return node;
}

void addrinfo_list_free(void *list, size_t next_offset)
{
    while (list) {
        void *next = *(void **)((BYTE *)list + next_offset);
        HeapFree(GetProcessHeap(), 0, list);
        list = next;
    }
}

struct addrinfo *resolved_to_addrinfo(const struct resolved *r)
{
    struct addrinfo *head = NULL, **tail = &head;
    for (size_t i = 0; i < r->count; i++) {
        const struct resolved_entry *e = &r->entries[i];
        int name_bytes = i == 0 && r->canonical
            ? WideCharToMultiByte(CP_ACP, 0, r->canonical, -1, NULL, 0, NULL, NULL) : 0;
        SOCKADDR *address;
        void *name;
        struct addrinfo *node = node_alloc(sizeof(*node), e, (size_t)(name_bytes > 0 ? name_bytes : 0),
                                           &address, &name);
        if (!node) {
            addrinfo_list_free(head, offsetof(struct addrinfo, ai_next));
            return NULL;
        }
        node->ai_flags = e->flags;
        node->ai_family = e->family;
        node->ai_socktype = e->socktype;
        node->ai_protocol = e->protocol;
        node->ai_addrlen = (size_t)e->length;
        node->ai_addr = address;
        if (name) {
            WideCharToMultiByte(CP_ACP, 0, r->canonical, -1, name, name_bytes, NULL, NULL);
            node->ai_canonname = name;
        }
        *tail = node;
        tail = &node->ai_next;
    }
    return head;
}

ADDRINFOW *resolved_to_addrinfow(const struct resolved *r)
{
    ADDRINFOW *head = NULL, **tail = &head;
    for (size_t i = 0; i < r->count; i++) {
        const struct resolved_entry *e = &r->entries[i];
        size_t name_bytes = i == 0 && r->canonical ? (wcslen(r->canonical) + 1) * sizeof(WCHAR) : 0;
        SOCKADDR *address;
        void *name;
        ADDRINFOW *node = node_alloc(sizeof(*node), e, name_bytes, &address, &name);
        if (!node) {
            addrinfo_list_free(head, offsetof(ADDRINFOW, ai_next));
            return NULL;
        }
        node->ai_flags = e->flags;
        node->ai_family = e->family;
        node->ai_socktype = e->socktype;
        node->ai_protocol = e->protocol;
        node->ai_addrlen = (size_t)e->length;
        node->ai_addr = address;
        if (name) {
            memcpy(name, r->canonical, name_bytes);
            node->ai_canonname = name;
        }
        *tail = node;
        tail = &node->ai_next;
    }
    return head;
}

ADDRINFOEXW *resolved_to_addrinfoex(const struct resolved *r)
{
    ADDRINFOEXW *head = NULL, **tail = &head;
    for (size_t i = 0; i < r->count; i++) {
        const struct resolved_entry *e = &r->entries[i];
        size_t name_bytes = i == 0 && r->canonical ? (wcslen(r->canonical) + 1) * sizeof(WCHAR) : 0;
        SOCKADDR *address;
        void *name;
        ADDRINFOEXW *node = node_alloc(sizeof(*node), e, name_bytes, &address, &name);
        if (!node) {
            addrinfo_list_free(head, offsetof(ADDRINFOEXW, ai_next));
            return NULL;
        }
        node->ai_flags = e->flags;
        node->ai_family = e->family;
        node->ai_socktype = e->socktype;
        node->ai_protocol = e->protocol;
        node->ai_addrlen = (size_t)e->length;
        node->ai_addr = address;
        if (name) {
            memcpy(name, r->canonical, name_bytes);
            node->ai_canonname = name;
        }
        *tail = node;
        tail = (ADDRINFOEXW **)(void *)&node->ai_next;   /* mingw-w64 spells the type apart */
    }
    return head;
}

static WCHAR *widen(const char *s, int *err)
{
    int n;
    WCHAR *w;
    if (!s || *err)
        return NULL;
    if (!api_readable(s, 1)) { *err = WSAEFAULT; return NULL; }
    n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    w = n > 0 ? HeapAlloc(GetProcessHeap(), 0, (size_t)n * sizeof(WCHAR)) : NULL;
    if (!w) { *err = n > 0 ? WSA_NOT_ENOUGH_MEMORY : WSAHOST_NOT_FOUND; return NULL; }
    MultiByteToWideChar(CP_ACP, 0, s, -1, w, n);
    return w;
}

/* The hints as ADDRINFOW: the same layout but for ai_canonname, which
 * getaddrinfo's hints never use. */
static int read_hints(const void *hints, size_t size, ADDRINFOW *out)
{
    if (!hints)
        return 0;
    if (!api_readable(hints, size))
        return WSAEFAULT;
    memcpy(out, hints, sizeof(*out) < size ? sizeof(*out) : size);
    return 0;
}

int impl_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                     struct addrinfo **result)
{
    struct resolved r;
    ADDRINFOW wide_hints;
    WCHAR *wide_node, *wide_service;
    int err = 0;

    if (!process_started()) { WSASetLastError(WSANOTINITIALISED); return WSANOTINITIALISED; }
    if (!api_writable(result, sizeof(*result))) { WSASetLastError(WSAEFAULT); return WSAEFAULT; }
    *result = NULL;
    err = read_hints(hints, sizeof(*hints), &wide_hints);
    wide_node = widen(node, &err);
    wide_service = widen(service, &err);
    if (!err)
        err = resolve_addresses(wide_node, wide_service, hints ? &wide_hints : NULL, NS_DNS, NULL, &r);
    HeapFree(GetProcessHeap(), 0, wide_node);
    HeapFree(GetProcessHeap(), 0, wide_service);
    if (!err) {
        *result = resolved_to_addrinfo(&r);
        if (!*result)
            err = WSA_NOT_ENOUGH_MEMORY;
        resolved_free(&r);
    }
    WSASetLastError(err);
    return err;
}

void impl_freeaddrinfo(struct addrinfo *list)
{
    addrinfo_list_free(list, offsetof(struct addrinfo, ai_next));
}

int impl_GetAddrInfoW(PCWSTR node, PCWSTR service, const ADDRINFOW *hints, PADDRINFOW *result)
{
    struct resolved r;
    ADDRINFOW copy;
    int err;

    if (!process_started()) { WSASetLastError(WSANOTINITIALISED); return WSANOTINITIALISED; }
    if (!api_writable(result, sizeof(*result))) { WSASetLastError(WSAEFAULT); return WSAEFAULT; }
    *result = NULL;
    err = read_hints(hints, sizeof(*hints), &copy);
    if (!err && ((node && !api_readable(node, sizeof(WCHAR))) || (service && !api_readable(service, sizeof(WCHAR)))))
        err = WSAEFAULT;
    if (!err)
        err = resolve_addresses(node, service, hints ? &copy : NULL, NS_DNS, NULL, &r);
    if (!err) {
        *result = resolved_to_addrinfow(&r);
        if (!*result)
            err = WSA_NOT_ENOUGH_MEMORY;
        resolved_free(&r);
    }
    WSASetLastError(err);
    return err;
}

void impl_FreeAddrInfoW(PADDRINFOW list)
{
    addrinfo_list_free(list, offsetof(ADDRINFOW, ai_next));
}
