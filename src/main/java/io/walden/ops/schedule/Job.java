package io.walden.ops.schedule;

import io.walden.error.UsageException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a schedule runs: a walden command, with the options it always needs. */
public enum Job {
    BACKUP("backup", List.of()),
    /** A scheduled dry run would delete nothing, ever: retention runs confirmed. */
    RETENTION("delete", List.of("--confirm")),
    VERIFY("verify", List.of()),
    DRILL("drill", List.of());

    private final String command;
    private final List<String> implied;

    Job(String command, List<String> implied) {
        this.command = command;
        this.implied = implied;
    }

    /** The walden command this job runs. */
    public String command() {
        return command;
    }

    /** The name used in the config file, logs and metric labels. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The command's arguments: the schedule's own, then what the job implies and they do not already say. */
    public List<String> arguments(List<String> given) {
        List<String> args = new java.util.ArrayList<>();
        args.add(command);
        args.addAll(given);
        implied.stream().filter(flag -> !given.contains(flag)).forEach(args::add);
        return args;
    }

    public static Job parse(String text) {
        for (Job j : values()) {
            if (j.label().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
                return j;
            }
        }
        throw new UsageException("job '" + text + "' is not one walden schedules",
                "use one of " + Arrays.stream(values()).map(Job::label).collect(Collectors.joining(", ")));
    }
}
