/*
 * crc32.c - CRC-32 (IEEE 802.3, as zip and gzip) of the file beamed (beam sample: beam.h, beam.c).
 */
#include "beam.h"

/* ---- CRC-32 (IEEE 802.3, as zip and gzip) -------------------------------- */

static unsigned long crc_table[256];

void crc_init(void)
{
    for (unsigned long n = 0; n < 256; n++) {
        unsigned long c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320ul ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

unsigned long crc_update(unsigned long crc, const unsigned char *p, size_t n)
{
    crc ^= 0xFFFFFFFFul;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFul;
}
