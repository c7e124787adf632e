package io.walden.cli;

import io.walden.error.WaldenException;
import io.walden.ops.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** walden demo. */
@Command(name = "demo", description = {
        "Show the main job on a throwaway cluster in ./.walden-demo: backup, a DROP TABLE, a point-in-time restore to",
        "just before it, and the proof that the rows are back. Removes everything afterwards."},
        footer = {"", "Example:", "  bin/walden demo"})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".walden-demo", description = "Where the throwaway cluster lives (default ./.walden-demo).")
    Path dir;

    @Option(names = "--keep", description = "Keep the cluster and repository afterwards.")
    boolean keep;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "Directory with initdb, pg_ctl and postgres.")
    Path pgBin;

    @Override
    public Integer call() throws Exception {
        Path jar = Path.of(Walden.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
            throw new WaldenException("the demo runs from the walden jar", "run it as bin/walden demo");
        }
        new Demo(dir, jar, Optional.ofNullable(pgBin), keep, parent.context().out()).run();
        return 0;
    }
}
