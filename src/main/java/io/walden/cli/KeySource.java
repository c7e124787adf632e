package io.walden.cli;

import io.walden.codec.Keyring;
import io.walden.codec.KeysetFile;
import io.walden.error.UsageException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the encryption keyset comes from: a keyset file (flag or WALDEN_ENCRYPTION_KEY_FILE) or the
 * keyset itself in WALDEN_ENCRYPTION_KEY. Never a flag with the key: flags land in ps and shell history.
 */
record KeySource(Optional<Path> file, boolean fromEnvironment) {
    static final String KEY_ENV = "WALDEN_ENCRYPTION_KEY";

    static KeySource resolve(Path fileOption, Map<String, String> env) {
        String inline = env.get(KEY_ENV);
        boolean hasInline = inline != null && !inline.isBlank();
        if (fileOption != null && hasInline) {
            throw new UsageException("both a keyset file (" + fileOption + ") and " + KEY_ENV + " are set",
                    "keep one of them: unset " + KEY_ENV + " or WALDEN_ENCRYPTION_KEY_FILE");
        }
        return new KeySource(Optional.ofNullable(fileOption), hasInline);
    }

    Optional<Keyring> load(Map<String, String> env) {
        if (file.isPresent()) {
            return Optional.of(KeysetFile.read(file.get()));
        }
        if (fromEnvironment) {
            return Optional.of(Keyring.parse(env.get(KEY_ENV), KEY_ENV));
        }
        return Optional.empty();
    }

    /** The flag PostgreSQL's archive/restore commands need to find the same keys ("" when none or from the environment). */
    String flagForCommands() {
        return file.map(f -> " --encryption-key-file " + io.walden.pg.ShellQuote.quote(f.toAbsolutePath().toString())).orElse("");
    }
}
