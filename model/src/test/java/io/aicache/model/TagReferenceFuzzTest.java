package io.aicache.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Tag keys are read back from the index and the admin API: any text is a tag that prints back, or refused. */
class TagReferenceFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        TagReference tag;
        try {
            tag = TagReference.parse(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertEquals(text, tag.toString());
        assertEquals(tag, TagReference.parse(tag.toString()));
    }
}
