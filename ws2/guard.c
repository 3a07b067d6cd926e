/*
 * guard.c - run provider code that may crash without taking the process down.
 *
 * A provider's registration entry or WSPStartup is third-party code that runs
 * inside every Winsock application; DESIGN asks that a crashing one be
 * skipped, not fatal.  Two rules make "crashing" mean what it should:
 *
 * - Only what escapes the provider counts.  The guard is a frame-based
 *   (SEH) handler on guard_call's own frame, so the system consults it only
 *   after every handler the provider has (its own __try frames, its vectored
 *   handlers) has declined the exception.  A fault the provider handles
 *   itself never reaches us.  (A first-chance vectored handler, as this file
 *   once used, saw every fault first, even a provider's own probe.)
 *   mingw-w64's gcc has no __try/__except, so the handler is attached with
 *   the assembler's .seh_handler directive on x86_64/aarch64, and with a
 *   registration record on the fs:0 chain on i686.
 * - A crashed DLL is never called again in this process.  It stopped in the
 *   middle of its own code, perhaps holding its own locks (celsp's
 *   lowers_lock, say): calling it again could deadlock.  The DLL that was
 *   called, and the one the fault happened in, are pinned (never unloaded,
 *   so the handle stays theirs) and listed; provider.c and catalog.c refuse
 *   a listed DLL with a documented error instead of calling it.
 *
 * On x86_64 the handler unwinds to guard_call's frame with RtlUnwindEx, so
 * the provider's own termination handlers and C++ destructors run (a lock
 * held by a scope guard is released), and execution continues right after
 * the guarded call, with guard_call's registers as they were at that call.
 */
#include "ws2_private.h"

struct guard_frame {
    volatile LONG crashed;
    volatile DWORD code;
    void *address;              /* where the fault happened */
#if defined(__i386__)
    CONTEXT context;            /* where the i686 handler resumes */
#endif
};

/* The innermost guard_call of the calling thread, read by the handler: a
 * thread_slot value (thread_slot.h says why not __thread). */
static struct thread_slot current_frame = THREAD_SLOT_VALUE;

/* Only faults count: debug-print and C++ exceptions are not crashes. */
static BOOL is_fault(DWORD code)
{
    return (code & 0xF0000000u) == 0xC0000000u;
}

/* ---- the DLLs that crashed ------------------------------------------------ */

#define CRASHED_MAX 32
static HMODULE crashed_modules[CRASHED_MAX];
static LONG crashed_count;
static SRWLOCK crashed_lock = SRWLOCK_INIT;

/* Lists (and pins) the module that holds address; ws2.dll itself is never listed. */
static void remember_crashed(const void *address)
{
    HMODULE m = NULL, self = NULL;
    LONG i;

    if (!address || !GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                        GET_MODULE_HANDLE_EX_FLAG_PIN, address, &m))
        return;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                       GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (const void *)remember_crashed, &self);
    if (m == self)
        return;
    AcquireSRWLockExclusive(&crashed_lock);
    for (i = 0; i < crashed_count && crashed_modules[i] != m; i++)
        ;
    if (i == crashed_count && crashed_count < CRASHED_MAX)
        crashed_modules[crashed_count++] = m;
    ReleaseSRWLockExclusive(&crashed_lock);
}

BOOL guard_module_crashed(HMODULE module)
{
    BOOL found = FALSE;
    LONG i;

    if (!module || !crashed_count)      /* the usual case costs one read */
        return FALSE;
    AcquireSRWLockShared(&crashed_lock);
    for (i = 0; i < crashed_count && !found; i++)
        found = crashed_modules[i] == module;
    ReleaseSRWLockShared(&crashed_lock);
    return found;
}

/* ---- the frame handler ---------------------------------------------------- */

