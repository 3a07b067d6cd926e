/*
 * registration_value.c - raw registry values of one registration -> fields
 * and a problem code (see registration_value.h).  Portable C: compiled into
 * ws2.dll and ws2inst.exe through registration.c's callers, and natively
 * into the libFuzzer target ws2/fuzz/fuzz_registration.c.
 */
#include "registration_value.h"

#include <string.h>

enum value_outcome { VALUE_OK, VALUE_ABSENT, VALUE_WRONG_TYPE, VALUE_TOO_LONG, VALUE_UNREADABLE };

/* Code unit i of the value's data as read into a zeroed buffer of bytes + 2
 * bytes (what the registry reader has always done): bytes past the data
 * read as zero, so an odd last byte becomes the low half of one more unit. */
static uint16_t unit_at(const struct registration_raw_value *v, size_t i)
{
    size_t lo = 2 * i, hi = 2 * i + 1;
    uint16_t u = 0;

    if (lo < v->bytes)
        u |= v->data[lo];
    if (hi < v->bytes)
        u |= (uint16_t)(v->data[hi] << 8);
    return u;
}

/*
 * A REG_SZ value into text[0..capacity-1] (capacity includes the NUL).
 * Tolerates data without a terminating NUL and odd byte counts; the length
 * that decides VALUE_TOO_LONG stops at the first NUL among the whole units.
 * On VALUE_TOO_LONG, text holds the truncated start (empty when the value
 * was too big to be read at all).
 */
static enum value_outcome parse_string(const struct registration_raw_value *v, uint16_t *text,
                                       size_t capacity)
{
    size_t length = 0, units, i;

    text[0] = 0;
    if (v->unreadable)
        return VALUE_UNREADABLE;
    if (!v->present)
        return VALUE_ABSENT;
    if (v->type != REGISTRATION_TYPE_SZ)
        return VALUE_WRONG_TYPE;
    if (v->bytes > REGISTRATION_ABSURD_VALUE_BYTES || (!v->data && v->bytes))
        return VALUE_TOO_LONG;
    units = v->bytes / 2;
    while (length < units && unit_at(v, length) != 0)
        length++;
    for (i = 0; i + 1 < capacity; i++) {
        uint16_t c = unit_at(v, i);
        if (!c)
            break;
        text[i] = c;
    }
    text[i] = 0;
    return length < capacity ? VALUE_OK : VALUE_TOO_LONG;
}

static void note(enum registration_problem *problem, enum registration_problem found)
{
    if (*problem == REGISTRATION_OK)
        *problem = found;
}

/* An Entry value into the ASCII field; anything that is not printable ASCII
 * becomes '?' in the copy and makes this return 0. */
static int entry_to_ascii(const uint16_t *value, char entry[REGISTRATION_ENTRY_MAX + 1])
{
    int printable = 1;
    size_t i;

    for (i = 0; value[i] && i < REGISTRATION_ENTRY_MAX; i++) {
        printable &= value[i] >= 0x21 && value[i] <= 0x7e;
        entry[i] = value[i] >= 0x21 && value[i] <= 0x7e ? (char)value[i] : '?';
    }
    entry[i] = 0;
    return printable;
}

enum registration_problem registration_parse_values(const uint16_t *name, size_t name_length,
                                                    const struct registration_raw_value *dll,
                                                    const struct registration_raw_value *order,
                                                    const struct registration_raw_value *entry,
                                                    struct registration_fields *fields)
{
    enum registration_problem problem = REGISTRATION_OK;
    uint16_t entry_text[REGISTRATION_ENTRY_MAX + 1];
    size_t i;

    memset(fields, 0, sizeof(*fields));
    for (i = 0; i < name_length && i < REGISTRATION_NAME_MAX && name[i]; i++)
        fields->name[i] = name[i];
    fields->order = REGISTRATION_DEFAULT_ORDER;
    strcpy(fields->entry, REGISTRATION_DEFAULT_ENTRY);

