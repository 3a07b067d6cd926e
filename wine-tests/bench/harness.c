/*
 * harness.c - statistics of the rounds and the verdict of a row.
 *
 * ratio: ours / direct for rates (higher is better), direct / ours for
 * times and sizes (lower is better), so 1.0 is parity and higher is better
 * either way.
 */
#include "bench.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void bench_stats_compute(bench_stats *st)
{
    double sorted[64];
    int n = st->n;

    if (n <= 0)
        return;
    memcpy(sorted, st->samples, (size_t)n * sizeof(double));
    qsort(sorted, (size_t)n, sizeof(double), by_value);
    st->min = sorted[0];
    st->max = sorted[n - 1];
    st->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

void bench_note(char *note, size_t size, const char *fmt, ...)
{
    size_t used = strlen(note);
    va_list ap;

    if (used + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(note + used, size - used, fmt, ap);
    va_end(ap);
}

void bench_row_judge(bench_row *row, const bench_metric *m)
{
    const bench_stats *d = &row->st[BENCH_DIRECT], *o = &row->st[BENCH_OURS];

    row->have_ratio = 0;
    if (row->have[BENCH_DIRECT] && row->have[BENCH_OURS] && d->median > 0 && o->median > 0) {
        bench_stats paired;
        int i;
        row->have_ratio = 1;
        row->ratio = m->better == HIGHER_IS_BETTER ? o->median / d->median
                                                   : d->median / o->median;
        /* each round ran both stacks back to back: their ratio is the least
         * disturbed by the machine's slower and faster spells */
        paired.n = d->n < o->n ? d->n : o->n;
        for (i = 0; i < paired.n; i++)
            paired.samples[i] = m->better == HIGHER_IS_BETTER ? o->samples[i] / d->samples[i]
                                                              : d->samples[i] / o->samples[i];
        bench_stats_compute(&paired);
        row->paired_ratio = paired.n ? paired.median : row->ratio;
    }
    row->verdict = "-";
    row->target[0] = 0;
    switch (m->target_kind) {
    case TARGET_NONE:
        break;
    case TARGET_RATIO_MIN:
        snprintf(row->target, sizeof(row->target), "ratio>=%.2f", m->target);
        if (row->have_ratio)
            row->verdict = row->ratio >= m->target ? "PASS" : "MISS";
        break;
    case TARGET_NOT_SLOWER:
        /* "never slower than the host", with 5% for the noise of a shared machine */
        snprintf(row->target, sizeof(row->target), "ratio>=0.95 (=)");
        if (row->have_ratio)
            row->verdict = row->ratio >= 0.95 ? "PASS" : "MISS";
        break;
    case TARGET_OURS_MAX:
        snprintf(row->target, sizeof(row->target), "<%g %s", m->target, m->unit);
        if (row->have[BENCH_OURS])
            row->verdict = o->median < m->target ? "PASS" : "MISS";
        break;
    case TARGET_OURS_MIN:
        snprintf(row->target, sizeof(row->target), ">=%g %s", m->target, m->unit);
        if (row->have[BENCH_OURS])
            row->verdict = o->median >= m->target ? "PASS" : "MISS";
        break;
    }
}
