package io.walden.ops.schedule;

import io.walden.error.UsageException;

import java.time.Duration;

/**
 * How often a failed run is tried again before the scheduler gives up on that firing.
 *
 * @param attempts tries in all, the first included (1: no retry)
 * @param delay    between a failed try and the next
 */
public record RetryPolicy(int attempts, Duration delay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMinutes(5));

    public RetryPolicy {
        if (attempts < 1) {
            throw new UsageException("retry attempts must be at least 1, not " + attempts, "1 means: no retry");
        }
        if (delay.isNegative()) {
            throw new UsageException("retry delay must not be negative", "e.g. delay: 5m");
        }
    }
}
