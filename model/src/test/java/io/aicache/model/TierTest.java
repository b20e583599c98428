package io.aicache.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TierTest {

    @Test
    void labelsAreTheNamesLogsAndMetricsShow() {
        assertEquals("memory", Tier.MEMORY.label());
        assertEquals("pass-through", Tier.PASS_THROUGH.toString());
        assertEquals("stale", Tier.STALE.label());
    }

    @Test
    void onlyUpstreamTransfersAreNotLocal() {
        assertTrue(Tier.FILL.isLocal());
        assertTrue(Tier.STALE.isLocal());
        assertFalse(Tier.UPSTREAM.isLocal());
        assertFalse(Tier.PASS_THROUGH.isLocal());
    }
}
