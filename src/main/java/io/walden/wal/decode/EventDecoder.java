package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the records that matter for time and for relations into {@link WalEvent}s by reading their main data.
 * The layouts read here are those of PostgreSQL 13 to 17; where they differ the major version decides.
 * A record whose main data is shorter than its type needs yields no event (PostgreSQL never writes one).
 */
public final class EventDecoder {
    // RM_XLOG_ID record types
    private static final int CHECKPOINT_SHUTDOWN = 0x00;
    private static final int CHECKPOINT_ONLINE = 0x10;
    private static final int SWITCH = 0x40;
    private static final int RESTORE_POINT = 0x70;
    private static final int END_OF_RECOVERY = 0x90;

    // RM_XACT_ID record types: the low three bits of the rmgr nibble, the high one says "xinfo follows"
    private static final int XACT_OPMASK = 0x70;
    private static final int XACT_HAS_INFO = 0x80;
    private static final int XACT_COMMIT = 0x00;
    private static final int XACT_ABORT = 0x20;
    private static final int XACT_COMMIT_PREPARED = 0x30;
    private static final int XACT_ABORT_PREPARED = 0x40;

    // xinfo flags, in the order their data follows
    private static final int XINFO_HAS_DBINFO = 0x01;
    private static final int XINFO_HAS_SUBXACTS = 0x02;
    private static final int XINFO_HAS_RELFILELOCATORS = 0x04;
    private static final int XINFO_HAS_INVALS = 0x08;
    private static final int XINFO_HAS_TWOPHASE = 0x10;
    private static final int XINFO_HAS_GID = 0x80;
    private static final int XINFO_HAS_DROPPED_STATS = 0x100;

    /** SharedInvalidationMessage is a 16-byte union. */
    private static final int INVALIDATION_MESSAGE_SIZE = 16;

    // RM_SMGR_ID
    private static final int SMGR_CREATE = 0x10;
    private static final int SMGR_TRUNCATE = 0x20;
    private static final int MAIN_FORK = 0;

    // RM_XLOG_ID: a batch of whole pages (log_newpage), not a hint-bit image
    private static final int FPI = 0xB0;

    // RM_HEAP_ID and RM_HEAP2_ID
    private static final int HEAP_OPMASK = 0x70;
    private static final int HEAP_INSERT = 0x00;
    private static final int HEAP_DELETE = 0x10;
    private static final int HEAP_UPDATE = 0x20;
    private static final int HEAP_TRUNCATE = 0x30;
    private static final int HEAP_HOT_UPDATE = 0x40;
    private static final int HEAP2_MULTI_INSERT = 0x50;

    // xl_heap_delete.flags (byte 7): a speculative insertion taken back, a row moved to another partition
    private static final int DELETE_FLAGS_OFFSET = 7;
    private static final int DELETE_IS_SUPER = 0x08;
    private static final int DELETE_IS_PARTITION_MOVE = 0x10;

    // offsets in struct CheckPoint, the same in 13 to 17 (FullTransactionId nextXid is 8-aligned at 24)
    private static final int CHECKPOINT_SIZE = 88;

    private static final int RESTORE_POINT_NAME_LENGTH = 64;

    private final int statsItemSize;
    private final boolean relationEvents;

    /** Decodes records written by PostgreSQL {@code pgMajor} (see {@link SegmentDecoder#pgMajor()}), every event. */
    public EventDecoder(int pgMajor) {
        this(pgMajor, true);
    }

    /**
     * {@code relationEvents} false: only the events of time and recovery (transaction ends, restore points,
     * checkpoints, switches), which is all a segment's summary needs: wal-push decodes every segment it archives,
     * and a {@link RelationEvent} for each row written would be made only to be dropped.
     */
    public EventDecoder(int pgMajor, boolean relationEvents) {
        // xl_xact_stats_item: kind, dboid, objoid (12 bytes) until 18 widened objoid to 64 bits
        this.statsItemSize = pgMajor >= 18 ? 16 : 12;
        this.relationEvents = relationEvents;
    }

    public Optional<WalEvent> decode(WalRecord record) {
        try {
            return switch (record.rmid()) {
                case Rmgr.XLOG -> xlog(record);
                case Rmgr.TRANSACTION -> transaction(record);
                case Rmgr.STORAGE -> relationEvents ? storage(record) : Optional.empty();
                case Rmgr.HEAP -> relationEvents ? heap(record) : Optional.empty();
                case Rmgr.HEAP2 -> relationEvents ? heap2(record) : Optional.empty();
                default -> Optional.empty();
            };
        } catch (ShortData e) {
            return Optional.empty();
        }
    }

