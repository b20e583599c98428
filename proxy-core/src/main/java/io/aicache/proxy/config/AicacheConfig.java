package io.aicache.proxy.config;

/** The whole configuration, as read from {@code conf/aicache.yaml} and the user's file over it. */
public record AicacheConfig(ServerConfig server, StorageConfig storage, ManifestsConfig manifests,
                            UpstreamConfig upstream, FillConfig fill, LoggingConfig logging,
                            AdminConfig admin, ProxyConfig proxy, HelmConfig helm,
                            AccessConfig access, FilesConfig files) {
}
