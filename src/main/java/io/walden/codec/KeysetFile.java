package io.walden.codec;

import io.walden.error.WaldenException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A keyset on disk: readable by its owner only, created without overwriting, replaced atomically on
 * rotation so a crash never leaves half a keyset (and so never loses a key that encrypted something).
 */
public final class KeysetFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeysetFile() {
    }

    public static Keyring read(Path file) {
        String json;
        try {
            checkPrivate(file);
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new WaldenException("keyset file " + file + " does not exist",
                    "check WALDEN_ENCRYPTION_KEY_FILE or --encryption-key-file; create a keyset with 'walden key generate FILE'");
        } catch (AccessDeniedException e) {
            throw new WaldenException("keyset file " + file + " cannot be read by this user",
                    "run walden as the file's owner (the user PostgreSQL runs as, for archive_command and restore_command)");
        } catch (IOException e) {
            throw new WaldenException("cannot read keyset file " + file + ": " + e.getMessage(), null);
        }
        return Keyring.parse(json, file.toString());
    }

    /** Writes a new keyset file, mode 0600; refuses to replace an existing file. */
    public static void create(Path file, Keyring keyring) {
        try {
            Files.write(file, keyring.toJson().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            fsync(file);
        } catch (FileAlreadyExistsException e) {
            throw new WaldenException("keyset file " + file + " already exists; walden does not overwrite keys",
                    "to add a new key to it run 'walden key rotate " + file + "'; to start over pick another file name");
        } catch (NoSuchFileException e) {
            throw new WaldenException("cannot write keyset file " + file + ": its folder " + file.toAbsolutePath().getParent()
                    + " does not exist", "create the folder first (mkdir -p, mode 0700), or pick another path");
        } catch (IOException e) {
            throw new WaldenException("cannot write keyset file " + file + ": " + e.getMessage(), "check that the folder exists and is writable");
        }
    }

    /** Replaces an existing keyset file with a new version, keeping it owner-only. */
    public static void replace(Path file, Keyring keyring) {
        Path temp = file.resolveSibling("." + file.getFileName() + ".new");
        try {
            Files.deleteIfExists(temp);
            Files.write(temp, keyring.toJson().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(temp, OWNER_ONLY);
            copyOwner(file, temp);
            fsync(temp);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the message below matters more
            }
            throw new WaldenException("cannot update keyset file " + file + ": " + e.getMessage(), "check that the folder is writable");
        }
    }

    private static void checkPrivate(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw new WaldenException("keyset file " + file + " is readable by other users",
                    "make it private: chmod 600 " + file);
        }
    }

    private static void copyOwner(Path from, Path to) {
        try {
            Files.setOwner(to, Files.getOwner(from));
        } catch (IOException | UnsupportedOperationException e) {
            // not root: the new file is ours, as the old one was
        }
    }

    private static void fsync(Path file) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
