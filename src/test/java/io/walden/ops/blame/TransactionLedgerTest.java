package io.walden.ops.blame;

import io.walden.repo.CatalogSnapshot;
import io.walden.wal.Lsn;
import io.walden.wal.decode.RelFileLocator;
import io.walden.wal.decode.RelationEvent;
import io.walden.wal.decode.TransactionEnd;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionLedgerTest {
    private static final long DB = 5;
    private static final Lsn AT = new Lsn(0x3000000);

    private TransactionLedger ledger;

    @BeforeEach
    void catalog() {
        CatalogSnapshot snapshot = new CatalogSnapshot(Instant.EPOCH, AT, List.of(new CatalogSnapshot.Database(DB, "shop", List.of(
                new CatalogSnapshot.Table(16384, "public", "orders", "r", 16400, 16403,
                        List.of(new CatalogSnapshot.Index(16390, "orders_pkey", 16405)), 1000, 65536),
                new CatalogSnapshot.Table(16386, "public", "items", "r", 16410, 0, List.of(), -1, 20_000)))), List.of());
        ledger = new TransactionLedger(new RelationTracker(snapshot));
    }

    @Test
    void deletesAreCountedPerTableAndARolledBackSavepointDestroyedNothing() {
        rows(100, RelationEvent.Action.DELETE_ROW, 16400, 3);
        rows(100, RelationEvent.Action.DELETE_ROW, 16405, 9); // an index file is no table of its own
        assertThat(commit(100, List.of())).containsExactly(effect(Effect.Kind.DELETE, "public.orders", 16384, 3, false, Attribution.CERTAIN));

        rows(101, RelationEvent.Action.DELETE_ROW, 16400, 2);
        rows(102, RelationEvent.Action.DELETE_ROW, 16400, 5);
        assertThat(end(102, TransactionEnd.Kind.ABORT, List.of(), List.of())).isEmpty();
        assertThat(commit(101, List.of())).extracting(Effect::rows).containsExactly(2L);
    }

    @Test
    void aCommittedSubtransactionCountsWithItsTopTransaction() {
        rows(103, RelationEvent.Action.UPDATE_ROW, 16400, 7);
        assertThat(end(110, TransactionEnd.Kind.COMMIT, List.of(103L), List.of()).orElseThrow())
                .containsExactly(effect(Effect.Kind.UPDATE, "public.orders", 16384, 7, false, Attribution.CERTAIN));
    }

    @Test
    void aRewriteIsFollowedAndALaterDropStillNamesTheTable() {
        // VACUUM FULL orders: a new heap filled with its rows, new TOAST and index files, the old ones dropped
        create(120, 16500);
        pages(16500, 8);
        create(120, 16501);
        create(120, 16502);
        pages(16502, 2);
        assertThat(end(120, TransactionEnd.Kind.COMMIT, List.of(), List.of(16400L, 16403L, 16405L))).isEmpty();

        rows(121, RelationEvent.Action.INSERT_ROWS, 16500, 100);
        rows(121, RelationEvent.Action.DELETE_ROW, 16500, 1);
        assertThat(commit(121, List.of())).containsExactly(effect(Effect.Kind.DELETE, "public.orders", 16384, 1, false, Attribution.FOLLOWED));

        assertThat(commit(122, List.of(16500L, 16501L, 16502L)))
                .containsExactly(effect(Effect.Kind.DROP, "public.orders", 16384, 1099, true, Attribution.FOLLOWED));
    }

    @Test
    void aNewEmptyFileMeansTruncateAndTheTableStartsFromNothing() {
        create(130, 16600);
        assertThat(commit(130, List.of(16410L)))
                .containsExactly(effect(Effect.Kind.TRUNCATE, "public.items", 16386, 200, true, Attribution.CERTAIN));
        rows(131, RelationEvent.Action.INSERT_ROWS, 16600, 10);
        assertThat(commit(131, List.of())).isEmpty();
        assertThat(commit(132, List.of(16600L)))
                .containsExactly(effect(Effect.Kind.DROP, "public.items", 16386, 10, true, Attribution.FOLLOWED));
    }

    @Test
    void truncatingSeveralTablesAtOnceNamesEachButFollowsNone() {
        create(140, 16700);
        create(140, 16701);
        create(140, 16702);
        assertThat(commit(140, List.of(16410L, 16405L, 16403L, 16400L))).extracting(Effect::kind, Effect::table)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(Effect.Kind.TRUNCATE, "public.items"),
                        org.assertj.core.groups.Tuple.tuple(Effect.Kind.TRUNCATE, "public.orders"));
        rows(141, RelationEvent.Action.DELETE_ROW, 16700, 1);
        assertThat(commit(141, List.of())).extracting(Effect::table, Effect::attribution)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("file base/5/16700", Attribution.UNKNOWN));
    }

    @Test
    void aTableCreatedAfterTheBackupIsNamedByItsFileAndCatalogsAreIgnored() {
        create(150, 16800);
        rows(150, RelationEvent.Action.INSERT_ROWS, 16800, 50);
        assertThat(commit(150, List.of())).isEmpty();
        rows(151, RelationEvent.Action.DELETE_ROW, 1259, 40); // pg_class rows of a DROP
        assertThat(commit(151, List.of(16800L)))
                .containsExactly(effect(Effect.Kind.DROP, "file base/5/16800", 0, 50, true, Attribution.UNKNOWN));
    }

    private static Effect effect(Effect.Kind kind, String table, long oid, long rows, boolean estimated, Attribution a) {
        return new Effect(kind, "shop", table, oid, rows, estimated, a);
    }

    private void rows(long xid, RelationEvent.Action action, long file, int count) {
        for (int i = 0; i < (action == RelationEvent.Action.INSERT_ROWS ? 1 : count); i++) {
            ledger.relationEvent(new RelationEvent(AT, AT, xid, action, rel(file), DB, List.of(),
                    action == RelationEvent.Action.INSERT_ROWS ? count : 1));
        }
    }

    private void create(long xid, long file) {
        ledger.relationEvent(new RelationEvent(AT, AT, xid, RelationEvent.Action.CREATE_FILE, rel(file), DB, List.of(), 1));
    }

    private void pages(long file, int count) {
        ledger.relationEvent(new RelationEvent(AT, AT, 0, RelationEvent.Action.WRITE_PAGES, rel(file), DB, List.of(), count));
    }

    private List<Effect> commit(long xid, List<Long> dropped) {
        return end(xid, TransactionEnd.Kind.COMMIT, List.of(), dropped).orElse(List.of());
    }

    private Optional<List<Effect>> end(long xid, TransactionEnd.Kind kind, List<Long> subxacts, List<Long> dropped) {
        return ledger.end(new TransactionEnd(AT, AT, kind, xid, Instant.EPOCH, DB, 1663, subxacts,
                dropped.stream().map(TransactionLedgerTest::rel).toList(), ""));
    }

    private static RelFileLocator rel(long file) {
        return new RelFileLocator(1663, DB, file);
    }
}
