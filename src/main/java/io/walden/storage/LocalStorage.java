package io.walden.storage;

import io.walden.error.WaldenException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A repository on a local (or mounted) filesystem. A commit is: write a temporary file next to the
 * target, fsync it, rename (or hard-link, for commit-if-absent, which fails atomically if the name is
 * taken), fsync the folder. Temporary names start with '.' and are never listed.
 *
 * <p>When run as root in a repository owned by another user (PostgreSQL's archive_command runs as the
 * server's user), new files and folders take the owner of the repository root so that user can keep
 * writing. Everything is its owner's only: WAL and data files are the database's content, unencrypted unless a
 * keyset is used.
 */
public final class LocalStorage implements Storage {
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path root;
    private final UserPrincipal adoptOwner;

    public LocalStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.adoptOwner = ownerToAdopt(this.root);
    }

    private static UserPrincipal ownerToAdopt(Path root) {
        try {
            if (!"root".equals(System.getProperty("user.name")) || !Files.isDirectory(root)) {
                return null;
            }
            UserPrincipal owner = Files.getOwner(root);
            return "root".equals(owner.getName()) ? null : owner;
        } catch (IOException e) {
            return null;
        }
    }

    public Path root() {
        return root;
    }

    private Path resolve(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("..") || key.contains("\\")) {
            throw new IllegalArgumentException("bad object key: " + key);
        }
        return root.resolve(key);
    }

    @Override
    public PendingObject create(String key) throws IOException {
        Path target = resolve(key);
        createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        FileChannel channel;
        try {
            channel = openNew(temp);
        } catch (AccessDeniedException e) {
            throw new WaldenException("cannot write to the repository at " + root + ": permission denied on " + target.getParent(),
                    "make the repository writable by the user running walden (" + System.getProperty("user.name") + ")");
        }
        return new LocalPendingObject(target, temp, channel);
    }

    /** A delete may prune the folder between its creation and this open: then create it again. */
    private FileChannel openNew(Path temp) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (java.nio.file.NoSuchFileException e) {
                if (attempt == 5) {
                    throw e;
                }
                createDirectories(temp.getParent());
            }
        }
    }

    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            adopt(dir);
            fsyncDirectory(dir.getParent());
        } catch (FileAlreadyExistsException e) {
            // another writer made it first
        } catch (AccessDeniedException e) {
            throw new WaldenException("cannot write to the repository at " + root + ": permission denied on " + dir.getParent(),
                    "make the repository writable by the user running walden (" + System.getProperty("user.name") + ")");
        }
    }

    private void adopt(Path path) throws IOException {
        if (adoptOwner != null) {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(adoptOwner);
            view.setGroup(Files.readAttributes(root, java.nio.file.attribute.PosixFileAttributes.class).group());
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private final class LocalPendingObject implements PendingObject {
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream stream;
        private final FlushChaser chaser;
        private boolean done;

        LocalPendingObject(Path target, Path temp, FileChannel channel) {
            this.target = target;
            this.temp = temp;
            this.channel = channel;
            FlushChaser chaser = new FlushChaser(channel);
            this.chaser = chaser;
            this.stream = new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    super.write(b, off, len);
                    chaser.wrote(len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // closing the stream must not close the channel before commit
                }
            };
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        private void seal() throws IOException {
            if (done) {
                throw new IllegalStateException("object already committed or aborted: " + target);
            }
            stream.flush();
            chaser.finish();
            channel.force(true);
            channel.close();
            Files.setPosixFilePermissions(temp, FILE_MODE);
            adopt(temp);
        }

        @Override
        public void commit() throws IOException {
            seal();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            fsyncDirectory(target.getParent());
        }

        @Override
        public boolean commitIfAbsent() throws IOException {
            seal();
            try {
                Files.createLink(target, temp);
                done = true;
                Files.deleteIfExists(temp);
                fsyncDirectory(target.getParent());
                return true;
            } catch (FileAlreadyExistsException e) {
                done = true;
                Files.deleteIfExists(temp);
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                try {
                    channel.close();
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return Files.newInputStream(resolve(key));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key, root.toString());
        }
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(resolve(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key, root.toString());
        }
        if (offset + length > ch.size()) {
            ch.close();
            throw new IOException("range " + offset + "+" + length + " is past the end of " + key + " (" + ch.size() + " bytes)");
        }
        ch.position(offset);
        InputStream in = Channels.newInputStream(ch);
        return new InputStream() {
            long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Path p = resolve(key);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.isRegularFile() ? Optional.of(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant())) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        List<ObjectInfo> out = new ArrayList<>();
        int slash = prefix.lastIndexOf('/');
        String dirKey = slash < 0 ? "" : prefix.substring(0, slash);
        Path dir = dirKey.isEmpty() ? root : resolve(dirKey);
        if (Files.isDirectory(dir)) {
            walk(dir, dirKey, prefix, out);
        }
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    private void walk(Path dir, String dirKey, String prefix, List<ObjectInfo> out) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue; // temporary files of writes in progress
                }
                String key = dirKey.isEmpty() ? name : dirKey + "/" + name;
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue; // deleted while listing
                }
                if (a.isDirectory()) {
                    if (key.startsWith(prefix) || prefix.startsWith(key + "/")) {
                        walk(p, key, prefix, out);
                    }
                } else if (a.isRegularFile() && key.startsWith(prefix)) {
                    out.add(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
                }
            }
        } catch (NoSuchFileException e) {
            // folder removed while listing
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path file = resolve(key);
        Files.deleteIfExists(file);
        // folders left empty go too, so a deleted backup leaves no trace; a folder still in use is not empty
        for (Path dir = file.getParent(); dir != null && !dir.equals(root) && dir.startsWith(root); dir = dir.getParent()) {
            try {
                Files.delete(dir);
            } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
                break;
            }
        }
    }

    @Override
    public String location() {
        return root.toString();
    }
}
