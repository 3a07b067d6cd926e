/*
 * test_handle_table.c - provider/common/handle_table.c, the table behind
 * ws2.dll's handles, celsp's socket contexts and hostprov's socket map,
 * linked on its own (no stack loaded) and driven as those layers drive it.
 *
 *   insert_then_lookup        each value finds its own record, referenced;
 *                             an absent value finds nothing
 *   stale_entry_is_handed_back  a second insertion of a value returns the
 *                             first record (still holding the table's
 *                             reference); lookups find the new one; removing
 *                             the stale one by identity removes nothing
 *   remove_and_take           removal by identity once only; take by value
 *   references_outlive_removal  a lookup's reference keeps a removed record;
 *                             only the last dereference says "delete"
 *   growth_keeps_every_entry  20,000 values: the buckets double past the
 *                             first 64, every value is still found, a drain
 *                             returns each once and the table is back to 64
 *   snapshot_references_all   every entry once, each referenced
 *   threads_insert_remove     four threads insert, find and remove their own
 *                             values (the table growing under them) while a
 *                             fifth looks values up: nothing lost, nothing
 *                             found that is not in, every record freed once
 *                             (by its thread or the reader), an empty table
 *   threads_race_one_value    four threads insert records for the same value:
 *                             each record is handed back as stale exactly
 *                             once, except the one left in the table
 */
#include "testutil.h"
#include "../provider/common/handle_table.h"

#include <stdlib.h>
#include <string.h>

struct rec {
    struct handle_entry link;
    int owner;
    volatile LONG stale_count;      /* times handed back as stale */
};

static volatile LONG made, freed;     /* records, for the thread tests */

static struct rec *rec_of(struct handle_entry *e)
{
    return e ? HANDLE_ENTRY_RECORD(e, struct rec, link) : NULL;
}

static struct rec *rec_new(ULONG_PTR handle, int owner)
{
    struct rec *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    handle_entry_initialise(&r->link, handle);
    r->owner = owner;
    InterlockedIncrement(&made);
    return r;
}

/* Drops one reference; frees on the last.  TRUE when it freed. */
static BOOL rec_dereference(struct rec *r)
{
    if (!handle_entry_dereference(&r->link))
        return FALSE;
    memset(r, 0xdd, sizeof(*r));    /* a use after this shows */
    free(r);
    InterlockedIncrement(&freed);
    return TRUE;
}

static void empty_table(struct handle_table *t)
{
    struct handle_entry *e = handle_table_drain(t);
    while (e) {
        struct handle_entry *next = e->next;
        rec_dereference(rec_of(e));
        e = next;
    }
}

static void insert_then_lookup(void **state)
{
    static struct handle_table t = HANDLE_TABLE_INIT;
    struct rec *a = rec_new(0x104, 1), *b = rec_new(0x108, 2), *c = rec_new(0x4104, 3);
    struct rec *found;

    (void)state;
    assert_null(handle_table_insert(&t, &a->link));
    assert_null(handle_table_insert(&t, &b->link));
    assert_null(handle_table_insert(&t, &c->link));
    assert_int_equal(handle_table_count(&t), 3);
    found = rec_of(handle_table_lookup(&t, 0x108));
    assert_ptr_equal(found, b);
    assert_int_equal(handle_entry_refs(&b->link), 2);
    assert_false(rec_dereference(found));
    assert_ptr_equal(rec_of(handle_table_lookup(&t, 0x4104)), c);
    rec_dereference(c);
    assert_ptr_equal(rec_of(handle_table_lookup(&t, 0x104)), a);
    rec_dereference(a);
    assert_null(handle_table_lookup(&t, 0x10c));
    assert_null(handle_table_lookup(&t, 0));
    assert_int_equal(handle_entry_refs(&a->link), 1);
    empty_table(&t);
}

