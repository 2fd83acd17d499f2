package io.nups.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What one run of a shell script under test did: its exit code, stdout and stderr. */
record ScriptRun(int exit, String out, String err)
{
    private static final long BOUND_SECONDS = 30;

    /**
     * Runs {@code bash script args...} with its output in files under dir, stopping it after BOUND_SECONDS.
     * Each env entry sets a variable; a null value removes it.
     */
    static ScriptRun run(final Path script, final Path dir, final Map<String, String> env, final String... args)
        throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        final Path out = dir.resolve("out.txt");
        final Path err = dir.resolve("err.txt");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        env.forEach((name, value) ->
        {
            if (value == null)
            {
                builder.environment().remove(name);
            }
            else
            {
                builder.environment().put(name, value);
            }
        });
        final Process process = builder.start();
        if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS))
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(script.getFileName() + " " + String.join(" ", args) + " did not end within " +
                BOUND_SECONDS + " s");
        }
        return new ScriptRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }
}
