package io.walden.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options the running server was started with (postmaster.opts), minus the data directory, so a
 * restored or rolled-back server starts the same way: Debian's clusters, for instance, keep
 * postgresql.conf outside PGDATA and pass "-c config_file=...".
 */
final class ServerOptions {
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)");

    private ServerOptions() {
    }

    static List<String> of(Path pgdata) {
        try {
            Path opts = pgdata.resolve("postmaster.opts");
            return Files.exists(opts) ? parse(Files.readString(opts, StandardCharsets.UTF_8)) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<String> parse(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = QUOTED.matcher(line.strip());
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1).replace("\\\"", "\"") : m.group(2));
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i < words.size(); i++) { // words[0] is the postgres binary
            String w = words.get(i);
            if (w.equals("-D") && i + 1 < words.size()) {
                i++;
            } else if (!w.startsWith("-D")) {
                out.add(w);
            }
        }
        return out;
    }
}
