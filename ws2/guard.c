/*
 * guard.c - run provider code that may crash without taking the process down.
 *
 * A provider's registration entry or WSPStartup is third-party code that runs
 * inside every Winsock application; DESIGN asks that a crashing one be
 * skipped, not fatal.  mingw-w64's gcc has no __try/__except, so a vectored
 * handler restores the context captured just before the call (the same idea
 * as setjmp/longjmp, but done by the system's own context switch, which
 * needs no unwinding through the crashed frames).
 */
#include "ws2_private.h"

struct guard_frame {
    CONTEXT context;
    volatile LONG crashed;
    volatile DWORD code;
};

static __thread struct guard_frame *current_frame;
static PVOID handler_cookie;
static INIT_ONCE handler_once = INIT_ONCE_STATIC_INIT;

/* Only faults count: debug-print and C++ exceptions are not crashes. */
static BOOL is_fault(DWORD code)
{
    return (code & 0xF0000000u) == 0xC0000000u;
}

static LONG CALLBACK guard_handler(EXCEPTION_POINTERS *ep)
{
    struct guard_frame *f = current_frame;
    if (!f || f->crashed || !is_fault(ep->ExceptionRecord->ExceptionCode))
        return EXCEPTION_CONTINUE_SEARCH;
    f->crashed = 1;
    f->code = ep->ExceptionRecord->ExceptionCode;
    /* resume right after RtlCaptureContext in guard_call, as its first return did */
    *ep->ContextRecord = f->context;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static BOOL CALLBACK install_handler(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once; (void)param; (void)ctx;
    handler_cookie = AddVectoredExceptionHandler(1, guard_handler);
    return handler_cookie != NULL;
}

int guard_call(guarded_fn fn, void *arg, INT_PTR *result, DWORD *code)
{
    struct guard_frame frame;
    struct guard_frame *volatile outer = current_frame;
    volatile INT_PTR value = 0;

    InitOnceExecuteOnce(&handler_once, install_handler, NULL, NULL);
    frame.crashed = 0;
    frame.code = 0;
    current_frame = &frame;
    RtlCaptureContext(&frame.context);
    if (!frame.crashed)
        value = fn(arg);
    current_frame = outer;
    if (frame.crashed) {
        if (code)
            *code = frame.code;
        return -1;
    }
    if (result)
        *result = value;
    return 0;
}
