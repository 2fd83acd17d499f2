package io.nups.apps.wordnet;

import io.nups.apps.kge.Triples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** WordNet and its derived data on a crafted WordNet of seven synsets. */
class WordNetTest
{
    private final MiniWordNet mini = new MiniWordNet();

    @Test
    void namesSynsetsByFirstLemmaAndSenseNumber()
    {
        final WordNet wordNet = mini.read();
        final List<String> names = IntStream.range(0, wordNet.synsets().size()).mapToObj(wordNet::name).toList();
        assertEquals(List.of("entity.n.01", "dog.n.01", "dog.n.02", "bark.v.01", "big.a.01", "huge.s.01",
            "loudly.r.01"), names);
        assertEquals(List.of("big", "large"), wordNet.synsets().get(4).lemmas());
    }

    @Test
    void graphHasOneDirectionOfInversePointersUnlessAsked()
    {
        final WordNet wordNet = mini.read();
        final WordNetGraph.Options noSplit = new WordNetGraph.Options(0, 0, 1, false);
        final WordNetGraph graph = wordNet.graph(noSplit);
        // loudly.r.01 has no pointer: no entity
        assertEquals(List.of("entity.n.01", "dog.n.01", "dog.n.02", "bark.v.01", "big.a.01", "huge.s.01"),
            graph.entities());
        assertEquals(List.of("_derivationally_related_form", "_has_part", "_hypernym", "_similar_to"),
            graph.relations());
        // dog.n.01's hypernym pointer is listed twice: one triple
        assertEquals(Set.of(
            "dog.n.01 _hypernym entity.n.01", "dog.n.02 _hypernym entity.n.01",
            "dog.n.01 _derivationally_related_form bark.v.01", "bark.v.01 _derivationally_related_form dog.n.01",
            "dog.n.01 _has_part dog.n.02", "big.a.01 _similar_to huge.s.01", "huge.s.01 _similar_to big.a.01"),
            named(graph, graph.train()));

        final WordNetGraph withInverses = wordNet.graph(new WordNetGraph.Options(0, 0, 1, true));
        assertEquals(List.of("_derivationally_related_form", "_has_part", "_hypernym", "_hyponym", "_part_of",
            "_similar_to"), withInverses.relations());
        final Set<String> triples = named(withInverses, withInverses.train());
        assertEquals(10, triples.size());
        assertTrue(triples.containsAll(Set.of("entity.n.01 _hyponym dog.n.01", "entity.n.01 _hyponym dog.n.02",
            "dog.n.02 _part_of dog.n.01")), triples.toString());
    }

    @Test
    void corpusHasOneLowerCaseLinePerGloss() throws IOException
    {
        final GlossCorpus corpus = mini.read().corpus(false);
        final List<String> lines = lines(corpus);
        assertEquals(7, lines.size());
        assertEquals("a domestic animal the dog barked", lines.get(1));
        assertEquals(corpus.lines(), lines.size());
        assertEquals(lines.stream().mapToInt(line -> line.split(" ").length).sum(), corpus.words());

        final List<String> withLemmas = lines(mini.read().corpus(true));
        // domestic_dog is no single word, so it is left out
        assertEquals("dog a domestic animal the dog barked", withLemmas.get(1));
        assertEquals("big large above average in size", withLemmas.get(4));
    }

    @Test
    void synonymPairsAreSingleWordLemmasOfOneSynset()
    {
        assertEquals(List.of(new WordPair("big", "large"), new WordPair("dog", "hound")), mini.read().synonymPairs());
    }

    @Test
    void rejectsPointersToMissingSynsetsAndUnnamedSynsets()
    {
        mini.files.put("data.verb", MiniWordNet.LICENSE +
            "00000100 29 v 01 bark 0 001 + 00000099 n 0101 01 + 02 00 | make barking sounds  \n");
        final IllegalArgumentException dangling = assertThrows(IllegalArgumentException.class, mini::read);
        assertEquals("data.verb: synset 100 has a + pointer to 99 n, which data.noun does not have",
            dangling.getMessage());

        final MiniWordNet unnamed = new MiniWordNet();
        unnamed.files.put("index.verb", MiniWordNet.LICENSE);
        final IllegalArgumentException noName = assertThrows(IllegalArgumentException.class, unnamed::read);
        assertEquals("index.verb does not list synset 100 under its first lemma \"bark\"", noName.getMessage());

        final MiniWordNet wrongFile = new MiniWordNet();
        wrongFile.files.put("data.adv", MiniWordNet.LICENSE + "00000300 02 a 01 loudly 0 000 | with much noise  \n");
        final IllegalArgumentException misplaced = assertThrows(IllegalArgumentException.class, wrongFile::read);
        assertEquals("data.adv: synset 300 has type a, which belongs in data.adj", misplaced.getMessage());
    }

    private static Set<String> named(final WordNetGraph graph, final Triples triples)
    {
        return IntStream.range(0, triples.size()).mapToObj(i -> graph.entities().get(triples.heads()[i]) + " " +
            graph.relations().get(triples.relations()[i]) + " " + graph.entities().get(triples.tails()[i]))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> lines(final GlossCorpus corpus) throws IOException
    {
        try (BufferedReader in = new BufferedReader(corpus.reader()))
        {
            return new ArrayList<>(in.lines().toList());
        }
    }
}
