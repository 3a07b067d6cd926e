/*
 * nsp_call.c - calling a namespace provider's NSP_ROUTINE under the crash
 * guard (guard.c), as ws2.dll starts providers: a provider that faults in
 * a lookup fails that lookup with WSAEPROVIDERFAILEDINIT and a diagnostic,
 * is never called again in this process, and the application goes on
 * resolving through the other providers.
 */
#include "nscatalog.h"

enum nsp_op { NSP_BEGIN, NSP_NEXT, NSP_END, NSP_CLEANUP, NSP_SET };

struct nsp_call {
    enum nsp_op op;
    struct ns_provider *provider;
    WSAQUERYSETW *query;
    DWORD flags;
    HANDLE handle, *out;
    DWORD *length;
    WSAESETSERVICEOP set_op;
    int error;              /* the provider's, read right after it returned */
};

static INT_PTR run(void *arg)
{
    struct nsp_call *c = arg;
    NSP_ROUTINE *r = &c->provider->routine;
    GUID id = c->provider->id;
    int result = 0;

    switch (c->op) {
    case NSP_BEGIN:   result = r->NSPLookupServiceBegin(&id, c->query, NULL, c->flags, c->out); break;
    case NSP_NEXT:    result = r->NSPLookupServiceNext(c->handle, c->flags, c->length, c->query); break;
    case NSP_END:     result = r->NSPLookupServiceEnd(c->handle); break;
    case NSP_CLEANUP: result = r->NSPCleanup(&id); break;
    case NSP_SET:     result = r->NSPSetService(&id, NULL, c->query, c->set_op, c->flags); break;
    }
    /* providers report with WSASetLastError: the thread's last error on
     * every Winsock */
    c->error = result == SOCKET_ERROR ? (int)GetLastError() : 0;
    if (result == SOCKET_ERROR && !c->error)
        c->error = WSANO_RECOVERY;
    return result;
}

static int call(struct nsp_call *c)
{
    static const WCHAR *const names[] = { L"NSPLookupServiceBegin", L"NSPLookupServiceNext",
                                          L"NSPLookupServiceEnd", L"NSPCleanup", L"NSPSetService" };
    INT_PTR result = 0;
    DWORD code = 0;

    if (guard_module_crashed(c->provider->module))
        return WSAEPROVIDERFAILEDINIT;
    if (guard_call(run, c, c->provider->module, &result, &code)) {
        diag(L"namespace provider %ls: %ls crashed (exception 0x%08lx); not called again",
             c->provider->dll, names[c->op], code);
        return WSAEPROVIDERFAILEDINIT;
    }
    return c->error;
}

int nsp_begin(struct ns_provider *p, WSAQUERYSETW *query, DWORD flags, HANDLE *handle)
{
    struct nsp_call c = { .op = NSP_BEGIN, .provider = p, .query = query, .flags = flags, .out = handle };
    return call(&c);
}

int nsp_next(struct ns_provider *p, HANDLE handle, DWORD flags, DWORD *length, WSAQUERYSETW *results)
{
    struct nsp_call c = { .op = NSP_NEXT, .provider = p, .handle = handle, .flags = flags,
                          .length = length, .query = results };
    return call(&c);
}

void nsp_end(struct ns_provider *p, HANDLE handle)
{
    struct nsp_call c = { .op = NSP_END, .provider = p, .handle = handle };
    call(&c);
}

void nsp_cleanup(struct ns_provider *p)
{
    struct nsp_call c = { .op = NSP_CLEANUP, .provider = p };
    call(&c);
}

int nsp_set_service(struct ns_provider *p, WSAQUERYSETW *query, WSAESETSERVICEOP op, DWORD flags)
{
    struct nsp_call c = { .op = NSP_SET, .provider = p, .query = query, .set_op = op, .flags = flags };
    if (!p->routine.NSPSetService)      /* optional: a provider that only answers */
        return WSAEOPNOTSUPP;
    return call(&c);
}