    private Optional<WalEvent> xlog(WalRecord r) throws ShortData {
        byte[] d = r.mainData();
        switch (r.rmgrInfo()) {
            case CHECKPOINT_SHUTDOWN, CHECKPOINT_ONLINE -> {
                need(d, 0, CHECKPOINT_SIZE);
                return Optional.of(new Checkpoint(r.lsn(), r.end(), r.rmgrInfo() == CHECKPOINT_SHUTDOWN,
                        new Lsn(LittleEndian.i64(d, 0)), LittleEndian.i32(d, 8), LittleEndian.i32(d, 12), d[16] != 0,
                        LittleEndian.i64(d, 24), LittleEndian.u32(d, 32), LittleEndian.u32(d, 44),
                        LittleEndian.u32(d, 80), PgTime.fromPgTime(LittleEndian.i64(d, 64))));
            }
            case SWITCH -> {
                return Optional.of(new WalSwitch(r.lsn(), r.end()));
            }
            case RESTORE_POINT -> {
                need(d, 0, 8 + RESTORE_POINT_NAME_LENGTH);
                return Optional.of(new RestorePoint(r.lsn(), r.end(), PgTime.fromTimestampTz(LittleEndian.i64(d, 0)),
                        cString(d, 8, RESTORE_POINT_NAME_LENGTH)));
            }
            case FPI -> {
                return relationEvents ? pagesWritten(r) : Optional.empty();
            }
            case END_OF_RECOVERY -> {
                need(d, 0, 16);
                return Optional.of(new EndOfRecovery(r.lsn(), r.end(), PgTime.fromTimestampTz(LittleEndian.i64(d, 0)),
                        LittleEndian.i32(d, 8), LittleEndian.i32(d, 12)));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** Commit and abort records: xact_time, then the parts xinfo announces, each only when its flag is set. */
    private Optional<WalEvent> transaction(WalRecord r) throws ShortData {
        TransactionEnd.Kind kind = switch (r.info() & XACT_OPMASK) {
            case XACT_COMMIT -> TransactionEnd.Kind.COMMIT;
            case XACT_ABORT -> TransactionEnd.Kind.ABORT;
            case XACT_COMMIT_PREPARED -> TransactionEnd.Kind.COMMIT_PREPARED;
            case XACT_ABORT_PREPARED -> TransactionEnd.Kind.ABORT_PREPARED;
            default -> null; // prepare, xid assignment, invalidations
        };
        if (kind == null) {
            return Optional.empty();
        }
        byte[] d = r.mainData();
        need(d, 0, 8);
        long time = LittleEndian.i64(d, 0);
        int pos = 8;
        long xinfo = 0;
        if ((r.info() & XACT_HAS_INFO) != 0) {
            need(d, pos, 4);
            xinfo = LittleEndian.u32(d, pos);
            pos += 4;
        }
        long dbOid = 0;
        long tsOid = 0;
        if ((xinfo & XINFO_HAS_DBINFO) != 0) {
            need(d, pos, 8);
            dbOid = LittleEndian.u32(d, pos);
            tsOid = LittleEndian.u32(d, pos + 4);
            pos += 8;
        }
        List<Long> subxacts = List.of();
        if ((xinfo & XINFO_HAS_SUBXACTS) != 0) {
            int n = count(d, pos, 4);
            subxacts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                subxacts.add(LittleEndian.u32(d, pos + 4 + 4 * i));
            }
            pos += 4 + 4 * n;
        }
        List<RelFileLocator> dropped = List.of();
        if ((xinfo & XINFO_HAS_RELFILELOCATORS) != 0) {
            int n = count(d, pos, RelFileLocator.SIZE);
            dropped = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                dropped.add(RelFileLocator.read(d, pos + 4 + RelFileLocator.SIZE * i));
            }
            pos += 4 + RelFileLocator.SIZE * n;
        }
        if ((xinfo & XINFO_HAS_DROPPED_STATS) != 0) {
            pos += 4 + statsItemSize * count(d, pos, statsItemSize);
        }
        // only commit records carry invalidation messages; abort records never set the flag
        if (kind.committed() && (xinfo & XINFO_HAS_INVALS) != 0) {
            pos += 4 + INVALIDATION_MESSAGE_SIZE * count(d, pos, INVALIDATION_MESSAGE_SIZE);
        }
        long xid = r.xid();
        String gid = "";
        if ((xinfo & XINFO_HAS_TWOPHASE) != 0) {
            need(d, pos, 4);
            xid = LittleEndian.u32(d, pos);
            pos += 4;
            if ((xinfo & XINFO_HAS_GID) != 0) {
                gid = cString(d, pos, d.length - pos);
            }
        }
        return Optional.of(new TransactionEnd(r.lsn(), r.end(), kind, xid, PgTime.fromTimestampTz(time), dbOid, tsOid,
                subxacts, dropped, gid));
    }

    private Optional<WalEvent> storage(WalRecord r) throws ShortData {
        byte[] d = r.mainData();
        switch (r.rmgrInfo()) {
            case SMGR_CREATE -> {
                // xl_smgr_create: RelFileLocator, ForkNumber
                need(d, 0, RelFileLocator.SIZE + 4);
                if (LittleEndian.i32(d, RelFileLocator.SIZE) != MAIN_FORK) {
                    return Optional.empty();
                }
                RelFileLocator rel = RelFileLocator.read(d, 0);
                return Optional.of(relationEvent(r, RelationEvent.Action.CREATE_FILE, rel));
            }
            case SMGR_TRUNCATE -> {
                // xl_smgr_truncate: BlockNumber blkno, RelFileLocator, int flags
                need(d, 0, 4 + RelFileLocator.SIZE);
                return Optional.of(relationEvent(r, RelationEvent.Action.TRUNCATE_FILE, RelFileLocator.read(d, 4)));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private Optional<WalEvent> heap(WalRecord r) throws ShortData {
        switch (r.info() & HEAP_OPMASK) {
            case HEAP_INSERT -> {
                return rowEvent(r, RelationEvent.Action.INSERT_ROWS, 1);
            }
            case HEAP_DELETE -> {
                byte[] d = r.mainData();
                need(d, 0, DELETE_FLAGS_OFFSET + 1);
                int flags = d[DELETE_FLAGS_OFFSET] & 0xFF;
                if ((flags & DELETE_IS_SUPER) != 0) {
                    return Optional.empty();
                }
                return rowEvent(r, (flags & DELETE_IS_PARTITION_MOVE) != 0
                        ? RelationEvent.Action.UPDATE_ROW : RelationEvent.Action.DELETE_ROW, 1);
            }
            case HEAP_UPDATE, HEAP_HOT_UPDATE -> {
                // block 0 is the page of the new row version, which is the same relation as the old one
                return rowEvent(r, RelationEvent.Action.UPDATE_ROW, 1);
            }
            case HEAP_TRUNCATE -> {
                // xl_heap_truncate: Oid dbId, uint32 nrelids, uint8 flags, (padding), Oid relids[] at 12
                byte[] d = r.mainData();
                need(d, 0, 12);
                long n = LittleEndian.u32(d, 4);
                need(d, 12, n * 4);
                List<Long> relids = new ArrayList<>((int) n);
                for (int i = 0; i < n; i++) {
                    relids.add(LittleEndian.u32(d, 12 + 4 * i));
                }
                return Optional.of(new RelationEvent(r.lsn(), r.end(), r.xid(), RelationEvent.Action.TRUNCATE_TABLES,
                        null, LittleEndian.u32(d, 0), relids, 1));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private Optional<WalEvent> heap2(WalRecord r) throws ShortData {
        if ((r.info() & HEAP_OPMASK) != HEAP2_MULTI_INSERT) {
            return Optional.empty();
        }
        // xl_heap_multi_insert: uint8 flags, (padding), uint16 ntuples at 2
        byte[] d = r.mainData();
        need(d, 0, 4);
        return rowEvent(r, RelationEvent.Action.INSERT_ROWS, LittleEndian.u16(d, 2));
    }

    /** A row action on the relation of the record's first block, which is always a main-fork page. */
    private static Optional<WalEvent> rowEvent(WalRecord r, RelationEvent.Action action, int rows) {
        if (r.blocks().isEmpty()) {
            return Optional.empty();
        }
        RelFileLocator rel = r.blocks().get(0).relation();
        return Optional.of(new RelationEvent(r.lsn(), r.end(), r.xid(), action, rel, rel.databaseOid(), List.of(), rows));
    }

    /** Main-fork page images of one relation; log_newpages batches the pages of a single file per record. */
    private static Optional<WalEvent> pagesWritten(WalRecord r) {
        RelFileLocator rel = null;
        int pages = 0;
        for (BlockReference b : r.blocks()) {
            if (b.fork() == MAIN_FORK) {
                rel = rel == null ? b.relation() : rel;
                pages++;
            }
        }
        if (rel == null) {
            return Optional.empty();
        }
        return Optional.of(new RelationEvent(r.lsn(), r.end(), r.xid(), RelationEvent.Action.WRITE_PAGES, rel,
                rel.databaseOid(), List.of(), pages));
    }

    private static RelationEvent relationEvent(WalRecord r, RelationEvent.Action action, RelFileLocator rel) {
        return new RelationEvent(r.lsn(), r.end(), r.xid(), action, rel, rel.databaseOid(), List.of(), 1);
    }

    /** A count (int) at {@code pos} followed by that many items of {@code itemSize} bytes, all present. */
    private static int count(byte[] d, int pos, int itemSize) throws ShortData {
        need(d, pos, 4);
        int n = LittleEndian.i32(d, pos);
        if (n < 0) {
            throw new ShortData();
        }
        need(d, pos + 4, (long) n * itemSize);
        return n;
    }

    /** A NUL-terminated string in a field of at most {@code max} bytes. */
    private static String cString(byte[] d, int pos, int max) {
        int end = pos;
        int limit = Math.min(d.length, pos + max);
        while (end < limit && d[end] != 0) {
            end++;
        }
        return new String(d, pos, end - pos, StandardCharsets.UTF_8);
    }

    private static void need(byte[] d, int pos, long bytes) throws ShortData {
        if (pos < 0 || pos + bytes > d.length) {
            throw new ShortData();
        }
    }

    /** The main data ends before its type's layout does. */
    private static final class ShortData extends Exception {
        ShortData() {
            super(null, null, false, false);
        }
    }
}
