package io.aicache.proxy.testsupport;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OCI content descriptor: what a manifest or index says about a blob it references.
 *
 * @param mediaType media type of the referenced content
 * @param digest    content digest, {@code sha256:<64 hex digits>}
 * @param size      length of the content in bytes
 */
public record OciDescriptor(String mediaType, String digest, long size) {

    public static final String IMAGE_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    /** The descriptor as the JSON object that manifests, indexes and {@code index.json} embed. */
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("mediaType", mediaType);
        json.put("digest", digest);
        json.put("size", size);
        return json;
    }
}
