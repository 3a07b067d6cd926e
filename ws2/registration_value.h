/*
 * registration_value.h - the portable half of the registration store: the
 * raw registry values of one registration (REG type + bytes, as
 * RegQueryValueEx returns them) turned into fields and a problem code, and
 * the validation of those fields.
 *
 * No Windows headers: ws2.dll and ws2inst.exe compile it through
 * registration.c (which adds the registry reading around it), and the
 * native libFuzzer target ws2/fuzz/fuzz_registration.c compiles it as is.
 * Text is UTF-16 code units (uint16_t, the same size as WCHAR).
 */
#ifndef CEWS2_REGISTRATION_VALUE_H
#define CEWS2_REGISTRATION_VALUE_H

#include <stddef.h>
#include <stdint.h>

/* Registry key names are at most 255 characters. */
#define REGISTRATION_NAME_MAX   255
/* Dll must fit a MAX_PATH (260) buffer, NUL included, as LoadLibrary needs. */
#define REGISTRATION_DLL_MAX    259
/* Long enough for any C export and most C++ decorated ones. */
#define REGISTRATION_ENTRY_MAX  255

/* Values bigger than this are not registrations anyone meant to write;
 * they are reported as too long without being read. */
#define REGISTRATION_ABSURD_VALUE_BYTES  (64 * 1024)

/* The registry value types used here (winnt.h's numbers). */
#define REGISTRATION_TYPE_SZ     1u
#define REGISTRATION_TYPE_DWORD  4u

/* The defaults of absent values (cews2.h's CEWS2_DEFAULT_*; registration.c
 * checks that they agree). */
#define REGISTRATION_DEFAULT_ORDER  0xFFFFFFFFu
#define REGISTRATION_DEFAULT_ENTRY  "InstallProvider"

/* Why a registration cannot be used.  REGISTRATION_OK (0) means usable. */
enum registration_problem {
    REGISTRATION_OK = 0,
    REGISTRATION_NAME_EMPTY,
    REGISTRATION_NAME_TOO_LONG,
    REGISTRATION_NAME_HAS_BACKSLASH,
    REGISTRATION_DLL_ABSENT,
    REGISTRATION_DLL_WRONG_TYPE,
    REGISTRATION_DLL_EMPTY,
    REGISTRATION_DLL_TOO_LONG,
    REGISTRATION_ORDER_WRONG_TYPE,
    REGISTRATION_ENTRY_WRONG_TYPE,
    REGISTRATION_ENTRY_EMPTY,
    REGISTRATION_ENTRY_TOO_LONG,
    REGISTRATION_ENTRY_NOT_PRINTABLE_ASCII,
    REGISTRATION_UNREADABLE,            /* the key or a value could not be read */
};
#define REGISTRATION_PROBLEM_LAST  REGISTRATION_UNREADABLE

/* One value as read from the registry. */
struct registration_raw_value {
    int present;                /* 0: the value does not exist */
    int unreadable;             /* it exists but could not be read (registry error) */
    uint32_t type;              /* REG_* */
    const uint8_t *data;        /* the bytes; may be NULL when bytes > REGISTRATION_ABSURD_VALUE_BYTES */
    size_t bytes;
};

/* The fields of one registration (struct registration without the Win32
 * parts). */
struct registration_fields {
    uint16_t name[REGISTRATION_NAME_MAX + 1];
    uint16_t dll[REGISTRATION_DLL_MAX + 1];
    uint32_t order;
    char entry[REGISTRATION_ENTRY_MAX + 1];
};

/*
 * Parses the raw values of one registration into *fields (always fully
 * NUL-terminated) and returns REGISTRATION_OK or the first problem found,
 * in this order: Dll, Order, Entry, then the validation of the fields.
 * name is the key name (name_length code units, need not be terminated;
 * longer names are truncated in fields->name).  For a malformed
 * registration the fields hold what could be read, for display only.
 */
enum registration_problem registration_parse_values(const uint16_t *name, size_t name_length,
                                                    const struct registration_raw_value *dll,
                                                    const struct registration_raw_value *order,
                                                    const struct registration_raw_value *entry,
                                                    struct registration_fields *fields);

/* Checks the fields as a writer would; REGISTRATION_OK or the first problem. */
enum registration_problem registration_validate_fields(const struct registration_fields *fields);

#endif /* CEWS2_REGISTRATION_VALUE_H */
