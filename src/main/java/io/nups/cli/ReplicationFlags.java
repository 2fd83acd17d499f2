package io.nups.cli;

import io.nups.manage.FrequencyFiles;
import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Which keys to replicate and how to keep them in sync (a picocli mixin), with NuPS's flag names and defaults
 * (reference §2, §4.3): {@code --replicate N} takes the top N of {@code --replicate-frequencies FILE} or of the
 * command's own popularity ranking, {@code --replicate-keys FILE} lists the keys; {@code --rep.*} set the
 * synchronization. Errors are picocli parameter errors (exit 2) naming the flag.
 */
final class ReplicationFlags
{
    static final String REPLICATE = "--replicate";
    static final String KEYS = "--replicate-keys";
    static final String FREQUENCIES = "--replicate-frequencies";
    static final String SYNCS = "--rep.syncs_per_sec";
    static final String PAUSE = "--rep.pause";
    static final String THRESHOLD = "--rep.threshold";
    static final String AVERAGE = "--rep.average_updates";
    static final String CLIP = "--rep.clip_updates";
    private static final String[] SYNC_FLAGS = {SYNCS, PAUSE, THRESHOLD, AVERAGE, CLIP};

    /** For commands without relations: a KGE frequency file's relation lines are refused. */
    static final IntFunction<int[]> NO_RELATIONS = id ->
    {
        throw new IllegalArgumentException("this command has no relations, only entity or column ids (= keys)");
    };

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = REPLICATE, paramLabel = "N", converter = Bounds.NonNegativeInt.class, order = 200,
        description = "Replicate the N hottest keys on every node: the top N parameters of " + FREQUENCIES +
            " FILE, else of the command's own popularity ranking (bench: the N most likely Zipf keys, 0 .. N-1). " +
            "Every other key is managed by --mode (default: 0, none).")
    private Integer replicate;

    @Option(names = KEYS, paramLabel = "FILE", order = 201,
        description = "Replicate the keys listed in FILE, one per line, # starts a comment.")
    private Path keysFile;

    @Option(names = FREQUENCIES, paramLabel = "FILE", order = 202,
        description = "Rank parameters by a NuPS frequency file, for " + REPLICATE + " N: KGE " +
            "parameter.frequencies.tsv (lines 'e|r ID COUNT') or MF *.colfreqs.csv (a header, then " +
            "'COUNT<TAB>COLUMN'); entity and column ids are key ids.")
    private Path frequencies;

    @Option(names = SYNCS, paramLabel = "R", converter = Bounds.NonNegativeDouble.class, order = 203,
        description = "Target replica sync rounds per second; 0 with " + PAUSE + " 0 runs rounds back-to-back " +
            "(default: 25).")
    private Double syncsPerSecond;

    @Option(names = PAUSE, paramLabel = "MS", converter = Bounds.NonNegativeInt.class, order = 204,
        description = "Pause MS milliseconds between sync rounds instead of a rate (default: 0, use " + SYNCS + ").")
    private Integer pauseMillis;

    @Option(names = THRESHOLD, paramLabel = "T", converter = Threshold.class, order = 205,
        description = "Keys a round sends: -1 all, 0 those updated since the last round, > 0 updated keys whose " +
            "change has at least this L2 norm, inf none (synchronization off) (default: 0).")
    private Double threshold;

    @Option(names = AVERAGE, arity = "0..1", paramLabel = "true|false", fallbackValue = "true", converter = Switch.class, order = 206,
        description = "Divide each round's sum of updates by the node count (default: off; =1 and =0 work too).")
    private Boolean average;

    @Option(names = CLIP, paramLabel = "C", converter = Bounds.NonNegativeDouble.class, order = 207,
        description = "Clip a round's update of a key to C times the running mean norm, after 1000 updates " +
            "(default: 0, off).")
    private Double clip;

    /**
     * The replicated keys and their synchronization, or null when none are replicated.
     *
     * @param numKeys        the node's key space, which the replicated set is over
     * @param replicableKeys keys {@code [0, replicableKeys)} may be replicated; a frequency file's entity and
     *                       column ids are these key ids (the command has no relations)
     * @param topKeys        the command's own popularity ranking: its {@code n} hottest keys, for
     *                       {@code --replicate N} without a frequency file
     */
    ReplicationOptions options(final int numKeys, final int replicableKeys, final IntFunction<int[]> topKeys)
    {
        return options(numKeys, replicableKeys, topKeys, 0, NO_RELATIONS);
    }

    /**
     * As {@link #options(int, int, IntFunction)}, with a default for when no flag names keys, and the keys of a
     * KGE frequency file's relations.
     *
     * @param defaultCount how many of {@code topKeys} to replicate when none of {@code --replicate},
     *                     {@code --replicate-keys}, {@code --replicate-frequencies} is given (a mode's preset)
     * @param relationKeys the key of a relation id of a KGE frequency file
     */
    ReplicationOptions options(final int numKeys, final int replicableKeys, final IntFunction<int[]> topKeys,
        final int defaultCount, final IntFunction<int[]> relationKeys)
    {
        final boolean named = replicate != null || keysFile != null || frequencies != null;
        final int[] keys = !named && defaultCount > 0 ? topKeys.apply(defaultCount) :
            chooseKeys(replicableKeys, topKeys, relationKeys);
        if (keys != null && keys.length == 0)
        {
            return null;
        }
        if (keys == null)
        {
            if (replicate != null)
            {
                return null; // an explicit --replicate 0, e.g. one step of a sweep: the sync flags may stay
            }
            final ParseResult parsed = mixee.commandLine().getParseResult();
            for (final String flag : SYNC_FLAGS)
            {
                if (parsed.hasMatchedOption(flag))
                {
                    throw fail(flag + " needs replicated keys: give " + REPLICATE + " N or " + KEYS + " FILE");
                }
            }
            return null;
        }
        final boolean pause = pauseMillis != null && pauseMillis > 0;
        if (pause && syncsPerSecond != null && syncsPerSecond > 0)
        {
            throw fail("give " + SYNCS + " " + syncsPerSecond + " or " + PAUSE + " " + pauseMillis + ", not both " +
                "(" + SYNCS + " 0 " + PAUSE + " 0 runs rounds back-to-back)");
        }
        ReplicationOptions options = ReplicationOptions.of(HotKeys.of(numKeys, keys))
            .withThreshold(threshold != null ? threshold : 0)
            .withAverage(average != null && average)
            .withClip(clip != null ? clip : 0);
        if (pause)
        {
            options = options.withPauseMillis(pauseMillis);
        }
        else if (syncsPerSecond != null)
        {
            options = options.withSyncsPerSecond(syncsPerSecond);
        }
        return options;
    }

    /** The keys the flags name, or null for none. */
    private int[] chooseKeys(final int replicableKeys, final IntFunction<int[]> topKeys,
        final IntFunction<int[]> relationKeys)
    {
        if (keysFile != null)
        {
            if (replicate != null || frequencies != null)
            {
                throw fail(KEYS + " FILE lists the keys itself; it does not go with " +
                    (replicate != null ? REPLICATE : FREQUENCIES));
            }
            return read(KEYS, keysFile, () -> FrequencyFiles.readKeyList(keysFile, replicableKeys));
        }
        if (frequencies != null)
        {
            if (replicate == null)
            {
                throw fail(FREQUENCIES + " FILE needs " + REPLICATE + " N: how many of its top parameters to " +
                    "replicate");
            }
            return replicate == 0 ? null : read(FREQUENCIES, frequencies, () -> rankFrequencies(replicableKeys, relationKeys));
        }
        if (replicate == null || replicate == 0)
        {
            return null;
        }
        if (replicate > replicableKeys)
        {
            throw fail(REPLICATE + " " + replicate + " exceeds the " + replicableKeys + " keys there are");
        }
        return topKeys.apply(replicate);
    }

    private int[] rankFrequencies(final int replicableKeys, final IntFunction<int[]> relationKeys)
    {
        final IntFunction<int[]> sameKey = id ->
        {
            if (id >= replicableKeys)
            {
                throw new IllegalArgumentException("id " + id + " is not a key in [0, " + replicableKeys + ")");
            }
            return new int[] {id};
        };
        return FrequencyFiles.isKge(frequencies) ? FrequencyFiles.readKge(frequencies, sameKey, relationKeys, replicate) :
            FrequencyFiles.readColumnFrequencies(frequencies, sameKey, replicate);
    }

    /**
     * Refuses the options under which replicas need not converge to exactly the sum of all updates (averaging,
     * clipping, a threshold that holds keys back or turns synchronization off), naming the flag.
     *
     * @param who what needs exact sums, e.g. "nups bench's exactness check"
     */
    void requireExactSync(final String who)
    {
        final String needs = who + " needs replicas that converge to exactly the sum of all pushes; ";
        if (average != null && average)
        {
            throw fail(needs + AVERAGE + " divides them by the node count");
        }
        if (clip != null && clip > 0)
        {
            throw fail(needs + CLIP + " " + clip + " may clip them");
        }
        if (threshold != null && threshold > 0)
        {
            throw fail(needs + THRESHOLD + " " + (Double.isInfinite(threshold) ? "inf turns synchronization off" :
                threshold + " holds back keys whose change is smaller") + " (use -1 or 0)");
        }
    }

    private int[] read(final String flag, final Path file, final Supplier<int[]> reader)
    {
        try
        {
            return reader.get();
        }
        catch (final IllegalArgumentException | UncheckedIOException ex)
        {
            throw fail(flag + " " + file + ": " + ex.getMessage());
        }
    }

    private ParameterException fail(final String message)
    {
        return new ParameterException(mixee.commandLine(), message);
    }

    /** {@code rep.threshold}: -1, a number >= 0, or inf. */
    static final class Threshold implements ITypeConverter<Double>
    {
        @Override
        public Double convert(final String text)
        {
            final String value = text.strip().toLowerCase(Locale.ROOT);
            if (value.equals("inf") || value.equals("infinity"))
            {
                return Double.POSITIVE_INFINITY;
            }
            try
            {
                final double threshold = Double.parseDouble(value);
                if (threshold == -1 || (threshold >= 0 && Double.isFinite(threshold)))
                {
                    return threshold;
                }
            }
            catch (final NumberFormatException ignored)
            {
                // reported below
            }
            throw new TypeConversionException("'" + text + "' is not -1 (all keys), a number >= 0 or inf (off)");
        }
    }

    /** A switch given bare or with a value, as NuPS's {@code rep.average_updates 1}. */
    static final class Switch implements ITypeConverter<Boolean>
    {
        @Override
        public Boolean convert(final String text)
        {
            return switch (text.strip().toLowerCase(Locale.ROOT))
            {
                case "true", "1", "on" -> true;
                case "false", "0", "off" -> false;
                default -> throw new TypeConversionException("'" + text + "' is not true, false, 1 or 0");
            };
        }
    }
}
