package io.aicache.storage;

/** A storage operation failed (disk, index); the message says which and why. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
