package io.walden.cli;

import io.walden.codec.Keyring;
import io.walden.codec.KeysetFile;
import io.walden.repo.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** walden key generate|rotate|list: the keyset files that encrypt a repository. */
@Command(name = "key", description = "Create, rotate and list encryption keysets.",
        subcommands = {KeyCommand.Generate.class, KeyCommand.Rotate.class, KeyCommand.ListKeys.class},
        footer = {"", "Example:", "  walden key generate /etc/walden/main.keyset",
                "  export WALDEN_ENCRYPTION_KEY_FILE=/etc/walden/main.keyset"})
final class KeyCommand implements Runnable {
    @ParentCommand
    WaldenCommand parent;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(parent.context().out());
    }

    @Command(name = "generate", description = "Write a new keyset file (mode 0600) with one key. Refuses to overwrite a file.",
            footer = {"", "Example:", "  walden key generate /etc/walden/main.keyset"})
    static final class Generate implements Callable<Integer> {
        @ParentCommand
        KeyCommand key;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            Keyring keys = Keyring.generate(file.toString());
            KeysetFile.create(file, keys);
            Context ctx = key.parent.context();
            ctx.out().println("created keyset " + file + " with key " + Keyring.formatId(keys.primaryKeyId()) + " (primary)");
            ctx.out().println("keep a copy outside the repository: without it the backups cannot be read");
            ctx.out().println("next: export WALDEN_ENCRYPTION_KEY_FILE=" + io.walden.pg.ShellQuote.quote(file.toString()));
            return 0;
        }
    }

    @Command(name = "rotate", description = "Add a new primary key to a keyset file; objects written with the old keys stay readable.",
            footer = {"", "Example:", "  walden key rotate /etc/walden/main.keyset"})
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        KeyCommand key;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            Keyring old = KeysetFile.read(file);
            Keyring rotated = old.rotate();
            KeysetFile.replace(file, rotated);
            Context ctx = key.parent.context();
            ctx.out().println("keyset " + file + ": new primary key " + Keyring.formatId(rotated.primaryKeyId())
                    + "; " + rotated.keyIds().size() + " keys in all, older objects stay readable");
            ctx.out().println("copy the updated file wherever the old one is kept (every host that reads this repository)");
            return 0;
        }
    }

    @Command(name = "list", description = "Show a keyset file's key ids and which one is primary.",
            footer = {"", "Example:", "  walden key list /etc/walden/main.keyset"})
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        KeyCommand key;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            Keyring keys = KeysetFile.read(file);
            Context ctx = key.parent.context();
            if (ctx.json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int id : keys.keyIds()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("keyId", Keyring.formatId(id));
                    row.put("primary", id == keys.primaryKeyId());
                    row.put("algorithm", Keyring.ALGORITHM);
                    rows.add(row);
                }
                ctx.out().println(Json.mapper().writeValueAsString(rows));
                return 0;
            }
            ctx.out().printf("%-12s %-8s %s%n", "KEY ID", "PRIMARY", "ALGORITHM");
            for (int id : keys.keyIds()) {
                ctx.out().printf("%-12s %-8s %s%n", Keyring.formatId(id), id == keys.primaryKeyId() ? "yes" : "", Keyring.ALGORITHM);
            }
            return 0;
        }
    }
}
