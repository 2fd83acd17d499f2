package io.nups.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** {@code nups --version}: the version Maven stamped into the jar, and the Java runtime it runs on. */
final class NupsVersion implements IVersionProvider
{
    private static final String POM_PROPERTIES = "/META-INF/maven/io.nups/nups/pom.properties";

    @Override
    public String[] getVersion()
    {
        return new String[] {
            "nups " + projectVersion(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
        };
    }

    private static String projectVersion()
    {
        try (InputStream in = NupsVersion.class.getResourceAsStream(POM_PROPERTIES))
        {
            if (in == null)
            {
                return "(development build, not packaged)";
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(unknown version)");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + POM_PROPERTIES, ex);
        }
    }
}
