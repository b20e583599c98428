package io.aicache.proxy.helm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.aicache.upstream.ChartRepository;

/**
 * A chart repository's index is upstream's: any bytes are rewritten into an index that reads again, with
 * every chart file named safely, or refused with InvalidIndexException.
 */
class IndexRewriterFuzzTest {

    private static final ChartRepository REPOSITORY = new ChartRepository("stable",
            URI.create("https://charts.example.com/stable/"), Optional.empty());

    @FuzzTest
    void rewrite(byte[] input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            IndexRewriter.rewrite(new ByteArrayInputStream(input), out, REPOSITORY,
                    (file, chart) -> assertTrue(ChartFileNames.isSafe(file), file));
        } catch (InvalidIndexException refused) {
            return;
        }
        IndexRewriter.rewrite(new ByteArrayInputStream(out.toByteArray()), new ByteArrayOutputStream(), REPOSITORY,
                (file, chart) -> { });
    }
}
