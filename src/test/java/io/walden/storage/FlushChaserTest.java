package io.walden.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlushChaserTest {
    @TempDir
    Path dir;

    private FileChannel open(String name) throws IOException {
        return FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Test
    void aFlushThatFailsIsReportedByFinish() throws IOException {
        FileChannel channel = open("a");
        FlushChaser chaser = new FlushChaser(channel);
        channel.close(); // the flush a step of writing starts now fails
        chaser.wrote(FlushChaser.STEP);
        assertThatThrownBy(chaser::finish).isInstanceOf(IOException.class);
    }

    @Test
    void lessThanAStepStartsNoFlush() throws IOException {
        FileChannel channel = open("b");
        FlushChaser chaser = new FlushChaser(channel);
        channel.close();
        chaser.wrote(FlushChaser.STEP - 1);
        chaser.finish(); // no flush was tried, so the closed channel was never touched
    }
}
