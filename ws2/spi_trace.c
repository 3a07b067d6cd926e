/*
 * spi_trace.c - the SPI lines of the call trace (diag.c has the switch and
 * the line format).
 *
 * While tracing, provider_procs() hands out a table of thunks, one per WSP
 * procedure, generated from the one SPI list (provider/spi_calls.h, whose
 * last column says how each call's arguments are printed).  The provider
 * and entry the call is for travel in the calling thread's spi_call (a
 * thread_slot block: thread_slot.h says why not __thread), set just
 * before the call and read by the thunk before anything else can run.
 */
#include "ws2_private.h"
#include "../provider/spi_calls.h"

struct spi_call {
    struct provider *p;
    const struct catalog_entry *e;
};
static struct thread_slot spi_current = THREAD_SLOT_BLOCK(sizeof(struct spi_call), NULL);

/* the thunk's first step: who the call is for (trace_spi_table made the
 * thread's block before handing out the thunks), and when it started */
#define SPI_ENTER \
    struct spi_call c_ = *(struct spi_call *)thread_slot_block_if_made(&spi_current); \
    LONGLONG t_ = trace_begin(); \
    WCHAR dll_[MAX_PATH]; \
    if (!c_.e && !GetModuleFileNameW(c_.p->module, dll_, MAX_PATH)) dll_[0] = 0
#define SPI_LINE(err, ...) \
    do { if (t_) trace_line(t_, "SPI", c_.e, c_.e ? NULL : dll_, (err), __VA_ARGS__); } while (0)

/* how each result type is printed */
#define RESULT_FORMAT_int    "%d"
#define RESULT_VALUE_int(r)  (r)
#define RESULT_FORMAT_SOCKET "0x%llx"
#define RESULT_VALUE_SOCKET(r) TS(r)
#define RESULT_FORMAT_BOOL   "%s"
#define RESULT_VALUE_BOOL(r) ((r) ? "TRUE" : "FALSE")

/* "WSP<Name>(<arguments>) = <result>": the list's format, then the result
 * (a call without arguments has an empty format and no values) */
#define SPI_TRACE_LINE_(err, head, result_format, result_value, format, ...) \
    SPI_LINE(err, head format ") = " result_format, ##__VA_ARGS__, result_value)
#define SPI_TRACE_LINE(...) SPI_TRACE_LINE_(__VA_ARGS__)
#define SPI_UNWRAP(...) __VA_ARGS__

#define THUNK(result, name, kind, params, args, trace)                                  \
    static result WSPAPI t_##name params                                                \
    {                                                                                   \
        SPI_ENTER;                                                                      \
        result r = c_.p->procs.lpWSP##name args;                                        \
        SPI_TRACE_LINE(r == SPI_FAILED_##result ? *err : 0, "WSP" #name "(",            \
                       RESULT_FORMAT_##result, RESULT_VALUE_##result(r),                \
                       SPI_UNWRAP trace);                                               \
        return r;                                                                       \
    }
SPI_CALLS(THUNK)

#define THUNK_ENTRY(result, name, kind, params, args, trace) .lpWSP##name = t_##name,
static const WSPPROC_TABLE spi_thunks = { SPI_CALLS(THUNK_ENTRY) };

/* The thunks only when the thread's block can hold who the call is for;
 * else the provider's own table: the call is made, untraced. */
const WSPPROC_TABLE *trace_spi_table(struct provider *p, const struct catalog_entry *e)
{
    struct spi_call *current;

    if (!trace_begin() || !(current = thread_slot_block(&spi_current)))
        return &p->procs;
    current->p = p;
    current->e = e;
    return &spi_thunks;
}
