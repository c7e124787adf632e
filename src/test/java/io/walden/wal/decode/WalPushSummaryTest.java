package io.walden.wal.decode;

import io.walden.error.WaldenException;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.repo.WalMetadata;
import io.walden.storage.LocalStorage;
import io.walden.wal.Lsn;
import io.walden.wal.WalFileName;
import io.walden.wal.archive.WalPusher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static io.walden.wal.decode.SyntheticWal.SEGMENT;
import static io.walden.wal.decode.SyntheticWal.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** wal-push decodes each segment: the summary lands in the object's header, a damaged segment is refused. */
class WalPushSummaryTest {
    private static final int PG15 = 0xD110;
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    @TempDir
    Path dir;

    private static SyntheticWal.Record commit(long xid, Instant time) {
        return new SyntheticWal.Record(Rmgr.TRANSACTION, 0x00, xid)
                .main(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(PgTime.toTimestampTz(time)).array());
    }

    private static SyntheticWal.Record restorePoint(String name, Instant time) {
        ByteBuffer b = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN).putLong(PgTime.toTimestampTz(time));
        b.put(name.getBytes(StandardCharsets.UTF_8));
        return new SyntheticWal.Record(Rmgr.XLOG, 0x70, 0).main(b.array());
    }

    private Path write(SyntheticWal wal, String name) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, wal.segment(3L * SEGMENT));
        return p;
    }

    @Test
    void theSummaryOfAPushedSegmentIsInItsHeader() throws Exception {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        wal.append(commit(740, T0));
        wal.append(restorePoint("before_migration", T0.plusSeconds(1)));
        wal.append(commit(741, T0.plusSeconds(2)));
        wal.appendSwitch();
        Path seg = write(wal, "000000010000000000000003");
        Repository repo = new Repository(new LocalStorage(dir.resolve("repo")));
        new WalPusher(repo).push(seg);

        String key = ObjectKeys.wal(WalFileName.parse("000000010000000000000003").orElseThrow());
        SegmentSummary s = WalMetadata.parse(repo.headerWithMetadata(key, repo.wal().get(0).storedSize()).metadata()).orElseThrow().summary();
        assertThat(s.commits()).isEqualTo(2);
        assertThat(s.firstCommitTime()).isEqualTo(T0);
        assertThat(s.lastCommitTime()).isEqualTo(T0.plusSeconds(2));
        assertThat(s.restorePoints()).extracting(RestorePoint::name).containsExactly("before_migration");
        assertThat(s.endsWithSwitch()).isTrue();
        Map<String, SegmentSummary> all = repo.walSummaries(repo.wal());
        assertThat(all).containsOnlyKeys("000000010000000000000003");
    }

    @Test
    void aSegmentWhoseRecordFailsItsCrcIsNotArchived() throws Exception {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        wal.append(commit(740, T0));
        Lsn bad = wal.append(commit(741, T0.plusSeconds(1)));
        wal.append(commit(742, T0.plusSeconds(2)));
        wal.appendSwitch();
        wal.flip(bad.value() + 26);
        Path seg = write(wal, "000000010000000000000003");
        Repository repo = new Repository(new LocalStorage(dir.resolve("repo")));
        assertThatThrownBy(() -> new WalPusher(repo).push(seg))
                .isInstanceOf(WaldenException.class)
                .hasMessage("WAL segment 000000010000000000000003 is damaged: the record at " + bad + " fails its CRC; it was not archived");
        assertThat(repo.wal()).isEmpty();
    }
}
