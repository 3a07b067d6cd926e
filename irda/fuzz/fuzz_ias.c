/* fuzz_ias.c - IAP: request decoder, response decoder and the server's
 * answer to arbitrary requests (the first byte picks which). */
#include <string.h>
#include <stdlib.h>
#include "ias.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ias_db db;
static bool ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        ias_db_init(&db, "fuzz", 4, 0);
        struct ias_value v = { .type = IAS_INTEGER, .integer = 5 };
        ias_db_set(&db, "OBEX", "IrDA:TinyTP:LsapSel", &v);
        ready = true;
    }
    if (size < 1)
        return 0;
    const uint8_t *b = data + 1;
    size_t n = size - 1;
    switch (data[0] % 3) {
    case 0: {
        char cls[IAS_MAX_NAME + 1], attr[IAS_MAX_NAME + 1];
        if (ias_gvbc_request_decode(b, n, cls, attr) == IRDA_OK) {
            uint8_t out[200];
            if (ias_gvbc_request_encode(out, sizeof out, cls, attr) < 0 && cls[0] && attr[0])
                abort();
        }
        break;
    }
    case 1: {
        static struct ias_result r;
        ias_gvbc_response_decode(b, n, &r);
        break;
    }
    default: {
        static uint8_t out[IAP_BUF_MAX + 1];
        static struct ias_result r;
        int m = ias_server_answer(&db, b, n, out, sizeof out);
        if (m > 0 && (out[0] & IAP_OPCODE_MASK) == IAP_GET_VALUE_BY_CLASS &&
            ias_gvbc_response_decode(out + 1, (size_t)m - 1, &r) != IRDA_OK)
            abort();                              /* our own answers must parse */
        break;
    }
    }
    return 0;
}
