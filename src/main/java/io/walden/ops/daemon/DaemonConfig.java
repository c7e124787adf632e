package io.walden.ops.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.walden.error.UsageException;
import io.walden.ops.HealthCheck;
import io.walden.ops.schedule.CronSchedule;
import io.walden.ops.schedule.Job;
import io.walden.ops.schedule.RetryPolicy;
import io.walden.ops.schedule.Schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The daemon's config file (YAML). Every key is optional; an unknown key is an error, so that a typo does not
 * silently turn a schedule off.
 * <pre>
 * http: 127.0.0.1:9187
 * stream: {enabled: true, slot: walden}
 * refresh: 30s                 # how often the repository is looked at for /metrics and the status page
 * timezone: UTC                # of the cron expressions
 * retry: {attempts: 3, delay: 5m}
 * schedules:
 *   - {job: backup, cron: "0 2 * * *"}
 *   - {job: retention, cron: "30 3 * * *", args: [--retain-full, "2"]}
 * </pre>
 */
public record DaemonConfig(String http, boolean stream, String slot, Path staging, Duration refresh, RetryPolicy retry,
                           List<Schedule> schedules) {
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

    /** No file: stream with the defaults, no schedules. */
    public static DaemonConfig defaults() {
        return new DaemonConfig(null, true, null, null, DEFAULT_REFRESH, RetryPolicy.DEFAULT, List.of());
    }

    public DaemonConfig {
        schedules = List.copyOf(schedules);
    }

    // the file's shape, as Jackson reads it
    record FileStream(Boolean enabled, String slot, String staging) {}

    record FileRetry(Integer attempts, String delay) {}

    record FileSchedule(String name, String job, String cron, List<String> args) {}

    record FileConfig(String http, FileStream stream, String refresh, String timezone, FileRetry retry,
                      List<FileSchedule> schedules) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static DaemonConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("config file " + file + " does not exist", "check --config");
        } catch (IOException e) {
            throw new UsageException("cannot read config file " + file + ": " + e.getMessage(), "check --config and its permissions");
        }
        return parse(text, file.toString());
    }

    static DaemonConfig parse(String text, String source) {
        FileConfig f;
        try {
            f = text.isBlank() ? null : YAML.readValue(text, FileConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new UsageException(source + ": unknown key '" + e.getPropertyName() + "'" + where(e),
                    "the keys are " + e.getKnownPropertyIds() + "; see 'walden daemon --help'");
        } catch (JsonProcessingException e) {
            throw new UsageException(source + ": not a valid daemon config: " + e.getOriginalMessage() + where(e),
                    "see 'walden daemon --help' for the format");
        }
        if (f == null) {
            return defaults();
        }
        ZoneId zone;
        try {
            zone = f.timezone() == null ? ZoneId.of("UTC") : ZoneId.of(f.timezone().strip());
        } catch (DateTimeException e) {
            throw new UsageException(source + ": timezone '" + f.timezone() + "' is not known", "e.g. UTC or Europe/Berlin");
        }
        RetryPolicy retry = RetryPolicy.DEFAULT;
        if (f.retry() != null) {
            retry = new RetryPolicy(f.retry().attempts() == null ? RetryPolicy.DEFAULT.attempts() : f.retry().attempts(),
                    f.retry().delay() == null ? RetryPolicy.DEFAULT.delay() : age(source, "retry.delay", f.retry().delay()));
        }
        List<Schedule> schedules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<FileSchedule> given = f.schedules() == null ? List.of() : f.schedules();
        for (int i = 0; i < given.size(); i++) {
            FileSchedule s = given.get(i);
            String at = source + ": schedules[" + i + "]";
            if (s == null || s.job() == null || s.cron() == null) {
                throw new UsageException(at + " needs 'job' and 'cron'", "e.g. - {job: backup, cron: \"0 2 * * *\"}");
            }
            Job job = withSource(at, () -> Job.parse(s.job()));
            CronSchedule cron = withSource(at, () -> CronSchedule.parse(s.cron(), zone));
            String name = s.name() != null && !s.name().isBlank() ? s.name().strip() : job.label();
            for (int n = 2; s.name() == null && names.contains(name); n++) {
                name = job.label() + "-" + n;
            }
            if (!names.add(name)) {
                throw new UsageException(at + ": the name '" + name + "' is used twice", "give each schedule its own name");
            }
            schedules.add(new Schedule(name, job, cron, s.args() == null ? List.of() : s.args()));
        }
        FileStream st = f.stream();
        return new DaemonConfig(f.http(), st == null || st.enabled() == null || st.enabled(), st == null ? null : st.slot(),
                st == null || st.staging() == null ? null : Path.of(st.staging()),
                f.refresh() == null ? DEFAULT_REFRESH : age(source, "refresh", f.refresh()), retry, schedules);
    }

    private static <T> T withSource(String at, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (UsageException e) {
            throw new UsageException(at + ": " + e.getMessage(), e.hint());
        }
    }

    private static Duration age(String source, String key, String text) {
        try {
            return HealthCheck.Thresholds.parseAge(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(source + ": " + key + ": " + e.getMessage(), null);
        }
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
