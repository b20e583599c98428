package io.aicache.proxy.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The web console in Debian's Chromium, headless, driven by Playwright: {@code src/test/ui/console-driver.mjs}
 * run by node with a new, empty Chromium profile. Each {@link #run} sends the script one command and
 * returns what the page showed; a command the page could not carry out fails the test with the reason.
 * {@code scripts/install-test-deps} installs Chromium and the script's npm packages.
 */
public final class ConsoleBrowser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPTS = Path.of("src/test/ui");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Longer than any wait of the script's own (60 s), so its timeouts are the ones reported. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
    private static final String END = "\u0000end";

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;

    private ConsoleBrowser(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "console-browser-answers");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts Chromium with a profile of its own in {@code dir}; the script's messages go to {@code dir/browser.log}. */
    public static ConsoleBrowser start(Path dir) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
            throw new IllegalStateException("the browser test needs /usr/bin/chromium and playwright-core in "
                    + SCRIPTS.toAbsolutePath() + "/node_modules: run scripts/install-test-deps");
        }
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        Path log = dir.resolve("browser.log");
        Process process = new ProcessBuilder("node", "console-driver.mjs", profile.toAbsolutePath().toString())
                .directory(SCRIPTS.toFile())
                .redirectError(log.toFile())
                .start();
        return new ConsoleBrowser(process, log);
    }

    private void readAnswers() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                answers.add(line);
            }
        } catch (IOException e) {
            // the process went away: the waiting command reports it
        } finally {
            answers.add(END);
        }
    }

    /** Runs {@code command} with its arguments ({@code name, value} pairs) and returns the page's answer. */
    public JsonNode run(String command, Object... arguments) {
        ObjectNode line = JSON.createObjectNode().put("do", command);
        for (int i = 0; i + 1 < arguments.length; i += 2) {
            line.set((String) arguments[i], JSON.valueToTree(arguments[i + 1]));
        }
        String answer;
        try {
            commands.write(line + "\n");
            commands.flush();
            answer = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            throw new AssertionError("the browser script is gone (" + command + "): " + ChildProcesses.tail(log), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the browser ran " + command, e);
        }
        if (answer == null || answer.equals(END)) {
            throw new AssertionError("the browser gave no answer to " + command + ": " + ChildProcesses.tail(log));
        }
        JsonNode result;
        try {
            result = JSON.readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException("the browser script answered " + answer, e);
        }
        if (!result.path("ok").asBoolean()) {
            throw new AssertionError("the browser could not " + command + " " + line + ": " + result.path("error").asText());
        }
        return result;
    }

    /** A full-page screenshot saved as {@code file}. */
    public void screenshot(Path file) {
        run("screenshot", "path", file.toAbsolutePath().toString());
    }

    @Override
    public void close() {
        try {
            commands.write(JSON.writeValueAsString(Map.of("do", "close")) + "\n");
            commands.flush();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                ChildProcesses.stop(process);
            }
        } catch (IOException e) {
            ChildProcesses.stop(process);
        } catch (InterruptedException e) {
            ChildProcesses.stop(process);
            Thread.currentThread().interrupt();
        }
    }
}
