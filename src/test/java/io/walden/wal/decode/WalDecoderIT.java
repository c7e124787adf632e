package io.walden.wal.decode;

import io.walden.it.TestCluster;
import io.walden.it.TestDirs;
import io.walden.pg.PgBinaries;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The decoder against real WAL: a cluster with 1 MB segments runs {@link WalWorkload}, stops, and every segment
 * in pg_wal is decoded. With the installed PostgreSQL, every record is compared with pg_waldump's line for it;
 * with the other majors (Maven's embedded binaries, which lack pg_waldump) the events are compared with what
 * the server reported: xids, commit timestamps, restore point and switch locations, the last checkpoint.
 */
class WalDecoderIT {
    private static final long SEGMENT_SIZE = 1L << 20;
    private static final Pattern SEGMENT_FILE = Pattern.compile("[0-9A-F]{24}");
    private static final DateTimeFormatter WALDUMP_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private Path baseDir;

    @BeforeEach
    void makeBaseDir() {
        baseDir = TestDirs.newBaseDir("walden-waldecode-");
    }

    @AfterEach
    void removeBaseDir() {
        TestDirs.deleteTree(baseDir);
    }

    /** One segment file, decoded. */
    private record Decoded(String name, List<WalRecord> records, WalRecord completed, SegmentEnd end,
                           SegmentSummary summary, List<WalEvent> events) {
        @Override
        public String toString() {
            return name + " (" + records.size() + " records, " + end + ")";
        }
    }

    @Test
    void everyRecordMatchesPgWaldump() throws Exception {
        PgBinaries bins = TestCluster.binaries();
        Path waldumpBinary = bins.tool("pg_waldump");
        assumeTrue(Files.isExecutable(waldumpBinary), "no pg_waldump beside " + bins.initdb());
        PgWaldump waldump = new PgWaldump(waldumpBinary);
        try (TestCluster cluster = walCluster(bins)) {
            cluster.start();
            WalWorkload.Expectations expected = WalWorkload.run(cluster);
            cluster.stop();
            WalWorkload.Promotion promotion = WalWorkload.promote(cluster);
            Path walDir = cluster.pgdata().resolve("pg_wal");
            List<Decoded> segments = decodeAll(walDir, bins.major());

            DescChecker desc = new DescChecker();
            int compared = 0;
            int completedAcross = 0;
            for (Decoded segment : segments) {
                List<PgWaldump.Line> lines = waldump.segment(walDir, segment.name());
                assertThat(segment.records()).as("records of %s", segment.name()).hasSameSizeAs(lines);
                EventDecoder events = new EventDecoder(bins.major());
                for (int i = 0; i < lines.size(); i++) {
                    compare(segment.records().get(i), lines.get(i), events, desc);
                }
                compared += lines.size();
                if (segment.completed() != null) {
                    int timeline = SegmentName.parse(segment.name(), SEGMENT_SIZE).timeline();
                    List<PgWaldump.Line> one = waldump.record(walDir, segment.completed().lsn(), timeline);
                    assertThat(one).as("pg_waldump for the record completed from the next segment").hasSize(1);
                    compare(segment.completed(), one.get(0), events, desc);
                    completedAcross++;
                }
            }
            // segments pg_waldump finds no record in (recycled, preallocated) are refused by the decoder too
            try (Stream<Path> files = Files.list(walDir)) {
                for (Path file : files.filter(f -> SEGMENT_FILE.matcher(f.getFileName().toString()).matches()).toList()) {
                    String name = file.getFileName().toString();
                    if (segments.stream().noneMatch(s -> s.name().equals(name))) {
                        assertThat(waldump.segment(walDir, name)).as("pg_waldump on %s", name).isEmpty();
                    }
                }
            }
            checkExpectations(expected, promotion, segments, bins.major());

            assertThat(compared).isGreaterThan(1000);
            assertThat(desc.commits).isGreaterThanOrEqualTo(expected.commits().size());
            assertThat(desc.restorePoints).isEqualTo(1);
            assertThat(desc.checkpoints).isGreaterThanOrEqualTo(3);
            assertThat(desc.switches).isGreaterThanOrEqualTo(2);
            assertThat(desc.endsOfRecovery).isGreaterThanOrEqualTo(1);
            assertThat(desc.deletes).isGreaterThanOrEqualTo(1);
            assertThat(segments.stream().flatMap(s -> s.records().stream()).filter(r -> r.imageLength() > 0)).isNotEmpty();
            System.out.printf("WalDecoderIT: PostgreSQL %d, %d segments, %d records equal to pg_waldump's (%d completed "
                            + "from the next segment); descriptions compared: %d commits/aborts, %d checkpoints, "
                            + "%d restore points, %d switches, %d ends of recovery, %d file creations/truncations, %d row deletions, "
                            + "%d table truncations%n",
                    bins.major(), segments.size(), compared + completedAcross, completedAcross, desc.commits,
                    desc.checkpoints, desc.restorePoints, desc.switches, desc.endsOfRecovery, desc.files, desc.deletes,
                    desc.tableTruncates);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 16, 17})
    void findsTheServersCommitsAndRestorePointsInEveryMajor(int major) throws Exception {
        Optional<Path> jar = EmbeddedPgBinaries.jar(major);
        assumeTrue(jar.isPresent(), "the PostgreSQL " + major + " binaries were not copied (mvn verify copies them)");
        PgBinaries bins = EmbeddedPgBinaries.unpack(major, jar.get(), baseDir.resolve("pg" + major));
        try (TestCluster cluster = walCluster(bins)) {
            cluster.start();
            WalWorkload.Expectations expected = WalWorkload.run(cluster);
            cluster.stop();
            WalWorkload.Promotion promotion = WalWorkload.promote(cluster);
            List<Decoded> segments = decodeAll(cluster.pgdata().resolve("pg_wal"), major);
            checkExpectations(expected, promotion, segments, major);
            long records = segments.stream().mapToLong(s -> s.summary().records()).sum();
            System.out.printf("WalDecoderIT: PostgreSQL %d, %d segments, %d records, %d commits checked against "
                    + "pg_xact_commit_timestamp%n", major, segments.size(), records, expected.commits().size());
        }
    }

    private TestCluster walCluster(PgBinaries bins) {
        TestCluster cluster = TestCluster.create(baseDir, "pg" + bins.major() + "-cluster", "true", bins,
                List.of("--wal-segsize=1"));
        cluster.appendConf(
                "wal_level = logical",
                "max_prepared_transactions = 5",
                "track_commit_timestamp = on",
                // keep every segment in pg_wal for the comparison instead of recycling them
                "wal_keep_size = '1GB'",
                "min_wal_size = '1GB'",
                "max_wal_size = '2GB'",
                "checkpoint_timeout = '1h'");
        return cluster;
    }

    /** Decodes every segment file that holds WAL of its own name, completing records that cross into the next. */
    private static List<Decoded> decodeAll(Path walDir, int major) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(walDir)) {
            files = list.filter(f -> SEGMENT_FILE.matcher(f.getFileName().toString()).matches()).sorted().toList();
        }
        List<Decoded> decoded = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String name = file.getFileName().toString();
            SegmentName segmentName = SegmentName.parse(name, SEGMENT_SIZE);
            Path next = walDir.resolve(segmentName.next().name());
            SegmentDecoder decoder;
            try (InputStream in = Files.newInputStream(file)) {
                try {
                    decoder = SegmentDecoder.open(in, segmentName);
                } catch (NotASegmentException recycledOrEmpty) {
                    continue;
                }
                assertThat(decoder.pgMajor()).isEqualTo(major);
                List<WalRecord> records = new ArrayList<>();
                for (Optional<WalRecord> r = decoder.next(); r.isPresent(); r = decoder.next()) {
                    records.add(r.get());
                }
                WalRecord completed = null;
                if (decoder.end().orElseThrow().reason() == SegmentEnd.Reason.INCOMPLETE_RECORD && Files.exists(next)) {
                    try (InputStream nextIn = Files.newInputStream(next)) {
                        completed = decoder.finishWith(nextIn).orElseThrow();
                    }
                }
                List<WalEvent> events = new ArrayList<>();
                SegmentSummary summary;
                try (InputStream again = Files.newInputStream(file)) {
                    summary = SegmentScanner.scan(SegmentDecoder.open(again, segmentName),
                            () -> Files.exists(next) ? Optional.of(Files.newInputStream(next)) : Optional.empty(),
                            events::add);
                }
                decoded.add(new Decoded(name, records, completed, decoder.end().orElseThrow(), summary, events));
            }
        }
        return decoded;
    }

    private static void compare(WalRecord r, PgWaldump.Line line, EventDecoder events, DescChecker desc) {
        String what = line.toString();
        assertThat(r.lsn()).as(what).isEqualTo(line.lsn());
        assertThat(r.prev()).as(what).isEqualTo(line.prev());
        assertThat(r.rmgrName()).as(what).isEqualTo(line.rmgr());
        assertThat(r.totalLength()).as(what).isEqualTo(line.totalLength());
        assertThat(r.lengthWithoutImages()).as(what).isEqualTo(line.recLength());
        assertThat(r.xid()).as(what).isEqualTo(line.xid());
        desc.check(line, events.decode(r));
    }

    /** Compares what pg_waldump's descriptions say with the events, and counts what it compared. */
    private static final class DescChecker {
        private static final Pattern XACT = Pattern.compile(
                "^(COMMIT|ABORT|COMMIT_PREPARED|ABORT_PREPARED) (?:(\\d+): )?(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}) UTC(.*)");
        private static final Pattern SUBXACTS = Pattern.compile("subxacts:((?: \\d+)+)");
        private static final Pattern RELS = Pattern.compile("rels:((?: [^ ;]+)+)");
        private static final Pattern CHECKPOINT = Pattern.compile("^CHECKPOINT_(SHUTDOWN|ONLINE) redo ([0-9A-F]+/[0-9A-F]+); "
                + "tli (\\d+); prev tli (\\d+); fpw (true|false);.*? xid (\\d+):(\\d+); oid (\\d+);.*");
        private static final Pattern END_OF_RECOVERY = Pattern.compile(
                "^END_OF_RECOVERY tli (\\d+); prev tli (\\d+); time (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}) UTC.*");
        private static final Pattern BLOCK0 = Pattern.compile("blkref #0: rel (\\d+/\\d+/\\d+)");
        private static final Pattern RELIDS = Pattern.compile("\\brelids((?: \\d+)+)");

        int commits;
        int checkpoints;
        int restorePoints;
        int switches;
        int endsOfRecovery;
        int files;
        int deletes;
        int tableTruncates;

        void check(PgWaldump.Line line, Optional<WalEvent> event) {
            String what = line.toString();
            String d = line.desc();
            boolean expectEvent = true;
            Matcher m;
            if (line.rmgr().equals("Transaction") && (m = XACT.matcher(d)).matches()) {
                TransactionEnd t = (TransactionEnd) event.orElseThrow(() -> new AssertionError("no event for " + what));
                assertThat(t.kind().name()).as(what).isEqualTo(m.group(1));
                if (m.group(2) != null) {
                    assertThat(t.xid()).as(what).isEqualTo(Long.parseLong(m.group(2)));
                } else {
                    assertThat(t.xid()).as(what).isEqualTo(line.xid());
                }
                assertThat(WALDUMP_TIME.format(t.time())).as(what).isEqualTo(m.group(3));
                Matcher sub = SUBXACTS.matcher(m.group(4));
                assertThat(t.subtransactions()).as(what).isEqualTo(sub.find() ? longs(sub.group(1)) : List.of());
                Matcher rels = RELS.matcher(m.group(4));
                assertThat(t.droppedRelations().stream().map(RelFileLocator::path).toList()).as(what)
                        .isEqualTo(rels.find() ? Arrays.asList(rels.group(1).trim().split(" ")) : List.of());
                commits++;
            } else if (line.rmgr().equals("XLOG") && d.startsWith("RESTORE_POINT ")) {
                RestorePoint p = (RestorePoint) event.orElseThrow(() -> new AssertionError("no event for " + what));
                assertThat(p.name()).as(what).isEqualTo(d.substring("RESTORE_POINT ".length()));
                restorePoints++;
            } else if (line.rmgr().equals("XLOG") && (m = CHECKPOINT.matcher(d)).matches()) {
                Checkpoint c = (Checkpoint) event.orElseThrow(() -> new AssertionError("no event for " + what));
                assertThat(c.shutdown()).as(what).isEqualTo(m.group(1).equals("SHUTDOWN"));
                assertThat(c.redo().toString()).as(what).isEqualTo(m.group(2));
                assertThat(c.timeline()).as(what).isEqualTo(Integer.parseInt(m.group(3)));
                assertThat(c.previousTimeline()).as(what).isEqualTo(Integer.parseInt(m.group(4)));
                assertThat(c.fullPageWrites()).as(what).isEqualTo(Boolean.parseBoolean(m.group(5)));
                assertThat(c.nextXid()).as(what).isEqualTo((Long.parseLong(m.group(6)) << 32) | Long.parseLong(m.group(7)));
                assertThat(c.nextOid()).as(what).isEqualTo(Long.parseLong(m.group(8)));
                checkpoints++;
            } else if (line.rmgr().equals("XLOG") && (m = END_OF_RECOVERY.matcher(d)).matches()) {
                EndOfRecovery r = (EndOfRecovery) event.orElseThrow(() -> new AssertionError("no event for " + what));
                assertThat(r.timeline()).as(what).isEqualTo(Integer.parseInt(m.group(1)));
                assertThat(r.previousTimeline()).as(what).isEqualTo(Integer.parseInt(m.group(2)));
                assertThat(WALDUMP_TIME.format(r.time())).as(what).isEqualTo(m.group(3));
                endsOfRecovery++;
            } else if (line.rmgr().equals("XLOG") && d.startsWith("SWITCH")) {
                assertThat(event).as(what).get().isInstanceOf(WalSwitch.class);
                switches++;
            } else if (line.rmgr().equals("Storage") && (d.startsWith("CREATE ") || d.startsWith("TRUNCATE "))) {
                String path = d.split(" ")[1];
                if (path.contains("_")) {
                    expectEvent = false; // a fork other than main
                } else {
                    RelationEvent r = (RelationEvent) event.orElseThrow(() -> new AssertionError("no event for " + what));
                    assertThat(r.action()).as(what).isEqualTo(d.startsWith("CREATE ")
                            ? RelationEvent.Action.CREATE_FILE : RelationEvent.Action.TRUNCATE_FILE);
                    assertThat(r.relation().path()).as(what).isEqualTo(path);
                    files++;
                }
            } else if (line.rmgr().equals("Heap") && d.startsWith("DELETE ")) {
                RelationEvent r = (RelationEvent) event.orElseThrow(() -> new AssertionError("no event for " + what));
                Matcher block = BLOCK0.matcher(d);
                assertThat(block.find()).as(what).isTrue();
                assertThat(r.relation().toString()).as(what).isEqualTo(block.group(1));
                assertThat(r.xid()).as(what).isEqualTo(line.xid());
                deletes++;
            } else if (line.rmgr().equals("Heap") && d.startsWith("TRUNCATE ")) {
                RelationEvent r = (RelationEvent) event.orElseThrow(() -> new AssertionError("no event for " + what));
                Matcher relids = RELIDS.matcher(d);
                assertThat(relids.find()).as(what).isTrue();
                assertThat(r.relationOids()).as(what).isEqualTo(longs(relids.group(1)));
                tableTruncates++;
            } else if (line.rmgr().equals("Heap") && (d.startsWith("INSERT") || d.startsWith("UPDATE") || d.startsWith("HOT_UPDATE"))
                    || line.rmgr().equals("Heap2") && d.startsWith("MULTI_INSERT")) {
                // rows written: blame weighs a transaction by them, on the relation of block 0
                RelationEvent r = (RelationEvent) event.orElseThrow(() -> new AssertionError("no event for " + what));
                Matcher block = BLOCK0.matcher(d);
                assertThat(block.find()).as(what).isTrue();
                assertThat(r.relation().toString()).as(what).isEqualTo(block.group(1));
                assertThat(r.xid()).as(what).isEqualTo(line.xid());
            } else if (line.rmgr().equals("XLOG") && d.startsWith("FPI")) {
                // page images: an event only when a main-fork page is among them
                event.ifPresent(e -> assertThat(e).as(what).isInstanceOf(RelationEvent.class));
            } else {
                expectEvent = false;
            }
            if (!expectEvent) {
                assertThat(event).as("no event for " + what).isEmpty();
            }
        }

        private static List<Long> longs(String spaced) {
            return Arrays.stream(spaced.trim().split(" ")).map(Long::parseLong).toList();
        }
    }

    /** The events agree with what the server reported while the workload ran. */
    private static void checkExpectations(WalWorkload.Expectations e, WalWorkload.Promotion promotion,
                                          List<Decoded> segments, int major) {
        // timeline 2 starts with a copy of timeline 1's last segment: the same records at the same locations
        Map<Lsn, WalEvent> byLsn = new LinkedHashMap<>();
        segments.stream().flatMap(s -> s.events().stream()).forEach(ev -> byLsn.putIfAbsent(ev.lsn(), ev));
        List<WalEvent> events = List.copyOf(byLsn.values());
        Map<Long, TransactionEnd> ends = new HashMap<>();
        for (WalEvent event : events) {
            if (event instanceof TransactionEnd t) {
                assertThat(ends.put(t.xid(), t)).as("one end for transaction %d", t.xid()).isNull();
            }
        }
        for (Map.Entry<Long, Instant> commit : e.commits().entrySet()) {
            TransactionEnd t = ends.get(commit.getKey());
            assertThat(t).as("commit of %d", commit.getKey()).isNotNull();
            assertThat(t.committed()).isTrue();
            assertThat(t.time()).as("commit time of %d", commit.getKey()).isEqualTo(commit.getValue());
        }
        for (long abort : e.aborts()) {
            assertThat(ends.get(abort).kind()).isEqualTo(TransactionEnd.Kind.ABORT);
        }
        assertThat(ends.get(e.subxactParent()).subtransactions()).hasSize(2);

        List<RestorePoint> points = events.stream().filter(RestorePoint.class::isInstance).map(RestorePoint.class::cast).toList();
        assertThat(points).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo(WalWorkload.RESTORE_POINT);
            assertThat(p.end()).isEqualTo(e.restorePointEnd());
        });
        assertThat(segments.stream().flatMap(s -> s.summary().restorePoints().stream()).distinct()).containsExactlyElementsOf(points);

        assertThat(ends.get(e.dropXid()).droppedRelations()).contains(e.droppedFile());
        assertThat(ends.get(e.truncateXid()).droppedRelations()).contains(e.truncatedFile());
        assertThat(events).anySatisfy(ev -> assertThat(ev).isInstanceOfSatisfying(RelationEvent.class, r -> {
            assertThat(r.action()).isEqualTo(RelationEvent.Action.TRUNCATE_TABLES);
            assertThat(r.xid()).isEqualTo(e.truncateXid());
            assertThat(r.relationOids()).contains(e.truncatedOid());
        }));
        assertThat(events).anySatisfy(ev -> assertThat(ev).isInstanceOfSatisfying(RelationEvent.class, r -> {
            assertThat(r.action()).isEqualTo(RelationEvent.Action.DELETE_ROW);
            assertThat(r.xid()).isEqualTo(e.deleteXid());
            assertThat(r.relation()).isEqualTo(e.deletedFrom());
        }));

        TransactionEnd prepared = ends.get(e.preparedXid());
        assertThat(prepared.kind()).isEqualTo(TransactionEnd.Kind.COMMIT_PREPARED);
        assertThat(prepared.gid()).isEqualTo(WalWorkload.GID);
        assertThat(ends.get(e.abortedPreparedXid()).kind()).isEqualTo(TransactionEnd.Kind.ABORT_PREPARED);

        Checkpoint checkpoint = events.stream().filter(Checkpoint.class::isInstance).map(Checkpoint.class::cast)
                .filter(c -> c.lsn().equals(e.checkpointLsn())).findFirst().orElseThrow();
        assertThat(checkpoint.redo()).isEqualTo(e.checkpointRedo());
        assertThat(checkpoint.time()).isEqualTo(e.checkpointTime());
        assertThat(checkpoint.timeline()).isEqualTo(e.checkpointTimeline());
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(Checkpoint.class, c -> {
            assertThat(c.shutdown()).isTrue();
            assertThat(c.timeline()).isEqualTo(2);
        });

        assertThat(events).anySatisfy(ev -> assertThat(ev).isInstanceOfSatisfying(WalSwitch.class,
                w -> assertThat(w.end()).isEqualTo(e.switchEnd())));
        // pg_switch_wal, and the switches a server archiving WAL makes when it shuts down
        assertThat(segments).filteredOn(s -> s.summary().endsWithSwitch()).hasSizeGreaterThanOrEqualTo(2);

        List<EndOfRecovery> recoveries = events.stream().filter(EndOfRecovery.class::isInstance).map(EndOfRecovery.class::cast).toList();
        assertThat(recoveries).singleElement().satisfies(r -> {
            assertThat(r.timeline()).isEqualTo(2);
            assertThat(r.previousTimeline()).isEqualTo(1);
            // the same clock, but the server keeps microseconds and the JVM may round
            assertThat(r.time()).isBetween(promotion.before().minusMillis(1), promotion.after().plusMillis(1));
        });
        assertThat(ends.get(promotion.commitXid()).lsn()).isGreaterThan(recoveries.get(0).lsn());

        for (Decoded s : segments) {
            assertThat(s.summary().pgMajor()).isEqualTo(major);
            assertThat(s.summary().crcValid()).as(s.name()).isTrue();
            assertThat(s.end().reason().isRegular()).as(s.name() + " " + s.end()).isTrue();
            assertThat(s.summary().commits() + s.summary().aborts())
                    .isEqualTo((int) s.events().stream().filter(TransactionEnd.class::isInstance).count());
        }
        // the 20 kB logical message spans three pages
        assertThat(segments.stream().flatMap(s -> s.records().stream()).filter(r -> r.totalLength() > 2 * 8192)).isNotEmpty();
    }
}
