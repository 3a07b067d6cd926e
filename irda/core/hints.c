/* hints.c - service hint bits from the IAS classes a station serves (see hints.h). */
#include <string.h>
#include "hints.h"

/* Class names as the services register them in IAS, and the bit each
 * earns.  A prefix rule ("OBEX" also covers "OBEX:IrXfer") matches the
 * name itself or the name followed by ':'. */
static const struct hint_rule {
    const char *class_name;
    bool prefix;
    uint8_t byte;           /* 0: first hint byte, 1: second */
    uint8_t bit;
} rules[] = {
    { "OBEX",        true,  1, IRDA_HINT2_OBEX },       /* OBEX, OBEX:IrXfer, ... */
    { "IrDA:IrCOMM", false, 1, IRDA_HINT2_IRCOMM },     /* IrCOMM (3-wire, 9-wire, IrLPT over it) */
    { "IrLPT",       false, 0, IRDA_HINT1_PRINTER },    /* an IrLPT printer's service */
    { "IrLAN",       false, 0, IRDA_HINT1_LAN },        /* IrLAN access point */
};
/* (A modem, fax or telephony device is not a class of its own: a station
 * that is one says so with the Hints setting.) */

static bool rule_matches(const struct hint_rule *r, const char *cls)
{
    size_t n = strlen(r->class_name);
    if (strncmp(cls, r->class_name, n) != 0)
        return false;
    return cls[n] == 0 || (r->prefix && cls[n] == ':');
}

void irda_hints_for_ias(const struct ias_db *db, uint8_t hints[2])
{
    hints[0] = IRDA_HINT1_COMPUTER;
    hints[1] = 0;
    for (unsigned i = 0; i < IAS_MAX_OBJECTS; i++) {
        const struct ias_object *o = &db->objs[i];
        if (!o->used)
            continue;
        for (unsigned k = 0; k < sizeof rules / sizeof rules[0]; k++)
            if (rule_matches(&rules[k], o->class_name))
                hints[rules[k].byte] |= rules[k].bit;
    }
}
