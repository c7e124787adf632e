package io.walden.wal.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One version of one file, told apart without reading it: device, inode, size, and the modification and
 * status-change times to the nanosecond. A rewritten file changes its times, a replaced one its inode, so a
 * spool marker holding this identity cannot vouch for other content under the same name (a segment recycled
 * later, or the same name in a PGDATA restored since).
 *
 * <p>{@link #line()} is exactly what {@code stat -c '%d %i %s %.9Y %.9Z'} prints (GNU coreutils), so that
 * bin/walden can compare a marker with the file without starting a JVM.
 */
public record WalFileIdentity(long device, long inode, long size, Instant modified, Instant changed) {

    /** The identity of {@code file} now (the file itself, not a symlink's target). */
    public static WalFileIdentity of(Path file) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new IOException("this platform does not report inode numbers and change times for " + file, e);
        }
        return new WalFileIdentity((Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
                ((FileTime) a.get("lastModifiedTime")).toInstant(), ((FileTime) a.get("ctime")).toInstant());
    }

    /** "dev inode size mtime ctime", times as seconds.nanoseconds. */
    public String line() {
        return device + " " + inode + " " + size + " " + time(modified) + " " + time(changed);
    }

    /** The identity a {@link #line()} describes, or empty when the text is not one. */
    public static Optional<WalFileIdentity> parse(String line) {
        String[] f = line.strip().split(" ");
        if (f.length != 5) {
            return Optional.empty();
        }
        try {
            return Optional.of(new WalFileIdentity(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    instant(f[3]), instant(f[4])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String time(Instant t) {
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    private static Instant instant(String text) {
        int dot = text.indexOf('.');
        if (dot < 0 || text.length() - dot - 1 != 9) {
            throw new NumberFormatException("not seconds.nanoseconds: " + text);
        }
        return Instant.ofEpochSecond(Long.parseLong(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
    }
}
