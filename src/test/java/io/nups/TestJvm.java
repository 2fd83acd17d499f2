package io.nups;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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

    /**
     * A stand-in for the built jar: a manifest naming this test's class path and {@code mainClass}, so scripts/nups
     * runs the compiled classes (with its own JVM flags) instead of building.
     */
    public static void launcherJar(final Path jar, final String mainClass) throws IOException
    {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, java.util.Arrays.stream(classPath()
            .split(java.io.File.pathSeparator)).map(entry -> Path.of(entry).toUri().toString())
            .collect(Collectors.joining(" ")));
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(file,
            manifest))
        {
            // the manifest is the whole jar
        }
    }
}
