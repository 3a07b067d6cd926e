/*
 * fuzz_registration.c - libFuzzer target for the provider registration
 * parser (ws2/registration_value.c: raw REG type + bytes -> fields +
 * problem code), built natively with clang -fsanitize=fuzzer,address,undefined.
 *
 * Input layout (anything shorter is padded with zeros):
 *   byte 0         for Dll, Order, Entry two bits each: 0 absent, 1 present,
 *                  2 present, 3 unreadable
 *   then per value type selector (1 byte: 0-3 REG_SZ, 4-5 REG_DWORD, else
 *                  the byte itself as the type), length (2 bytes LE; lengths
 *                  above 0xF000 stand for a value too big to be read: data
 *                  NULL, bytes 64 KiB + length), the data
 *   the rest       the key name, UTF-16LE
 *
 * Beyond the sanitizers it checks the parser's promises: the problem code is
 * in range and deterministic; every field is terminated; an absent Dll is
 * DLL_ABSENT; a registration parsed OK validates OK, has a printable Entry,
 * and survives a round trip through the values a writer would store.
 */
#include "registration_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cursor { const uint8_t *p; size_t left; };

static unsigned take8(struct cursor *c)
{
    if (!c->left)
        return 0;
    c->left--;
    return *c->p++;
}

static void take_value(struct cursor *c, unsigned mode, struct registration_raw_value *v)
{
    unsigned selector = take8(c);
    size_t length = take8(c);

    length |= (size_t)take8(c) << 8;
    memset(v, 0, sizeof(*v));
    v->present = mode != 0;
    v->unreadable = mode == 3;
    v->type = selector < 4 ? REGISTRATION_TYPE_SZ : selector < 6 ? REGISTRATION_TYPE_DWORD : selector;
    if (length > 0xF000) {
        v->data = NULL;
        v->bytes = REGISTRATION_ABSURD_VALUE_BYTES + (length - 0xF000);
        return;
    }
    if (length > c->left)
        length = c->left;
    v->data = c->p;
    v->bytes = length;
    c->p += length;
    c->left -= length;
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_registration: broken promise: %s\n", what);
        abort();
    }
}

static size_t units(const uint16_t *s, size_t cap)
{
    size_t n = 0;
    while (n < cap && s[n])
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c = { data, size };
    struct registration_raw_value v[3];
    struct registration_fields f, again;
    unsigned modes = take8(&c);
    enum registration_problem problem, problem2;
    uint16_t *name;
    size_t name_units;

    for (int i = 0; i < 3; i++)
        take_value(&c, (modes >> (2 * i)) & 3, &v[i]);
    /* the name in its own allocation, so reading past it is caught */
    name_units = c.left / 2;
    name = malloc((name_units ? name_units : 1) * sizeof(uint16_t));
    if (!name)
        return 0;
    for (size_t i = 0; i < name_units; i++)
        name[i] = (uint16_t)(c.p[2 * i] | c.p[2 * i + 1] << 8);

    problem = registration_parse_values(name, name_units, &v[0], &v[1], &v[2], &f);
    check(problem >= REGISTRATION_OK && problem <= REGISTRATION_PROBLEM_LAST, "problem in range");
    check(units(f.name, REGISTRATION_NAME_MAX + 1) <= REGISTRATION_NAME_MAX, "name terminated");
    check(units(f.dll, REGISTRATION_DLL_MAX + 1) <= REGISTRATION_DLL_MAX, "dll terminated");
    check(memchr(f.entry, 0, sizeof(f.entry)) != NULL, "entry terminated");
    if (!v[0].present)
        check(problem == REGISTRATION_DLL_ABSENT, "absent Dll reported first");
    if (!v[1].present)
        check(f.order == REGISTRATION_DEFAULT_ORDER, "absent Order is the default");

    problem2 = registration_parse_values(name, name_units, &v[0], &v[1], &v[2], &again);
    check(problem2 == problem && memcmp(&f, &again, sizeof(f)) == 0, "deterministic");

    if (problem == REGISTRATION_OK) {
        /* what a writer stores for these fields: REG_SZ with the NUL, DWORD LE */
        uint8_t dll_bytes[(REGISTRATION_DLL_MAX + 1) * 2], entry_bytes[(REGISTRATION_ENTRY_MAX + 1) * 2];
        uint8_t order_bytes[4];
        size_t dll_len = units(f.dll, REGISTRATION_DLL_MAX + 1), entry_len = strlen(f.entry);
        struct registration_raw_value w[3];

        check(registration_validate_fields(&f) == REGISTRATION_OK, "OK fields validate");
        check(dll_len > 0 && entry_len > 0, "OK has a Dll and an Entry");
        for (size_t i = 0; i < entry_len; i++)
            check(f.entry[i] >= 0x21 && f.entry[i] <= 0x7e, "OK Entry is printable ASCII");
        for (size_t i = 0; i <= dll_len; i++) {
            dll_bytes[2 * i] = (uint8_t)f.dll[i];
            dll_bytes[2 * i + 1] = (uint8_t)(f.dll[i] >> 8);
        }
        for (size_t i = 0; i <= entry_len; i++) {
            entry_bytes[2 * i] = (uint8_t)f.entry[i];
            entry_bytes[2 * i + 1] = 0;
        }
        for (int i = 0; i < 4; i++)
            order_bytes[i] = (uint8_t)(f.order >> (8 * i));
        w[0] = (struct registration_raw_value){ 1, 0, REGISTRATION_TYPE_SZ, dll_bytes, (dll_len + 1) * 2 };
        w[1] = (struct registration_raw_value){ 1, 0, REGISTRATION_TYPE_DWORD, order_bytes, 4 };
        w[2] = (struct registration_raw_value){ 1, 0, REGISTRATION_TYPE_SZ, entry_bytes, (entry_len + 1) * 2 };
        problem2 = registration_parse_values(f.name, units(f.name, REGISTRATION_NAME_MAX + 1),
                                             &w[0], &w[1], &w[2], &again);
        check(problem2 == REGISTRATION_OK && memcmp(&f, &again, sizeof(f)) == 0, "round trip");
    }
    free(name);
    return 0;
}
