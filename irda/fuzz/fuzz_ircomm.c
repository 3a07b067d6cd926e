/* fuzz_ircomm.c - IrCOMM cooked frame splitter and control parameter
 * parser; a frame that splits must split within its bytes, and triples
 * that parse must re-encode to the same control bytes. */
#include <string.h>
#include <stdlib.h>
#include "ircomm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *ctrl, *ud;
    size_t clen, ulen;
    if (ircomm_split(data, size, &ctrl, &clen, &ud, &ulen) != IRDA_OK)
        return 0;
    if (ctrl != data + 1 || ud != ctrl + clen || 1 + clen + ulen != size)
        abort();
    struct ircomm_peer p;
    memset(&p, 0, sizeof p);
    if (ircomm_parse_params(ctrl, clen, &p) != IRDA_OK)
        return 0;
    /* walk the triples again and rebuild them */
    static uint8_t out[256];
    size_t pos = 0, i = 0;
    unsigned n = 0;
    while (i < clen) {
        if (ircomm_put_param(out, sizeof out, &pos, ctrl[i], ctrl + i + 2, ctrl[i + 1]) != IRDA_OK)
            abort();
        i += 2u + ctrl[i + 1];
        n++;
    }
    if (pos != clen || memcmp(out, ctrl, clen) || n != p.params || p.control_bytes != clen)
        abort();
    return 0;
}
