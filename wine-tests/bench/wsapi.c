/*
 * wsapi.c - the two Winsocks as tables of function pointers.
 *
 * Both are loaded at run time, by name and the normal search order: the
 * host's ws2_32.dll is Wine's builtin; our ws2.dll is the copy the runner
 * installed in the prefix's system32 (and registered with ws2inst reset).
 */
#include "bench.h"

static const WCHAR *stack_dll(int stack)
{
    return stack == BENCH_OURS ? L"ws2.dll" : L"ws2_32.dll";
}

const char *bench_stack_name(int stack)
{
    return stack == BENCH_OURS ? "ours" : "direct";
}

int bench_api_load(bench_api *api, int stack)
{
    const char *name = bench_stack_name(stack);
    const WCHAR *dll = stack_dll(stack);
    WSADATA wd;
    int r;

    ZeroMemory(api, sizeof(*api));
    api->stack = stack;
    api->name = name;
    api->dll = LoadLibraryW(dll);
    if (!api->dll)
        return bench_fail("%s: LoadLibrary(%ls) failed: %lu", name, dll, GetLastError());
    GetModuleFileNameA(api->dll, api->path, sizeof(api->path));
#define GET(fn) do { \
        api->fn = (void *)GetProcAddress(api->dll, #fn); \
        if (!api->fn) return bench_fail("%s: %ls has no %s", name, dll, #fn); \
    } while (0)
    GET(WSAStartup); GET(WSACleanup); GET(WSAGetLastError); GET(socket); GET(bind);
    GET(listen); GET(accept); GET(connect); GET(send); GET(recv); GET(closesocket);
    GET(shutdown); GET(setsockopt); GET(getsockopt); GET(getsockname); GET(ioctlsocket);
    GET(WSARecv);
#undef GET
    r = api->WSAStartup(MAKEWORD(2, 2), &wd);
    if (r)
        return bench_fail("%s: WSAStartup failed: %d", name, r);
    return 0;
}
