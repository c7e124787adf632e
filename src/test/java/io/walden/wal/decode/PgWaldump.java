package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs PostgreSQL's pg_waldump and parses its one line per record, the reference the decoder is compared with.
 * Times are printed in the local zone of pg_waldump, so it runs with TZ=UTC.
 */
final class PgWaldump {
    private static final Pattern LINE = Pattern.compile("rmgr: (\\S+)\\s+len \\(rec/tot\\):\\s*(\\d+)/\\s*(\\d+), "
            + "tx:\\s*(\\d+), lsn: ([0-9A-F]+/[0-9A-F]+), prev ([0-9A-F]+/[0-9A-F]+), desc: (.*)");

    /** One record as pg_waldump prints it. */
    record Line(String rmgr, int recLength, int totalLength, long xid, Lsn lsn, Lsn prev, String desc) {
    }

    private final Path executable;

    PgWaldump(Path executable) {
        this.executable = executable;
    }

    /** The records of one segment: those starting in it (pg_waldump STARTSEG with no ENDSEG). */
    List<Line> segment(Path walDir, String segmentName) {
        return run(List.of(executable.toString(), "--path=" + walDir, segmentName));
    }

    /** The one record starting at {@code lsn}, wherever it ends. */
    List<Line> record(Path walDir, Lsn lsn, int timeline) {
        return run(List.of(executable.toString(), "--path=" + walDir, "--timeline=" + timeline, "--start=" + lsn, "--limit=1"));
    }

    private static List<Line> run(List<String> command) {
        try {
            Path out = Files.createTempFile("pg_waldump", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("TZ", "UTC");
                Process p = pb.start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("pg_waldump did not finish: " + command);
                }
                // pg_waldump exits 1 after the last record when it reports where valid WAL ends: only the lines count
                List<Line> lines = new ArrayList<>();
                for (String text : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                    lines.add(parse(text));
                }
                return lines;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Line parse(String text) {
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a pg_waldump record line: " + text);
        }
        return new Line(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)),
                Lsn.parse(m.group(5)), Lsn.parse(m.group(6)), m.group(7));
    }
}
