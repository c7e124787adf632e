package io.walden.it;

import io.walden.cli.Walden;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Runs walden's command line in this JVM with a given environment and captures what it prints. */
final class Cli {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env;
    /** A shell command that starts walden in its own process, or null to run it in this JVM. */
    private final String launcher;

    Cli(Map<String, String> env) {
        this(env, null);
    }

    private Cli(Map<String, String> env, String launcher) {
        this.env = new HashMap<>(env);
        this.launcher = launcher;
    }

    /**
     * The same command line run as its own process, with {@code env} added to this JVM's environment: what
     * it starts (PostgreSQL, and so restore_command) inherits that environment, as in real use.
     */
    Cli external(String launcher) {
        return new Cli(env, launcher);
    }

    String env(String name) {
        return env.get(name);
    }

    Cli with(String name, String value) {
        Cli c = new Cli(env, launcher);
        c.env.put(name, value);
        return c;
    }

    Result run(String... args) {
        if (launcher != null) {
            return runExternal(args);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Walden.run(args, env, o, e);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result runExternal(String... args) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("sh", "-c", "exec " + launcher + " \"$@\"", "walden"));
        command.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        env.forEach((k, v) -> {
            if (v == null || v.isEmpty()) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        try {
            java.nio.file.Path out = java.nio.file.Files.createTempFile("walden-out", ".txt");
            java.nio.file.Path err = java.nio.file.Files.createTempFile("walden-err", ".txt");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("walden " + String.join(" ", args) + " did not finish in 10 minutes");
                }
                return new Result(p.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
            } finally {
                java.nio.file.Files.deleteIfExists(out);
                java.nio.file.Files.deleteIfExists(err);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
