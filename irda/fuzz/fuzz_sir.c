/* fuzz_sir.c - SIR deframer: arbitrary bytes in arbitrary chunks; every
 * frame it delivers must re-encode and deframe to itself. */
#include <string.h>
#include <stdlib.h>
#include "sir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx { unsigned n; };

static const uint8_t *want_f;
static size_t want_len;
static bool matched;

static void compare(void *ctx, const uint8_t *f, size_t len)
{
    (void)ctx;
    matched = len == want_len && !memcmp(f, want_f, len);
}

static void check_frame(void *ctx, const uint8_t *f, size_t len)
{
    struct ctx *c = ctx;
    c->n++;
    static uint8_t enc[SIR_MAX_XBOFS + 2 * (SIR_MAX_FRAME + 2) + 2];
    int n = sir_encode(f, len, 1, enc, sizeof enc);
    if (n < 0)
        abort();
    static struct sir_deframer d2;
    struct sir_upper up = { NULL, compare };
    sir_deframer_init(&d2, &up);
    want_f = f;
    want_len = len;
    matched = false;
    sir_deframer_feed(&d2, enc, (size_t)n);
    if (d2.stats.frames != 1 || !matched)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sir_deframer d;
    struct ctx c = {0};
    struct sir_upper up = { &c, check_frame };
    sir_deframer_init(&d, &up);
    /* first byte picks the chunk size */
    size_t chunk = size ? (size_t)data[0] % 17 + 1 : 1;
    for (size_t off = size ? 1 : 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        sir_deframer_feed(&d, data + off, n);
    }
    if (c.n != d.stats.frames)
        abort();
    return 0;
}
