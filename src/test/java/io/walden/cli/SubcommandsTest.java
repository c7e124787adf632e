package io.walden.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SubcommandsTest {

    @Test
    void theCommandIsTheFirstArgumentThatIsNoGlobalOptionNorItsValue() {
        assertThat(Subcommands.named(new String[]{"backup", "--jobs", "2"})).contains(BackupCommand.class);
        assertThat(Subcommands.named(new String[]{"--repo", "/r", "restore", "--pgdata", "list"})).contains(RestoreCommand.class);
        assertThat(Subcommands.named(new String[]{"--repo", "list", "status"})).contains(StatusCommand.class);
        assertThat(Subcommands.named(new String[]{"--repo=/r", "--debug", "list"})).contains(ListCommand.class);
        assertThat(Subcommands.named(new String[]{"--s3-path-style", "verify"})).contains(VerifyCommand.class);
        assertThat(Subcommands.named(new String[]{"--s3-path-style", "false", "verify"})).contains(VerifyCommand.class);
        assertThat(Subcommands.named(new String[]{"--s3-path-style", "TRUE", "verify"})).contains(VerifyCommand.class);
        assertThat(Subcommands.named(new String[]{"--s3-path-style=true", "--compression", "lz4", "backup"})).contains(BackupCommand.class);
        assertThat(Subcommands.named(new String[]{"key", "list"})).contains(KeyCommand.class);
    }

    @Test
    void noCommandATypoOrHelpGetAllOfThem() {
        assertThat(Subcommands.named(new String[]{})).isEmpty();
        assertThat(Subcommands.named(new String[]{"--help"})).isEmpty();
        assertThat(Subcommands.named(new String[]{"--repo", "/r", "bakup"})).isEmpty();
        assertThat(Subcommands.named(new String[]{"--repo"})).isEmpty();

        CommandLine all = Subcommands.commandLine(context(), new String[]{"--help"});
        assertThat(all.getSubcommands().keySet()).hasSize(Subcommands.ALL.size()).contains("backup", "restore", "daemon");
    }

    @Test
    void aNamedCommandAloneKeepsTheGlobalOptions() {
        Context ctx = context();
        CommandLine one = Subcommands.commandLine(ctx, new String[]{"--repo", "/r", "list"});
        assertThat(one.getSubcommands().keySet()).containsExactly("list");
        one.parseArgs("--repo", "/r", "list", "--json");
        assertThat(ctx.repo).isEqualTo("/r");
        assertThat(ctx.json).isTrue();
    }

    private static Context context() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        return new Context(Map.of(), sink, sink);
    }
}