    switch (parse_string(dll, fields->dll, REGISTRATION_DLL_MAX + 1)) {
    case VALUE_OK:         if (!fields->dll[0]) note(&problem, REGISTRATION_DLL_EMPTY); break;
    case VALUE_ABSENT:     note(&problem, REGISTRATION_DLL_ABSENT); break;
    case VALUE_WRONG_TYPE: note(&problem, REGISTRATION_DLL_WRONG_TYPE); break;
    case VALUE_TOO_LONG:   note(&problem, REGISTRATION_DLL_TOO_LONG); break;
    case VALUE_UNREADABLE: note(&problem, REGISTRATION_UNREADABLE); break;
    }

    if (order->unreadable) {
        note(&problem, REGISTRATION_UNREADABLE);
    } else if (order->present) {
        if (order->type != REGISTRATION_TYPE_DWORD || order->bytes != 4 || !order->data) {
            note(&problem, REGISTRATION_ORDER_WRONG_TYPE);
        } else {
            fields->order = (uint32_t)order->data[0] | (uint32_t)order->data[1] << 8
                          | (uint32_t)order->data[2] << 16 | (uint32_t)order->data[3] << 24;
        }
    }

    switch (parse_string(entry, entry_text, REGISTRATION_ENTRY_MAX + 1)) {
    case VALUE_OK:
        if (!entry_to_ascii(entry_text, fields->entry))
            note(&problem, REGISTRATION_ENTRY_NOT_PRINTABLE_ASCII);
        break;
    case VALUE_ABSENT:     break;
    case VALUE_WRONG_TYPE: note(&problem, REGISTRATION_ENTRY_WRONG_TYPE); break;
    case VALUE_TOO_LONG:
        entry_to_ascii(entry_text, fields->entry);
        note(&problem, REGISTRATION_ENTRY_TOO_LONG);
        break;
    case VALUE_UNREADABLE: note(&problem, REGISTRATION_UNREADABLE); break;
    }

    /* Whatever the values themselves did not already explain. */
    note(&problem, registration_validate_fields(fields));
    return problem;
}

static size_t units_length(const uint16_t *text, size_t capacity)
{
    size_t n = 0;
    while (n < capacity && text[n])
        n++;
    return n;
}

enum registration_problem registration_validate_fields(const struct registration_fields *fields)
{
    size_t name_length = units_length(fields->name, REGISTRATION_NAME_MAX + 1);
    size_t dll_length = units_length(fields->dll, REGISTRATION_DLL_MAX + 1);
    size_t entry_length = 0;

    while (entry_length < sizeof(fields->entry) && fields->entry[entry_length])
        entry_length++;

    if (name_length == 0)
        return REGISTRATION_NAME_EMPTY;
    if (name_length > REGISTRATION_NAME_MAX)
        return REGISTRATION_NAME_TOO_LONG;
    for (size_t i = 0; i < name_length; i++)
        if (fields->name[i] == '\\')
            return REGISTRATION_NAME_HAS_BACKSLASH;
    if (dll_length == 0)
        return REGISTRATION_DLL_EMPTY;
    if (dll_length > REGISTRATION_DLL_MAX)
        return REGISTRATION_DLL_TOO_LONG;
    if (entry_length == 0)
        return REGISTRATION_ENTRY_EMPTY;
    if (entry_length > REGISTRATION_ENTRY_MAX)
        return REGISTRATION_ENTRY_TOO_LONG;
    /* No spaces either: an export name comes from a C identifier or a .def
     * file, where whitespace separates fields. */
    for (size_t i = 0; i < entry_length; i++)
        if ((unsigned char)fields->entry[i] < 0x21 || (unsigned char)fields->entry[i] > 0x7e)
            return REGISTRATION_ENTRY_NOT_PRINTABLE_ASCII;
    return REGISTRATION_OK;
}
