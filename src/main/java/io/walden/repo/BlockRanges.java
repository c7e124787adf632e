package io.walden.repo;

import io.walden.error.CorruptObjectException;

import java.util.Arrays;

/**
 * The blocks an incremental backup stored of a file, written compactly in its manifest: block numbers in
 * ascending order as ranges, e.g. "0-15,20,31-32". A block is {@link #BLOCK_SIZE} bytes of the file; the
 * last one may be shorter when the file's size is not a multiple of it.
 */
public final class BlockRanges {
    /** PostgreSQL's page size; any fixed size would work, this one lines up with the pages that change. */
    public static final int BLOCK_SIZE = 8192;

    private BlockRanges() {
    }

    public static String format(int[] blocks, int count) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < count) {
            int start = blocks[i];
            int end = start;
            while (i + 1 < count && blocks[i + 1] == end + 1) {
                end = blocks[++i];
            }
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(start);
            if (end > start) {
                out.append('-').append(end);
            }
            i++;
        }
        return out.toString();
    }

    /** The block numbers, ascending; a manifest with anything else is refused. */
    public static int[] parse(String ranges) {
        if (ranges.isEmpty()) {
            return new int[0];
        }
        int[] out = new int[16];
        int n = 0;
        long previous = -1;
        for (String part : ranges.split(",", -1)) {
            int dash = part.indexOf('-');
            long start = number(part.substring(0, dash < 0 ? part.length() : dash), ranges);
            long end = dash < 0 ? start : number(part.substring(dash + 1), ranges);
            if (start <= previous || end < start) {
                throw new CorruptObjectException("block list '" + abbreviate(ranges) + "' is not in ascending order");
            }
            for (long b = start; b <= end; b++) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = (int) b;
            }
            previous = end;
        }
        return Arrays.copyOf(out, n);
    }

    /** Bytes the listed blocks of a file of {@code fileSize} bytes take. */
    public static long storedLength(int[] blocks, long fileSize) {
        long total = 0;
        for (int b : blocks) {
            total += blockLength(b, fileSize);
        }
        return total;
    }

    /** The length of block {@code block} in a file of {@code fileSize} bytes (0 when it lies beyond the end). */
    public static int blockLength(int block, long fileSize) {
        long start = (long) block * BLOCK_SIZE;
        return (int) Math.max(0, Math.min(BLOCK_SIZE, fileSize - start));
    }

    private static long number(String s, String all) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
            throw new CorruptObjectException("block list '" + abbreviate(all) + "' is malformed");
        }
        long v = Long.parseLong(s);
        if (v > Integer.MAX_VALUE) {
            throw new CorruptObjectException("block list '" + abbreviate(all) + "' names a block beyond any file");
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
