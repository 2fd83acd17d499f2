package io.nups.cluster;

/**
 * A {@code host[:port]} pair as written in a hostfile or an environment variable; an IPv6 literal with a
 * port is written in brackets ({@code [::1]:7000}).
 *
 * @param host host name or address literal, never empty
 * @param port port in [0, 65535], or {@link #NO_PORT} when the text gave none
 */
record HostPort(String host, int port)
{
    static final int NO_PORT = -1;
    static final int MAX_PORT = 65535;

    /**
     * Parses {@code host[:port]}; returns null when the text is not of that form, so the caller can say
     * where it came from.
     */
    static HostPort parse(final String text)
    {
        final String host;
        final String port;
        if (text.startsWith("["))
        {
            final int close = text.indexOf(']');
            if (close < 0)
            {
                return null;
            }
            host = text.substring(1, close);
            final String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":"))
            {
                return null;
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        }
        else
        {
            final int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0)
            {
                host = text; // a bare IPv6 literal: its colons are not a port separator
                port = null;
            }
            else
            {
                host = colon < 0 ? text : text.substring(0, colon);
                port = colon < 0 ? null : text.substring(colon + 1);
            }
        }
        if (host.isEmpty() || containsWhitespace(host))
        {
            return null;
        }
        if (port == null)
        {
            return new HostPort(host, NO_PORT);
        }
        final int value = parsePort(port);
        return value < 0 ? null : new HostPort(host, value);
    }

    boolean hasPort()
    {
        return port != NO_PORT;
    }

    /** The pair as it would be written, brackets included for an IPv6 literal. */
    @Override
    public String toString()
    {
        final String printedHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return hasPort() ? printedHost + ":" + port : printedHost;
    }

    private static int parsePort(final String text)
    {
        if (text.isEmpty() || text.length() > 5)
        {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= MAX_PORT ? value : -1;
    }

    private static boolean containsWhitespace(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (Character.isWhitespace(text.charAt(i)))
            {
                return true;
            }
        }
        return false;
    }
}