#if defined(__x86_64__) || defined(__aarch64__)
/* Called by the dispatcher for an exception no inner handler took. */
__attribute__((used)) static EXCEPTION_DISPOSITION
guard_frame_handler(EXCEPTION_RECORD *rec, void *establisher, CONTEXT *context,
                    DISPATCHER_CONTEXT *dispatch)
{
    struct guard_frame *f = thread_slot_get(&current_frame);
    (void)context;

    if ((rec->ExceptionFlags & EXCEPTION_UNWIND) || !f ||
        f->crashed || !is_fault(rec->ExceptionCode))
        return ExceptionContinueSearch;
    f->crashed = 1;
    f->code = rec->ExceptionCode;
    f->address = rec->ExceptionAddress;
    /* ControlPc is the return address of the guarded call in guard_call:
     * unwinding to it is what an __except around that call would do */
    RtlUnwindEx(establisher, (void *)dispatch->ControlPc, rec, NULL, dispatch->ContextRecord,
                dispatch->HistoryTable);
    return ExceptionContinueSearch;     /* not reached */
}

static __attribute__((noinline)) INT_PTR guarded(guarded_fn fn, void *arg)
{
    INT_PTR value;
    __asm__ __volatile__(".seh_handler guard_frame_handler, @except");
    value = fn(arg);
    /* an instruction between the call and the epilogue: the unwinder takes a
     * return address followed by the epilogue for "inside the epilogue" and
     * then calls no handler of this frame (MSVC pads such calls the same way);
     * it also keeps the call a call, not a jump out of this frame */
    __asm__ __volatile__("nop" : "+r"(value));
    return value;
}

#elif defined(__i386__)
struct guard_record {
    struct guard_record *prev;
    EXCEPTION_DISPOSITION (*handler)(EXCEPTION_RECORD *, void *, CONTEXT *, void *);
};

static EXCEPTION_DISPOSITION guard_frame_handler(EXCEPTION_RECORD *rec, void *establisher,
                                                 CONTEXT *context, void *dispatch)
{
    struct guard_frame *f = thread_slot_get(&current_frame);
    (void)dispatch;

    if ((rec->ExceptionFlags & EXCEPTION_UNWIND) || !f ||
        f->crashed || !is_fault(rec->ExceptionCode))
        return ExceptionContinueSearch;
    f->crashed = 1;
    f->code = rec->ExceptionCode;
    f->address = rec->ExceptionAddress;
    /* the provider's frames above ours run their unwind handlers */
    RtlUnwind(establisher, NULL, rec, NULL);
    /* resume right after RtlCaptureContext in guarded, as its first return did */
    *context = f->context;
    return ExceptionContinueExecution;
}

static __attribute__((noinline)) INT_PTR guarded(guarded_fn fn, void *arg)
{
    struct guard_record record;
    struct guard_frame *f = thread_slot_get(&current_frame);
    volatile INT_PTR value = 0;

    record.handler = guard_frame_handler;
    record.prev = (struct guard_record *)__readfsdword(0);
    __writefsdword(0, (DWORD)(ULONG_PTR)&record);
    RtlCaptureContext(&f->context);
    if (!f->crashed)
        value = fn(arg);
    /* unlinks whatever a crashed provider left above our record too */
    __writefsdword(0, (DWORD)(ULONG_PTR)record.prev);
    return value;
}
#else
#error "guard.c: no frame-based exception handler for this architecture"
#endif

int guard_call(guarded_fn fn, void *arg, HMODULE module, INT_PTR *result, DWORD *code)
{
    struct guard_frame frame;
    struct guard_frame *outer = thread_slot_get(&current_frame);
    INT_PTR value;

    frame.crashed = 0;
    frame.code = 0;
    frame.address = NULL;
    /* No TLS index to be had (the process used all 1088): the handler could
     * not find the frame, so the call is made unguarded, a fault in it
     * taking the process as it would without ws2.dll's guard. */
    if (!thread_slot_set(&current_frame, &frame)) {
        value = fn(arg);
        if (result)
            *result = value;
        return 0;
    }
    value = guarded(fn, arg);
    thread_slot_set(&current_frame, outer);
    if (frame.crashed) {
        remember_crashed(frame.address);
        if (module)
            remember_crashed((const void *)module);
        if (code)
            *code = frame.code;
        return -1;
    }
    if (result)
        *result = value;
    return 0;
}
