package io.walden.storage.s3;

import io.walden.storage.PendingObject;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One object being written to S3. Bytes collect in a {@link PartBuffer}; if the object never outgrows one
 * part, the commit is a single PUT. Once it does, a multipart upload starts and every full part is uploaded
 * on the storage's pool while the writer fills the next one. A semaphore bounds the parts in flight, so
 * memory stays near {@code (maxConcurrency + 1) * partSize} whatever the object's size. The object appears
 * only when CompleteMultipartUpload succeeds; until then it is invisible, and closing without a commit aborts
 * the upload.
 */
final class S3Upload implements PendingObject {
    private static final int MAX_PARTS = 10_000; // S3's limit
    private static final int CONFLICT_RETRIES = 5;

    private final S3Storage storage;
    private final S3Client client;
    private final String key;
    private final String s3Key;
    private final String bucket;
    private final int partSize;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final OutputStream stream = new PartStream();
    private PartBuffer buffer;
    private String uploadId;
    private List<CompletedPart> completedParts;
    private volatile Throwable partFailure;
    private volatile boolean abandoned;
    private boolean done;

    S3Upload(S3Storage storage, String key) {
        this.storage = storage;
        this.client = storage.client();
        this.key = key;
        this.s3Key = storage.s3Location().key(key);
        this.bucket = storage.s3Location().bucket();
        this.partSize = storage.settings().partSize();
        this.maxInFlight = storage.settings().maxConcurrency();
        this.inFlight = new Semaphore(maxInFlight);
        this.buffer = new PartBuffer(partSize, false);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    /** Writes into the current part; closing it does not commit (nor abort). */
    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            checkWritable();
            if (buffer.isFull()) {
                shipPart();
            }
            buffer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkWritable();
            while (len > 0) {
                // a full part is shipped only when more bytes come, so an object of exactly one part is one PUT
                if (buffer.isFull()) {
                    shipPart();
                }
                int n = buffer.fill(b, off, len);
                off += n;
                len -= n;
            }
        }
    }

    private void checkWritable() throws IOException {
        if (done) {
            throw new IOException("the upload of " + key + " is already committed or aborted");
        }
        Throwable failed = partFailure;
        if (failed != null) {
            throw failure("upload of a part of", failed);
        }
    }

    private void shipPart() throws IOException {
        if (parts.size() >= MAX_PARTS) {
            throw new IOException(key + " is larger than " + MAX_PARTS + " parts of " + partSize / (1024 * 1024)
                    + " MiB, the most S3 takes in one object; raise the S3 part size");
        }
        if (uploadId == null) {
            uploadId = startMultipart();
        }
        try {
            inFlight.acquire(); // wait for a slot before taking the memory of another part
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + key);
        }
        PartBuffer full = buffer;
        buffer = new PartBuffer(partSize, true);
        int number = parts.size() + 1;
        try {
            parts.add(storage.partUploads().submit(() -> uploadPart(number, full)));
        } catch (RejectedExecutionException e) {
            inFlight.release();
            throw new IOException("the S3 storage is closed; cannot upload " + key, e);
        }
    }

    private String startMultipart() throws IOException {
        CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder()
                .bucket(bucket).key(s3Key)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32);
        String storageClass = storage.settings().storageClass();
        if (storageClass != null) {
            request.storageClass(storageClass);
        }
        try {
            return client.createMultipartUpload(request.build()).uploadId();
        } catch (SdkException e) {
            throw storage.errors().translate("start of the upload of", key, e);
        }
    }

    /** Runs on the pool. */
    private CompletedPart uploadPart(int number, PartBuffer part) {
        try {
            if (abandoned) {
                return null;
            }
            UploadPartResponse response = client.uploadPart(UploadPartRequest.builder()
                    .bucket(bucket).key(s3Key).uploadId(uploadId).partNumber(number)
                    .contentLength((long) part.size())
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32)
                    .build(), part.body());
            return CompletedPart.builder().partNumber(number).eTag(response.eTag())
                    .checksumCRC32(response.checksumCRC32()).build();
        } catch (RuntimeException | Error e) {
            partFailure = e;
            throw e;
        } finally {
            inFlight.release();
        }
    }

    @Override
    public void commit() throws IOException {
        begin();
        try {
            if (uploadId == null) {
                putObject(false);
            } else {
                finishParts();
                completeMultipart(false);
            }
            done = true;
        } catch (SdkException e) {
            abandon();
            throw storage.errors().translate("upload of", key, e);
        } catch (IOException | RuntimeException | Error e) {
            abandon();
            throw e;
        }
    }

    /**
     * The write carries {@code If-None-Match: *}, so of concurrent writers S3 lets exactly one create the key
     * and answers the others 412. A HEAD first spares uploading a body that cannot win, and keeps a server
     * that ignores the header from overwriting in the common, sequential case (a WAL segment pushed twice).
     *
     * <p>If the answer to a write that did succeed is lost and the SDK retries, the retry sees the object and
     * this returns false although the object holds this write's bytes; callers treat false as "it exists,
     * check it", which is right either way.
     */
    @Override
    public boolean commitIfAbsent() throws IOException {
        begin();
        try {
            if (uploadId != null) {
                finishParts(); // before the HEAD, so the check is as close to the write as it can be
            }
            if (storage.stat(key).isPresent()) {
                abandon();
                return false;
            }
            boolean conditional = !storage.conditionalWritesRefused();
            for (int attempt = 1; ; attempt++) {
                try {
                    if (uploadId == null) {
                        putObject(conditional);
                    } else {
                        completeMultipart(conditional);
                    }
                    done = true;
                    return true;
                } catch (SdkException e) {
                    if (S3Errors.hasStatus(e, 412) || "PreconditionFailed".equals(S3Errors.code(e))) {
                        abandon();
                        return false;
                    }
                    if (conditional && (S3Errors.hasStatus(e, 501) || "NotImplemented".equals(S3Errors.code(e)))) {
                        storage.refuseConditionalWrites(); // see S3Storage.conditionalWritesRefused
                        conditional = false;
                        if (storage.stat(key).isPresent()) {
                            abandon();
                            return false;
                        }
                        continue;
                    }
                    // 409 ConditionalRequestConflict: another conditional write of this key is under way and
                    // S3 asks to try again. It has usually created the object by then.
                    if (S3Errors.hasStatus(e, 409) && attempt < CONFLICT_RETRIES) {
                        pause(attempt);
                        if (storage.stat(key).isPresent()) {
                            abandon();
                            return false;
                        }
                        continue;
                    }
                    throw e;
                }
            }
        } catch (SdkException e) {
            abandon();
            throw storage.errors().translate("upload of", key, e);
        } catch (IOException | RuntimeException | Error e) {
            abandon();
            throw e;
        }
    }

    private void begin() throws IOException {
        if (done) {
            throw new IllegalStateException("object already committed or aborted: " + key);
        }
        Throwable failed = partFailure;
        if (failed != null) {
            abandon();
            throw failure("upload of a part of", failed);
        }
    }

    private void putObject(boolean ifAbsent) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket).key(s3Key)
                .contentLength((long) buffer.size());
        String storageClass = storage.settings().storageClass();
        if (storageClass != null) {
            request.storageClass(storageClass);
        }
        if (ifAbsent) {
            request.ifNoneMatch("*");
        }
        client.putObject(request.build(), buffer.body());
    }

    /** Ships the last part and waits for every part to be uploaded. */
    private void finishParts() throws IOException {
        if (completedParts != null) {
            return;
        }
        if (buffer.size() > 0) {
            shipPart();
        }
        buffer = null;
        List<CompletedPart> completed = new ArrayList<>(parts.size());
        for (Future<CompletedPart> part : parts) {
            try {
                completed.add(part.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while uploading " + key);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SdkException sdk) {
                    throw sdk;
                }
                throw failure("upload of a part of", e.getCause());
            }
        }
        completedParts = completed;
    }

    private void completeMultipart(boolean ifAbsent) {
        CompleteMultipartUploadRequest.Builder request = CompleteMultipartUploadRequest.builder()
                .bucket(bucket).key(s3Key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(completedParts));
        if (ifAbsent) {
            request.ifNoneMatch("*");
        }
        client.completeMultipartUpload(request.build());
    }

    private IOException failure(String action, Throwable cause) {
        if (cause instanceof SdkException sdk) {
            return storage.errors().translate(action, key, sdk);
        }
        return new IOException("S3 " + action + " " + key + " failed: " + cause, cause);
    }

    private void pause(int attempt) throws InterruptedIOException {
        long cap = Math.min(storage.settings().retryMaxDelay().toMillis(),
                storage.settings().retryBaseDelay().toMillis() << Math.min(attempt, 20));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + key);
        }
    }

    /**
     * Gives up on the object: nothing becomes visible. A multipart upload is aborted once its parts in
     * flight have finished, since S3 may keep a part that lands after the abort.
     */
    private void abandon() {
        if (done) {
            return;
        }
        done = true;
        abandoned = true;
        buffer = null;
        if (uploadId == null) {
            return;
        }
        boolean interrupted = false;
        try {
            if (inFlight.tryAcquire(maxInFlight, storage.settings().attemptTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                inFlight.release(maxInFlight);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            client.abortMultipartUpload(b -> b.bucket(bucket).key(s3Key).uploadId(uploadId));
        } catch (SdkException e) {
            // Best effort: the parts are invisible either way, and a bucket lifecycle rule
            // (AbortIncompleteMultipartUpload) reclaims them. Failing here would hide the error that got us here.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        abandon();
    }
}
