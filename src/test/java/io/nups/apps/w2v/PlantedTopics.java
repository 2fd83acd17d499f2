package io.nups.apps.w2v;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic corpus with planted structure: each line draws its words from one of {@code topics} disjoint word
 * sets (t3w17 is word 17 of topic 3), with a few shared filler words; words of one topic co-occur, words of
 * different topics never do.
 */
final class PlantedTopics
{
    private static final String[] FILLERS = {"the", "of", "and"};

    private PlantedTopics()
    {
    }

    static Path write(final Path file, final int topics, final int wordsPerTopic, final int lines, final int lineLength,
        final long seed) throws IOException
    {
        final SplittableRandom random = new SplittableRandom(seed);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            final StringBuilder line = new StringBuilder();
            for (int l = 0; l < lines; l++)
            {
                line.setLength(0);
                final int topic = random.nextInt(topics);
                for (int i = 0; i < lineLength; i++)
                {
                    line.append(i == 0 ? "" : " ");
                    if (random.nextInt(5) == 0)
                    {
                        line.append(FILLERS[random.nextInt(FILLERS.length)]);
                    }
                    else
                    {
                        line.append('t').append(topic).append('w').append(random.nextInt(wordsPerTopic));
                    }
                }
                out.write(line.append('\n').toString());
            }
        }
        return file;
    }

    /** {@code count} distinct pairs of different words of one topic. */
    static List<SynonymPair> sameTopicPairs(final int topics, final int wordsPerTopic, final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<SynonymPair> pairs = new ArrayList<>();
        while (pairs.size() < count)
        {
            final int topic = random.nextInt(topics);
            final int a = random.nextInt(wordsPerTopic);
            final int b = random.nextInt(wordsPerTopic);
            final SynonymPair pair = new SynonymPair("t" + topic + "w" + a, "t" + topic + "w" + b);
            if (a != b && !pairs.contains(pair))
            {
                pairs.add(pair);
            }
        }
        return pairs;
    }
}
