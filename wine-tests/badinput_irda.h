/*
 * badinput_irda.h - test_badinput's rows for AF_IRDA (bind, connect, the
 * SOL_IRLMP options, getsockname), kept apart from the test so that
 * neither file outgrows the limit.
 */
#ifndef BADINPUT_IRDA_H
#define BADINPUT_IRDA_H

long long b_irda_bind_short(void);
long long b_irda_bind_null(void);
long long b_irda_bind_family(void);
long long b_irda_bind_unterminated(void);
long long b_irda_bind_empty(void);
long long b_irda_bind_lsap(void);
long long b_irda_connect_short(void);
long long b_irda_connect_family(void);
long long b_irda_connect_unterminated(void);
long long b_irda_enum_short(void);
long long b_irda_ias_set_short(void);
long long b_irda_unknown_opt(void);
long long b_irda_getsockname_unbound(void);

#endif