static void stale_entry_is_handed_back(void **state)
{
    static struct handle_table t = HANDLE_TABLE_INIT;
    struct rec *old = rec_new(0x200, 1), *fresh = rec_new(0x200, 2), *found;

    (void)state;
    assert_null(handle_table_insert(&t, &old->link));
    assert_ptr_equal(rec_of(handle_table_insert(&t, &fresh->link)), old);
    /* the stale record comes back with the table's reference, unlinked */
    assert_int_equal(handle_entry_refs(&old->link), 1);
    assert_int_equal(handle_table_count(&t), 1);
    found = rec_of(handle_table_lookup(&t, 0x200));
    assert_ptr_equal(found, fresh);
    rec_dereference(found);
    /* identity, not value: the stale record's removal leaves the new one */
    assert_false(handle_table_remove(&t, &old->link));
    found = rec_of(handle_table_lookup(&t, 0x200));
    assert_ptr_equal(found, fresh);
    rec_dereference(found);
    assert_true(rec_dereference(old));
    empty_table(&t);
}

static void remove_and_take(void **state)
{
    static struct handle_table t = HANDLE_TABLE_INIT;
    struct rec *a = rec_new(0x300, 1), *b = rec_new(0x304, 2);

    (void)state;
    handle_table_insert(&t, &a->link);
    handle_table_insert(&t, &b->link);
    assert_true(handle_table_remove(&t, &a->link));
    assert_false(handle_table_remove(&t, &a->link));
    assert_null(handle_table_lookup(&t, 0x300));
    assert_int_equal(handle_table_count(&t), 1);
    assert_true(rec_dereference(a));
    assert_null(handle_table_take(&t, 0x300));
    assert_ptr_equal(rec_of(handle_table_take(&t, 0x304)), b);
    assert_null(handle_table_lookup(&t, 0x304));
    assert_null(handle_table_take(&t, 0x304));
    assert_int_equal(handle_table_count(&t), 0);
    assert_true(rec_dereference(b));
}

static void references_outlive_removal(void **state)
{
    static struct handle_table t = HANDLE_TABLE_INIT;
    struct rec *a = rec_new(0x400, 7), *held;

    (void)state;
    handle_table_insert(&t, &a->link);
    held = rec_of(handle_table_lookup(&t, 0x400));
    handle_entry_reference(&held->link);
    assert_int_equal(handle_entry_refs(&a->link), 3);
    assert_true(handle_table_remove(&t, &a->link));
    assert_false(rec_dereference(a));       /* the table's */
    assert_false(rec_dereference(held));    /* the extra one */
    assert_int_equal(held->owner, 7);       /* still there for the last holder */
    assert_true(rec_dereference(held));
}

static void growth_keeps_every_entry(void **state)
{
    enum { N = 20000 };
    static struct handle_table t = HANDLE_TABLE_INIT;
    struct handle_entry *e;
    size_t i, drained = 0;
    char *seen = calloc(N, 1);

    (void)state;
    assert_non_null(seen);
    assert_int_equal(handle_table_bucket_count(&t), HANDLE_TABLE_FIRST_BUCKETS);
    for (i = 0; i < N; i++)
        assert_null(handle_table_insert(&t, &rec_new(4 * (i + 1), (int)i)->link));
    assert_int_equal(handle_table_count(&t), N);
    /* at most two entries per bucket on average once grown */
    assert_true(handle_table_bucket_count(&t) * 2 >= N);
    for (i = 0; i < N; i++) {
        struct rec *r = rec_of(handle_table_lookup(&t, 4 * (i + 1)));
        assert_non_null(r);
        assert_int_equal(r->owner, (int)i);
        rec_dereference(r);
    }
    for (e = handle_table_drain(&t); e;) {
        struct handle_entry *next = e->next;
        struct rec *r = rec_of(e);
        assert_true(r->owner >= 0 && r->owner < N);
        assert_int_equal(seen[r->owner], 0);
        seen[r->owner] = 1;
        drained++;
        assert_true(rec_dereference(r));
        e = next;
    }
    assert_int_equal(drained, N);
    assert_int_equal(handle_table_count(&t), 0);
    assert_int_equal(handle_table_bucket_count(&t), HANDLE_TABLE_FIRST_BUCKETS);
    assert_null(handle_table_lookup(&t, 4));
    free(seen);
}

