/* fuzz_irlap_frame.c - IrLAP frame, XID, discovery info, SNRM/UA and
 * parameter decoders; decoded frames must re-encode to the same bytes. */
#include <string.h>
#include <stdlib.h>
#include "irlap_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct irlap_frame f;
    if (irlap_frame_decode(data, size, &f) == IRDA_OK) {
        static uint8_t out[IRLAP_MAX_FRAME];
        int n = irlap_frame_encode(out, sizeof out, f.caddr, f.cmd, f.kind, f.pf, f.ns, f.nr,
                                   f.info, f.info_len);
        if (n != (int)size || memcmp(out, data, size))
            abort();
        struct irlap_xid x;
        struct irda_device_info d = {0};
        if ((f.kind == IRLAP_K_XID_CMD || f.kind == IRLAP_K_XID_RSP) &&
            irlap_xid_decode(f.info, f.info_len, f.cmd, &x) == IRDA_OK) {
            uint8_t xo[64];
            int m = irlap_xid_encode(xo, sizeof xo, &x);
            if (m < 0)
                abort();
            if (irda_devinfo_decode(x.info, x.info_len, &d) == IRDA_OK && d.nhints) {
                uint8_t di[64];
                if (irda_devinfo_encode(&d, di, sizeof di) < 0)
                    abort();
            }
        }
        struct irlap_snrm s;
        struct irlap_ua u;
        struct irlap_negotiated ng;
        struct irlap_qos local;
        irlap_qos_default(&local);
        local.baud = 0x3E;
        if (f.kind == IRLAP_K_SNRM && irlap_snrm_decode(f.info, f.info_len, &s) == IRDA_OK)
            irlap_qos_negotiate(&local, &s.qos, &ng);
        if (f.kind == IRLAP_K_UA && irlap_ua_decode(f.info, f.info_len, &u) == IRDA_OK)
            irlap_qos_negotiate(&local, &u.qos, &ng);
    }
    /* the parameter decoder on the raw bytes as well */
    struct irlap_qos q;
    if (irlap_qos_decode(data, size, &q) == IRDA_OK) {
        uint8_t out[32];
        if (irlap_qos_encode(&q, out, sizeof out) < 0)
            abort();
    }
    return 0;
}
