package io.walden.pg;

import com.sun.security.auth.module.UnixSystem;
import io.walden.error.WaldenException;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OS identities involved in running PostgreSQL: initdb and postgres refuse to run as root, so when walden
 * runs as root (a container, a restore at 3 a.m. with sudo) server processes run as an unprivileged user via
 * {@code runuser}, and the files they need are handed to that user.
 */
public final class OsUser {
    /** The system user created when no {@code postgres} user exists and walden runs as root. */
    public static final String FALLBACK_SERVER_USER = "walden";

    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Map<String, String> PRIMARY_GROUPS = new ConcurrentHashMap<>();

    private OsUser() {
    }

    /** True when this process runs as uid 0. */
    public static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /** The name of the user this process runs as. */
    public static String currentName() {
        return new UnixSystem().getUsername();
    }

    /** The name of the user owning {@code path} (the path itself, not a symlink's target). */
    public static String ownerOf(Path path) {
        try {
            return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException e) {
            throw new WaldenException("cannot read the owner of " + path + ": " + e.getMessage(),
                    "check that " + path + " exists and is readable");
        }
    }

    /** True when an OS user named {@code user} exists (through NSS, so LDAP users count). */
    public static boolean exists(String user) {
        return ProcessRunner.run(List.of("id", "-u", user), LOOKUP_TIMEOUT).succeeded();
    }

    /**
     * {@code command} run as {@code user}: prefixed with {@code runuser -u USER --} when we are root and USER
     * is not, unchanged otherwise (a non-root process can only run commands as itself).
     */
    public static List<String> commandAs(String user, List<String> command) {
        if (!isRoot() || "root".equals(user)) {
            return List.copyOf(command);
        }
        List<String> wrapped = new ArrayList<>(command.size() + 4);
        wrapped.addAll(List.of("runuser", "-u", user, "--"));
        wrapped.addAll(command);
        return List.copyOf(wrapped);
    }

    /**
     * The user PostgreSQL server processes should run as. As root: {@code postgres} if it exists, else the
     * system user {@value #FALLBACK_SERVER_USER}, created when missing. Otherwise: the current user.
     */
    public static String unprivilegedServerUser() {
        if (!isRoot()) {
            return currentName();
        }
        if (exists("postgres")) {
            return "postgres";
        }
        if (!exists(FALLBACK_SERVER_USER)) {
            ProcessResult created = ProcessRunner.run(List.of("useradd", "--system", "--user-group",
                    "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                    FALLBACK_SERVER_USER), LOOKUP_TIMEOUT);
            // another process may have created it at the same moment: only its absence is an error
            if (!created.succeeded() && !exists(FALLBACK_SERVER_USER)) {
                throw new WaldenException("cannot create the OS user " + FALLBACK_SERVER_USER
                        + " to run PostgreSQL as: " + String.join(" ", created.lastLines(3)),
                        "create an unprivileged user (e.g. apt-get install postgresql-common creates postgres)");
            }
        }
        return FALLBACK_SERVER_USER;
    }

    /** Gives {@code path} (not a symlink's target) to {@code user} and its primary group; no-op unless root. */
    public static void chown(Path path, String user) {
        if (!isRoot()) {
            return;
        }
        Ownership ownership = Ownership.of(path, user);
        ownership.apply(path);
    }

    /** Gives {@code root} and everything below it to {@code user} and its primary group; no-op unless root. */
    public static void chownTree(Path root, String user) {
        if (!isRoot()) {
            return;
        }
        Ownership ownership = Ownership.of(root, user);
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    ownership.apply(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    ownership.apply(file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new WaldenException("cannot change the owner of " + root + " to " + user + ": " + e.getMessage(),
                    "check that " + root + " exists and is on a filesystem with Unix owners");
        }
    }

    private static String primaryGroup(String user) {
        return PRIMARY_GROUPS.computeIfAbsent(user, name -> {
            ProcessResult result = ProcessRunner.run(List.of("id", "-gn", name), LOOKUP_TIMEOUT);
            if (!result.succeeded() || result.output().isBlank()) {
                throw new WaldenException("the OS user " + name + " does not exist",
                        "create it, or choose an existing user to run PostgreSQL as");
            }
            return result.output().strip();
        });
    }

    /** A resolved owner and group, looked up once and applied to many files. */
    private record Ownership(UserPrincipal user, GroupPrincipal group) {
        static Ownership of(Path path, String userName) {
            String groupName = primaryGroup(userName);
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            try {
                return new Ownership(lookup.lookupPrincipalByName(userName),
                        lookup.lookupPrincipalByGroupName(groupName));
            } catch (IOException e) {
                throw new WaldenException("cannot look up the OS user " + userName + ": " + e.getMessage(),
                        "create it, or choose an existing user to run PostgreSQL as");
            }
        }

        void apply(Path path) {
            PosixFileAttributeView view =
                    Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            try {
                view.setOwner(user);
                view.setGroup(group);
            } catch (IOException e) {
                throw new WaldenException("cannot change the owner of " + path + " to " + user.getName() + ": "
                        + e.getMessage(), "check that " + path + " exists and is on a filesystem with Unix owners");
            }
        }
    }
}