static void snapshot_references_all(void **state)
{
    static struct handle_table t = HANDLE_TABLE_INIT;
    struct handle_entry **all;
    size_t count = 99, i;
    int owners = 0;

    (void)state;
    all = handle_table_snapshot(&t, &count);
    assert_int_equal(count, 0);
    free(all);
    for (i = 0; i < 300; i++)
        handle_table_insert(&t, &rec_new(0x1000 + 4 * i, 1 << (i % 3))->link);
    all = handle_table_snapshot(&t, &count);
    assert_int_equal(count, 300);
    for (i = 0; i < count; i++) {
        assert_int_equal(handle_entry_refs(all[i]), 2);
        owners |= rec_of(all[i])->owner;
        rec_dereference(rec_of(all[i]));
    }
    assert_int_equal(owners, 7);
    free(all);
    empty_table(&t);
}

/* ---- threads ------------------------------------------------------------ */

enum { WORKERS = 4, PER_WORKER = 5000, ROUNDS = 4 };

static struct handle_table shared = HANDLE_TABLE_INIT;
static volatile LONG stop_reader, reader_found, failures;

static ULONG_PTR worker_value(int worker, int i)
{
    /* interleaved, so the workers' values share buckets */
    return (ULONG_PTR)4 * (1 + (ULONG_PTR)i * WORKERS + (ULONG_PTR)worker);
}

static DWORD WINAPI worker_main(void *arg)
{
    int worker = (int)(INT_PTR)arg, round, i;
    struct rec **mine = calloc(PER_WORKER, sizeof(*mine));

    if (!mine) {
        InterlockedIncrement(&failures);
        return 1;
    }
    for (round = 0; round < ROUNDS; round++) {
        for (i = 0; i < PER_WORKER; i++) {
            mine[i] = rec_new(worker_value(worker, i), worker);
            if (handle_table_insert(&shared, &mine[i]->link))
                InterlockedIncrement(&failures);    /* no one else has our values */
        }
        for (i = 0; i < PER_WORKER; i++) {
            struct rec *r = rec_of(handle_table_lookup(&shared, worker_value(worker, i)));
            if (r != mine[i])
                InterlockedIncrement(&failures);
            if (r)
                rec_dereference(r);
        }
        for (i = 0; i < PER_WORKER; i++) {
            if (!handle_table_remove(&shared, &mine[i]->link))
                InterlockedIncrement(&failures);
            if (handle_table_lookup(&shared, worker_value(worker, i)))
                InterlockedIncrement(&failures);
            /* the last reference may be the reader's, which frees it then */
            rec_dereference(mine[i]);
        }
    }
    free(mine);
    return 0;
}

static DWORD WINAPI reader_main(void *arg)
{
    ULONG_PTR v = 4;
    (void)arg;
    while (!stop_reader) {
        struct rec *r = rec_of(handle_table_lookup(&shared, v));
        if (r) {
            /* a record found is the one its value belongs to, and alive */
            if (r->link.handle != v || r->owner != (int)((v / 4 - 1) % WORKERS))
                InterlockedIncrement(&failures);
            InterlockedIncrement(&reader_found);
            rec_dereference(r);
        }
        v = v + 4 > worker_value(WORKERS - 1, PER_WORKER - 1) ? 4 : v + 4;
    }
    return 0;
}

