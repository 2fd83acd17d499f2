package io.nups.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's host id: the host name, plus the kernel's boot id where Linux provides one. Two nodes
 * with the same id run on one booted machine and can share memory; the boot id tells apart hosts that
 * happen to share a name (cloned VMs, containers with a fixed host name on different machines).
 */
final class HostIdentity
{
    private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final String LOCAL = local(readFirstLine(HOSTNAME), readFirstLine(BOOT_ID));

    private HostIdentity()
    {
    }

    static String local()
    {
        return LOCAL;
    }

    private static String local(final String kernelHostName, final String bootId)
    {
        final String host = kernelHostName != null ? kernelHostName : resolvedHostName();
        return bootId != null ? host + "/" + bootId : host;
    }

    private static String resolvedHostName()
    {
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final IOException ex)
        {
            return "localhost";
        }
    }

    private static String readFirstLine(final Path file)
    {
        try
        {
            final String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? null : text;
        }
        catch (final IOException | SecurityException ex)
        {
            return null; // not Linux, or /proc hidden: fall back
        }
    }
}
