package io.nups.cluster;

import java.util.Map;

/** Reads environment variables; every error names the variable and its value. */
final class EnvironmentValues
{
    private EnvironmentValues()
    {
    }

    static String required(final Map<String, String> env, final String name)
    {
        final String value = env.get(name);
        if (value == null || value.isBlank())
        {
            throw new ClusterException(name + " is not set");
        }
        return value.strip();
    }

    static int integer(final Map<String, String> env, final String name, final int min, final int max)
    {
        return parse(name, required(env, name), min, max);
    }

    /** The variable's value, or {@code otherwise} when it is not set. */
    static int integer(final Map<String, String> env, final String name, final int min, final int max,
        final int otherwise)
    {
        final String value = env.get(name);
        return value == null || value.isBlank() ? otherwise : parse(name, value.strip(), min, max);
    }

    static HostPort hostAndPort(final Map<String, String> env, final String name)
    {
        final String value = required(env, name);
        final HostPort address = HostPort.parse(value);
        if (address == null || !address.hasPort())
        {
            throw new ClusterException(name + "='" + value + "' is not host:port");
        }
        return address;
    }

    private static int parse(final String name, final String value, final int min, final int max)
    {
        final int parsed;
        try
        {
            parsed = Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new ClusterException(name + "='" + value + "' is not an integer");
        }
        if (parsed < min || parsed > max)
        {
            throw new ClusterException(name + "=" + parsed + " is not in [" + min + ", " + max + "]");
        }
        return parsed;
    }
}