static void threads_insert_remove(void **state)
{
    HANDLE threads[WORKERS + 1];
    int i;

    (void)state;
    failures = 0;
    made = freed = 0;
    stop_reader = 0;
    reader_found = 0;
    threads[WORKERS] = CreateThread(NULL, 0, reader_main, NULL, 0, NULL);
    assert_non_null(threads[WORKERS]);
    for (i = 0; i < WORKERS; i++) {
        threads[i] = CreateThread(NULL, 0, worker_main, (void *)(INT_PTR)i, 0, NULL);
        assert_non_null(threads[i]);
    }
    assert_int_equal(WaitForMultipleObjects(WORKERS, threads, TRUE, 120000), WAIT_OBJECT_0);
    stop_reader = 1;
    assert_int_equal(WaitForSingleObject(threads[WORKERS], 10000), WAIT_OBJECT_0);
    for (i = 0; i <= WORKERS; i++)
        CloseHandle(threads[i]);
    tu_log("reader found %ld records, buckets %u", reader_found,
           (unsigned)handle_table_bucket_count(&shared));
    assert_int_equal(failures, 0);
    /* every record freed once: by its worker or by the reader */
    assert_int_equal(freed, made);
    assert_int_equal(made, WORKERS * PER_WORKER * ROUNDS);
    assert_int_equal(handle_table_count(&shared), 0);
    assert_true(handle_table_bucket_count(&shared) * 2 >= WORKERS * PER_WORKER);
    empty_table(&shared);
}

enum { RACE_INSERTS = 20000 };
static struct handle_table race = HANDLE_TABLE_INIT;
static HANDLE race_go;

static DWORD WINAPI racer_main(void *arg)
{
    struct rec **made = arg;
    int i;

    WaitForSingleObject(race_go, INFINITE);
    for (i = 0; i < RACE_INSERTS; i++) {
        struct rec *r = rec_new(0x5000, 0), *stale;
        made[i] = r;
        handle_entry_reference(&r->link);   /* ours, so the record outlives its stale turn */
        stale = rec_of(handle_table_insert(&race, &r->link));
        if (stale) {
            InterlockedIncrement(&stale->stale_count);
            rec_dereference(stale);         /* the table's */
        }
    }
    return 0;
}

static void threads_race_one_value(void **state)
{
    struct rec **made[WORKERS];
    HANDLE threads[WORKERS];
    struct rec *left;
    int i, j;

    (void)state;
    race_go = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < WORKERS; i++) {
        made[i] = calloc(RACE_INSERTS, sizeof(**made));
        assert_non_null(made[i]);
        threads[i] = CreateThread(NULL, 0, racer_main, made[i], 0, NULL);
        assert_non_null(threads[i]);
    }
    SetEvent(race_go);
    assert_int_equal(WaitForMultipleObjects(WORKERS, threads, TRUE, 120000), WAIT_OBJECT_0);
    assert_int_equal(handle_table_count(&race), 1);
    left = rec_of(handle_table_lookup(&race, 0x5000));
    assert_non_null(left);
    rec_dereference(left);
    for (i = 0; i < WORKERS; i++) {
        for (j = 0; j < RACE_INSERTS; j++) {
            struct rec *r = made[i][j];
            assert_int_equal(r->stale_count, r == left ? 0 : 1);
            if (r != left)
                assert_true(rec_dereference(r));    /* only ours was left */
        }
        CloseHandle(threads[i]);
    }
    assert_ptr_equal(rec_of(handle_table_take(&race, 0x5000)), left);
    assert_false(rec_dereference(left));
    assert_true(rec_dereference(left));
    for (i = 0; i < WORKERS; i++)
        free(made[i]);
    CloseHandle(race_go);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(insert_then_lookup),
        cmocka_unit_test(stale_entry_is_handed_back),
        cmocka_unit_test(remove_and_take),
        cmocka_unit_test(references_outlive_removal),
        cmocka_unit_test(growth_keeps_every_entry),
        cmocka_unit_test(snapshot_references_all),
        cmocka_unit_test(threads_insert_remove),
        cmocka_unit_test(threads_race_one_value),
    };
    tu_main_init(argc, argv);
    return cmocka_run_group_tests_name("handle_table", tests, NULL, NULL);
}
