/* fuzz_irlmp.c - LM-PDU decoder; decoded PDUs must re-encode to the same bytes. */
#include <string.h>
#include <stdlib.h>
#include "irlmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct irlmp_pdu p;
    if (irlmp_pdu_decode(data, size, &p) != IRDA_OK)
        return 0;
    static uint8_t out[IRLAP_MAX_FRAME + 8];
    int n = irlmp_pdu_encode(out, sizeof out, &p);
    if (n != (int)size || memcmp(out, data, size))
        abort();
    return 0;
}
