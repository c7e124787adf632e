package io.walden.repo;

import io.walden.error.CorruptObjectException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockRangesTest {

    @Test
    void rangesRoundTrip() {
        int[] blocks = {0, 1, 2, 3, 7, 9, 10, 100};
        String text = BlockRanges.format(blocks, blocks.length);
        assertThat(text).isEqualTo("0-3,7,9-10,100");
        assertThat(BlockRanges.parse(text)).containsExactly(blocks);
        assertThat(BlockRanges.format(blocks, 0)).isEmpty();
        assertThat(BlockRanges.parse("")).isEmpty();
    }

    @Test
    void theLastBlockOfAFileMayBeShort() {
        long size = 3L * BlockRanges.BLOCK_SIZE + 100;
        assertThat(BlockRanges.blockLength(2, size)).isEqualTo(BlockRanges.BLOCK_SIZE);
        assertThat(BlockRanges.blockLength(3, size)).isEqualTo(100);
        assertThat(BlockRanges.blockLength(4, size)).isZero();
        assertThat(BlockRanges.storedLength(new int[] {0, 3}, size)).isEqualTo(BlockRanges.BLOCK_SIZE + 100);
    }

    @Test
    void aDamagedListIsRefused() {
        assertThatThrownBy(() -> BlockRanges.parse("5,3")).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> BlockRanges.parse("1-x")).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> BlockRanges.parse("9999999999")).isInstanceOf(CorruptObjectException.class);
        assertThatThrownBy(() -> BlockRanges.parse("4-2")).isInstanceOf(CorruptObjectException.class);
    }
}
