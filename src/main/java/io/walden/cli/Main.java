package io.walden.cli;

/** The process entry point: runs one command and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Walden.run(args, System.getenv(), System.out, System.err));
    }
}
