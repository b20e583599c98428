package io.aicache.proxy.oci;

import io.aicache.model.Digest;

/** A manifest's bytes as upstream served them, with the digest and media type they go by. */
public record Manifest(Digest digest, String mediaType, byte[] bytes) {
}
