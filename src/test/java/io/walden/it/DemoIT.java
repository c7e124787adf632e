package io.walden.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command, as a user runs it: the jar in its own process, from an empty directory. */
class DemoIT {

    @Test
    void theDemoFindsTheDropAndBringsEveryRowBackThenLeavesNothing() {
        Path base = TestDirs.newBaseDir("walden-demo");
        try {
            Path jar = TestCluster.installJar(base);
            Path dir = base.resolve("demo");
            Cli.Result r = new Cli(Map.of()).external(TestCluster.waldenCommand(jar)).run("demo", "--dir", dir.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("DROP TABLE public.orders (about 15000 rows)",
                    "rows before the mistake: 15000, after the restore: 15000", "demo passed");
            assertThat(r.out()).containsPattern("walden restore --target-xid (\\d+) --exclusive");
            assertThat(Files.exists(dir)).as("the demo removes its cluster and repository").isFalse();
        } finally {
            TestDirs.deleteTree(base);
        }
    }
}
