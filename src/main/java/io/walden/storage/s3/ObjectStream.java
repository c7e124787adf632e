package io.walden.storage.s3;

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
 * If-Match on its ETag.
 */
final class ObjectStream extends InputStream {

    /** Starts a GET of bytes {@code [from, to)} ({@code to < 0}: to the end), optionally If-Match. */
    @FunctionalInterface
    interface Opener {
        ResponseInputStream<GetObjectResponse> open(long from, long to, String ifMatch) throws IOException;
    }

    private final Opener opener;
    private final String name;
    private final long end;
    private final String eTag;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private ResponseInputStream<GetObjectResponse> body;
    private long position;
    private int resumesLeft;
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
        this.resumesLeft = maxResumes;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    /**
     * Opens {@code length} bytes from {@code offset}, or the whole object if {@code length < 0}.
     *
     * @param name       how to call the object in messages
     * @param maxResumes how many times a broken body may be resumed
     */
    static InputStream open(Opener opener, String name, long offset, long length, int maxResumes,
                            Duration baseDelay, Duration maxDelay) throws IOException {
        ResponseInputStream<GetObjectResponse> first = opener.open(offset, length < 0 ? -1 : offset + length, null);
        GetObjectResponse response = first.response();
        Long sent = response.contentLength();
        if (sent == null) {
            first.abort();
            throw new IOException("S3 sent " + name + " without a Content-Length, so a short read could not be told from a whole one");
        }
        if (length >= 0 && sent != length) {
            first.abort();
            throw new IOException("the range " + offset + "+" + length + " is past the end of " + name
                    + sizeFrom(response.contentRange()));
        }
        return new ObjectStream(opener, name, first, offset, offset + sent, maxResumes, baseDelay, maxDelay);
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
                    return n;
                }
                failure = new EOFException("the connection ended after " + position + " of " + end + " bytes");
            } catch (IOException e) {
                failure = e;
            } catch (SdkException e) {
                failure = new IOException(e.getMessage(), e);
            }
            resume(failure);
        }
    }

    private void resume(IOException failure) throws IOException {
        if (resumesLeft <= 0) {
            throw new IOException("reading " + name + " from S3 failed at byte " + position + " of " + end
                    + (resumes > 0 ? " after " + resumes + " resumed attempts" : "") + ": " + failure.getMessage(), failure);
        }
        resumesLeft--;
        resumes++;
        body.abort();
        pause();
        body = opener.open(position, end, eTag);
        Long sent = body.response().contentLength();
        if (sent == null || sent != end - position) {
            body.abort();
            throw new IOException("resuming " + name + " at byte " + position + " got " + sent + " bytes instead of "
                    + (end - position), failure);
        }
    }

    private void pause() throws InterruptedIOException {
        long cap = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(resumes - 1, 20));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while resuming " + name);
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
