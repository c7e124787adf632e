package io.walden.ops.daemon;

import io.walden.error.UsageException;
import io.walden.ops.schedule.Job;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonConfigTest {

    @Test
    void readsEveryKey() {
        DaemonConfig c = DaemonConfig.parse("""
                http: 0.0.0.0:9187
                stream: {enabled: false, slot: other, staging: /var/lib/walden/staging}
                refresh: 10s
                timezone: Europe/Berlin
                retry: {attempts: 5, delay: 2m}
                schedules:
                  - {job: backup, cron: "0 2 * * *"}
                  - {job: backup, cron: "0 14 * * *", args: [--type, full]}
                  - {name: keep-two, job: retention, cron: "@daily", args: [--retain-full, "2"]}
                """, "daemon.yaml");
        assertThat(c.http()).isEqualTo("0.0.0.0:9187");
        assertThat(c.stream()).isFalse();
        assertThat(c.slot()).isEqualTo("other");
        assertThat(c.refresh()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.retry().attempts()).isEqualTo(5);
        assertThat(c.retry().delay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.schedules()).extracting(s -> s.name()).containsExactly("backup", "backup-2", "keep-two");
        assertThat(c.schedules().get(1).commandLine()).containsExactly("backup", "--type", "full");
        assertThat(c.schedules().get(2).job()).isEqualTo(Job.RETENTION);
        // 02:00 in Berlin in winter is 01:00 UTC
        assertThat(c.schedules().get(0).when().nextAfter(Instant.parse("2026-01-10T00:00:00Z"))).contains(Instant.parse("2026-01-10T01:00:00Z"));
    }

    @Test
    void anEmptyFileIsTheDefaults() {
        DaemonConfig c = DaemonConfig.parse("\n", "daemon.yaml");
        assertThat(c.stream()).isTrue();
        assertThat(c.schedules()).isEmpty();
        assertThat(c.refresh()).isEqualTo(DaemonConfig.DEFAULT_REFRESH);
    }

    @Test
    void aTypoIsRefusedNotIgnored() {
        assertThatThrownBy(() -> DaemonConfig.parse("schedules:\n  - {job: backup, corn: \"0 2 * * *\"}\n", "daemon.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("daemon.yaml: unknown key 'corn'").hasMessageContaining("line 2");
        assertThatThrownBy(() -> DaemonConfig.parse("schedule:\n  - {job: backup}\n", "daemon.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown key 'schedule'");
    }

    @Test
    void badValuesNameTheScheduleAndSayWhatToWrite() {
        assertThatThrownBy(() -> DaemonConfig.parse("schedules:\n  - {job: vacuum, cron: \"@daily\"}\n", "d.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("d.yaml: schedules[0]: job 'vacuum' is not one walden schedules")
                .satisfies(e -> assertThat(((UsageException) e).hint()).contains("backup, retention, verify, drill"));
        assertThatThrownBy(() -> DaemonConfig.parse("schedules:\n  - {job: backup, cron: \"0 25 * * *\"}\n", "d.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("d.yaml: schedules[0]: cron '0 25 * * *' is not valid");
        assertThatThrownBy(() -> DaemonConfig.parse("schedules:\n  - {job: backup}\n", "d.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("schedules[0] needs 'job' and 'cron'");
        assertThatThrownBy(() -> DaemonConfig.parse("retry: {attempts: 0}\n", "d.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("retry attempts must be at least 1");
        assertThatThrownBy(() -> DaemonConfig.parse("refresh: 30\n", "d.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("d.yaml: refresh: '30' is not an age");
        assertThatThrownBy(() -> DaemonConfig.parse("timezone: Mars/Olympus\n", "d.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("timezone 'Mars/Olympus' is not known");
        assertThatThrownBy(() -> DaemonConfig.parse("schedules:\n  - {name: a, job: backup, cron: \"@daily\"}\n  - {name: a, job: verify, cron: \"@daily\"}\n", "d.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("the name 'a' is used twice");
        assertThatThrownBy(() -> DaemonConfig.parse("schedules: [\n", "d.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("d.yaml: not a valid daemon config");
    }
}
