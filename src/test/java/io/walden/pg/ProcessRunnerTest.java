package io.walden.pg;

import io.walden.error.WaldenException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void capturesCombinedOutputAndExitCode() {
        ProcessResult result = ProcessRunner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).contains("out").contains("err");
        assertThat(result.lastLines(1)).hasSize(1);
    }

    @Test
    void runCheckedNamesTheCommandAndItsLastLines() {
        assertThatThrownBy(() -> ProcessRunner.runChecked(
                List.of("sh", "-c", "echo first; echo 'FATAL: broken'; exit 2"), TIMEOUT))
                .isInstanceOf(WaldenException.class)
                .hasMessageStartingWith("sh -c echo first; echo 'FATAL: broken'; exit 2 failed with exit code 2:")
                .hasMessageEndingWith("FATAL: broken");
    }

    @Test
    void aTimeoutKillsTheCommand() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> ProcessRunner.run(List.of("sleep", "60"), Duration.ofMillis(300)))
                .isInstanceOf(WaldenException.class)
                .hasMessageContaining("sleep 60 did not finish within");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aMissingProgramIsAClearError() {
        assertThatThrownBy(() -> ProcessRunner.run(List.of("/nonexistent/tool"), TIMEOUT))
                .isInstanceOf(WaldenException.class)
                .hasMessageStartingWith("cannot run /nonexistent/tool");
    }
}
