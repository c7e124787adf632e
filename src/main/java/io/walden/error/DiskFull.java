package io.walden.error;

import java.nio.file.FileSystemException;

/** Recognises "no space left on device" (ENOSPC) however deep it sits in a chain of causes. */
public final class DiskFull {
    private static final String ENOSPC = "No space left on device";

    private DiskFull() {
    }

    public static boolean causes(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String reason = c instanceof FileSystemException f ? f.getReason() : c.getMessage();
            if (reason != null && reason.contains(ENOSPC)) {
                return true;
            }
        }
        return false;
    }

    /** The file being written when the device filled up, if the failure names one. */
    public static String file(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof FileSystemException f && f.getFile() != null) {
                return f.getFile();
            }
        }
        return null;
    }
}
