package io.nups.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Option converters that reject out-of-range numbers while parsing, so that picocli's error names the flag
 * ("Invalid value for option '--rank': ..."). Integers may use '_' as a digit separator (1_000_000).
 */
final class Bounds
{
    private Bounds()
    {
    }

    static final class PositiveInt implements ITypeConverter<Integer>
    {
        @Override
        public Integer convert(final String text)
        {
            return check(text, Bounds::parseInt, value -> value > 0, "a positive integer");
        }
    }

    static final class NonNegativeInt implements ITypeConverter<Integer>
    {
        @Override
        public Integer convert(final String text)
        {
            return check(text, Bounds::parseInt, value -> value >= 0, "an integer >= 0");
        }
    }

    static final class PowerOfTwo implements ITypeConverter<Integer>
    {
        @Override
        public Integer convert(final String text)
        {
            return check(text, Bounds::parseInt, value -> value > 0 && Integer.bitCount(value) == 1,
                "a power of two (1, 2, 4, ...)");
        }
    }

    static final class PositiveDouble implements ITypeConverter<Double>
    {
        @Override
        public Double convert(final String text)
        {
            return check(text, Double::valueOf, value -> value > 0 && Double.isFinite(value), "a positive number");
        }
    }

    static final class NonNegativeDouble implements ITypeConverter<Double>
    {
        @Override
        public Double convert(final String text)
        {
            return check(text, Double::valueOf, value -> value >= 0 && Double.isFinite(value), "a number >= 0");
        }
    }

    private static Integer parseInt(final String text)
    {
        return Integer.valueOf(text.replace("_", ""));
    }

    private static <T> T check(final String text, final Function<String, T> parse, final Predicate<T> valid,
        final String expected)
    {
        T value;
        try
        {
            value = parse.apply(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            value = null;
        }
        if (value == null || !valid.test(value))
        {
            throw new TypeConversionException("'" + text + "' is not " + expected);
        }
        return value;
    }
}
