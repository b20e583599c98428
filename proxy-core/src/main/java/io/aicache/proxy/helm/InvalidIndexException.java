package io.aicache.proxy.helm;

import java.io.IOException;

/** What upstream sent as {@code index.yaml} is not a chart repository index. */
final class InvalidIndexException extends IOException {
    InvalidIndexException(String message) {
        super(message);
    }
}
