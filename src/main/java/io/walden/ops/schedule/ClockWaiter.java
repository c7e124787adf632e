package io.walden.ops.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits on the wall clock, looking again at least every second, so a clock set forward or back (NTP, a
 * suspended VM) moves the wait with it, and a stop ends it at once.
 */
public final class ClockWaiter implements Scheduler.Waiter {
    private final Clock clock;
    private boolean stopped;

    public ClockWaiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized boolean waitUntil(Instant time) throws InterruptedException {
        while (!stopped) {
            long millis = Duration.between(clock.instant(), time).toMillis();
            if (millis <= 0) {
                return true;
            }
            wait(Math.min(millis, 1000));
        }
        return false;
    }

    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }
}
