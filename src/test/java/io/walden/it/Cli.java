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

    Cli(Map<String, String> env) {
        this.env = new HashMap<>(env);
    }

    String env(String name) {
        return env.get(name);
    }

    Cli with(String name, String value) {
        Cli c = new Cli(env);
        c.env.put(name, value);
        return c;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Walden.run(args, env, o, e);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
