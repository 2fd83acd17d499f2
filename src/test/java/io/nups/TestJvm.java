package io.nups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Child JVMs for tests: the java command with the project's JVM argument files, and launcher scripts for it. */
public final class TestJvm
{
    private TestJvm()
    {
    }

    /** The test's own class path (surefire's, not its booter jar). */
    public static String classPath()
    {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** {@code java @jvm.options [@jvm-24.options] -Xmx256m -XX:+UseSerialGC -cp classPath}, a main class to follow. */
    public static List<String> command(final String classPath)
    {
        final Path options = Path.of(System.getProperty("nups.jvm.options", "scripts/jvm.options")).toAbsolutePath();
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + options));
        if (Runtime.version().feature() >= 24)
        {
            command.add("@" + options.resolveSibling("jvm-24.options"));
        }
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", classPath));
        return command;
    }

    /**
     * An executable bash script {@code file} that execs {@code command} with the script's arguments appended,
     * e.g. as NUPS_LOCAL_COMMAND for scripts/nups-local (which needs the JVM exec'd to stop a rank).
     */
    public static Path launcher(final Path file, final List<String> command) throws IOException
    {
        Files.writeString(file, "#!/usr/bin/env bash\nexec " +
            command.stream().map(word -> "'" + word + "'").collect(Collectors.joining(" ")) + " \"$@\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
