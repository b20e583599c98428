package io.aicache.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;

/** What the fault tests assert of a fill: the client never took a failed body as whole, and nothing wrong was kept. */
public final class FillAssertions {

    private FillAssertions() {
    }

    /** The client must not take what it got as the whole blob: the body failed or is short. */
    public static void assertNoCompleteBody(RegistryTestClient.Attempt attempt, long expectedLength) {
        if (attempt.failed()) {
            return;
        }
        HttpResponse<byte[]> response = attempt.response();
        long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        boolean complete = (response.statusCode() == 200 || response.statusCode() == 206)
                && response.body().length == expectedLength && announced == expectedLength;
        assertFalse(complete, "the client received a complete " + response.statusCode() + " body of "
                + response.body().length + " bytes from a failed fill");
    }

    /** Neither a blob file nor a partial file is left for {@code digest}. */
    public static void assertNothingKept(RunningAicache aicache, String digest) {
        Eventually.until(() -> "partial/ is empty, has " + aicache.partialFiles(), () -> aicache.partialFiles().isEmpty());
        assertFalse(Files.exists(aicache.blobFile(digest)), "no blob file for " + digest);
    }

    /** The blob file holds exactly {@code blob}, and no partial file is left. */
    public static void assertKept(RunningAicache aicache, String digest, byte[] blob) throws IOException {
        Eventually.until("the blob is kept", () -> Files.exists(aicache.blobFile(digest)));
        assertArrayEquals(blob, Files.readAllBytes(aicache.blobFile(digest)));
        Eventually.until(() -> "partial/ is empty, has " + aicache.partialFiles(), () -> aicache.partialFiles().isEmpty());
    }
}
