package io.walden.it;

/** The crash subset of {@link CrashMatrixMajors} on PostgreSQL 17. */
class CrashMatrixPg17IT extends CrashMatrixMajors {
    @Override
    int major() {
        return 17;
    }
}
