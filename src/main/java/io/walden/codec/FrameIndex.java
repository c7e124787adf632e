package io.walden.codec;

import java.util.Arrays;

/**
 * Where the independently decodable frames of an object's body are: frame {@code k} holds plaintext bytes
 * {@code [k * frameSize, (k + 1) * frameSize)} (the last one may be shorter) and its chunks are the stored
 * bytes {@code [starts[k], starts[k + 1])} of the object; the last start is where the body's end marker is.
 * A reader can then fetch and decode one frame of a large file without the rest ({@link FrameReader}).
 * Only unencrypted objects have one: the cipher's segments do not follow the frames.
 *
 * @param frameSize plaintext bytes per frame
 * @param starts    one stored offset per frame, and the end of the last
 */
public record FrameIndex(int frameSize, long[] starts) {

    public FrameIndex {
        if (frameSize <= 0 || starts.length < 2) {
            throw new IllegalArgumentException("a frame index needs a frame size and at least one frame");
        }
        for (int i = 1; i < starts.length; i++) {
            if (starts[i] <= starts[i - 1]) {
                throw new IllegalArgumentException("frame starts must grow: " + starts[i - 1] + " then " + starts[i]);
            }
        }
        starts = starts.clone();
    }

    public int frames() {
        return starts.length - 1;
    }

    /** Where frame {@code k}'s plaintext starts in the object's plaintext. */
    public long plainStart(int k) {
        return (long) k * frameSize;
    }

    /** The plaintext length of frame {@code k} in an object of {@code plainLength} bytes. */
    public int plainLength(int k, long plainLength) {
        return (int) Math.min(frameSize, plainLength - plainStart(k));
    }

    public long storedStart(int k) {
        return starts[k];
    }

    public long storedLength(int k) {
        return starts[k + 1] - starts[k];
    }

    /** Whether this index can describe an object of {@code plainLength} bytes. */
    public boolean fits(long plainLength) {
        return plainLength > plainStart(frames() - 1) && plainLength <= plainStart(frames());
    }

    @Override
    public long[] starts() {
        return starts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameIndex f && f.frameSize == frameSize && Arrays.equals(f.starts, starts);
    }

    @Override
    public int hashCode() {
        return 31 * frameSize + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "FrameIndex[" + frames() + " frames of " + frameSize + " bytes]";
    }
}
