package io.walden.wal.decode;

import io.walden.wal.Lsn;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventDecoderTest {
    private static final Lsn AT = new Lsn(0x5000028);
    private static final Lsn END = new Lsn(0x5000100);
    private static final Instant TIME = Instant.parse("2026-03-01T12:34:56.123456Z");
    private static final RelFileLocator A = new RelFileLocator(1663, 5, 16384);
    private static final RelFileLocator B = new RelFileLocator(1663, 5, 16387);

    private static WalRecord record(int rmid, int info, long xid, byte[] main, List<BlockReference> blocks) {
        return new WalRecord(AT, END, Lsn.ZERO, rmid, info, xid, 24 + main.length, blocks, main);
    }

    private static ByteBuffer buffer() {
        return ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOf(b.array(), b.position());
    }

    private static void putRel(ByteBuffer b, RelFileLocator rel) {
        b.putInt((int) rel.tablespaceOid()).putInt((int) rel.databaseOid()).putInt((int) rel.relNumber());
    }

    @Test
    void timestampTzCountsMicrosecondsSince2000() {
        assertThat(PgTime.fromTimestampTz(0)).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
        assertThat(PgTime.fromTimestampTz(86_400_000_001L)).isEqualTo(Instant.parse("2000-01-02T00:00:00.000001Z"));
        assertThat(PgTime.fromTimestampTz(-1)).isEqualTo(Instant.parse("1999-12-31T23:59:59.999999Z"));
        assertThat(PgTime.fromTimestampTz(PgTime.toTimestampTz(TIME))).isEqualTo(TIME);
        assertThat(PgTime.fromTimestampTz(Long.MAX_VALUE)).isEqualTo(Instant.MAX);
    }

    @Test
    void plainCommitHasOnlyItsTime() {
        byte[] main = bytes(buffer().putLong(PgTime.toTimestampTz(TIME)));
        TransactionEnd t = (TransactionEnd) new EventDecoder(15).decode(record(1, 0x00, 731, main, List.of())).orElseThrow();
        assertThat(t).isEqualTo(new TransactionEnd(AT, END, TransactionEnd.Kind.COMMIT, 731, TIME, 0, 0, List.of(), List.of(), ""));
        assertThat(t.committed()).isTrue();
    }

    /** A commit with every part xinfo can announce, in the order PostgreSQL writes them. */
    private static byte[] fullCommit(boolean withStats, int statsItemSize) {
        ByteBuffer b = buffer().putLong(PgTime.toTimestampTz(TIME));
        int xinfo = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40 | 0x80 | (withStats ? 0x100 : 0);
        b.putInt(xinfo);
        b.putInt(5).putInt(1663);                      // dbinfo
        b.putInt(2).putInt(801).putInt(802);           // subxacts
        b.putInt(2);                                   // dropped relation files
        putRel(b, A);
        putRel(b, B);
        if (withStats) {
            b.putInt(2).put(new byte[2 * statsItemSize]);
        }
        b.putInt(3).put(new byte[3 * 16]);            // invalidation messages
        b.putInt(900);                                 // the prepared transaction's xid
        b.put("tx-gid".getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        b.putLong(0x12345678L).putLong(77);            // origin lsn and time, unaligned
        return bytes(b);
    }

    @Test
    void commitPreparedWithEveryPartPerMajor() {
        for (int major : new int[] {13, 14, 15, 16, 17, 18}) {
            byte[] main = fullCommit(major >= 15, major >= 18 ? 16 : 12);
            TransactionEnd t = (TransactionEnd) new EventDecoder(major).decode(record(1, 0x30 | 0x80, 0, main, List.of())).orElseThrow();
            assertThat(t.kind()).as("PG %d", major).isEqualTo(TransactionEnd.Kind.COMMIT_PREPARED);
            assertThat(t.xid()).as("PG %d", major).isEqualTo(900);
            assertThat(t.gid()).as("PG %d", major).isEqualTo("tx-gid");
            assertThat(t.databaseOid()).isEqualTo(5);
            assertThat(t.tablespaceOid()).isEqualTo(1663);
            assertThat(t.subtransactions()).containsExactly(801L, 802L);
            assertThat(t.droppedRelations()).containsExactly(A, B);
            assertThat(t.time()).isEqualTo(TIME);
        }
    }

    @Test
    void abortWithDroppedFilesHasNoInvalidations() {
        ByteBuffer b = buffer().putLong(PgTime.toTimestampTz(TIME)).putInt(0x01 | 0x04 | 0x08);
        b.putInt(5).putInt(1663).putInt(1);
        putRel(b, A);
        TransactionEnd t = (TransactionEnd) new EventDecoder(16).decode(record(1, 0x20 | 0x80, 733, bytes(b), List.of())).orElseThrow();
        assertThat(t.kind()).isEqualTo(TransactionEnd.Kind.ABORT);
        assertThat(t.committed()).isFalse();
        assertThat(t.xid()).isEqualTo(733);
        assertThat(t.droppedRelations()).containsExactly(A);
    }

    @Test
    void abortPreparedTakesTheTwoPhaseXid() {
        ByteBuffer b = buffer().putLong(PgTime.toTimestampTz(TIME)).putInt(0x10).putInt(1234);
        TransactionEnd t = (TransactionEnd) new EventDecoder(14).decode(record(1, 0x40 | 0x80, 0, bytes(b), List.of())).orElseThrow();
        assertThat(t.kind()).isEqualTo(TransactionEnd.Kind.ABORT_PREPARED);
        assertThat(t.xid()).isEqualTo(1234);
        assertThat(t.gid()).isEmpty();
    }

    @Test
    void otherTransactionRecordsAreNoEvents() {
        byte[] main = bytes(buffer().putLong(0).putInt(0));
        EventDecoder decoder = new EventDecoder(15);
        assertThat(decoder.decode(record(1, 0x10, 1, main, List.of()))).isEmpty(); // prepare
        assertThat(decoder.decode(record(1, 0x50, 1, main, List.of()))).isEmpty(); // assignment
        assertThat(decoder.decode(record(1, 0x00, 1, new byte[4], List.of()))).isEmpty(); // too short
    }

    @Test
    void restorePointNameEndsAtItsNul() {
        ByteBuffer b = buffer().putLong(PgTime.toTimestampTz(TIME));
        byte[] name = new byte[64];
        Arrays.fill(name, (byte) 'x');
        System.arraycopy("before_drop".getBytes(StandardCharsets.UTF_8), 0, name, 0, 11);
        name[11] = 0;
        b.put(name);
        RestorePoint p = (RestorePoint) new EventDecoder(15).decode(record(0, 0x70, 0, bytes(b), List.of())).orElseThrow();
        assertThat(p).isEqualTo(new RestorePoint(AT, END, TIME, "before_drop"));
    }

    private static byte[] checkpoint(boolean pg17) {
        ByteBuffer b = ByteBuffer.allocate(88).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, 0x5000000L).putInt(8, 3).putInt(12, 2).put(16, (byte) 1);
        if (pg17) {
            b.putInt(20, 1); // wal_level, where 13 to 16 have padding
        }
        b.putLong(24, (2L << 32) | 740).putInt(32, 24576).putInt(44, 716).putLong(64, 1_772_000_000L).putInt(80, 739);
        return b.array();
    }

    @Test
    void checkpointHasTheSameLayoutFrom13To17() {
        for (int major : new int[] {13, 14, 15, 16, 17}) {
            Checkpoint c = (Checkpoint) new EventDecoder(major).decode(record(0, 0x00, 0, checkpoint(major == 17), List.of())).orElseThrow();
            assertThat(c).isEqualTo(new Checkpoint(AT, END, true, new Lsn(0x5000000L), 3, 2, true, (2L << 32) | 740,
                    24576, 716, 739, Instant.ofEpochSecond(1_772_000_000L)));
        }
        Checkpoint online = (Checkpoint) new EventDecoder(15).decode(record(0, 0x10, 0, checkpoint(false), List.of())).orElseThrow();
        assertThat(online.shutdown()).isFalse();
        assertThat(new EventDecoder(15).decode(record(0, 0x10, 0, new byte[80], List.of()))).isEmpty();
    }

    @Test
    void switchAndEndOfRecovery() {
        assertThat(new EventDecoder(15).decode(record(0, 0x40, 0, new byte[0], List.of())))
                .contains(new WalSwitch(AT, END));
        ByteBuffer b = buffer().putLong(PgTime.toTimestampTz(TIME)).putInt(4).putInt(3).putInt(1);
        assertThat(new EventDecoder(17).decode(record(0, 0x90, 0, bytes(b), List.of())))
                .contains(new EndOfRecovery(AT, END, TIME, 4, 3));
        assertThat(new EventDecoder(15).decode(record(0, 0x20, 0, new byte[0], List.of()))).isEmpty(); // noop
    }

    @Test
    void relationFileCreationAndTruncation() {
        ByteBuffer create = buffer();
        putRel(create, A);
        create.putInt(0);
        assertThat(new EventDecoder(15).decode(record(2, 0x10, 740, bytes(create), List.of())))
                .contains(new RelationEvent(AT, END, 740, RelationEvent.Action.CREATE_FILE, A, 5, List.of(), 1));
        ByteBuffer createFsm = buffer();
        putRel(createFsm, A);
        createFsm.putInt(1);
        assertThat(new EventDecoder(15).decode(record(2, 0x10, 740, bytes(createFsm), List.of()))).isEmpty();

        ByteBuffer truncate = buffer().putInt(10);
        putRel(truncate, B);
        truncate.putInt(7);
        assertThat(new EventDecoder(15).decode(record(2, 0x20, 0, bytes(truncate), List.of())))
                .contains(new RelationEvent(AT, END, 0, RelationEvent.Action.TRUNCATE_FILE, B, 5, List.of(), 1));
    }

    @Test
    void heapDeleteAndTruncate() {
        BlockReference block = new BlockReference(0, A, 0, 3, false, 0, 0);
        assertThat(new EventDecoder(15).decode(record(10, 0x10, 741, new byte[8], List.of(block))))
                .contains(new RelationEvent(AT, END, 741, RelationEvent.Action.DELETE_ROW, A, 5, List.of(), 1));
        assertThat(new EventDecoder(15).decode(record(10, 0x10 | 0x80, 741, new byte[8], List.of()))).isEmpty();
        byte[] superDelete = new byte[8];
        superDelete[7] = 0x08;
        assertThat(new EventDecoder(15).decode(record(10, 0x10, 741, superDelete, List.of(block)))).isEmpty();
        byte[] partitionMove = new byte[8];
        partitionMove[7] = 0x10;
        assertThat(new EventDecoder(15).decode(record(10, 0x10, 741, partitionMove, List.of(block))))
                .contains(new RelationEvent(AT, END, 741, RelationEvent.Action.UPDATE_ROW, A, 5, List.of(), 1));

        ByteBuffer t = buffer().putInt(5).putInt(2).put((byte) 0).put(new byte[3]).putInt(16390).putInt(16400);
        assertThat(new EventDecoder(15).decode(record(10, 0x30, 742, bytes(t), List.of())))
                .contains(new RelationEvent(AT, END, 742, RelationEvent.Action.TRUNCATE_TABLES, null, 5, List.of(16390L, 16400L), 1));
    }

    @Test
    void rowsInsertedAndUpdatedAndPagesWritten() {
        BlockReference block = new BlockReference(0, A, 0, 3, false, 0, 0);
        assertThat(new EventDecoder(15).decode(record(10, 0x00 | 0x80, 750, new byte[3], List.of(block))))
                .contains(new RelationEvent(AT, END, 750, RelationEvent.Action.INSERT_ROWS, A, 5, List.of(), 1));
        assertThat(new EventDecoder(15).decode(record(10, 0x20, 751, new byte[14], List.of(block))))
                .contains(new RelationEvent(AT, END, 751, RelationEvent.Action.UPDATE_ROW, A, 5, List.of(), 1));
        assertThat(new EventDecoder(15).decode(record(10, 0x40, 751, new byte[14], List.of(block))))
                .contains(new RelationEvent(AT, END, 751, RelationEvent.Action.UPDATE_ROW, A, 5, List.of(), 1));
        ByteBuffer multi = buffer().put((byte) 0).put((byte) 0).putShort((short) 61);
        assertThat(new EventDecoder(15).decode(record(9, 0x50, 752, bytes(multi), List.of(block))))
                .contains(new RelationEvent(AT, END, 752, RelationEvent.Action.INSERT_ROWS, A, 5, List.of(), 61));
        assertThat(new EventDecoder(15).decode(record(9, 0x10, 752, new byte[8], List.of(block)))).isEmpty(); // prune

        BlockReference page4 = new BlockReference(1, B, 0, 4, true, 100, 0);
        BlockReference fsm = new BlockReference(2, B, 1, 0, true, 100, 0);
        assertThat(new EventDecoder(15).decode(record(0, 0xB0, 753, new byte[0], List.of(page4, fsm))))
                .contains(new RelationEvent(AT, END, 753, RelationEvent.Action.WRITE_PAGES, B, 5, List.of(), 1));
        assertThat(new EventDecoder(15).decode(record(0, 0xC0, 753, new byte[0], List.of(page4)))).isEmpty(); // hint bits
    }

    @Test
    void otherResourceManagersAreNoEvents() {
        assertThat(new EventDecoder(15).decode(record(11, 0x00, 1, new byte[8], List.of()))).isEmpty();
        assertThat(new EventDecoder(15).decode(record(200, 0x00, 1, new byte[8], List.of()))).isEmpty();
    }
}
