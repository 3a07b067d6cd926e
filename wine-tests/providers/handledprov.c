/*
 * handledprov.c - a provider whose WSPStartup faults and handles each fault
 * itself, for test_faults only (never installed by ws2inst).  ws2's crash
 * guard must not count it as crashed: only what escapes a provider is.
 *
 *   InstallProvider  one base entry, family HANDLEDPROV_AF, SOCK_STREAM
 *   WSPStartup       (x86_64) reads an unmapped address, recovered by the
 *                    provider's own vectored handler (added last, so any
 *                    first-chance handler of ws2's would see the fault
 *                    before it); then raises a fault code (0xC0000095)
 *                    that its own frame-based handler continues from;
 *                    returns 0 with a table whose WSPSocket reports how
 *                    many of those faults the provider itself handled
 *   WSPSocket        always fails: WSAESOCKTNOSUPPORT when both faults
 *                    were handled here, WSAEINVAL otherwise
 *
 * So socket(HANDLEDPROV_AF, ...) failing with WSAESOCKTNOSUPPORT proves the
 * start ran to its end with both faults handled where they happened.
 * Built as build/<arch>/tests/handledprov.dll; registered by full path.
 */
#include "shared/testprov.h"

#define HANDLEDPROV_AF      0x7C51
#define HANDLED_EXPECTED    2
#define RAISED_CODE         0xC0000095u     /* STATUS_INTEGER_OVERFLOW */

/* {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0021} */
static GUID provider_guid = { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x21 } };

static volatile LONG handled;

#if defined(__x86_64__)
/* A leaf that loads from the address in rcx; no prologue, so unwinding it
 * needs no unwind data.  The vectored handler below recognises the fault by
 * this address and returns -1 from it. */
__asm__(".text\n"
        ".globl handledprov_probe\n"
        "handledprov_probe:\n"
        "    movl (%rcx), %eax\n"
        "    ret\n");
int handledprov_probe(const volatile int *address);

static LONG CALLBACK probe_handler(EXCEPTION_POINTERS *ep)
{
    CONTEXT *c = ep->ContextRecord;
    if (ep->ExceptionRecord->ExceptionCode != EXCEPTION_ACCESS_VIOLATION ||
        ep->ExceptionRecord->ExceptionAddress != (void *)handledprov_probe)
        return EXCEPTION_CONTINUE_SEARCH;
    /* act as the probe's ret, with -1 as its result */
    c->Rax = (DWORD)-1;
    c->Rip = *(DWORD64 *)c->Rsp;
    c->Rsp += 8;
    InterlockedIncrement(&handled);
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* The frame handler of raise_and_continue: the raised code is continuable. */
__attribute__((used)) static EXCEPTION_DISPOSITION
raise_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *context, void *dispatch)
{
    (void)frame; (void)context; (void)dispatch;
    if ((rec->ExceptionFlags & EXCEPTION_UNWIND) ||
        rec->ExceptionCode != RAISED_CODE)
        return ExceptionContinueSearch;
    InterlockedIncrement(&handled);
    return ExceptionContinueExecution;
}

static __attribute__((noinline)) void raise_and_continue(void)
{
    __asm__ __volatile__(".seh_handler raise_handler, @except");
    RaiseException(RAISED_CODE, 0, 0, NULL);
    /* not an epilogue right after the call: the unwinder would skip this frame */
    __asm__ __volatile__("nop");
}

static void fault_and_handle(void)
{
    PVOID cookie = AddVectoredExceptionHandler(0, probe_handler);
    if (cookie) {
        /* page 0 is never mapped; the handler counts the fault */
        handledprov_probe((const volatile int *)(ULONG_PTR)16);
        RemoveVectoredExceptionHandler(cookie);
    }
    raise_and_continue();
}
#else
/* other architectures: no fault, so the count tells the test so */
static void fault_and_handle(void)
{
}
#endif

static SOCKET WSPAPI handled_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                                    GROUP g, DWORD flags, LPINT err)
{
    (void)af; (void)type; (void)protocol; (void)info; (void)g; (void)flags;
    *err = handled == HANDLED_EXPECTED ? WSAESOCKTNOSUPPORT : WSAEINVAL;
    return INVALID_SOCKET;
}

static int WSPAPI handled_cleanup(LPINT err)
{
    (void)err;
    return 0;
}

__declspec(dllexport) INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    WSAPROTOCOL_INFOW info;

    testprov_stream_entry(&info, &provider_guid, HANDLEDPROV_AF,
                          L"ce-winsock handledprov (handles its own faults)");
    return testprov_install(&provider_guid, dll_path, &info, 1);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                                            WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE procs)
{
    (void)info; (void)upcalls;

    fault_and_handle();
    /* every call but these two is never made by the test: each answers
     * WSAEOPNOTSUPP */
    testprov_startup(data, version, L"handledprov", procs);
    procs->lpWSPSocket = handled_socket;
    procs->lpWSPCleanup = handled_cleanup;
    return 0;
}
