package io.walden.pg;

import java.util.List;
import java.util.stream.Collectors;

/** Quotes words for a POSIX shell: pg_ctl -o, archive_command and restore_command are run by sh. */
public final class ShellQuote {
    private ShellQuote() {
    }

    public static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> words) {
        return words.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }
}
