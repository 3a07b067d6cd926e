/*
 * report.c - the table on stdout and the same figures in results.json.
 */
#include "bench.h"

#include <math.h>
#include <string.h>

enum { MAX_ROWS = 96 };
static bench_row rows[MAX_ROWS];
static int n_rows;

int bench_report_add(const bench_row *row)
{
    if (n_rows == MAX_ROWS)
        return -1;
    rows[n_rows++] = *row;
    return 0;
}

/* Four significant digits, without exponents for the sizes we meet. */
static const char *num(char *buf, size_t size, double v)
{
    double a = fabs(v);
    if (a >= 1000 || a == 0)
        snprintf(buf, size, "%.0f", v);
    else if (a >= 100)
        snprintf(buf, size, "%.1f", v);
    else if (a >= 10)
        snprintf(buf, size, "%.2f", v);
    else if (a >= 0.01)
        snprintf(buf, size, "%.3f", v);
    else
        snprintf(buf, size, "%.2g", v);
    return buf;
}

static const char *cell(char *buf, size_t size, const bench_row *r, int stack)
{
    if (!r->have[stack])
        return "-";
    return num(buf, size, r->st[stack].median);
}

static const char *spread(char *buf, size_t size, const bench_row *r, int stack)
{
    char a[32], b[32];
    if (!r->have[stack])
        return "-";
    snprintf(buf, size, "%s..%s", num(a, sizeof(a), r->st[stack].min),
             num(b, sizeof(b), r->st[stack].max));
    return buf;
}

void bench_report_print(FILE *out)
{
    char c1[32], c2[32], s1[64], s2[64], ra[32], pr[32];
    int i;

    fprintf(out, "\n%-44s %-7s %10s %10s  %-19s %-19s %6s %6s  %-15s %s\n", "workload", "unit",
            "direct", "ours", "direct min..max", "ours min..max", "ratio", "paired", "target",
            "result");
    fprintf(out, "%.*s\n", 154, "------------------------------------------------------------"
            "------------------------------------------------------------------------------------"
            "----------");
    for (i = 0; i < n_rows; i++) {
        const bench_row *r = &rows[i];
        if (r->have_ratio) {
            snprintf(ra, sizeof(ra), "%.2f", r->ratio);
            snprintf(pr, sizeof(pr), "%.2f", r->paired_ratio);
        } else {
            strcpy(ra, "-");
            strcpy(pr, "-");
        }
        fprintf(out, "%-44s %-7s %10s %10s  %-19s %-19s %6s %6s  %-15s %s\n", r->label, r->unit,
                cell(c1, sizeof(c1), r, BENCH_DIRECT), cell(c2, sizeof(c2), r, BENCH_OURS),
                spread(s1, sizeof(s1), r, BENCH_DIRECT), spread(s2, sizeof(s2), r, BENCH_OURS),
                ra, pr, r->target[0] ? r->target : "-", r->verdict);
    }
    fprintf(out, "\nnotes:\n");
    for (i = 0; i < n_rows; i++)
        if (rows[i].note[0])
            fprintf(out, "  %-24s %s\n", rows[i].key, rows[i].note);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", (unsigned char)*s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void json_stats(FILE *f, const bench_row *r, int stack)
{
    const bench_stats *st = &r->st[stack];
    int i;

    if (!r->have[stack]) {
        fprintf(f, "null");
        return;
    }
    fprintf(f, "{\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"n\": %d, \"samples\": [",
            st->median, st->min, st->max, st->n);
    for (i = 0; i < st->n; i++)
        fprintf(f, "%s%.6g", i ? ", " : "", st->samples[i]);
    fprintf(f, "]}");
}

int bench_report_json(const char *path, int rounds)
{
    FILE *f = fopen(path, "w");
    int i;

    if (!f)
        return -1;
    fprintf(f, "{\n  \"rounds\": %d,\n  \"ratio\": \"ours/direct for rates, direct/ours for "
               "times and sizes, of the medians; 1.0 is parity, higher is better; paired_ratio: "
               "the median of the same ratio taken round by round; the verdict uses ratio\","
               "\n  \"rows\": [\n", rounds);
    for (i = 0; i < n_rows; i++) {
        const bench_row *r = &rows[i];
        fprintf(f, "    {\"key\": ");
        json_string(f, r->key);
        fprintf(f, ", \"workload\": ");
        json_string(f, r->label);
        fprintf(f, ", \"unit\": ");
        json_string(f, r->unit);
        fprintf(f, ",\n     \"direct\": ");
        json_stats(f, r, BENCH_DIRECT);
        fprintf(f, ",\n     \"ours\": ");
        json_stats(f, r, BENCH_OURS);
        fprintf(f, ",\n     \"ratio\": ");
        if (r->have_ratio)
            fprintf(f, "%.4f, \"paired_ratio\": %.4f", r->ratio, r->paired_ratio);
        else
            fprintf(f, "null, \"paired_ratio\": null");
        fprintf(f, ", \"target\": ");
        json_string(f, r->target);
        fprintf(f, ", \"result\": ");
        json_string(f, r->verdict);
        fprintf(f, ", \"note\": ");
        json_string(f, r->note);
        fprintf(f, "}%s\n", i + 1 < n_rows ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    return fclose(f) ? -1 : 0;
}
