package io.walden.restore;

import io.walden.repo.Manifest;

/** The decision a restore acts on: which backup, towards which target, on which timeline. */
public record RestorePlan(Manifest backup, RecoveryTarget target, int timeline, RecoverableWindow window) {}
