package io.walden.storage.s3;

import io.walden.storage.ObjectNotFoundException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The body of a GET, streamed. It counts what arrives against the Content-Length, so a connection that ends
 * early is an error and never a silently short object. A body cut off mid-way (the SDK retries only until
 * the response starts) is resumed with a ranged GET from where it stopped, pinned to the same object by
 * If-Match on its ETag; it fails once resuming has not moved it forward a few times in a row.
 */
final class ObjectStream extends InputStream {

    /** Starts a GET of bytes {@code [from, to)} ({@code to < 0}: to the end), optionally If-Match. */
    @FunctionalInterface
    interface Opener {
        ResponseInputStream<GetObjectResponse> open(long from, long to, String ifMatch) throws IOException;
    }

    /** The object was replaced or deleted while being read: resuming would mix two objects. */
    static final class ChangedException extends IOException {
        ChangedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Opener opener;
    private final String name;
    private final long end;
    private final String eTag;
    private final int maxResumes;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private ResponseInputStream<GetObjectResponse> body;
    private long position;
    private int failuresInARow;
    private int resumes;
    private boolean closed;

    private ObjectStream(Opener opener, String name, ResponseInputStream<GetObjectResponse> body, long position, long end,
                         int maxResumes, Duration baseDelay, Duration maxDelay) {
        this.opener = opener;
        this.name = name;
        this.body = body;
        this.position = position;
        this.end = end;
        this.eTag = body.response().eTag();
        this.maxResumes = maxResumes;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    /**
     * Opens {@code length} bytes from {@code offset}, or the whole object if {@code length < 0}.
     *
     * @param name       how to call the object in messages
     * @param maxResumes how many times in a row a broken body may be resumed without getting a byte further
     */
    static InputStream open(Opener opener, String name, long offset, long length, int maxResumes,
                            Duration baseDelay, Duration maxDelay) throws IOException {
        for (int attempt = 0; ; attempt++) {
            ResponseInputStream<GetObjectResponse> first = opener.open(offset, length < 0 ? -1 : offset + length, null);
            GetObjectResponse response = first.response();
            Long sent = response.contentLength();
            if (sent == null) {
                // S3 always sends one; a response head cut short can lack it. Ask again, a few times.
                first.abort();
                if (attempt >= maxResumes) {
                    throw new IOException("S3 sent " + name + " without a Content-Length, so a short read could not be told from a whole one");
                }
                sleep(baseDelay, maxDelay, attempt + 1, name);
                continue;
            }
            if (length >= 0 && sent != length) {
                first.abort();
                throw new IOException("the range " + offset + "+" + length + " is past the end of " + name
                        + sizeFrom(response.contentRange()));
            }
            return new ObjectStream(opener, name, first, offset, offset + sent, maxResumes, baseDelay, maxDelay);
        }
    }

    /** " (N bytes)" from a Content-Range such as "bytes 8-9/10", or "" if there is none. */
    static String sizeFrom(String contentRange) {
        if (contentRange == null) {
            return "";
        }
        int slash = contentRange.lastIndexOf('/');
        return slash < 0 || contentRange.endsWith("*") ? "" : " (" + contentRange.substring(slash + 1) + " bytes)";
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream of " + name + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        int want = (int) Math.min(len, end - position);
        while (true) {
            IOException failure;
            try {
                int n = body.read(b, off, want);
                if (n > 0) {
                    position += n;
                    failuresInARow = 0; // a long download over a flaky link may break often, as long as it moves on
                    return n;
                }
                failure = new EOFException("the connection ended after byte " + position + " of " + end);
            } catch (IOException e) {
                failure = e;
            } catch (SdkException e) {
                failure = new IOException(e.getMessage(), e);
            }
            resume(failure);
        }
    }

    /** Replaces the broken body by a GET of the rest, or throws once that has failed too often in a row. */
    private void resume(IOException failure) throws IOException {
        body.abort();
        while (true) {
            if (failuresInARow >= maxResumes) {
                throw new IOException("reading " + name + " from S3 failed at byte " + position + " of " + end
                        + " after " + resumes + " resumed attempts: " + failure.getMessage(), failure);
            }
            failuresInARow++;
            resumes++;
            sleep(baseDelay, maxDelay, failuresInARow, name);
            ResponseInputStream<GetObjectResponse> next;
            try {
                next = opener.open(position, end, eTag);
            } catch (ChangedException | ObjectNotFoundException e) {
                throw e;
            } catch (IOException e) {
                failure = e;
                continue;
            }
            Long sent = next.response().contentLength();
            if (sent != null && sent == end - position) {
                body = next;
                return;
            }
            next.abort();
            failure = new IOException("resuming at byte " + position + " got " + sent + " bytes instead of " + (end - position));
        }
    }

    /** Exponential backoff with full jitter, as the SDK does between its own tries. */
    private static void sleep(Duration base, Duration max, int failures, String name) throws InterruptedIOException {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(failures - 1, 20));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + name);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (position < end) {
            body.abort(); // rather than read the rest of a large object just to reuse the connection
        } else {
            body.close();
        }
    }
}
