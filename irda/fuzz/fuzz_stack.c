/* fuzz_stack.c - a whole station fed arbitrary frames: each input is a
 * sequence of records (1 byte: time step in 10 ms units, 1 byte: length,
 * then an IrLAP frame), SIR-framed and given to the stack, so that every
 * state machine and parser sees hostile input in every state reachable. */
#include <string.h>
#include <stdlib.h>
#include "stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void mw(void *ctx, const uint8_t *b, size_t n) { (void)ctx; (void)b; (void)n; }
static void ev(void *ctx, const struct irda_stack_event *e) { (void)ctx; (void)e; }
static uint32_t rnd(void *ctx) { (void)ctx; return 4; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct irda_stack st;
    struct irda_stack_config cfg = { .saddr = 0x22222222, .nickname = "fuzz" };
    struct irda_stack_ops ops = { NULL, mw, NULL, ev, rnd };
    irda_stack_init(&st, &cfg, &ops);
    int h;
    irda_stack_listen(&st, 0x05, 2, &h);
    uint64_t now = 0;
    static uint8_t enc[SIR_MAX_XBOFS + 2 * (SIR_MAX_FRAME + 2) + 2];
    size_t i = 0;
    while (i + 2 <= size) {
        now += (uint64_t)data[i] * 10;
        size_t n = data[i + 1];
        i += 2;
        if (n > size - i)
            n = size - i;
        irda_stack_set_time(&st, now);
        int m = sir_encode(data + i, n, 0, enc, sizeof enc);
        if (m > 0)
            irda_stack_input(&st, enc, (size_t)m);
        i += n;
        int a;
        while (irda_stack_accept(&st, h, &a) == IRDA_OK) {
            uint8_t buf[64];
            irda_stack_recv(&st, a, buf, sizeof buf);
            irda_stack_send(&st, a, (const uint8_t *)"x", 1);
        }
    }
    irda_stack_set_time(&st, now + 60000);
    return 0;
}
