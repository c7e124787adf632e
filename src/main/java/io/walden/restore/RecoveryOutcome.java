package io.walden.restore;

/** Where recovery ended, as the server reported it in its log. */
public record RecoveryOutcome(String stoppedAt, Integer newTimeline, String lastTransaction, String state) {}
