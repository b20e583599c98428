package io.aicache.upstream.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The region in an ECR registry's name, in every spelling AWS gives it, and none in other names. */
class EcrRegistryHostTest {

    @Test
    void theRegionIsReadFromEachKindOfEcrHost() {
        assertRegion("eu-west-1", "123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        assertRegion("cn-northwest-1", "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn");
        assertRegion("us-gov-east-1", "123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com");
        assertRegion("ap-southeast-2", "123456789012.DKR.ECR.AP-SOUTHEAST-2.AMAZONAWS.COM");
    }

    private static void assertRegion(String region, String registry) {
        assertEquals(Optional.of(region), EcrRegistryHost.region(registry), registry);
    }

    @Test
    void otherNamesHaveNoRegion() {
        assertEquals(Optional.empty(), EcrRegistryHost.region("public.ecr.aws"));
        assertEquals(Optional.empty(), EcrRegistryHost.region("registry.corp.example"));
        assertEquals(Optional.empty(), EcrRegistryHost.region("12345.dkr.ecr.eu-west-1.amazonaws.com"));
        assertEquals(Optional.empty(),
                EcrRegistryHost.region("123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example"));
        assertEquals(Optional.empty(), EcrRegistryHost.region("123456789012.dkr.ecr.eu-west-1.amazonaws.com:443"));
    }
}
