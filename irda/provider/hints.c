/*
 * hints.c - the service hint bits this station advertises in discovery.
 *
 * A client picks devices by their hint bits before it asks their IAS: an
 * OBEX client on Windows lists only devices with the IrOBEX bit.  So the
 * bits follow what the process serves: "computer", plus the bit of every
 * service class in its IAS (irda/core/hints.c: OBEX..., IrDA:IrCOMM,
 * IrLPT, IrLAN), recomputed whenever a bind, an IRLMP_IAS_SET or a close
 * changes the classes.
 *
 * The Hints setting fixes them instead (a modem, a fax, a PDA...):
 * CEWS2_IRDA_HINTS in the environment, else the value Hints under the
 * station's registry key (where Capture is read), REG_DWORD or REG_SZ.
 * The number is the hint bytes as they go on the air: 0x04 is one byte
 * (computer), 0x8420 two (computer with the extension bit, then IrOBEX).
 * The extension bit of the first byte is set whenever a second follows.
 */
#include "irdaprov.h"

static int setting_read;            /* the setting is read once per process */
static BOOL setting_present;
static uint8_t setting_hints[2];

/* "0x8420", "33824" -> two bytes; FALSE for anything else (then ignored). */
static BOOL parse_hints(DWORD v, uint8_t out[2])
{
    if (v == 0 || v > 0xFFFF)
        return FALSE;
    if (v > 0xFF) {
        out[0] = (uint8_t)(v >> 8);
        out[1] = (uint8_t)v;
    } else {
        out[0] = (uint8_t)v;
        out[1] = 0;
    }
    return TRUE;
}

static BOOL text_hints(const WCHAR *text, uint8_t out[2])
{
    WCHAR *end = NULL;
    unsigned long v = wcstoul(text, &end, 0);
    return end && end != text && *end == 0 && parse_hints((DWORD)v, out);
}

static void read_setting(void)
{
    WCHAR text[32];
    DWORD type = 0, size = sizeof(text), dw;
    HKEY key;

    setting_read = 1;
    if (GetEnvironmentVariableW(L"CEWS2_IRDA_HINTS", text, 32) && text[0]) {
        setting_present = text_hints(text, setting_hints);
        return;
    }
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, IRMED_KEY, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return;
    if (RegQueryValueExW(key, L"Hints", NULL, &type, (BYTE *)text, &size) == ERROR_SUCCESS) {
        if (type == REG_DWORD && size == sizeof(DWORD)) {
            memcpy(&dw, text, sizeof(dw));
            setting_present = parse_hints(dw, setting_hints);
        } else if (type == REG_SZ && size >= sizeof(WCHAR)) {
            text[size / sizeof(WCHAR) < 32 ? size / sizeof(WCHAR) : 31] = 0;
            setting_present = text_hints(text, setting_hints);
        }
    }
    RegCloseKey(key);
}

void station_hints_update(void)
{
    uint8_t h[2];

    if (!setting_read)
        read_setting();
    if (setting_present)
        memcpy(h, setting_hints, sizeof(h));
    else
        irda_hints_for_ias(&station.stack.ias_db, h);
    irda_stack_set_hints(&station.stack, h[0], h[1]);
}
