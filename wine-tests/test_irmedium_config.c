/*
 * test_irmedium_config.c - where the IrDA medium takes its settings from
 * (irda/medium/README.md): the defaults, the machine's registry root, the
 * per-user root value by value, the environment over both, and a medium
 * name that names nothing (the medium then refuses to open); the
 * station's nickname and device address.
 */
#include "irmedium/station.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The medium's settings below the machine root (under HKLM) and the
 * per-user root (under HKCU): cews2.h. */
#define IRDA_KEY           CEWS2_REGISTRY_ROOT L"\\" CEWS2_IRDA_SUBKEY
#define IRDA_AIR_KEY       IRDA_KEY L"\\Air"
#define USER_IRDA_KEY      CEWS2_USER_REGISTRY_ROOT L"\\" CEWS2_IRDA_SUBKEY

static void config_and_identity(void **state)
{
    (void)state;
    struct irmed_config c;
    char nick[IRMED_NICK_MAX], want[64];
    HKEY k;

    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_AIR);
    assert_int_equal(c.air_port, 6417);
    assert_int_equal(c.baud, 9600);
    assert_int_equal(c.rate, 0);
    irmed_nickname(nick, sizeof(nick));
    snprintf(want, sizeof(want), "ce-winsock-%lu", (unsigned long)GetCurrentProcessId());
    assert_string_equal(nick, want);
    uint32_t a1 = irmed_device_address(), a2 = irmed_device_address();
    assert_int_equal(a1, a2);
    assert_true(a1 != 0 && a1 != 0xFFFFFFFFu);

    /* the registry (only the values set here are removed afterwards, and
     * the keys only if this test created them) */
    DWORD disp_air = 0, disp_irda = 0;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, IRDA_AIR_KEY, 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &k, &disp_air), 0);
    DWORD port = 7123, loss = 250000;
    RegSetValueExW(k, L"Port", 0, REG_DWORD, (const BYTE *)&port, sizeof(port));
    RegSetValueExW(k, L"Loss", 0, REG_DWORD, (const BYTE *)&loss, sizeof(loss));
    RegSetValueExW(k, L"Rate", 0, REG_SZ, (const BYTE *)L"link", 10);
    RegCloseKey(k);
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, IRDA_KEY, 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &k, &disp_irda), 0);
    DWORD addr = 0x12345678;
    RegSetValueExW(k, L"Medium", 0, REG_SZ, (const BYTE *)L"COM5", 10);
    RegSetValueExW(k, L"DeviceAddress", 0, REG_DWORD, (const BYTE *)&addr, sizeof(addr));
    RegSetValueExW(k, L"Nickname", 0, REG_SZ, (const BYTE *)L"regnick", 16);
    RegCloseKey(k);
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_SERIAL);
    assert_true(!wcscmp(c.serial_port, L"COM5"));
    assert_int_equal(c.air_port, 7123);
    assert_int_equal(c.rate, IRMED_RATE_LINK);
    assert_true(c.loss > 0.2499 && c.loss < 0.2501);
    assert_int_equal(c.device_address, 0x12345678);
    assert_int_equal(irmed_device_address(), 0x12345678);
    irmed_nickname(nick, sizeof(nick));
    assert_string_equal(nick, "regnick");

    /* a per-user value wins over the machine's, value by value; one that
     * cannot be used (a DWORD nickname) is not replaced by the machine's */
    DWORD disp_user = 0, bad_nick = 7;
    assert_int_equal(RegCreateKeyExW(HKEY_CURRENT_USER, USER_IRDA_KEY, 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &k, &disp_user), 0);
    RegSetValueExW(k, L"Medium", 0, REG_SZ, (const BYTE *)L"air", 8);
    RegSetValueExW(k, L"Nickname", 0, REG_DWORD, (const BYTE *)&bad_nick, sizeof(bad_nick));
    RegCloseKey(k);
    irmed_config_load(&c);
    irmed_nickname(nick, sizeof(nick));
    if (RegOpenKeyExW(HKEY_CURRENT_USER, USER_IRDA_KEY, 0, KEY_ALL_ACCESS, &k) == 0) {
        RegDeleteValueW(k, L"Medium");
        RegDeleteValueW(k, L"Nickname");
        RegCloseKey(k);
    }
    if (disp_user == REG_CREATED_NEW_KEY)
        RegDeleteKeyW(HKEY_CURRENT_USER, USER_IRDA_KEY);
    assert_int_equal(c.kind, IRMED_AIR);                /* the user's */
    assert_int_equal(c.air_port, 7123);                 /* the machine's: the user has none */
    assert_int_equal(c.device_address, 0x12345678);
    assert_string_equal(nick, want);                    /* neither: the default */

    /* the environment wins */
    SetEnvironmentVariableW(L"CEWS2_IRDA_MEDIUM", L"air");
    SetEnvironmentVariableW(L"CEWS2_IRDA_AIR_PORT", L"7200");
    SetEnvironmentVariableW(L"CEWS2_IRDA_AIR_RATE", L"115200");
    SetEnvironmentVariableW(L"CEWS2_IRDA_AIR_LOSS", L"0.5");
    SetEnvironmentVariableW(L"CEWS2_IRDA_AIR_LOSS_MODE", L"byte");
    SetEnvironmentVariableW(L"CEWS2_IRDA_NICKNAME", L"envnick");
    SetEnvironmentVariableW(L"CEWS2_IRDA_DEVICE_ADDRESS", L"0xCAFE0001");
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_AIR);
    assert_int_equal(c.air_port, 7200);
    assert_int_equal(c.rate, 115200);
    assert_true(c.loss > 0.49 && c.loss < 0.51);
    assert_int_equal(c.loss_bytes, 1);
    assert_int_equal(c.device_address, 0xCAFE0001u);
    irmed_nickname(nick, sizeof(nick));
    assert_string_equal(nick, "envnick");
    SetEnvironmentVariableW(L"CEWS2_IRDA_MEDIUM", L"com12");
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_SERIAL);
    assert_true(!wcscmp(c.serial_port, L"COM12"));
    SetEnvironmentVariableW(L"CEWS2_IRDA_MEDIUM", L"COM340");
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_SERIAL);
    assert_true(!wcscmp(c.serial_port, L"COM340"));
    /* a mistake is not the air: the medium cannot be opened */
    SetEnvironmentVariableW(L"CEWS2_IRDA_MEDIUM", L"serial-port-one");
    irmed_config_load(&c);
    assert_int_equal(c.kind, IRMED_SERIAL);
    assert_int_equal(c.serial_port[0], 0);
    {
        irmed_t *bad = NULL;
        assert_int_not_equal(irmed_open(&c, NULL, &bad), 0);
        assert_null(bad);
    }

    static const WCHAR *vars[] = { L"CEWS2_IRDA_MEDIUM", L"CEWS2_IRDA_AIR_PORT", L"CEWS2_IRDA_AIR_RATE",
                                   L"CEWS2_IRDA_AIR_LOSS", L"CEWS2_IRDA_AIR_LOSS_MODE",
                                   L"CEWS2_IRDA_NICKNAME", L"CEWS2_IRDA_DEVICE_ADDRESS" };
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        SetEnvironmentVariableW(vars[i], NULL);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, IRDA_AIR_KEY, 0, KEY_ALL_ACCESS, &k) == 0) {
        RegDeleteValueW(k, L"Port");
        RegDeleteValueW(k, L"Loss");
        RegDeleteValueW(k, L"Rate");
        RegCloseKey(k);
    }
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, IRDA_KEY, 0, KEY_ALL_ACCESS, &k) == 0) {
        RegDeleteValueW(k, L"Medium");
        RegDeleteValueW(k, L"DeviceAddress");
        RegDeleteValueW(k, L"Nickname");
        RegCloseKey(k);
    }
    if (disp_air == REG_CREATED_NEW_KEY)
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, IRDA_AIR_KEY);
    if (disp_irda == REG_CREATED_NEW_KEY)
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, IRDA_KEY);
    assert_int_equal(irmed_device_address(), a1);   /* back to the process's random one */
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(config_and_identity, station_teardown),
    };
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
