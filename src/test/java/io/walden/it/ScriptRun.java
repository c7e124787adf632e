package io.walden.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program of the project (a shell script, node) in its own process with exactly the environment given
 * plus PATH, HOME and JAVA_HOME: nothing of the test machine's PGDATA, WALDEN_* or PG* settings leaks in, as
 * in a container that is given only its own variables.
 */
record ScriptRun(int exit, String out, String err) {

    /** The checkout: tests run from the project directory, as the other integration tests assume. */
    static Path project() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath();
    }

    static ScriptRun run(List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(project().toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        e.put("HOME", System.getProperty("user.home"));
        e.put("LANG", "C.UTF-8");
        // bin/walden runs on the JDK running the tests
        e.put("JAVA_HOME", System.getProperty("java.home"));
        e.putAll(env);
        try {
            Path out = Files.createTempFile("walden-script-out", ".txt");
            Path err = Files.createTempFile("walden-script-err", ".txt");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes");
                }
                return new ScriptRun(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** bash SCRIPT ARGS..., the script given relative to the project. */
    static ScriptRun bash(String script, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", project().resolve(script).toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
