/* fuzz_tinytp.c - TinyTP connect PDU decoder; decoded parameters must
 * re-encode and decode to the same values. */
#include <string.h>
#include <stdlib.h>
#include "tinytp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ttp_params p, q;
    const uint8_t *ud;
    size_t ul;
    if (ttp_connect_pdu_decode(data, size, &p, &ud, &ul) != IRDA_OK)
        return 0;
    if (ud < data || ud + ul != data + size)
        abort();
    static uint8_t out[4096];
    int n = ttp_connect_pdu_encode(out, sizeof out, p.credit, p.has_max_sdu, p.max_sdu, ud, ul);
    if (n < 0)
        abort();
    const uint8_t *ud2;
    size_t ul2;
    if (ttp_connect_pdu_decode(out, (size_t)n, &q, &ud2, &ul2) != IRDA_OK ||
        q.credit != p.credit || q.has_max_sdu != p.has_max_sdu || q.max_sdu != p.max_sdu ||
        ul2 != ul || (ul && memcmp(ud2, ud, ul)))
        abort();
    return 0;
}
